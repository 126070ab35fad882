/**
 * dbt-postgres's `indexes` config: a table (and an incremental model's first build and
 * full refresh) gets its indexes, created on the staged table so the relation appears with
 * them, after every rebuild as well; DuckDB ignores the config as dbt-duckdb does; a bad
 * config is an error naming the model.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter, registerEngine } from '../../src/adapters/index.js';
import type { Adapter } from '../../src/adapters/adapter.js';
import { postgresEngine } from '../../src/adapters/postgres/index.js';
import { materialize } from '../../src/materializations/index.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, type PgDatabase } from '../helpers/pg-server.js';
import { modelContext } from '../materializations/helpers.js';

registerEngine(postgresEngine);

const INDEXES = [{ columns: ['id'], unique: true }, { columns: ['kind', 'lower(label)'] }, { columns: ['ts'], type: 'brin' }];
const SQL = "select i as id, 'k' || (i % 3) as kind, 'L' || i as label, timestamp '2024-01-01' + i * interval '1 hour' as ts from generate_series(1, 50) as t(i)";

async function indexesOf(a: Adapter, table: string): Promise<string[]> {
  const r = await a.withSession((s) => s.execute(`select indexdef from pg_indexes where schemaname = 'analytics' and tablename = '${table}'`));
  // The names hold a hash of the build: compare what each index is.
  return r.rows.map((row) => String(row[0]).replace(/INDEX \S+ ON/, 'INDEX ON')).sort();
}

describe('the indexes config', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 60_000 }, () => {
  let db: PgDatabase;
  let pg: Adapter;
  before(async () => {
    db = await freshDatabase('indexes');
    pg = await createAdapter({ type: 'postgres', fields: { host: db.host, port: db.port, user: db.user, dbname: db.database, schema: 'analytics' }, threads: 2 }, { projectDir: tmpdir(), projectName: 'proj' });
  });
  after(async () => {
    await pg?.close();
    if (db) await dropDatabase(db);
  });

  it('creates a table with its indexes, and again on every rebuild', async () => {
    const expected = [
      'CREATE INDEX ON analytics.t_idx USING brin (ts)',
      'CREATE INDEX ON analytics.t_idx USING btree (kind, lower(label))',
      'CREATE UNIQUE INDEX ON analytics.t_idx USING btree (id)',
    ];
    for (let run = 0; run < 2; run++) {
      const r = await materialize('table', modelContext(pg, 't_idx', { indexes: INDEXES }, () => SQL));
      assert.equal(r.status, 'success');
      assert.deepEqual(await indexesOf(pg, 't_idx'), expected, `run ${run + 1}`);
    }
    // The unique index holds.
    await assert.rejects(pg.withSession((s) => s.execute('insert into analytics.t_idx (id) values (1)')), /duplicate key/);
  });

  it('an incremental model gets them on its first build and keeps them on incremental runs', async () => {
    const config = { materialized: 'incremental', unique_key: 'id', incremental_strategy: 'delete+insert', indexes: [{ columns: ['id'], unique: true }] };
    for (let run = 0; run < 2; run++) {
      const r = await materialize('incremental', modelContext(pg, 'inc_idx', config, () => SQL));
      assert.equal(r.status, 'success');
      assert.deepEqual(await indexesOf(pg, 'inc_idx'), ['CREATE UNIQUE INDEX ON analytics.inc_idx USING btree (id)'], `run ${run + 1}`);
    }
  });

  it('rejects a malformed config with the model name', async () => {
    await assert.rejects(materialize('table', modelContext(pg, 't_bad', { indexes: [{ columns: [] }] }, () => SQL)), /Model t_bad: indexes\[0\]\.columns must be a non-empty list/);
    await assert.rejects(materialize('table', modelContext(pg, 't_bad', { indexes: [{ columns: ['id'], uniq: true }] }, () => SQL)), /unknown keys: uniq/);
  });

  it('is ignored on DuckDB, as dbt-duckdb does', async () => {
    const duck = await createAdapter({ type: 'duckdb', fields: {}, threads: 1 }, { projectDir: mkdtempSync(join(tmpdir(), 'strata-idx-')), projectName: 'proj' });
    try {
      const r = await materialize('table', modelContext(duck, 't_idx', { indexes: INDEXES }, () => 'select range as id, range % 3 as kind from range(10)'));
      assert.equal(r.status, 'success');
      const n = await duck.withSession((s) => s.execute("select count(*) from duckdb_indexes() where table_name = 't_idx'"));
      assert.equal(Number(n.rows[0]![0]), 0);
    } finally {
      await duck.close();
    }
  });
});
