/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The documentation page: reads `window.__STRATA_DOCS__` (written by `strata docs
 * generate`), and shows the project overview with its whole lineage graph, a page per
 * resource, and a search box. Routing is by URL hash, so it works opened as a file.
 */
import dagre from '@dagrejs/dagre';
import type { DocsData, DocsNode } from '../docs-data.js';
import { LineageView, type PlacedNode } from './lineage-view.js';
import { escapeHtml, renderInline, renderMarkdown } from './markdown.js';
import { neighbourhood } from './neighbourhood.js';
import { SearchIndex } from './search-index.js';

declare global {
  interface Window {
    __STRATA_DOCS__?: DocsData;
  }
}

const TYPE_LABELS: Record<string, string> = {
  model: 'Models',
  source: 'Sources',
  seed: 'Seeds',
  snapshot: 'Snapshots',
  exposure: 'Exposures',
  analysis: 'Analyses',
  test: 'Tests',
};

function h(html: string): DocumentFragment {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content;
}

function link(n: DocsNode): string {
  return `<a class="node-link" href="#/node/${encodeURIComponent(n.id)}"><span class="badge type-${n.type}">${n.type}</span> ${escapeHtml(n.name)}</a>`;
}

function start(): void {
  const data = window.__STRATA_DOCS__;
  if (!data) {
    document.body.textContent = 'No documentation data: run `strata docs generate` and open target/index.html.';
    return;
  }
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const index = new SearchIndex(data.nodes);
  document.body.append(
    h(`<header class="top">
  <a class="brand" href="#/">${escapeHtml(data.project)} <span>docs</span></a>
  <div class="search"><input id="search" type="search" placeholder="Search models, sources, columns…" autocomplete="off" spellcheck="false" aria-label="Search">
  <ol id="search-results" hidden></ol></div>
</header>
<div class="layout"><nav id="sidebar"></nav><main id="main"></main></div>`),
  );
  const main = document.getElementById('main')!;
  const input = document.getElementById('search') as HTMLInputElement;
  const results = document.getElementById('search-results')!;

  // Sidebar: one collapsible group per type, filled when first opened.
  const sidebar = document.getElementById('sidebar')!;
  for (const type of Object.keys(TYPE_LABELS)) {
    const items = data.nodes.filter((n) => n.type === type);
    if (!items.length) continue;
    const det = document.createElement('details');
    det.className = `group group-${type}`;
    det.innerHTML = `<summary>${TYPE_LABELS[type]} <span class="count">${items.length}</span></summary><ul></ul>`;
    det.addEventListener('toggle', () => {
      const ul = det.querySelector('ul')!;
      if (det.open && !ul.childElementCount) ul.innerHTML = items.map((n) => `<li><a href="#/node/${encodeURIComponent(n.id)}" title="${escapeHtml(n.id)}">${escapeHtml(n.name)}</a></li>`).join('');
    });
    if (type === 'model' && items.length <= 200) det.open = true;
    sidebar.append(det);
  }

  // Search.
  let active = 0;
  let pending = 0;
  const showResults = () => {
    pending = 0;
    const q = input.value.trim();
    if (!q) {
      results.hidden = true;
      results.replaceChildren();
      return;
    }
    const hits = index.search(q, 30);
    active = 0;
    results.innerHTML = hits.length
      ? hits
          .map(
            (hit, i) =>
              `<li class="result${i === 0 ? ' active' : ''}" data-id="${escapeHtml(hit.item.id)}"><a href="#/node/${encodeURIComponent(hit.item.id)}"><span class="badge type-${hit.item.type}">${hit.item.type}</span> <b>${escapeHtml(hit.item.name)}</b>${hit.column ? ` <small>column ${escapeHtml(hit.column)}</small>` : ''}<small class="pkg">${escapeHtml(hit.item.package)}</small></a></li>`,
          )
          .join('')
      : `<li class="empty">Nothing matches “${escapeHtml(q)}”.</li>`;
    results.hidden = false;
    results.dataset.query = q;
  };
  input.addEventListener('input', () => {
    if (!pending) pending = requestAnimationFrame(showResults);
  });
  input.addEventListener('keydown', (e) => {
    const items = [...results.querySelectorAll<HTMLElement>('li.result')];
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!items.length) return;
      items[active]?.classList.remove('active');
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[active]!.classList.add('active');
      items[active]!.scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter') {
      if (pending) {
        cancelAnimationFrame(pending);
        showResults();
      }
      const id = results.querySelectorAll<HTMLElement>('li.result')[active]?.dataset.id;
      if (id) open(id);
    } else if (e.key === 'Escape') {
      results.hidden = true;
      input.blur();
    }
  });
  results.addEventListener('click', () => {
    results.hidden = true;
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== input) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
  document.addEventListener('click', (e) => {
    if (!(e.target as Element).closest('.search')) results.hidden = true;
  });

  function open(id: string): void {
    results.hidden = true;
    location.hash = `#/node/${encodeURIComponent(id)}`;
  }

  // Pages.
  let view: LineageView | null = null;
  function route(): void {
    const m = /^#\/node\/(.+)$/.exec(location.hash);
    const node = m ? byId.get(decodeURIComponent(m[1]!)) : undefined;
    view = null;
    if (node) nodePage(node);
    else overviewPage();
    main.scrollTop = 0;
    window.scrollTo(0, 0);
    document.documentElement.dataset.route = node ? node.id : 'overview';
  }

  function graphControls(extra = ''): string {
    return `<div class="graph-controls"><button data-act="in" title="Zoom in">+</button><button data-act="out" title="Zoom out">−</button><button data-act="fit" title="Fit">Fit</button>${extra}</div>`;
  }

  function bindControls(box: Element, v: LineageView): void {
    box.querySelector('.graph-controls')!.addEventListener('click', (e) => {
      const act = (e.target as HTMLElement).dataset.act;
      if (act === 'in') v.zoomBy(1.4);
      else if (act === 'out') v.zoomBy(1 / 1.4);
      else if (act === 'fit') v.fit();
    });
  }

  function overviewPage(): void {
    document.title = `${data!.project} · Strata docs`;
    const counts = Object.keys(TYPE_LABELS)
      .map((t) => [t, data!.nodes.filter((n) => n.type === t).length] as const)
      .filter(([, c]) => c > 0)
      .map(([t, c]) => `<li><span class="badge type-${t}">${t}</span> ${c}</li>`)
      .join('');
    main.replaceChildren(
      h(`<section class="overview">
  <div class="prose">${data!.overview ? renderMarkdown(data!.overview) : `<h1>${escapeHtml(data!.project)}</h1>`}</div>
  <ul class="counts">${counts}</ul>
  <p class="muted">Generated ${escapeHtml(new Date(data!.generatedAt).toLocaleString())} by Strata ${escapeHtml(data!.strataVersion)}. Click a node to open it; drag to pan, scroll to zoom.</p>
</section>
<section class="graph-box full" id="project-graph">${graphControls()}<div class="graph" id="graph"></div></section>`),
    );
    const box = document.getElementById('project-graph')!;
    const v = new LineageView(document.getElementById('graph')!, { onOpen: open });
    const w = data!.layout.nodeWidth;
    const hgt = data!.layout.nodeHeight;
    const placed: PlacedNode[] = [];
    const edges: [string, string][] = [];
    for (const n of data!.nodes) {
      const p = data!.layout.positions[n.id];
      if (!p) continue;
      placed.push({ id: n.id, label: n.name, type: n.type, x: p.x, y: p.y, w, h: hgt });
      for (const parent of n.parents) if (data!.layout.positions[parent]) edges.push([parent, n.id]);
    }
    v.setGraph(placed, edges);
    bindControls(box, v);
    view = v;
  }

  function nodePage(n: DocsNode): void {
    document.title = `${n.name} · ${data!.project} docs`;
    const cfgOwner = (n.config.meta as Record<string, unknown> | undefined)?.owner ?? n.meta.owner ?? n.stats.owner;
    const facts: [string, string][] = [
      ['Type', n.type + (n.materialized ? ` (${n.materialized})` : '')],
      ['Relation', n.relation ? `<code>${escapeHtml(n.relation)}</code>` : '—'],
      ['Package', escapeHtml(n.package)],
      ['File', `<code>${escapeHtml(n.path)}</code>`],
    ];
    if (n.stats.kind) facts.push(['In the warehouse', n.stats.kind]);
    if (n.stats.rowCount !== null) facts.push(['Rows', n.stats.rowCount.toLocaleString('en-US')]);
    if (cfgOwner) facts.push(['Owner', escapeHtml(typeof cfgOwner === 'string' ? cfgOwner : JSON.stringify(cfgOwner))]);
    if (n.tags.length) facts.push(['Tags', n.tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`).join(' ')]);
    const columns = n.columns.length
      ? `<table class="columns"><thead><tr><th>Column</th><th>Type</th><th>Description</th><th>Tests</th></tr></thead><tbody>${n.columns
          .map(
            (c) =>
              `<tr data-column="${escapeHtml(c.name)}"><td class="col-name"><code>${escapeHtml(c.name)}</code></td><td class="col-type">${c.type ? escapeHtml(c.type) : '<span class="muted">—</span>'}</td><td class="col-desc">${c.description ? renderMarkdown(c.description) : ''}</td><td class="col-tests">${c.tests.map((t) => `<span class="test">${escapeHtml(t)}</span>`).join(' ')}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p class="muted">No columns are documented or known in the warehouse.</p>';
    const list = (ids: string[], empty: string) => {
      const items = ids.map((id) => byId.get(id)).filter((x): x is DocsNode => !!x);
      return items.length ? `<ul class="links">${items.map((x) => `<li>${link(x)}</li>`).join('')}</ul>` : `<p class="muted">${empty}</p>`;
    };
    const code = (title: string, sql: string | null, cls: string) =>
      sql === null ? '' : `<details class="code ${cls}" open><summary>${title}</summary><pre><code>${escapeHtml(sql.replace(/^\n+|\s+$/g, ''))}</code></pre></details>`;
    main.replaceChildren(
      h(`<article class="node-page" data-id="${escapeHtml(n.id)}">
  <h1><span class="badge type-${n.type}">${n.type}</span> <span class="name">${escapeHtml(n.name)}</span></h1>
  <dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>
  <section><h2>Description</h2><div class="prose description">${n.description ? renderMarkdown(n.description) : '<p class="muted">No description.</p>'}</div></section>
  <section><h2>Columns</h2>${columns}</section>
  <section class="graph-box" id="lineage"><h2>Lineage</h2>${graphControls(`<label>Depth <select data-act="depth"><option>1</option><option selected>2</option><option>3</option><option value="99">all</option></select></label>`)}<div class="graph" id="graph"></div><p class="muted graph-note" hidden></p></section>
  <div class="two"><section class="parents"><h2>Depends on</h2>${list(n.parents, 'Nothing.')}</section><section class="children"><h2>Referenced by</h2>${list(n.children, 'Nothing.')}</section></div>
  ${n.tests.length ? `<section class="tests"><h2>Tests</h2>${list(n.tests, '')}</section>` : ''}
  ${n.rawSql !== null || n.compiledSql !== null ? `<section><h2>Code</h2>${code('Source', n.rawSql, 'raw')}${code('Compiled', n.compiledSql, 'compiled')}</section>` : ''}
  <section><details class="code config"><summary>Config</summary><pre><code>${escapeHtml(JSON.stringify(n.config, null, 2))}</code></pre></details></section>
</article>`),
    );
    const box = document.getElementById('lineage')!;
    const v = new LineageView(document.getElementById('graph')!, { onOpen: (id) => id !== n.id && open(id) });
    const lineageEntries = byId as Map<string, DocsNode>;
    const draw = (depth: number) => {
      const hood = neighbourhood(lineageEntries, n.id, depth);
      const g = new dagre.graphlib.Graph();
      g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 60, marginx: 10, marginy: 10 });
      g.setDefaultEdgeLabel(() => ({}));
      const w = data!.layout.nodeWidth;
      const hgt = data!.layout.nodeHeight;
      for (const id of hood.ids) g.setNode(id, { width: w, height: hgt });
      for (const [a, b] of hood.edges) g.setEdge(a, b);
      dagre.layout(g);
      const placed = hood.ids.map((id) => {
        const p = g.node(id);
        const x = byId.get(id)!;
        return { id, label: x.name, type: x.type, x: p.x - w / 2, y: p.y - hgt / 2, w, h: hgt };
      });
      v.setGraph(placed, hood.edges, n.id);
      const note = box.querySelector<HTMLElement>('.graph-note')!;
      note.hidden = !hood.truncated;
      note.textContent = hood.truncated ? `Showing the nearest ${hood.ids.length} resources only.` : '';
    };
    draw(2);
    bindControls(box, v);
    box.querySelector('select')!.addEventListener('change', (e) => draw(Number((e.target as HTMLSelectElement).value)));
    view = v;
  }

  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => view?.fit());
  route();
  document.documentElement.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
