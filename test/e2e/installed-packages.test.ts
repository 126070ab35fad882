/**
 * A project whose packages.yml names a hub package builds from what `dbt deps` installed in
 * dbt_packages/ (test/fixtures/run/installed: a hub package with a dispatched macro and a
 * model, and a package packages.yml no longer names, which dbt builds too). dbt-core builds
 * the same fixture in test/e2e/differential.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'installed');

test('packages installed by `dbt deps` build; show prints dates as dates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-installed-'));
  try {
    cpSync(FIXTURE, dir, { recursive: true });
    const db = join(dir, 'warehouse.duckdb');
    process.env['INSTALLED_DB'] = db;
    await queryDuckDb(db, readFileSync(join(FIXTURE, 'raw.sql'), 'utf8'));
    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    const strata = (...args: string[]) => main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });

    assert.equal(await strata('build'), 0, out.join(''));
    assert.deepEqual(await queryDuckDb(db, 'select id, amount, kind_label from main.orders order by id'), [
      [1, 12.5, 'Online'],
      [2, 3.99, 'Store'],
      [3, 100.01, 'Online'],
    ]);
    assert.deepEqual(await queryDuckDb(db, 'select still_built from main.legacy_marker'), [[1]]);

    out.length = 0;
    assert.equal(await strata('show', '--inline', "select * from {{ ref('order_days') }} order by day", '--limit', '2', '--log-format', 'json'), 0, out.join(''));
    // with --log-format json, the table is the message of a log line
    const shown = JSON.parse((JSON.parse(out.join('').trim()) as { msg: string }).msg) as { columns: string[]; rows: unknown[][] };
    assert.deepEqual(shown.rows, [
      ['2024-01-01', 1],
      ['2024-01-02', 0],
    ]);
  } finally {
    delete process.env['INSTALLED_DB'];
    rmSync(dir, { recursive: true, force: true });
  }
});
