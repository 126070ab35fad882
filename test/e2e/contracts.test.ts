/**
 * Enforced model contracts (test/fixtures/run/contracts; dbt-core builds the same fixture in
 * differential.test.ts): the declared constraints exist on the built table; a query that no
 * longer meets its contract, or rows that break a constraint, fail the build with the
 * differences listed and leave the table as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'contracts');

test('contracts: constraints are created, and a broken contract or constraint fails the build without touching the table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-contracts-'));
  try {
    cpSync(FIXTURE, dir, { recursive: true });
    const db = join(dir, 'warehouse.duckdb');
    process.env['CONTRACTS_DB'] = db;
    await queryDuckDb(db, readFileSync(join(FIXTURE, 'raw.sql'), 'utf8'));
    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    const strata = async (...args: string[]) => {
      out.length = 0;
      return main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
    };
    const orders = () => queryDuckDb(db, 'select order_id, customer, amount from main.orders order by order_id');

    assert.equal(await strata('build'), 0, out.join(''));
    const constraints = await queryDuckDb(db, "select constraint_type from duckdb_constraints() where table_name = 'orders' order by all");
    assert.deepEqual(constraints.map((r) => r[0]), ['CHECK', 'NOT NULL', 'NOT NULL', 'PRIMARY KEY']);
    const before = await orders();
    assert.equal(before.length, 3);

    // the query returns a column the contract does not declare, and a declared one changes type
    const model = join(dir, 'models', 'orders.sql');
    const good = readFileSync(model, 'utf8');
    writeFileSync(model, good.replace('cast(id as integer) as order_id', 'cast(id as varchar) as order_id, 1 as extra'));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    const text = out.join('');
    assert.match(text, /Model orders has an enforced contract that its query does not meet/);
    assert.match(text, /\| order_id +\| VARCHAR +\| INTEGER +\| data type mismatch +\|/);
    assert.match(text, /\| extra +\| INTEGER +\| +\| missing in contract +\|/);
    assert.deepEqual(await orders(), before, 'the table is as it was');

    // a row that breaks the check constraint
    writeFileSync(model, good.replace('amount_cents / 100.0', '(amount_cents - 500) / 100.0'));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    assert.match(out.join(''), /CHECK constraint failed/i);
    assert.deepEqual(await orders(), before, 'the table is as it was');

    // a column without a data_type
    writeFileSync(model, good);
    const yml = join(dir, 'models', 'schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('        data_type: timestamp\n', ''));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    assert.match(out.join(''), /every column needs a data_type in its YAML; these have none: ordered_at/);
  } finally {
    delete process.env['CONTRACTS_DB'];
    rmSync(dir, { recursive: true, force: true });
  }
});
