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
  // second, and when test accounts and shared devices were added.)
  const path = join(dir, 'pinned.duckdb');
  await generateProfilesSync({ people: 300, days: 20, seed: 11, output: { kind: 'duckdb', path, schema: 'landing' } });
  assert.deepEqual(await fingerprint(path), {
    id_graph_updates: '553:932be74dd085ae36f34c5b5ff7f0599c',
    external_id_mapping_updates: '1697:0281a186e43bdf6619e44a1ffe2abcf2',
    profile_traits_updates: '612:ce7c912f97e00214e5b1a2d4a14bf89a',
    identifies: '606:b301766f900624917186f5d8de2b0d95',
    pages: '1070:41d1ecf8a656ab077a7d314e0aaa94f2',
    tracks: '400:f8be60a60c26f12831537589c04864e5',
    truth_id_graph: '456:b2c56bb53196f84982d0acbbe7233a08',
    truth_profile_traits: '456:c55d5f0978af6229e4e0c7b9c89f53ef',
    truth_external_id_mapping: '893:495985d975cde4ce5e792dd146cce1a8',
    truth_shared_devices: '4:610ec30a6605959ac127cda6fab4cfc0',
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
