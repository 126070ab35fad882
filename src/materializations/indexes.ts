/**
 * dbt-postgres's `indexes` config: `indexes=[{'columns': ['id'], 'unique': True},
 * {'columns': ['created_at'], 'type': 'brin'}]` on a table (and on the first build or a
 * full refresh of an incremental model). The indexes are created on the staged table,
 * inside the build's transaction, so the relation that appears has them. Engines whose
 * dialect has no `createIndex` ignore the config, as dbt-duckdb does.
 */
import { createHash } from 'node:crypto';
import type { Relation } from '../adapters/relation.js';
import type { MaterializationContext } from './context.js';
import { configError } from './node-config.js';

/** One entry of the `indexes` config. */
export interface IndexSpec {
  /** Column names or expressions, as written (dbt passes them to the engine as they are). */
  columns: string[];
  unique: boolean;
  /** An index method (`btree`, `hash`, `gist`, `brin`, …), or the engine's default. */
  type?: string;
}

/** The model's `indexes`, checked: a list of `{columns: [..], unique?: bool, type?: str}`. */
export function indexSpecs(ctx: MaterializationContext): IndexSpec[] {
  const v = ctx.node.config.indexes;
  if (v === undefined || v === null) return [];
  const bad = (what: string) => configError(ctx, `indexes${what.startsWith('[') ? '' : ' '}${what}`, "for example indexes=[{'columns': ['id'], 'unique': True}]");
  if (!Array.isArray(v)) throw bad('must be a list');
  return v.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad(`[${i}] must be a mapping with columns`);
    const e = entry as Record<string, unknown>;
    const columns = e.columns;
    if (!Array.isArray(columns) || columns.length === 0 || !columns.every((c) => typeof c === 'string' && c.trim() !== '')) throw bad(`[${i}].columns must be a non-empty list of column names`);
    if (e.unique !== undefined && typeof e.unique !== 'boolean') throw bad(`[${i}].unique must be true or false`);
    if (e.type !== undefined && (typeof e.type !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.type))) throw bad(`[${i}].type must be an index method such as btree or hash`);
    const unknown = Object.keys(e).filter((k) => !['columns', 'unique', 'type'].includes(k));
    if (unknown.length) throw bad(`[${i}] has unknown keys: ${unknown.join(', ')}`);
    return { columns: columns as string[], unique: e.unique === true, type: e.type as string | undefined };
  });
}

/**
 * The statements creating the model's indexes (or `specs`) on `relation` (the staged table
 * of build `buildId`): none when the engine has no indexes. Names are a hash of the index and the
 * build, so they never collide with those of the table being replaced.
 */
export function indexStatements(ctx: MaterializationContext, relation: Relation, buildId: string, specs: IndexSpec[] = indexSpecs(ctx)): string[] {
  const dialect = ctx.adapter.dialect;
  if (!specs.length || !dialect.createIndex) return [];
  return specs.map((spec) => {
    const digest = createHash('md5').update(JSON.stringify([ctx.node.name, spec.columns, spec.unique, spec.type ?? null, buildId])).digest('hex');
    return dialect.createIndex!(relation, `${ctx.node.name.slice(0, 30)}_${digest.slice(0, 16)}`, spec);
  });
}
