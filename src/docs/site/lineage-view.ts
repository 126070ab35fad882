/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A lineage graph with pan (drag) and zoom (wheel, buttons). Small graphs are plain SVG,
 * moved by a transform. Large graphs draw their edges and node shapes on a canvas under
 * the SVG (only what is in view, once per frame), and only the nodes in view get labelled
 * SVG elements, and only when there are few enough of them to read. That keeps thousands
 * of nodes responsive.
 */

/** A node placed in graph coordinates (top-left corner and size). */
export interface PlacedNode {
  id: string;
  label: string;
  type: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Options of {@link LineageView}. */
export interface LineageViewOptions {
  /** Called when a node is clicked. */
  onOpen: (id: string) => void;
  /** Above this many visible nodes, labels are hidden (default 300). */
  labelLimit?: number;
}

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** A pannable, zoomable lineage graph inside a container element. */
export class LineageView {
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly shapeLayer: SVGGElement;
  private readonly labelLayer: SVGGElement;
  private nodes: PlacedNode[] = [];
  private focus: string | null = null;
  private k = 1;
  private tx = 0;
  private ty = 0;
  private frame = 0;
  private shown = new Map<string, SVGGElement>();
  private readonly labelLimit: number;
  private width = 0;
  private height = 0;
  private readonly canvas: HTMLCanvasElement;
  /** Large graphs: edge end points, x1 y1 x2 y2 per edge, in graph units. */
  private edgeCoords = new Float64Array(0);
  private large = false;
  private colours = new Map<string, string>();

  constructor(private readonly container: HTMLElement, private readonly options: LineageViewOptions) {
    this.labelLimit = options.labelLimit ?? 300;
    this.svg = el('svg', { class: 'lineage-svg', role: 'img' });
    this.viewport = el('g', { class: 'viewport' });
    this.edgeLayer = el('g', { class: 'edges' });
    this.shapeLayer = el('g', { class: 'shapes' });
    this.labelLayer = el('g', { class: 'labels' });
    this.viewport.append(this.edgeLayer, this.shapeLayer, this.labelLayer);
    this.svg.append(this.viewport);
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'lineage-canvas';
    container.classList.add('lineage-host');
    container.append(this.canvas, this.svg);
    this.bindPointer();
  }

  /** Show a graph: nodes in graph coordinates and edges as [parent, child] ids. */
  setGraph(nodes: PlacedNode[], edges: [string, string][], focus: string | null = null): void {
    this.nodes = nodes;
    this.focus = focus;
    this.width = Math.max(1, ...nodes.map((n) => n.x + n.w));
    this.height = Math.max(1, ...nodes.map((n) => n.y + n.h));
    this.svg.dataset.nodes = String(nodes.length);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    this.large = nodes.length > this.labelLimit;
    this.svg.dataset.renderer = this.large ? 'canvas' : 'svg';
    this.edgeLayer.replaceChildren();
    this.shapeLayer.replaceChildren();
    this.labelLayer.replaceChildren();
    this.shown.clear();
    if (this.large) {
      const coords: number[] = [];
      for (const [from, to] of edges) {
        const a = byId.get(from);
        const b = byId.get(to);
        if (a && b) coords.push(a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2);
      }
      this.edgeCoords = Float64Array.from(coords);
      const style = getComputedStyle(this.container);
      for (const n of nodes) if (!this.colours.has(n.type)) this.colours.set(n.type, style.getPropertyValue(`--${n.type}`).trim() || '#2f6fdf');
      this.fit();
      return;
    }
    this.edgeCoords = new Float64Array(0);
    this.paintCanvas();
    const plain: string[] = [];
    const near: string[] = [];
    for (const [from, to] of edges) {
      const a = byId.get(from);
      const b = byId.get(to);
      if (!a || !b) continue;
      const x1 = a.x + a.w;
      const y1 = a.y + a.h / 2;
      const x2 = b.x;
      const y2 = b.y + b.h / 2;
      const dx = Math.max(20, (x2 - x1) / 2);
      const d = `M${x1} ${y1}C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
      (focus && (from === focus || to === focus) ? near : plain).push(d);
    }
    this.edgeLayer.replaceChildren(el('path', { class: 'edge', d: plain.join('') }), el('path', { class: 'edge edge-focus', d: near.join('') }));
    this.fit();
  }

  /** Fit the whole graph in the container (never zooming in beyond 1). */
  fit(): void {
    const box = this.container.getBoundingClientRect();
    const w = box.width || 800;
    const h = box.height || 500;
    this.k = Math.min(1, (w - 40) / this.width, (h - 40) / this.height);
    this.tx = (w - this.width * this.k) / 2;
    this.ty = (h - this.height * this.k) / 2;
    this.apply();
  }

  /** Centre on a node at a readable zoom. */
  centreOn(id: string, k = 1): void {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) return;
    const box = this.container.getBoundingClientRect();
    this.k = k;
    this.tx = (box.width || 800) / 2 - (n.x + n.w / 2) * k;
    this.ty = (box.height || 500) / 2 - (n.y + n.h / 2) * k;
    this.apply();
  }

  /** Zoom by `factor` around a point of the container (its centre by default). */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const box = this.container.getBoundingClientRect();
    const px = cx ?? box.width / 2;
    const py = cy ?? box.height / 2;
    const k = Math.min(4, Math.max(0.01, this.k * factor));
    this.tx = px - ((px - this.tx) * k) / this.k;
    this.ty = py - ((py - this.ty) * k) / this.k;
    this.k = k;
    this.apply();
  }

  /** The current zoom factor. */
  get zoom(): number {
    return this.k;
  }

  private apply(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.viewport.setAttribute('transform', `translate(${this.tx} ${this.ty}) scale(${this.k})`);
      this.svg.dataset.zoom = this.k.toFixed(3);
      if (this.large) this.paintCanvas();
      this.updateLabels();
    });
  }

  /** Large graphs: draw the edges and node shapes in view on the canvas. */
  private paintCanvas(): void {
    const box = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(box.width * dpr));
    const h = Math.max(1, Math.round(box.height * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!this.large) return;
    const k = this.k;
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * this.tx, dpr * this.ty);
    const x0 = -this.tx / k;
    const y0 = -this.ty / k;
    const x1 = x0 + box.width / k;
    const y1 = y0 + box.height / k;
    ctx.lineWidth = 1 / k;
    ctx.strokeStyle = 'rgba(120, 132, 150, 0.45)';
    ctx.beginPath();
    const e = this.edgeCoords;
    for (let i = 0; i < e.length; i += 4) {
      const ax = e[i]!, ay = e[i + 1]!, bx = e[i + 2]!, by = e[i + 3]!;
      if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) continue;
      const dx = Math.max(20, (bx - ax) / 2);
      ctx.moveTo(ax, ay);
      ctx.bezierCurveTo(ax + dx, ay, bx - dx, by, bx, by);
    }
    ctx.stroke();
    const byType = new Map<string, PlacedNode[]>();
    for (const n of this.nodes) {
      if (n.x + n.w < x0 || n.x > x1 || n.y + n.h < y0 || n.y > y1) continue;
      (byType.get(n.type) ?? byType.set(n.type, []).get(n.type)!).push(n);
    }
    for (const [type, list] of byType) {
      ctx.fillStyle = this.colours.get(type) ?? '#2f6fdf';
      ctx.globalAlpha = 0.8;
      ctx.beginPath();
      for (const n of list) ctx.rect(n.x, n.y, n.w, n.h);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  /** Give labelled elements to the nodes in view, when few enough to read. */
  private updateLabels(): void {
    const box = this.container.getBoundingClientRect();
    const x0 = -this.tx / this.k;
    const y0 = -this.ty / this.k;
    const x1 = x0 + (box.width || 800) / this.k;
    const y1 = y0 + (box.height || 500) / this.k;
    const visible: PlacedNode[] = [];
    for (const n of this.nodes) if (n.x + n.w >= x0 && n.x <= x1 && n.y + n.h >= y0 && n.y <= y1) visible.push(n);
    const small = this.nodes.length <= this.labelLimit;
    const want = small ? this.nodes : visible.length <= this.labelLimit && this.k >= 0.35 ? visible : [];
    const keep = new Set(want.map((n) => n.id));
    for (const [id, g] of this.shown) {
      if (!keep.has(id)) {
        g.remove();
        this.shown.delete(id);
      }
    }
    for (const n of want) if (!this.shown.has(n.id)) this.shown.set(n.id, this.labelled(n));
    this.svg.dataset.labelled = String(this.shown.size);
  }

  private labelled(n: PlacedNode): SVGGElement {
    const g = el('g', { class: `node type-${n.type}${n.id === this.focus ? ' focus' : ''}`, transform: `translate(${n.x} ${n.y})` });
    g.dataset.id = n.id;
    const title = el('title');
    title.textContent = n.id;
    const text = el('text', { x: 10, y: n.h / 2, 'dominant-baseline': 'central' });
    const max = Math.floor((n.w - 18) / 7);
    text.textContent = n.label.length > max ? `${n.label.slice(0, max - 1)}…` : n.label;
    g.append(title, el('rect', { width: n.w, height: n.h, rx: 5 }), text);
    this.labelLayer.append(g);
    return g;
  }

  /** The node under a point of the container, if any. */
  nodeAt(cx: number, cy: number): PlacedNode | undefined {
    const x = (cx - this.tx) / this.k;
    const y = (cy - this.ty) / this.k;
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h) return n;
    }
    return undefined;
  }

  private bindPointer(): void {
    let drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;
    this.svg.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (!drag.moved) return;
      this.tx = drag.tx + dx;
      this.ty = drag.ty + dy;
      this.svg.classList.add('dragging');
      this.apply();
    });
    this.svg.addEventListener('pointerup', (e) => {
      const d = drag;
      drag = null;
      this.svg.classList.remove('dragging');
      if (!d || d.moved) return;
      const box = this.svg.getBoundingClientRect();
      const n = this.nodeAt(e.clientX - box.left, e.clientY - box.top);
      if (n) this.options.onOpen(n.id);
    });
    this.svg.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const box = this.svg.getBoundingClientRect();
        this.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
      },
      { passive: false },
    );
  }
}
