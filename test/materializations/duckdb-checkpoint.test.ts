/**
 * DuckDB's automatic checkpoint during runs: the driver raises `checkpoint_threshold`
 * unless the profile sets it, so incremental models that write more than DuckDB's
 * 16 MiB default do not each pay for a checkpoint of the whole database inside their
 * commit; the database is checkpointed when the adapter closes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { materialize } from '../../src/materializations/index.js';
import { exec, modelContext, openDuckDB, rows, tempProject } from './helpers.js';

async function setting(adapter: Awaited<ReturnType<typeof openDuckDB>>, name: string): Promise<string> {
  const r = await adapter.withSession((s) => s.execute(`select current_setting('${name}')`));
  return String(r.rows[0]![0]);
}

/** What DuckDB itself reports for `checkpoint_threshold` set to `value` (or its default). */
async function duckdbReports(value?: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:', value ? { checkpoint_threshold: value } : {});
  try {
    const c = await instance.connect();
    const v = String((await c.runAndReadAll(`select current_setting('checkpoint_threshold')`)).getRows()[0]![0]);
    c.closeSync();
    return v;
  } finally {
    instance.closeSync();
  }
}

describe('DuckDB checkpoint threshold', () => {
  it('is raised by default, so a large incremental commit does not checkpoint inside the model', async () => {
    const project = tempProject();
    const adapter = await openDuckDB(project.dir);
    const file = join(project.dir, 'target', 'proj.duckdb');
    try {
      const value = await setting(adapter, 'checkpoint_threshold');
      assert.notEqual(value, await duckdbReports(), 'not DuckDB’s default');
      assert.equal(value, await duckdbReports('1GB'));
      // A first build, then an incremental run whose deletes alone log well over 16 MiB
      // (DuckDB logs the row ids of deleted rows; large inserts go to the file directly).
      await exec(adapter, 'create table src_big as select i as id, i % 7 as v from range(2500000) t(i)');
      const ctx = () => modelContext(adapter, 'inc_big', { materialized: 'incremental', unique_key: 'id', incremental_strategy: 'delete+insert' }, () => 'select * from src_big');
      await materialize('incremental', ctx());
      await exec(adapter, 'checkpoint');
      const r = await materialize('incremental', ctx());
      assert.equal(r.rowsAffected, 2500000);
      // Still in the write-ahead log: no checkpoint ran at the model's commit.
      const wal = existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0;
      assert.ok(wal > 16 * 1024 * 1024, `the WAL holds the incremental run (${wal} bytes)`);
    } finally {
      await adapter.close();
    }
    try {
      // Closing checkpointed it: the log is gone and the data is in the file.
      assert.ok(!existsSync(`${file}.wal`) || statSync(`${file}.wal`).size === 0, 'the WAL is folded in on close');
      const again = await openDuckDB(project.dir);
      try {
        assert.deepEqual(await rows(again, 'select count(*), count(distinct id), sum(v) from inc_big'), await rows(again, 'select count(*), count(distinct id), sum(v) from src_big'));
      } finally {
        await again.close();
      }
    } finally {
      project.cleanup();
    }
  });

  it('keeps the threshold a profile sets', async () => {
    const project = tempProject();
    const adapter = await openDuckDB(project.dir, 2, { settings: { checkpoint_threshold: '32MB' } });
    try {
      assert.equal(await setting(adapter, 'checkpoint_threshold'), await duckdbReports('32MB'));
    } finally {
      await adapter.close();
      project.cleanup();
    }
  });
});
