/**
 * The generator's fast path: the column buffers the simulation writes into, the batched
 * loads through two staging slots per table, and the promise that the output for a seed
 * does not change (pinned to the tables it writes for one seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDuckDb } from '../helpers/duckdb.js';
import { generateProfilesSync } from '../../src/generate/profiles-sync.js';
import { LANDING_TABLES, TRUTH_TABLES } from '../../src/generate/profiles-sync-tables.js';
import { StagingRows } from '../../src/generate/staging-rows.js';
import { StrataError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-generate-pipeline-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** count:md5 of every table's rows in a canonical order, per table. */
async function fingerprint(path: string): Promise<Record<string, string>> {
  return withDuckDb(path, async (c) => {
    const out: Record<string, string> = {};
    for (const [schema, specs] of [['landing', LANDING_TABLES], ['landing_truth', TRUTH_TABLES]] as const) {
      for (const spec of specs) {
        const cols = spec.columns.map(([n]) => `"${n}"`).join(', ');
        const reader = await c.runAndReadAll(`select count(*) || ':' || md5(string_agg(cast(t as varchar), '\n' order by cast(t as varchar))) from (select ${cols} from ${schema}.${spec.name}) t`);
        out[spec.name] = String(reader.getRows()[0]![0]);
      }
    }
    return out;
  });
}

test('StagingRows grows, duplicates rows and hands over trimmed columns', () => {
  const rows = new StagingRows(2, 2);
  for (let i = 0; i < 5; i++) {
    const r = rows.add();
    rows.columns[0]![r] = i;
    rows.columns[1]![r] = i * 10;
  }
  const copy = rows.duplicate(3);
  assert.equal(copy, 5);
  assert.equal(rows.rows, 6);
  const [a, b] = rows.take();
  assert.deepEqual([...a!], [0, 1, 2, 3, 4, 3]);
  assert.deepEqual([...b!], [0, 10, 20, 30, 40, 30]);
  assert.equal(rows.rows, 0, 'empty again after take');
  assert.equal(rows.add(), 0);
});

test('the rows for a seed are the ones the generator has always written for it', async () => {
  // Fingerprints of the tables the generator writes for (people 300, days 20, seed 11):
  // same seed, same rows, value for value. (Pinned when the rewrite for speed kept every
  // row; pinned again when events after the period's end stopped being piled onto its last
  // second.)
  const path = join(dir, 'pinned.duckdb');
  await generateProfilesSync({ people: 300, days: 20, seed: 11, output: { kind: 'duckdb', path, schema: 'landing' } });
  assert.deepEqual(await fingerprint(path), {
    id_graph_updates: '553:365b98f33f1c2c5a3c253da322f9dd6d',
    external_id_mapping_updates: '1624:2627bb4af8767f5f5a3d22d3b45b6f87',
    profile_traits_updates: '578:e98c4c018afa5a3f40c449ce2f46eb89',
    identifies: '572:71e2282084f3f2c5a457ebb1a2a00166',
    pages: '1070:3c867c8f8e3fc9594a70649cc461eec2',
    tracks: '400:279b75233aa33989c5b5a899b4c37496',
    truth_id_graph: '456:b2c56bb53196f84982d0acbbe7233a08',
    truth_profile_traits: '456:9b20da952189882c86fd60d736c54200',
    truth_external_id_mapping: '854:1ae3ccba35962a177969b46f120250df',
  });
});

test('small batches (many slot switches, loads running side by side) write the same tables', async () => {
  const one = join(dir, 'one-batch.duckdb');
  const many = join(dir, 'many-batches.duckdb');
  const a = await generateProfilesSync({ people: 1500, days: 15, seed: 3, output: { kind: 'duckdb', path: one, schema: 'landing' } });
  const b = await generateProfilesSync({ people: 1500, days: 15, seed: 3, batchRows: 337, output: { kind: 'duckdb', path: many, schema: 'landing' } });
  assert.ok(a.tables.external_id_mapping_updates! > 337 * 10, 'the small batches are many');
  assert.deepEqual(b.tables, a.tables);
  assert.deepEqual(await fingerprint(many), await fingerprint(one));
});

test('a generation over an existing one replaces it, and batchRows is checked', async () => {
  const path = join(dir, 'again.duckdb');
  await generateProfilesSync({ people: 200, days: 10, seed: 1, output: { kind: 'duckdb', path, schema: 'landing' } });
  const second = await generateProfilesSync({ people: 50, days: 10, seed: 1, output: { kind: 'duckdb', path, schema: 'landing' } });
  await withDuckDb(path, async (c) => {
    const n = Number((await c.runAndReadAll('select count(*) from landing.id_graph_updates')).getRows()[0]![0]);
    assert.equal(n, second.tables.id_graph_updates);
  });
  await assert.rejects(
    generateProfilesSync({ people: 5, days: 5, seed: 1, batchRows: 0, output: { kind: 'duckdb', path, schema: 'landing' } }),
    (e: unknown) => e instanceof StrataError && /batchRows/.test(e.message),
  );
});
