/**
 * `build`: a failing test skips what is downstream of the model it tests, and an ephemeral
 * model counts as downstream like any other, so the tests on it (and what reads it) are
 * skipped too, as in dbt; the model's other tests still run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeFiles } from '../helpers/files.js';

/** Builds a project of `models` (files under models/) and returns build's exit code and each node's status by name. */
async function buildStatuses(models: Record<string, string>): Promise<{ code: number; status: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-build-skip-'));
  writeFiles(dir, {
    'dbt_project.yml': "name: bs\nversion: '1.0.0'\nconfig-version: 2\nprofile: bs\n",
    'profiles.yml': `bs:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'bs.duckdb'))}\n`,
    ...Object.fromEntries(Object.entries(models).map(([f, text]) => [`models/${f}`, text])),
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const code = await main(['build', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
  return { code, status: Object.fromEntries(results.map((r) => [r.unique_id.split('.')[2], r.status])) };
}

test('a failing test skips the tests on an ephemeral model downstream of the model it tests', async () => {
  const { code, status } = await buildStatuses({
    'a.sql': 'select null as id',
    'e.sql': "{{ config(materialized='ephemeral') }} select * from {{ ref('a') }}",
    'b.sql': "select * from {{ ref('e') }}",
    'p.yml': 'version: 2\nmodels:\n  - name: a\n    columns: [{name: id, tests: [not_null, {accepted_values: {values: [1]}}]}]\n  - name: e\n    columns: [{name: id, tests: [unique]}]\n',
  });
  assert.equal(code, 1);
  assert.deepEqual(status, { a: 'success', not_null_a_id: 'fail', accepted_values_a_id__1: 'pass', b: 'skipped', unique_e_id: 'skipped' });
});

test("a failing test on an ephemeral model skips what reads it, through other ephemeral models too, and not that model's other tests", async () => {
  const { code, status } = await buildStatuses({
    'e1.sql': "{{ config(materialized='ephemeral') }} select null as id",
    'e2.sql': "{{ config(materialized='ephemeral') }} select * from {{ ref('e1') }}",
    'b.sql': "select * from {{ ref('e2') }}",
    'p.yml': 'version: 2\nmodels:\n  - name: e1\n    columns: [{name: id, tests: [not_null, {accepted_values: {values: [1]}}]}]\n  - name: e2\n    columns: [{name: id, tests: [unique]}]\n',
  });
  assert.equal(code, 1);
  assert.deepEqual(status, { not_null_e1_id: 'fail', accepted_values_e1_id__1: 'pass', b: 'skipped', unique_e2_id: 'skipped' });
});
