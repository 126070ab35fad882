/**
 * The part of the lineage shown around one resource: its ancestors and descendants up to
 * a depth, capped in size so the page lays out a few hundred nodes at most, whatever the
 * size of the project.
 */

/** What {@link neighbourhood} needs of a resource. */
export interface LineageEntry {
  parents: string[];
  children: string[];
  inGraph: boolean;
}

/** The chosen nodes and the edges among them. */
export interface Neighbourhood {
  ids: string[];
  edges: [string, string][];
  /** Whether the cap cut the neighbourhood short. */
  truncated: boolean;
}

/**
 * Ancestors and descendants of `focus` up to `depth` steps (Infinity for all), walking
 * only resources in the graph, breadth-first, stopping at `cap` nodes.
 */
export function neighbourhood(byId: Map<string, LineageEntry>, focus: string, depth: number, cap = 250): Neighbourhood {
  const chosen = new Set<string>([focus]);
  let truncated = false;
  const walk = (next: (e: LineageEntry) => string[]) => {
    let frontier = [focus];
    for (let d = 0; d < depth && frontier.length; d++) {
      const following: string[] = [];
      for (const id of frontier) {
        for (const n of next(byId.get(id) ?? { parents: [], children: [], inGraph: false })) {
          if (chosen.has(n) || !byId.get(n)?.inGraph) continue;
          if (chosen.size >= cap) {
            truncated = true;
            return;
          }
          chosen.add(n);
          following.push(n);
        }
      }
      frontier = following;
    }
  };
  walk((e) => e.parents);
  walk((e) => e.children);
  const edges: [string, string][] = [];
  for (const id of chosen) for (const p of byId.get(id)?.parents ?? []) if (chosen.has(p)) edges.push([p, id]);
  return { ids: [...chosen], edges, truncated };
}
