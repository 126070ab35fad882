/**
 * Opening a DuckDB database with `@duckdb/node-api`: the profile's `path` (default
 * `target/<project>.duckdb` under the project; `:memory:` allowed), `extensions` (loaded;
 * installing needs the network), `settings` (`SET` on every connection; `file_search_path`
 * defaults to the project folder, so relative input files are found there too) and `attach`.
 * One DuckDB instance per adapter, one DuckDB connection per pooled session.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DuckDBInstance, DuckDBResultReader, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { StrataError } from '../../errors.js';
import type { AdapterOptions, Connection, Dialect, Driver, ExecuteOptions, QueryResult, TargetConfig } from '../adapter.js';
import { SqlError, sqlErrorLine } from '../sql-error.js';
import { keepMicros, plainRows } from './duckdb-values.js';

/** One `attach` entry of a DuckDB profile. */
export interface DuckDBAttachment {
  path: string;
  alias?: string;
  type?: string;
  read_only?: boolean;
  options?: Record<string, string | number | boolean>;
}

/** The DuckDB profile keys this driver reads. */
export interface DuckDBProfile {
  path: string;
  schema: string;
  database?: string;
  extensions: string[];
  settings: Record<string, string | number | boolean>;
  attach: DuckDBAttachment[];
}

/**
 * DuckDB checkpoints automatically at the commit that takes its write-ahead log past
 * `checkpoint_threshold` (16 MiB by default): with incremental models that commit a few
 * MiB each, the whole database's checkpoint then lands inside whichever model's commit
 * crosses the line, and a run pays for several. Unless the profile sets the threshold,
 * Strata raises it so that a run usually checkpoints once, when it closes the database
 * (DuckDB checkpoints on close); the log stays durable either way.
 */
export const DEFAULT_CHECKPOINT_THRESHOLD = '1GB';
const CHECKPOINT_SETTINGS = new Set(['checkpoint_threshold', 'wal_autocheckpoint']);

const STATEMENT_INSERT = 2;
const STATEMENT_UPDATE = 3;
const STATEMENT_DELETE = 5;
const STATEMENT_CREATE = 7;
const STATEMENT_MERGE = 30;

/** Read and check the profile's fields; relative paths are resolved against the project. */
export function readDuckDBProfile(target: TargetConfig, opts: AdapterOptions): DuckDBProfile {
  const f = target.fields;
  const bad = (key: string, want: string): never => {
    throw new StrataError('profile-error', `The duckdb profile's "${key}" must be ${want}`);
  };
  const rawPath = f.path ?? `target/${opts.projectName}.duckdb`;
  if (typeof rawPath !== 'string' || rawPath === '') bad('path', 'a file path or ":memory:"');
  const path = rawPath === ':memory:' || (rawPath as string).startsWith(':memory:') || isAbsolute(rawPath as string)
    ? (rawPath as string)
    : resolve(opts.projectDir, rawPath as string);
  const schema = f.schema ?? 'main';
  if (typeof schema !== 'string' || schema === '') bad('schema', 'a name');
  const database = f.database;
  if (database !== undefined && typeof database !== 'string') bad('database', 'a name');
  const extensions: string[] = [];
  for (const e of (f.extensions ?? []) as unknown[]) {
    if (typeof e === 'string') extensions.push(e);
    else if (e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string') extensions.push((e as { name: string }).name);
    else bad('extensions', 'a list of extension names');
  }
  if (!Array.isArray(f.extensions ?? [])) bad('extensions', 'a list');
  const given = (f.settings ?? {}) as Record<string, string | number | boolean>;
  if (typeof given !== 'object' || Array.isArray(given)) bad('settings', 'a map of setting names to values');
  // a relative file a query reads (read_csv('data/x.csv'), an external source) is also looked for
  // in the project, wherever strata runs from (DuckDB tries the current folder first)
  const settings = Object.keys(given).some((k) => k.toLowerCase() === 'file_search_path') ? given : { ...given, file_search_path: opts.projectDir };
  const attach: DuckDBAttachment[] = [];
  if (!Array.isArray(f.attach ?? [])) bad('attach', 'a list');
  for (const a of (f.attach ?? []) as unknown[]) {
    if (!a || typeof a !== 'object' || typeof (a as { path?: unknown }).path !== 'string') bad('attach', 'a list of {path, alias, type, read_only}');
    const att = { ...(a as DuckDBAttachment) };
    if (!att.path.includes(':') && !isAbsolute(att.path)) att.path = resolve(opts.projectDir, att.path);
    attach.push(att);
  }
  return { path: path as string, schema: schema as string, database: database as string | undefined, extensions, settings, attach };
}

function settingValue(v: string | number | boolean, d: Dialect): string {
  return typeof v === 'string' ? d.literal(v) : String(v);
}

/** Opens the DuckDB instance and hands out connections. */
export class DuckDBDriver implements Driver {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly database: string,
    readonly schema: string,
    private readonly setup: string[],
  ) {}

  /** Open (or create) the database file and apply the profile. */
  static async open(profile: DuckDBProfile, dialect: Dialect): Promise<DuckDBDriver> {
    if (profile.path !== ':memory:' && !profile.path.startsWith(':memory:') && !profile.path.includes('://') && !profile.path.startsWith('md:')) {
      mkdirSync(dirname(profile.path), { recursive: true });
    }
    // Settings go in as the database's configuration (which also takes the ones DuckDB
    // refuses to change once running); any it does not know as configuration are SET on
    // every connection instead.
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(profile.settings)) config[k] = String(v);
    if (!Object.keys(config).some((k) => CHECKPOINT_SETTINGS.has(k.toLowerCase()))) config.checkpoint_threshold = DEFAULT_CHECKPOINT_THRESHOLD;
    const perConnection = new Set<string>();
    let instance: DuckDBInstance | undefined;
    for (let attempt = 0; !instance; attempt++) {
      try {
        instance = await DuckDBInstance.create(profile.path, config);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        const unknown = /options were not recognized: (.*)$/m.exec(msg)?.[1]?.split(/,\s*/).filter((k) => k in config) ?? [];
        if (attempt > 0 || unknown.length === 0) throw openError(err, profile.path, Object.keys(config).length > 0);
        for (const k of unknown) {
          delete config[k];
          perConnection.add(k);
        }
      }
    }
    const setup = Object.entries(profile.settings)
      .filter(([k]) => perConnection.has(k))
      .map(([k, v]) => `SET ${k} = ${settingValue(v, dialect)}`);
    let conn: DuckDBConnection | undefined;
    try {
      conn = await instance.connect();
      for (const ext of profile.extensions) await loadExtension(conn, ext, dialect);
      for (const s of setup) await runOrThrow(conn, s, 'profile-error', `Could not apply the duckdb setting: ${s}`);
      for (const a of profile.attach) {
        const opts: string[] = [];
        if (a.type) opts.push(`TYPE ${a.type}`);
        if (a.read_only) opts.push('READ_ONLY');
        for (const [k, v] of Object.entries(a.options ?? {})) opts.push(`${k.toUpperCase()} ${settingValue(v, dialect)}`);
        const sql = `ATTACH IF NOT EXISTS ${dialect.literal(a.path)}${a.alias ? ` AS ${dialect.quote(a.alias)}` : ''}${opts.length ? ` (${opts.join(', ')})` : ''}`;
        await runOrThrow(conn, sql, 'profile-error', `Could not attach ${a.path}`);
      }
      const current = (await conn.runAndReadAll('SELECT current_database()')).getRowsJS()[0]?.[0];
      let database = String(current);
      if (profile.database && profile.database.toLowerCase() !== database.toLowerCase()) {
        const dbs = (await conn.runAndReadAll('SELECT database_name FROM duckdb_databases()')).getRowsJS().map((r) => String(r[0]));
        const found = dbs.find((d) => d.toLowerCase() === profile.database!.toLowerCase());
        if (!found) {
          throw new StrataError('profile-error', `The duckdb profile names database "${profile.database}", but the file's database is "${database}"`, {
            hint: `DuckDB names a database after its file; remove "database" or set it to "${database}" (or to an attached alias: ${dbs.join(', ')}).`,
          });
        }
        await conn.run(`USE ${dialect.quote(found)}`);
        setup.push(`USE ${dialect.quote(found)}`);
        database = found;
      }
      conn.closeSync();
      return new DuckDBDriver(instance, database, profile.schema, setup);
    } catch (err) {
      conn?.closeSync();
      instance.closeSync();
      throw err;
    }
  }

  async connect(): Promise<Connection> {
    const conn = await this.instance.connect();
    for (const s of this.setup) await conn.run(s);
    return new DuckDBSessionConnection(conn);
  }

  async close(): Promise<void> {
    this.instance.closeSync();
  }
}

function openError(err: unknown, path: string, hasSettings = false): StrataError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file|Conflicting lock/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new StrataError('database-locked', `The database file ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}`, {
      hint: 'DuckDB lets one process write a database file at a time: wait for the other run to finish, or close the program holding it.',
      cause: err,
    });
  }
  if (hasSettings && /^Invalid Input Error|setting|option|config/i.test(msg)) {
    return new StrataError('profile-error', `A duckdb setting in the profile was refused: ${msg}`, { hint: 'Check the names and values under "settings" in profiles.yml.', cause: err });
  }
  return new StrataError('database-open-failed', `Could not open the DuckDB database ${path}: ${msg}`, { cause: err });
}

async function runOrThrow(conn: DuckDBConnection, sql: string, code: string, message: string): Promise<void> {
  try {
    await conn.run(sql);
  } catch (err) {
    throw new StrataError(code, `${message}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function loadExtension(conn: DuckDBConnection, name: string, dialect: Dialect): Promise<void> {
  const id = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : dialect.literal(name);
  try {
    await conn.run(`LOAD ${id}`);
    return;
  } catch {
    // Not installed yet: try to install it (needs the network for most extensions).
  }
  try {
    await conn.run(`INSTALL ${id}`);
    await conn.run(`LOAD ${id}`);
  } catch (err) {
    throw new StrataError('extension-unavailable', `The DuckDB extension "${name}" is not available: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, {
      hint: 'Extensions other than the built-in ones (json, parquet, icu…) are downloaded on first use; this machine could not get it. Remove it from "extensions" in profiles.yml or install it where the network is reachable.',
      cause: err,
    });
  }
}

/** Whether `sql` may hold more than one statement (a `;` followed by more text). */
function mayBeMulti(sql: string): boolean {
  const i = sql.indexOf(';');
  return i >= 0 && /\S/.test(sql.slice(i + 1).replace(/;/g, ''));
}

/** One DuckDB connection. */
class DuckDBSessionConnection implements Connection {
  private running = 0;

  constructor(private readonly conn: DuckDBConnection) {}

  async execute(sql: string, opts: ExecuteOptions): Promise<QueryResult> {
    const { signal } = opts;
    const fetch = opts.fetch !== false;
    if (signal?.aborted) throw new SqlError('cancelled', 'Query cancelled before it started', sql);
    const onAbort = () => this.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running++;
    try {
      if (!mayBeMulti(sql)) return await this.readResult(await this.conn.run(sql), fetch);
      const extracted = await this.conn.extractStatements(sql);
      let last: QueryResult = { columns: [], rows: [] };
      for (let i = 0; i < extracted.count; i++) {
        const prepared = await extracted.prepare(i);
        try {
          last = await this.readResult(await prepared.run(), fetch || i === extracted.count - 1 ? fetch : false);
        } finally {
          prepared.destroySync();
        }
      }
      return last;
    } catch (err) {
      if (err instanceof StrataError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      if (/^INTERRUPT Error|Interrupted!/.test(msg) || signal?.aborted) throw new SqlError('cancelled', msg, sql);
      throw new SqlError('sql-error', msg, sql, sqlErrorLine(msg));
    } finally {
      this.running--;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async readResult(result: DuckDBMaterializedResult, fetch: boolean): Promise<QueryResult> {
    const type = result.statementType as number;
    const names = result.columnNames();
    const types = result.columnTypes();
    const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
    let rowsAffected: number | undefined;
    if (type === STATEMENT_INSERT || type === STATEMENT_UPDATE || type === STATEMENT_DELETE || type === STATEMENT_MERGE) {
      rowsAffected = result.rowsChanged;
    }
    const wantCount = type === STATEMENT_CREATE && names.length === 1 && names[0] === 'Count';
    if (!fetch && !wantCount) return { columns, rows: [], rowsAffected };
    const reader = new DuckDBResultReader(result);
    await reader.readAll();
    const rows = plainRows(reader.getRowsJS() as unknown[][], columns.map((c) => c.type));
    if (fetch) keepMicros(columns, rows, (col, row) => reader.value(col, row));
    if (wantCount) rowsAffected = typeof rows[0]?.[0] === 'number' ? (rows[0][0] as number) : Number(rows[0]?.[0] ?? 0);
    return { columns, rows: fetch ? rows : [], rowsAffected };
  }

  interrupt(): void {
    if (this.running > 0) this.conn.interrupt();
  }

  async close(): Promise<void> {
    this.conn.closeSync();
  }
}
