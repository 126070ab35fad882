/**
 * The Profiles Sync generator (`strata generate profiles-sync`, issue 6) at 1 and 10
 * million update rows, against a baseline measured in the same run: DuckDB writing the
 * same tables, with the same columns, the same formatting SQL and the same row counts,
 * from `range()` instead of a simulation (one INSERT … SELECT per table, three at a time,
 * as the generator runs its loads). The baseline is the engine's own speed for formatting
 * and storing these tables; the generator adds the simulation, the staging and the batches.
 *
 * Each measurement runs in a child process, so that its peak RSS is its own (memory must
 * not grow with the size), and generator and baseline alternate twice per size (the
 * faster of each is reported: the machine is shared and noisy). The CPU time of other
 * processes during a measurement is reported too (from /proc/stat).
 *
 *   node --import tsx bench/generate.ts [sizes…]     (default 1000000 10000000)
 *   node --import tsx bench/generate.ts --no-write   (print only)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateProfilesSync, loadSettings } from '../src/generate/profiles-sync.js';
import { STAGING_TABLES, insertStatements } from '../src/generate/profiles-sync-staging.js';
import { LANDING_TABLES, TRUTH_TABLES, UPDATE_TABLES, createTableSql } from '../src/generate/profiles-sync-tables.js';
import { writeSection } from './lib/report.js';
import { DAYS_PER_MILLION, profilesSyncShape } from './lib/profiles-sync-shape.js';

const WORK = join(import.meta.dirname, '.work', 'generate');
const SEED = 7;
const ROUNDS = 2;

/** What a child process measured. */
interface Measurement {
  wallMs: number;
  /** CPU time of the child process, all threads. */
  cpuMs: number;
  /** CPU time of every other process on the machine meanwhile. */
  othersCpuMs: number;
  maxRssMb: number;
  updateRows: number;
  tables: Record<string, number>;
}

// ---------------------------------------------------------------- child processes

/** Busy CPU time of the whole machine so far, ms (Linux; 0 elsewhere). */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 10;
  } catch {
    return 0;
  }
}

async function measured(work: () => Promise<{ updateRows: number; tables: Record<string, number> }>): Promise<Measurement> {
  const busy0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { updateRows, tables } = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    wallMs, cpuMs, othersCpuMs: Math.max(0, machineBusyMs() - busy0 - cpuMs),
    maxRssMb: process.resourceUsage().maxRSS / 1024, updateRows, tables,
  };
}

function freshDb(name: string): string {
  const path = join(WORK, `${name}.duckdb`);
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  return path;
}

async function childGenerate(size: number): Promise<Measurement> {
  const path = freshDb('generated');
  const { people, days } = profilesSyncShape(size);
  return measured(async () => {
    const summary = await generateProfilesSync({ people, days, seed: SEED, output: { kind: 'duckdb', path, schema: 'landing' } });
    return { updateRows: summary.updateRows, tables: summary.tables };
  });
}

/** Plausible staging numbers computed from the row number `i`, per staging column name. */
const RANGE_COLUMNS: Record<string, string> = {
  person: '(i // 3)::integer',
  segment: '((i // 3) * 8 + i % 4)::integer',
  canonical: '((i // 3) * 8)::integer',
  merged_to: 'case when i % 3 = 0 then ((i // 3) * 8)::double end',
  event_type: '(i % 2)::integer',
  event_no: '(i % 40)::integer',
  type: '(i % 3)::integer',
  variant: '(i % 4)::integer',
  shared_device: '(i % 100)::integer',
  source: '(i % 3)::integer',
  device: '(i % 4)::integer',
  duplicate: 'case when i % 100 = 0 then 1 else 0 end',
  identified: '(i % 2)::integer',
  path: '(i % 8)::integer',
  referred: '(i % 3 = 0)::integer',
  event: '(i % 5)::integer',
  ts: '1704067200000 + i * 1000.0',
  load: '1704067200000 + i * 1000.0 + 3600000',
  email: 'case when i % 5 <> 0 then (i % 3)::double end',
  name: '(i % 192)::double',
  plan: '(i % 4)::double',
  company: '(i % 10)::double',
  city: '(i % 10)::double',
  logins: '(i % 50)::double',
  lifetime_value: '(i % 10000) / 100.0',
  is_subscribed: '(i % 2)::double',
};

/** The output table each staging table mainly feeds, for its row count. */
const FEEDS: Record<string, string> = {
  stg_id_graph: 'id_graph_updates',
  stg_external_ids: 'external_id_mapping_updates',
  stg_traits: 'profile_traits_updates',
  stg_pages: 'pages',
  stg_tracks: 'tracks',
  stg_truth_id_graph: 'truth_id_graph',
  stg_truth_profile_traits: 'truth_profile_traits',
  stg_truth_external_ids: 'truth_external_id_mapping',
  stg_truth_shared_devices: 'truth_shared_devices',
};

async function childBaseline(tables: Record<string, number>): Promise<Measurement> {
  const path = freshDb('baseline');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const sql of loadSettings('512MB')) await connection.run(sql);
    for (const s of ['landing', 'landing_truth', 'range_stage']) await connection.run(`create schema ${s}`);
    for (const spec of LANDING_TABLES) await connection.run(createTableSql('landing', spec));
    for (const spec of TRUTH_TABLES) await connection.run(createTableSql('landing_truth', spec));
    for (const spec of STAGING_TABLES) {
      const rows = tables[FEEDS[spec.name]!] ?? 0;
      const cols = spec.columns.map((c) => `${RANGE_COLUMNS[c]!} as "${c}"`).join(', ');
      await connection.run(`create view range_stage.${spec.name} as select ${cols} from range(${rows}) t(i)`);
    }
    const loaders: DuckDBConnection[] = [];
    for (let i = 0; i < 3; i++) loaders.push(await instance.connect());
    return await measured(async () => {
      const queue = insertStatements('range_stage', 'landing', 'landing_truth', true).map((s) => s.sql);
      await Promise.all(loaders.map(async (c) => {
        for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await c.run(sql);
      }));
      await connection.run('checkpoint');
      const counts: Record<string, number> = {};
      for (const spec of [...LANDING_TABLES, ...TRUTH_TABLES]) {
        const schema = TRUTH_TABLES.includes(spec) ? 'landing_truth' : 'landing';
        counts[spec.name] = Number((await connection.runAndReadAll(`select count(*) from ${schema}.${spec.name}`)).getRows()[0]![0]);
      }
      for (const c of loaders) c.closeSync();
      return { updateRows: UPDATE_TABLES.reduce((n, s) => n + (counts[s.name] ?? 0), 0), tables: counts };
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// ---------------------------------------------------------------- the benchmark

function inChild(args: string[]): Measurement {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measurement;
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const fmtN = (n: number): string => n.toLocaleString('en-US');
const best = (ms: Measurement[]): Measurement => ms.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    mkdirSync(WORK, { recursive: true });
    const m = args[1] === 'generate' ? await childGenerate(Number(args[2])) : await childBaseline(JSON.parse(args[2]!) as Record<string, number>);
    process.stdout.write(`${JSON.stringify(m)}\n`);
    return;
  }
  const write = !args.includes('--no-write');
  const sizes = args.filter((a) => !a.startsWith('--')).map(Number);
  if (sizes.length === 0) sizes.push(1_000_000, 10_000_000);
  mkdirSync(WORK, { recursive: true });
  const loadStart = loadavg()[0]!;
  const rows: { size: number; gen: Measurement[]; base: Measurement[] }[] = [];
  for (const size of sizes) {
    const gen: Measurement[] = [];
    const base: Measurement[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const g = inChild(['generate', String(size)]);
      gen.push(g);
      console.log(`${fmtN(size)}: generator ${fmtN(g.updateRows)} update rows in ${fmtS(g.wallMs)} (CPU ${fmtS(g.cpuMs)}, others ${fmtS(g.othersCpuMs)}, peak RSS ${g.maxRssMb.toFixed(0)} MB)`);
      const b = inChild(['baseline', JSON.stringify(g.tables)]);
      base.push(b);
      console.log(`${fmtN(size)}: baseline  ${fmtN(b.updateRows)} update rows in ${fmtS(b.wallMs)} (CPU ${fmtS(b.cpuMs)}, others ${fmtS(b.othersCpuMs)}, peak RSS ${b.maxRssMb.toFixed(0)} MB)`);
    }
    rows.push({ size, gen, base });
  }
  rmSync(WORK, { recursive: true, force: true });
  const loadEnd = loadavg()[0]!;

  const lines = [
    '## Generator: `strata generate profiles-sync`',
    '',
    `Generated Segment Profiles Sync data (\`generateProfilesSync\`, seed ${SEED}, ${DAYS_PER_MILLION} days per million update rows, events and`,
    'ground truth included) into a DuckDB file, against a baseline measured in the same run: DuckDB writing the same tables',
    '(same columns, same formatting SQL, same row counts, same DuckDB settings) from `range()` in one INSERT … SELECT per table, three at a time,',
    "i.e. the engine's own speed for formatting and storing these tables. Each figure is the faster of two runs in a child",
    'process (generator and baseline alternate); "others" is the CPU time other processes used meanwhile (the machine has 2',
    'shared cores, so that much was not available to the run). Target: 10 M update rows well under a minute (aim: 30 s).',
    '',
    '| update rows | generator | CPU | peak RSS | others | baseline (DuckDB from range) | CPU | generator / baseline |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const g = best(r.gen);
    const b = best(r.base);
    lines.push(`| ${fmtN(g.updateRows)} | ${fmtS(g.wallMs)} (${fmtN(Math.round(g.updateRows / (g.wallMs / 1000)))} rows/s) | ${fmtS(g.cpuMs)} | ${g.maxRssMb.toFixed(0)} MB | ${fmtS(g.othersCpuMs)} | ${fmtS(b.wallMs)} | ${fmtS(b.cpuMs)} | **${(g.wallMs / b.wallMs).toFixed(2)}×** (CPU ${(g.cpuMs / b.cpuMs).toFixed(2)}×) |`);
  }
  const largest = rows.at(-1)!;
  const g = best(largest.gen);
  const b = best(largest.base);
  lines.push(
    '',
    'Reading the figures:',
    '',
    '- The generator simulates people in JavaScript and appends their rows, as numbers, to staging tables in an in-memory',
    '  database; every two row groups of a staging table, one INSERT … SELECT per output table formats and stores them on',
    '  other connections while the simulation goes on (src/generate/staging-pipeline.ts). Its DuckDB part is the work',
    '  the baseline does: formatting ids and texts, and compressing and writing the string columns, most of the CPU.',
    `- At ${fmtN(g.updateRows)} update rows the generator used ${fmtS(g.cpuMs)} of CPU and the baseline ${fmtS(b.cpuMs)}: on the 2 cores, with`,
    `  no other work, their wall times could not be below ${fmtS(g.cpuMs / 2)} and ${fmtS(b.cpuMs / 2)}. Other processes used ${fmtS(g.othersCpuMs)} and`,
    `  ${fmtS(b.othersCpuMs)} of CPU during those runs${g.othersCpuMs + b.othersCpuMs > 0.2 * (g.cpuMs + b.cpuMs) ? ', which is why the wall times are longer' : ''}.`,
    '- Peak RSS is bounded by DuckDB\'s memory limit (512 MB by default) plus the staging slots and the runtime, not by',
    '  the size of the output.',
    '',
    `Load average ${loadStart.toFixed(1)} at the start and ${loadEnd.toFixed(1)} at the end.`,
  );
  const markdown = lines.join('\n');
  console.log(`\n${markdown}`);
  if (write) writeSection('generate', markdown);
}

await main();
