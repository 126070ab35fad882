/**
 * A project in the Catwalk style on PostgreSQL: `seed --full-refresh --target prod && run
 * --target prod`, archives (snapshots) into a schema named with a suffix variable, and
 * PostgreSQL-only SQL (`tstzrange` with `@>` containment, aggregate `FILTER (WHERE …)`,
 * `generate_series`, `timezone()`), checked value by value; the dev target writes
 * elsewhere; a server error names the model, the compiled file and line, and the hint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { SKIP_POSTGRES, dropDatabase, exportPgEnv, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'catwalk');

describe('Catwalk-style project on PostgreSQL', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 120_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  const cli = (...a: string[]) => main([...a, '--project-dir', dir, '--profiles-dir', dir, '--no-color']);
  const q = (sql: string) => pgQuery(db, sql);

  before(async () => {
    db = await freshDatabase('catwalk');
    exportPgEnv(db);
    process.env.CATWALK_DBNAME = db.database;
    dir = mkdtempSync(join(tmpdir(), 'strata-catwalk-'));
    cpSync(FIXTURE, dir, { recursive: true });
  });
  after(async () => {
    if (db) await dropDatabase(db).catch(() => undefined);
  });

  it('seed --full-refresh --target prod && run --target prod', async () => {
    assert.equal(await cli('seed', '--full-refresh', '--target', 'prod'), 0);
    assert.deepEqual(await q(`select count(*)::int from analytics.episodes`), [[5]]);
    assert.deepEqual(
      await q(`select column_name, data_type from information_schema.columns where table_schema = 'analytics' and table_name = 'episodes' order by ordinal_position`),
      [
        ['episode_id', 'integer'],
        ['patient_id', 'integer'],
        ['issue_type', 'text'],
        ['outcome', 'text'],
        ['started_at', 'timestamp with time zone'],
        ['ended_at', 'timestamp with time zone'],
      ],
      'types guessed from the CSV',
    );
    assert.deepEqual(await q(`select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'analytics.patients'::regclass and attname = 'province'`), [['character(2)']], 'column_types win');
    assert.deepEqual(await q(`select ended_at from analytics.episodes where episode_id = 5`), [[null]], 'an empty field is NULL');
    assert.deepEqual(await q(`select code, name, population from analytics.provinces order by code`), [
      ['BC', 'British Columbia', 5000879],
      ['NS', 'Nova Scotia', null],
      ['ON', 'Ontario; the big one', 14223942],
      ['QC', 'Québec', 8604495],
    ], 'a ; delimited seed with quotes and UTF-8');

    assert.equal(await cli('run', '--target', 'prod'), 0);
    assert.deepEqual(await q(`select episode_id::int, practitioners_on_shift::int, covered from analytics.episode_coverage order by episode_id`), [
      [1, 1, true],
      [2, 1, true],
      [3, 1, true],
      [4, 1, true],
      [5, 0, false],
    ]);
    assert.deepEqual(await q(`select local_day::text, episodes::int, resolved::int, mental_health::int from analytics.daily_episodes order by local_day`), [
      ['2018-03-01', 3, 2, 1],
      ['2018-03-02', 1, 1, 1],
      ['2018-03-03', 1, 0, 0],
      ['2018-03-04', 0, 0, 0],
    ]);
    assert.deepEqual(await q(`select started_at_local::text from analytics.base_episodes where episode_id = 2`), [['2018-03-01 18:30:00']]);
    assert.deepEqual(await q(`select count(*)::int from pg_stat_user_tables where schemaname = 'analytics' and relname = 'daily_episodes' and last_analyze is not null`), [[1]], 'the post-hook analyzed the table');
    assert.equal(await cli('test', '--target', 'prod'), 0);
    // The dev target (the default) is another schema.
    assert.deepEqual(await q(`select count(*)::int from information_schema.tables where table_schema = 'analytics_dev'`), [[0]]);
  });

  it('archives into archive (prod suffix "") and keep history across seed reloads', async () => {
    assert.equal(await cli('snapshot', '--target', 'prod', '--vars', "schema_suffix: ''"), 0);
    assert.deepEqual(await q(`select count(*)::int from archive.patients_archive`), [[4]]);
    // The source changes: a plan change and a new patient, reloaded with --full-refresh.
    const csv = join(dir, 'seeds', 'patients.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('102,ON,premium,2018-01-01', '102,ON,basic,2018-02-01'));
    appendFileSync(csv, '105,NS,premium,2018-02-01\n');
    assert.equal(await cli('seed', '--full-refresh', '--target', 'prod', '--select', 'patients'), 0);
    assert.equal(await cli('snapshot', '--target', 'prod', '--vars', "schema_suffix: ''"), 0);
    assert.deepEqual(await q(`select patient_id::int, plan, dbt_valid_from::date::text, dbt_valid_to::date::text from archive.patients_archive where patient_id in (102, 105) order by patient_id, dbt_valid_from`), [
      [102, 'premium', '2018-01-01', '2018-02-01'],
      [102, 'basic', '2018-02-01', null],
      [105, 'premium', '2018-02-01', null],
    ]);
    // The default suffix writes the dev archive.
    assert.equal(await cli('snapshot', '--target', 'prod'), 0);
    assert.deepEqual(await q(`select count(*)::int from archive_dev.patients_archive`), [[5]]);
  });

  it('a seed value that does not fit its column names the file, line and column; the table is kept', async () => {
    const csv = join(dir, 'seeds', 'episodes.csv');
    const original = readFileSync(csv, 'utf8');
    // Keep the table (no --full-refresh): rows are replaced through COPY, and a bad value stops it.
    writeFileSync(csv, original.replace('4,103,', 'four,103,'));
    const errs: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (errs.push(String(s)), write(s))) as typeof process.stdout.write;
    try {
      assert.equal(await cli('seed', '--target', 'prod', '--select', 'episodes'), 1);
    } finally {
      process.stdout.write = write;
    }
    const out = errs.join('');
    assert.match(out, /seeds\/episodes\.csv/);
    assert.match(out, /invalid input syntax for type integer: "four"/);
    assert.match(out, /line 5|:5/);
    assert.deepEqual(await q(`select count(*)::int from analytics.episodes`), [[5]], 'the old rows are still there');
    writeFileSync(csv, original);
  });

  it('a server error names the model, the compiled SQL line and the server hint', async () => {
    writeFileSync(join(dir, 'models', 'transform', 'broken.sql'), `select\n    episode_id,\n    started_at + 'x'::text as wrong\nfrom {{ ref('base_episodes') }}\n`);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(String(s)), write(s))) as typeof process.stdout.write;
    try {
      assert.equal(await cli('run', '--target', 'prod', '--select', 'broken'), 1);
    } finally {
      process.stdout.write = write;
    }
    const text = out.join('');
    assert.match(text, /Database error in model broken \(models\/transform\/broken\.sql\)/);
    assert.match(text, /operator does not exist: timestamp with time zone \+ text/);
    assert.match(text, /HINT: +No operator matches/);
    assert.match(text, /compiled SQL at target\/compiled\/catwalk\/models\/transform\/broken\.sql:3/);
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
    assert.equal(results.results[0].status, 'error');
  });
});
