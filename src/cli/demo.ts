/**
 * `strata demo`: generate a Segment Profiles Sync landing schema into target/demo.duckdb,
 * build the example project (examples/demo, which uses the shipped profiles_sync
 * package) on it, and print what came out.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import pc from 'picocolors';
import * as api from '../api.js';
import { STRATA_ROOT } from '../parse/parser.js';
import { Reporter } from '../report/reporter.js';
import { openAdapter } from '../runner/run.js';

export interface DemoOptions {
  people?: number;
  days?: number;
  color?: boolean;
  /** Where target/ goes (default: the current folder). */
  cwd?: string;
}

export async function demo(o: DemoOptions = {}): Promise<number> {
  const t0 = performance.now();
  const c = pc.createColors(o.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const out = (s: string) => process.stdout.write(s + '\n');
  const base = resolve(o.cwd ?? '.', 'target');
  const dbPath = join(base, 'demo.duckdb');
  const projectDir = join(base, 'demo-project');
  mkdirSync(base, { recursive: true });
  for (const f of [dbPath, `${dbPath}.wal`]) if (existsSync(f)) rmSync(f);
  rmSync(projectDir, { recursive: true, force: true });
  cpSync(join(STRATA_ROOT, 'examples', 'demo'), projectDir, { recursive: true, filter: (src) => !src.includes(`${'/'}target`) });
  // The copy's profile points at the generated database by default (the example's default,
  // target/demo.duckdb, is relative to the project folder), so that the commands printed at
  // the end work on the copy as they are.
  const profiles = join(projectDir, 'profiles.yml');
  writeFileSync(profiles, readFileSync(profiles, 'utf8').replace("'target/demo.duckdb'", `'${relative(projectDir, dbPath)}'`));

  const people = o.people ?? 2000;
  const days = o.days ?? 30;
  out(c.bold(`Strata demo: Segment Profiles Sync → identity graph, on embedded DuckDB`));
  out(`1/4 Generating ${people} people over ${days} days of Profiles Sync data into ${dbPath}`);
  const { generateProfilesSync } = await import('../generate/profiles-sync.js');
  const g0 = performance.now();
  const summary = await generateProfilesSync({ people, days, seed: 42, output: { kind: 'duckdb', path: dbPath, schema: 'profiles_sync_raw' } });
  out(`    done in ${((performance.now() - g0) / 1000).toFixed(1)}s: ${describeSummary(summary)}`);

  out(`2/4 Building and testing the example project (examples/demo) with the profiles_sync package`);
  const env = process.env;
  env.STRATA_DEMO_DB = dbPath;
  const reporter = new Reporter({ color: o.color !== false });
  const results = await api.run({ projectDir, profilesDir: projectDir, reporter, which: 'build', resourceTypes: ['model', 'test', 'unit_test', 'seed', 'snapshot'] });
  const failed = results.results.filter((r) => r.status === 'error' || r.status === 'fail');
  if (failed.length) {
    out(c.red(`The build failed for ${failed.length} node(s); see the messages above.`));
    return 1;
  }
  const tests = results.results.filter((r) => r.unique_id.startsWith('test.')).length;

  out(`3/4 Generating the documentation site`);
  const { generateDocs } = await import('../docs/index.js');
  const docs = await generateDocs({ projectDir, profilesDir: projectDir, reporter: new Reporter({ out: process.stderr, color: false }) });
  out(`    wrote ${docs.sitePath} and ${docs.catalogPath}`);

  out(`4/4 Summary`);
  const parsed = await api.parse({ projectDir, profilesDir: projectDir, reporter: new Reporter({ out: process.stderr }) });
  const adapter = await openAdapter(parsed, 1);
  try {
    const schema = String(parsed.target.schema);
    const q = async (sql: string) => (await adapter.withSession((s) => s.execute(sql))).rows;
    const [row] = await q(`select * from "${schema}"."identity_overview"`);
    const merges = await q(`select count(*) from "${schema}"."profile_merges"`);
    const traitCols = await q(`select count(*) from information_schema.columns where table_schema = '${schema}' and table_name = 'profile_traits' and column_name not in ('canonical_segment_id', 'merged_to', 'uuid_ts', 'chain_uuid_ts')`);
    const [crowded] = await q(`select count(*) from "${schema}"."identity_profiles_many_identifiers"`);
    const [shared] = await q(`select count(*) from "${schema}"."identity_shared_identifiers"`);
    const [profiles, mergedAway, segmentIds, identifiers] = row ?? [];
    out(`    profiles:              ${String(profiles)}`);
    out(`    merged-away profiles:  ${String(mergedAway)} (merges resolved: ${String(merges[0]?.[0])})`);
    out(`    segment ids resolved:  ${String(segmentIds)}`);
    out(`    external identifiers:  ${String(identifiers)}`);
    out(`    trait columns:         ${String(traitCols[0]?.[0])}`);
    out(`    identity health:       ${String(crowded?.[0])} profiles with unusually many identifiers, ${String(shared?.[0])} identifiers claimed by several profiles`);
    out(`    data tests passed:     ${tests}`);
  } finally {
    await adapter.close();
  }
  out(c.green(`Done in ${((performance.now() - t0) / 1000).toFixed(1)}s.`));
  const cli = invokedAs();
  const project = relative(process.cwd(), projectDir) || '.';
  out(`Browse the documentation: ${cli} docs serve --project-dir ${project}`);
  out(`Query a model:            ${cli} show --project-dir ${project} --profiles-dir ${project} --select profile_traits`);
  return 0;
}

/** How the user ran Strata, to print commands they can copy: `npx strata`, `./bin/strata` or `strata`. */
function invokedAs(): string {
  const script = process.argv[1] ?? '';
  if (script.includes('node_modules')) return 'npx strata';
  const rel = relative(process.cwd(), script);
  if (rel.endsWith('bin/strata') && !isAbsolute(rel)) return rel.startsWith('.') ? rel : `./${rel}`;
  return 'strata';
}

function describeSummary(s: unknown): string {
  if (!s || typeof s !== 'object') return '';
  return Object.entries(s as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
