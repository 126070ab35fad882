/**
 * The whole-project lineage layout, computed once when the site is generated so the page
 * never lays out thousands of nodes itself. Small projects get dagre's layout; large ones
 * a cheaper layered one (longest-path ranks, rows ordered by the parents' mean row), which
 * stays linear in the size of the graph.
 */
import dagre from '@dagrejs/dagre';
import type { DocsPosition } from './docs-data.js';

/** Node size and gaps of the whole-project graph, in graph units (CSS pixels at zoom 1). */
export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 30;
const RANK_GAP = 70;
const ROW_GAP = 10;

/** Above this many nodes, the layered layout replaces dagre. */
export const DAGRE_LIMIT = 400;

/** A laid-out graph. */
export interface OverviewLayout {
  positions: Record<string, DocsPosition>;
  width: number;
  height: number;
  method: 'dagre' | 'layered';
}

/**
 * Lay out `ids` (left to right, parents before children) with `parents` giving each
 * node's parents among them.
 */
export function layoutOverview(ids: string[], parents: Map<string, string[]>): OverviewLayout {
  return ids.length <= DAGRE_LIMIT ? dagreLayout(ids, parents) : layeredLayout(ids, parents);
}

function dagreLayout(ids: string[], parents: Map<string, string[]>): OverviewLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: ROW_GAP * 2, ranksep: RANK_GAP, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const present = new Set(ids);
  for (const id of ids) for (const p of parents.get(id) ?? []) if (present.has(p)) g.setEdge(p, id);
  dagre.layout(g);
  const positions: Record<string, DocsPosition> = {};
  let width = 0;
  let height = 0;
  for (const id of ids) {
    const n = g.node(id);
    const x = Math.round(n.x - NODE_WIDTH / 2);
    const y = Math.round(n.y - NODE_HEIGHT / 2);
    positions[id] = { x, y };
    width = Math.max(width, x + NODE_WIDTH + 20);
    height = Math.max(height, y + NODE_HEIGHT + 20);
  }
  return { positions, width, height, method: 'dagre' };
}

/** Longest-path ranks, then rows ordered by the mean row of each node's parents. */
export function layeredLayout(ids: string[], parents: Map<string, string[]>): OverviewLayout {
  const present = new Set(ids);
  const rank = new Map<string, number>();
  const children = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const id of ids) {
    indegree.set(id, 0);
    children.set(id, []);
  }
  for (const id of ids) {
    for (const p of parents.get(id) ?? []) {
      if (!present.has(p) || p === id) continue;
      children.get(p)!.push(id);
      indegree.set(id, indegree.get(id)! + 1);
    }
  }
  // Kahn's order; nodes left in a cycle (should not happen) go to rank 0.
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (const id of queue) rank.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const c of children.get(id)!) {
      rank.set(c, Math.max(rank.get(c) ?? 0, rank.get(id)! + 1));
      const d = indegree.get(c)! - 1;
      indegree.set(c, d);
      if (d === 0) queue.push(c);
    }
  }
  for (const id of ids) if (!rank.has(id)) rank.set(id, 0);
  const layers: string[][] = [];
  for (const id of queue.length === ids.length ? queue : ids) {
    const r = rank.get(id)!;
    (layers[r] ??= []).push(id);
  }
  const row = new Map<string, number>();
  for (const layer of layers) {
    if (!layer) continue;
    const weight = (id: string) => {
      const ps = (parents.get(id) ?? []).filter((p) => row.has(p));
      return ps.length ? ps.reduce((s, p) => s + row.get(p)!, 0) / ps.length : Number.POSITIVE_INFINITY;
    };
    const w = new Map(layer.map((id) => [id, weight(id)]));
    layer.sort((a, b) => w.get(a)! - w.get(b)! || (a < b ? -1 : 1));
    layer.forEach((id, i) => row.set(id, i));
  }
  const positions: Record<string, DocsPosition> = {};
  const tallest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const step = NODE_HEIGHT + ROW_GAP;
  layers.forEach((layer, r) => {
    if (!layer) return;
    // Centre each layer vertically against the tallest one.
    const offset = ((tallest - layer.length) * step) / 2;
    layer.forEach((id, i) => {
      positions[id] = { x: 20 + r * (NODE_WIDTH + RANK_GAP), y: Math.round(20 + offset + i * step) };
    });
  });
  return { positions, width: 40 + layers.length * (NODE_WIDTH + RANK_GAP), height: 40 + tallest * step, method: 'layered' };
}
