/**
 * Every materialization on both engines, step by step, with the same results: view and
 * table (and switching between them, with hooks), each incremental strategy (append,
 * delete+insert with predicates, merge with update columns and a composite key), each
 * `on_schema_change` mode, microbatch with look-back, and a failing build that keeps the
 * old table. Each scenario runs on DuckDB and on PostgreSQL and the tables are compared
 * after every step.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter, registerEngine } from '../../src/adapters/index.js';
import type { Adapter } from '../../src/adapters/adapter.js';
import { postgresEngine } from '../../src/adapters/postgres/index.js';
import { materialize, type MaterializationContext } from '../../src/materializations/index.js';
import { StrataError } from '../../src/errors.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, type PgDatabase } from '../helpers/pg-server.js';
import { modelContext, type RenderCall } from '../materializations/helpers.js';
import { normalise } from './matrix-helpers.js';

registerEngine(postgresEngine);

type Step = (a: Adapter) => Promise<void>;

const exec = (a: Adapter, sql: string) => a.withSession(async (s) => void (await s.execute(sql)));
const table = (a: Adapter, name: string) => a.relation({ identifier: name }).render();
async function rowsOf(a: Adapter, name: string): Promise<unknown[][] | 'missing'> {
  if (!(await a.withSession((s) => s.getRelation(undefined, a.schema, name)))) return 'missing';
  const r = await a.withSession((s) => s.execute(`select * from ${table(a, name)}`));
  const cols = r.columns.map((c) => c.name);
  return r.rows.map((row) => row.map((v, i) => [cols[i], normalise(v)])).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}
const build = (a: Adapter, name: string, config: Record<string, unknown>, sql: (a: Adapter, c: RenderCall) => string, extra: Partial<MaterializationContext> = {}) =>
  materialize(String(config.materialized), modelContext(a, name, config, (c) => sql(a, c), extra));

describe('materializations give the same tables on DuckDB and PostgreSQL', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 120_000 }, () => {
  let db: PgDatabase;
  let duck: Adapter;
  let pg: Adapter;
  before(async () => {
    db = await freshDatabase('mats');
    duck = await createAdapter({ type: 'duckdb', fields: {}, threads: 2 }, { projectDir: mkdtempSync(join(tmpdir(), 'strata-mats-')), projectName: 'proj' });
    pg = await createAdapter({ type: 'postgres', fields: { host: db.host, port: db.port, user: db.user, dbname: db.database, schema: 'analytics' }, threads: 2 }, { projectDir: tmpdir(), projectName: 'proj' });
    await exec(pg, 'create schema analytics');
    for (const a of [duck, pg]) {
      await exec(
        a,
        `create table ${table(a, 'events')} as select * from (values
          (1, 'click', TIMESTAMP '2024-03-10 05:00:00', 5), (2, 'view', TIMESTAMP '2024-03-11 06:00:00', 1),
          (3, 'click', TIMESTAMP '2024-03-12 07:00:00', 7), (4, 'buy', TIMESTAMP '2024-03-13 23:59:59', 30)) t(id, kind, ts, amount)`,
      );
    }
  });
  after(async () => {
    await duck?.close();
    await pg?.close();
    if (db) await dropDatabase(db);
  });

  /** Run the steps on both engines, comparing `tables` after each. */
  async function same(tables: string[], steps: Step[]): Promise<void> {
    for (const [i, step] of steps.entries()) {
      await step(duck);
      await step(pg);
      for (const t of tables) assert.deepEqual(await rowsOf(pg, t), await rowsOf(duck, t), `${t} after step ${i + 1}`);
    }
  }

  it('view, table, switching between them, hooks', async () => {
    const sql = (a: Adapter) => `select kind, count(*) as n, sum(amount) as total from ${table(a, 'events')} group by kind`;
    await same(['by_kind', 'hook_log'], [
      (a) => exec(a, `create table ${table(a, 'hook_log')} (note varchar)`),
      (a) => build(a, 'by_kind', { materialized: 'view' }, sql).then(() => undefined),
      (a) => build(a, 'by_kind', { materialized: 'table' }, sql, { hooks: { pre: [`insert into ${table(a, 'hook_log')} values ('pre')`], post: [`insert into ${table(a, 'hook_log')} values ('post')`] } }).then(() => undefined),
      (a) => build(a, 'by_kind', { materialized: 'table' }, (x) => `${sql(x)} having count(*) > 1`).then(() => undefined),
      (a) => build(a, 'by_kind', { materialized: 'view' }, sql).then(() => undefined),
    ]);
    assert.equal((await pg.withSession((s) => s.getRelation(undefined, 'analytics', 'by_kind')))?.type, 'view');
  });

  it('incremental strategies: append, delete+insert with predicates, merge with update columns and a composite key', async () => {
    const src = (a: Adapter, c: RenderCall, extra = '') => `select id, kind, ts, amount${extra} from ${table(a, 'events')}${c.isIncremental ? ` where id > 2` : ''}`;
    await same(['inc_append', 'inc_delins', 'inc_merge', 'inc_merge2'], [
      (a) => build(a, 'inc_append', { materialized: 'incremental', incremental_strategy: 'append' }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_delins', { materialized: 'incremental', incremental_strategy: 'delete+insert', unique_key: 'id', incremental_predicates: ['DBT_INTERNAL_DEST.id > 0'] }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_merge', { materialized: 'incremental', incremental_strategy: 'merge', unique_key: 'id', merge_update_columns: ['amount'] }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_merge2', { materialized: 'incremental', incremental_strategy: 'merge', unique_key: ['id', 'kind'] }, (x, c) => src(x, c)).then(() => undefined),
      (a) => exec(a, `update ${table(a, 'events')} set amount = amount * 100, kind = 'x' || kind where id >= 3; insert into ${table(a, 'events')} values (5, 'view', TIMESTAMP '2024-03-14 01:00:00', 2)`),
      (a) => build(a, 'inc_append', { materialized: 'incremental', incremental_strategy: 'append' }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_delins', { materialized: 'incremental', incremental_strategy: 'delete+insert', unique_key: 'id', incremental_predicates: ['DBT_INTERNAL_DEST.id > 0'] }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_merge', { materialized: 'incremental', incremental_strategy: 'merge', unique_key: 'id', merge_update_columns: ['amount'] }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_merge2', { materialized: 'incremental', incremental_strategy: 'merge', unique_key: ['id', 'kind'] }, (x, c) => src(x, c)).then(() => undefined),
      (a) => build(a, 'inc_merge', { materialized: 'incremental', incremental_strategy: 'merge', unique_key: 'id' }, (x, c) => src(x, c), { fullRefresh: true }).then(() => undefined),
    ]);
  });

  it('on_schema_change: append_new_columns, sync_all_columns, fail', async () => {
    const v1 = (a: Adapter) => `select id, kind, amount from ${table(a, 'events')}`;
    const v2 = (a: Adapter) => `select id, cast(id as varchar) as kind, 'new' as extra from ${table(a, 'events')}`;
    const cfg = (mode: string) => ({ materialized: 'incremental', incremental_strategy: 'merge', unique_key: 'id', on_schema_change: mode });
    await same(['osc_append', 'osc_sync', 'osc_fail'], [
      (a) => build(a, 'osc_append', cfg('append_new_columns'), v1).then(() => undefined),
      (a) => build(a, 'osc_sync', cfg('sync_all_columns'), v1).then(() => undefined),
      (a) => build(a, 'osc_fail', cfg('fail'), v1).then(() => undefined),
      (a) => build(a, 'osc_append', cfg('append_new_columns'), v2).then(() => undefined),
      (a) => build(a, 'osc_sync', cfg('sync_all_columns'), v2).then(() => undefined),
      async (a) => {
        const err = await build(a, 'osc_fail', cfg('fail'), v2).catch((e: unknown) => e);
        assert.ok(err instanceof StrataError && err.code === 'schema-change', `fail mode refuses on ${a.type}`);
      },
    ]);
    const cols = await pg.withSession((s) => s.getColumns(pg.relation({ identifier: 'osc_sync' })));
    assert.deepEqual(cols.map((c) => c.name), ['id', 'kind', 'extra']);
  });

  it('microbatch: first run by batches, then an incremental run over the look-back windows', async () => {
    const lit = (t: Date) => `TIMESTAMP '${t.toISOString().replace('T', ' ').replace('Z', '')}'`;
    const sql = (a: Adapter, c: RenderCall) => `select id, ts, amount * 10 as amount10 from ${table(a, 'events')}${c.batch ? ` where ts >= ${lit(c.batch.start)} and ts < ${lit(c.batch.end)}` : ''}`;
    const config = { materialized: 'incremental', incremental_strategy: 'microbatch', event_time: 'ts', begin: '2024-03-10', batch_size: 'day', lookback: 1 };
    const now = new Date('2024-03-14T10:00:00Z');
    await same(['mb'], [
      (a) => build(a, 'mb', config, sql, { now }).then(() => undefined),
      (a) => exec(a, `update ${table(a, 'events')} set amount = 1000 where id in (1, 5); insert into ${table(a, 'events')} values (6, 'view', TIMESTAMP '2024-03-14 02:00:00', 6)`),
      (a) => build(a, 'mb', config, sql, { now }).then(() => undefined),
    ]);
  });

  it('enforced contracts: declared columns and constraints; a query or rows that break them fail and keep the table', async () => {
    const contract = {
      columns: [
        { name: 'id', dataType: 'integer', constraints: [{ type: 'not_null' }, { type: 'primary_key' }] },
        { name: 'kind', dataType: 'varchar', constraints: [{ type: 'check', expression: "kind <> 'refund'" }] },
      ],
      constraints: [],
      relationOf: (to: string): string => {
        throw new Error(`no foreign keys here (${to})`);
      },
    };
    const withContract = (a: Adapter, sql: (x: Adapter) => string) => {
      const ctx = modelContext(a, 'contracted', { materialized: 'table' }, () => sql(a));
      return materialize('table', { ...ctx, node: { ...ctx.node, contract } });
    };
    await same(['contracted'], [
      (a) => withContract(a, (x) => `select cast(id as integer) as id, kind from ${table(x, 'events')}`).then(() => undefined),
      async (a) => {
        const err = await withContract(a, (x) => `select cast(id as bigint) as id, kind from ${table(x, 'events')}`).catch((e: unknown) => e);
        assert.ok(err instanceof StrataError && err.code === 'contract-failed', `the contract fails on ${a.type}: ${String(err)}`);
        assert.match(err.message, /\| id +\| (BIGINT|LONGINTEGER) +\| (INTEGER) +\| data type mismatch \|/);
      },
      async (a) => {
        const err = await withContract(a, (x) => `select cast(id as integer) as id, 'refund' as kind from ${table(x, 'events')}`).catch((e: unknown) => e);
        assert.ok(err instanceof StrataError, `the check constraint fails on ${a.type}`);
      },
    ]);
    const constraints = await pg.withSession(async (s) => (await s.execute("select contype from pg_constraint where conrelid = 'analytics.contracted'::regclass order by 1")).rows);
    assert.deepEqual(constraints, [['c'], ['p']], 'the check and the primary key (not null is a property of the column)');
  });

  it('a failing build keeps the old table on both', async () => {
    await same(['keeper'], [
      (a) => build(a, 'keeper', { materialized: 'table' }, (x) => `select id from ${table(x, 'events')}`).then(() => undefined),
      async (a) => {
        const err = await build(a, 'keeper', { materialized: 'table' }, (x) => `select id, cast('x' || kind as integer) as boom from ${table(x, 'events')}`).catch((e: unknown) => e);
        assert.ok(err instanceof StrataError, `the build fails on ${a.type}`);
      },
    ]);
  });
});
