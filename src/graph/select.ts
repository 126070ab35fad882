/**
 * Node selection as dbt does it: `--select`, `--exclude`, `--selector` (selectors.yml, with
 * its default selector), graph operators, and tests picked up with the nodes they test.
 */
import { StrataError } from '../errors.js';
import type { IndirectSelection, SelectorDefinition, SelectorExpr } from '../project/types.js';
import { ancestors, descendants, type Graph } from './build-graph.js';
import type { GraphNode } from './graph-node.js';
import { parseSelection, type SelectionCriterion } from './selection-spec.js';
import { defaultMethod, matchMethod, type MethodContext } from './selector-methods.js';
import { suggest } from './suggest.js';

/** Options of {@link select}. */
export interface SelectOptions {
  /** `--select` values (each may hold several space-separated terms). */
  select?: string[];
  /** `--exclude` values. */
  exclude?: string[];
  /** `--selector`: the name of a selectors.yml selector. */
  selector?: string;
  /** The project's selectors.yml definitions. */
  selectors?: SelectorDefinition[];
  /** The older manifest's nodes, for `state:`. */
  state?: GraphNode[];
  /** How tests follow the nodes they test (default `eager`). */
  indirectSelection?: IndirectSelection;
  /** The older run's statuses, for `result:`. */
  results?: Map<string, string>;
  /** Source load times now and in --state, for `source_status:`. */
  sourceStatus?: { current: Map<string, string | null>; previous: Map<string, string | null> };
}

/**
 * The unique ids selected. With none of `select`, `exclude` and `selector`, the default
 * selector of selectors.yml is used if there is one (as dbt does); otherwise an empty
 * `select` means every node. `exclude` also applies to a `selector`. A selection that
 * matches nothing returns an empty set (the caller warns).
 */
export function select(graph: Graph, options: SelectOptions = {}): Set<string> {
  const selectors = options.selectors ?? [];
  const ctx: MethodContext = {
    graph,
    state: options.state ? new Map(options.state.map((n) => [n.uniqueId, n])) : undefined,
    results: options.results,
    sourceStatus: options.sourceStatus,
  };
  const evaluating = new Set<string>();
  const byName = (name: string): SelectorDefinition => {
    const def = selectors.find((s) => s.name === name);
    if (!def) {
      const near = suggest(name, selectors.map((s) => s.name));
      throw new StrataError('selector-not-found', `No selector named "${name}" in selectors.yml`, {
        hint: near ? `Did you mean "${near}"?` : selectors.length ? `Selectors: ${selectors.map((s) => s.name).join(', ')}.` : 'The project has no selectors.yml.',
      });
    }
    return def;
  };
  ctx.selector = (name: string): Set<string> => {
    if (evaluating.has(name)) {
      throw new StrataError('selector-cycle', `Selector "${name}" refers to itself through selector:`, { position: byName(name).position });
    }
    evaluating.add(name);
    try {
      return evalExpr(byName(name).definition, ctx);
    } finally {
      evaluating.delete(name);
    }
  };

  let indirect = options.indirectSelection;
  let included: Set<string>;
  const hasSelect = (options.select ?? []).some((s) => s.trim() !== '');
  const hasExclude = (options.exclude ?? []).some((s) => s.trim() !== '');
  if (options.selector !== undefined) {
    if (hasSelect) {
      throw new StrataError('selector-conflict', '--selector cannot be combined with --select', { hint: 'Put the extra criteria in the selector definition.' });
    }
    const def = byName(options.selector);
    indirect ??= indirectOf(def.definition);
    included = ctx.selector(def.name);
  } else if (hasSelect) {
    included = evalSpec(options.select!, ctx);
  } else if (!hasExclude) {
    const def = selectors.find((s) => s.default);
    if (def) {
      indirect ??= indirectOf(def.definition);
      included = ctx.selector(def.name);
    } else included = new Set(graph.nodes.keys());
  } else included = new Set(graph.nodes.keys());
  const mode = indirect ?? 'eager';
  const result = withTests(graph, included, mode);
  if (hasExclude) {
    const excluded = evalSpec(options.exclude!, ctx);
    for (const id of excludedTests(graph, excluded, mode)) excluded.add(id);
    for (const id of excluded) result.delete(id);
  }
  return result;
}

/** Evaluate `--select`-style strings: a union of intersections of criteria. */
export function evalSpec(values: readonly string[], ctx: MethodContext): Set<string> {
  const out = new Set<string>();
  for (const intersection of parseSelection(values)) {
    let acc: Set<string> | undefined;
    for (const c of intersection) {
      const s = evalCriterion(c, ctx);
      acc = acc === undefined ? s : new Set([...acc].filter((id) => s.has(id)));
    }
    for (const id of acc ?? []) out.add(id);
  }
  return out;
}

/** Evaluate one criterion with its graph operators. */
export function evalCriterion(c: SelectionCriterion, ctx: MethodContext): Set<string> {
  const base = matchMethod(c.method ?? defaultMethod(c.value), c.value, ctx);
  return expand(ctx.graph, base, c);
}

function expand(
  graph: Graph,
  base: Set<string>,
  op: { parents: boolean; parentsDepth?: number; children: boolean; childrenDepth?: number; childrensParents: boolean },
): Set<string> {
  const out = new Set(base);
  if (op.childrensParents) {
    const down = descendants(graph, base);
    for (const id of down) out.add(id);
    for (const id of ancestors(graph, out)) out.add(id);
    return out;
  }
  if (op.parents) for (const id of ancestors(graph, base, op.parentsDepth ?? Infinity)) out.add(id);
  if (op.children) for (const id of descendants(graph, base, op.childrenDepth ?? Infinity)) out.add(id);
  return out;
}

/** Evaluate a selectors.yml expression. */
export function evalExpr(expr: SelectorExpr, ctx: MethodContext): Set<string> {
  switch (expr.kind) {
    case 'spec':
      return evalSpec([expr.spec], ctx);
    case 'method': {
      const base = matchMethod(expr.method, expr.value, ctx);
      return expand(ctx.graph, base, expr);
    }
    case 'union':
    case 'intersection': {
      let acc: Set<string> | undefined;
      for (const item of expr.items) {
        const s = evalExpr(item, ctx);
        if (acc === undefined) acc = s;
        else if (expr.kind === 'union') for (const id of s) acc.add(id);
        else acc = new Set([...acc].filter((id) => s.has(id)));
      }
      const out = acc ?? new Set<string>();
      for (const ex of expr.exclude) for (const id of evalExpr(ex, ctx)) out.delete(id);
      return out;
    }
  }
}

function indirectOf(expr: SelectorExpr): IndirectSelection | undefined {
  if (expr.kind === 'method') return expr.indirectSelection;
  if (expr.kind === 'spec') return undefined;
  for (const item of expr.items) {
    const m = indirectOf(item);
    if (m) return m;
  }
  return undefined;
}

/** Tests and unit tests: selected with the nodes they test (dbt's indirect selection). */
function isTest(n: GraphNode): boolean {
  return n.resourceType === 'test' || n.resourceType === 'unit_test';
}

/** `selected` plus the tests that follow it under `mode`. */
function withTests(graph: Graph, selected: Set<string>, mode: IndirectSelection): Set<string> {
  const out = new Set(selected);
  if (mode === 'empty') return out;
  let buildable: Set<string> | undefined;
  for (const n of graph.nodes.values()) {
    if (!isTest(n) || out.has(n.uniqueId)) continue;
    const parents = [...graph.parents.get(n.uniqueId)!];
    if (parents.length === 0) continue;
    let take: boolean;
    if (mode === 'eager') take = parents.some((p) => selected.has(p));
    else if (mode === 'cautious') take = parents.every((p) => selected.has(p));
    else {
      buildable ??= new Set([...selected, ...ancestors(graph, selected)]);
      const b = buildable;
      take = parents.some((p) => selected.has(p)) && parents.every((p) => b.has(p));
    }
    if (take) out.add(n.uniqueId);
  }
  return out;
}

/** Tests excluded with the nodes they test: any excluded parent excludes the test. */
function excludedTests(graph: Graph, excluded: Set<string>, mode: IndirectSelection): string[] {
  if (mode === 'empty') return [];
  const out: string[] = [];
  for (const n of graph.nodes.values()) {
    if (!isTest(n) || excluded.has(n.uniqueId)) continue;
    if ([...graph.parents.get(n.uniqueId)!].some((p) => excluded.has(p))) out.push(n.uniqueId);
  }
  return out;
}
