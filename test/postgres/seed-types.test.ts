/**
 * Seeds on PostgreSQL get the column types dbt-postgres creates and the values it inserts
 * (agate's: a text `null` is NULL, `$5` is 5, a timestamp with an offset is the session's
 * local time), loaded through COPY, rewritten first when a value needs it; the same on a
 * reload that keeps the table. Expected values were read from dbt-postgres's tables (the
 * differential test compares the whole fixture with dbt-postgres when it is installed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'seedtypes');

describe('seed types and values on PostgreSQL, as dbt-postgres loads them', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 120_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  const q = (sql: string) => pgQuery(db, sql);
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const sink = new Writable({ write: (x, _e, done) => (out.push(String(x)), done()) });
    const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
    assert.equal(code, 0, out.join(''));
  };
  const types = async (table: string) =>
    (await q(`select column_name || ' ' || data_type from information_schema.columns where table_schema = 'main' and table_name = '${table}' order by ordinal_position`)).map((r) => r[0]);

  before(async () => {
    db = await freshDatabase('seed_types');
    dir = mkdtempSync(join(tmpdir(), 'strata-pg-seedtypes-'));
    cpSync(FIXTURE, dir, { recursive: true });
    cpSync(join(dir, 'pg-only.csv'), join(dir, 'seeds', 'pg_only.csv'));
    writeFileSync(join(dir, 'seeds', 'piped.csv'), 'a||b\n1||x\n2||"y||z"\n');
    writeFileSync(join(dir, 'dbt_project.yml'), `${'name: seedtypes\nversion: 1.0.0\nconfig-version: 2\nprofile: seedtypes\n'}seeds:\n  seedtypes:\n    settings:\n      +delimiter: ';'\n      +column_types: {code: varchar(8), amount: text}\n    piped:\n      +delimiter: '||'\n`);
    writeFileSync(join(dir, 'profiles.yml'), `seedtypes:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      password: ''\n      dbname: ${db.database}\n      schema: main\n      threads: 2\n`);
  });
  after(async () => {
    if (db) await dropDatabase(db).catch(() => undefined);
  });

  for (const step of ['seed', 'seed again, keeping the tables']) {
    it(step, async () => {
      await cli('seed');
      assert.deepEqual(await types('tricky'), [
        'tf text', 'upper_tf text', 'yes_no text', 'flag boolean', 'one_zero integer', 'leading_zeros integer', 'scientific integer', 'small double precision',
        'price double precision', 'whole integer', 'not_a_number double precision', 'grouped integer', 'words text', 'hex text', 'day date', 'bad_day text',
        'us_day text', 'slash_day text', 'compact_day integer', 'at timestamp without time zone', 'at_fraction text', 'iso timestamp without time zone',
        'iso_zone timestamp without time zone', 'day_or_at text', 'time_of_day text', 'nothing integer', 'quoted_empty text', 'text_null text', 'spaces text',
        'quoted_number integer', 'mixed text',
      ]);
      assert.deepEqual(
        await q(`select tf, flag, leading_zeros, scientific, whole, grouped, day::text, at::text, iso_zone::text, quoted_empty, text_null, spaces from main.tricky order by one_zero desc, tf`),
        [
          ['f', null, 0, -1, -3, 3, '2020-12-31', '2020-12-31 23:59:59', '2020-01-03 17:30:00', 'b', null, 'c'],
          ['t', true, 123, 100000, 1, 1000, '2020-01-02', '2020-01-02 03:04:05', '2020-01-01 10:00:00', null, 'a', null],
          ['f', false, 7, 2000, 2, 2, '2020-01-02', '2020-01-02 03:04:05', '2020-01-02 09:00:00', 'a', null, ' b '],
        ],
      );
      assert.deepEqual(await types('settings'), ['id integer', 'code character varying', 'amount text', 'ok boolean']);
      assert.deepEqual(await q(`select code, amount, ok from main.settings order by id`), [['007', '1,5', true], ['a;b', null, false], [null, '2', null]]);
      assert.deepEqual(await types('pg_only'), [
        'money double precision', 'percent double precision', 'thousands integer', 'null_int integer', 'flag boolean', 'iso_compact timestamp without time zone',
        'iso_week timestamp without time zone', 'day_space date', 'words text',
      ]);
      assert.deepEqual(await q(`select money, percent, thousands, null_int, flag, iso_compact::text, iso_week::text, day_space::text, words from main.pg_only order by thousands`), [
        [1000, null, 3, 1, null, '2020-01-03 11:00:00', '2020-12-28 12:00:00', null, null],
        [5, 5, 1234, null, true, '2020-01-01 10:00:00', '2019-12-31 10:00:00', '2020-01-02', 'a'],
        [-6.5, 6.5, 2000, null, false, '2020-01-02 11:00:00', '2020-01-01 11:00:00', '2020-01-03', null],
      ]);
      assert.deepEqual(await types('empty'), ['a integer', 'b integer']);
      assert.deepEqual(await q(`select a, b from main.piped order by a`), [[1, 'x'], [2, 'y||z']], 'a delimiter of two characters');
    });
  }
});
