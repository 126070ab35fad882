/**
 * The half of the dbt context that needs the database, through the CLI on DuckDB:
 * adapter.get_columns_in_relation, run_query (columns, rows), statement blocks with
 * load_result, adapter.get_relation, run_started_at; and run-operation with --args.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

test('models query the warehouse while rendering; run-operation calls a macro with arguments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-ctx-'));
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'run', 'ctx'), dir, { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const db = join(dir, 'target', 'ctx.duckdb');
  process.env.CTX_DB = db;
  const r = await cli(dir, 'run');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await queryDuckDb(db, 'select column_names, letters, row_count::int, top_id::int, base_is_table, run_year from main.introspected'), [
    ['id,letter', 'abc', 3, 3, true, String(new Date().getUTCFullYear())],
  ]);
  const op = await cli(dir, 'run-operation', 'count_rows', '--args', '{table_name: base}');
  assert.equal(op.code, 0, op.text);
  assert.match(op.text, /rows in base: 3/);
  const json = await cli(dir, 'run', '--select', 'base', '--log-format', 'json');
  assert.equal(json.code, 0);
  const events = json.text.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; status?: string });
  assert.ok(events.some((e) => e.event === 'node_finished' && e.status === 'success'), 'one JSON object per event');
});

test('compile opens the database when a macro asks it something, and renders is_incremental() as the next run will', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-compile-'));
  const file = (rel: string, text: string) => (mkdirSync(join(dir, rel, '..'), { recursive: true }), writeFileSync(join(dir, rel), text));
  file('dbt_project.yml', "name: comp\nversion: '1.0.0'\nconfig-version: 2\nprofile: comp\n");
  file('profiles.yml', `comp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'comp.duckdb'))}\n`);
  // The model's own code never names the database: only the macro it calls does.
  file('macros/base_width.sql', [
    '{% macro base_width() %}',
    "  {%- set rel = adapter.get_relation(database=this.database, schema=this.schema, identifier='base') -%}",
    '  {{- 0 if rel is none else adapter.get_columns_in_relation(rel) | length -}}',
    '{% endmacro %}',
  ].join('\n'));
  file('models/base.sql', "{{ config(materialized='table') }}\nselect 1 as id, 'a' as letter\n");
  file('models/inc.sql', [
    "{{ config(materialized='incremental') }}",
    "select id, {{ base_width() }} as base_width from {{ ref('base') }}",
    '{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}',
  ].join('\n'));
  const compiled = () => readFileSync(join(dir, 'target', 'compiled', 'comp', 'models', 'inc.sql'), 'utf8');

  const before = await cli(dir, 'compile');
  assert.equal(before.code, 0, before.text);
  assert.match(compiled(), /select id, 0 as base_width/);
  assert.doesNotMatch(compiled(), /max\(id\)/, 'nothing is built yet: not incremental');

  const run = await cli(dir, 'run');
  assert.equal(run.code, 0, run.text);
  const after = await cli(dir, 'compile');
  assert.equal(after.code, 0, after.text);
  assert.match(compiled(), /select id, 2 as base_width/);
  assert.match(compiled(), /where id > \(select max\(id\) from "comp"\."main"\."inc"\)/, 'the table exists: the incremental branch, as dbt compiles it');

  const full = await cli(dir, 'compile', '--full-refresh');
  assert.equal(full.code, 0, full.text);
  assert.doesNotMatch(compiled(), /max\(id\)/, '--full-refresh compiles the full build');
});

test("a var the project lacks is None while parsing, as in dbt: the models that do not need it build, and the nodes that do fail when they run, with the file and line of the var", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-var-'));
  const file = (rel: string, text: string) => (mkdirSync(join(dir, rel, '..'), { recursive: true }), writeFileSync(join(dir, rel), text));
  file('dbt_project.yml', "name: pv\nversion: '1.0.0'\nconfig-version: 2\nprofile: pv\n");
  file('profiles.yml', `pv:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'pv.duckdb'))}\n`);
  file('models/always.sql', 'select 1 as x\n');
  file('models/needs_var.sql', "select '{{ var('run_date') }}' as d\n");
  file('models/needs_var.yml', ['version: 2', 'models:', '  - name: needs_var', '    columns:', '      - name: d', '        tests:', '          - accepted_values:', '              values: "{{ var(\'allowed\') }}"', ''].join('\n'));
  const parse = await cli(dir, 'parse');
  assert.equal(parse.code, 0, parse.text);
  const one = await cli(dir, 'build', '--select', 'always');
  assert.equal(one.code, 0, one.text);
  const all = await cli(dir, 'build');
  assert.equal(all.code, 1, all.text);
  assert.match(all.text, /models\/needs_var\.sql:1:\d+: Required var 'run_date' not found in config/);
  const test = await cli(dir, 'build', '--vars', '{run_date: 2024-01-01}');
  assert.equal(test.code, 1, test.text);
  // a test's argument is rendered on its own: its error points at the argument in the YAML file
  assert.match(test.text, /models\/needs_var\.yml:8:15: Required var 'allowed' not found in config \(in the argument `values` of test accepted_values\)\n.*\n.*\n.*> 8 \|               values:/);
  const given = await cli(dir, 'build', '--vars', '{run_date: 2024-01-01, allowed: [2024-01-01]}');
  assert.equal(given.code, 0, given.text);
  assert.deepEqual(await queryDuckDb(join(dir, 'pv.duckdb'), 'select d from main.needs_var'), [['2024-01-01']]);
});

test("property files render with the target, as dbt's do: a source's schema built from target.schema", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-yaml-target-'));
  const file = (rel: string, text: string) => (mkdirSync(join(dir, rel, '..'), { recursive: true }), writeFileSync(join(dir, rel), text));
  file('dbt_project.yml', "name: yt\nversion: '1.0.0'\nconfig-version: 2\nprofile: yt\n");
  file('profiles.yml', `yt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      schema: analytics\n      path: ${JSON.stringify(join(dir, 'yt.duckdb'))}\n`);
  file('models/sources.yml', ['version: 2', 'sources:', '  - name: raw', '    schema: "{{ target.schema }}_raw"', '    tables:', '      - name: events', '        identifier: "events_{{ target.name }}"', ''].join('\n'));
  file('models/from_raw.sql', "select * from {{ source('raw', 'events') }}\n");
  file('macros/setup.sql', '{% macro setup() %}{% do run_query("create schema if not exists analytics_raw; create table analytics_raw.events_dev as select 7 as n") %}{% endmacro %}\n');
  const setup = await cli(dir, 'run-operation', 'setup');
  assert.equal(setup.code, 0, setup.text);
  const r = await cli(dir, 'build');
  assert.equal(r.code, 0, r.text);
  const compiled = readFileSync(join(dir, 'target', 'compiled', 'yt', 'models', 'from_raw.sql'), 'utf8');
  assert.match(compiled, /"analytics_raw"\."events_dev"/);
  assert.deepEqual(await queryDuckDb(join(dir, 'yt.duckdb'), 'select n from analytics.from_raw'), [[7]]);
});

test('run-operation shows what the macro logs or prints, not its text or its return value, as dbt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-op-out-'));
  const file = (rel: string, text: string) => (mkdirSync(join(dir, rel, '..'), { recursive: true }), writeFileSync(join(dir, rel), text));
  file('dbt_project.yml', "name: oo\nversion: '1.0.0'\nconfig-version: 2\nprofile: oo\n");
  file('profiles.yml', `oo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'oo.duckdb'))}\n`);
  file('macros/ops.sql', [
    "{% macro speak() %}rendered-text-{{ 40 + 2 }}{{ print('printed-line') }}{{ return('returned-value') }}{% endmacro %}",
    '{% macro just_text() %}only-rendered-text{% endmacro %}',
    '',
  ].join('\n'));
  const r = await cli(dir, 'run-operation', 'speak');
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /^printed-line$/m);
  assert.doesNotMatch(r.text, /rendered-text|returned-value/);
  const t = await cli(dir, 'run-operation', 'just_text');
  assert.equal(t.code, 0, t.text);
  assert.doesNotMatch(t.text, /only-rendered-text/);
});

test("parsing tolerates what only execution can fill, as dbt: the first column of a relation read while parsing (an empty list then), its attributes and calls", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-parse-undef-'));
  const file = (rel: string, text: string) => (mkdirSync(join(dir, rel, '..'), { recursive: true }), writeFileSync(join(dir, rel), text));
  file('dbt_project.yml', "name: pu\nversion: '1.0.0'\nconfig-version: 2\nprofile: pu\n");
  file('profiles.yml', `pu:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'pu.duckdb'))}\n`);
  file('models/base.sql', 'select 1 as a, 2 as b\n');
  file('models/m.sql', [
    "{% set cols = adapter.get_columns_in_relation(ref('base')) %}",
    '{% set first = cols[0] %}',
    "select '{{ first.name }}' as first_col, '{{ first.is_integer() }}' as is_int, {{ cols | length }} as n",
    '',
  ].join('\n'));
  const r = await cli(dir, 'build');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await queryDuckDb(join(dir, 'pu.duckdb'), 'select first_col, is_int, n::int from main.m'), [['a', 'True', 2]]);
});
