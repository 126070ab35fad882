/**
 * dbt's own macros as projects call them (test/fixtures/run/globals), checked against values
 * worked out by hand: date spines across a month's and a year's end, a series, the columns of a
 * query, relation helpers, `set_sql_header`, hooks inside and outside the build's transaction
 * (models, seeds and snapshots), a project's own incremental strategy and materialization, and a
 * loop filter that reads what earlier iterations set. dbt-core builds the same project in differential.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

test("dbt's global macros build what dbt's build; hooks run where their transaction setting puts them", () =>
  withFixtureProject('globals', 'GLOBALS_DB', async ({ dir, db, strata, output }) => {
    assert.equal(await strata('build'), 0, output());
    const q = (sql: string) => queryDuckDb(db, sql);

    assert.deepEqual((await q('select date_day from main.day_spine order by 1')).map((r) => iso(r[0])), ['2024-01-30', '2024-01-31', '2024-02-01'], 'start included, end excluded');
    assert.deepEqual((await q('select date_month from main.month_spine order by 1')).map((r) => iso(r[0])), ['2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01']);
    assert.deepEqual(await q("select data_type from information_schema.columns where table_name = 'numbers'"), [['BIGINT']]);
    assert.deepEqual((await q('select generated_number from main.numbers order by 1')).map((r) => Number(r[0])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(await q('select column_names, quoted, bits_for_100, days, same, different, intermediate, backup, numbers_exist from main.query_facts'), [
      ['generated_number,id,letter', '"id", "letter"', 7, 60, true, false, 'query_facts__dbt_tmp', 'query_facts__dbt_backup', true],
    ]);
    assert.deepEqual(await q('select answer from main.with_header'), [[42]], 'the header ran in the session that built the table');
    assert.deepEqual(await q('select bits_for_100 from main.loop_filter'), [[7]]);

    // hooks: inside the transaction they see the table being built; outside, before it begins
    // (nothing built yet) and after it commits
    assert.deepEqual(await q('select letter, tens from main.gridded order by letter'), [['a', 10], ['b', 20], ['c', 30]], "the project's own materialization");
    assert.deepEqual(await q("select table_type from information_schema.tables where table_name like 'gridded%'"), [['BASE TABLE']], 'swapped in, nothing left beside it');
    assert.deepEqual(await q('select what, n::int from main.hook_log order by what'), [
      ['gridded after commit', 3],
      ['gridded pre', 0],
      ['hooked after commit', 2],
      ['hooked before begin', 0],
      ['hooked inside', 2],
      ['seed letters', 3],
      ['snapshot after commit', 0],
      ['snapshot post', 3],
      ['snapshot pre', 0],
    ]);

    // the project's own strategy: the first run kept 1..6, the next reads 4..10 and inserts 7..10
    assert.equal(await strata('run', '-s', 'topped_up'), 0, output());
    assert.deepEqual(await q('select n::int, loaded_by from main.topped_up order by n'), [
      ...[1, 2, 3, 4, 5, 6].map((n) => [n, 'run first']),
      ...[7, 8, 9, 10].map((n) => [n, 'run later']),
    ]);
  }));

test('a strategy no macro defines is an error naming the macro to write; a strategy macro that returns nothing too', () =>
  withFixtureProject('globals', 'GLOBALS_DB', async ({ dir, strata, output }) => {
    assert.equal(await strata('run', '-s', 'numbers', 'topped_up'), 0, output());
    writeFileSync(join(dir, 'models', 'topped_up.sql'), "{{ config(materialized='incremental', incremental_strategy='insert_overwrite') }}\nselect 1 as n");
    assert.equal(await strata('run', '-s', 'topped_up'), 1);
    assert.match(output(), /unknown incremental_strategy "insert_overwrite"/);
    assert.match(output(), /define a macro get_incremental_insert_overwrite_sql\(arg_dict\)/);

    writeFileSync(join(dir, 'macros', 'empty.sql'), '{% macro get_incremental_nothing_sql(arg_dict) %}{% endmacro %}');
    writeFileSync(join(dir, 'models', 'topped_up.sql'), "{{ config(materialized='incremental', incremental_strategy='nothing') }}\nselect 1 as n, 'x' as loaded_by");
    assert.equal(await strata('run', '-s', 'topped_up'), 1);
    assert.match(output(), /the macro get_incremental_nothing_sql \(macros\/empty\.sql:1\) returned no SQL/);
  }));

test("a strategy macro's queries run on the build's session: it can read the staged rows, as in dbt", () =>
  withFixtureProject('globals', 'GLOBALS_DB', async ({ dir, db, strata, output }) => {
    writeFileSync(join(dir, 'macros', 'counted.sql'), `{% macro get_incremental_counted_sql(arg_dict) %}
  {%- set staged = run_query('select count(*) from ' ~ arg_dict['temp_relation']).columns[0].values()[0] -%}
  {%- set columns = adapter.get_columns_in_relation(arg_dict['temp_relation']) | map(attribute='name') | join(',') -%}
  insert into {{ arg_dict['target_relation'] }} select n, '{{ columns }}:{{ staged }}' from {{ arg_dict['temp_relation'] }}
{% endmacro %}`);
    writeFileSync(join(dir, 'models', 'counted_batches.sql'), "{{ config(materialized='incremental', incremental_strategy='counted') }}\nselect n, 'first' as note from range(3) as t(n)");
    assert.equal(await strata('run', '-s', 'counted_batches'), 0, output());
    writeFileSync(join(dir, 'models', 'counted_batches.sql'), "{{ config(materialized='incremental', incremental_strategy='counted') }}\nselect n, 'later' as note from range(10, 12) as t(n)");
    assert.equal(await strata('run', '-s', 'counted_batches'), 0, output());
    assert.deepEqual(await queryDuckDb(db, 'select n::int, note from main.counted_batches order by n'), [[0, 'first'], [1, 'first'], [2, 'first'], [10, 'n,note:2'], [11, 'n,note:2']]);
  }));

test('refs in hooks are seen while parsing; a ref that parsing cannot see is an error with the line to add, as in dbt', () =>
  withFixtureProject('globals', 'GLOBALS_DB', async ({ dir, db, strata, output }) => {
    writeFileSync(join(dir, 'models', 'counted.sql'), `{{ config(post_hook="insert into main.hook_log select 'counted', count(*) from {{ ref('numbers') }}") }}\nselect 1 as x`);
    assert.equal(await strata('parse'), 0, output());
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: { nodes: string[] } }> };
    assert.deepEqual(manifest.nodes['model.globals.counted']!.depends_on.nodes, ['model.globals.numbers'], "the hook's ref orders counted after numbers");
    assert.equal(await strata('run', '-s', 'counted', 'numbers'), 0, output());
    assert.deepEqual(await queryDuckDb(db, "select n::int from main.hook_log where what = 'counted'"), [[10]]);

    writeFileSync(join(dir, 'models', 'selfie.sql'), `{{ config(post_hook="select count(*) from {{ ref('selfie') }}") }}\nselect 1 as x`);
    assert.equal(await strata('parse'), 2);
    assert.match(output(), /Found a cycle \(each node depends on the next\): model\.globals\.selfie -> model\.globals\.selfie/);
    assert.match(output(), /a ref\(\) in a pre- or post-hook counts too/);
    rmSync(join(dir, 'models', 'selfie.sql'));

    writeFileSync(join(dir, 'models', 'sneaky.sql'), `{% if execute %}select * from {{ ref('numbers') }}{% else %}select 1 as generated_number{% endif %}`);
    assert.equal(await strata('run', '-s', 'sneaky'), 1);
    assert.match(output(), /model sneaky refers to 'numbers' only when it runs/);
    assert.match(output(), /-- depends_on: \{\{ ref\('numbers'\) \}\}/);
  }));

test('a materialization of the project\'s own must return what it built; its SQL errors name the model', () =>
  withFixtureProject('globals', 'GLOBALS_DB', async ({ dir, db, strata, output }) => {
    writeFileSync(join(dir, 'macros', 'forgetful.sql'), `{% materialization forgetful, adapter='duckdb' %}\n{% call statement('main') %}create table {{ this }} as {{ sql }}{% endcall %}\n{% endmaterialization %}`);
    writeFileSync(join(dir, 'models', 'forgot.sql'), "{{ config(materialized='forgetful') }}\nselect 1 as x");
    assert.equal(await strata('run', '-s', 'forgot'), 1);
    assert.match(output(), /The materialization forgetful \(macros\/forgetful\.sql:1\) did not return the relations it built/);
    assert.deepEqual(await queryDuckDb(db, "select count(*)::int from information_schema.tables where table_name = 'forgot'"), [[0]], 'what it did was rolled back');
    writeFileSync(join(dir, 'models', 'forgot.sql'), "{{ config(materialized='grid') }}\nselect nonsense from nowhere");
    assert.equal(await strata('run', '-s', 'forgot'), 1);
    assert.match(output(), /Database error in model forgot/);
    assert.match(output(), /nowhere/);
  }));
