import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter } from '../../src/adapters/adapter.js';
import { SqlError } from '../../src/adapters/sql-error.js';
import { materialize } from '../../src/materializations/index.js';
import { exec, modelContext, openDuckDB, rows, tempProject } from './helpers.js';

describe('view and table materializations on DuckDB', () => {
  const project = tempProject();
  let adapter: Adapter;
  before(async () => {
    adapter = await openDuckDB(project.dir);
    await exec(adapter, 'CREATE TABLE src AS SELECT * FROM (VALUES (1, \'a\'), (2, \'b\')) t(id, v)');
  });
  after(async () => {
    await adapter.close();
    project.cleanup();
  });

  it('builds a view, then replaces it with new SQL', async () => {
    const r = await materialize('view', modelContext(adapter, 'v1', {}, () => 'select id, v from src'));
    assert.equal(r.message, 'CREATE VIEW');
    assert.deepEqual(await rows(adapter, 'select * from v1 order by id'), [[1, 'a'], [2, 'b']]);
    await materialize('view', modelContext(adapter, 'v1', {}, () => 'select id * 10 as id from src'));
    assert.deepEqual(await rows(adapter, 'select * from v1 order by id'), [[10], [20]]);
    const rel = await adapter.withSession((s) => s.getRelation(undefined, 'main', 'v1'));
    assert.equal(rel?.type, 'view');
  });

  it('builds a table with its row count and replaces it atomically', async () => {
    const r = await materialize('table', modelContext(adapter, 't1', {}, () => 'select * from src'));
    assert.equal(r.message, 'SELECT 2');
    assert.equal(r.rowsAffected, 2);
    await exec(adapter, "insert into src values (3, 'c')");
    const r2 = await materialize('table', modelContext(adapter, 't1', {}, () => 'select id, upper(v) as v from src'));
    assert.ok(r2.executedSql.some((s) => /^CREATE TABLE .*__strata_tmp_/.test(s)));
    assert.ok(r2.executedSql.some((s) => /^ALTER TABLE .*__strata_tmp_.* RENAME TO "t1"$/.test(s)));
    assert.deepEqual(await rows(adapter, 'select * from t1 order by id'), [[1, 'A'], [2, 'B'], [3, 'C']]);
    const left = await adapter.withSession((s) => s.listRelations(undefined, 'main', 't1__'));
    assert.deepEqual(left, []);
  });

  it('replaces a view with a table and a table with a view', async () => {
    await materialize('view', modelContext(adapter, 'x1', {}, () => 'select 1 as a'));
    await materialize('table', modelContext(adapter, 'x1', {}, () => 'select 2 as a'));
    assert.equal((await adapter.withSession((s) => s.getRelation(undefined, 'main', 'x1')))?.type, 'table');
    assert.deepEqual(await rows(adapter, 'select * from x1'), [[2]]);
    await materialize('view', modelContext(adapter, 'x1', {}, () => 'select 3 as a'));
    assert.equal((await adapter.withSession((s) => s.getRelation(undefined, 'main', 'x1')))?.type, 'view');
    assert.deepEqual(await rows(adapter, 'select * from x1'), [[3]]);
  });

  it('accepts model SQL ending with a semicolon and a line comment', async () => {
    await materialize('table', modelContext(adapter, 'semicolon_model', {}, () => 'select 1 as a -- the answer\n;\n'));
    assert.deepEqual(await rows(adapter, 'select * from semicolon_model'), [[1]]);
  });

  it('creates a missing custom schema', async () => {
    await materialize('table', modelContext(adapter, 'c1', { schema: 'analytics_staging' }, () => 'select 1 as a'));
    assert.deepEqual(await rows(adapter, 'select * from analytics_staging.c1'), [[1]]);
  });

  it('runs pre- and post-hooks in order around the build', async () => {
    await exec(adapter, 'create table hook_log (step varchar, n bigint)');
    const ctx = modelContext(adapter, 'h1', {}, () => 'select 1 as a', {
      hooks: {
        pre: ["insert into hook_log select 'pre', (select count(*) from duckdb_tables() where table_name = 'h1')"],
        post: ["insert into hook_log select 'post', count(*) from h1"],
      },
    });
    await materialize('table', ctx);
    assert.deepEqual(await rows(adapter, 'select * from hook_log order by step desc'), [['pre', 0], ['post', 1]]);
  });

  it('a failing build leaves the old table and its rows', async () => {
    await materialize('table', modelContext(adapter, 'f1', {}, () => 'select 1 as a union all select 2'));
    await assert.rejects(
      materialize('table', modelContext(adapter, 'f1', {}, () => "select 1 as a union all select 'x'::integer")),
      (e: unknown) => e instanceof SqlError && e.code === 'sql-error' && /Conversion Error/.test(e.message),
    );
    assert.deepEqual(await rows(adapter, 'select * from f1 order by a'), [[1], [2]]);
    const left = await adapter.withSession((s) => s.listRelations(undefined, 'main', 'f1__'));
    assert.deepEqual(left, []);
  });

  it('a failing post-hook rolls back the swap', async () => {
    await materialize('table', modelContext(adapter, 'f2', {}, () => 'select 1 as a'));
    const ctx = modelContext(adapter, 'f2', {}, () => 'select 99 as a', { hooks: { pre: [], post: ['select * from no_such_table'] } });
    await assert.rejects(materialize('table', ctx), SqlError);
    assert.deepEqual(await rows(adapter, 'select * from f2'), [[1]]);
  });

  it('reports the line of a SQL error in the model SQL and its file', async () => {
    const sql = 'select\n  1 as a,\n  no_such_column as b\nfrom src';
    const ctx = modelContext(adapter, 'e1', {}, () => sql);
    ctx.node.compiledPath = 'target/compiled/proj/models/e1.sql';
    await assert.rejects(materialize('table', ctx), (e: unknown) => {
      assert.ok(e instanceof SqlError);
      assert.equal(e.sqlLine, 3);
      assert.equal(e.position?.file, 'target/compiled/proj/models/e1.sql');
      assert.equal(e.position?.line, 3);
      assert.match(e.frame ?? '', /no_such_column/);
      return true;
    });
  });

  it('drops temporary relations left by a killed run, never the real one', async () => {
    await materialize('table', modelContext(adapter, 'k1', {}, () => 'select 1 as a'));
    await exec(adapter, 'create table k1__strata_tmp_deadbeef as select 42 as a; create table k1__strata_tmp_0badf00d_old as select 1 as a; create table k1_other as select 7 as a');
    // Left-overs come from a killed process; this process's relation cache has not seen them.
    adapter.cache.invalidate();
    await materialize('table', modelContext(adapter, 'k1', {}, () => 'select 2 as a'));
    const names = (await adapter.withSession((s) => s.listRelations(undefined, 'main', 'k1'))).map((r) => r.identifier).sort();
    assert.deepEqual(names, ['k1', 'k1_other']);
    assert.deepEqual(await rows(adapter, 'select * from k1'), [[2]]);
  });

  it('retries once when the relation cache is stale (a hook dropped the target)', async () => {
    await materialize('table', modelContext(adapter, 's1', {}, () => 'select 1 as a'));
    await materialize('table', modelContext(adapter, 's2', {}, () => 'select 1 as a'));
    await exec(adapter, 'drop table s1');
    const r = await materialize('table', modelContext(adapter, 's1', {}, () => 'select 5 as a'));
    assert.equal(r.rowsAffected, 1);
    assert.deepEqual(await rows(adapter, 'select * from s1'), [[5]]);
    await exec(adapter, 'create schema s_gone; drop schema s_gone');
    await materialize('table', modelContext(adapter, 's4', { schema: 'gone_schema' }, () => 'select 1 as a'));
    await exec(adapter, 'drop schema gone_schema cascade');
    await materialize('table', modelContext(adapter, 's4', { schema: 'gone_schema' }, () => 'select 4 as a'));
    assert.deepEqual(await rows(adapter, 'select * from gone_schema.s4'), [[4]]);
    await exec(adapter, 'create table s3 as select 0 as a');
    await materialize('view', modelContext(adapter, 's3', {}, () => 'select 6 as a'));
    assert.deepEqual(await rows(adapter, 'select * from s3'), [[6]]);
  });

  it('an aborted build is cancelled and leaves the old table', async () => {
    await materialize('table', modelContext(adapter, 'slow', {}, () => 'select 1 as a'));
    const ac = new AbortController();
    const ctx = modelContext(adapter, 'slow', {}, () => 'select count(*) as a from range(10000000000)', { signal: ac.signal });
    setTimeout(() => ac.abort(), 150);
    await assert.rejects(materialize('table', ctx), { code: 'cancelled' });
    assert.deepEqual(await rows(adapter, 'select * from slow'), [[1]]);
    await materialize('table', modelContext(adapter, 'slow', {}, () => 'select 2 as a'));
    assert.deepEqual(await rows(adapter, 'select * from slow'), [[2]]);
  });

  it('ephemeral builds nothing', async () => {
    const r = await materialize('ephemeral', modelContext(adapter, 'eph', {}, () => 'select 1'));
    assert.deepEqual(r.executedSql, []);
    assert.equal(await adapter.withSession((s) => s.getRelation(undefined, 'main', 'eph')), undefined);
  });

  it('rejects an unknown materialization', async () => {
    await assert.rejects(materialize('nope', modelContext(adapter, 'n', {}, () => 'select 1')), { code: 'unknown-materialization' });
  });
});
