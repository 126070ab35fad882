/**
 * `retry` (test/fixtures/run/retry; dbt-core runs the same steps in differential.test.ts): what
 * it re-runs and with which settings, and what it says when there is nothing to do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('retry: re-runs the failed and skipped nodes of the last command with its vars; says when there is nothing to do', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir, db, strata, output }) => {
    assert.equal(await strata('retry'), 2);
    assert.match(output(), /there is no run_results\.json in .* to retry/);

    assert.equal(await strata('build', '--vars', '{factor: 3}'), 1);
    const first = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string; status: string }[] };
    assert.equal(first.args.which, 'build');
    assert.deepEqual(first.args.vars, { factor: 3 });
    const statuses = Object.fromEntries(first.results.map((r) => [r.unique_id, r.status]));
    assert.equal(statuses['model.retry.priced'], 'error');
    assert.equal(statuses['model.retry.totals'], 'skipped');

    await queryDuckDb(db, 'create table raw.prices as select 2 as rate');
    assert.equal(await strata('retry'), 0, output());
    // the failed model, what it skipped and the skipped test: nothing that had passed
    const again = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as typeof first;
    assert.deepEqual(again.results.map((r) => r.unique_id.split('.')[2]).sort(), ['not_null_totals_total', 'priced', 'totals']);
    assert.ok(again.results.every((r) => r.status === 'success' || r.status === 'pass'));
    assert.equal(again.args.which, 'build', 'a retry records the command it repeated, so it can be retried again');
    assert.deepEqual(await queryDuckDb(db, 'select cast(total as integer), factor from main.totals'), [[210, 3]]);

    assert.equal(await strata('retry'), 0);
    assert.match(output(), /Nothing to retry: the last build had no errors, failures or skips/);

    assert.equal(await strata('compile'), 0);
    assert.equal(await strata('run', '-s', 'orders'), 0);
    assert.equal(await strata('retry'), 0);
    assert.match(output(), /Nothing to retry: the last run/);
  }));
