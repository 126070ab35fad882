/**
 * Snapshots end to end on DuckDB: timestamp and check strategies, composite keys, hard
 * deletes (invalidate and new_record) through delete → re-insert → delete cycles,
 * repeated runs on unchanged data, and a key collision that fails without damage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'run', 'snap');

const sql = queryDuckDb;

test('snapshots keep every version, close changed and deleted rows, and add nothing on unchanged data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-snap-'));
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const db = join(dir, 'target', 'snap.duckdb');
  process.env.SNAP_DB = db;
  const snap = () => main(['snapshot', '--project-dir', dir, '--profiles-dir', dir, '--no-color']);
  await sql(db, `create schema raw; create table raw.customers as select * from (values
    (1, 'ann', 'gold', timestamp '2024-01-01'),
    (2, 'bob', 'free', timestamp '2024-01-01')) t(id, name, tier, updated_at)`);

  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select id, tier, dbt_valid_to is null from snapshots.customers_ts order by id`), [
    [1, 'gold', true],
    [2, 'free', true],
  ]);
  // Unchanged data: no new versions.
  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_ts`), [[2]]);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_check`), [[2]]);

  // Bob upgrades (new updated_at); Ann's name changes but not her tier (check strategy on tier ignores it).
  await sql(db, `update raw.customers set tier = 'gold', updated_at = timestamp '2024-02-01' where id = 2; update raw.customers set name = 'anne' where id = 1`);
  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select id, tier, cast(dbt_valid_from as date)::varchar, cast(dbt_valid_to as date)::varchar from snapshots.customers_ts where id = 2 order by dbt_valid_from`), [
    [2, 'free', '2024-01-01', '2024-02-01'],
    [2, 'gold', '2024-02-01', null],
  ]);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_check where id = 1`), [[1]], 'check strategy: name is not a check column');
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_check where id = 2`), [[2]]);
  // The rows that did not change stay current (closing Bob's version must not close Ann's).
  const annCurrent = async () => [
    ...(await sql(db, `select count(*)::int from snapshots.customers_ts where id = 1 and dbt_valid_to is null`)),
    ...(await sql(db, `select count(*)::int from snapshots.customers_check where id = 1 and dbt_valid_to is null`)),
  ];
  assert.deepEqual(await annCurrent(), [[1], [1]], "Ann's versions are still current");

  // Delete Bob → re-insert → delete again.
  await sql(db, `delete from raw.customers where id = 2`);
  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_ts where id = 2 and dbt_valid_to is null`), [[0]], 'invalidate closes the deleted row');
  assert.deepEqual(await annCurrent(), [[1], [1]], "deleting Bob leaves Ann's versions current");
  assert.deepEqual(
    await sql(db, `select id, tier, dbt_valid_to = timestamp '9999-12-31' from main_snapshots.customers_yaml order by id, dbt_valid_from`),
    await sql(db, `select id, tier, dbt_valid_to is null from snapshots.customers_ts order by id, dbt_valid_from`),
    'the YAML-defined snapshot keeps the same history, its current rows valid to 9999-12-31 (dbt_valid_to_current)',
  );
  assert.deepEqual(await sql(db, `select dbt_is_deleted from snapshots.customers_check where id = 2 and dbt_valid_to is null`), [['True']], 'new_record adds a deleted version');
  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_check where id = 2`), [[3]], 'a second run adds no second deleted version');

  await sql(db, `insert into raw.customers values (2, 'bob', 'gold', timestamp '2024-03-01')`);
  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select tier, dbt_is_deleted from snapshots.customers_check where id = 2 and dbt_valid_to is null`), [['gold', 'False']]);
  assert.deepEqual(await sql(db, `select tier from snapshots.customers_ts where id = 2 and dbt_valid_to is null`), [['gold']]);
  await sql(db, `delete from raw.customers where id = 2`);
  assert.equal(await snap(), 0);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_check where id = 2`), [[5]]);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_check where id = 2 and dbt_valid_to is null`), [[1]]);
  assert.deepEqual(await sql(db, `select count(distinct dbt_scd_id)::int = count(*)::int from snapshots.customers_check`), [[true]]);

  // A key collision fails the snapshot and leaves the table as it was.
  const before = await sql(db, `select count(*)::int from snapshots.customers_ts`);
  await sql(db, `insert into raw.customers values (1, 'ann2', 'gold', timestamp '2024-04-01')`);
  assert.equal(await snap(), 1);
  assert.deepEqual(await sql(db, `select count(*)::int from snapshots.customers_ts`), before);
});
