/**
 * `on_schema_change` for incremental runs: compare the new rows' columns with the target's
 * and, depending on the mode, ignore the difference, fail, add new columns, or add, drop
 * and retype until the target matches. Returns the columns the insert writes.
 *
 * As dbt does: with `ignore` the insert writes the target's columns (a column the new
 * rows lack then fails in the engine); with the other modes it writes the new rows'
 * columns (a target column they lack gets NULL under `append_new_columns`).
 */
import type { ColumnInfo, Dialect } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { StrataError } from '../errors.js';
import type { OnSchemaChange } from './node-config.js';
import type { StatementLog } from './statement-log.js';

/** The differences between the staged columns and the target's. */
export interface SchemaDiff {
  added: ColumnInfo[];
  removed: ColumnInfo[];
  retyped: { name: string; from: string; to: string }[];
}

/** Compare by name, case-insensitively; types compared as the engine spells them. */
export function diffColumns(staged: ColumnInfo[], target: ColumnInfo[]): SchemaDiff {
  const t = new Map(target.map((c) => [c.name.toLowerCase(), c]));
  const s = new Map(staged.map((c) => [c.name.toLowerCase(), c]));
  const added = staged.filter((c) => !t.has(c.name.toLowerCase()));
  const removed = target.filter((c) => !s.has(c.name.toLowerCase()));
  const retyped: SchemaDiff['retyped'] = [];
  for (const c of staged) {
    const old = t.get(c.name.toLowerCase());
    if (old && old.type.toLowerCase() !== c.type.toLowerCase()) retyped.push({ name: old.name, from: old.type, to: c.type });
  }
  return { added, removed, retyped };
}

function describe(d: SchemaDiff): string {
  const parts: string[] = [];
  if (d.added.length) parts.push(`new columns ${d.added.map((c) => `${c.name} ${c.type}`).join(', ')}`);
  if (d.removed.length) parts.push(`columns no longer selected ${d.removed.map((c) => c.name).join(', ')}`);
  if (d.retyped.length) parts.push(`changed types ${d.retyped.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}`);
  return parts.join('; ');
}

/**
 * Apply `mode` to `target` (statements run through `log`, inside the caller's
 * transaction) and return the column names to insert.
 */
export async function applySchemaChange(
  mode: OnSchemaChange,
  modelName: string,
  log: StatementLog,
  dialect: Dialect,
  target: Relation,
  staged: ColumnInfo[],
  existing: ColumnInfo[],
): Promise<string[]> {
  const diff = diffColumns(staged, existing);
  const changed = diff.added.length + diff.removed.length + diff.retyped.length > 0;
  if (mode === 'ignore' || !changed) return mode === 'ignore' ? existing.map((c) => c.name) : staged.map((c) => c.name);
  if (mode === 'fail') {
    throw new StrataError('schema-change', `The columns of model ${modelName} changed: ${describe(diff)}`, {
      hint: 'on_schema_change is "fail": run with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns.',
    });
  }
  for (const c of diff.added) await log.run(dialect.addColumn(target, c.name, c.type));
  if (mode === 'sync_all_columns') {
    for (const c of diff.removed) await log.run(dialect.dropColumn(target, c.name));
    for (const c of diff.retyped) await log.run(dialect.alterColumnType(target, c.name, c.to));
  }
  return staged.map((c) => c.name);
}
