/**
 * The generator's worker threads: the same seed gives the same tables, in the same
 * staging order, with one thread or several (blocks are delivered in block order).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateProfilesSync } from '../../src/generate/profiles-sync.js';
import { LANDING_TABLES, TRUTH_TABLES } from '../../src/generate/profiles-sync-tables.js';
import { BLOCK_PEOPLE } from '../../src/generate/profiles-sync-simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-generate-workers-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function fingerprint(path: string): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  try {
    const out: Record<string, string> = {};
    for (const [schema, specs] of [['landing', LANDING_TABLES], ['landing_truth', TRUTH_TABLES]] as const) {
      for (const spec of specs) {
        const reader = await c.runAndReadAll(`select count(*) || ':' || md5(string_agg(cast(t as varchar), '\n' order by cast(t as varchar))) from ${schema}.${spec.name} t`);
        out[spec.name] = String(reader.getRows()[0]![0]);
      }
    }
    return out;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

test('one thread and three worker threads write the same tables', async () => {
  // Several blocks, the last one partial, so that blocks finish out of order in the workers.
  const people = BLOCK_PEOPLE * 5 + 17;
  const progress: number[] = [];
  const one = await generateProfilesSync({ people, days: 30, seed: 5, workers: 1, output: { kind: 'duckdb', path: join(dir, 'one.duckdb'), schema: 'landing' } });
  const three = await generateProfilesSync({
    people, days: 30, seed: 5, workers: 3, onProgress: (n) => progress.push(n),
    output: { kind: 'duckdb', path: join(dir, 'three.duckdb'), schema: 'landing' },
  });
  assert.deepEqual(three.tables, one.tables);
  assert.equal(three.profiles, one.profiles);
  assert.equal(three.merges, one.merges);
  assert.ok(one.merges > 100, `merges ${one.merges}`);
  assert.deepEqual(await fingerprint(join(dir, 'three.duckdb')), await fingerprint(join(dir, 'one.duckdb')));
  // Progress is reported at each multiple of 100,000 staging rows, in order.
  assert.ok(progress.length >= 1, 'progress reported');
  assert.deepEqual(progress, progress.map((_, i) => (i + 1) * 100_000));
});

test('an invalid worker count is a usage error', async () => {
  await assert.rejects(
    generateProfilesSync({ people: 10, days: 5, seed: 1, workers: 0, output: { kind: 'duckdb', path: join(dir, 'bad.duckdb'), schema: 'landing' } }),
    (e: Error) => /workers must be a positive integer/.test(e.message),
  );
});
