/** The `target` object templates see, built from the resolved profile target. */
import { basename } from 'node:path';
import type { ResolvedTarget } from './types.js';

/**
 * Every non-secret field of the target plus dbt's standard names. Without a profile: the
 * embedded DuckDB file at `defaultDuckdbPath`, under `profileName`.
 */
export function targetObject(profile: ResolvedTarget | null, defaultDuckdbPath: string, profileName: string): Record<string, unknown> {
  const p = profile;
  if (!p) {
    return { name: 'dev', type: 'duckdb', schema: 'main', database: duckdbCatalogName(defaultDuckdbPath), threads: 4, profile_name: profileName, path: defaultDuckdbPath };
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.fields)) if (!p.secretFields.includes(k)) fields[k] = v;
  const database = p.fields.database ?? p.fields.dbname ?? (p.type === 'duckdb' ? duckdbCatalogName(String(p.fields.path ?? defaultDuckdbPath)) : null);
  return { ...fields, name: p.targetName, type: p.type, schema: p.fields.schema ?? (p.type === 'duckdb' ? 'main' : 'public'), database, threads: p.threads, profile_name: p.profileName, target_name: p.targetName };
}

/** DuckDB names a file's catalog after the file name without its extension. */
export function duckdbCatalogName(path: string): string {
  if (path === ':memory:' || path === '') return 'memory';
  return basename(path).replace(/\.[^.]*$/, '');
}
