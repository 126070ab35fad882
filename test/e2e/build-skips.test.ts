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

test('a failing test skips the tests on an ephemeral model downstream of the model it tests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-build-skip-'));
  writeFiles(dir, {
    'dbt_project.yml': "name: bs\nversion: '1.0.0'\nconfig-version: 2\nprofile: bs\n",
    'profiles.yml': `bs:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'bs.duckdb'))}\n`,
    'models/a.sql': 'select null as id',
    'models/e.sql': "{{ config(materialized='ephemeral') }} select * from {{ ref('a') }}",
    'models/b.sql': "select * from {{ ref('e') }}",
    'models/p.yml': 'version: 2\nmodels:\n  - name: a\n    columns: [{name: id, tests: [not_null, {accepted_values: {values: [1]}}]}]\n  - name: e\n    columns: [{name: id, tests: [unique]}]\n',
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const code = await main(['build', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  assert.equal(code, 1);
  const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
  const status = Object.fromEntries(results.map((r) => [r.unique_id.split('.')[2], r.status]));
  assert.deepEqual(status, { a: 'success', not_null_a_id: 'fail', accepted_values_a_id__1: 'pass', b: 'skipped', unique_e_id: 'skipped' });
});

test("a failing test on an ephemeral model skips what reads it, through other ephemeral models too, and not that model's other tests", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-build-skip-'));
  writeFiles(dir, {
    'dbt_project.yml': "name: bs\nversion: '1.0.0'\nconfig-version: 2\nprofile: bs\n",
    'profiles.yml': `bs:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'bs.duckdb'))}\n`,
    'models/e1.sql': "{{ config(materialized='ephemeral') }} select null as id",
    'models/e2.sql': "{{ config(materialized='ephemeral') }} select * from {{ ref('e1') }}",
    'models/b.sql': "select * from {{ ref('e2') }}",
    'models/p.yml': 'version: 2\nmodels:\n  - name: e1\n    columns: [{name: id, tests: [not_null, {accepted_values: {values: [1]}}]}]\n  - name: e2\n    columns: [{name: id, tests: [unique]}]\n',
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  assert.equal(await main(['build', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink }), 1);
  const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
  const status = Object.fromEntries(results.map((r) => [r.unique_id.split('.')[2], r.status]));
  assert.deepEqual(status, { not_null_e1_id: 'fail', accepted_values_e1_id__1: 'pass', b: 'skipped', unique_e2_id: 'skipped' });
});
