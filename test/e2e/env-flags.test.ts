/**
 * The settings dbt reads from the environment, which CI jobs and containers set instead of
 * flags: DBT_PROJECT_DIR, DBT_TARGET, DBT_PROFILE (and --profile), DBT_LOG_FORMAT, DBT_EMPTY. A
 * flag given on the command line wins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('DBT_PROJECT_DIR, DBT_TARGET, DBT_PROFILE, DBT_LOG_FORMAT and DBT_EMPTY do what their flags do', () =>
  withFixtureProject('defer', 'DEFER_DB', async ({ dir, db }) => {
    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    const strata = async (env: Record<string, string>, ...args: string[]): Promise<number> => {
      out.length = 0;
      Object.assign(process.env, env);
      try {
        return await main([...args, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
      } finally {
        for (const k of Object.keys(env)) delete process.env[k];
      }
    };
    const tables = async (schema: string) =>
      (await queryDuckDb(db, `select table_name from information_schema.tables where table_schema = '${schema}' order by 1`)).map((r) => r[0]);

    // no --project-dir: DBT_PROJECT_DIR says where; DBT_TARGET picks prod
    assert.equal(await strata({ DBT_PROJECT_DIR: dir, DBT_TARGET: 'prod' }, 'run', '-s', 'orders'), 0, out.join(''));
    assert.deepEqual(await tables('prod'), ['orders']);
    // a flag wins over the environment
    assert.equal(await strata({ DBT_PROJECT_DIR: dir, DBT_TARGET: 'prod' }, 'run', '-s', 'orders', '--target', 'dev'), 0, out.join(''));
    assert.deepEqual(await tables('dev'), ['orders']);

    // another profile of the same profiles.yml, by --profile or DBT_PROFILE
    appendFileSync(`${dir}/profiles.yml`, `other:\n  target: x\n  outputs:\n    x:\n      type: duckdb\n      path: "{{ env_var('DEFER_DB') }}"\n      schema: other\n`);
    assert.equal(await strata({}, 'run', '-s', 'orders', '--project-dir', dir, '--profile', 'other'), 0, out.join(''));
    assert.deepEqual(await tables('other'), ['orders']);
    assert.equal(await strata({ DBT_PROFILE: 'other' }, 'run', '-s', 'big_orders', '--project-dir', dir), 0, out.join(''));
    assert.deepEqual(await tables('other'), ['big_orders', 'orders']);

    // DBT_LOG_FORMAT=json: one JSON object per line; DBT_EMPTY: built with no rows
    assert.equal(await strata({ DBT_LOG_FORMAT: 'json', DBT_EMPTY: 'true' }, 'run', '-s', 'orders', '--project-dir', dir, '--target', 'prod'), 0, out.join(''));
    const lines = out.join('').trim().split('\n');
    assert.ok(lines.every((l) => typeof (JSON.parse(l) as { level?: string }).level === 'string'), out.join(''));
    assert.deepEqual(await queryDuckDb(db, 'select count(*)::int from prod.orders'), [[0]]);
  }));
