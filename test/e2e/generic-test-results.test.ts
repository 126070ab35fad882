/**
 * How generic tests defined in YAML are configured, given their arguments and reported, as
 * dbt-core 1.10 does it (checked against dbt-duckdb on the same project): what run_results.json
 * says of a test that passes, Jinja inside its YAML config, and Jinja inside its list arguments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeFiles, type Files } from '../helpers/files.js';

interface TestResult {
  unique_id: string;
  status: string;
  failures: number | null;
  message: string | null;
  adapter_response: Record<string, unknown>;
}

/** Builds a project (one model `m` of three rows, plus `files`) and returns each test's result by name. */
async function build(files: Files): Promise<{ code: number; output: string; results: Record<string, TestResult> }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-test-results-'));
  writeFiles(dir, {
    'dbt_project.yml': 'name: tr\nversion: "1.0"\nconfig-version: 2\nprofile: tr\n',
    'profiles.yml': `tr:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "${join(dir, 'tr.duckdb')}"\n`,
    'models/m.sql': 'select * from range(3) r(id)\n',
    // a test that returns `rows` of the tested model, and one that compares a list of texts
    'macros/tests.sql':
      '{% test some_rows(model, rows) %}select * from {{ model }} where id < {{ rows }}{% endtest %}\n' +
      "{% test listed(model, column_name, names) %}select * from {{ model }} where '{{ names | join(\",\") }}' != 'id,{{ target.type }}'{% endtest %}\n",
    ...files,
  });
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['build', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  const run = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: TestResult[] };
  const results = Object.fromEntries(run.results.filter((r) => /^(unit_)?test\./.test(r.unique_id)).map((r) => [r.unique_id.split('.').at(r.unique_id.startsWith('unit_test.') ? -1 : 2)!, r]));
  return { code, output: chunks.join(''), results };
}

test('a test that passes under its thresholds reports 0 failures, as dbt does', async () => {
  const { code, output, results } = await build({
    'models/s.yml': [
      'version: 2',
      'models:',
      '  - name: m',
      '    data_tests:',
      '      - some_rows:',
      '          name: below_thresholds',
      '          rows: 2',
      '          config: {warn_if: ">5", error_if: ">9"}',
      '      - some_rows:',
      '          name: warns',
      '          rows: 2',
      '          config: {warn_if: ">1", error_if: ">9"}',
      '',
    ].join('\n'),
  });
  assert.equal(code, 0, output);
  // the query found 2 rows, but the test passed: dbt writes 0 failures
  assert.deepEqual([results.below_thresholds!.status, results.below_thresholds!.failures], ['pass', 0]);
  assert.deepEqual([results.warns!.status, results.warns!.failures], ['warn', 2]);
});

test('a test that passes has no message, and the adapter_response of its query, as dbt writes them', async () => {
  const { code, output, results } = await build({
    'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    data_tests:\n      - some_rows:\n          name: passes\n          rows: 0\n      - some_rows:\n          name: fails\n          rows: 1\n',
  });
  assert.equal(code, 1, output);
  assert.equal(results.passes!.message, null);
  assert.deepEqual(results.passes!.adapter_response, { _message: 'SELECT 1', code: 'SELECT', rows_affected: 1 });
  assert.equal(results.fails!.message, 'Got 1 result, configured to fail if != 0');
});

test('a unit test that passes has no message and 0 failures; one that fails has 1', async () => {
  const { code, output, results } = await build({
    'models/doubled.sql': "select id * 2 as id from {{ ref('m') }}\n",
    'models/tripled.sql': "select id * 3 as id from {{ ref('m') }}\n",
    'models/u.yml': [
      'unit_tests:',
      '  - name: doubles',
      '    model: doubled',
      '    given: [{input: "ref(\'m\')", rows: [{id: 1}]}]',
      '    expect: {rows: [{id: 2}]}',
      '  - name: wrong',
      '    model: tripled',
      '    given: [{input: "ref(\'m\')", rows: [{id: 1}]}]',
      '    expect: {rows: [{id: 4}]}',
      '',
    ].join('\n'),
  });
  assert.equal(code, 1, output);
  assert.deepEqual([results.doubles!.status, results.doubles!.failures, results.doubles!.message], ['pass', 0, null]);
  assert.deepEqual([results.wrong!.status, results.wrong!.failures], ['fail', 1]);
});

test("Jinja inside a test's list argument is rendered, as dbt renders every text of the arguments", async () => {
  const { code, output, results } = await build({
    'models/s.yml': [
      'version: 2',
      'models:',
      '  - name: m',
      '    columns:',
      '      - name: id',
      '        data_tests:',
      '          - listed:',
      '              names: [id, "{{ target.type }}"]',
      '',
    ].join('\n'),
  });
  assert.equal(code, 0, output);
  // the macro got ['id', 'duckdb'], not the text '{{ target.type }}'
  assert.deepEqual([results['listed_m_id__id___target_type_']!.status, results['listed_m_id__id___target_type_']!.failures], ['pass', 0]);
});

test("Jinja in a test's YAML config is rendered when the test is read, to native values", async () => {
  const { code, output, results } = await build({
    'models/s.yml': [
      'version: 2',
      'models:',
      '  - name: m',
      '    data_tests:',
      '      - some_rows:',
      '          name: severity_from_target',
      '          rows: 2',
      '          config:',
      `            severity: "{{ 'warn' if target.type == 'duckdb' else 'error' }}"`,
      '      - some_rows:',
      '          name: flat_severity',
      '          rows: 2',
      `          severity: "{{ 'warn' }}"`,
      '      - some_rows:',
      '          name: disabled_by_target',
      '          rows: 2',
      '          config:',
      `            enabled: "{{ target.type != 'duckdb' }}"`,
      '',
    ].join('\n'),
  });
  assert.equal(code, 0, output);
  assert.deepEqual([results.severity_from_target!.status, results.severity_from_target!.failures], ['warn', 2]);
  assert.deepEqual([results.flat_severity!.status, results.flat_severity!.failures], ['warn', 2]);
  // `enabled` rendered to the boolean false: the test is not built at all
  assert.equal(results.disabled_by_target, undefined);
});
