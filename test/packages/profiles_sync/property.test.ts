/**
 * Property test of profiles_sync on Strata: generated data (src/generate) split into random
 * load schedules with late rows inside etl_overlap; after the last incremental run every
 * model must equal the full build, and id_graph, profile_traits and external_id_mapping
 * must equal the generator's ground truth. 50 schedules by default (the minimum);
 * STRATA_PS_SCHEDULES=N runs N instead. The dbt-core twin is test/harness/dbt/run_generated.py.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDb } from '../../helpers/duckdb.js';
import { generateProfilesSync } from '../../../src/generate/profiles-sync.js';
import { batchCount, loadBatchSql, randomLoadSchedule } from '../../../src/generate/load-schedule.js';
import { LANDING_TABLES } from '../../../src/generate/profiles-sync-tables.js';
import { PACKAGE_MODELS, snapshotModels, writeProject } from './fixture-case.js';

type Main = (argv: string[]) => Promise<number>;
const cliUrl = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.js')).href;
const SCHEDULES = Number(process.env.STRATA_PS_SCHEDULES ?? 50);
const OVERLAP = 28;
const TRAITS = 'email, name, plan, company, city, logins, lifetime_value, is_subscribed';
const TRUTH: Record<string, [string, string]> = {
  id_graph: ['select segment_id, canonical_segment_id from main.id_graph', 'select segment_id, canonical_segment_id from complete_truth.truth_id_graph'],
  profile_traits: [`select canonical_segment_id, merged_to, ${TRAITS} from main.profile_traits`, `select canonical_segment_id, merged_to, ${TRAITS} from complete_truth.truth_profile_traits`],
  external_id_mapping: [
    'select external_id_hash, external_id_type, external_id_value, canonical_segment_id from main.external_id_mapping',
    'select external_id_hash, external_id_type, external_id_value, canonical_segment_id from complete_truth.truth_external_id_mapping',
  ],
  // the generator's test accounts, and everyone else with more than 15 identifiers (the package's default limit)
  identity_profiles_many_identifiers: [
    'select canonical_segment_id, identifiers, identifier_types, user_ids, emails, anonymous_ids from main.identity_profiles_many_identifiers',
    `select canonical_segment_id, count(*), count(distinct external_id_type), count(*) filter (where external_id_type = 'user_id'),
       count(*) filter (where external_id_type = 'email'), count(*) filter (where external_id_type = 'anonymous_id')
     from complete_truth.truth_external_id_mapping group by canonical_segment_id having count(*) > 15`,
  ],
  // the shared devices visited by people whose profiles are still distinct
  identity_shared_identifiers: [
    'select external_id_hash, external_id_type, profiles, first_profile, last_profile from main.identity_shared_identifiers',
    `select external_id_hash, external_id_type, count(distinct canonical_segment_id), min(canonical_segment_id), max(canonical_segment_id)
     from complete_truth.truth_shared_devices group by external_id_hash, external_id_type having count(distinct canonical_segment_id) > 1`,
  ],
};


async function count(c: DuckDBConnection, sql: string): Promise<number> {
  return Number((await c.runAndReadAll(sql)).getRows()[0]![0]);
}

async function truthDifferences(c: DuckDBConnection): Promise<string[]> {
  const out: string[] = [];
  for (const [model, [actual, truth]] of Object.entries(TRUTH)) {
    const missing = await count(c, `select count(*) from ((${truth}) except (${actual}))`);
    const extra = await count(c, `select count(*) from ((${actual}) except (${truth}))`);
    if (missing || extra) out.push(`${model}: ${missing} truth rows missing, ${extra} unexpected`);
  }
  return out;
}


test(`incremental runs over ${SCHEDULES} random load schedules equal the full build and the truth`, async () => {
  const { main } = (await import(cliUrl)) as { main: Main };
  const work = mkdtempSync(join(tmpdir(), 'strata-ps-property-'));
  try {
    const db = join(work, 'warehouse.duckdb');
    const project = join(work, 'project');
    const flags = ['--project-dir', project, '--profiles-dir', project];
    const summary = await generateProfilesSync({ people: 250, days: 20, seed: 21, output: { kind: 'duckdb', path: db, schema: 'complete' } });
    assert.ok(summary.merges > 20);
    await withDuckDb(db, async (c) => {
      // the identity-health truths are not empty, so that comparing with them can fail
      for (const model of ['identity_profiles_many_identifiers', 'identity_shared_identifiers']) {
        assert.ok(await count(c, `select count(*) from (${TRUTH[model]![1]})`) > 0, `the data has rows for ${model}`);
      }
    });

    // The full build on all the data is the reference.
    writeProject(project, db, 'incremental', { etlOverlap: OVERLAP, traitsSource: 'profile_traits_updates' }, 'complete');
    assert.equal(await main(['build', '--full-refresh', ...flags]), 0, 'full build');
    const { full, from, to } = await withDuckDb(db, async (c) => {
      assert.deepEqual(await truthDifferences(c), [], 'full build equals the truth');
      const [lo, hi] = (await c.runAndReadAll('select min(uuid_ts), max(uuid_ts) from complete.id_graph_updates')).getRows()[0]!;
      await c.run('create schema landing');
      for (const t of LANDING_TABLES) await c.run(`create table landing.${t.name} as select * from complete.${t.name} limit 0`);
      return { full: await snapshotModels(c, PACKAGE_MODELS), from: new Date(String(lo) + 'Z'), to: new Date(String(hi) + 'Z') };
    });

    writeProject(project, db, 'incremental', { etlOverlap: OVERLAP, traitsSource: 'profile_traits_updates' }, 'landing');
    for (let s = 0; s < SCHEDULES; s++) {
      const schedule = randomLoadSchedule(1000 + s, from, to, { lateHours: OVERLAP - 4 });
      await withDuckDb(db, async (c) => {
        for (const t of LANDING_TABLES) await c.run(`delete from landing.${t.name}`);
      });
      for (let batch = 1; batch <= batchCount(schedule); batch++) {
        await withDuckDb(db, async (c) => {
          for (const t of LANDING_TABLES) await c.run(loadBatchSql(schedule, batch, t.name, 'complete', 'landing'));
        });
        assert.equal(await main(['run', ...(batch === 1 ? ['--full-refresh'] : []), ...flags]), 0, `schedule ${s} batch ${batch}`);
      }
      await withDuckDb(db, async (c) => {
        assert.equal(await count(c, 'select count(*) from landing.id_graph_updates'), await count(c, 'select count(*) from complete.id_graph_updates'), 'every row loaded');
        assert.deepEqual(await truthDifferences(c), [], `schedule ${s} (${JSON.stringify(schedule)}) equals the truth`);
        assert.deepEqual(await snapshotModels(c, PACKAGE_MODELS), full, `schedule ${s} equals the full build`);
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
