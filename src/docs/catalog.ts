/**
 * `target/catalog.json`: what the warehouse holds for each model, seed, snapshot and
 * source — relation type, columns with the engine's types, comments and row counts — in
 * the shape of dbt's catalog v1, so tools that read dbt's catalog read ours.
 */
import type { Adapter, CatalogTable, SchemaRef } from '../adapters/adapter.js';
import { STRATA_VERSION, type Manifest, type ManifestNode, type SourceEntry } from '../parse/manifest.js';

export const CATALOG_SCHEMA = 'https://schemas.getdbt.com/dbt/catalog/v1.json';

/** One column of a relation, as the engine reports it. */
export interface CatalogColumn {
  type: string;
  /** 1-based position in the relation. */
  index: number;
  name: string;
  comment: string | null;
}

/** A statistic of a relation (`row_count`, `has_stats`). */
export interface CatalogStat {
  id: string;
  label: string;
  value: string | number | boolean | null;
  include: boolean;
  description: string;
}

/** One relation found in the warehouse, keyed by the unique id of the node or source that builds it. */
export interface CatalogEntry {
  metadata: {
    /** `BASE TABLE` or `VIEW`, as information_schema names them. */
    type: string;
    schema: string;
    name: string;
    database: string | null;
    comment: string | null;
    owner: string | null;
  };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, CatalogStat>;
  unique_id: string;
}

/** The whole catalog file. */
export interface Catalog {
  metadata: {
    dbt_schema_version: string;
    dbt_version: string;
    strata_version: string;
    generated_at: string;
    invocation_id: string;
    env: Record<string, string>;
  };
  nodes: Record<string, CatalogEntry>;
  sources: Record<string, CatalogEntry>;
  errors: string[] | null;
}

/** The resource types whose relations the catalog describes. */
const RELATION_TYPES = new Set(['model', 'seed', 'snapshot']);

/** Whether a node builds a relation in the warehouse (ephemeral models do not). */
export function buildsRelation(node: ManifestNode): boolean {
  return RELATION_TYPES.has(node.resource_type) && node.config.materialized !== 'ephemeral';
}

/** The schemas the manifest's nodes and sources live in, deduplicated case-insensitively. */
export function catalogSchemas(manifest: Manifest): SchemaRef[] {
  const seen = new Map<string, SchemaRef>();
  const add = (database: string | null, schema: string) => {
    const key = `${(database ?? '').toLowerCase()}\0${schema.toLowerCase()}`;
    if (!seen.has(key)) seen.set(key, database ? { database, schema } : { schema });
  };
  for (const n of Object.values(manifest.nodes)) if (buildsRelation(n)) add(n.database, n.schema);
  for (const s of Object.values(manifest.sources)) add(s.database, s.schema);
  return [...seen.values()];
}

/**
 * Read the warehouse's tables and views in the project's schemas, with exact row counts
 * for tables (a `count(*)` each, batched), through one session of the adapter.
 */
export async function readCatalogTables(adapter: Adapter, manifest: Manifest): Promise<CatalogTable[]> {
  const schemas = catalogSchemas(manifest);
  if (schemas.length === 0) return [];
  return adapter.withSession(async (session) => {
    const tables = await session.catalog(schemas);
    const counted = tables.filter((t) => t.type === 'table');
    const q = (s: string) => adapter.dialect.quote(s);
    for (let i = 0; i < counted.length; i += 200) {
      const batch = counted.slice(i, i + 200);
      const sql = batch.map((t, j) => `select ${j} as i, count(*) as n from ${q(t.database)}.${q(t.schema)}.${q(t.name)}`).join('\nunion all\n');
      const r = await session.execute(sql);
      for (const row of r.rows) {
        const t = batch[Number(row[0])];
        if (t) {
          t.rowCount = Number(row[1]);
          t.rowCountExact = true;
        }
      }
    }
    return tables;
  });
}

/** Facts about the invocation recorded in the catalog's metadata. */
export interface CatalogMetadataInput {
  invocationId: string;
  generatedAt?: Date;
}

function key(database: string | null | undefined, schema: string, name: string): string {
  return `${(database ?? '').toLowerCase()}\0${schema.toLowerCase()}\0${name.toLowerCase()}`;
}

function entryOf(uniqueId: string, t: CatalogTable): CatalogEntry {
  const columns: Record<string, CatalogColumn> = {};
  for (const c of t.columns) columns[c.name] = { type: c.type, index: c.index, name: c.name, comment: c.comment ?? null };
  const stats: Record<string, CatalogStat> = {};
  if (t.rowCount !== undefined) {
    stats.row_count = {
      id: 'row_count',
      label: 'Row Count',
      value: t.rowCount,
      include: true,
      description: t.rowCountExact ? 'Number of rows in the table' : 'Approximate number of rows in the table',
    };
  }
  stats.has_stats = { id: 'has_stats', label: 'Has Stats?', value: t.rowCount !== undefined, include: false, description: 'Indicates whether there are statistics for this table' };
  return {
    metadata: { type: t.type === 'view' ? 'VIEW' : 'BASE TABLE', schema: t.schema, name: t.name, database: t.database, comment: t.comment ?? null, owner: null },
    columns,
    stats,
    unique_id: uniqueId,
  };
}

/**
 * Match the warehouse's relations to the manifest's nodes and sources (by database,
 * schema and name, case-insensitively) and build the catalog. Relations that no node
 * builds are left out; nodes whose relation is missing are simply absent.
 */
export function buildCatalog(manifest: Manifest, tables: CatalogTable[], meta: CatalogMetadataInput): Catalog {
  const byKey = new Map<string, CatalogTable>();
  for (const t of tables) byKey.set(key(t.database, t.schema, t.name), t);
  // A relation without a database in the manifest matches on schema and name alone.
  const bySchemaName = new Map<string, CatalogTable>();
  for (const t of tables) bySchemaName.set(key(null, t.schema, t.name), t);
  const find = (database: string | null, schema: string, name: string) =>
    database ? byKey.get(key(database, schema, name)) : bySchemaName.get(key(null, schema, name));

  const nodes: Record<string, CatalogEntry> = {};
  for (const n of Object.values(manifest.nodes)) {
    if (!buildsRelation(n)) continue;
    const t = find(n.database, n.schema, n.alias);
    if (t) nodes[n.unique_id] = entryOf(n.unique_id, t);
  }
  const sources: Record<string, CatalogEntry> = {};
  for (const s of Object.values(manifest.sources) as SourceEntry[]) {
    const t = find(s.database, s.schema, s.identifier);
    if (t) sources[s.unique_id] = entryOf(s.unique_id, t);
  }
  return {
    metadata: {
      dbt_schema_version: CATALOG_SCHEMA,
      dbt_version: manifest.metadata.dbt_version,
      strata_version: STRATA_VERSION,
      generated_at: (meta.generatedAt ?? new Date()).toISOString(),
      invocation_id: meta.invocationId,
      env: {},
    },
    nodes,
    sources,
    errors: null,
  };
}
