/**
 * End to end: the CLI builds a fixture project on a real DuckDB file — views, tables with a
 * custom schema, an ephemeral CTE, an incremental merge, dispatch, vars, hooks — then an
 * incremental run after new data, and a full refresh, checked row by row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'shop');

const query = queryDuckDb;
const seed = async (db: string, sql: string): Promise<void> => void (await queryDuckDb(db, sql));

/** A fresh copy of the shop fixture whose DuckDB file holds the raw data `rawSql` creates. */
async function shopProject(rawSql: string): Promise<{ dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-shop-'));
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const db = join(dir, 'target', 'shop.duckdb');
  process.env.SHOP_DB = db;
  await seed(db, rawSql);
  return { dir, db };
}

/** Run the CLI and keep what it prints. */
async function cliText(dir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, text: chunks.join('') };
}

async function cli(dir: string, ...args: string[]): Promise<number> {
  return main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color']);
}

test('run, incremental run and full refresh build the right rows', async () => {
  const { dir, db } = await shopProject(`create schema raw;
     create table raw.events as select * from (values
       (1, 'click', timestamp '2024-01-01 10:00:00', 5),
       (2, 'view',  timestamp '2024-01-01 11:00:00', 1),
       (3, 'click', timestamp '2024-01-02 09:00:00', 7)) t(id, kind, ts, amount);`);

  assert.equal(await cli(dir, 'run'), 0);
  assert.deepEqual(await query(db, 'select kind, label, events, amount::int from main_marts.kind_counts order by kind'), [
    ['click', 'CLICK!', 2n, 12],
    ['view', 'VIEW!', 1n, 1],
  ]);
  assert.deepEqual(await query(db, 'select count(*)::int from main_marts.events_incremental'), [[3]]);
  assert.deepEqual(await query(db, 'select n::int from main.post_hook_ran'), [[2]]);
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  assert.equal(results.results.length, 3, 'ephemeral models are not run');
  assert.ok(results.results.every((r: { status: string }) => r.status === 'success'));
  assert.ok(existsSync(join(dir, 'target', 'compiled', 'shop', 'models', 'marts', 'kind_counts.sql')));
  const compiled = readFileSync(join(dir, 'target', 'compiled', 'shop', 'models', 'marts', 'kind_counts.sql'), 'utf8');
  assert.match(compiled, /__dbt__cte__int_kinds as \(/);
  const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
  assert.equal(manifest.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/manifest/v12.json');
  assert.deepEqual(manifest.nodes['model.shop.kind_counts'].depends_on.nodes.sort(), ['model.shop.int_kinds', 'model.shop.stg_events']);

  // New rows and a changed row that is older than the watermark: the merge only takes new ones.
  await seed(db, `insert into raw.events values (4, 'view', timestamp '2024-01-03 08:00:00', 2), (5, 'buy', timestamp '2024-01-03 09:00:00', 30); update raw.events set amount = 100 where id = 1;`);
  assert.equal(await cli(dir, 'run', '--select', 'events_incremental'), 0);
  assert.deepEqual(await query(db, 'select id, amount from main_marts.events_incremental order by id'), [
    [1, 5],
    [2, 1],
    [3, 7],
    [4, 2],
    [5, 30],
  ]);
  assert.equal(await cli(dir, 'run', '--select', 'events_incremental', '--full-refresh'), 0);
  assert.deepEqual(await query(db, 'select id, amount from main_marts.events_incremental order by id'), [
    [1, 100],
    [2, 1],
    [3, 7],
    [4, 2],
    [5, 30],
  ]);
});

test('a SQL error fails the model, skips its children, keeps the old table, exits 1', async () => {
  const { dir, db } = await shopProject(`create schema raw; create table raw.events as select 1 as id, 'click' as kind, timestamp '2024-01-01' as ts, 5 as amount;`);
  assert.equal(await cli(dir, 'run'), 0);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'models', 'staging', 'stg_events.sql'), 'select id, kind, ts, amount, no_such_column\nfrom {{ source("raw", "events") }}\n');
  assert.equal(await cli(dir, 'run'), 1);
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const by = Object.fromEntries(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]));
  assert.equal(by['model.shop.stg_events'], 'error');
  assert.equal(by['model.shop.kind_counts'], 'skipped');
  assert.match(results.results.find((r: { unique_id: string }) => r.unique_id === 'model.shop.stg_events').message, /no_such_column/);
  assert.deepEqual(await query(db, 'select count(*)::int from main.stg_events'), [[1]], 'the old view still answers');
});

test('unknown ref: exit 2 with the file, line and a suggestion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-shop-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'models', 'marts', 'bad.sql'), 'select 1 as x\nunion all\nselect * from {{ ref("stg_event") }}\n');
  const { code, text } = await cliText(dir, 'parse');
  assert.equal(code, 2);
  assert.match(text, /models\/marts\/bad\.sql:3:18/);
  assert.match(text, /did you mean ref\('stg_events'\)/);
});

test('build runs models and their data tests in DAG order; a failing test exits 1 and keeps its failing rows', async () => {
  const { dir, db } = await shopProject(`create schema raw; create table raw.events as select * from (values (1, 'click', timestamp '2024-01-01', 5), (2, 'view', timestamp '2024-01-02', 3)) t(id, kind, ts, amount);`);
  assert.equal(await cli(dir, 'build'), 0);
  let results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const tests = results.results.filter((r: { unique_id: string }) => r.unique_id.startsWith('test.'));
  assert.equal(tests.length, 8);
  assert.ok(tests.every((r: { status: string }) => r.status === 'pass'));
  assert.ok(tests.some((r: { unique_id: string }) => r.unique_id.startsWith('test.shop.accepted_values_kind_counts_kind__click__view__buy.')));

  await seed(db, `insert into raw.events values (3, 'oops', timestamp '2024-01-03', 1), (4, 'oops', timestamp '2024-01-04', 1);`);
  assert.equal(await cli(dir, 'run'), 0);
  assert.equal(await cli(dir, 'test', '--store-failures'), 1);
  results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const failed = results.results.filter((r: { status: string }) => r.status === 'fail');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].failures, 1);
  assert.match(failed[0].message, /Got 1 result, configured to fail if != 0/);
  assert.deepEqual(await query(db, `select value_field, n_records::int from main_dbt_test__audit.accepted_values_kind_counts_kind__click__view__buy`), [['oops', 1]]);
});

test('source freshness: pass, warn and error by the age of loaded_at_field; writes sources.json', async () => {
  const { dir, db } = await shopProject(`create schema raw; create table raw.events as select 1 as id, 'click' as kind, (now() - interval 2 hour)::timestamp as ts, 5 as amount;`);
  const status = async () => JSON.parse(readFileSync(join(dir, 'target', 'sources.json'), 'utf8')).results[0].status;
  assert.equal(await cli(dir, 'source', 'freshness'), 0);
  assert.equal(await status(), 'pass');
  await seed(db, `update raw.events set ts = (now() - interval 3 day)::timestamp;`);
  assert.equal(await cli(dir, 'source', 'freshness'), 0);
  assert.equal(await status(), 'warn');
  await seed(db, `update raw.events set ts = timestamp '2020-01-01';`);
  assert.equal(await cli(dir, 'source', 'freshness', '--select', 'source:raw.events'), 1);
  assert.equal(await status(), 'error');
});

test('unit tests run the model on given rows without building its parents, and show a diff when they fail', async () => {
  const { dir, db } = await shopProject(`create schema raw; create table raw.events as select 1 as id, 'click' as kind, timestamp '2024-01-01' as ts, 5 as amount;`);
  // Nothing is built: the unit test needs no parent.
  assert.equal(await cli(dir, 'test', '--select', 'test_type:unit'), 0);
  let results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  assert.deepEqual(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]), [['unit_test.shop.kind_counts.counts_per_kind', 'pass']]);

  const { appendFileSync } = await import('node:fs');
  appendFileSync(
    join(dir, 'models', 'marts', '_marts.yml'),
    `  - name: wrong_total
    model: kind_counts
    given:
      - input: ref('stg_events')
        format: csv
        rows: |
          id,kind,amount
          1,click,2
    expect:
      rows:
        - {kind: click, events: 1, amount: 3}
`,
  );
  const { code, text } = await cliText(dir, 'build');
  assert.equal(code, 1);
  results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const by = Object.fromEntries(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]));
  assert.equal(by['unit_test.shop.kind_counts.wrong_total'], 'fail');
  assert.equal(by['model.shop.kind_counts'], 'skipped', 'a model whose unit test fails is not built');
  assert.match(text, /1 expected row missing \(-\), 1 unexpected row \(\+\)/);
  assert.match(text, /- +\| click \| 1 +\| 3/);
  assert.match(text, /\+ +\| click \| 1 +\| 2/);
});

test('source_status:fresher and result: select from an earlier run kept with --state', async () => {
  const { dir, db } = await shopProject(`create schema raw; create table raw.events as select 1 as id, 'click' as kind, (now() - interval 5 hour)::timestamp as ts, 5 as amount;`);
  assert.equal(await cli(dir, 'source', 'freshness'), 0);
  assert.equal(await cli(dir, 'run'), 0);
  const { cpSync: copy } = await import('node:fs');
  const state = join(dir, 'state');
  copy(join(dir, 'target'), state, { recursive: true });
  let r = await cliText(dir, 'ls', '--select', 'source_status:fresher+', '--state', state, '--output', 'name', '--resource-type', 'model');
  assert.equal(r.code, 0);
  assert.equal(r.text.trim(), '', 'nothing is fresher yet');
  await seed(db, `insert into raw.events values (2, 'view', (now() - interval 1 hour)::timestamp, 1)`);
  assert.equal(await cli(dir, 'source', 'freshness'), 0);
  r = await cliText(dir, 'ls', '--select', 'source_status:fresher+', '--state', state, '--output', 'name', '--resource-type', 'model');
  assert.deepEqual(r.text.trim().split('\n').sort(), ['events_incremental', 'int_kinds', 'kind_counts', 'stg_events']);
  r = await cliText(dir, 'ls', '--select', 'result:success', '--state', state, '--output', 'name', '--resource-type', 'model');
  assert.deepEqual(r.text.trim().split('\n').sort(), ['events_incremental', 'kind_counts', 'stg_events']);
});
