/**
 * The `view` materialization. Inside one transaction: pre-hooks, then `CREATE OR REPLACE
 * VIEW` over an existing view (one atomic statement in DuckDB), or drop a table in the
 * way and create the view, then post-hooks. A failure leaves the old relation. Without
 * hooks or a table in the way, the single CREATE statement runs on its own (it is atomic).
 */
import type { MaterializationContext, MaterializationResult } from './context.js';
import { StatementLog, hasHook, trimModelSql } from './statement-log.js';
import { lookupTarget, recordBuilt } from './target.js';
import { assertContract } from './contract.js';
import { applyRelationConfig, hasRelationConfig } from './relation-config.js';

/** Build a view. */
export async function buildView(ctx: MaterializationContext): Promise<MaterializationResult> {
  const sql = trimModelSql(await ctx.render({ isIncremental: false }));
  const target = ctx.node.relation.withType('view');
  return ctx.adapter.withSession(async (session) => {
    const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
    const existing = await lookupTarget(ctx, session, log.statements);
    const dialect = ctx.adapter.dialect;
    const noHooks = !ctx.hooks.pre.some(hasHook) && !ctx.hooks.post.some(hasHook);
    await assertContract(ctx, log, sql);
    if (noHooks && !hasRelationConfig(ctx) && (!existing || existing.type === 'view')) {
      // One statement, atomic by itself: no transaction round trips needed.
      await log.runModel(dialect.createViewAs(target, sql, existing !== undefined), sql, ctx.node.compiledPath);
      recordBuilt(ctx, 'view');
      return { status: 'success', message: 'CREATE VIEW', executedSql: log.statements };
    }
    await log.transaction(async () => {
      await log.hooks(ctx.hooks.pre);
      if (existing && existing.type !== 'view') {
        await log.run(dialect.dropRelation(existing, existing.storedType));
        await log.runModel(dialect.createViewAs(target, sql, false), sql, ctx.node.compiledPath);
      } else {
        await log.runModel(dialect.createViewAs(target, sql, existing !== undefined), sql, ctx.node.compiledPath);
      }
      await log.hooks(ctx.hooks.post);
      await applyRelationConfig(ctx, log, target, false);
    });
    recordBuilt(ctx, 'view');
    return { status: 'success', message: 'CREATE VIEW', executedSql: log.statements };
  });
}
