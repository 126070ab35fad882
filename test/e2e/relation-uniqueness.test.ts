/**
 * Two nodes that would be the same relation are refused before anything runs, as dbt-core
 * refuses them: models (here two with one alias), and tests when they store their failures
 * (here two tests whose names hash to one alias).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeFiles, type Files } from '../helpers/files.js';

async function build(files: Files, ...args: string[]): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-uniq-'));
  writeFiles(dir, {
    'dbt_project.yml': 'name: uq\nversion: "1.0"\nconfig-version: 2\nprofile: uq\n',
    'profiles.yml': `uq:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "${join(dir, 'uq.duckdb')}"\n`,
    'models/m.sql': 'select 1 as id\n',
    'macros/tests.sql': '{% test nothing(model, column_name, value) %}select * from {{ model }} where cast(id as varchar) = {{ value }}{% endtest %}\n',
    ...files,
  });
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['build', '--project-dir', dir, '--profiles-dir', dir, '--no-color', ...args], { out: sink, err: sink });
  return { code, output: chunks.join('') };
}

test('two models with one alias are refused', async () => {
  const { code, output } = await build({ 'models/other.sql': "{{ config(alias='m') }}\nselect 2 as id\n" });
  assert.notEqual(code, 0);
  assert.match(output, /model\.uq\.m \(models\/m\.sql\) and model\.uq\.other \(models\/other\.sql\) would both be the relation "uq"\."main"\."m"/);
});

test('tests sharing an alias are refused only when they store their failures', async () => {
  // the two names differ only in characters a test name drops: both are nothing_m_id___
  const yml = 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - nothing: {value: "\'&\'"}\n          - nothing: {value: "\'@\'"}\n';
  const stored = await build({ 'models/s.yml': yml }, '--store-failures');
  assert.notEqual(stored.code, 0);
  assert.match(stored.output, /would both be the relation "uq"\."main_dbt_test__audit"\."nothing_m_id___"/);
  const plain = await build({ 'models/s.yml': yml });
  assert.equal(plain.code, 0, plain.output);
});
