/** `build`, `test` and `ls` with dbt's `--resource-type` and `--exclude-resource-type` (and their environment variables). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('build and test keep only the resource types asked for', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir, db, strata, output }) => {
    await queryDuckDb(db, 'create table raw.prices as select 2 as rate');
    const ran = () => (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] }).results.map((r) => r.unique_id.split('.')[0]).sort();

    assert.equal(await strata('build', '--resource-type', 'model'), 0, output());
    assert.deepEqual(ran(), ['model', 'model', 'model']);
    assert.equal(await strata('build', '--exclude-resource-type', 'model', 'seed'), 0, output());
    assert.deepEqual(ran(), ['test', 'test', 'test']);
    assert.equal(await strata('build', '--resource-type', 'all', '--exclude-resource-type', 'test'), 0, output());
    assert.deepEqual(ran(), ['model', 'model', 'model']);

    process.env.DBT_EXCLUDE_RESOURCE_TYPES = 'unit_test test';
    try {
      assert.equal(await strata('build'), 0, output());
      assert.deepEqual(ran(), ['model', 'model', 'model']);
    } finally {
      delete process.env.DBT_EXCLUDE_RESOURCE_TYPES;
    }
    assert.equal(await strata('test', '--exclude-resource-type', 'unit_test'), 0, output());
    assert.deepEqual(ran(), ['test', 'test', 'test']);

    assert.equal(await strata('ls', '--exclude-resource-type', 'test', 'source', '--output', 'name'), 0, output());
    assert.deepEqual(output().trim().split('\n').sort(), ['orders', 'priced', 'totals']);

    assert.equal(await strata('build', '--resource-type', 'modle'), 2);
    assert.match(output(), /--resource-type 'modle' is not a resource type/);
  }));
