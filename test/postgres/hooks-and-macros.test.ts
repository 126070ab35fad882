/**
 * On PostgreSQL, where some statements cannot run inside a transaction: a model's
 * `after_commit("vacuum analyze …")` and a snapshot's `{sql: vacuum, transaction: false}` run after
 * the build commits (inside it PostgreSQL refuses them), a seed's post-hook runs inside; dbt's
 * series, date spine and query-columns macros give the values worked out by hand; a project's own
 * incremental strategy runs on an incremental build, and its own materialization (Jinja) builds and
 * rebuilds a model; and `set_sql_header` sets a session setting the model's query reads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeFiles } from '../helpers/files.js';
import { SKIP_POSTGRES, dropDatabase, exportPgEnv, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

const FILES: Record<string, string> = {
  'dbt_project.yml': `name: hooks_pg
version: '1.0.0'
profile: hooks_pg
on-run-start:
  - "create schema if not exists {{ target.schema }}"
  - "create table if not exists {{ target.schema }}.hook_log (what text, n bigint)"
models:
  hooks_pg:
    +materialized: table
seeds:
  hooks_pg:
    +post-hook: "insert into {{ target.schema }}.hook_log select 'seed', count(*) from {{ this }}"
snapshots:
  hooks_pg:
    +post-hook:
      - sql: "vacuum {{ this }}"
        transaction: false
`,
  'profiles.yml': `hooks_pg:
  target: dev
  outputs:
    dev:
      type: postgres
      threads: 2
      host: "{{ env_var('PGHOST') }}"
      port: "{{ env_var('PGPORT') | as_number }}"
      user: "{{ env_var('PGUSER') }}"
      dbname: "{{ env_var('PGDATABASE') }}"
      schema: analytics
`,
  'seeds/letters.csv': 'id,letter\n1,a\n2,b\n3,c\n',
  'snapshots/letters_history.sql': `{% snapshot letters_history %}
{{ config(unique_key='id', strategy='check', check_cols=['letter'], target_schema='analytics') }}
select * from {{ ref('letters') }}
{% endsnapshot %}
`,
  'models/vacuumed.sql': `{{ config(post_hook=after_commit("vacuum analyze {{ this }}"), pre_hook=before_begin("insert into {{ target.schema }}.hook_log values ('before', 0)")) }}
select * from {{ ref('letters') }}
`,
  // an ephemeral model with capitals: its CTE is named bare where it is defined and where it is
  // read, as dbt writes both (quoted in one place only, PostgreSQL would not find it)
  'models/Upper_Eph.sql': `{{ config(materialized='ephemeral') }}
select 7 as seven
`,
  'models/from_eph.sql': `select seven from {{ ref('Upper_Eph') }}
`,
  'models/spine.sql': `{{ dbt.date_spine('day', "cast('2023-12-30' as date)", "cast('2024-01-02' as date)") }}`,
  'models/numbers.sql': `{{ dbt.generate_series(5) }}`,
  'models/facts.sql': `-- depends_on: {{ ref('numbers') }}
{% set names = get_columns_in_query('select * from ' ~ ref('numbers')) if execute else [] %}
select '{{ names | join(",") }}' as names, {{ dbt.equals('1', '1') }} as same
`,
  'models/with_header.sql': `{% call set_sql_header(config) %}set local statement_timeout = '123s';{% endcall %}
select current_setting('statement_timeout') as timeout
`,
  'models/topped_up.sql': `{{ config(materialized='incremental', incremental_strategy='insert_missing', unique_key='generated_number') }}
select * from {{ ref('numbers') }} {% if not is_incremental() %} where generated_number <= 2 {% endif %}
`,
  'macros/grid.sql': readFileSync(join(import.meta.dirname, '..', 'fixtures', 'run', 'globals', 'macros', 'grid.sql'), 'utf8'),
  'models/gridded.sql': `{{ config(materialized='grid', post_hook=after_commit("vacuum analyze {{ this }}"), indexes=[{'columns': ['letter'], 'unique': True}, {'columns': ['tens'], 'type': 'brin'}]) }}
select letter, id * 10 as tens from {{ ref('letters') }}
`,
  'macros/strategies.sql': `{% macro get_incremental_insert_missing_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} ({{ get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) }})
  select * from {{ arg_dict['temp_relation'] }} s
  where s.generated_number not in (select generated_number from {{ arg_dict['target_relation'] }})
{% endmacro %}
`,
};

describe('hooks outside the transaction and dbt macros on PostgreSQL', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 120_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  const cli = (...a: string[]) => main([...a, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: process.stderr, err: process.stderr });
  const q = (sql: string) => pgQuery(db, sql);

  before(async () => {
    db = await freshDatabase('hooks');
    exportPgEnv(db);
    dir = mkdtempSync(join(tmpdir(), 'strata-pg-hooks-'));
    writeFiles(dir, FILES);
  });
  after(async () => {
    if (db) await dropDatabase(db).catch(() => undefined);
  });

  it('builds, with vacuum after commit, and the macros give the values worked out by hand', async () => {
    assert.equal(await cli('build'), 0);
    assert.deepEqual(await q(`select what, n::int from analytics.hook_log order by what`), [['before', 0], ['seed', 3]]);
    // vacuum analyze ran: PostgreSQL counts it
    assert.deepEqual(await q(`select vacuum_count > 0 or autovacuum_count > 0, analyze_count > 0 or autoanalyze_count > 0 from pg_stat_user_tables where relname = 'vacuumed'`), [[true, true]]);
    assert.deepEqual(await q(`select vacuum_count > 0 or autovacuum_count > 0 from pg_stat_user_tables where relname = 'letters_history'`), [[true]]);
    assert.deepEqual(await q(`select to_char(date_day, 'YYYY-MM-DD') from analytics.spine order by 1`), [['2023-12-30'], ['2023-12-31'], ['2024-01-01']]);
    assert.deepEqual(await q(`select generated_number::int from analytics.numbers order by 1`), [[1], [2], [3], [4], [5]]);
    assert.deepEqual(await q(`select names, same from analytics.facts`), [['generated_number', true]]);
    assert.deepEqual(await q(`select seven from analytics.from_eph`), [[7]]);
    assert.deepEqual(await q(`select timeout from analytics.with_header`), [['123s']]);
    assert.deepEqual(await q(`select letter, tens::int from analytics.gridded order by 1`), [['a', 10], ['b', 20], ['c', 30]]);
    assert.deepEqual(await q(`select vacuum_count > 0 or autovacuum_count > 0 from pg_stat_user_tables where relname = 'gridded'`), [[true]]);
    assert.deepEqual(
      (await q(`select indexdef from pg_indexes where tablename = 'gridded'`)).map((r) => String(r[0]).replace(/INDEX "?\w+"? ON/, 'INDEX ON')).sort(),
      ['CREATE INDEX ON analytics.gridded USING brin (tens)', 'CREATE UNIQUE INDEX ON analytics.gridded USING btree (letter)'],
      "the materialization's create_indexes",
    );
    assert.equal(await cli('run', '-s', 'topped_up', 'gridded'), 0);
    assert.deepEqual(await q(`select count(*)::int from pg_tables where tablename like 'gridded%'`), [[1]], 'the materialization swapped its table in');
    assert.deepEqual(await q(`select generated_number::int from analytics.topped_up order by 1`), [[1], [2], [3], [4], [5]]);
  });
});
