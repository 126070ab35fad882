/** The DAG of a project and dbt's node selection over it. */
export type { GraphNode } from './graph-node.js';
export { buildGraph, ancestors, descendants, type Graph } from './build-graph.js';
export { select, evalSpec, evalExpr, evalCriterion, type SelectOptions } from './select.js';
export { parseSelection, parseCriterion, type SelectionCriterion, type SelectionSpec } from './selection-spec.js';
export { matchMethod, defaultMethod, fnmatch, SELECTOR_METHODS, type MethodContext } from './selector-methods.js';
export { suggest, editDistance } from './suggest.js';
