/**
 * Generic tests as dbt makes them (fixture test/fixtures/run/testcfg, also built by dbt-core in
 * the differential test): their unique ids, names and aliases (a name too long for a table is
 * hashed), the arguments they get (relations, ephemeral models as CTEs), and the config() calls
 * in their definitions. The expected ids and aliases are those dbt-core 1.10 writes for this
 * fixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

test("generic tests have dbt's ids and aliases, get relations, read ephemeral models and take the config() of their definitions", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-generic-'));
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'run', 'testcfg'), dir, { recursive: true });
  process.env.TESTCFG_DB = join(dir, 'testcfg.duckdb');
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['build', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  assert.equal(code, 0, chunks.join(''));

  const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { resource_type: string; alias: string; config: Record<string, unknown> }> };
  const tests = Object.entries(manifest.nodes).filter(([, n]) => n.resource_type === 'test');
  assert.deepEqual(Object.fromEntries(tests.map(([id, n]) => [id, n.alias])), {
    'test.testcfg.accepted_values_items_code__a__b.423351ca6c': 'accepted_values_items_code__a__b',
    'test.testcfg.accepted_values_items_copy_code__a__b__c__a_fairly_long_value__and_another_rather_long_one.27634a6f95': 'accepted_values_items_copy_1b790cc0d3bc07c8457aecc05bc48f3c',
    'test.testcfg.accepted_values_items_eph_id__False__1__2__3.eec16526fc': 'accepted_values_items_eph_id__False__1__2__3',
    'test.testcfg.has_rows_items_.39a73bc490': 'has_rows_items_',
    'test.testcfg.negative_qty': 'negative_qty',
    'test.testcfg.not_null_items_code.5f3520e7dd': 'not_null_items_code',
    'test.testcfg.not_null_items_eph_id.99b5736582': 'not_null_items_eph_id',
    'test.testcfg.not_null_items_qty.9d3b60fdee': 'not_null_items_qty',
    'test.testcfg.qty_not_null_unstored.ceea109b6b': 'qty_not_null_unstored',
    'test.testcfg.rowcount_at_least_items_3.213d7a5a7c': 'rowcount_at_least_items_3',
    'test.testcfg.same_columns_as_items_ref_items_copy_.759963e43d': 'same_columns_as_items_ref_items_copy_',
    'test.testcfg.unique_items_code.62b2aecfe0': 'unique_items_code',
  });
  // config() in the definition (has_rows) or in a macro it calls (rowcount_at_least), under the YAML's severity
  const config = (id: string) => manifest.nodes[id]!.config;
  assert.deepEqual([config('test.testcfg.has_rows_items_.39a73bc490').fail_calc, config('test.testcfg.has_rows_items_.39a73bc490').severity], ['coalesce(sum(missing), 0)', 'ERROR']);
  assert.deepEqual([config('test.testcfg.rowcount_at_least_items_3.213d7a5a7c').fail_calc, config('test.testcfg.rowcount_at_least_items_3.213d7a5a7c').warn_if], ['coalesce(sum(short_by), 0)', '>= 1000']);

  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number | null }[] };
  const status = Object.fromEntries(results.results.map((r) => [r.unique_id.split('.').slice(0, 3).join('.'), `${r.status} ${r.failures ?? ''}`.trim()]));
  assert.equal(status['test.testcfg.has_rows_items_'], 'pass 0');
  assert.equal(status['test.testcfg.rowcount_at_least_items_3'], 'pass 0');
  assert.equal(status['test.testcfg.same_columns_as_items_ref_items_copy_'], 'pass 0');
  assert.equal(status['test.testcfg.not_null_items_eph_id'], 'pass 0');
  assert.equal(status['test.testcfg.accepted_values_items_eph_id__False__1__2__3'], 'pass 0');
  // the compiled test reads the ephemeral model as a CTE, and is named by its short name
  const compiled = readFileSync(join(dir, 'target', 'compiled', 'testcfg', 'models', 'schema.yml', 'not_null_items_eph_id.sql'), 'utf8');
  assert.match(compiled, /__dbt__cte__items_eph as \(/);
  readFileSync(join(dir, 'target', 'compiled', 'testcfg', 'models', 'schema.yml', 'accepted_values_items_copy_1b790cc0d3bc07c8457aecc05bc48f3c.sql'), 'utf8');
});
