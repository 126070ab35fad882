/**
 * The adapter matrix: the end-to-end fixture projects built on DuckDB and on PostgreSQL
 * by the same CLI, and every resulting table compared across the two engines (row sets
 * equal after normalising types). Covers the shop fixture (views, tables, an ephemeral
 * CTE, an incremental merge, hooks; then an incremental run, a full refresh and a failing
 * model that must leave the old relations), the snap fixture (timestamp and check
 * snapshots with hard deletes over several runs) and the jaffle fixture (seed + build).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';
import { bothRows, cli, duckQuery, lastOutput, matrixProject, onBoth, pgRelations, type MatrixProject } from './matrix-helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const ENGINES = ['duck', 'pg'] as const;

async function assertSame(p: MatrixProject, relation: string, columns = '*'): Promise<void> {
  const { duck, pg } = await bothRows(p, relation, columns);
  assert.deepEqual(pg, duck, `${relation}: PostgreSQL and DuckDB differ`);
}

describe('adapter matrix: DuckDB and PostgreSQL build the same tables', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 240_000 }, () => {
  const dbs: PgDatabase[] = [];
  before(async () => {
    for (let i = 0; i < 4; i++) dbs.push(await freshDatabase(`matrix${i}`));
  });
  after(async () => {
    for (const db of dbs) await dropDatabase(db).catch(() => undefined);
  });

  it('shop: run, incremental run, full refresh, and a failure that keeps the old relations', async () => {
    const p = matrixProject(join(FIXTURES, 'run', 'shop'), dbs[0]!);
    // The fixture's hooks use DuckDB's CREATE OR REPLACE TABLE; both engines take drop + create.
    for (const f of [join(p.dir, 'models', 'marts', 'kind_counts.sql'), join(p.dir, 'dbt_project.yml')]) {
      writeFileSync(f, readFileSync(f, 'utf8').replace(/create or replace table (\{\{ target\.schema \}\}\.\w+) as/g, 'drop table if exists $1; create table $1 as'));
    }
    // The fixture dispatches label() for DuckDB only; the port gives PostgreSQL the same macro.
    const label = join(p.dir, 'macros', 'label.sql');
    writeFileSync(label, readFileSync(label, 'utf8') + `{% macro postgres__label(expr) %}upper({{ expr }}) || '!'{% endmacro %}\n`);
    await onBoth(
      p,
      `create schema raw; create table raw.events as select * from (values
         (1, 'click', timestamp '2024-01-01 10:00:00', 5),
         (2, 'view',  timestamp '2024-01-01 11:00:00', 1),
         (3, 'click', timestamp '2024-01-02 09:00:00', 7)) t(id, kind, ts, amount)`,
    );
    for (const t of ENGINES) assert.equal(await cli(p, t, 'run'), 0, `run on ${t}\n${lastOutput}`);
    const relations = await pgRelations(p);
    assert.deepEqual(relations, ['main.post_hook_ran', 'main.run_log', 'main.stg_events', 'main_marts.events_incremental', 'main_marts.kind_counts']);
    // run_log holds each run's own invocation id: compare its shape only.
    for (const r of relations) await assertSame(p, r, r === 'main.run_log' ? 'count(*) as n' : '*');
    assert.deepEqual(await pgQuery(p.pg, 'select kind, label, events::int, amount::int from main_marts.kind_counts order by kind'), [
      ['click', 'CLICK!', 2, 12],
      ['view', 'VIEW!', 1, 1],
    ]);

    await onBoth(p, `insert into raw.events values (4, 'view', timestamp '2024-01-03 08:00:00', 2), (5, 'buy', timestamp '2024-01-03 09:00:00', 30); update raw.events set amount = 100 where id = 1`);
    for (const t of ENGINES) assert.equal(await cli(p, t, 'run', '--select', 'events_incremental'), 0, lastOutput);
    await assertSame(p, 'main_marts.events_incremental');
    assert.deepEqual(await pgQuery(p.pg, 'select id, amount from main_marts.events_incremental order by id'), [[1, 5], [2, 1], [3, 7], [4, 2], [5, 30]]);
    for (const t of ENGINES) assert.equal(await cli(p, t, 'run', '--select', 'events_incremental', '--full-refresh'), 0, lastOutput);
    await assertSame(p, 'main_marts.events_incremental');
    assert.deepEqual(await pgQuery(p.pg, 'select amount from main_marts.events_incremental where id = 1'), [[100]]);

    // A broken staging model: it fails on both, its children are skipped, the old view still answers.
    writeFileSync(join(p.dir, 'models', 'staging', 'stg_events.sql'), 'select id, kind, ts, amount,\n  no_such_column\nfrom {{ source("raw", "events") }}\n');
    for (const t of ENGINES) {
      assert.equal(await cli(p, t, 'run'), 1, `failing run on ${t}\n${lastOutput}`);
      const results = JSON.parse(readFileSync(join(p.dir, 'target', 'run_results.json'), 'utf8'));
      const by = Object.fromEntries(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r]));
      assert.equal(by['model.shop.stg_events'].status, 'error');
      assert.equal(by['model.shop.kind_counts'].status, 'skipped');
      if (t === 'pg') {
        const msg: string = by['model.shop.stg_events'].message;
        assert.match(msg, /column "no_such_column" does not exist/);
        assert.match(msg, /stg_events\.sql:2\b/, 'the compiled SQL path with the error line');
      }
    }
    for (const r of relations) await assertSame(p, r, r === 'main.run_log' ? 'count(*) as n' : '*');
  });

  it('snap: snapshots over several runs, with changes and hard deletes', async () => {
    const p = matrixProject(join(FIXTURES, 'run', 'snap'), dbs[1]!);
    const snap = async () => {
      for (const t of ENGINES) assert.equal(await cli(p, t, 'snapshot'), 0, `snapshot on ${t}\n${lastOutput}`);
    };
    const compare = async () => {
      await assertSame(p, 'snapshots.customers_ts', 'id, name, tier, updated_at, dbt_valid_from, dbt_updated_at, dbt_scd_id, dbt_valid_to is null as current');
      await assertSame(p, 'snapshots.customers_check', `id, region, name, tier, dbt_is_deleted, dbt_valid_to is null as current`);
    };
    await onBoth(p, `create schema raw; create table raw.customers as select * from (values
      (1, 'ann', 'gold', timestamp '2024-01-01'),
      (2, 'bob', 'free', timestamp '2024-01-01')) t(id, name, tier, updated_at)`);
    await snap();
    await compare();
    await onBoth(p, `update raw.customers set tier = 'gold', updated_at = timestamp '2024-02-01' where id = 2; update raw.customers set name = 'anne' where id = 1`);
    await snap();
    await compare();
    await onBoth(p, `delete from raw.customers where id = 2`);
    await snap();
    await snap();
    await compare();
    await onBoth(p, `insert into raw.customers values (2, 'bob', 'gold', timestamp '2024-03-01')`);
    await snap();
    await compare();
    assert.deepEqual(await pgQuery(p.pg, `select count(*)::int from snapshots.customers_check where id = 2`), [[4]]);
    assert.deepEqual(await pgQuery(p.pg, `select count(distinct dbt_scd_id)::int = count(*)::int from snapshots.customers_check`), [[true]]);
    // A key collision fails on both and changes nothing.
    await onBoth(p, `insert into raw.customers values (1, 'ann2', 'gold', timestamp '2024-04-01')`);
    for (const t of ENGINES) assert.equal(await cli(p, t, 'snapshot'), 1, lastOutput);
    await compare();
  });

  it('jaffle: seed and build (models, snapshot, tests) give the same tables', async () => {
    const p = matrixProject(join(FIXTURES, 'projects', 'jaffle'), dbs[2]!);
    // The package's calendar uses DuckDB's range(); the port adds PostgreSQL's generate_series.
    const cal = join(p.dir, 'local_pkgs', 'util_pkg', 'models', 'util_calendar.sql');
    writeFileSync(
      cal,
      `{% if target.type == 'postgres' %}
select cast(d as date) as date_day
from generate_series(cast('{{ var("calendar_start") }}' as timestamp), cast('{{ var("calendar_end") }}' as timestamp) - interval '1 day', interval '1 day') as d
{% else %}${readFileSync(cal, 'utf8')}{% endif %}\n`,
    );
    for (const t of ENGINES) {
      assert.equal(await cli(p, t, 'seed'), 0, `seed on ${t}\n${lastOutput}`);
      assert.equal(await cli(p, t, 'build'), 0, `build on ${t}\n${lastOutput}`);
      const results = JSON.parse(readFileSync(join(p.dir, 'target', 'run_results.json'), 'utf8'));
      assert.ok(results.results.every((r: { status: string }) => ['success', 'pass'].includes(r.status)), `every node passes on ${t}`);
    }
    const relations = await pgRelations(p);
    assert.ok(relations.includes('main.customers'), relations.join(', '));
    assert.ok(relations.some((r) => r.startsWith('snapshots.')), relations.join(', '));
    for (const r of relations) {
      const snapshot = r.startsWith('snapshots.');
      // Snapshot meta columns hold the run's own time; compare the data and the current flag.
      const cols = snapshot ? (await duckQuery(p.duckPath, `select column_name from information_schema.columns where table_schema || '.' || table_name = '${r}' and column_name not like 'dbt_%' order by ordinal_position`)).map((c) => `"${String(c[0])}"`).join(', ') + ', dbt_valid_to is null as current' : '*';
      await assertSame(p, r, r.endsWith('.run_log') ? 'count(*) as n' : cols);
    }
    assert.deepEqual(await pgQuery(p.pg, 'select customer_id::int, number_of_orders::int from main.customers order by customer_id limit 3'), [[1, 2], [2, 1], [3, 3]]);
    // A second seed keeps the tables (rows replaced in one transaction) and a full refresh rebuilds them.
    for (const t of ENGINES) assert.equal(await cli(p, t, 'seed'), 0, lastOutput);
    for (const t of ENGINES) assert.equal(await cli(p, t, 'seed', '--full-refresh'), 0, lastOutput);
    for (const r of relations.filter((x) => /raw_/.test(x))) await assertSame(p, r);
    // The catalog for the docs site, read from PostgreSQL's catalog.
    assert.equal(await cli(p, 'pg', 'docs', 'generate'), 0, lastOutput);
    const catalog = JSON.parse(readFileSync(join(p.dir, 'target', 'catalog.json'), 'utf8'));
    const customers = catalog.nodes['model.jaffle.customers'];
    assert.ok(customers, 'customers is in catalog.json');
    assert.equal(customers.metadata.schema, 'main');
    assert.ok(Object.keys(customers.columns).includes('customer_id'));
  });

  it("dbt's cross-database macros give the same values", async () => {
    const src = mkdtempSync(join(tmpdir(), 'strata-crossdb-'));
    mkdirSync(join(src, 'models'));
    writeFileSync(join(src, 'dbt_project.yml'), `name: crossdb\nversion: '1.0'\nconfig-version: 2\nprofile: crossdb\nmodels:\n  crossdb:\n    +materialized: table\n`);
    const a = "cast('2023-12-30 22:15:10' as timestamp)";
    const b = "cast('2024-03-04 01:02:03' as timestamp)";
    const parts = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
    writeFileSync(
      join(src, 'models', 'macros_out.sql'),
      `select
${parts.map((x) => `  {{ dbt.datediff("${a}", "${b}", "${x}") }} as diff_${x},\n  {{ dbt.datediff("${b}", "${a}", "${x}") }} as back_${x},`).join('\n')}
  cast({{ dbt.dateadd('day', 3, "cast('2024-02-27' as date)") }} as date) as plus_days,
  cast({{ dbt.dateadd('month', -1, "cast('2024-03-31' as date)") }} as date) as minus_month,
  {{ dbt.last_day("cast('2024-02-10' as date)", 'month') }} as last_of_feb,
  cast({{ dbt.date_trunc('month', "cast('2024-02-10' as date)") }} as date) as month_start,
  {{ dbt.split_part("'a,b,c'", "','", 2) }} as second_part,
  {{ dbt.hash("'strata'") }} as hashed,
  {{ dbt.concat(["'a'", "'b'", "'c'"]) }} as joined,
  {{ dbt.position("'c'", "'abc'") }} as pos,
  {{ dbt.right("'abcdef'", 2) }} as right2,
  {{ dbt.length("'abcdef'") }} as len,
  {{ dbt.replace("'aXbX'", "'X'", "'-'") }} as replaced,
  {{ dbt.safe_cast("'12'", dbt.type_int()) }} as casted,
  {{ dbt.cast_bool_to_text('true') }} as bool_text,
  {{ dbt.date(2024, 2, 29) }} as leap_day,
  {{ dbt.string_literal('it') }} as lit,
  (select {{ dbt.listagg('x', "'|'", 'order by x') }} from (select 'b' as x union all select 'a') t) as agg,
  (select {{ dbt.any_value('x') }} from (select 1 as x) t) as anyv,
  (select {{ dbt.bool_or('x > 1') }} from (select 1 as x union all select 2) t) as anyb,
  cast(1.5 as {{ dbt.type_numeric() }}) as num,
  cast('x' as {{ dbt.type_string() }}) as str,
  cast(7 as {{ dbt.type_bigint() }}) as big,
  cast(2.5 as {{ dbt.type_float() }}) as flt,
  cast('2024-01-01 10:00:00' as {{ dbt.type_timestamp() }}) as ts
`,
    );
    writeFileSync(join(src, 'models', 'set_ops.sql'), `select 1 as x union all select 2 {{ dbt.except() }} select 2\n`);
    // The dbt context's catalog functions.
    writeFileSync(
      join(src, 'models', 'introspect.sql'),
      `-- depends_on: {{ ref('set_ops') }} (it looks set_ops up, so it must be built after it)
{% set rel = adapter.get_relation(database=target.database, schema=target.schema, identifier='set_ops') %}
{% set missing = adapter.get_relation(database=target.database, schema=target.schema, identifier='no_such') %}
{% set cols = adapter.get_columns_in_relation(ref('macros_out')) %}
select '{{ rel.identifier if rel else "none" }}' as found, '{{ missing is none }}' as missing_is_none,
  {{ cols | length }} as n_columns, '{{ (cols | map(attribute="name") | list)[:3] | join(",") }}' as first_columns
`,
    );
    const p = matrixProject(src, dbs[3]!);
    for (const t of ENGINES) assert.equal(await cli(p, t, 'run'), 0, `run on ${t}\n${lastOutput}`);
    await assertSame(p, 'main.macros_out');
    await assertSame(p, 'main.set_ops');
    await assertSame(p, 'main.introspect');
    assert.deepEqual(await pgQuery(p.pg, 'select found, missing_is_none, n_columns, first_columns from main.introspect'), [['set_ops', 'True', 39, 'diff_year,back_year,diff_quarter']]);
    const [row] = await pgQuery(p.pg, 'select diff_year::int, diff_month::int, diff_week::int, diff_day::int, diff_hour::int, back_day::int, last_of_feb::text from main.macros_out');
    // weeks as dbt-postgres and dbt-duckdb count them: 9 whole weeks, and Monday comes before Saturday in its week
    assert.deepEqual(row, [1, 3, 10, 65, 1539, -65, '2024-02-29']);
  });
});
