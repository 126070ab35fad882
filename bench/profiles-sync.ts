/**
 * The profiles_sync package on DuckDB at 1 and 10 million update rows (issue 6):
 *
 * - generator rate: `generateProfilesSync` into a DuckDB file;
 * - full build of a project using the package (incremental models, first run = full)
 *   against a hand-written baseline (bench/lib/profiles-sync-baseline.ts: one query per
 *   model on the same engine), with equal results checked by checksums;
 * - the incremental run after the newest 1 % of rows (by uuid_ts) is loaded;
 * - the same incremental run with 10× more history: the data set of size 10N is
 *   generated over 10× the days (the same rows per day), its newest 1.1 % is held back
 *   and loaded in two steps, 1 % of 10N and then 0.1 % of 10N (= 1 % of N, over the same
 *   hours as N's 1 %), and the second step is compared with N's incremental run.
 *
 *   node --import tsx bench/profiles-sync.ts [sizes…]    (default 1000000 10000000; 1M, 10M work too)
 *   node --import tsx bench/profiles-sync.ts --quick     (100k and 1M, nothing written to BENCHMARKS.md)
 *
 * Options: --no-write (print only), --keep (keep the DuckDB files under bench/.work/profiles-sync),
 * --report (write the section again from the last run's figures, bench/.work/profiles-sync/results.json).
 */
import { closeSync, copyFileSync, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDb } from '../test/helpers/duckdb.js';
import { run } from '../src/api.js';
import { Reporter } from '../src/report/reporter.js';
import { generateProfilesSync, type GenerateSummary } from '../src/generate/profiles-sync.js';
import { LANDING_TABLES, UPDATE_TABLES } from '../src/generate/profiles-sync-tables.js';
import { baselineStatements, checksumSql, COMPARED_COLUMNS } from './lib/profiles-sync-baseline.js';
import { writeSection } from './lib/report.js';
import { DAYS_PER_MILLION, HEALTH_MODELS, INCREMENTAL_MODELS, profilesSyncShape } from './lib/profiles-sync-shape.js';

const WORK = join(import.meta.dirname, '.work', 'profiles-sync');
const SEED = 7;

interface RunTiming {
  /** Wall time of `run()`, parse and artifacts included. */
  wallMs: number;
  /** execution_time per model name, ms. */
  models: Record<string, number>;
}

interface SizeResult {
  size: number;
  days: number;
  summary: GenerateSummary;
  generateMs: number;
  /** CPU time of the whole process (every thread) while generating. */
  generateCpuMs: number;
  full: RunTiming;
  baselineMs: Record<string, number>;
  baselineAllMs: Record<string, number>;
  checks: string[];
  incremental: RunTiming;
  newRows: number;
  /** The 0.1 % step on the 10× set (only when 1.1 % was held back). */
  smallStep?: { newRows: number; run: RunTiming };
  explain?: string;
  /** The incremental statements of each model replayed one by one on the final data. */
  replay?: Record<string, ReplayTiming>;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = !args.includes('--no-write') && (!quick || args.includes('--report'));
const keep = args.includes('--keep');
const parseSize = (s: string): number => {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s);
  if (!m) throw new Error(`not a size: ${s}`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'm' ? 1e6 : m[2]?.toLowerCase() === 'k' ? 1e3 : 1));
};
const positional = args.filter((a) => !a.startsWith('--')).map(parseSize);
const sizes = positional.length ? positional : quick ? [100_000, 1_000_000] : [1_000_000, 10_000_000];
sizes.sort((a, b) => a - b);

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const fmtN = (n: number): string => n.toLocaleString('en-US');
const log = (msg: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sum = (o: Record<string, number>, keys = Object.keys(o)): number => keys.reduce((a, k) => a + (o[k] ?? 0), 0);

const withDb = withDuckDb;

async function scalar(c: DuckDBConnection, sql: string): Promise<string> {
  return String((await c.runAndReadAll(sql)).getRows()[0]![0]);
}

function writeProject(dir: string, db: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), [
    'name: profiles_sync_bench', "version: '1.0.0'", 'config-version: 2', 'profile: profiles_sync_bench',
    'vars:', '  profiles_sync:', '    schema_name: landing', '    etl_overlap: 28',
    'models:', '  profiles_sync:', '    profile_materializations:', '      +materialized: incremental', '',
  ].join('\n'));
  writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - package: strata/profiles_sync\n');
  // One model at a time: DuckDB already uses both cores for each query, and per-model times add up to the wall time.
  writeFileSync(join(dir, 'profiles.yml'), [
    'profiles_sync_bench:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', `      path: ${db}`, '      schema: main', '      threads: 1', '',
  ].join('\n'));
}

async function strataRun(dir: string, fullRefresh: boolean): Promise<RunTiming> {
  const sink = createWriteStream('/dev/null');
  const reporter = new Reporter({ out: sink, err: sink, color: false, live: false });
  const t0 = performance.now();
  const r = await run({ projectDir: dir, profilesDir: dir, reporter, fullRefresh });
  const wallMs = performance.now() - t0;
  const failed = r.results.filter((x) => x.status !== 'success');
  if (failed.length) throw new Error(`the package build failed: ${failed.map((f) => `${f.unique_id}: ${f.message}`).join('; ')}`);
  const models: Record<string, number> = {};
  for (const x of r.results) models[x.unique_id.split('.').pop()!] = x.execution_time * 1000;
  return { wallMs, models };
}

/**
 * An incremental run, timed twice from the same state (the database file is copied before the
 * first run and put back for the second): the faster of the two is kept, as for the full build.
 * Both runs leave the same tables.
 */
async function incrementalRun(dir: string, db: string): Promise<RunTiming> {
  const before = `${db}.before`;
  // The loads close the database, which checkpoints it: the file alone holds the state.
  if (existsSync(`${db}.wal`)) throw new Error(`${db}.wal exists before an incremental run`);
  copyFileSync(db, before);
  flush(before);
  try {
    const first = await strataRun(dir, false);
    copyFileSync(before, db);
    flush(db);
    const second = await strataRun(dir, false);
    return sum(second.models, INCREMENTAL_MODELS) < sum(first.models, INCREMENTAL_MODELS) ? second : first;
  } finally {
    rmSync(before, { force: true });
  }
}

/**
 * Writes a copied file to disk before a timed run: otherwise the run's first commit (the
 * fsync of DuckDB's new WAL) waits for the kernel to write out the whole copy (about 0.2 s
 * for the 200 MB file of 1 M rows), which is the harness's cost, not the run's.
 */
function flush(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs the baseline into schema `baseline`, returning ms per model. */
async function runBaseline(db: string): Promise<Record<string, number>> {
  return withDb(db, async (c) => {
    await c.run('create schema if not exists baseline');
    const out: Record<string, number> = {};
    for (const [model, sql] of baselineStatements('landing', 'baseline')) {
      const t0 = performance.now();
      await c.run(sql);
      out[model] = performance.now() - t0;
    }
    return out;
  });
}

/** Compares the package's tables with the baseline's; returns the differences (none when equal). */
async function compare(db: string, when: string): Promise<string[]> {
  return withDb(db, async (c) => {
    const out: string[] = [];
    for (const model of Object.keys(COMPARED_COLUMNS)) {
      const ours = await scalar(c, checksumSql(model, `main.${model}`));
      const theirs = await scalar(c, checksumSql(model, `baseline.${model}`));
      if (ours !== theirs) out.push(`${when}: ${model} differs (package ${ours}, baseline ${theirs})`);
    }
    return out;
  });
}

/** The uuid_ts below which a fraction `keep` of the update rows lies. */
async function cutAt(c: DuckDBConnection, fraction: number): Promise<string> {
  const union = UPDATE_TABLES.map((t) => `select uuid_ts from complete.${t.name}`).join(' union all ');
  return scalar(c, `select strftime(quantile_disc(uuid_ts, ${fraction}), '%Y-%m-%d %H:%M:%S.%f') from (${union})`);
}

async function loadRows(db: string, where: string): Promise<number> {
  return withDb(db, async (c) => {
    let n = 0;
    for (const t of UPDATE_TABLES) {
      const r = await c.run(`insert into landing.${t.name} select * from complete.${t.name} where ${where} order by uuid_ts`);
      n += Number(r.rowsChanged);
    }
    return n;
  });
}

async function measure(size: number, tenfold: boolean): Promise<SizeResult> {
  const db = join(WORK, `ps-${size}.duckdb`);
  const dir = join(WORK, `project-${size}`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const { people, days } = profilesSyncShape(size);
  log(`${fmtN(size)} update rows: generating ${fmtN(people)} people over ${days} days`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const summary = await generateProfilesSync({ people, days, seed: SEED, output: { kind: 'duckdb', path: db, schema: 'complete' }, memoryLimit: '4GB' });
  const generateMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const generateCpuMs = (cpu.user + cpu.system) / 1000;
  log(`  ${fmtN(summary.updateRows)} update rows in ${fmtS(generateMs)} (${fmtN(Math.round(summary.updateRows / (generateMs / 1000)))} rows/s), ${fmtS(generateCpuMs)} of CPU`);

  // Hold back the newest 1 % (1.1 % on a set that also serves as 10× history).
  const held = tenfold ? 0.011 : 0.01;
  const { cut, cutSmall } = await withDb(db, async (c) => {
    const cut = await cutAt(c, 1 - held);
    const cutSmall = tenfold ? await cutAt(c, 0.999) : undefined;
    await c.run('create schema landing');
    for (const t of LANDING_TABLES) {
      const update = UPDATE_TABLES.includes(t);
      // In load order, as a warehouse loader appends them.
      await c.run(`create table landing.${t.name} as select * from complete.${t.name} where ${update ? `uuid_ts <= timestamp '${cut}'` : 'false'} order by uuid_ts`);
    }
    await c.run('checkpoint');
    return { cut, cutSmall };
  });
  writeProject(dir, db);

  // Two rounds of full build and baseline, alternating; the faster of each is kept (the machine is shared).
  let full: RunTiming | undefined;
  let baselineMs: Record<string, number> | undefined;
  const checks: string[] = [];
  for (let round = 1; round <= 2; round++) {
    log(`  full build (round ${round})`);
    const f = await strataRun(dir, true);
    if (!full || sum(f.models, INCREMENTAL_MODELS) < sum(full.models, INCREMENTAL_MODELS)) full = f;
    log(`  full build ${fmtS(f.wallMs)}; baseline`);
    const b = await runBaseline(db);
    if (!baselineMs || sum(b) < sum(baselineMs)) baselineMs = b;
    checks.push(...(await compare(db, `full build, round ${round}`)));
    log(`  baseline ${fmtS(sum(b))}${checks.length ? `; DIFFERENCES: ${checks.join('; ')}` : '; equal results'}`);
  }
  if (!full || !baselineMs) throw new Error('no full build measured');

  const newRows = await loadRows(db, `uuid_ts > timestamp '${cut}'${cutSmall ? ` and uuid_ts <= timestamp '${cutSmall}'` : ''}`);
  log(`  incremental run after ${fmtN(newRows)} new rows`);
  const incremental = await incrementalRun(dir, db);
  log(`  incremental ${fmtS(incremental.wallMs)}`);
  let smallStep: SizeResult['smallStep'];
  if (cutSmall) {
    const n = await loadRows(db, `uuid_ts > timestamp '${cutSmall}'`);
    log(`  incremental run after ${fmtN(n)} more new rows`);
    smallStep = { newRows: n, run: await incrementalRun(dir, db) };
    log(`  incremental ${fmtS(smallStep.run.wallMs)}`);
  }
  // Every row is loaded now: the incremental result must equal a baseline over all the data.
  const baselineAllMs = await runBaseline(db);
  checks.push(...(await compare(db, 'after the incremental runs')));
  log(`  baseline on all rows ${fmtS(sum(baselineAllMs))}${checks.length ? `; DIFFERENCES: ${checks.join('; ')}` : '; equal results'}`);
  const explain = await explainSlowest(dir, db, incremental);
  const replay = await replayIncremental(dir, db);
  if (!keep) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
  }
  return { size, days, summary, generateMs, generateCpuMs, full, baselineMs, baselineAllMs, checks, incremental, newRows, smallStep, explain, replay };
}

/** Times of the statements of one incremental model run, replayed by hand. */
interface ReplayTiming {
  select: number;
  delete: number;
  insert: number;
  commit: number;
  checkpoint: number;
}

/** The unique keys of the package's incremental models (their config). */
const UNIQUE_KEYS: Record<string, string[]> = {
  id_graph: ['segment_id'],
  external_id_mapping: ['external_id_hash'],
  profile_trait_values: ['segment_id'],
  profile_traits: ['canonical_segment_id'],
  profile_merges: ['segment_id'],
};

/**
 * Replays each incremental model's last run statement by statement (the materialization's
 * steps: stage the model's query, delete the matching keys, insert, commit, then a
 * checkpoint) on the final data, where it changes nothing, to see where the time goes.
 */
async function replayIncremental(dir: string, db: string): Promise<Record<string, ReplayTiming>> {
  const out: Record<string, ReplayTiming> = {};
  await withDb(db, async (c) => {
    for (const model of INCREMENTAL_MODELS) {
      let sql: string;
      try {
        sql = readFileSync(join(dir, 'target', 'compiled', 'profiles_sync', 'models', 'profile_materializations', `${model}.sql`), 'utf8');
      } catch {
        continue;
      }
      const keys = UNIQUE_KEYS[model]!;
      const time = async (statement: string): Promise<number> => {
        const t0 = performance.now();
        await c.run(statement);
        return performance.now() - t0;
      };
      await c.run('begin');
      const select = await time(`create temp table bench_stage as ${sql}`);
      const match = keys.length === 1
        ? `${keys[0]} in (select distinct ${keys[0]} from bench_stage)`
        : `exists (select 1 from bench_stage as s where ${keys.map((k) => `s.${k} = t.${k}`).join(' and ')})`;
      const del = await time(`delete from main.${model} as t where ${match}`);
      const insert = await time(`insert into main.${model} by name select * from bench_stage`);
      await c.run('drop table bench_stage');
      const commit = await time('commit');
      const checkpoint = await time('checkpoint');
      out[model] = { select, delete: del, insert, commit, checkpoint };
    }
  });
  return out;
}

/** The top operators of EXPLAIN ANALYZE of the incremental run's slowest model (re-run on the final data). */
async function explainSlowest(dir: string, db: string, timing: RunTiming): Promise<string | undefined> {
  const [model] = Object.entries(timing.models).filter(([m]) => INCREMENTAL_MODELS.includes(m)).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!model) return undefined;
  let sql: string;
  try {
    sql = readFileSync(join(dir, 'target', 'compiled', 'profiles_sync', 'models', 'profile_materializations', `${model}.sql`), 'utf8');
  } catch {
    return undefined;
  }
  return withDb(db, async (c) => {
    const rows = (await c.runAndReadAll(`explain (analyze, format json) ${sql}`)).getRows();
    const root = JSON.parse(String(rows[0]![1])) as ProfileNode;
    // Every operator with its own time, the heaviest first.
    const ops: { name: string; seconds: number; rows: number; detail: string }[] = [];
    const visit = (n: ProfileNode): void => {
      if (n.operator_name) {
        const info = n.extra_info ?? {};
        const detail = String(info['Table'] ?? info['CTE Name'] ?? info['Conditions'] ?? '').replace(/"/g, '').slice(0, 60);
        ops.push({ name: n.operator_name.trim(), seconds: n.operator_timing ?? 0, rows: n.operator_cardinality ?? 0, detail });
      }
      for (const child of n.children ?? []) visit(child);
    };
    visit(root);
    const total = ops.reduce((a, o) => a + o.seconds, 0);
    ops.sort((x, y) => y.seconds - x.seconds);
    const top = ops.slice(0, 4).map((o) => `${o.name}${o.detail ? ` (${o.detail})` : ''} ${o.seconds.toFixed(2)} s, ${fmtN(o.rows)} rows`);
    return `${model} (incremental, ${fmtS(timing.models[model]!)} in the run): operators sum to ${total.toFixed(2)} s; heaviest: ${top.join('; ')}`;
  });
}

/** A node of DuckDB's JSON query profile. */
interface ProfileNode {
  operator_name?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

mkdirSync(WORK, { recursive: true });
const RESULTS = join(WORK, 'results.json');
let results: SizeResult[] = [];
let load0: number;
let load1: number;
if (args.includes('--report')) {
  // Re-render the section from the last run's figures.
  ({ results, load0, load1 } = JSON.parse(readFileSync(RESULTS, 'utf8')) as { results: SizeResult[]; load0: number; load1: number });
} else {
  load0 = loadavg()[0]!;
  for (const size of sizes) results.push(await measure(size, sizes.includes(size / 10)));
  load1 = loadavg()[0]!;
  writeFileSync(RESULTS, JSON.stringify({ results, load0, load1 }, null, 1));
}

// ---- report ----
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)} %`;
const incSum = (t: RunTiming): number => sum(t.models, INCREMENTAL_MODELS);
const lines: string[] = [];
lines.push('| update rows | generate | full build (5 incremental models) | baseline | full / baseline | incremental after 1 % | incremental / full | whole project: full, incremental |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const b = sum(r.baselineMs);
  lines.push(`| ${fmtN(r.summary.updateRows)} (${r.days} days) | ${fmtS(r.generateMs)} (${fmtN(Math.round(r.summary.updateRows / (r.generateMs / 1000)))} rows/s; CPU ${fmtS(r.generateCpuMs)}) | ${fmtS(incSum(r.full))} | ${fmtS(b)} | **${ratio(incSum(r.full), b)}** | ${fmtS(incSum(r.incremental))} (${fmtN(r.newRows)} rows) | **${pct(incSum(r.incremental), incSum(r.full))}** | ${fmtS(r.full.wallMs)}, ${fmtS(r.incremental.wallMs)} |`);
}
const perModel: string[] = ['| model | ' + results.map((r) => `${fmtN(r.size)}: full / baseline / incremental`).join(' | ') + ' |', '|---|' + results.map(() => '---|').join('')];
for (const m of [...INCREMENTAL_MODELS, ...HEALTH_MODELS]) {
  perModel.push(`| ${m} | ${results.map((r) => `${fmtS(r.full.models[m] ?? 0)} / ${r.baselineMs[m] !== undefined ? fmtS(r.baselineMs[m]!) : '—'} / ${fmtS(r.incremental.models[m] ?? 0)}`).join(' | ')} |`);
}
const history: string[] = [];
for (const r of results) {
  const big = results.find((x) => x.size === r.size * 10 && x.smallStep);
  if (!big?.smallStep) continue;
  const a = incSum(r.incremental);
  const b = incSum(big.smallStep.run);
  history.push(`| ${fmtN(r.size)} → ${fmtN(big.size)} | ${fmtN(r.newRows)} new rows on ${fmtN(r.summary.updateRows - r.newRows)}: ${fmtS(a)} | ${fmtN(big.smallStep.newRows)} new rows on ${fmtN(big.summary.updateRows - big.smallStep.newRows)}: ${fmtS(b)} | **${ratio(b, a)}** |`);
  const small = big.smallStep.run.models;
  history.push(`| per model | ${INCREMENTAL_MODELS.map((m) => `${m} ${fmtS(r.incremental.models[m] ?? 0)}`).join(', ')} | ${INCREMENTAL_MODELS.map((m) => `${m} ${fmtS(small[m] ?? 0)}`).join(', ')} | |`);
}
const checks = results.flatMap((r) => r.checks);
const explains = results.filter((r) => r.explain).map((r) => `- ${fmtN(r.size)}: ${r.explain}`);
const replays: string[] = [];
for (const r of results) {
  if (!r.replay) continue;
  for (const [model, t] of Object.entries(r.replay)) {
    replays.push(`| ${fmtN(r.size)} | ${model} | ${fmtS(r.incremental.models[model] ?? 0)} | ${fmtS(t.select)} | ${fmtS(t.delete)} | ${fmtS(t.insert)} | ${fmtS(t.commit)} | ${fmtS(t.checkpoint)} |`);
  }
}
const met = (ok: boolean): string => (ok ? 'met' : 'not met');
const fullRatios = results.map((r) => incSum(r.full) / sum(r.baselineMs));
const incShares = results.map((r) => incSum(r.incremental) / incSum(r.full));
const historyRatios = results.flatMap((r) => {
  const big = results.find((x) => x.size === r.size * 10 && x.smallStep);
  return big?.smallStep ? [incSum(big.smallStep.run) / incSum(r.incremental)] : [];
});
const verdict = [
  `- Targets in this run: full build / baseline ${results.map((r, i) => `${fullRatios[i]!.toFixed(2)}× at ${fmtN(r.size)}`).join(', ')} (target 1.5×: ${met(fullRatios.every((x) => x <= 1.5))});`,
  `  incremental / full ${results.map((r, i) => `${(100 * incShares[i]!).toFixed(1)} % at ${fmtN(r.size)}`).join(', ')} (target 10 %: ${met(incShares.every((x) => x < 0.1))});`,
  historyRatios.length ? `  10× more history ${historyRatios.map((x) => `${x.toFixed(2)}×`).join(', ')} the time (target 1.5×: ${met(historyRatios.every((x) => x < 1.5))}).` : '  10× more history: not measured in this run.',
].join('\n');
const markdown = `## profiles_sync on DuckDB (\`bench/profiles-sync.ts\`)

Generated Segment Profiles Sync data (\`generateProfilesSync\`, seed ${SEED}, ${DAYS_PER_MILLION} days per million update rows so
every size has the same rows per day). The newest 1 % of the update rows (by \`uuid_ts\`) is held back, the
project using the package is built (first run = full build of the incremental models, one model at a
time, DuckDB on both cores; twice, keeping the faster), the held-back rows are loaded and the incremental
run is timed.
Baseline: hand-written DuckDB SQL, one query per model (\`bench/lib/profiles-sync-baseline.ts\`),
producing id_graph, external_id_mapping, profile_traits and profile_merges from the raw tables; its tables
were checked equal to the package's (row count and a hash checksum per table) after the full build and
again after the incremental runs (against the baseline over all rows): ${checks.length ? `**differences: ${checks.join('; ')}**` : 'equal every time'}.
Model times are the run's \`execution_time\` per model (run_results.json); "whole project" is the wall time
of the run including parsing and the identity-health models (per model below).

Targets (issue 6): full build within 1.5× the baseline; incremental after 1 % new rows under 10 % of the
full build; the same incremental run with 10× more history under 1.5× the time.

${lines.join('\n')}

Per model (execution time):

${perModel.join('\n')}

10× more history (the 10× set covers 10× the days; its newest 0.1 % is the same number of rows over the same
hours as the smaller set's 1 %, loaded after a first incremental run of 1 %):

${history.length ? `| sizes | incremental on N | incremental on 10 N | ratio |\n|---|---|---|---|\n${history.join('\n')}` : '_not measured in this run (needs sizes N and 10 N)._'}

What dominates the incremental run:

${explains.join('\n') || '_not measured_'}

The same incremental statements replayed one at a time on the final data (stage the model's query into a
temporary table, delete the staged keys from the model, insert, commit, then a checkpoint):

| update rows | model | in the run | query (staged) | delete | insert | commit | checkpoint |
|---|---|---|---|---|---|---|---|
${replays.join('\n')}

Reading the figures:

${verdict}
- Full build: profile_trait_values (one row per profile with each trait's latest value, time and seq,
  which the incremental runs need) has no counterpart in the baseline, which folds traits straight into
  profile_traits; without it the package's models take ${results.map((r) => `${ratio(incSum(r.full) - (r.full.models['profile_trait_values'] ?? 0), sum(r.baselineMs))} the baseline at ${fmtN(r.size)}`).join(' and ')}.
  The DuckDB variants of the package's dispatched macros pick rows with \`arg_max\` (no sort) for
  id_graph, external_id_mapping and profile_merges, and every trait of a profile (profile_trait_values)
  or of a merged group (profile_traits) in one aggregate with a filtered \`arg_max\` per trait
  (\`profiles_sync_latest_traits\`); profile_traits picks values only for groups with merged profiles;
  id_graph walks chains only from merged segments. Other engines keep the window-function versions.
  Until 2026-12-04 profile_trait_values had a row per profile and trait (5.1 million rows at 10 M
  against 0.66 million now) and the full build took 1.65× the baseline at 10 M.
- The incremental models: the watermark (latest \`uuid_ts\` minus \`etl_overlap\`) is looked up when the
  model runs and written into the SQL as a literal, so DuckDB knows how few update rows pass it and
  pushes a filter of their keys into the scans of the stored tables; id_graph re-resolves only the
  segments whose chain may have changed and continues a walk that leaves them from the stored canonical
  of the segment it reached; id_graph carries \`chain_uuid_ts\` (the latest load time on a segment's
  chain), which external_id_mapping and profile_traits keep beside their rows, so they find the
  segments that moved by comparing clocks instead of joining all their rows with all of id_graph; the
  incremental queries return only the rows that differ from the stored ones, so a re-run on the same
  data writes nothing. The DuckDB driver raises \`checkpoint_threshold\` to 1 GB unless the profile
  sets it: DuckDB's automatic checkpoint (write-ahead log over 16 MiB) used to land inside whichever
  model's commit crossed it; a run now checkpoints once, when it closes the database (inside "whole
  project", outside the model times).
- Where the incremental run's time goes: the newest 1 % plus the 28-hour overlap is about 2 % of the
  update rows (the generator loads steadily up to the end of its period: since 2026-12-03 it no longer
  piles events past its horizon onto its last second, which had put a tenth of all update rows inside
  every overlap). At 1 M each model's statements take a few hundredths of a second and the rest of its
  time in the run is fixed work per model (the watermark query, reading the relation's columns, the
  delete and insert, the commit; see the replay table), so the ratio to the full build is highest at the
  smallest size; at 10 M the passes over the stored tables (next point) dominate.
- Why the run with 10× more history costs more: every incremental model makes a few passes over the
  key columns of its stored table and of id_graph (probing them with the new keys), and on DuckDB such a
  pass cannot skip data: the keys are random, so min/max zone maps skip nothing, and a pushed-down key
  filter drops rows only after reading them. Those passes grow with the history. Alternatives measured
  while developing (10 M, same day): an ART index on profile_trait_values(segment_id) took 16.7 s to
  create, and looking up 6,580 touched segments with an IN list took 1.2–1.3 s through the index
  against 0.4 s by a table scan; raising \`dynamic_or_filter_threshold\` turns a join's keys into an
  IN filter on the scan, but only an optional one used for zone maps, which skip nothing here. Meeting
  "under 1.5×" needs lookups that do not read the whole key column: a keyed store (an index the
  optimizer uses for joins, or tables partitioned by a hash of the key), which DuckDB 1.5 does not
  offer for this shape of query. Also measured on 2026-12-04 (10 M, external_id_mapping's lookup of
  12,398 identifiers, warm): 51 ms as stored (FSST-compressed keys), 24 ms with the key column stored
  uncompressed (only a database-wide setting forces that), 33 ms probing an extra integer column of
  key hashes (sorted by it or not), 60 ms with the table sorted by key; one pass over
  external_id_mapping for both of its lookups (an OR of the two conditions) made its query 35 % slower;
  fetching the stored rows by \`rowid\` after finding them by key was no faster with 30,000 keys.
- The shared machine makes single runs noisy: full build and baseline are run twice, alternating, and
  the faster of each is reported; each incremental run is run twice from the same state (the database
  file copied before the first and put back), and the faster is reported.
- The identity-health models are not part of the targets: identity_identifier_segments,
  identity_identifier_profiles (what identity_shared_identifiers reads) and identity_profiles_many_identifiers
  are incremental; identity_merges_daily and identity_shared_identifiers are small tables rebuilt every run.
- The generator's own benchmark, against DuckDB writing the same tables, is the \`generate\` section
  (\`bench/generate.ts\`); the "generate" column here is one run of it with a larger memory limit.

Load average ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end (other work shares the 2 cores).`;
console.log(`\n${markdown}\n`);
if (write) writeSection('profiles-sync', markdown);
