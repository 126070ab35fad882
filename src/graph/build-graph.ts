/**
 * The DAG of a project: parents and children of every node, a topological order, and
 * cycle detection that names the cycle.
 */
import { StrataError } from '../errors.js';
import type { GraphNode } from './graph-node.js';

/** Nodes with their edges, in dependency order. */
export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Direct parents (what a node depends on) present in the graph. */
  parents: Map<string, Set<string>>;
  /** Direct children. */
  children: Map<string, Set<string>>;
  /** Every node id, parents before children (ties keep input order). */
  order: string[];
  /** `dependsOn` entries that name no node of the graph, by node. */
  unknownDependencies: Map<string, string[]>;
}

/**
 * Build the graph. Duplicate unique ids are a `duplicate-node` error naming both files;
 * a cycle is a `dependency-cycle` error naming it (`model.a -> model.b -> model.a`).
 */
export function buildGraph(nodes: Iterable<GraphNode>): Graph {
  const map = new Map<string, GraphNode>();
  for (const n of nodes) {
    const prev = map.get(n.uniqueId);
    if (prev) {
      throw new StrataError('duplicate-node', `Two ${n.resourceType}s have the id ${n.uniqueId}: ${prev.originalFilePath} and ${n.originalFilePath}`, {
        position: { file: n.originalFilePath },
        hint: 'Names must be unique within a package and resource type; rename one of them.',
      });
    }
    map.set(n.uniqueId, n);
  }
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, Set<string>>();
  const unknownDependencies = new Map<string, string[]>();
  for (const id of map.keys()) {
    parents.set(id, new Set());
    children.set(id, new Set());
  }
  for (const n of map.values()) {
    const ps = parents.get(n.uniqueId)!;
    for (const d of n.dependsOn) {
      if (!map.has(d)) {
        const list = unknownDependencies.get(n.uniqueId) ?? [];
        list.push(d);
        unknownDependencies.set(n.uniqueId, list);
        continue;
      }
      ps.add(d);
      children.get(d)!.add(n.uniqueId);
    }
  }
  const order = topologicalOrder(map, parents, children);
  return { nodes: map, parents, children, order, unknownDependencies };
}

function topologicalOrder(map: Map<string, GraphNode>, parents: Map<string, Set<string>>, children: Map<string, Set<string>>): string[] {
  const remaining = new Map<string, number>();
  const queue: string[] = [];
  for (const id of map.keys()) {
    const count = parents.get(id)!.size;
    remaining.set(id, count);
    if (count === 0) queue.push(id);
  }
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const c of children.get(id)!) {
      const left = remaining.get(c)! - 1;
      remaining.set(c, left);
      if (left === 0) queue.push(c);
    }
  }
  if (order.length !== map.size) {
    const stuck = new Set([...map.keys()].filter((id) => remaining.get(id)! > 0));
    const cycle = findCycle(stuck, parents);
    const first = map.get(cycle[0]!)!;
    throw new StrataError('dependency-cycle', `Found a cycle (each node depends on the next): ${cycle.join(' -> ')}`, {
      position: { file: first.originalFilePath },
      hint: "Remove one of these ref() calls (or depends_on entries) to break the cycle; a ref() in a pre- or post-hook counts too (a hook set for a whole folder in dbt_project.yml also applies to the model it refers to).",
    });
  }
  return order;
}

/** A cycle among `stuck` nodes (each has a parent in `stuck`), as ids with the first repeated last. */
function findCycle(stuck: Set<string>, parents: Map<string, Set<string>>): string[] {
  // Walk parents from any stuck node; every stuck node has a stuck parent, so the walk
  // must revisit a node, and the part from that node on is a cycle.
  const start = [...stuck].sort()[0]!;
  const path: string[] = [];
  const at = new Map<string, number>();
  let cur = start;
  while (!at.has(cur)) {
    at.set(cur, path.length);
    path.push(cur);
    const next = [...parents.get(cur)!].filter((p) => stuck.has(p)).sort()[0]!;
    cur = next;
  }
  // The walk goes child -> parent: each id depends on (refs) the next one.
  const loop = path.slice(at.get(cur)!);
  // Start at the smallest id for a stable message.
  const min = loop.indexOf([...loop].sort()[0]!);
  const rotated = [...loop.slice(min), ...loop.slice(0, min)];
  return [...rotated, rotated[0]!];
}

/** Every ancestor of `ids` (not including them), up to `depth` levels when given. */
export function ancestors(graph: Graph, ids: Iterable<string>, depth = Infinity): Set<string> {
  return walk(graph.parents, ids, depth);
}

/** Every descendant of `ids` (not including them), up to `depth` levels when given. */
export function descendants(graph: Graph, ids: Iterable<string>, depth = Infinity): Set<string> {
  return walk(graph.children, ids, depth);
}

function walk(edges: Map<string, Set<string>>, ids: Iterable<string>, depth: number): Set<string> {
  const out = new Set<string>();
  let frontier = [...ids];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of edges.get(id) ?? []) {
        if (!out.has(e)) {
          out.add(e);
          next.push(e);
        }
      }
    }
    frontier = next;
  }
  return out;
}
