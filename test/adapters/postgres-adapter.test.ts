/**
 * The PostgreSQL adapter against a real server (the throwaway test cluster): profile
 * reading, plain values, rows affected, catalog operations, transactional swaps, staging
 * in temporary tables, MERGE, COPY, error lines and hints, cancellation on the server,
 * and the run lock between two adapters on one target.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter, registerEngine, SqlError } from '../../src/adapters/index.js';
import type { Adapter } from '../../src/adapters/adapter.js';
import { postgresEngine, readPostgresProfile, lineAt } from '../../src/adapters/postgres/index.js';
import { bigintValue, dateValue, intervalValue, timestampValue } from '../../src/adapters/postgres/postgres-values.js';
import { StrataError } from '../../src/errors.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

registerEngine(postgresEngine);

const fields = (db: PgDatabase, extra: Record<string, unknown> = {}) => ({ host: db.host, port: db.port, user: db.user, dbname: db.database, schema: 'analytics', ...extra });
const open = (db: PgDatabase, extra: Record<string, unknown> = {}, threads = 2) =>
  createAdapter({ type: 'postgres', fields: fields(db, extra), threads }, { projectDir: tmpdir(), projectName: 'pgtest' });

describe('PostgreSQL profile', () => {
  it('reads dbt-postgres keys with their defaults and aliases', () => {
    const p = readPostgresProfile({ type: 'postgres', threads: 4, fields: { host: 'h', port: '6543', user: 'u', pass: 'x', database: 'd', schema: 's', keepalives_idle: 5, search_path: 'a,b', role: 'r' } }, { projectDir: '/p', projectName: 'x' });
    assert.equal(p.port, 6543);
    assert.equal(p.password, 'x');
    assert.equal(p.dbname, 'd');
    assert.equal(p.connectTimeout, 10);
    assert.equal(p.keepalivesIdle, 5);
    assert.equal(p.sslmode, 'prefer');
    assert.equal(p.applicationName, 'strata');
    assert.equal(p.searchPath, 'a,b');
    assert.equal(p.role, 'r');
  });

  it('refuses bad values with profile-error', () => {
    const bad = (f: Record<string, unknown>) => () => readPostgresProfile({ type: 'postgres', threads: 1, fields: { user: 'u', dbname: 'd', ...f } }, { projectDir: '/', projectName: 'x' });
    assert.throws(bad({ port: 'abc' }), (e: unknown) => e instanceof StrataError && e.code === 'profile-error' && /port/.test(e.message));
    assert.throws(bad({ sslmode: 'sometimes' }), /sslmode/);
    assert.throws(() => readPostgresProfile({ type: 'postgres', threads: 1, fields: { user: 'u' } }, { projectDir: '/', projectName: 'x' }), /dbname/);
  });

  it('converts server text values like DuckDB values', () => {
    assert.equal(bigintValue('9007199254740993'), '9007199254740993');
    assert.equal(bigintValue('-42'), -42);
    assert.equal((dateValue('2024-02-29') as Date).toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal((dateValue('0044-03-15 BC') as Date).getUTCFullYear(), -43);
    assert.equal(dateValue('infinity'), 'infinity');
    assert.equal((timestampValue('2024-01-02 03:04:05.123456') as Date).toISOString(), '2024-01-02T03:04:05.123Z');
    assert.equal((timestampValue('2024-02-29 23:59:59') as Date).toISOString(), '2024-02-29T23:59:59.000Z');
    assert.equal((timestampValue('0099-12-31 00:00:00') as Date).getUTCFullYear(), 99);
    assert.deepEqual(intervalValue('1 year 2 mons 3 days 04:05:06.5'), { months: 14, days: 3, micros: 14706500000 });
  });

  it('maps a character position to its line', () => {
    assert.equal(lineAt('select 1\nfrom x\nwhere y', 1), 1);
    assert.equal(lineAt('select 1\nfrom x\nwhere y', 10), 2);
    assert.equal(lineAt('select 1\nfrom x\nwhere y', 17), 3);
  });
});

describe('PostgreSQL adapter', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1' }, () => {
  let db: PgDatabase;
  let adapter: Adapter;
  before(async () => {
    db = await freshDatabase('adapter');
    adapter = await open(db);
    await adapter.withSession((s) => s.createSchema(undefined, 'analytics'));
  });
  after(async () => {
    await adapter?.close();
    if (db) await dropDatabase(db);
  });

  it('knows its database, schema, type and the server version', () => {
    assert.equal(adapter.type, 'postgres');
    assert.equal(adapter.database, db.database);
    assert.equal(adapter.schema, 'analytics');
    assert.equal(adapter.dialect.capabilities.merge, true, 'PostgreSQL 15 has MERGE');
    assert.equal(adapter.relation({ identifier: 'x' }).render(), `"${db.database}"."analytics"."x"`);
  });

  it('returns plain values like DuckDB and the last result of several statements', async () => {
    const r = await adapter.withSession((s) =>
      s.execute(`create table analytics.vals as select 1 as i, 9007199254740993::bigint as big, 42::bigint as small, 1.25::numeric(10,2) as dec,
        timestamp '2024-01-02 03:04:05.678' as ts, date '2024-01-02' as d, array[1,2] as l, null::text as n, true as b,
        time '10:11:12' as t, interval '90 minutes' as iv, timestamptz '2024-01-02 03:04:05+02' as tz;
        select * from analytics.vals`),
    );
    assert.deepEqual(r.columns.map((c) => c.name), ['i', 'big', 'small', 'dec', 'ts', 'd', 'l', 'n', 'b', 't', 'iv', 'tz']);
    const row = r.rows[0]!;
    assert.equal(row[0], 1);
    assert.equal(row[1], '9007199254740993');
    assert.equal(row[2], 42);
    assert.equal(row[3], 1.25);
    assert.equal((row[4] as Date).toISOString(), '2024-01-02T03:04:05.678Z');
    assert.equal((row[5] as Date).toISOString(), '2024-01-02T00:00:00.000Z');
    assert.deepEqual(row[6], [1, 2]);
    assert.equal(row[7], null);
    assert.equal(row[8], true);
    assert.equal(row[9], '10:11:12');
    assert.deepEqual(row[10], { months: 0, days: 0, micros: 5400000000 });
    assert.equal((row[11] as Date).toISOString(), '2024-01-02T01:04:05.000Z');
  });

  it('reports rows affected by DML and CREATE TABLE AS; fetch: false skips rows', async () => {
    await adapter.withSession(async (s) => {
      assert.equal((await s.execute('create table analytics.ra as select g from generate_series(1, 7) g')).rowsAffected, 7);
      assert.equal((await s.execute('delete from analytics.ra where g < 4')).rowsAffected, 3);
      const r = await s.execute('select * from analytics.ra', { fetch: false });
      assert.deepEqual(r.rows, []);
      assert.equal(r.columns[0]?.name, 'g');
      assert.equal((await s.execute('select count(*) from analytics.ra')).rows[0]?.[0], 4);
    });
  });

  it('catalog operations: relations, columns, rename, drop, catalog', async () => {
    await adapter.withSession(async (s) => {
      await s.execute(`create table analytics."Orders" (id integer not null, amount numeric(12,2), note varchar(10)); comment on table analytics."Orders" is 'the orders';
        comment on column analytics."Orders".id is 'key'; create view analytics.v_orders as select id from analytics."Orders"`);
      const t = await s.getRelation(undefined, 'analytics', 'Orders');
      assert.equal(t?.type, 'table');
      assert.equal(await s.getRelation(undefined, 'analytics', 'orders'), undefined, 'quoted names are exact');
      assert.equal((await s.getRelation(undefined, 'analytics', 'v_orders'))?.type, 'view');
      const cols = await s.getColumns(t!);
      assert.deepEqual(cols.map((c) => [c.name, c.type, c.nullable]), [
        ['id', 'integer', false],
        ['amount', 'numeric(12,2)', true],
        ['note', 'character varying(10)', true],
      ]);
      assert.equal(cols[0]?.comment, 'key');
      const listed = await s.listRelations(undefined, 'analytics', 'v_');
      assert.deepEqual(listed.map((r) => r.identifier), ['v_orders']);
      const cat = await s.catalog([{ schema: 'analytics' }]);
      const orders = cat.find((c) => c.name === 'Orders');
      assert.equal(orders?.comment, 'the orders');
      assert.equal(orders?.columns.length, 3);
      assert.equal(cat.find((c) => c.name === 'v_orders')?.type, 'view');
      await s.renameRelation(t!, 'orders_renamed');
      assert.equal((await s.getRelation(undefined, 'analytics', 'orders_renamed'))?.type, 'table');
      await s.dropRelation(adapter.relation({ identifier: 'orders_renamed' }));
      assert.equal(await s.getRelation(undefined, 'analytics', 'orders_renamed'), undefined);
    });
  });

  it('swaps a table in one transaction; a failure keeps the old one', async () => {
    const d = adapter.dialect;
    const target = adapter.relation({ identifier: 'swapme', type: 'table' });
    await adapter.withSession(async (s) => {
      await s.execute(`create table ${target} as select 1 as v`);
      const staged = target.withIdentifier(d.tempIdentifier('swapme', 'a1'));
      await s.execute(d.createTableAs(staged, 'select 2 as v'));
      await s.begin();
      for (const q of d.swapStatements(staged, target, target, d.tempIdentifier('swapme', 'a1_old'))) await s.execute(q);
      await s.commit();
      assert.deepEqual((await s.execute(`select v from ${target}`)).rows, [[2]]);
      // A failing swap rolls back every rename.
      const staged2 = target.withIdentifier(d.tempIdentifier('swapme', 'b2'));
      await s.execute(d.createTableAs(staged2, 'select 3 as v'));
      await s.begin();
      await assert.rejects(async () => {
        for (const q of [...d.swapStatements(staged2, target, target, d.tempIdentifier('swapme', 'b2_old')), 'select 1/0']) await s.execute(q);
      }, /division by zero/);
      await s.rollback();
      assert.deepEqual((await s.execute(`select v from ${target}`)).rows, [[2]]);
      assert.ok(await s.getRelation(undefined, 'analytics', staged2.identifier), 'the staged table is still there (rolled back rename)');
    });
  });

  it('replaces a view whose columns change; stages rows in a temporary table; merges', async () => {
    const d = adapter.dialect;
    await adapter.withSession(async (s) => {
      const v = adapter.relation({ identifier: 'vv', type: 'view' });
      await s.execute(d.createViewAs(v, 'select 1 as a', false));
      await s.execute(d.createViewAs(v, 'select 1 as a, 2 as b', true));
      assert.deepEqual((await s.execute(`select * from ${v}`)).rows, [[1, 2]]);
      const target = adapter.relation({ identifier: 'merged', type: 'table' });
      await s.execute(`create table ${target} as select * from (values (1, 'a'), (2, 'b')) t(id, val)`);
      await s.begin();
      const staged = d.stagingRelation(target, 'x1');
      assert.equal(staged.schema, 'pg_temp');
      await s.execute(d.createStagingTable(staged, `select * from (values (2, 'B'), (3, 'c')) t(id, val)`));
      assert.deepEqual((await s.getColumns(staged)).map((c) => c.name), ['id', 'val']);
      const r = await s.execute(d.merge({ target, source: staged, columns: ['id', 'val'], uniqueKey: ['id'], predicates: [] }));
      assert.equal(r.rowsAffected, 2);
      await s.execute(d.dropRelation(staged, 'table'));
      await s.commit();
      assert.deepEqual((await s.execute(`select id, val from ${target} order by id`)).rows, [[1, 'a'], [2, 'B'], [3, 'c']]);
      await s.execute(d.alterColumnType(target, 'id', 'text'));
      assert.equal((await s.getColumns(target))[0]?.type, 'text');
    });
  });

  it('keeps the views built on a relation it swaps or replaces', async () => {
    const d = adapter.dialect;
    await adapter.withSession(async (s) => {
      const base = adapter.relation({ identifier: 'dep_base', type: 'table' });
      const v1 = adapter.relation({ identifier: 'dep_v1', type: 'view' });
      await s.execute(`create table ${base} as select 1 as a, 'x' as b; create view ${v1} as select a from ${base}; create view analytics.dep_v2 as select a + 1 as a2 from ${v1}`);
      const staged = base.withIdentifier(d.tempIdentifier('dep_base', 'c3'));
      await s.execute(d.createTableAs(staged, 'select 5 as a, 7 as c'));
      await s.begin();
      for (const q of d.swapStatements(staged, base, base, d.tempIdentifier('dep_base', 'c3_old'))) await s.execute(q);
      await s.commit();
      assert.deepEqual((await s.execute('select a2 from analytics.dep_v2')).rows, [[6]], 'views on views follow the new table');
      await s.execute(d.createViewAs(v1, 'select a, c from analytics.dep_base', true));
      assert.deepEqual((await s.execute('select a2 from analytics.dep_v2')).rows, [[6]], 'a replaced view keeps its dependents');
      assert.deepEqual((await s.execute(`select * from ${v1}`)).rows, [[5, 7]]);
    });
  });

  it('refuses to build a relation whose name PostgreSQL would cut', () => {
    const long = adapter.relation({ identifier: 'm'.repeat(64) });
    assert.throws(() => adapter.dialect.createTableAs(long, 'select 1'), (e: unknown) => e instanceof StrataError && e.code === 'identifier-too-long');
    assert.throws(() => adapter.dialect.createViewAs(long, 'select 1', false), /longer than PostgreSQL's limit of 63 bytes/);
    assert.doesNotThrow(() => adapter.dialect.createTableAs(adapter.relation({ identifier: 'm'.repeat(63) }), 'select 1'));
  });

  it('shortens temporary names to 63 bytes', () => {
    const long = 'x'.repeat(80);
    const id = adapter.dialect.tempIdentifier(long, 'abcd1234_old');
    assert.ok(Buffer.byteLength(id) <= 63);
    assert.ok(id.endsWith('__strata_tmp_abcd1234_old'));
    const multi = adapter.dialect.tempIdentifier('é'.repeat(40), 'ab');
    assert.ok(Buffer.byteLength(multi) <= 63);
  });

  it('loads CSV through COPY … FROM STDIN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-pgcopy-'));
    const file = join(dir, 'x.csv');
    writeFileSync(file, 'id,name,note\n1,"a, b",\n2,"say ""hi""",""\n');
    await adapter.withSession(async (s) => {
      const t = adapter.relation({ identifier: 'copied', type: 'table' });
      await s.execute(`create table ${t} (id int, name text, note text)`);
      assert.equal(typeof s.copyCsv, 'function');
      const n = await s.copyCsv!(t, file, { columns: ['id', 'name', 'note'], delimiter: ',' });
      assert.equal(n, 2);
      assert.deepEqual((await s.execute(`select id, name, note from ${t} order by id`)).rows, [[1, 'a, b', null], [2, 'say "hi"', '']]);
    });
  });

  it('server errors carry the line of their position, the message and the hint', async () => {
    await adapter.withSession(async (s) => {
      const sql = 'select 1 as a,\n  2 as b\nfrom analytics.no_such_table';
      const err = await s.execute(sql).catch((e: unknown) => e);
      assert.ok(err instanceof SqlError);
      assert.equal(err.code, 'sql-error');
      assert.equal(err.sqlLine, 3);
      assert.match(err.message, /relation "analytics.no_such_table" does not exist/);
      const rel = err.relativeTo('2 as b\nfrom analytics.no_such_table', 1, 'target/compiled/x.sql');
      assert.equal(rel.position?.line, 2);
      assert.equal(rel.position?.file, 'target/compiled/x.sql');
      const hinted = await s.execute('select * from analytics.vals where i = 1::text').catch((e: unknown) => e);
      assert.ok(hinted instanceof SqlError);
      assert.match(hinted.message, /HINT: .*explicit type casts/);
      assert.equal(hinted.sqlLine, 1);
    });
  });

  it('cancels the running statement on the server', async () => {
    const s = await adapter.acquire();
    try {
      const t0 = Date.now();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const err = await s.execute('select pg_sleep(30)', { signal: controller.signal }).catch((e: unknown) => e);
      assert.ok(err instanceof SqlError);
      assert.equal(err.code, 'cancelled');
      assert.ok(Date.now() - t0 < 5000, 'cancelled well before the sleep ends');
      // The session is usable afterwards.
      assert.deepEqual((await s.execute('select 1')).rows, [[1]]);
      // cancelAll reaches statements on every lent session.
      const p = s.execute('select pg_sleep(30)').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      adapter.cancelAll();
      const e2 = await p;
      assert.ok(e2 instanceof SqlError && e2.code === 'cancelled');
      const active = await pgQuery(db, `select count(*)::int from pg_stat_activity where query like 'select pg_sleep(30)%' and state = 'active'`);
      assert.deepEqual(active, [[0]], 'nothing still sleeps on the server');
    } finally {
      s.release();
    }
  });

  it('a second adapter on the same target waits for the first, or stops with target-locked', async () => {
    const err = await open(db, { run_lock_timeout: 0 }).catch((e: unknown) => e);
    assert.ok(err instanceof StrataError);
    assert.equal(err.code, 'target-locked');
    assert.match(err.message, /Another run is building schema "analytics"/);
    // Another schema is another target.
    const other = await open(db, { schema: 'other', run_lock_timeout: 0 });
    await other.close();
    // Waiting: the second opens once the first closes.
    const first = await open(db, { schema: 'waiting' });
    const t0 = Date.now();
    setTimeout(() => void first.close(), 500);
    const second = await open(db, { schema: 'waiting', run_lock_timeout: 20 });
    assert.ok(Date.now() - t0 >= 400);
    await second.close();
  });

  it('applies role, search_path and application_name from the profile', async () => {
    await adapter.withSession((s) => s.execute(`do $$ begin if not exists (select 1 from pg_roles where rolname = 'strata_reporter') then create role strata_reporter; end if; end $$; grant create, usage on schema analytics to strata_reporter; grant select on analytics.vals to strata_reporter`));
    const a = await open(db, { schema: 'role_check', role: 'strata_reporter', search_path: 'analytics, public', application_name: 'catwalk-prod' });
    try {
      const r = await a.withSession((s) => s.execute(`select current_user, current_setting('search_path'), current_setting('application_name')`));
      assert.deepEqual(r.rows, [['strata_reporter', 'analytics, public', 'catwalk-prod']]);
      assert.deepEqual((await a.withSession((s) => s.execute('select count(*) from vals'))).rows, [[1]], 'unqualified names resolve through search_path');
    } finally {
      await a.close();
    }
  });

  it('an unreachable server is a clear error, within connect_timeout', async () => {
    const t0 = Date.now();
    const err = await createAdapter({ type: 'postgres', fields: { host: '127.0.0.1', port: 1, user: 'u', dbname: 'd', connect_timeout: 2 }, threads: 1 }, { projectDir: tmpdir(), projectName: 'x' }).catch((e: unknown) => e);
    assert.ok(err instanceof StrataError);
    assert.equal(err.code, 'database-open-failed');
    assert.match(err.message, /Could not connect to PostgreSQL at u@127\.0\.0\.1:1\/d/);
    assert.match(err.hint ?? '', /Is the server running/);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('a wrong database name is a clear error', async () => {
    const err = await open({ ...db, database: 'no_such_db_here' }).catch((e: unknown) => e);
    assert.ok(err instanceof StrataError);
    assert.equal(err.code, 'database-open-failed');
    assert.match(err.message, /does not exist/);
  });
});
