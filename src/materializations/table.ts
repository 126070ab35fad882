/**
 * The `table` materialization, also used by incremental first runs and full refreshes.
 *
 * Inside one transaction: pre-hooks; build `<name>__strata_tmp_<id>` completely; move
 * the old relation aside (or drop a view in the way), rename the new one in, drop the
 * old; post-hooks; commit. With transactional DDL (DuckDB, PostgreSQL) users see the old
 * relation until the commit and the new one after it, whatever fails or whenever the
 * process dies; a killed run leaves nothing behind but, on an engine without
 * transactional DDL, a temporary relation that the next build drops. When nothing
 * exists yet and there are no hooks, a single `CREATE TABLE … AS` (atomic by itself) is
 * enough. The `indexes` config (PostgreSQL) is created on the staged table before the swap.
 */
import type { Relation } from '../adapters/relation.js';
import type { MaterializationContext, MaterializationResult } from './context.js';
import { StatementLog, hasHook, trimModelSql } from './statement-log.js';
import { lookupTarget, recordBuilt } from './target.js';
import { buildId } from './temp-names.js';
import { indexSpecs, indexStatements } from './indexes.js';
import { assertContract, assertForeignKeys, contractTableStatements } from './contract.js';
import { applyRelationConfig, hasRelationConfig } from './relation-config.js';

/** Build a table. */
export async function buildTable(ctx: MaterializationContext): Promise<MaterializationResult> {
  const sql = trimModelSql(await ctx.render({ isIncremental: false }));
  return ctx.adapter.withSession(async (session) => {
    const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
    const existing = await lookupTarget(ctx, session, log.statements);
    const dialect = ctx.adapter.dialect;
    const noHooks = !ctx.hooks.pre.some(hasHook) && !ctx.hooks.post.some(hasHook);
    await assertContract(ctx, log, sql);
    if (!existing && noHooks && !ctx.node.contract && indexSpecs(ctx).length === 0 && !hasRelationConfig(ctx) && dialect.capabilities.transactionalDdl) {
      // Nothing to replace: one CREATE TABLE AS is atomic by itself (it commits whole or not at all).
      const target = ctx.node.relation.withType('table');
      const r = await log.runModel(dialect.createTableAs(target, sql), sql, ctx.node.compiledPath);
      recordBuilt(ctx, 'table');
      return tableResult(r.rowsAffected, log);
    }
    return replaceWithTable(ctx, log, existing, (staged) => fillTable(ctx, log, staged, sql));
  });
}

/**
 * Fill the staged table from the model's query: `CREATE TABLE … AS`, or, under an enforced
 * contract, the declared columns and constraints and then an insert. Returns the rows written.
 */
export async function fillTable(ctx: MaterializationContext, log: StatementLog, staged: Relation, sql: string): Promise<number | undefined> {
  const dialect = ctx.adapter.dialect;
  if (!ctx.node.contract) return (await log.runModel(dialect.createTableAs(staged, sql), sql, ctx.node.compiledPath)).rowsAffected;
  const { create, insert } = contractTableStatements(dialect, staged, ctx.node.contract, sql);
  await log.run(create);
  const rows = (await log.runModel(insert, sql, ctx.node.compiledPath)).rowsAffected;
  await assertForeignKeys(ctx, log, staged);
  return rows;
}

/**
 * Build a staged table with `fill` (given the staged relation; returns rows written) and
 * swap it in for `existing`, all in one transaction with the hooks.
 */
export async function replaceWithTable(
  ctx: MaterializationContext,
  log: StatementLog,
  existing: Relation | undefined,
  fill: (staged: Relation) => Promise<number | undefined>,
): Promise<MaterializationResult> {
  const dialect = ctx.adapter.dialect;
  const target = ctx.node.relation.withType('table');
  const id = buildId();
  const staged = target.withIdentifier(dialect.tempIdentifier(target.identifier, id), 'table');
  const backup = dialect.tempIdentifier(target.identifier, `${id}_old`);
  const rows = await log.transaction(async () => {
    await log.hooks(ctx.hooks.pre);
    const n = await fill(staged);
    for (const s of indexStatements(ctx, staged, id)) await log.run(s);
    for (const s of dialect.swapStatements(staged, target, existing, backup)) await log.run(s);
    await log.hooks(ctx.hooks.post);
    await applyRelationConfig(ctx, log, target, false);
    return n;
  });
  recordBuilt(ctx, 'table');
  return tableResult(rows, log);
}

function tableResult(rows: number | undefined, log: StatementLog): MaterializationResult {
  return {
    status: 'success',
    message: rows === undefined ? 'OK' : `SELECT ${rows}`,
    ...(rows === undefined ? {} : { rowsAffected: rows }),
    executedSql: log.statements,
  };
}
