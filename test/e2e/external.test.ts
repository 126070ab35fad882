/**
 * dbt-duckdb's external models and sources (test/fixtures/run/external; dbt-duckdb builds the
 * same in differential.test.ts), where Strata goes further: relative locations are the
 * project's wherever strata runs from, folders are created, and a file is replaced whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';

test('external models write files the views read; a failed build leaves the file as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-external-'));
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'run', 'external'), dir, { recursive: true });
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  const db = join(dir, 'warehouse.duckdb');
  process.env.EXTERNAL_DB = db;
  const out: string[] = [];
  const strata = (...args: string[]) => {
    out.length = 0;
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    return main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  };
  try {
    // run from another folder: the sources' relative files and the outputs are the project's
    assert.equal(await strata('build'), 0, out.join(''));
    assert.ok(existsSync(join(dir, 'out', 'customers_parquet.parquet')));
    assert.match(readFileSync(join(dir, 'out', 'customers.csv'), 'utf8'), /^id\|name\n1\|ann\n/);
    assert.deepEqual(readdirSync(join(dir, 'out', 'by_region')).sort(), ['region=eu', 'region=us']);
    assert.deepEqual(await queryDuckDb(db, 'select region, customers::int, label from main.summary order by 1'), [['eu', 2, 'Europe'], ['us', 1, null]]);
    assert.deepEqual(readdirSync(join(dir, 'out')).filter((f) => f.includes('strata_tmp')), [], 'nothing temporary is left');

    // a build that fails after its query: the file and the view are as they were
    const model = join(dir, 'models', 'customers_csv.sql');
    writeFileSync(model, readFileSync(model, 'utf8').replace("delimiter='|'", "delimiter='|', post_hook='select * from no_such_table'"));
    const before = readFileSync(join(dir, 'out', 'customers.csv'), 'utf8');
    writeFileSync(join(dir, 'data', 'customers.csv'), 'id,name,region\n9,zed,us\n');
    assert.equal(await strata('run', '-s', 'customers_parquet', 'customers_csv'), 1);
    assert.equal(readFileSync(join(dir, 'out', 'customers.csv'), 'utf8'), before, 'the CSV file is the old one');
    assert.deepEqual(readdirSync(join(dir, 'out')).filter((f) => f.includes('strata_tmp')), []);
  } finally {
    delete process.env.EXTERNAL_DB;
    rmSync(dir, { recursive: true, force: true });
  }
});
