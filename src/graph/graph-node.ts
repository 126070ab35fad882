/**
 * The structural node the graph and the selectors work on. The parse stage builds these
 * from its manifest nodes; nothing here knows how SQL is rendered.
 */

/** One node of the DAG: a model, seed, snapshot, test, source, analysis, exposure … */
export interface GraphNode {
  /** `model.jaffle.orders`, `source.jaffle.raw.orders`, `test.jaffle.unique_orders_id.abc123`. */
  uniqueId: string;
  name: string;
  /** model, seed, snapshot, test, source, analysis, exposure, operation, unit_test … */
  resourceType: string;
  packageName: string;
  /** `[package, ...folders, name]` (sources: `[package, ...folders, source, table]`). */
  fqn: string[];
  /** The file it came from, relative to its package, forward slashes. */
  originalFilePath: string;
  /** Path relative to the resource path (dbt's `path`). */
  path: string;
  tags: string[];
  config: Record<string, unknown>;
  /** Unique ids of the nodes it depends on. Ids not in the graph are ignored. */
  dependsOn: string[];
  /** Checksum of the node's file (for `state:modified`). */
  checksum: string;
  /** For sources: the source's name (the table is `name`). */
  sourceName?: string;
  /** For tests: the node they test. */
  attachedNode?: string;
  /** For generic tests: the test macro (`unique`, or `dbt_utils.expression_is_true` with its namespace). */
  testMetadata?: { name: string; namespace?: string };
  /** For a version of a versioned model: its version and the model's latest. */
  version?: string | number;
  latestVersion?: string | number;
}

/** dbt's order of model versions: as numbers when both read as numbers, else as text. */
export function compareVersions(a: string | number, b: string | number): number {
  const x = Number(a);
  const y = Number(b);
  if (String(a).trim() !== '' && String(b).trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
