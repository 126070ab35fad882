/**
 * A running PostgreSQL server for the tests: the one PGHOST/PGPORT (or STRATA_PG_PORT)
 * point at when it answers, otherwise the throwaway cluster of
 * `scripts/pg-test-server.sh start`. Each test file gets a fresh database.
 *
 * When no server can be had the tests FAIL, loudly. Only `STRATA_SKIP_POSTGRES=1`,
 * set on purpose, skips them (with a warning on stderr).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

/** Where the server is. */
export interface PgServer {
  host: string;
  port: number;
  user: string;
}

/** A fresh database on the server. */
export interface PgDatabase extends PgServer {
  database: string;
}

/** Whether the PostgreSQL tests are skipped on purpose (`STRATA_SKIP_POSTGRES=1`). */
export const SKIP_POSTGRES = process.env.STRATA_SKIP_POSTGRES === '1';
if (SKIP_POSTGRES) {
  process.stderr.write('\n!!! STRATA_SKIP_POSTGRES=1: the PostgreSQL tests are SKIPPED. Unset it to run them. !!!\n\n');
}

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'pg-test-server.sh');
let server: Promise<PgServer> | undefined;

async function answers(s: PgServer): Promise<boolean> {
  const c = new pg.Client({ ...s, database: 'postgres', connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A running server: the configured one, or the test cluster started now. Throws (loudly) when none can be had. */
export function ensurePgServer(): Promise<PgServer> {
  server ??= (async () => {
    const port = Number(process.env.STRATA_PG_PORT ?? process.env.PGPORT ?? 55432);
    const given: PgServer = { host: process.env.PGHOST ?? '127.0.0.1', port, user: process.env.PGUSER ?? 'postgres' };
    if (await answers(given)) return given;
    let out: string;
    try {
      out = execFileSync('bash', [SCRIPT, 'start'], { encoding: 'utf8', env: { ...process.env, STRATA_PG_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(
        `\n\n*** The PostgreSQL test server could not be started (scripts/pg-test-server.sh start): ${e.stderr || e.message}\n` +
          `*** Install PostgreSQL (apt-get install -y postgresql) or point PGHOST/PGPORT at a server.\n` +
          `*** To skip the PostgreSQL tests on purpose, set STRATA_SKIP_POSTGRES=1.\n`,
      );
    }
    const env = Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => l.split('=', 2) as [string, string]));
    const started: PgServer = { host: env.PGHOST ?? '127.0.0.1', port: Number(env.PGPORT ?? port), user: env.PGUSER ?? 'postgres' };
    if (!(await answers(started))) throw new Error(`*** The PostgreSQL test server was started but does not answer on ${started.host}:${started.port}`);
    return started;
  })();
  return server;
}

/** A new, empty database named after `prefix` (plus a random part) on the test server. */
export async function freshDatabase(prefix: string): Promise<PgDatabase> {
  const s = await ensurePgServer();
  const database = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ ...s, database: 'postgres' });
  await c.connect();
  try {
    await c.query(`create database "${database}"`);
  } finally {
    await c.end();
  }
  return { ...s, database };
}

/** Drop a database made by {@link freshDatabase} (closing other sessions on it). */
export async function dropDatabase(db: PgDatabase): Promise<void> {
  const c = new pg.Client({ host: db.host, port: db.port, user: db.user, database: 'postgres' });
  await c.connect();
  try {
    await c.query(`drop database if exists "${db.database}" with (force)`);
  } finally {
    await c.end();
  }
}

/** Run SQL on the database with a plain client; rows as arrays. */
export async function pgQuery(db: PgDatabase, sql: string): Promise<unknown[][]> {
  const c = new pg.Client({ host: db.host, port: db.port, user: db.user, database: db.database });
  await c.connect();
  try {
    const r = (await c.query({ text: sql, rowMode: 'array' })) as pg.QueryArrayResult | pg.QueryArrayResult[];
    const last = Array.isArray(r) ? r[r.length - 1]! : r;
    return last.rows as unknown[][];
  } finally {
    await c.end();
  }
}

/** Set the PG* variables the fixture profiles read (`env_var('PGPORT')` …). */
export function exportPgEnv(db: PgDatabase): void {
  process.env.PGHOST = db.host;
  process.env.PGPORT = String(db.port);
  process.env.PGUSER = db.user;
  process.env.PGDATABASE = db.database;
}
