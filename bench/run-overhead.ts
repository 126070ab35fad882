/**
 * Per-model overhead of `strata run` on DuckDB: 1,000 trivial view models and 1,000
 * trivial table models with 4 threads, against a baseline that executes the same
 * statements (create view / create table as) directly on 4 DuckDB connections in the
 * same run. Overhead per model = (Strata's time − baseline) / models.
 *
 *   node --import tsx bench/run-overhead.ts [models]     (default 1000)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { timeStrataRun } from './lib/strata-run.js';
import { writeSection } from './lib/report.js';

const ROOT = join(import.meta.dirname, '.work');

function project(dir: string, n: number, materialized: 'view' | 'table'): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), `name: overhead\nversion: '1.0'\nconfig-version: 2\nprofile: overhead\nmodels:\n  overhead:\n    +materialized: ${materialized}\n`);
  writeFileSync(join(dir, 'profiles.yml'), `overhead:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/overhead.duckdb\n      threads: 4\n`);
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'models', `m_${i}.sql`), `select ${i} as id, 'model ${i}' as label\n`);
}

async function baseline(dir: string, n: number, materialized: 'view' | 'table'): Promise<number> {
  const file = join(dir, 'target', 'baseline.duckdb');
  mkdirSync(join(dir, 'target'), { recursive: true });
  rmSync(file, { force: true });
  const inst = await DuckDBInstance.create(file);
  const cons = await Promise.all([0, 1, 2, 3].map(() => inst.connect()));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    cons.map(async (con) => {
      while (next < n) {
        const i = next++;
        const body = `select ${i} as id, 'model ${i}' as label`;
        await con.run(materialized === 'view' ? `create or replace view "main"."m_${i}" as ${body}` : `create or replace table "main"."m_${i}" as ${body}`);
      }
    }),
  );
  const ms = performance.now() - t0;
  for (const c of cons) c.closeSync();
  inst.closeSync();
  return ms;
}

const strata = timeStrataRun;

const DBT = join(import.meta.dirname, '..', '.venv-dbt', 'bin', 'dbt');

/** `dbt run` with dbt-duckdb on the same project (fresh database), when the harness venv exists. */
function dbtRun(dir: string): number | undefined {
  if (!existsSync(DBT)) return undefined;
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  const t0 = performance.now();
  execFileSync(DBT, ['run', '--project-dir', dir, '--profiles-dir', dir, '--threads', '4'], { cwd: dir, stdio: 'ignore', env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
  return performance.now() - t0;
}

const n = Number(process.argv[2] ?? 1000);
const rows: string[] = [];
for (const kind of ['view', 'table'] as const) {
  const dir = join(ROOT, `overhead_${kind}`);
  project(dir, n, kind);
  const base = await baseline(dir, n, kind);
  const ours = await strata(dir);
  const per = (ours - base) / n;
  const dbt = dbtRun(dir);
  rows.push(`| ${n} ${kind}s | ${(ours / 1000).toFixed(2)} s | ${(base / 1000).toFixed(2)} s | ${(ours / base).toFixed(1)}× | ${per.toFixed(2)} ms | ${dbt === undefined ? 'not run' : `${(dbt / 1000).toFixed(1)} s (${(dbt / ours).toFixed(1)}× Strata)`} |`);
  console.log(rows[rows.length - 1]);
}
writeSection(
  'run-overhead',
  `## Per-model overhead of \`strata run\` (\`bench/run-overhead.ts\`)

Trivial models on DuckDB, 4 threads. Strata's time includes parsing, rendering, the atomic
build-then-swap of each relation, artifacts and output; the baseline executes the same
\`create view\`/\`create table as\` statements directly on 4 connections in the same run.
Target: under 5 ms of overhead per model.

| project | strata run | baseline | ratio | overhead per model | dbt run (dbt-duckdb) |
|---|---|---|---|---|---|
${rows.join('\n')}

dbt-core 1.10 with dbt-duckdb comes from \`.venv-dbt\` (\`test/harness/dbt/setup.sh\`); its time includes Python start-up and its parse (a few seconds), Strata's is measured in process (parse included, Node start-up not).`,
);
