/**
 * Incremental strategies through the CLI on DuckDB: append, delete+insert on a composite
 * key, microbatch (upstream refs filtered to each batch's event-time window,
 * --event-time-start/--event-time-end, lookback), on_schema_change, and --full-refresh,
 * checked row by row against hand-computed results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'inc');

const sql = queryDuckDb;

async function cli(dir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, text: chunks.join('') };
}

test('append, delete+insert, microbatch, on_schema_change and full refresh', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-inc-'));
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const db = join(dir, 'target', 'inc.duckdb');
  process.env.INC_DB = db;
  await sql(db, `create schema raw; create table raw.events as select * from (values
    (1, 'a', timestamp '2024-03-01 10:00', 1), (2, 'b', timestamp '2024-03-01 10:30', 2),
    (3, 'a', timestamp '2024-03-02 09:00', 3), (4, 'a', timestamp '2024-03-02 11:00', 4),
    (5, 'b', timestamp '2024-03-03 08:00', 5), (6, 'a', timestamp '2024-03-03 08:15', 6)) t(id, kind, ts, amount)`);

  let r = await cli(dir, 'run', '--event-time-end', '2024-03-04');
  assert.equal(r.code, 0, r.text);
  const byHour = () => sql(db, `select strftime(hour, '%m-%d %H'), events::int, amount::int from main.by_hour order by 1`);
  assert.deepEqual(await byHour(), [
    ['03-01 10', 2, 3],
    ['03-02 09', 1, 3],
    ['03-02 11', 1, 4],
    ['03-03 08', 2, 11],
  ]);

  // A late row for 03-02, a new day, and a changed old row (03-01, outside the batches run next).
  await sql(db, `insert into raw.events values (7, 'b', timestamp '2024-03-02 09:30', 7), (8, 'a', timestamp '2024-03-04 12:00', 8); update raw.events set amount = 100 where id = 1;`);
  r = await cli(dir, 'run', '--event-time-start', '2024-03-02', '--event-time-end', '2024-03-05');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await byHour(), [
    ['03-01 10', 2, 3],
    ['03-02 09', 2, 10],
    ['03-02 11', 1, 4],
    ['03-03 08', 2, 11],
    ['03-04 12', 1, 8],
  ], 'only the batches in the window are rebuilt, each from the rows of its window');
  assert.deepEqual(await sql(db, 'select id::int from main.appended order by id'), [[1], [2], [3], [4], [5], [6], [7], [8]]);
  assert.deepEqual(await sql(db, `select strftime(day, '%m-%d'), kind, amount::int from main.replaced_by_day order by 1, 2`), [
    ['03-01', 'a', 1],
    ['03-01', 'b', 2],
    ['03-02', 'a', 7],
    ['03-03', 'a', 6],
    ['03-03', 'b', 5],
    ['03-04', 'a', 8],
  ], 'delete+insert replaces the days it reads again, and keeps the others');

  // A new column: append_new_columns adds it, old rows hold NULL.
  await sql(db, `insert into raw.events values (9, 'a', timestamp '2024-03-05 10:00', 9)`);
  r = await cli(dir, 'run', '--select', 'widening', '--vars', '{extra: true}');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await sql(db, 'select id::int, doubled::int from main.widening where id in (1, 9) order by id'), [
    [1, null],
    [9, 18],
  ]);
  // on_schema_change=fail refuses a new column and names it, leaving the table as it was.
  r = await cli(dir, 'run', '--select', 'widening', '--vars', '{extra: false, osc: fail}');
  assert.equal(r.code, 1);
  assert.match(r.text, /doubled/);
  assert.deepEqual(await sql(db, 'select count(*)::int from main.widening'), [[9]]);

  // Full refresh: every model from all the data.
  r = await cli(dir, 'run', '--full-refresh', '--event-time-end', '2024-03-06');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await byHour(), [
    ['03-01 10', 2, 102],
    ['03-02 09', 2, 10],
    ['03-02 11', 1, 4],
    ['03-03 08', 2, 11],
    ['03-04 12', 1, 8],
    ['03-05 10', 1, 9],
  ]);
  assert.deepEqual(await sql(db, `select strftime(day, '%m-%d'), kind, amount::int from main.replaced_by_day where day <= '2024-03-02' order by 1, 2`), [
    ['03-01', 'a', 100],
    ['03-01', 'b', 2],
    ['03-02', 'a', 7],
    ['03-02', 'b', 7],
  ]);
});
