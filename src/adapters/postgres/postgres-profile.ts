/**
 * Reading a dbt-postgres profile target unchanged: `host`, `port`, `user`, `password`
 * (or `pass`), `dbname` (or `database`), `schema`, `connect_timeout`, `keepalives_idle`,
 * `sslmode` (with `sslcert`, `sslkey`, `sslrootcert`), `search_path`, `role`,
 * `application_name`, `retries`. Strata adds `run_lock_timeout`: how many seconds a run
 * waits for another run holding the same target (0 = fail at once).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type pg from 'pg';
import { StrataError } from '../../errors.js';
import type { AdapterOptions, TargetConfig } from '../adapter.js';

/** The profile keys the PostgreSQL driver reads, checked and defaulted. */
export interface PostgresProfile {
  host: string;
  port: number;
  user: string;
  password?: string;
  dbname: string;
  schema: string;
  /** Seconds to wait for a connection (dbt-postgres's default 10). */
  connectTimeout: number;
  /** TCP keepalive idle seconds; 0 leaves the system's default. */
  keepalivesIdle: number;
  sslmode: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  sslcert?: string;
  sslkey?: string;
  sslrootcert?: string;
  searchPath?: string;
  role?: string;
  applicationName: string;
  /** Connection attempts before giving up (dbt-postgres's `retries`, default 1). */
  retries: number;
  /** Seconds to wait for another run on the same target; 0 fails at once. */
  runLockTimeout: number;
}

const SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** Check the profile's fields; relative certificate paths are resolved against the project. */
export function readPostgresProfile(target: TargetConfig, opts: AdapterOptions): PostgresProfile {
  const f = target.fields;
  const bad = (key: string, want: string): never => {
    throw new StrataError('profile-error', `The postgres profile's "${key}" must be ${want}`, {
      hint: 'Check this target in profiles.yml (dbt-postgres keys: host, port, user, password, dbname, schema, threads).',
    });
  };
  const str = (key: string, value: unknown, required = false): string | undefined => {
    if (value === undefined || value === null || value === '') {
      if (required) bad(key, 'set');
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') bad(key, 'a string');
    return String(value);
  };
  const num = (key: string, value: unknown, dflt: number): number => {
    if (value === undefined || value === null || value === '') return dflt;
    const n = typeof value === 'number' ? value : Number(String(value));
    if (!Number.isFinite(n) || n < 0) bad(key, 'a non-negative number');
    return n;
  };
  const port = num('port', f.port, 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad('port', 'a port number');
  const sslmode = (str('sslmode', f.sslmode) ?? 'prefer') as PostgresProfile['sslmode'];
  if (!SSLMODES.includes(sslmode)) bad('sslmode', `one of ${SSLMODES.join(', ')}`);
  const path = (p: string | undefined) => (p && !isAbsolute(p) ? resolve(opts.projectDir, p) : p);
  return {
    host: str('host', f.host) ?? 'localhost',
    port,
    user: str('user', f.user ?? f.username, true)!,
    password: str('password', f.password ?? f.pass),
    dbname: str('dbname', f.dbname ?? f.database, true)!,
    schema: str('schema', f.schema) ?? 'public',
    connectTimeout: num('connect_timeout', f.connect_timeout, 10),
    keepalivesIdle: num('keepalives_idle', f.keepalives_idle, 0),
    sslmode,
    sslcert: path(str('sslcert', f.sslcert)),
    sslkey: path(str('sslkey', f.sslkey)),
    sslrootcert: path(str('sslrootcert', f.sslrootcert)),
    searchPath: str('search_path', f.search_path),
    role: str('role', f.role),
    applicationName: str('application_name', f.application_name) ?? 'strata',
    retries: Math.max(1, Math.floor(num('retries', f.retries, 1))),
    runLockTimeout: num('run_lock_timeout', f.run_lock_timeout, 600),
  };
}

/** The `pg` client configuration for a profile. */
export function clientConfig(p: PostgresProfile): pg.ClientConfig {
  const cfg: pg.ClientConfig = {
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    database: p.dbname,
    application_name: p.applicationName,
    connectionTimeoutMillis: p.connectTimeout > 0 ? Math.round(p.connectTimeout * 1000) : 0,
    keepAlive: true,
    keepAliveInitialDelayMillis: Math.round(p.keepalivesIdle * 1000),
  };
  if (p.searchPath) cfg.options = `-c search_path=${p.searchPath.replace(/([\\ ])/g, '\\$1')}`;
  // `pg` has no "try SSL, fall back" mode: prefer and allow connect without SSL, as a
  // server that offers none would be used anyway.
  if (p.sslmode === 'require' || p.sslmode === 'verify-ca' || p.sslmode === 'verify-full') {
    const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
    cfg.ssl = {
      rejectUnauthorized: p.sslmode !== 'require',
      ca: read(p.sslrootcert),
      cert: read(p.sslcert),
      key: read(p.sslkey),
      ...(p.sslmode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  return cfg;
}
