/**
 * Parse benchmark: generated projects of N models (chains and fans of refs, macros with
 * dispatch, YAML columns and tests). Times `strata parse` cold, with nothing changed (the
 * fingerprint check), and after a one-file change (the parse cache), and reports peak RSS;
 * each parse runs in a fresh process so the figures include start-up, as a user sees them. The baseline is the time Node takes to
 * read the same files (the floor for any parser).
 *
 *   node --import tsx bench/parse.ts [models...]     (default: 1000 10000)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, writeSection } from './lib/report.js';

const ROOT = join(import.meta.dirname, '.work');

export function generateProject(dir: string, n: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'models', 'staging'), { recursive: true });
  mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), `name: bench\nversion: '1.0'\nconfig-version: 2\nprofile: bench\nmodels:\n  bench:\n    +materialized: view\n    marts:\n      +materialized: table\n`);
  writeFileSync(join(dir, 'profiles.yml'), `bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/bench.duckdb\n      threads: 4\n`);
  writeFileSync(
    join(dir, 'macros', 'helpers.sql'),
    `{% macro cents(col) %}{{ return(adapter.dispatch('cents')(col)) }}{% endmacro %}
{% macro default__cents(col) %}({{ col }} / 100.0){% endmacro %}
{% macro duckdb__cents(col) %}round({{ col }} / 100.0, 2){% endmacro %}
`,
  );
  const folders = Math.max(1, Math.floor(n / 200));
  for (let f = 0; f < folders; f++) mkdirSync(join(dir, 'models', 'marts', `area_${f}`), { recursive: true });
  let yml = 'version: 2\nmodels:\n';
  for (let i = 0; i < n; i++) {
    const name = `m_${i}`;
    let body: string;
    if (i < 10) {
      body = `select range as id, range * 7 as amount_cents, 'k' || (range % 5) as kind from range(100)`;
      writeFileSync(join(dir, 'models', 'staging', `${name}.sql`), `{{ config(tags=['staging']) }}\n${body}\n`);
    } else {
      const a = `m_${i - 1 - (i % 7)}`;
      const b = `m_${i % 10}`;
      body = `{{ config(materialized='${i % 3 === 0 ? 'table' : 'view'}', tags=['t${i % 4}']) }}
with a as (
    select id, amount_cents, kind from {{ ref('${a}') }}
),
b as (
    select id, kind from {{ ref('${b}') }}
)
select
    a.id,
{%- for col in ['amount_cents', 'kind'] %}
    a.{{ col }} as {{ col }}_{{ loop.index }},
{%- endfor %}
    {{ cents('a.amount_cents') }} as amount,
    {{ var('multiplier', 1) }} as multiplier
from a join b using (id)
`;
      writeFileSync(join(dir, 'models', 'marts', `area_${i % folders}`, `${name}.sql`), body);
    }
    yml += `  - name: ${name}\n    description: Model ${i}.\n    columns:\n      - name: id\n        description: The key.\n        tests: [unique, not_null]\n      - name: amount\n        description: Dollars.\n`;
    if ((i + 1) % 200 === 0 || i === n - 1) {
      writeFileSync(join(dir, 'models', `_props_${Math.floor(i / 200)}.yml`), yml);
      yml = 'version: 2\nmodels:\n';
    }
  }
}

const BIN = join(import.meta.dirname, '..', 'bin', 'strata');
/** Loaded before the CLI: prints the peak RSS as the process exits. */
const REPORT_RSS = 'data:text/javascript,' + encodeURIComponent(`process.on('exit', () => process.stdout.write('\\nRSS ' + process.resourceUsage().maxRSS / 1024 + '\\n'))`);

/**
 * `strata parse` run as a user runs it, `bin/strata` in a fresh Node process (npm run build
 * first), timed from the parent: Node's start-up, module loading, the parse and writing the
 * manifest, as a user sees them. `expect` is a line the run must print (which path it took).
 */
function timeCli(dir: string, expect: RegExp): { ms: number; rssMb: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['--import', REPORT_RSS, BIN, 'parse', '--project-dir', dir, '--no-color'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (!expect.test(out)) throw new Error(`strata parse did not print ${expect}:\n${out}`);
  return { ms, rssMb: Number(/RSS ([\d.]+)/.exec(out)![1]) };
}

/** The run of median time (of an odd number of runs). */
function median(runs: { ms: number; rssMb: number }[]): { ms: number; rssMb: number } {
  return [...runs].sort((a, b) => a.ms - b.ms)[runs.length >> 1]!;
}

/**
 * Give every file and folder of the generated project a time an hour back, as a project's
 * usually are when it is parsed (files and folders changed within 2 s of a parse are
 * verified by their contents at the next check instead of by time).
 */
function ageFiles(dir: string): void {
  const old = new Date(Date.now() - 3600_000);
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      utimesSync(p, old, old);
    }
  };
  walk(dir);
}

function readAll(dir: string): number {
  const t0 = performance.now();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return performance.now() - t0;
}

/** Node starting and exiting, timed as \`timeCli\` times a parse (best of three). */
function nodeStart(): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '']);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const DBT = join(import.meta.dirname, '..', '.venv-dbt', 'bin', 'dbt');

/** dbt-core's `dbt parse` on the same project: cold (no partial parse) and with nothing changed. */
function timeDbt(dir: string): { cold: number; warm: number } | undefined {
  if (!existsSync(DBT)) return undefined;
  const once = (args: string[]) => {
    const t0 = performance.now();
    execFileSync(DBT, ['parse', '--project-dir', dir, '--profiles-dir', dir, ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
    return performance.now() - t0;
  };
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  const cold = once(['--no-partial-parse']);
  const warm = once([]);
  return { cold, warm };
}

async function mainBench(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  const rows: string[] = [];
  for (const n of sizes.length ? sizes : [1000, 10000]) {
    const dir = join(ROOT, `parse_${n}`);
    generateProject(dir, n);
    ageFiles(dir);
    const read = readAll(dir);
    const node = nodeStart();
    rmSync(join(dir, 'target'), { recursive: true, force: true });
    const cold = timeCli(dir, /cache: 0 reused/);
    const warm = median([1, 2, 3].map(() => timeCli(dir, /Nothing changed since the last parse/)));
    const f = join(dir, 'models', 'marts', 'area_0', `m_${n - 200 > 10 ? n - 200 : 20}.sql`);
    const original = readFileSync(f, 'utf8');
    const one = median(
      [1, 2, 3, 4, 5].map((i) => {
        writeFileSync(f, original + `\n-- changed ${i}\n`);
        return timeCli(dir, /, 1 rendered\); patched/);
      }),
    );
    // An edit that adds a ref: the graph changes, so the full parse runs with its cache.
    writeFileSync(f, original + `\n-- {{ ref('m_${Math.min(5, n - 1)}') }}\n`);
    const oneRef = timeCli(dir, /, 1 rendered\); wrote/);
    const dbt = timeDbt(dir);
    const dbtCells = dbt ? `${(dbt.cold / 1000).toFixed(1)} s | ${(dbt.warm / 1000).toFixed(1)} s | ${(dbt.cold / cold.ms).toFixed(1)}× / ${(dbt.warm / warm.ms).toFixed(1)}×` : 'not run | not run | –';
    rows.push(`| ${n} | ${cold.ms.toFixed(0)} ms | ${warm.ms.toFixed(0)} ms | ${one.ms.toFixed(0)} ms | ${oneRef.ms.toFixed(0)} ms | ${Math.max(cold.rssMb, warm.rssMb, one.rssMb, oneRef.rssMb).toFixed(0)} MB | ${read.toFixed(0)} ms | ${node.toFixed(0)} ms | ${dbtCells} |`);
    console.log(rows[rows.length - 1]);
  }
  writeSection(
    'parse',
    `## Parse (\`bench/parse.ts\`)

Generated projects (chains and fans of refs, a dispatched macro, a loop, YAML columns with tests).
Each figure is \`strata parse\` run as a user runs it: a fresh Node process from the built JavaScript
(\`bin/strata\`, which runs the bundle), timed from outside (Node's start-up, module loading, the parse and
writing \`target/manifest.json\`); "no change" is the median of 3 runs, "one file changed" of 5 edits.
"No change" is the second parse: its fingerprint check (\`src/parse/fingerprint.ts\`: every file and
folder the last parse read is stat'ed, env vars and options compared) finds the manifest current
(the generated files and folders are given a time an hour back, as a project's usually are; a file
changed within 2 s of a parse is verified by its contents, and such a folder by listing it, at the
next check; a folder whose time is unchanged is not listed).
"One file changed" appends a comment to one model: the fingerprint check finds that file changed, it is
rendered again with the project's macros alone, asks for the same refs, sources and config as before,
and its entry in manifest.json is rewritten in place, within the room the parse left after it, so
nothing else in the file moves (\`src/parse/patch.ts\`). "New ref" adds a \`ref()\`
to the same model instead: the graph changes, so the full parse runs with its cache (every file and
YAML read, that model re-rendered, the whole manifest checked and written again).
Baselines in the same run: reading the same files with \`readFileSync\`, and Node starting and
exiting (\`node -e ''\`), the floor of any command. Targets for 10,000 models: cold < 3 s, no change
< 300 ms, one file changed < 150 ms, peak RSS < 1 GB.

| models | cold parse | no change | one file changed | one file changed, new ref | peak RSS | baseline: read files | baseline: Node start | dbt parse, cold | dbt parse, no change | dbt ÷ Strata (cold / no change) |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

dbt-core 1.10 with dbt-duckdb comes from \`.venv-dbt\` (\`test/harness/dbt/setup.sh\`), timed on the same
generated project in the same run; "not run" when that environment is missing.`,
  );
  console.log(machine());
}

if (import.meta.url === `file://${process.argv[1]}`) await mainBench();
