/**
 * The `incremental` materialization.
 *
 * `is_incremental()` is true exactly when dbt makes it true: the target exists as a table
 * and this is not a full refresh (the `full_refresh` config overriding the flag).
 * Otherwise the model is built like a table (a view in the way is replaced).
 *
 * An incremental run is one transaction: pre-hooks; the new rows staged in a temporary
 * table; `on_schema_change`; the strategy's delete/insert/merge; post-hooks; commit.
 * `microbatch` is in `microbatch.ts`.
 */
import type { ColumnInfo, Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import type { MaterializationContext, MaterializationResult } from './context.js';
import { buildMicrobatch } from './microbatch.js';
import { incrementalPredicates, incrementalStrategy, isFullRefresh, onSchemaChange, stringList } from './node-config.js';
import { applySchemaChange } from './schema-change.js';
import { StatementLog, trimModelSql } from './statement-log.js';
import { fillTable, replaceWithTable } from './table.js';
import { assertContract, assertForeignKeys } from './contract.js';
import { lookupTargetAlone } from './target.js';
import { strategyStatements } from './incremental-strategies.js';
import { applyRelationConfig } from './relation-config.js';
import { buildId } from './temp-names.js';

/** Build an incremental model. */
export async function buildIncremental(ctx: MaterializationContext): Promise<MaterializationResult> {
  const requested = ctx.node.config.incremental_strategy;
  // a project's own get_incremental_<strategy>_sql macro wins, for a strategy of its own or one
  // Strata knows (as in dbt); microbatch always runs batch by batch
  const custom = typeof requested === 'string' && requested !== 'microbatch' ? ctx.strategyMacro?.(requested) : undefined;
  const strategy = custom ? 'append' : incrementalStrategy(ctx);
  const mode = onSchemaChange(ctx);
  const uniqueKey = stringList(ctx, 'unique_key');
  const predicates = incrementalPredicates(ctx);
  const existing = await lookupTargetAlone(ctx);
  const incremental = existing?.type === 'table' && !isFullRefresh(ctx);
  if (strategy === 'microbatch') return buildMicrobatch(ctx, existing, incremental);

  const sql = trimModelSql(await ctx.render({ isIncremental: incremental }));
  const dialect = ctx.adapter.dialect;
  if (!incremental) {
    return ctx.adapter.withSession(async (session) => {
      const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
      await assertContract(ctx, log, sql);
      return replaceWithTable(ctx, log, existing, (staged) => fillTable(ctx, log, staged, sql));
    });
  }

  const target = ctx.node.relation.withType('table');
  return ctx.adapter.withSession(async (session) => {
    const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
    await assertContract(ctx, log, sql);
    let rows = 0;
    await log.transaction(async () => {
      await log.hooks(ctx.hooks.pre);
      const staged = dialect.stagingRelation(target, buildId());
      await log.runModel(dialect.createStagingTable(staged, sql), sql, ctx.node.compiledPath);
      await assertForeignKeys(ctx, log, staged);
      const columns = await applySchemaChange(mode, ctx.node.name, log, dialect, target, await session.getColumns(staged), await session.getColumns(target));
      const statements = custom
        ? [{ sql: await custom({ session, target, staged, columns: await columnsOf(session, target, columns), predicates }), counts: true }]
        : strategyStatements(dialect, {
            strategy,
            target,
            staged,
            columns,
            uniqueKey,
            predicates,
            updateColumns: stringList(ctx, 'merge_update_columns'),
            excludeColumns: stringList(ctx, 'merge_exclude_columns'),
          });
      for (const st of statements) {
        const r = await log.run(st.sql);
        if (st.counts) rows += r.rowsAffected ?? 0;
      }
      await log.run(dialect.dropRelation(staged, 'table'));
      await log.hooks(ctx.hooks.post);
      await applyRelationConfig(ctx, log, target, true);
    });
    const verb = custom ? 'OK' : strategy === 'merge' && uniqueKey.length && dialect.capabilities.merge ? 'MERGE' : 'INSERT';
    return { status: 'success', message: `${verb} ${rows}`, rowsAffected: rows, executedSql: log.statements };
  });
}

/** The table's columns named in `names`, in that order, with their types (for a strategy macro's dest_columns). */
async function columnsOf(session: Session, target: Relation, names: string[]): Promise<ColumnInfo[]> {
  const all = await session.getColumns(target);
  return names.map((name) => all.find((c) => c.name === name) ?? { name, type: '' });
}
