/**
 * Reading a node's dbt config keys with their defaults, and rejecting bad values with a
 * StrataError naming the model.
 */
import { StrataError } from '../errors.js';
import type { MaterializationContext } from './context.js';

/** `on_schema_change` values. */
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';
/** Incremental strategies. */
export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert' | 'microbatch';
/** Microbatch sizes. */
export type BatchSize = 'hour' | 'day' | 'month' | 'year';

/** A config error naming the model. */
export function configError(ctx: MaterializationContext, message: string, hint?: string): StrataError {
  return new StrataError('config-error', `Model ${ctx.node.name}: ${message}`, { hint });
}

/** Whether this build is a full refresh: the node's boolean `full_refresh` config wins over the flag. */
export function isFullRefresh(ctx: { node: { config: Record<string, unknown> }; fullRefresh: boolean }): boolean {
  const c = ctx.node.config.full_refresh;
  return typeof c === 'boolean' ? c : ctx.fullRefresh;
}

/** A config value that may be a string or a list of strings, as a list. */
export function stringList(ctx: MaterializationContext, key: string): string[] {
  const v = ctx.node.config[key];
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw configError(ctx, `"${key}" must be a string or a list of strings`);
}

/** The incremental strategy; by default `delete+insert` with a `unique_key` and `append` without, as dbt-postgres and dbt-duckdb choose. */
export function incrementalStrategy(ctx: MaterializationContext): IncrementalStrategy {
  const v = ctx.node.config.incremental_strategy;
  // dbt's default strategy on DuckDB is `append` without unique_key and `delete+insert` with one.
  if (v === undefined || v === null) return stringList(ctx, 'unique_key').length ? 'delete+insert' : 'append';
  if (v === 'append' || v === 'merge' || v === 'delete+insert' || v === 'microbatch') return v;
  throw configError(ctx, `unknown incremental_strategy "${String(v)}"`, `Use append, merge, delete+insert or microbatch, or define a macro get_incremental_${String(v).replace(/\+/g, '_')}_sql(arg_dict) that returns the SQL of your own strategy.`);
}

/** `on_schema_change`, default `ignore`. */
export function onSchemaChange(ctx: MaterializationContext): OnSchemaChange {
  const v = ctx.node.config.on_schema_change ?? 'ignore';
  if (v === 'ignore' || v === 'fail' || v === 'append_new_columns' || v === 'sync_all_columns') return v;
  throw configError(ctx, `unknown on_schema_change "${String(v)}"`, 'Use ignore, fail, append_new_columns or sync_all_columns.');
}

/** The microbatch settings. */
export interface MicrobatchConfig {
  eventTime: string;
  begin: Date | undefined;
  batchSize: BatchSize;
  lookback: number;
}

/** Parse a `begin`-like value: a Date or an ISO date/timestamp string (taken as UTC). */
export function parseTime(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v !== 'string' || !v.trim()) return undefined;
  let s = v.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Read `event_time`, `begin`, `batch_size` and `lookback` (default 1). */
export function microbatchConfig(ctx: MaterializationContext): MicrobatchConfig {
  const c = ctx.node.config;
  if (typeof c.event_time !== 'string' || !c.event_time) throw configError(ctx, 'microbatch needs "event_time" (the column holding each row\'s time)');
  const size = c.batch_size;
  if (size !== 'hour' && size !== 'day' && size !== 'month' && size !== 'year') {
    throw configError(ctx, `microbatch needs "batch_size" to be hour, day, month or year (got ${JSON.stringify(size)})`);
  }
  const begin = parseTime(c.begin);
  if (c.begin !== undefined && c.begin !== null && !begin) throw configError(ctx, `"begin" is not a date or timestamp: ${JSON.stringify(c.begin)}`);
  const lookback = c.lookback === undefined || c.lookback === null ? 1 : Number(c.lookback);
  if (!Number.isInteger(lookback) || lookback < 0) throw configError(ctx, `"lookback" must be a whole number ≥ 0 (got ${JSON.stringify(c.lookback)})`);
  return { eventTime: c.event_time, begin, batchSize: size, lookback };
}

/** `incremental_predicates` as a list of SQL conditions. */
export function incrementalPredicates(ctx: MaterializationContext): string[] {
  return stringList(ctx, 'incremental_predicates');
}

/** A config error naming the model. */
export function modelConfigError(ctx: MaterializationContext, message: string, hint?: string): StrataError {
  return configError(ctx, message, hint);
}
