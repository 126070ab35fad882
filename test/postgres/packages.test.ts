/**
 * The shipped packages on PostgreSQL: each profiles_sync fixture case is loaded batch by
 * batch into DuckDB and into PostgreSQL, the package is built after every batch by the
 * same CLI on both engines, and every model is compared across the engines (row sets
 * equal after normalising types). After the first batch, the package's incremental models
 * carry their indexes on PostgreSQL and none on DuckDB (profiles_sync_indexes).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';
import { listCases, readCase, writeProject, type FixtureTable } from '../packages/profiles_sync/fixture-case.js';
import { bothRows, cli, duckQuery, lastOutput, matrixProject, type MatrixProject } from './matrix-helpers.js';

const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
/** The indexes the package's incremental models get on PostgreSQL (table: indexed columns). */
const EXPECTED_INDEXES = [
  'external_id_mapping: chain_uuid_ts', 'external_id_mapping: external_id_hash', 'external_id_mapping: segment_id', 'external_id_mapping: uuid_ts',
  'id_graph: canonical_segment_id', 'id_graph: chain_uuid_ts', 'id_graph: segment_id', 'id_graph: uuid_ts',
  'identity_identifier_profiles: chain_uuid_ts', 'identity_identifier_profiles: external_id_hash', 'identity_identifier_profiles: uuid_ts',
  'identity_identifier_segments: external_id_hash', 'identity_identifier_segments: segment_id', 'identity_identifier_segments: uuid_ts',
  'profile_merges: segment_id', 'profile_merges: uuid_ts',
  'profile_trait_values: segment_id', 'profile_trait_values: uuid_ts',
  'profile_traits: canonical_segment_id', 'profile_traits: chain_uuid_ts', 'profile_traits: uuid_ts',
];
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A fixture's type name both engines read (`double` is DuckDB's alone). */
const portable = (type: string): string => (type.toLowerCase() === 'double' ? 'double precision' : type);

/** The statements creating the landing tables (columns added later left out). */
function createSql(schema: string, tables: FixtureTable[]): string[] {
  const out = [`create schema if not exists ${q(schema)}`];
  for (const t of tables) {
    const cols = t.columns.filter(([n]) => (t.added[n] ?? 1) <= 1).map(([n, type]) => `${q(n)} ${portable(type)}`).join(', ');
    out.push(`create table ${q(schema)}.${q(t.name)} (${cols})`);
  }
  return out;
}

/** The statements loading one batch (adding the columns that appear at it first). */
function batchSql(schema: string, tables: FixtureTable[], batch: number): string[] {
  const out: string[] = [];
  for (const t of tables) {
    for (const [col, b] of Object.entries(t.added)) {
      if (b === batch && batch > 1) out.push(`alter table ${q(schema)}.${q(t.name)} add column ${q(col)} ${portable(t.columns.find(([n]) => n === col)![1])}`);
    }
    const present = t.columns.filter(([n]) => (t.added[n] ?? 1) <= batch);
    for (const row of t.rows.filter((r) => r.batch === batch)) {
      const values = present.map(([n, type]) => (row.values[n] ? `cast(${lit(row.values[n]!)} as ${portable(type)})` : 'null'));
      out.push(`insert into ${q(schema)}.${q(t.name)} (${present.map(([n]) => q(n)).join(', ')}) values (${values.join(', ')})`);
    }
  }
  return out;
}

async function onBoth(p: MatrixProject, statements: string[]): Promise<void> {
  if (statements.length === 0) return;
  const sql = statements.join(';\n');
  await duckQuery(p.duckPath, sql);
  await pgQuery(p.pg, sql);
}

describe('shipped packages build the same tables on PostgreSQL as on DuckDB', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 300_000 }, () => {
  const dbs: PgDatabase[] = [];
  after(async () => {
    for (const db of dbs) await dropDatabase(db).catch(() => undefined);
  });

  for (const name of listCases()) {
    it(`profiles_sync: ${name}`, async () => {
      const { settings, tables } = readCase(name);
      const db = await freshDatabase(`pkg_${name}`);
      dbs.push(db);
      const src = mkdtempSync(join(tmpdir(), `strata-pgpkg-${name}-`));
      writeProject(src, join(src, 'unused.duckdb'), 'incremental', settings);
      const p = matrixProject(src, db);
      await onBoth(p, createSql('landing', tables));
      for (let batch = 1; batch <= settings.batches; batch++) {
        await onBoth(p, batchSql('landing', tables, batch));
        for (const t of ['duck', 'pg']) {
          const code = await cli(p, t, 'build');
          if (!settings.expectFailingTest) assert.equal(code, 0, `build of batch ${batch} on ${t}\n${lastOutput}`);
        }
        const models = (await pgQuery(p.pg, `select table_name from information_schema.tables where table_schema = 'main' order by 1`)).map((r) => String(r[0]));
        assert.ok(models.length > 0, 'the package built models');
        for (const m of models) {
          const { duck, pg } = await bothRows(p, `main.${q(m)}`);
          assert.deepEqual(pg, duck, `main.${m} after batch ${batch}: PostgreSQL and DuckDB differ`);
        }
        if (batch === 1) {
          // The incremental models' indexes (profiles_sync_indexes) exist on PostgreSQL only, and were made by the first build.
          const pgIndexes = (await pgQuery(p.pg, `select tablename, indexdef from pg_indexes where schemaname = 'main' order by 1, 2`)).map((r) => `${r[0]}: ${String(r[1]).replace(/^.*\((.*)\)$/, '$1')}`);
          // (a case whose tests fail on purpose skips the models downstream of id_graph: only the built ones are checked)
          const expected = EXPECTED_INDEXES.filter((e) => models.includes(e.split(':')[0]!));
          assert.ok(expected.length >= 4, 'id_graph at least was built');
          assert.deepEqual(pgIndexes.sort(), expected, 'the package\'s indexes on PostgreSQL');
          const duckIndexes = await duckQuery(p.duckPath, `select index_name from duckdb_indexes() where schema_name = 'main'`);
          assert.deepEqual(duckIndexes, [], 'no indexes on DuckDB');
        }
      }
    });
  }
});
