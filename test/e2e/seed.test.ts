/**
 * Seeds on DuckDB: loading, column_types, delimiter, reloading without --full-refresh
 * (the table and the views on it stay), and each malformed CSV failing with its file,
 * line and column while the existing table keeps its rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const q = queryDuckDb;

async function cli(dir: string, ...args: string[]): Promise<{ code: number; err: string }> {
  const text: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (text.push(String(chunk)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, err: text.join('') };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-seed-'));
  mkdirSync(join(dir, 'seeds'), { recursive: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), `name: seedy\nversion: '1.0'\nconfig-version: 2\nprofile: seedy\nseeds:\n  seedy:\n    codes:\n      +column_types: {code: varchar}\n    semi:\n      +delimiter: ";"\n`);
  writeFileSync(join(dir, 'profiles.yml'), `seedy:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/seedy.duckdb\n`);
  writeFileSync(join(dir, 'seeds', 'codes.csv'), 'code,label,amount\n007,bond,1.5\n042,answer,2\n');
  writeFileSync(join(dir, 'seeds', 'semi.csv'), 'a;b\n1;"x;y"\n');
  writeFileSync(join(dir, 'models', 'code_view.sql'), "{{ config(materialized='view') }}\nselect code, label from {{ ref('codes') }}\n");
  return dir;
}

test('seeds load with their configs and reload in place', async () => {
  const dir = project();
  const db = join(dir, 'target', 'seedy.duckdb');
  assert.equal((await cli(dir, 'seed')).code, 0);
  assert.deepEqual(await q(db, 'select code, label, amount::double from main.codes order by code'), [
    ['007', 'bond', 1.5],
    ['042', 'answer', 2],
  ]);
  assert.deepEqual(await q(db, 'select a::int, b from main.semi'), [[1, 'x;y']]);
  assert.equal((await cli(dir, 'run')).code, 0);
  writeFileSync(join(dir, 'seeds', 'codes.csv'), 'code,label,amount\n099,new,3\n');
  assert.equal((await cli(dir, 'seed', '--select', 'codes')).code, 0);
  assert.deepEqual(await q(db, 'select code, label from main.code_view'), [['099', 'new']], 'the view on the seed still works');
  // A changed header needs --full-refresh, and says so.
  writeFileSync(join(dir, 'seeds', 'codes.csv'), 'code,label,amount,extra\n099,new,3,x\n');
  const r = await cli(dir, 'seed', '--select', 'codes');
  assert.equal(r.code, 1);
  assert.match(r.err, /--full-refresh/);
  assert.equal((await cli(dir, 'seed', '--select', 'codes', '--full-refresh')).code, 0);
  assert.deepEqual(await q(db, 'select extra from main.codes'), [['x']]);
});

const BROKEN: [string, string, RegExp][] = [
  ['ragged', 'code,label,amount\n1,a,1\n2,b\n', /seeds\/codes\.csv:3:\d+.*line 3 has 2 fields, the header has 3/s],
  ['encoding', 'code,label,amount\n1,a,1\n2,b\xff,2\n', /seeds\/codes\.csv:3:\d+.*not UTF-8/s],
  ['type', 'code,label,amount\n1,a,1\n2,b,lots\n', /seeds\/codes\.csv:3:\d+.*value "lots" in column 'amount' does not fit/s],
  ['quote', 'code,label,amount\n1,"a,1\n', /seeds\/codes\.csv:2:1.*never closed/s],
];

for (const [name, text, expected] of BROKEN) {
  test(`a malformed seed (${name}) fails with file, line and column and leaves the table as it was`, async () => {
    const dir = project();
    const db = join(dir, 'target', 'seedy.duckdb');
    assert.equal((await cli(dir, 'seed')).code, 0);
    if (name === 'type') {
      writeFileSync(join(dir, 'dbt_project.yml'), `name: seedy\nversion: '1.0'\nconfig-version: 2\nprofile: seedy\nseeds:\n  seedy:\n    codes:\n      +column_types: {code: varchar, amount: double}\n`);
    }
    writeFileSync(join(dir, 'seeds', 'codes.csv'), name === 'encoding' ? Buffer.from(text, 'latin1') : text);
    const r = await cli(dir, 'seed', '--full-refresh', '--select', 'codes');
    assert.equal(r.code, 1);
    assert.match(r.err, expected);
    assert.deepEqual(await q(db, 'select count(*)::int from main.codes'), [[2]], 'the old rows are still there');
  });
}
