/**
 * The jaffle fixture (every construct of issue 3: a local package, dispatch overrides, a
 * custom generate_schema_name, seeds, a snapshot, singular and generic tests, hooks, vars,
 * selectors) built with `seed` and `build`, then listed and compiled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { withDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'projects', 'jaffle');

async function capture(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: new Writable({ write: (_c, _e, done) => done() }) });
  return { code, out: chunks.join('') };
}

test('the jaffle project seeds, builds and tests; ls and compile answer', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-jaffle-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const cli = (...a: string[]) => main([...a, '--project-dir', dir, '--profiles-dir', dir, '--no-color']);
  assert.equal(await cli('seed'), 0);
  assert.equal(await cli('build'), 0);
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const kinds = new Set(results.results.map((r: { unique_id: string }) => r.unique_id.split('.')[0]));
  assert.deepEqual([...kinds].sort(), ['model', 'seed', 'snapshot', 'test']);

  await withDuckDb(join(dir, 'target', 'jaffle.duckdb'), async (con) => {
    const rows = (await con.runAndReadAll('select customer_id::int, number_of_orders::int from main.customers order by customer_id limit 3')).getRowsJS();
    assert.deepEqual(rows, [
      [1, 2],
      [2, 1],
      [3, 3],
    ]);
    const schemas = (await con.runAndReadAll(`select distinct table_schema from information_schema.tables order by 1`)).getRowsJS().flat();
    assert.ok(schemas.includes('main_util'), 'the package model has its custom schema');
    assert.ok(schemas.includes('snapshots'));
  });

  const ls = await capture(dir, 'ls', '--select', '+customers', '--resource-type', 'model', '--output', 'name');
  assert.equal(ls.code, 0);
  assert.deepEqual(ls.out.trim().split('\n').sort(), ['customers', 'int_order_payments', 'orders', 'stg_customers', 'stg_orders', 'stg_payments']);
  const compiled = await capture(dir, 'compile', '--inline', "select count(*) from {{ ref('customers') }}");
  assert.equal(compiled.code, 0);
  assert.match(compiled.out, /select count\(\*\) from "jaffle"\."main"\."customers"/);
  // an inline query is dbt's sql operation inline_query: `this` names it in the target's schema
  const self = await capture(dir, 'compile', '--inline', "{{ this }} {{ this.identifier }} {{ model.meta }} {{ model.tags }}");
  assert.equal(self.code, 0);
  assert.match(self.out, /"jaffle"\."main"\."inline_query" inline_query \{\} \[\]/);
});
