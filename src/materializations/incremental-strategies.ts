/**
 * The SQL of each incremental strategy, given staged rows and the columns to write:
 * `append` inserts; `delete+insert` deletes the target rows whose `unique_key` matches a
 * staged row, then inserts; `merge` upserts on `unique_key` (the engine's MERGE, or
 * delete+insert where the engine has none). Without a `unique_key`, delete+insert and
 * merge insert only, as dbt does. `incremental_predicates` narrow the delete or the match.
 */
import type { Dialect } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import type { IncrementalStrategy } from './node-config.js';

/** What a strategy works on. */
export interface StrategyInput {
  strategy: Exclude<IncrementalStrategy, 'microbatch'>;
  target: Relation;
  staged: Relation;
  columns: string[];
  uniqueKey: string[];
  predicates: string[];
  /** `merge_update_columns`, if set. */
  updateColumns?: string[];
  /** `merge_exclude_columns`, if set. */
  excludeColumns?: string[];
}

/** One statement of a strategy, and whether its row count is the model's rows affected. */
export interface StrategyStatement {
  sql: string;
  counts: boolean;
}

/** The statements, in order. */
export function strategyStatements(dialect: Dialect, s: StrategyInput): StrategyStatement[] {
  const insert = { sql: dialect.insertFrom(s.target, s.staged, s.columns), counts: true };
  if (s.strategy === 'append' || s.uniqueKey.length === 0) return [insert];
  if (s.strategy === 'merge' && dialect.capabilities.merge) {
    const lower = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => x.toLowerCase()));
    const only = lower(s.updateColumns);
    const exclude = lower(s.excludeColumns);
    const keys = lower(s.uniqueKey);
    let update = s.columns.filter((c) => !exclude.has(c.toLowerCase()));
    if (s.updateColumns?.length) update = s.columns.filter((c) => only.has(c.toLowerCase()));
    update = update.filter((c) => !keys.has(c.toLowerCase()) || s.updateColumns?.length);
    return [
      {
        sql: dialect.merge({ target: s.target, source: s.staged, columns: s.columns, uniqueKey: s.uniqueKey, updateColumns: update, predicates: s.predicates }),
        counts: true,
      },
    ];
  }
  return [{ sql: dialect.deleteMatching(s.target, s.staged, s.uniqueKey, s.predicates), counts: false }, insert];
}
