/**
 * run_query and load_result(...).table on a real DuckDB, through the CLI, used as packages use
 * them (dbt_utils' get_relations_by_pattern, get_query_results_as_dict, get_single_value):
 * iterating the table's rows and reading their columns by name, columns.items() with
 * column.values(), a first value returned from a macro; values print as dbt prints them
 * (DECIMAL with its scale, TIMESTAMP and DATE as Python's datetime and date, DOUBLE as a float,
 * booleans True/False, NULL None), and an empty table is false.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';

async function cli(dir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, text: chunks.join('') };
}

const MACROS = `
{% macro relations_named_like(pattern) %}
  {%- call statement('tables', fetch_result=True) -%}
    select table_schema, table_name from information_schema.tables where table_name like '{{ pattern }}' order by table_name
  {%- endcall -%}
  {%- set found = load_result('tables') -%}
  {%- set relations = [] -%}
  {%- if found and found['table'] -%}
    {%- for row in found['table'] -%}
      {%- do relations.append(api.Relation.create(database=target.database, schema=row.table_schema, identifier=row['table_name'])) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(relations) }}
{% endmacro %}

{% macro results_as_dict(query) %}
  {%- call statement('results', fetch_result=True, auto_begin=false) -%}{{ query }}{%- endcall -%}
  {%- set out = {} -%}
  {%- if execute -%}
    {%- for name, column in load_result('results').table.columns.items() -%}
      {%- do out.update({name: column.values()}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(out) }}
{% endmacro %}

{% macro single_value(query) %}
  {%- call statement('single', fetch_result=True, auto_begin=false) -%}{{ query }}{%- endcall -%}
  {%- if execute -%}{% do return(load_result('single').table.columns[0].values()[0]) %}{%- endif -%}
  {% do return(none) %}
{% endmacro %}
`;

const RESULTS = `
{{ config(materialized='table') }}
-- depends_on: {{ ref('base_a') }} {{ ref('base_b') }}
{% if execute -%}
  {%- set rels = relations_named_like('base_%') -%}
  {%- set d = results_as_dict("select 'x' as k, 1 as v union all select 'y', 2 order by 1") -%}
  {%- set q = run_query("select 'a' as k, 1 as v, 1.5::decimal(10,2) as d, 1.0::double as f, true as b, null::integer as n, date '2017-01-02' as dt, timestamp '2017-01-01 10:11:12' as ts") -%}
  {%- set row = q.rows[0] -%}
  {%- set empty = run_query("select 1 as x where false") -%}
  {%- set stamps = run_query("select timestamp '2024-01-01 10:00:00.123456' as ts, timestamptz '2024-01-01 10:00:00.000654+00' as tz, timestamp '1969-12-31 23:59:59.999999' as before_epoch").rows[0] -%}
{%- endif %}
select
  '{{ rels | join(",") if execute }}' as relations,
  '{{ d["k"] | join(",") if execute }}/{{ d["v"] | sum if execute }}' as as_dict,
  '{{ single_value("select 1.50::decimal(10,2)") }}' as single,
  '{{ row.k if execute }}|{{ row["v"] if execute }}|{{ row[2] if execute }}|{{ row.f if execute }}|{{ row.b if execute }}|{{ row.n if execute }}' as values_by_name,
  '{{ row.dt if execute }}|{{ row.ts if execute }}|{{ row.ts.year if execute }}|{{ (row.ts + modules.datetime.timedelta(days=1)).strftime("%Y-%m-%d") if execute }}' as dates,
  '{% if execute %}{% for r in q %}{{ r.k }}{% endfor %}|{{ q.columns["v"].values() }}|{{ q.column_names | length }}|{{ q | length }}{% endif %}' as table_shape,
  '{{ ("empty" if not empty else "rows") if execute }}|{{ (row.keys() | join(",")) if execute }}' as misc,
  '{{ stamps.ts if execute }}|{{ stamps.ts.microsecond if execute }}|{{ stamps.tz if execute }}|{{ stamps.before_epoch if execute }}' as microseconds
`;

test('query results read as dbt reads them: rows by column name, columns as dicts, Python values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-results-'));
  const file = (rel: string, text: string) => (mkdirSync(join(dir, rel, '..'), { recursive: true }), writeFileSync(join(dir, rel), text));
  const db = join(dir, 'results.duckdb');
  file('dbt_project.yml', "name: results\nversion: '1.0.0'\nconfig-version: 2\nprofile: results\n");
  file('profiles.yml', `results:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(db)}\n`);
  file('macros/results.sql', MACROS);
  file('models/base_a.sql', "{{ config(materialized='table') }}\nselect 1 as id\n");
  file('models/base_b.sql', "{{ config(materialized='table') }}\nselect 2 as id\n");
  file('models/summary.sql', RESULTS);

  const r = await cli(dir, 'run');
  assert.equal(r.code, 0, r.text);
  const [row] = await queryDuckDb(db, 'select relations, as_dict, single, values_by_name, dates, table_shape, misc, microseconds from main.summary');
  assert.deepEqual(row, [
    '"results"."main"."base_a","results"."main"."base_b"',
    'x,y/3',
    '1.50',
    'a|1|1.50|1.0|True|None',
    '2017-01-02|2017-01-01 10:11:12|2017|2017-01-02',
    "a|(1,)|8|1",
    'empty|k,v,d,f,b,n,dt,ts',
    // a timestamp keeps its microseconds, as dbt's datetime does (a watermark read back must be exact)
    '2024-01-01 10:00:00.123456|123456|2024-01-01 10:00:00.000654+00:00|1969-12-31 23:59:59.999999',
  ]);
});
