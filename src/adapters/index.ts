/**
 * The adapter registry: `createAdapter` opens the engine named by a profile's `type`.
 * Engines register themselves here; DuckDB is built in.
 */
import { StrataError } from '../errors.js';
import type { Adapter, AdapterOptions, Engine, TargetConfig } from './adapter.js';
import { duckdbEngine } from './duckdb/duckdb-engine.js';
import { postgresEngine } from './postgres/postgres-engine.js';
import { openPooledAdapter } from './pooled-adapter.js';

const engines = new Map<string, Engine>([
  [duckdbEngine.type, duckdbEngine],
  [postgresEngine.type, postgresEngine],
]);

/** Make an engine available under its `type` (replacing one of the same type). */
export function registerEngine(engine: Engine): void {
  engines.set(engine.type, engine);
}

/** The registered profile types. */
export function engineTypes(): string[] {
  return [...engines.keys()].sort();
}

/**
 * Open the database a profile target describes. For `duckdb`: `fields.path` (default
 * `target/<projectName>.duckdb` under `projectDir`; `:memory:` allowed), `extensions`,
 * `settings`, `attach`, `schema` (default `main`), `database` (defaults to the name
 * DuckDB gives the file). Throws StrataError `unknown-adapter`, `profile-error`,
 * `database-locked`, `extension-unavailable`.
 */
export async function createAdapter(target: TargetConfig, opts: AdapterOptions): Promise<Adapter> {
  const engine = engines.get(target.type);
  if (!engine) {
    throw new StrataError('unknown-adapter', `No adapter for the profile type "${target.type}"`, {
      hint: `Strata supports: ${engineTypes().join(', ')}.`,
    });
  }
  return openPooledAdapter(engine, target, opts);
}

export type * from './adapter.js';
export { Relation, createRelation, relationFactory, type Quoter, type IncludePolicy, type RelationFactory, type RelationCreateArgs } from './relation.js';
export { SqlError, isCancelled, sqlErrorLine } from './sql-error.js';
export { BaseDialect } from './base-dialect.js';
export { PooledAdapter } from './pooled-adapter.js';
export { RelationCache, type CachedLookup } from './relation-cache.js';
