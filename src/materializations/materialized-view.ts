/**
 * The `materialized_view` materialization (dbt-postgres's), on engines that have them
 * (`capabilities.materializedViews`; DuckDB has none, and says so).
 *
 * - Nothing there: `CREATE MATERIALIZED VIEW`, with the `indexes` config.
 * - A table or view there, or `--full-refresh`: a new materialized view is built under a
 *   temporary name with its indexes and swapped in, in one transaction.
 * - A materialized view there: its data is refreshed. When its indexes differ from the
 *   config, `on_configuration_change` decides: `apply` (the default) drops and creates the
 *   indexes that changed, `continue` leaves everything as it is with a warning, `fail` fails.
 *   dbt's `apply` changes only the indexes on that run; Strata refreshes the data as well, so
 *   a run always leaves the view current.
 *
 * Pre- and post-hooks, then `grants` and `persist_docs`, run inside the transaction.
 */
import type { Relation } from '../adapters/relation.js';
import type { MaterializationContext, MaterializationResult } from './context.js';
import { indexSpecs, indexStatements, type IndexSpec } from './indexes.js';
import { configError, isFullRefresh } from './node-config.js';
import { StatementLog, trimModelSql } from './statement-log.js';
import { lookupTarget, recordBuilt } from './target.js';
import { buildId } from './temp-names.js';
import { applyRelationConfig } from './relation-config.js';

const key = (i: IndexSpec) => JSON.stringify([i.columns.map((c) => c.toLowerCase()), i.unique, (i.type ?? 'btree').toLowerCase()]);

/** Build a materialized view. */
export async function buildMaterializedView(ctx: MaterializationContext): Promise<MaterializationResult> {
  const dialect = ctx.adapter.dialect;
  if (!dialect.capabilities.materializedViews) {
    throw configError(ctx, `materialized views are not supported on ${ctx.adapter.type}`, "Use materialized='table' (dbt-duckdb has no materialized views either).");
  }
  const mode = String(ctx.node.config.on_configuration_change ?? 'apply');
  if (!['apply', 'continue', 'fail'].includes(mode)) throw configError(ctx, `on_configuration_change must be apply, continue or fail (it is '${mode}')`);
  const wanted = indexSpecs(ctx);
  const sql = trimModelSql(await ctx.render({ isIncremental: false }));
  const target = ctx.node.relation.withType('materialized_view');
  return ctx.adapter.withSession(async (session) => {
    const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
    const existing = await lookupTarget(ctx, session, log.statements);
    const id = buildId();

    if (existing?.type === 'materialized_view' && !isFullRefresh(ctx)) {
      const have = await existingIndexes(log, target);
      const stale = have.filter((h) => !wanted.some((w) => key(w) === key(h)));
      const missing = wanted.filter((w) => !have.some((h) => key(h) === key(w)));
      if (stale.length || missing.length) {
        const what = `the indexes of ${target.render()} differ from its config`;
        if (mode === 'fail') throw configError(ctx, `${what}, and on_configuration_change is 'fail'`, "Run with --full-refresh, or set on_configuration_change: 'apply'.");
        if (mode === 'continue') {
          ctx.warn?.(`Model ${ctx.node.name}: ${what}; on_configuration_change is 'continue', so it is left as it is (not refreshed)`);
          return { status: 'success', message: `skip: ${what} (on_configuration_change: continue)`, executedSql: log.statements };
        }
      }
      await log.transaction(async () => {
        await log.hooks(ctx.hooks.pre);
        for (const i of stale) await log.run(`DROP INDEX IF EXISTS ${dialect.quote(target.schema)}.${dialect.quote(i.name)}`);
        for (const s of indexStatements(ctx, target, id, missing)) await log.run(s);
        await log.run(`REFRESH MATERIALIZED VIEW ${target.render()}`);
        await log.hooks(ctx.hooks.post);
        await applyRelationConfig(ctx, log, target, true);
      });
      return { status: 'success', message: 'REFRESH MATERIALIZED VIEW', executedSql: log.statements };
    }

    const staged = existing ? target.withIdentifier(dialect.tempIdentifier(target.identifier, id), 'materialized_view') : target;
    await log.transaction(async () => {
      await log.hooks(ctx.hooks.pre);
      await log.runModel(`CREATE MATERIALIZED VIEW ${staged.render()} AS (\n${sql}\n)`, sql, ctx.node.compiledPath);
      for (const s of indexStatements(ctx, staged, id)) await log.run(s);
      if (existing) for (const s of dialect.swapStatements(staged, target, existing, dialect.tempIdentifier(target.identifier, `${id}_old`))) await log.run(s);
      await log.hooks(ctx.hooks.post);
      await applyRelationConfig(ctx, log, target, false);
    });
    recordBuilt(ctx, 'materialized_view');
    return { status: 'success', message: 'CREATE MATERIALIZED VIEW', executedSql: log.statements };
  });
}

/** The indexes on `relation`, as the `indexes` config would declare them, with their names. */
async function existingIndexes(log: StatementLog, relation: Relation): Promise<(IndexSpec & { name: string })[]> {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const r = await log.query(
    `select i.relname, ix.indisunique, am.amname, array_to_string(array(select pg_catalog.pg_get_indexdef(ix.indexrelid, k + 1, true) from generate_subscripts(ix.indkey, 1) as k order by k), ',')
     from pg_catalog.pg_index ix
     join pg_catalog.pg_class i on i.oid = ix.indexrelid
     join pg_catalog.pg_class t on t.oid = ix.indrelid
     join pg_catalog.pg_namespace n on n.oid = t.relnamespace
     join pg_catalog.pg_am am on am.oid = i.relam
     where n.nspname = ${lit(relation.schema)} and t.relname = ${lit(relation.identifier)}`,
  );
  return r.rows.map((row) => ({ name: String(row[0]), unique: row[1] === true, type: String(row[2]), columns: String(row[3]).split(',') }));
}
