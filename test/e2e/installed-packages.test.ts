/**
 * A project whose packages.yml names a hub package builds from what `dbt deps` installed in
 * dbt_packages/ (test/fixtures/run/installed: a hub package with a dispatched macro and a
 * model, and a package packages.yml no longer names, which dbt builds too). dbt-core builds
 * the same fixture in test/e2e/differential.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('packages installed by `dbt deps` build; show prints dates as dates', () =>
  withFixtureProject('installed', 'INSTALLED_DB', async ({ db, strata, output }) => {
    assert.equal(await strata('build'), 0, output());
    assert.deepEqual(await queryDuckDb(db, 'select id, amount, kind_label from main.orders order by id'), [
      [1, 12.5, 'Online'],
      [2, 3.99, 'Store'],
      [3, 100.01, 'Online'],
    ]);
    assert.deepEqual(await queryDuckDb(db, 'select still_built from main.legacy_marker'), [[1]]);

    assert.equal(await strata('show', '--inline', "select * from {{ ref('order_days') }} order by day", '--limit', '2', '--log-format', 'json'), 0, output());
    // with --log-format json, the table is the message of a log line
    const shown = JSON.parse((JSON.parse(output().trim()) as { msg: string }).msg) as { columns: string[]; rows: unknown[][] };
    assert.deepEqual(shown.rows, [
      ['2024-01-01', 1],
      ['2024-01-02', 0],
    ]);
  }));
