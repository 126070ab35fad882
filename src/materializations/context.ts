/**
 * What the runner gives a materialization and what it gets back.
 */
import type { Adapter, ColumnInfo, Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import type { Contract } from './contract.js';
import type { Hook } from './statement-log.js';

/** A window of event time, `[start, end)`, for one microbatch. */
export interface BatchWindow {
  start: Date;
  end: Date;
}

/** The node being built. */
export interface MaterializationNode {
  uniqueId: string;
  name: string;
  /** Where the model goes (database, schema, alias already resolved by the runner). */
  relation: Relation;
  /**
   * dbt config keys: `materialized`, `unique_key`, `incremental_strategy`,
   * `on_schema_change`, `incremental_predicates`, `event_time`, `begin`, `batch_size`,
   * `lookback`, `full_refresh`, `merge_update_columns`, `merge_exclude_columns`…
   */
  config: Record<string, unknown>;
  /** The compiled SQL file (`target/compiled/…`), used to place SQL errors. */
  compiledPath?: string;
  /** The model's enforced contract (`contract: {enforced: true}`), if it has one. */
  contract?: Contract;
  /** Its description and its YAML columns', for `persist_docs`. */
  docs?: { description: string; columns: { name: string; description: string; quote: boolean }[] };
}

/** Everything a materialization needs. */
export interface MaterializationContext {
  adapter: Adapter;
  node: MaterializationNode;
  /** The `--full-refresh` flag. The node's `full_refresh` config, when a boolean, overrides it (as in dbt). */
  fullRefresh: boolean;
  /**
   * Render the node's SQL. `isIncremental` is what `is_incremental()` must return;
   * `batch` restricts upstream refs to an event-time window (microbatch).
   */
  render(opts: { isIncremental: boolean; batch?: BatchWindow }): Promise<string>;
  /** The hooks: `pre` run before the build, `post` after it, both inside the build's transaction. */
  hooks: { pre: Hook[]; post: Hook[] };
  /** `--event-time-start` / `--event-time-end`. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** The run's start time (microbatch windows are computed from it); default the current time. */
  now?: Date;
  signal?: AbortSignal;
  /** The project's folder (relative file locations are taken from it). */
  projectDir?: string;
  /** Where `external` models write their files by default (the DuckDB profile's `external_root`, as written; default the project folder). */
  externalRoot?: string;
  /** Tell the user something that does not stop the build (shown as a warning). */
  warn?: (message: string) => void;
  /**
   * A project's own incremental strategy (dbt's custom strategies): when a package defines the
   * macro `get_incremental_<strategy>_sql`, the SQL it returns for these arguments (dbt's
   * `arg_dict`); undefined when none does.
   */
  strategyMacro?(strategy: string): ((args: StrategyMacroArgs) => Promise<string>) | undefined;
}

/**
 * What a strategy macro is given: the table, the staged new rows, and the columns to write; and
 * the build's session, whose transaction holds the staged table, for the queries the macro runs.
 */
export interface StrategyMacroArgs {
  session: Session;
  target: Relation;
  staged: Relation;
  columns: ColumnInfo[];
  predicates: string[];
}

/** What a build did. */
export interface MaterializationResult {
  status: 'success';
  /** Like dbt's adapter response: `CREATE VIEW`, `SELECT 5`, `INSERT 5`, `MERGE 3`, `OK`. */
  message: string;
  rowsAffected?: number;
  /** Every statement run against the database, in order (for `target/run/`); catalog lookups excluded. */
  executedSql: string[];
  /** For microbatch: the windows built, in order. */
  batches?: BatchWindow[];
}
