/**
 * The adapter matrix's tools: copy a fixture project into a temporary folder with a
 * profile that has a DuckDB target (`duck`) and a PostgreSQL target (`pg`) writing to the
 * same schema names, run the CLI against either, run SQL on either, and read tables from
 * both as normalised row sets that can be compared.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { registerEngine } from '../../src/adapters/index.js';
import { postgresEngine } from '../../src/adapters/postgres/index.js';
import { main } from '../../src/cli/main.js';
import { pgQuery, type PgDatabase } from '../helpers/pg-server.js';

registerEngine(postgresEngine);

/** A fixture copy with both targets. */
export interface MatrixProject {
  dir: string;
  duckPath: string;
  pg: PgDatabase;
}

/** The profile name a project's dbt_project.yml names. */
function profileName(dir: string): string {
  const m = /^profile:\s*['"]?([\w-]+)/m.exec(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'));
  if (!m) throw new Error(`no profile in ${dir}/dbt_project.yml`);
  return m[1]!;
}

/** Copy `fixture` and write a profiles.yml with targets `duck` and `pg` (schema `main` on both). */
export function matrixProject(fixture: string, pg: PgDatabase, extraOutputs = ''): MatrixProject {
  const dir = mkdtempSync(join(tmpdir(), 'strata-matrix-'));
  cpSync(fixture, dir, { recursive: true, filter: (src) => !src.includes(`${join(fixture, 'target')}`) });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const duckPath = join(dir, 'target', 'matrix.duckdb');
  const name = profileName(dir);
  writeFileSync(
    join(dir, 'profiles.yml'),
    `${name}:
  target: duck
  outputs:
    duck:
      type: duckdb
      path: ${JSON.stringify(duckPath)}
      schema: main
      threads: 2
    pg:
      type: postgres
      host: ${pg.host}
      port: ${pg.port}
      user: ${pg.user}
      password: "{{ env_var('STRATA_PG_PASSWORD', '') }}"
      dbname: ${pg.database}
      schema: main
      threads: 2
${extraOutputs}`,
  );
  return { dir, duckPath, pg };
}

/** The output of the last {@link cli} call (printed only when STRATA_TEST_VERBOSE is set). */
export let lastOutput = '';

/** Run the CLI on the project against a target; returns the exit code. */
export async function cli(p: MatrixProject, target: string, ...args: string[]): Promise<number> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (x, _e, done) => (chunks.push(String(x)), done()) });
  const code = await main([...args, '--project-dir', p.dir, '--profiles-dir', p.dir, '--no-color', '--target', target], { out: sink, err: sink });
  lastOutput = chunks.join('');
  if (process.env.STRATA_TEST_VERBOSE) process.stderr.write(lastOutput);
  return code;
}

/** Run SQL on the DuckDB file; rows as arrays. */
export async function duckQuery(path: string, sql: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(path);
  const con = await inst.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

/** Run the same SQL on both engines. */
export async function onBoth(p: MatrixProject, sql: string): Promise<void> {
  await duckQuery(p.duckPath, sql);
  await pgQuery(p.pg, sql);
}

/**
 * A value both engines agree on: integers and decimals as numbers rounded to 9
 * significant digits, instants as ISO text (those of the last hours, the builds' own
 * times, as `<run time>`), booleans as themselves, everything else as text.
 */
export function normalise(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number(v.toPrecision(9));
  if (typeof v === 'boolean') return v;
  // A load or run time (current_timestamp, invocation times) differs between two builds.
  if (v instanceof Date) return Math.abs(v.getTime() - Date.now()) < 6 * 3600e3 ? '<run time>' : v.toISOString();
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(Number(v).toPrecision(9));
  if (typeof v === 'object') {
    // DuckDB's DECIMAL and TIMESTAMP values from getRowsJS.
    const o = v as Record<string, unknown>;
    if ('micros' in o && Object.keys(o).length === 1) return new Date(Number(o.micros) / 1000).toISOString();
    if ('days' in o && Object.keys(o).length === 1) return new Date(Number(o.days) * 86400000).toISOString();
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  }
  return String(v);
}

function sortRows(rows: unknown[][]): unknown[][] {
  return rows.map((r) => r.map(normalise)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

/** The rows of `select <columns> from <relation>` on both engines, normalised and sorted. */
export async function bothRows(p: MatrixProject, relation: string, columns = '*'): Promise<{ duck: unknown[][]; pg: unknown[][] }> {
  const sql = `select ${columns} from ${relation}`;
  const [duck, pg] = await Promise.all([duckQuery(p.duckPath, sql), pgQuery(p.pg, sql)]);
  return { duck: sortRows(duck), pg: sortRows(pg) };
}

/** The tables and views of the project's schemas on PostgreSQL (`schema.name`), for comparing every relation. */
export async function pgRelations(p: MatrixProject, exclude: string[] = ['raw']): Promise<string[]> {
  const rows = await pgQuery(
    p.pg,
    `select table_schema || '.' || table_name from information_schema.tables
     where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_temp%' order by 1`,
  );
  return rows.map((r) => String(r[0])).filter((n) => !exclude.includes(n.split('.')[0]!));
}
