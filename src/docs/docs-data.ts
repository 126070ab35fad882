/**
 * The data the documentation page reads: a compact, denormalised view of the manifest
 * and catalog, written to `target/strata-docs-data.js` as `window.__STRATA_DOCS__`. Types
 * only, shared by the generator (Node) and the page (browser).
 */

/** The kinds of resource the page shows. */
export type DocsResourceType = 'model' | 'seed' | 'snapshot' | 'source' | 'test' | 'analysis' | 'exposure';

/** A column of a documented resource: the declared one merged with what the warehouse reports. */
export interface DocsColumn {
  name: string;
  /** The warehouse's type, or the declared `data_type`, or null. */
  type: string | null;
  /** Markdown, with docs blocks already substituted. */
  description: string;
  /** Names of the tests on this column (`unique`, `not_null`, …). */
  tests: string[];
}

/** One documented resource. */
export interface DocsNode {
  id: string;
  name: string;
  type: DocsResourceType;
  package: string;
  /** The file that defines it, relative to its package. */
  path: string;
  /** `"db"."schema"."name"` or null (ephemeral models, tests). */
  relation: string | null;
  /** Markdown, with docs blocks already substituted. */
  description: string;
  /** `view`, `table`, `incremental`, … for models. */
  materialized: string | null;
  tags: string[];
  columns: DocsColumn[];
  rawSql: string | null;
  compiledSql: string | null;
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  /** Unique ids of the resources this one reads (shown ones only). */
  parents: string[];
  /** Unique ids of the resources that read this one (tests excluded). */
  children: string[];
  /** Unique ids of the tests on this resource or its columns. */
  tests: string[];
  /** From the catalog. */
  stats: { kind: 'table' | 'view' | null; rowCount: number | null; owner: string | null };
  /** Whether the resource appears in the lineage graph. */
  inGraph: boolean;
}

/** A precomputed position in the whole-project lineage graph (top-left corner). */
export interface DocsPosition {
  x: number;
  y: number;
}

/** Everything the page shows. */
export interface DocsData {
  project: string;
  generatedAt: string;
  strataVersion: string;
  /** The `__overview__` docs block, Markdown. */
  overview: string;
  nodes: DocsNode[];
  /** The whole-project layout: a position per node in the graph, by unique id. */
  layout: {
    nodeWidth: number;
    nodeHeight: number;
    width: number;
    height: number;
    positions: Record<string, DocsPosition>;
    /** How it was computed: `dagre` for small projects, `layered` for large ones. */
    method: 'dagre' | 'layered';
  };
}
