/**
 * The materialized_view materialization on PostgreSQL (test/fixtures/run/matview; dbt-postgres
 * builds the same steps in differential.test.ts): a later run refreshes it; a change of its
 * indexes is applied (and the data refreshed), skipped with a warning, or fails, as
 * `on_configuration_change` says. DuckDB has no materialized views and says so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { SKIP_POSTGRES, dropDatabase, exportPgEnv, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'matview');

describe('materialized views', { skip: SKIP_POSTGRES ? 'STRATA_SKIP_POSTGRES=1' : false, timeout: 120_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  const out: string[] = [];
  const strata = (...args: string[]) => {
    out.length = 0;
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    return main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  };
  const output = () => out.join('');
  const daily = () => pgQuery(db, 'select day::text, orders::int, amount::int from main.daily order by 1');
  const indexes = async () => (await pgQuery(db, "select regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON') from pg_indexes where schemaname = 'main' and tablename = 'daily' order by 1")).map((r) => String(r[0]));
  const model = () => join(dir, 'models', 'daily.sql');

  before(async () => {
    db = await freshDatabase('matview');
    exportPgEnv(db);
    process.env.MATVIEW_DBNAME = db.database;
    dir = mkdtempSync(join(tmpdir(), 'strata-matview-'));
    cpSync(FIXTURE, dir, { recursive: true });
    await pgQuery(db, readFileSync(join(FIXTURE, 'raw.sql'), 'utf8'));
  });
  after(async () => {
    delete process.env.MATVIEW_DBNAME;
    await dropDatabase(db).catch(() => undefined);
  });

  it('is created with its indexes, then refreshed; index changes follow on_configuration_change', async () => {
    assert.equal(await strata('build'), 0, output());
    assert.deepEqual(await pgQuery(db, "select relkind::text from pg_class where relname = 'daily'"), [['m']]);
    assert.deepEqual(await indexes(), ['CREATE UNIQUE INDEX ON main.daily USING btree (day)']);
    assert.deepEqual(await daily(), [['2024-01-01', 2, 35], ['2024-01-02', 1, 5]]);

    await pgQuery(db, "insert into main.orders values (4, date '2024-01-02', 50)");
    assert.equal(await strata('run', '-s', 'daily'), 0, output());
    assert.match(output(), /REFRESH MATERIALIZED VIEW/);
    assert.deepEqual(await daily(), [['2024-01-01', 2, 35], ['2024-01-02', 2, 55]]);

    // apply (the default): the index changes, and the data is refreshed too
    const sql = readFileSync(model(), 'utf8');
    writeFileSync(model(), sql.replace("indexes=[{'columns': ['day'], 'unique': True}]", "indexes=[{'columns': ['day', 'orders']}]"));
    await pgQuery(db, "insert into main.orders values (5, date '2024-01-03', 70)");
    assert.equal(await strata('run', '-s', 'daily'), 0, output());
    assert.deepEqual(await indexes(), ['CREATE INDEX ON main.daily USING btree (day, orders)']);
    assert.deepEqual((await daily()).length, 3);

    // continue: nothing changes, with a warning; fail: the run fails
    writeFileSync(model(), sql.replace("indexes=[{'columns': ['day'], 'unique': True}]", "indexes=[{'columns': ['amount']}], on_configuration_change='continue'"));
    assert.equal(await strata('run', '-s', 'daily'), 0, output());
    assert.match(output(), /skip/);
    assert.deepEqual(await indexes(), ['CREATE INDEX ON main.daily USING btree (day, orders)']);
    writeFileSync(model(), sql.replace("indexes=[{'columns': ['day'], 'unique': True}]", "indexes=[{'columns': ['amount']}], on_configuration_change='fail'"));
    assert.equal(await strata('run', '-s', 'daily'), 1);
    assert.match(output(), /the indexes of .*daily.* differ from its config, and on_configuration_change is 'fail'/);

    // --full-refresh replaces it, with the configured index; the view built on it is kept
    assert.equal(await strata('run', '-s', 'daily', '--full-refresh'), 0, output());
    assert.deepEqual(await indexes(), ['CREATE INDEX ON main.daily USING btree (amount)']);
    assert.deepEqual(await pgQuery(db, 'select count(*)::int from main.big_days'), [[3]]);

    // a table in its place is replaced by the materialized view
    writeFileSync(model(), sql.replace("materialized='materialized_view'", "materialized='table'"));
    assert.equal(await strata('run', '-s', 'daily'), 0, output());
    assert.deepEqual(await pgQuery(db, "select relkind::text from pg_class where relname = 'daily'"), [['r']]);
    writeFileSync(model(), sql);
    assert.equal(await strata('run', '-s', 'daily'), 0, output());
    assert.deepEqual(await pgQuery(db, "select relkind::text from pg_class where relname = 'daily'"), [['m']]);
  });
});

it('DuckDB has no materialized views: the build says so', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir: project, strata: run, output }) => {
    writeFileSync(join(project, 'models', 'orders.sql'), "{{ config(materialized='materialized_view') }}\nselect 1 as id");
    assert.equal(await run('run', '-s', 'orders'), 1);
    assert.match(output(), /Model orders: materialized views are not supported on duckdb/);
  }));
