/**
 * The `microbatch` incremental strategy. The run is cut into event-time windows
 * (`batch-windows.ts`); each window's SQL is rendered with upstream refs restricted to
 * it.
 *
 * - Incremental run: one transaction per window — stage the window's rows, apply
 *   `on_schema_change`, delete the target's rows in the window (and
 *   `incremental_predicates`), insert the staged rows in the window (and predicates), as
 *   dbt-duckdb does. Pre-hooks run in the first window's transaction,
 *   post-hooks in the last one's.
 * - First run or full refresh: every window goes into one staged table, swapped in at the
 *   end in one transaction, so users never see a partly filled table.
 */
import type { Relation } from '../adapters/relation.js';
import { planBatches } from './batch-windows.js';
import type { BatchWindow, MaterializationContext, MaterializationResult } from './context.js';
import { incrementalPredicates, microbatchConfig, modelConfigError, onSchemaChange, stringList } from './node-config.js';
import { applySchemaChange } from './schema-change.js';
import { StatementLog, trimModelSql } from './statement-log.js';
import { replaceWithTable } from './table.js';
import { applyRelationConfig } from './relation-config.js';
import { buildId } from './temp-names.js';

/** Build a microbatch model; `existing` and `incremental` as the incremental materialization found them. */
export async function buildMicrobatch(ctx: MaterializationContext, existing: Relation | undefined, incremental: boolean): Promise<MaterializationResult> {
  const cfg = microbatchConfig(ctx);
  if (stringList(ctx, 'unique_key').length) {
    throw modelConfigError(ctx, 'microbatch does not take "unique_key": each batch replaces its event-time window', 'Remove unique_key, or use incremental_strategy: merge.');
  }
  let windows: BatchWindow[];
  try {
    windows = planBatches({
      size: cfg.batchSize,
      lookback: cfg.lookback,
      begin: cfg.begin,
      now: ctx.now ?? new Date(),
      incremental,
      eventTimeStart: ctx.eventTimeStart,
      eventTimeEnd: ctx.eventTimeEnd,
    });
  } catch {
    throw modelConfigError(ctx, 'microbatch needs "begin" for its first run or a full refresh', 'Set begin in the model config, or pass --event-time-start.');
  }
  const sqls: string[] = [];
  for (const w of windows) sqls.push(trimModelSql(await ctx.render({ isIncremental: incremental, batch: w })));
  const dialect = ctx.adapter.dialect;
  const target = ctx.node.relation.withType('table');
  const file = ctx.node.compiledPath;

  if (!incremental) {
    return ctx.adapter.withSession(async (session) => {
      const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
      const result = await replaceWithTable(ctx, log, existing, async (staged) => {
        let rows = (await log.runModel(dialect.createTableAs(staged, sqls[0]!), sqls[0]!, file)).rowsAffected ?? 0;
        if (sqls.length > 1) {
          const columns = (await session.getColumns(staged)).map((c) => c.name);
          for (const sql of sqls.slice(1)) {
            const batch = dialect.stagingRelation(target, buildId());
            await log.runModel(dialect.createStagingTable(batch, sql), sql, file);
            rows += (await log.run(dialect.insertFrom(staged, batch, columns))).rowsAffected ?? 0;
            await log.run(dialect.dropRelation(batch, 'table'));
          }
        }
        return rows;
      });
      return { ...result, batches: windows };
    });
  }

  const mode = onSchemaChange(ctx);
  const predicates = incrementalPredicates(ctx);
  return ctx.adapter.withSession(async (session) => {
    const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
    let rows = 0;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      const sql = sqls[i]!;
      await log.transaction(async () => {
        if (i === 0) await log.hooks(ctx.hooks.pre);
        const staged = dialect.stagingRelation(target, buildId());
        await log.runModel(dialect.createStagingTable(staged, sql), sql, file);
        const columns = await applySchemaChange(mode, ctx.node.name, log, dialect, target, await session.getColumns(staged), await session.getColumns(target));
        await log.run(dialect.deleteWindow(target, cfg.eventTime, w.start, w.end, predicates));
        // As dbt-duckdb: only the window's rows are inserted (a model that ignores the window adds nothing twice).
        const where = [dialect.timeWindow(dialect.quote(cfg.eventTime), w.start, w.end), ...predicates];
        rows += (await log.run(dialect.insertFrom(target, staged, columns, where))).rowsAffected ?? 0;
        await log.run(dialect.dropRelation(staged, 'table'));
        if (i === windows.length - 1) {
          await log.hooks(ctx.hooks.post);
          await applyRelationConfig(ctx, log, target, true);
        }
      });
    }
    return { status: 'success', message: `INSERT ${rows}`, rowsAffected: rows, executedSql: log.statements, batches: windows };
  });
}
