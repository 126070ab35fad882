import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createAdapter, createRelation, relationFactory, SqlError } from '../../src/adapters/index.js';
import type { Adapter } from '../../src/adapters/adapter.js';
import { tempProject } from '../materializations/helpers.js';

const open = (dir: string, fields: Record<string, unknown> = {}, threads = 2) =>
  createAdapter({ type: 'duckdb', fields, threads }, { projectDir: dir, projectName: 'shop' });

describe('DuckDB adapter', () => {
  const project = tempProject();
  let adapter: Adapter;
  before(async () => {
    adapter = await open(project.dir);
  });
  after(async () => {
    await adapter.close();
    project.cleanup();
  });

  it('opens target/<project>.duckdb by default; database is the file name, schema main', () => {
    assert.ok(existsSync(join(project.dir, 'target', 'shop.duckdb')));
    assert.equal(adapter.database, 'shop');
    assert.equal(adapter.schema, 'main');
    assert.equal(adapter.type, 'duckdb');
  });

  it('renders relations dbt-duckdb style and exposes dbt attributes', () => {
    const r = adapter.relation({ identifier: 'Or"ders', type: 'table' });
    assert.equal(r.render(), '"shop"."main"."Or""ders"');
    assert.equal(String(r), r.render());
    assert.equal(r.name, 'Or"ders');
    assert.equal(r.is_table, true);
    assert.equal(r.is_view, false);
    assert.equal(r.include({ database: false }).render(), '"main"."Or""ders"');
    assert.equal(r.withIdentifier('x').render(), '"shop"."main"."x"');
    assert.equal(createRelation({ schema: 's', identifier: 'c', type: 'cte' }).render(), '"c"');
    assert.equal(r.incorporate({ path: { schema: 'other' }, type: 'view' }).render(), '"shop"."other"."Or""ders"');
    const api = relationFactory((id) => adapter.dialect.quote(id));
    assert.equal(api.create({ schema: 'raw', identifier: 'events' }).render(), '"raw"."events"');
    assert.equal(api.create({ database: 'd', schema: 's', identifier: 't', type: 'view' }).is_view, true);
    assert.equal(String(api.create({ identifier: 'only' })), '"only"');
  });

  it('returns plain values and the last result of a multi-statement string', async () => {
    const r = await adapter.withSession((s) =>
      s.execute(`create table vals as select 1 as i, 9007199254740993::bigint as big, 12345678901234567890::hugeint as huge,
        1.25::decimal(10,2) as dec, TIMESTAMP '2024-01-02 03:04:05' as ts, DATE '2024-01-02' as d, [1,2] as l, {'a': 2::bigint} as st, NULL as n;
        select * from vals`),
    );
    assert.deepEqual(r.columns.map((c) => c.name), ['i', 'big', 'huge', 'dec', 'ts', 'd', 'l', 'st', 'n']);
    const [row] = r.rows;
    assert.ok(row);
    assert.equal(row[0], 1);
    assert.equal(row[1], '9007199254740993');
    assert.equal(row[2], '12345678901234567890');
    assert.equal(row[3], 1.25);
    assert.ok(row[4] instanceof Date);
    assert.equal((row[4] as Date).toISOString(), '2024-01-02T03:04:05.000Z');
    assert.equal((row[5] as Date).toISOString(), '2024-01-02T00:00:00.000Z');
    assert.deepEqual(row[6], [1, 2]);
    assert.deepEqual(row[7], { a: 2 });
    assert.equal(row[8], null);
    const more = await adapter.withSession((s) => s.execute("select TIME '10:11:12' t, TIME '01:02:03.5' tf, interval 90 minute i"));
    assert.deepEqual(more.rows, [['10:11:12', '01:02:03.500000', { months: 0, days: 0, micros: 5400000000 }]]);
  });

  it('reports rows affected by DML and CREATE TABLE AS; fetch: false skips rows', async () => {
    await adapter.withSession(async (s) => {
      assert.equal((await s.execute('create table ra as select * from range(7)')).rowsAffected, 7);
      assert.equal((await s.execute('delete from ra where range < 3')).rowsAffected, 3);
      const r = await s.execute('select * from ra', { fetch: false });
      assert.deepEqual(r.rows, []);
      assert.equal(r.columns[0]?.name, 'range');
    });
  });

  it('getColumns: one relation by name, any case; none for a missing one, inside a transaction too', async () => {
    await adapter.withSession(async (s) => {
      await s.execute('create schema cols; create table cols."Mixed" (id integer not null, tags varchar[], amount decimal(18,3)); create view cols.v as select id from cols."Mixed"');
      await s.execute('create table cols."we""ird" (q double)');
      const rel = (schema: string, identifier: string, database?: string) => adapter.relation({ database, schema, identifier });
      assert.deepEqual(await s.getColumns(rel('COLS', 'mixed')), [
        { name: 'id', type: 'INTEGER', nullable: false },
        { name: 'tags', type: 'VARCHAR[]', nullable: true },
        { name: 'amount', type: 'DECIMAL(18,3)', nullable: true },
      ]);
      assert.deepEqual((await s.getColumns(rel('cols', 'v'))).map((c) => c.name), ['id']);
      assert.deepEqual((await s.getColumns(rel('cols', 'we"ird'))).map((c) => [c.name, c.type]), [['q', 'DOUBLE']]);
      await s.execute('begin');
      assert.deepEqual(await s.getColumns(rel('cols', 'missing')), []);
      assert.deepEqual(await s.getColumns(rel('no_such_schema', 'missing')), []);
      assert.deepEqual(await s.getColumns(rel('main', 'missing', 'no_such_db')), []);
      await s.execute('insert into cols."Mixed" values (1, [], 2.5)');
      await s.execute('commit');
      assert.deepEqual((await s.execute('select count(*) from cols."Mixed"')).rows, [[1]]);
    });
  });

  it('catalog operations', async () => {
    await adapter.withSession(async (s) => {
      await s.createSchema(undefined, 'Ops');
      await s.execute('create table ops.t1 as select 1 as a, \'x\' as b; create view ops.v1 as select a from ops.t1');
      const t = await s.getRelation(undefined, 'OPS', 'T1');
      assert.equal(t?.type, 'table');
      assert.equal(t?.identifier, 't1');
      assert.equal((await s.getRelation(undefined, 'ops', 'v1'))?.type, 'view');
      assert.equal(await s.getRelation(undefined, 'ops', 'missing'), undefined);
      assert.deepEqual((await s.getColumns(t!)).map((c) => [c.name, c.type]), [['a', 'INTEGER'], ['b', 'VARCHAR']]);
      assert.deepEqual((await s.listRelations(undefined, 'ops')).map((r) => `${r.identifier}:${r.type}`).sort(), ['t1:table', 'v1:view']);
      assert.deepEqual((await s.listRelations(undefined, 'ops', 'V')).map((r) => r.identifier), ['v1']);
      await s.renameRelation(t!, 't2');
      assert.equal((await s.getRelation(undefined, 'ops', 't2'))?.type, 'table');
      await s.truncate(adapter.relation({ schema: 'ops', identifier: 't2' }));
      assert.deepEqual((await s.execute('select count(*) from ops.t2')).rows, [[0]]);
      await s.execute("comment on table ops.t2 is 'the table'; comment on column ops.t2.a is 'col a'");
      const cat = await s.catalog([{ schema: 'ops' }]);
      const t2 = cat.find((c) => c.name === 't2');
      assert.equal(t2?.comment, 'the table');
      assert.equal(t2?.rowCountExact, false); // DuckDB's estimated_size: not updated by TRUNCATE
      assert.equal(typeof t2?.rowCount, 'number');
      assert.equal(t2?.columns[0]?.comment, 'col a');
      assert.equal(cat.find((c) => c.name === 'v1')?.type, 'view');
      await s.dropRelation(adapter.relation({ schema: 'ops', identifier: 'v1' }));
      assert.equal(await s.getRelation(undefined, 'ops', 'v1'), undefined);
      await s.dropSchema(undefined, 'ops');
      assert.deepEqual((await s.listRelations(undefined, 'ops')), []);
    });
  });

  it('transactions commit and roll back', async () => {
    await adapter.withSession(async (s) => {
      await s.execute('create table tx (a int)');
      await s.begin();
      assert.equal(s.inTransaction, true);
      await s.execute('insert into tx values (1)');
      await s.rollback();
      await s.begin();
      await s.execute('insert into tx values (2)');
      await s.commit();
      assert.deepEqual((await s.execute('select * from tx')).rows, [[2]]);
    });
  });

  it('engine errors are SqlErrors with the line', async () => {
    await adapter.withSession(async (s) => {
      await assert.rejects(s.execute('select 1,\n  2,\n  nope'), (e: unknown) => {
        assert.ok(e instanceof SqlError);
        assert.equal(e.code, 'sql-error');
        assert.equal(e.sqlLine, 3);
        assert.match(e.message, /nope/);
        const placed = e.withFile('models/x.sql');
        assert.equal(placed.position?.line, 3);
        assert.match(placed.frame ?? '', /> 3 \|   nope/);
        return true;
      });
    });
  });

  it('the pool lends at most `threads` sessions and queues the rest', async () => {
    const a = await adapter.acquire();
    const b = await adapter.acquire();
    let third = false;
    const c = adapter.acquire().then((s) => {
      third = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(third, false);
    a.release();
    const s3 = await c;
    assert.equal(third, true);
    b.release();
    s3.release();
  });

  it('cancelAll and an AbortSignal interrupt running statements', async () => {
    const slow = 'select count(*) from range(10000000000) t1';
    const s = await adapter.acquire();
    try {
      const p = s.execute(slow);
      setTimeout(() => adapter.cancelAll(), 100);
      await assert.rejects(p, { code: 'cancelled' });
      const ac = new AbortController();
      const q = s.execute(slow, { signal: ac.signal });
      setTimeout(() => ac.abort(), 100);
      await assert.rejects(q, { code: 'cancelled' });
      assert.deepEqual((await s.execute('select 1')).rows, [[1]]);
    } finally {
      s.release();
    }
  });
});

describe('DuckDB profile options', () => {
  const project = tempProject();
  after(() => project.cleanup());

  it(':memory:, settings and attach are honoured', async () => {
    const other = await open(project.dir, { path: 'other.duckdb' }, 1);
    await other.withSession((s) => s.execute('create table side as select 5 as x'));
    await other.close();
    const a = await open(project.dir, {
      path: ':memory:',
      // allow_unsigned_extensions can only be set when the database starts
      settings: { memory_limit: '512MB', default_null_order: 'nulls_first', allow_unsigned_extensions: true },
      attach: [{ path: 'other.duckdb', alias: 'side_db', read_only: true }],
      extensions: ['json'],
    });
    try {
      assert.equal(a.database, 'memory');
      await a.withSession(async (s) => {
        assert.deepEqual((await s.execute("select current_setting('default_null_order')")).rows, [['NULLS_FIRST']]);
        assert.deepEqual((await s.execute("select current_setting('allow_unsigned_extensions')")).rows, [[true]]);
        assert.deepEqual((await s.execute('select x from side_db.main.side')).rows, [[5]]);
        assert.equal((await s.getRelation('side_db', 'main', 'side'))?.type, 'table');
        await assert.rejects(s.execute('create table side_db.main.nope as select 1'), SqlError);
      });
      // settings apply to every pooled connection, not only the first
      const [s1, s2] = [await a.acquire(), await a.acquire()];
      assert.deepEqual((await s2.execute("select current_setting('default_null_order')")).rows, [['NULLS_FIRST']]);
      s1.release();
      s2.release();
    } finally {
      await a.close();
    }
  });

  it('an extension that cannot be loaded is a clear StrataError', async () => {
    await assert.rejects(open(project.dir, { path: ':memory:', extensions: [join(project.dir, 'no_such.duckdb_extension')] }), {
      code: 'extension-unavailable',
    });
  });

  it('bad profile values and unknown types are StrataErrors', async () => {
    await assert.rejects(open(project.dir, { path: 3 }), { code: 'profile-error' });
    await assert.rejects(open(project.dir, { path: ':memory:', settings: { no_such_setting: 1 } }), { code: 'profile-error' });
    await assert.rejects(open(project.dir, { path: ':memory:', settings: { memory_limit: 'lots' } }), { code: 'profile-error' });
    await assert.rejects(open(project.dir, { path: ':memory:', database: 'elsewhere' }), { code: 'profile-error' });
    await assert.rejects(createAdapter({ type: 'oracle', fields: {}, threads: 1 }, { projectDir: project.dir, projectName: 'p' }), { code: 'unknown-adapter' });
  });
});
