import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDb } from '../helpers/duckdb.js';
import { generateProfilesSync, type GenerateSummary } from '../../src/generate/profiles-sync.js';
import { LANDING_TABLES, TRUTH_TABLES } from '../../src/generate/profiles-sync-tables.js';
import { StrataError } from '../../src/errors.js';

const TRAITS = ['email', 'name', 'plan', 'company', 'city', 'logins', 'lifetime_value', 'is_subscribed'];

const withDb = withDuckDb;

async function scalar(c: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await c.runAndReadAll(sql);
  return reader.getRows()[0]?.[0];
}

/** A fingerprint of every table's full contents, independent of row order. */
async function fingerprint(path: string): Promise<Record<string, string>> {
  return withDb(path, async (c) => {
    const out: Record<string, string> = {};
    for (const [schema, specs] of [['landing', LANDING_TABLES], ['landing_truth', TRUTH_TABLES]] as const) {
      for (const spec of specs) {
        out[spec.name] = String(await scalar(c, `select count(*) || ':' || md5(string_agg(cast(t as varchar), '\n' order by cast(t as varchar))) from ${schema}.${spec.name} t`));
      }
    }
    return out;
  });
}

const dir = mkdtempSync(join(tmpdir(), 'strata-generate-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function generate(name: string, seed: number, people = 300): Promise<{ path: string; summary: GenerateSummary }> {
  const path = join(dir, `${name}.duckdb`);
  const summary = await generateProfilesSync({ people, days: 20, seed, output: { kind: 'duckdb', path, schema: 'landing' } });
  return { path, summary };
}

test('the same seed gives the same rows; another seed gives other rows', async () => {
  const a = await generate('a', 11);
  const b = await generate('b', 11);
  const c = await generate('c', 12);
  const fa = await fingerprint(a.path);
  assert.deepEqual(await fingerprint(b.path), fa);
  const fc = await fingerprint(c.path);
  assert.notEqual(fc.id_graph_updates, fa.id_graph_updates);
  assert.notEqual(fc.truth_profile_traits, fa.truth_profile_traits);
  assert.deepEqual(a.summary.tables, b.summary.tables);
  assert.equal(a.summary.updateRows, a.summary.tables.id_graph_updates! + a.summary.tables.external_id_mapping_updates! + a.summary.tables.profile_traits_updates! + a.summary.tables.identifies!);
});

test('tables have the documented columns', async () => {
  const { path } = await generate('columns', 3, 50);
  await withDb(path, async (c) => {
    for (const [schema, specs] of [['landing', LANDING_TABLES], ['landing_truth', TRUTH_TABLES]] as const) {
      for (const spec of specs) {
        const reader = await c.runAndReadAll(`select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = '${spec.name}' order by ordinal_position`);
        assert.deepEqual(reader.getRows().map(([n, t]) => [n, t]), spec.columns.map(([n, t]) => [n, t]), `${schema}.${spec.name}`);
      }
    }
  });
});

test('the data is realistic: chains, late and duplicate rows, NULL traits, anonymous profiles', async () => {
  const { path, summary } = await generate('real', 5, 600);
  assert.ok(summary.merges > 50, `merges ${summary.merges}`);
  await withDb(path, async (c) => {
    // a profile whose own latest merge row points at a profile that was merged later: a chain
    const chains = await scalar(c, `
      with latest as (
        select segment_id, canonical_segment_id, row_number() over (partition by segment_id order by "timestamp" desc) as r
        from landing.id_graph_updates where segment_id <> canonical_segment_id)
      select count(*) from latest l join landing_truth.truth_id_graph t on t.segment_id = l.segment_id
      where l.r = 1 and l.canonical_segment_id <> t.canonical_segment_id`);
    assert.ok(Number(chains) > 0, 'some merge chains need following');
    const late = await scalar(c, `select count(*) from landing.id_graph_updates where uuid_ts > "timestamp" + interval 3 hour`);
    assert.ok(Number(late) > 0, 'some rows are loaded late');
    const outOfOrder = await scalar(c, `
      select count(*) from landing.id_graph_updates a join landing.id_graph_updates b
        on a."timestamp" < b."timestamp" and a.uuid_ts > b.uuid_ts and a.segment_id = b.segment_id`);
    assert.ok(Number(outOfOrder) > 0, 'some rows are loaded out of order');
    for (const t of ['id_graph_updates', 'external_id_mapping_updates', 'profile_traits_updates']) {
      const dup = await scalar(c, `select count(*) - count(distinct id) from landing.${t}`);
      assert.ok(Number(dup) > 0, `${t} has duplicate rows`);
    }
    const nullPlans = await scalar(c, `select count(*) from landing.profile_traits_updates where plan is null`);
    assert.ok(Number(nullPlans) > 0, 'traits are sometimes NULL in an update');
    const anonymous = await scalar(c, `select count(*) from landing_truth.truth_profile_traits where merged_to is null and email is null`);
    assert.ok(Number(anonymous) > 0, 'some profiles stay anonymous');
    const pagesSeg = await scalar(c, `select count(*) from landing.pages where segment_id is null`);
    assert.equal(Number(pagesSeg), 0);
    // test accounts: profiles holding many identifiers (new email addresses, one per sign-in)
    const crowded = await scalar(c, `select count(*) from (select canonical_segment_id from landing_truth.truth_external_id_mapping group by 1 having count(*) > 15)`);
    assert.ok(Number(crowded) > 0, 'some profiles hold more than 15 identifiers');
    // shared devices: one anonymous_id observed on the profiles of several people
    const shared = await scalar(c, `
      select count(*) from (
        select u.external_id_hash from landing.external_id_mapping_updates u join landing_truth.truth_id_graph g on g.segment_id = u.segment_id
        group by 1 having count(distinct g.person_id) > 1)`);
    assert.ok(Number(shared) > 0, 'some identifiers are observed on several people');
  });
});

test('events stop at the end of the period and loads stay steady up to it', async () => {
  // 2,000 people over 20 days: events after the end have not happened yet, so none has a
  // later timestamp and the last days are loaded at the rate of the days before them (an
  // incremental run over the newest rows sees what a warehouse loaded hourly would hold).
  const path = join(dir, 'steady.duckdb');
  await generateProfilesSync({ people: 2000, days: 20, seed: 4, start: new Date('2024-01-01T00:00:00Z'), output: { kind: 'duckdb', path, schema: 'landing' } });
  await withDb(path, async (c) => {
    const updates = ['id_graph_updates', 'external_id_mapping_updates', 'profile_traits_updates', 'identifies']
      .map((t) => `select "timestamp" from landing.${t}`).join(' union all ');
    const q = (sql: string) => scalar(c, sql).then(Number);
    assert.equal(await q(`select count(*) from (${updates}) where "timestamp" >= timestamp '2024-01-21'`), 0, 'no event after the end');
    const lastDay = await q(`select count(*) from (${updates}) where "timestamp" >= timestamp '2024-01-20'`);
    const weekBefore = await q(`select count(*) / 7 from (${updates}) where "timestamp" >= timestamp '2024-01-13' and "timestamp" < timestamp '2024-01-20'`);
    const lastSecond = await q(`select count(*) from (${updates}) where "timestamp" >= timestamp '2024-01-20 23:59:59'`);
    assert.ok(lastDay > 0.7 * weekBefore && lastDay < 1.3 * weekBefore, `last day ${lastDay} rows, days before ${weekBefore} a day`);
    assert.ok(lastSecond < 5, `${lastSecond} rows in the last second`);
  });
});

test('ground truth agrees with the rows written', async () => {
  const { path } = await generate('truth', 9, 500);
  await withDb(path, async (c) => {
    const q = (sql: string) => scalar(c, sql).then(Number);
    // every segment id of the updates has a truth row, and the truth's canonicals are roots
    assert.equal(await q(`select count(distinct segment_id) from landing.id_graph_updates`), await q(`select count(*) from landing_truth.truth_id_graph`));
    assert.equal(await q(`select count(*) from landing_truth.truth_id_graph t join landing_truth.truth_id_graph r on r.segment_id = t.canonical_segment_id where r.canonical_segment_id <> r.segment_id`), 0);
    assert.equal(await q(`select count(*) from landing_truth.truth_id_graph g join landing_truth.truth_profile_traits p on p.canonical_segment_id = g.segment_id
      where (g.segment_id = g.canonical_segment_id) <> (p.merged_to is null) or coalesce(p.merged_to, g.segment_id) <> g.canonical_segment_id`), 0);
    // following each segment's latest merge row repeatedly reaches the truth's canonical
    assert.equal(await q(`
      with recursive edge as (
        select segment_id, canonical_segment_id as next from (
          select *, row_number() over (partition by segment_id order by (segment_id <> canonical_segment_id) desc, "timestamp" desc) r
          from landing.id_graph_updates) where r = 1),
      walk(start, cur, depth) as (
        select segment_id, segment_id, 0 from edge
        union all select w.start, e.next, w.depth + 1 from walk w join edge e on e.segment_id = w.cur where e.next <> e.segment_id and w.depth < 20),
      final as (select start, arg_max(cur, depth) as canonical from walk group by start)
      select count(*) from final f join landing_truth.truth_id_graph t on t.segment_id = f.start where f.canonical <> t.canonical_segment_id`), 0);
    // each surviving profile's traits are the latest non-null values across its merged group
    for (const trait of TRAITS) {
      const mismatches = await q(`
        with v as (
          select g.canonical_segment_id as root, arg_max(u.${trait}, u."timestamp") as value
          from landing.profile_traits_updates u join landing_truth.truth_id_graph g on g.segment_id = u.segment_id
          where u.${trait} is not null group by 1)
        select count(*) from landing_truth.truth_profile_traits p left join v on v.root = p.canonical_segment_id
        where p.merged_to is null and p.${trait} is distinct from v.value`);
      assert.equal(mismatches, 0, trait);
    }
    // the shared devices' truth lists every profile their observations resolve to
    assert.equal(await q(`
      with seen as (
        select distinct u.external_id_hash, g.canonical_segment_id
        from landing.external_id_mapping_updates u join landing_truth.truth_id_graph g on g.segment_id = u.segment_id
        where u.external_id_hash in (select external_id_hash from landing_truth.truth_shared_devices))
      select count(*) from seen full join landing_truth.truth_shared_devices t
        on t.external_id_hash = seen.external_id_hash and t.canonical_segment_id = seen.canonical_segment_id
      where seen.external_id_hash is null or t.external_id_hash is null`), 0);
    assert.ok(await q(`select count(*) from landing_truth.truth_shared_devices`) > 0, 'the sample has shared devices');
    // every identifier points at the canonical of the profile it was last seen on
    assert.equal(await q(`
      with last as (select external_id_hash, arg_max(segment_id, "timestamp") as seg from landing.external_id_mapping_updates group by 1)
      select count(*) from last join landing_truth.truth_id_graph g on g.segment_id = last.seg
      full join landing_truth.truth_external_id_mapping t on t.external_id_hash = last.external_id_hash
      where t.canonical_segment_id is distinct from g.canonical_segment_id`), 0);
  });
});

test('writes Parquet files, including the truth', async () => {
  const out = join(dir, 'parquet');
  const summary = await generateProfilesSync({ people: 80, days: 10, seed: 2, output: { kind: 'parquet', dir: out } });
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.parquet')).sort(), LANDING_TABLES.map((t) => `${t.name}.parquet`).sort());
  assert.deepEqual(readdirSync(join(out, 'truth')).sort(), TRUTH_TABLES.map((t) => `${t.name}.parquet`).sort());
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.duckdb')).length, 0, 'no scratch database left behind');
  await withDb(':memory:', async (c) => {
    assert.equal(Number(await scalar(c, `select count(*) from '${join(out, 'id_graph_updates.parquet')}'`)), summary.tables.id_graph_updates);
  });
});

test('event tables are optional; bad options are StrataErrors', async () => {
  const path = join(dir, 'noevents.duckdb');
  const summary = await generateProfilesSync({ people: 30, days: 5, seed: 1, events: false, output: { kind: 'duckdb', path, schema: 'raw' } });
  assert.equal(summary.tables.pages, undefined);
  assert.ok(summary.tables.id_graph_updates! > 30);
  await assert.rejects(generateProfilesSync({ people: 0, days: 5, seed: 1, output: { kind: 'duckdb', path, schema: 'raw' } }),
    (e: unknown) => e instanceof StrataError && e.code === 'generate-invalid-option' && /people/.test(e.message));
  await assert.rejects(generateProfilesSync({ people: 3, days: 5, seed: 1, output: { kind: 'duckdb', path, schema: 'bad schema' } }), StrataError);
  await assert.rejects(generateProfilesSync({ people: 3, days: 5, seed: 1, truthSchema: 'x;y', output: { kind: 'duckdb', path, schema: 'raw' } }), StrataError);
  await assert.rejects(generateProfilesSync({ people: 3, days: 5, seed: 1, memoryLimit: 'lots', output: { kind: 'duckdb', path, schema: 'raw' } }), /memoryLimit/);
});

test('reports progress while it streams', async () => {
  const seen: number[] = [];
  const summary = await generateProfilesSync({
    people: 6000, days: 10, seed: 4,
    output: { kind: 'duckdb', path: join(dir, 'progress.duckdb'), schema: 'landing' },
    onProgress: (n) => seen.push(n),
  });
  assert.ok(seen.length >= 1, 'called at least once');
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'counts only grow');
  const total = Object.values(summary.tables).reduce((a, b) => a + b, 0);
  assert.ok(seen.at(-1)! <= total, `progress ${seen.at(-1)} counts rows written (${total})`);
});
