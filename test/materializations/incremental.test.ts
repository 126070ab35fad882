import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter } from '../../src/adapters/adapter.js';
import { SqlError } from '../../src/adapters/sql-error.js';
import { materialize } from '../../src/materializations/index.js';
import { exec, modelContext, openDuckDB, rows, tempProject, type RenderCall } from './helpers.js';

/** A model over table `src_<name>` that selects only rows newer than the target's max id when incremental. */
function upsertModel(src: string, target: string) {
  return (c: RenderCall) => `select * from ${src}${c.isIncremental ? ` where updated >= (select max(updated) from ${target})` : ''}`;
}

describe('incremental materialization on DuckDB', () => {
  const project = tempProject();
  let adapter: Adapter;
  before(async () => {
    adapter = await openDuckDB(project.dir);
  });
  after(async () => {
    await adapter.close();
    project.cleanup();
  });

  it('append: first run builds, later runs insert; is_incremental as dbt', async () => {
    await exec(adapter, 'create table src_a as select * from (values (1, 10), (2, 20)) t(id, updated)');
    const ctx = () => modelContext(adapter, 'inc_a', { materialized: 'incremental', incremental_strategy: 'append' }, (c) =>
      `select * from src_a${c.isIncremental ? ' where updated > (select max(updated) from inc_a)' : ''}`);
    const first = ctx();
    const r1 = await materialize('incremental', first);
    assert.deepEqual(first.calls.map((c) => c.isIncremental), [false]);
    assert.equal(r1.rowsAffected, 2);
    await exec(adapter, 'insert into src_a values (3, 30), (4, 40)');
    const second = ctx();
    const r2 = await materialize('incremental', second);
    assert.deepEqual(second.calls.map((c) => c.isIncremental), [true]);
    assert.equal(r2.message, 'INSERT 2');
    assert.deepEqual(await rows(adapter, 'select * from inc_a order by id'), [[1, 10], [2, 20], [3, 30], [4, 40]]);
  });

  it('merge on a single unique_key updates matched rows and inserts the rest', async () => {
    await exec(adapter, "create table src_m as select * from (values (1, 'a', 1), (2, 'b', 1)) t(id, v, updated)");
    const ctx = () => modelContext(adapter, 'inc_m', { incremental_strategy: 'merge', unique_key: 'id' }, upsertModel('src_m', 'inc_m'));
    await materialize('incremental', ctx());
    await exec(adapter, "update src_m set v = 'B', updated = 2 where id = 2; insert into src_m values (3, 'c', 2)");
    const r = await materialize('incremental', ctx());
    assert.equal(r.message, 'MERGE 3'); // ids 1 and 2 updated (>= max), id 3 inserted
    assert.ok(r.executedSql.some((s) => /^MERGE INTO/.test(s)));
    assert.deepEqual(await rows(adapter, 'select id, v from inc_m order by id'), [[1, 'a'], [2, 'B'], [3, 'c']]);
  });

  it('merge and delete+insert on a unique_key list', async () => {
    for (const strategy of ['merge', 'delete+insert']) {
      const name = strategy === 'merge' ? 'inc_ml' : 'inc_dl';
      await exec(adapter, `create or replace table src_${name} as select * from (values (1, 'x', 10, 1), (1, 'y', 20, 1), (2, 'x', 30, 1)) t(a, b, amount, updated)`);
      const ctx = () => modelContext(adapter, name, { incremental_strategy: strategy, unique_key: ['a', 'b'] }, upsertModel(`src_${name}`, name));
      await materialize('incremental', ctx());
      await exec(adapter, `update src_${name} set amount = 21, updated = 2 where a = 1 and b = 'y'; insert into src_${name} values (2, 'y', 40, 2)`);
      await materialize('incremental', ctx());
      assert.deepEqual(await rows(adapter, `select a, b, amount from ${name} order by a, b`), [[1, 'x', 10], [1, 'y', 21], [2, 'x', 30], [2, 'y', 40]], strategy);
    }
  });

  it('delete+insert replaces every target row of a key (not only one)', async () => {
    await exec(adapter, "create table src_d as select * from (values (1, 'a', 1), (1, 'b', 1), (2, 'c', 1)) t(k, v, updated)");
    const ctx = () => modelContext(adapter, 'inc_d', { incremental_strategy: 'delete+insert', unique_key: 'k' }, upsertModel('src_d', 'inc_d'));
    await materialize('incremental', ctx());
    await exec(adapter, "delete from src_d where k = 1; insert into src_d values (1, 'z', 2)");
    const r = await materialize('incremental', ctx());
    assert.equal(r.message, 'INSERT 2');
    assert.deepEqual(await rows(adapter, 'select k, v from inc_d order by k, v'), [[1, 'z'], [2, 'c']]);
  });

  it('the default strategy is delete+insert with a unique_key and append without', async () => {
    await exec(adapter, 'create table src_def as select * from (values (1, 1)) t(id, updated)');
    const r0 = modelContext(adapter, 'inc_def', { unique_key: 'id' }, () => 'select * from src_def');
    await materialize('incremental', r0);
    const r = await materialize('incremental', modelContext(adapter, 'inc_def', { unique_key: 'id' }, () => 'select * from src_def'));
    assert.ok(r.executedSql.some((s) => /^DELETE FROM/.test(s)));
    assert.deepEqual(await rows(adapter, 'select * from inc_def'), [[1, 1]]);
  });

  it('incremental_predicates narrow the delete and the merge', async () => {
    for (const strategy of ['merge', 'delete+insert']) {
      const name = strategy === 'merge' ? 'inc_pm' : 'inc_pd';
      await exec(adapter, `create table src_${name} as select * from (values (1, 'old', 2020), (2, 'old', 2024)) t(id, v, yr)`);
      await materialize('incremental', modelContext(adapter, name, { incremental_strategy: strategy, unique_key: 'id' }, () => `select * from src_${name}`));
      await exec(adapter, `update src_${name} set v = 'new'`);
      const ctx = modelContext(
        adapter,
        name,
        { incremental_strategy: strategy, unique_key: 'id', incremental_predicates: ['DBT_INTERNAL_DEST.yr >= 2024'] },
        (c) => `select * from src_${name}${c.isIncremental ? ' where yr >= 2024' : ''}`,
      );
      await materialize('incremental', ctx);
      // Only the 2024 row is replaced; the 2020 row is outside the predicate and untouched.
      assert.deepEqual(await rows(adapter, `select id, v from ${name} order by id`), [[1, 'old'], [2, 'new']], strategy);
    }
  });

  it('full refresh: the flag rebuilds, the full_refresh: false config wins over it', async () => {
    await exec(adapter, 'create table src_fr as select * from (values (1), (2)) t(id)');
    const mk = (config: Record<string, unknown>, fullRefresh: boolean) =>
      modelContext(adapter, 'inc_fr', { incremental_strategy: 'append', ...config }, (c) => `select * from src_fr${c.isIncremental ? ' where false' : ''}`, { fullRefresh });
    await materialize('incremental', mk({}, false));
    await exec(adapter, 'delete from src_fr where id = 1');
    const guarded = mk({ full_refresh: false }, true);
    await materialize('incremental', guarded);
    assert.deepEqual(guarded.calls.map((c) => c.isIncremental), [true]);
    assert.deepEqual(await rows(adapter, 'select * from inc_fr order by id'), [[1], [2]]);
    const full = mk({}, true);
    await materialize('incremental', full);
    assert.deepEqual(full.calls.map((c) => c.isIncremental), [false]);
    assert.deepEqual(await rows(adapter, 'select * from inc_fr order by id'), [[2]]);
    const forced = mk({ full_refresh: true }, false);
    await materialize('incremental', forced);
    assert.deepEqual(forced.calls.map((c) => c.isIncremental), [false]);
  });

  it('a view in the way is replaced by a table and is_incremental is false', async () => {
    await materialize('view', modelContext(adapter, 'inc_v', {}, () => 'select 1 as id'));
    const ctx = modelContext(adapter, 'inc_v', { incremental_strategy: 'append' }, () => 'select 2 as id');
    await materialize('incremental', ctx);
    assert.deepEqual(ctx.calls.map((c) => c.isIncremental), [false]);
    assert.equal((await adapter.withSession((s) => s.getRelation(undefined, 'main', 'inc_v')))?.type, 'table');
    assert.deepEqual(await rows(adapter, 'select * from inc_v'), [[2]]);
  });

  describe('on_schema_change', () => {
    async function setup(name: string, mode: string): Promise<(sql: string) => Promise<unknown>> {
      await materialize('incremental', modelContext(adapter, name, { incremental_strategy: 'append', on_schema_change: mode }, () => "select 1 as id, 'a' as keep, 'x' as gone, 1 as n"));
      return (sql: string) => materialize('incremental', modelContext(adapter, name, { incremental_strategy: 'append', on_schema_change: mode }, () => sql));
    }
    const changed = "select 2 as id, 'b' as keep, 2.5::double as n, 'new' as added";

    it('ignore: new columns dropped, a missing column fails in the engine', async () => {
      const run = await setup('osc_i', 'ignore');
      await run("select 2 as id, 'b' as keep, 'y' as gone, 2 as n, 'new' as added");
      assert.deepEqual(await rows(adapter, 'select * from osc_i order by id'), [[1, 'a', 'x', 1], [2, 'b', 'y', 2]]);
      await assert.rejects(run(changed), SqlError);
      assert.equal((await rows(adapter, 'select count(*) from osc_i'))[0]![0], 2);
    });

    it('fail: a StrataError naming the columns, the table untouched', async () => {
      const run = await setup('osc_f', 'fail');
      await assert.rejects(run(changed), (e: unknown) => {
        assert.equal((e as { code?: string }).code, 'schema-change');
        assert.match((e as Error).message, /added VARCHAR/);
        assert.match((e as Error).message, /gone/);
        assert.match((e as Error).message, /n INTEGER → DOUBLE/);
        return true;
      });
      assert.deepEqual(await rows(adapter, 'select * from osc_f'), [[1, 'a', 'x', 1]]);
    });

    it('append_new_columns: adds new columns, keeps removed ones as NULL', async () => {
      const run = await setup('osc_a', 'append_new_columns');
      await run(changed);
      const cols = await adapter.withSession((s) => s.getColumns(adapter.relation({ identifier: 'osc_a' })));
      assert.deepEqual(cols.map((c) => [c.name, c.type]), [['id', 'INTEGER'], ['keep', 'VARCHAR'], ['gone', 'VARCHAR'], ['n', 'INTEGER'], ['added', 'VARCHAR']]);
      assert.deepEqual(await rows(adapter, 'select * from osc_a order by id'), [[1, 'a', 'x', 1, null], [2, 'b', null, 2, 'new']] /* 2.5 cast to INTEGER rounds to even */);
    });

    it('sync_all_columns: adds, drops and retypes', async () => {
      const run = await setup('osc_s', 'sync_all_columns');
      await run(changed);
      const cols = await adapter.withSession((s) => s.getColumns(adapter.relation({ identifier: 'osc_s' })));
      assert.deepEqual(cols.map((c) => [c.name, c.type]), [['id', 'INTEGER'], ['keep', 'VARCHAR'], ['n', 'DOUBLE'], ['added', 'VARCHAR']]);
      assert.deepEqual(await rows(adapter, 'select * from osc_s order by id'), [[1, 'a', 1, null], [2, 'b', 2.5, 'new']]);
    });

    it('an error after the schema change rolls the change back too', async () => {
      const run = await setup('osc_r', 'sync_all_columns');
      const ctx = modelContext(adapter, 'osc_r', { incremental_strategy: 'append', on_schema_change: 'sync_all_columns' }, () => changed, {
        hooks: { pre: [], post: ['select error(\'post hook failed\')'] },
      });
      await assert.rejects(materialize('incremental', ctx), SqlError);
      const cols = await adapter.withSession((s) => s.getColumns(adapter.relation({ identifier: 'osc_r' })));
      assert.deepEqual(cols.map((c) => c.name), ['id', 'keep', 'gone', 'n']);
      assert.deepEqual(await rows(adapter, 'select * from osc_r'), [[1, 'a', 'x', 1]]);
    });
  });

  it('a failing incremental run leaves the table as it was', async () => {
    await exec(adapter, 'create table src_fail as select * from (values (1), (2)) t(id)');
    await materialize('incremental', modelContext(adapter, 'inc_fail', { unique_key: 'id' }, () => 'select * from src_fail'));
    await exec(adapter, 'insert into src_fail values (3)');
    // The delete runs, then the insert fails on a cast: the delete must be rolled back.
    const bad = modelContext(adapter, 'inc_fail', { unique_key: 'id' }, () => "select id, case when id = 3 then 'boom' else null end::varchar as oops from src_fail");
    bad.hooks.post.push("select error('late failure')");
    await assert.rejects(materialize('incremental', bad));
    assert.deepEqual(await rows(adapter, 'select * from inc_fail order by id'), [[1], [2]]);
  });
});
