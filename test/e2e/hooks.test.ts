/**
 * `is_incremental()` in a model's hooks is what it is in the model's SQL, in pre-hooks and
 * post-hooks alike: false on an incremental model's first build and on a full refresh (dbt-core
 * 1.10 with dbt-duckdb logs exactly these values for this project).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from '../helpers/duckdb.js';
import { writeFiles, type Files } from '../helpers/files.js';
import { main } from '../../src/cli/main.js';

const log = (when: string) => `insert into main.hook_log select '{{ this.identifier }}', '${when}', '{{ is_incremental() }}'`;

/** A DuckDB project named hooks in a new directory: its files, its warehouse, and a CLI run on it. */
function hooksProject(files: Files, projectConfig: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-hooks-'));
  const db = join(dir, 'warehouse.duckdb');
  writeFileSync(join(dir, 'dbt_project.yml'), ['name: hooks', 'version: "1.0.0"', 'config-version: 2', 'profile: hooks', ...projectConfig, ''].join('\n'));
  writeFileSync(join(dir, 'profiles.yml'), `hooks:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${db}\n      schema: main\n`);
  writeFiles(dir, files);
  const strata = async (...args: string[]) => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
    const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir], { out: sink, err: sink });
    return { code, output: chunks.join('') };
  };
  return { db, strata };
}

test('is_incremental() in pre- and post-hooks follows dbt', async () => {
  const hooks = `pre_hook="${log('pre')}", post_hook="${log('post')}"`;
  const { db, strata } = hooksProject({
    'models/grows.sql': `{{ config(materialized='incremental', ${hooks}) }}\nselect 1 as id`,
    'models/plain.sql': `{{ config(materialized='table', ${hooks}) }}\nselect 1 as id`,
  });
  await queryDuckDb(db, 'create table main.hook_log (model varchar, hook varchar, incremental varchar)');
  const run = async (...extra: string[]) => {
    const { code, output } = await strata('run', ...extra);
    assert.equal(code, 0, output);
  };
  const entries = async () => {
    const rows = await queryDuckDb(db, "select model || ' ' || hook || ' ' || incremental from main.hook_log order by model, hook");
    await queryDuckDb(db, 'delete from main.hook_log');
    return rows.map((r) => r[0]);
  };

  await run();
  assert.deepEqual(await entries(), ['grows post False', 'grows pre False', 'plain post False', 'plain pre False'], 'first build');
  await run();
  assert.deepEqual(await entries(), ['grows post True', 'grows pre True', 'plain post False', 'plain pre False'], 'incremental run');
  await run('--full-refresh');
  assert.deepEqual(await entries(), ['grows post False', 'grows pre False', 'plain post False', 'plain pre False'], 'full refresh');
});

test("a hook is rendered when it runs, on the build's session: its Jinja reads the table just built, in the build's transaction (as dbt renders hooks)", async () => {
  // the post-hook's run_query reads the model's own table, new on the first run: rendered before
  // the build, it would fail; its count comes from the rows the build just wrote
  const audit = "{% if execute %}{% set n = run_query('select count(*) from ' ~ this).columns[0].values()[0] %}create or replace table main.audit as select {{ n }} as n{% endif %}";
  const { db, strata } = hooksProject({
    'models/counted.sql': `{{ config(materialized='table', post_hook="${audit}") }}\nselect * from range(3)`,
    // a failing post-hook rolls back what the pre-hook's Jinja did on the session
    'models/broken.sql': `{{ config(materialized='table', pre_hook="{% do run_query('create table main.from_pre as select 1 as x') %}", post_hook="select nope") }}\nselect 1 as id`,
  });
  const { code, output } = await strata('run');
  assert.equal(code, 1, output);
  assert.deepEqual(await queryDuckDb(db, 'select n::int from main.audit'), [[3]]);
  assert.deepEqual(await queryDuckDb(db, "select count(*)::int from information_schema.tables where table_name in ('from_pre', 'broken')"), [[0]]);
});

test("a seed's post-hook is rendered after the load too: its Jinja acts on the loaded table (as dbt's)", async () => {
  const { db, strata } = hooksProject({ 'seeds/dropped.csv': 'id\n1\n', 'seeds/kept.csv': 'id\n1\n2\n' }, [
    'seeds:', '  hooks:',
    '    dropped:', `      +post-hook: "{% do adapter.drop_relation(this.incorporate(type='table')) %}"`,
    '    kept:', `      +post-hook: "{% set n = run_query('select count(*) from ' ~ this).columns[0].values()[0] %}create table main.kept_rows as select {{ n }} as n"`,
  ]);
  const { code, output } = await strata('seed');
  assert.equal(code, 0, output);
  assert.deepEqual(await queryDuckDb(db, "select table_name from information_schema.tables where table_schema = 'main' order by 1"), [['kept'], ['kept_rows']]);
  assert.deepEqual(await queryDuckDb(db, 'select n::int from main.kept_rows'), [[2]]);
});
