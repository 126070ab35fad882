/**
 * Snapshots (dbt's archives): type-2 slowly changing dimensions. Each run compares the
 * source query with the current versions in the snapshot table and, in ONE transaction,
 * closes the versions that changed (or whose row was deleted), and inserts new versions.
 *
 * Strategies: `timestamp` (a row changed when its `updated_at` is newer than the current
 * version's) and `check` (a row changed when one of `check_cols`, or any column with
 * `all`, differs). `hard_deletes`: `ignore` (default), `invalidate` (close the version),
 * `new_record` (close it and add a version flagged `dbt_is_deleted = 'True'`).
 * Meta columns: dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to (and
 * dbt_is_deleted), renamable with `snapshot_meta_column_names`; `dbt_valid_to_current`
 * gives current versions a value instead of NULL.
 */
import type { Adapter, Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { StrataError } from '../errors.js';
import type { MaterializationNode, MaterializationResult } from './context.js';
import { applyRelationConfigOn } from './relation-config.js';
import { runHooksOn, type Hook } from './statement-log.js';
import { ensureSchema } from './ensure-schema.js';

export interface SnapshotContext {
  adapter: Adapter;
  node: { uniqueId: string; name: string; relation: Relation; config: Record<string, unknown>; docs?: MaterializationNode['docs'] };
  /** Render the snapshot's select. */
  render(): Promise<string>;
  /** The snapshot time (the run's start). */
  now?: Date;
  signal?: AbortSignal;
  warn?: (message: string) => void;
  /** Already rendered hook SQL, run inside the transaction that writes the table: `pre` first, `post` before its commit. */
  hooks?: { pre: Hook[]; post: Hook[] };
}


interface Meta {
  scd: string;
  updatedAt: string;
  validFrom: string;
  validTo: string;
  isDeleted: string;
}

function metaNames(c: Record<string, unknown>): Meta {
  const m = (c.snapshot_meta_column_names ?? {}) as Record<string, string>;
  return {
    scd: m.dbt_scd_id ?? 'dbt_scd_id',
    updatedAt: m.dbt_updated_at ?? 'dbt_updated_at',
    validFrom: m.dbt_valid_from ?? 'dbt_valid_from',
    validTo: m.dbt_valid_to ?? 'dbt_valid_to',
    isDeleted: m.dbt_is_deleted ?? 'dbt_is_deleted',
  };
}

export async function buildSnapshot(ctx: SnapshotContext): Promise<MaterializationResult> {
  const c = ctx.node.config;
  const d = ctx.adapter.dialect;
  const q = (s: string) => d.quote(s);
  const strategy = String(c.strategy ?? '');
  if (strategy !== 'timestamp' && strategy !== 'check') throw new StrataError('snapshot-config', `snapshot ${ctx.node.name}: strategy must be 'timestamp' or 'check'`);
  const keys = (Array.isArray(c.unique_key) ? c.unique_key : [c.unique_key]).filter((k) => k != null && k !== '').map(String);
  if (keys.length === 0) throw new StrataError('snapshot-config', `snapshot ${ctx.node.name}: unique_key is required`);
  const hardDeletes = String(c.hard_deletes ?? (c.invalidate_hard_deletes === true ? 'invalidate' : 'ignore'));
  if (!['ignore', 'invalidate', 'new_record'].includes(hardDeletes)) throw new StrataError('snapshot-config', `snapshot ${ctx.node.name}: hard_deletes must be ignore, invalidate or new_record (got '${hardDeletes}')`);
  const meta = metaNames(c);
  const now = ctx.now ?? new Date();
  const nowSql = d.timestampLiteral(now);
  const currentValue = typeof c.dbt_valid_to_current === 'string' && c.dbt_valid_to_current.trim() ? `cast(${c.dbt_valid_to_current} as ${d.types.timestamp})` : null;
  const validToCurrent = currentValue ?? `cast(null as ${d.types.timestamp})`;
  const isCurrent = (alias: string) => (currentValue ? `${alias}.${q(meta.validTo)} = ${currentValue}` : `${alias}.${q(meta.validTo)} is null`);
  const str = d.types.string;
  const keyParts = (alias: string) => keys.map((_k, i) => `${alias}.__strata_key_${i}`);
  const joinOn = (a: string, b: string) => keys.map((_k, i) => `${a}.__strata_key_${i} = ${b}.__strata_key_${i}`).join(' and ');
  const keyExprs = keys.map((k, i) => `(${k}) as __strata_key_${i}`).join(', ');
  const scdFrom = (alias: string, upd: string) => `md5(${[...keyParts(alias).map((k) => `coalesce(cast(${k} as ${str}), '')`), `coalesce(cast(${upd} as ${str}), '')`].join(` || '|' || `)})`;

  const sql = (await ctx.render()).trim().replace(/;\s*$/, '');
  const target = ctx.node.relation.withType('table');
  const executed: string[] = [];

  return ctx.adapter.withSession(async (s: Session) => {
    const run = async (stmt: string, fetch = false) => {
      executed.push(stmt);
      return s.execute(stmt, { fetch, signal: ctx.signal });
    };
    await ensureSchema(s, target);
    const probe = await run(`select * from (\n${sql}\n) as snapshot_source limit 0`, true);
    const sourceCols = probe.columns.map((x) => x.name);
    const checkCols = strategy === 'check' ? (c.check_cols === 'all' ? sourceCols.filter((x) => !keys.includes(x)) : (Array.isArray(c.check_cols) ? c.check_cols : [c.check_cols]).map(String)) : [];
    if (strategy === 'timestamp' && !c.updated_at) throw new StrataError('snapshot-config', `snapshot ${ctx.node.name}: strategy 'timestamp' needs updated_at`);
    if (strategy === 'check' && checkCols.length === 0) throw new StrataError('snapshot-config', `snapshot ${ctx.node.name}: strategy 'check' needs check_cols`);
    const updExpr = strategy === 'timestamp' ? `cast(${String(c.updated_at)} as ${d.types.timestamp})` : nowSql;

    // The source, materialized once with its keys, version time and version id.
    const stage = d.stagingRelation(target, `snapsrc_${Date.now().toString(36)}`);
    await run(d.createStagingTable(stage, `select src.*, ${keyExprs}, ${updExpr} as __strata_upd from (\n${sql}\n) as src`));
    const stageSel = `(select st.*, ${scdFrom('st', 'st.__strata_upd')} as __strata_scd from ${stage.render()} st)`;
    try {
      const dup = await run(`select ${keyParts('st').join(', ')}, count(*) as n from ${stage.render()} st group by ${keyParts('st').join(', ')} having count(*) > 1 limit 5`, true);
      if (dup.rows.length) {
        throw new StrataError('snapshot-key-collision', `snapshot ${ctx.node.name}: unique_key ${keys.join(', ')} is not unique in the source (for example ${dup.rows.map((r) => r.slice(0, keys.length).map(String).join('/')).join(', ')})`, {
          hint: 'fix the source query so each key appears once, or choose a unique_key that is unique',
        });
      }
      const existing = await s.getRelation(target.database, target.schema, target.identifier);
      const colList = (cols: string[]) => cols.map(q).join(', ');
      const metaCols = [meta.scd, meta.updatedAt, meta.validFrom, meta.validTo, ...(hardDeletes === 'new_record' ? [meta.isDeleted] : [])];
      const metaValues = (alias: string, from: string, deleted: boolean, named = false) =>
        [`${alias}.__strata_scd`, `${alias}.__strata_upd`, from, validToCurrent, ...(hardDeletes === 'new_record' ? [deleted ? `'True'` : `'False'`] : [])]
          .map((v, i) => (named ? `${v} as ${q(metaCols[i]!)}` : v))
          .join(', ');

      if (!existing) {
        const staged = target.withIdentifier(d.tempIdentifier(target.identifier, Date.now().toString(36)), 'table');
        const body = `select ${sourceCols.map((x) => `st.${q(x)}`).join(', ')}, ${metaValues('st', 'st.__strata_upd', false, true)}\nfrom ${stageSel} st`;
        await run(d.createTableAs(staged, body));
        await s.begin();
        try {
          await runHooksOn(s, ctx.hooks?.pre, executed, ctx.signal);
          for (const stmt of d.swapStatements(staged, target, undefined, d.tempIdentifier(target.identifier, 'old'))) await run(stmt);
          await runHooksOn(s, ctx.hooks?.post, executed, ctx.signal);
          await applyRelationConfigOn(ctx, s, target, false, executed);
          await s.commit();
        } catch (e) {
          await s.rollback();
          await s.dropRelation(staged).catch(() => undefined);
          throw e;
        }
        const n = await run(`select count(*) from ${target.render()}`, true);
        return { status: 'success', message: `INSERT ${Number(n.rows[0]?.[0] ?? 0)}`, rowsAffected: Number(n.rows[0]?.[0] ?? 0), executedSql: executed };
      }

      const targetCols = (await s.getColumns(existing)).map((x) => x.name);
      const have = new Set(targetCols.map((x) => x.toLowerCase()));
      const cur = `(select t.*, ${keys.map((k, i) => `(${k}) as __strata_key_${i}`).join(', ')} from ${target.render()} t where ${isCurrent('t')})`;
      const changedCond =
        strategy === 'timestamp'
          ? `st.__strata_upd > cur.${q(meta.updatedAt)}`
          : checkCols.map((col) => `st.${q(col)} is distinct from cur.${q(col)}`).join(' or ');
      const deletedFlag = hardDeletes === 'new_record' ? ` or cur.${q(meta.isDeleted)} = 'True'` : '';
      const insertCols = [...sourceCols, ...metaCols];

      await s.begin();
      try {

        await runHooksOn(s, ctx.hooks?.pre, executed, ctx.signal);
        for (const col of probe.columns) {
          if (!have.has(col.name.toLowerCase())) await run(d.addColumn(target, col.name, col.type));
        }
        // Which keys changed, are new, or were deleted: decided before anything is written.
        const changes = d.stagingRelation(target, `snapchg_${Date.now().toString(36)}`);
        await run(
          d.createStagingTable(
            changes,
            `select st.*, case when cur.__strata_key_0 is null then 'insert' else 'update' end as __strata_change
from ${stageSel} st
left join ${cur} cur on ${joinOn('st', 'cur')}
where cur.__strata_key_0 is null or (${changedCond})${deletedFlag}`,
          ),
        );
        let deleted: Relation | undefined;
        if (hardDeletes !== 'ignore') {
          deleted = d.stagingRelation(target, `snapdel_${Date.now().toString(36)}`);
          await run(
            d.createStagingTable(
              deleted,
              `select cur.* from ${cur} cur where not exists (select 1 from ${stage.render()} st where ${joinOn('st', 'cur')})${hardDeletes === 'new_record' ? ` and coalesce(cur.${q(meta.isDeleted)}, 'False') <> 'True'` : ''}`,
            ),
          );
        }
        // The key expressions name the snapshot's own columns. The staged tables hold the same
        // column names, so they are read through their keys alone: otherwise a name in a key
        // expression would resolve to the staged row, and match every version.
        const keyCols = keys.map((_k, i) => `__strata_key_${i}`).join(', ');
        const keyMatch = (alias: string) => keys.map((k, i) => `(${k}) = ${alias}.__strata_key_${i}`).join(' and ');
        const updated = `(select ${keyCols}, __strata_upd from ${changes.render()} where __strata_change = 'update') as ch`;
        // Close the current versions that changed (at the new version's time) or were deleted (now).
        await run(
          `update ${target.render()} set ${q(meta.validTo)} = (select ch.__strata_upd from ${updated} where ${keyMatch('ch')})
where ${isCurrent(target.render())} and exists (select 1 from ${updated} where ${keyMatch('ch')})`,
        );
        if (deleted) {
          await run(`update ${target.render()} set ${q(meta.validTo)} = ${nowSql}
where ${isCurrent(target.render())} and exists (select 1 from (select ${keyCols} from ${deleted.render()}) as dl where ${keyMatch('dl')})`);
        }
        const ins = await run(`insert into ${target.render()} (${colList(insertCols)})
select ${sourceCols.map((x) => `ch.${q(x)}`).join(', ')}, ${metaValues('ch', 'ch.__strata_upd', false)}
from ${changes.render()} ch`);
        let inserted = ins.rowsAffected ?? 0;
        if (deleted && hardDeletes === 'new_record') {
          const delScd = `md5(${[...keyParts('dl').map((k) => `coalesce(cast(${k} as ${str}), '')`), `cast(${nowSql} as ${str})`, `'deleted'`].join(` || '|' || `)})`;
          const r = await run(`insert into ${target.render()} (${colList(insertCols)})
select ${sourceCols.map((x) => (have.has(x.toLowerCase()) ? `dl.${q(x)}` : 'null')).join(', ')}, ${delScd}, ${nowSql}, ${nowSql}, ${validToCurrent}, 'True'
from ${deleted.render()} dl`);
          inserted += r.rowsAffected ?? 0;
        }
        await runHooksOn(s, ctx.hooks?.post, executed, ctx.signal);
        await applyRelationConfigOn(ctx, s, target, true, executed);
        await s.commit();
        await s.dropRelation(changes).catch(() => undefined);
        if (deleted) await s.dropRelation(deleted).catch(() => undefined);
        return { status: 'success', message: `INSERT ${inserted}`, rowsAffected: inserted, executedSql: executed };
      } catch (e) {
        await s.rollback();
        throw e;
      }
    } finally {
      await s.dropRelation(stage).catch(() => undefined);
    }
  });
}
