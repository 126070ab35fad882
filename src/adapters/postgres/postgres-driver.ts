/**
 * Connections to a PostgreSQL server through `pg`: one `pg.Client` per pooled session
 * (the pool is sized by `threads`), raw SQL over the simple query protocol (a string of
 * several statements runs them in one implicit transaction and returns the last result),
 * seeds through `COPY … FROM STDIN` (pg-copy-streams), cancellation on the server with
 * `pg_cancel_backend`, and server errors turned into `SqlError`s with the line of the
 * error's `position`, the server's detail and hint.
 *
 * Two runs against the same target never interleave: the driver takes a session-level
 * advisory lock keyed by the target's schema on a connection of its own, held until
 * `close()` (or until the process dies: the server then releases it). A second run
 * waits for it (saying so) up to `run_lock_timeout` seconds, then stops with
 * `target-locked`.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { StrataError } from '../../errors.js';
import type { AdapterOptions, Connection, CopyCsvOptions, Dialect, Driver, ExecuteOptions, QueryResult, TargetConfig } from '../adapter.js';
import type { Relation } from '../relation.js';
import { SqlError } from '../sql-error.js';
import type { PostgresDialect } from './postgres-dialect.js';
import { clientConfig, readPostgresProfile, type PostgresProfile } from './postgres-profile.js';
import { postgresTypes, typeName } from './postgres-values.js';

/** The first key of Strata's advisory locks ("St"). */
export const RUN_LOCK_CLASS = 0x5374;

/** SQLSTATE of a statement cancelled by `pg_cancel_backend` or the protocol's cancel. */
const QUERY_CANCELED = '57014';

/** The 1-based line of a 1-based character `position` in `sql`. */
export function lineAt(sql: string, position: number): number {
  let line = 1;
  const end = Math.min(sql.length, position - 1);
  for (let i = 0; i < end; i++) if (sql.charCodeAt(i) === 10) line++;
  return line;
}

/** The server's message with its DETAIL, HINT and CONTEXT lines, as psql shows them. */
export function serverMessage(e: pg.DatabaseError): string {
  const lines = [e.message];
  if (e.detail) lines.push(`DETAIL:  ${e.detail}`);
  if (e.hint) lines.push(`HINT:  ${e.hint}`);
  if (e.where) lines.push(`CONTEXT:  ${e.where}`);
  return lines.join('\n');
}

/** Any error from `pg` for `sql` as a SqlError (`cancelled` for a cancelled statement). */
export function toSqlError(err: unknown, sql: string, cancelled = false): SqlError | StrataError {
  if (err instanceof StrataError) return err;
  if (err instanceof pg.DatabaseError) {
    if (err.code === QUERY_CANCELED) return new SqlError('cancelled', err.message, sql);
    const pos = err.position ? Number(err.position) : undefined;
    return new SqlError('sql-error', serverMessage(err), sql, pos ? lineAt(sql, pos) : undefined);
  }
  const msg = err instanceof Error ? err.message : String(err);
  if (cancelled) return new SqlError('cancelled', msg, sql);
  return new SqlError('sql-error', `PostgreSQL connection error: ${msg}`, sql);
}

/** Connection settings as a StrataError when the server cannot be reached. */
function connectError(err: unknown, p: PostgresProfile): StrataError {
  const msg = err instanceof Error ? err.message : String(err);
  const where = `${p.user}@${p.host}:${p.port}/${p.dbname}`;
  if (err instanceof pg.DatabaseError && err.code === '3D000') {
    return new StrataError('database-open-failed', `PostgreSQL database "${p.dbname}" does not exist (${where})`, {
      hint: `Create it (createdb -h ${p.host} -p ${p.port} -U ${p.user} ${p.dbname}) or fix "dbname" in profiles.yml.`,
      cause: err,
    });
  }
  if (err instanceof pg.DatabaseError && (err.code === '28P01' || err.code === '28000')) {
    return new StrataError('database-open-failed', `PostgreSQL refused the login of ${where}: ${msg}`, {
      hint: 'Check "user" and "password" in profiles.yml (usually password: "{{ env_var(\'DBT_ENV_SECRET_PG_PASSWORD\') }}").',
      cause: err,
    });
  }
  return new StrataError('database-open-failed', `Could not connect to PostgreSQL at ${where}: ${msg}`, {
    hint: 'Is the server running and reachable? Check host, port and sslmode in profiles.yml.',
    cause: err,
  });
}

/** Opens and hands out connections to one PostgreSQL target. */
export class PostgresDriver implements Driver {
  private constructor(
    private readonly profile: PostgresProfile,
    private readonly config: pg.ClientConfig,
    readonly database: string,
    readonly schema: string,
    private readonly lockClient: pg.Client | undefined,
  ) {}

  /** Connect once (to learn the server's version and database), then take the run lock. */
  static async open(profile: PostgresProfile, dialect: PostgresDialect, opts: { runLock?: boolean } = {}): Promise<PostgresDriver> {
    const config = clientConfig(profile);
    const first = await connectClient(config, profile);
    let keep = false;
    try {
      const r = await first.query({ text: `select current_setting('server_version_num')::int, current_database()`, rowMode: 'array' });
      const row = r.rows[0] as [number, string];
      dialect.setServerVersion(Number(row[0]));
      if (opts.runLock !== false) {
        await takeRunLock(first, profile);
        keep = true;
      }
      return new PostgresDriver(profile, config, String(row[1]), profile.schema, keep ? first : undefined);
    } finally {
      if (!keep) await first.end().catch(() => undefined);
    }
  }

  async connect(): Promise<Connection> {
    return new PostgresConnection(await connectClient(this.config, this.profile), this.config);
  }

  async close(): Promise<void> {
    // Ending the session releases its advisory lock.
    await this.lockClient?.end().catch(() => undefined);
  }
}

/** A connected client with the profile's role set; errors on an idle connection are kept, not thrown. */
async function connectClient(config: pg.ClientConfig, p: PostgresProfile): Promise<pg.Client> {
  let last: unknown;
  for (let attempt = 0; attempt < p.retries; attempt++) {
    const client = new pg.Client({ ...config, types: postgresTypes });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if (p.role) await client.query(`SET ROLE ${quoteIdent(p.role)}`);
      return client;
    } catch (err) {
      last = err;
      await client.end().catch(() => undefined);
      if (err instanceof pg.DatabaseError) break;
      if (attempt + 1 < p.retries) await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw connectError(last, p);
}

function quoteIdent(id: string): string {
  return `"${id.replace(/"/g, '""')}"`;
}

/** Take the target's advisory lock on `client`, waiting for another run up to the profile's limit. */
async function takeRunLock(client: pg.Client, p: PostgresProfile): Promise<void> {
  const key = `${RUN_LOCK_CLASS}, hashtext(${pg.escapeLiteral(p.schema)})`;
  const got = await client.query({ text: `select pg_try_advisory_lock(${key})`, rowMode: 'array' });
  if (got.rows[0]?.[0] === true) return;
  const holder = await client.query({
    text: `select l.pid, a.application_name, a.backend_start from pg_locks l left join pg_stat_activity a on a.pid = l.pid
           where l.locktype = 'advisory' and l.classid = ${RUN_LOCK_CLASS} and l.objid = hashtext(${pg.escapeLiteral(p.schema)})::oid and l.granted limit 1`,
    rowMode: 'array',
  });
  const pid = holder.rows[0]?.[0];
  const who = pid ? ` (server process ${String(pid)}${holder.rows[0]?.[1] ? `, ${String(holder.rows[0][1])}` : ''})` : '';
  const what = `schema "${p.schema}" of ${p.dbname} on ${p.host}:${p.port}`;
  const busy = () =>
    new StrataError('target-locked', `Another run is building ${what}${who}`, {
      hint: 'Wait for it to finish (or raise run_lock_timeout in the profile); two runs on one target would overwrite each other.',
    });
  if (p.runLockTimeout <= 0) throw busy();
  process.stderr.write(`Waiting for another run on ${what}${who} to finish (up to ${p.runLockTimeout}s)…\n`);
  try {
    await client.query(`set lock_timeout = ${Math.round(p.runLockTimeout * 1000)}`);
    await client.query(`select pg_advisory_lock(${key})`);
    await client.query('set lock_timeout = 0');
  } catch (err) {
    if (err instanceof pg.DatabaseError && err.code === '55P03') throw busy();
    throw err;
  }
}

/** One pooled PostgreSQL connection. */
class PostgresConnection implements Connection {
  private running = 0;
  private cancelling: Promise<void> | undefined;

  constructor(
    private readonly client: pg.Client,
    private readonly config: pg.ClientConfig,
  ) {}

  async execute(sql: string, opts: ExecuteOptions): Promise<QueryResult> {
    const { signal } = opts;
    if (signal?.aborted) throw new SqlError('cancelled', 'Query cancelled before it started', sql);
    const onAbort = () => this.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running++;
    try {
      const res = (await this.client.query({ text: sql, rowMode: 'array' })) as pg.QueryArrayResult | pg.QueryArrayResult[];
      const last = Array.isArray(res) ? res[res.length - 1] : res;
      if (!last) return { columns: [], rows: [] };
      return toResult(last, opts.fetch !== false);
    } catch (err) {
      throw toSqlError(err, sql, signal?.aborted === true);
    } finally {
      this.running--;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async copyCsv(relation: Relation, path: string, options: CopyCsvOptions): Promise<number> {
    const cols = options.columns.map(quoteIdent).join(', ');
    const sql = `COPY ${relation.render()} (${cols}) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ${pg.escapeLiteral(options.delimiter)}, QUOTE '"', ESCAPE '"', NULL '')`;
    const { signal } = options;
    if (signal?.aborted) throw new SqlError('cancelled', 'Query cancelled before it started', sql);
    const onAbort = () => this.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running++;
    try {
      const stream = this.client.query(copyFrom(sql));
      await pipeline(createReadStream(path), stream);
      return stream.rowCount;
    } catch (err) {
      throw toSqlError(err, sql, signal?.aborted === true);
    } finally {
      this.running--;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancel the running statement on the server, from a short-lived second connection. */
  interrupt(): void {
    if (this.running === 0 || this.cancelling) return;
    const pid = (this.client as pg.Client & { processID?: number }).processID;
    if (!pid) return;
    this.cancelling = (async () => {
      const c = new pg.Client({ ...this.config, application_name: 'strata-cancel' });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query(`select pg_cancel_backend(${Number(pid)})`);
      } catch {
        // The server is gone or refused: the statement ends with the connection anyway.
      } finally {
        await c.end().catch(() => undefined);
        this.cancelling = undefined;
      }
    })();
  }

  async close(): Promise<void> {
    await this.cancelling;
    await this.client.end().catch(() => undefined);
  }
}

function toResult(r: pg.QueryArrayResult, fetch: boolean): QueryResult {
  const columns = (r.fields ?? []).map((f) => ({ name: f.name, type: typeName(f.dataTypeID) }));
  const dml = r.command === 'INSERT' || r.command === 'UPDATE' || r.command === 'DELETE' || r.command === 'MERGE' || r.command === 'COPY';
  // CREATE TABLE AS reports its rows as a SELECT that returns no columns.
  const ctas = r.command === 'SELECT' && columns.length === 0;
  const rowsAffected = (dml || ctas) && typeof r.rowCount === 'number' ? r.rowCount : undefined;
  return { columns, rows: fetch ? (r.rows as unknown[][]) : [], ...(rowsAffected !== undefined ? { rowsAffected } : {}) };
}

/** Open a driver for a profile target (used by the engine). */
export function openPostgresDriver(target: TargetConfig, opts: AdapterOptions, dialect: Dialect): Promise<Driver> {
  return PostgresDriver.open(readPostgresProfile(target, opts), dialect as PostgresDialect, { runLock: target.fields.run_lock !== false });
}
