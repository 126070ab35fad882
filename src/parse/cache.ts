/**
 * The parse cache (`target/partial_parse.strata.json`): what rendering each file in parse
 * mode learned (refs, sources, config calls, macros used, env vars read), keyed by the
 * file's hash. A global key covers everything that can change every render at once
 * (Strata's version, the target, vars, project files, macros); when it differs, or the
 * file is unreadable or of another shape, the cache is ignored and rebuilt.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedParse {
  hash: string;
  /** Env vars the render read, with a hash of the value it saw (null = unset): never the value itself, which may be a secret. */
  env: Record<string, string | null>;
  refs: { name: string; package?: string; version?: string | number }[];
  sources: [string, string][];
  configCalls: Record<string, unknown>[];
  macros: string[];
}

/**
 * The whole result of the last parse, reused when no file changed (or, when only SQL
 * files changed, patched for those files): `structure` covers everything but the SQL of
 * models, analyses and singular tests, whose hashes are kept one by one.
 */
export interface ParseState<M, S> {
  structure: string;
  /** Hashes of the SQL files whose nodes can be re-parsed alone, by absolute path. */
  sqlFiles: Record<string, string>;
  manifest: M;
  sources: [string, S][];
}

interface CacheFile {
  format: 'strata-parse-cache';
  version: 2;
  key: string;
  entries: Record<string, CachedParse>;
  state?: ParseState<unknown, unknown>;
}

export const CACHE_FILE = 'partial_parse.strata.json';

export class ParseCache {
  private readonly entries: Record<string, CachedParse>;
  private readonly fresh: Record<string, CachedParse> = {};
  hits = 0;
  misses = 0;

  /** The last parse's whole result, when its key matched. */
  state: ParseState<unknown, unknown> | undefined;
  private nextState: ParseState<unknown, unknown> | undefined;

  private constructor(readonly key: string, entries: Record<string, CachedParse>, state?: ParseState<unknown, unknown>) {
    this.entries = entries;
    this.state = state;
  }

  /** Load the cache from `targetPath` if it exists and matches `key`; otherwise start empty. */
  static load(targetPath: string, key: string, enabled = true): ParseCache {
    if (!enabled) return new ParseCache(key, {});
    try {
      const data = JSON.parse(readFileSync(join(targetPath, CACHE_FILE), 'utf8')) as Partial<CacheFile>;
      if (data.format === 'strata-parse-cache' && data.version === 2 && data.key === key && data.entries && typeof data.entries === 'object') {
        const state = data.state && typeof data.state.structure === 'string' && data.state.manifest && Array.isArray(data.state.sources) ? data.state : undefined;
        return new ParseCache(key, data.entries, state);
      }
    } catch {
      // missing or corrupt: rebuilt below
    }
    return new ParseCache(key, {});
  }

  /** Keep this parse's whole result for the next one. */
  setState(state: ParseState<unknown, unknown>): void {
    this.nextState = state;
  }

  /** Every cached render whose env vars still read the same values. */
  envUnchanged(env: NodeJS.ProcessEnv): boolean {
    for (const e of Object.values(this.entries)) for (const [k, v] of Object.entries(e.env)) if (envDigest(env[k]) !== v) return false;
    return true;
  }

  /** The env vars read by the renders this parse used or made, with the digest each saw. */
  envRead(): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const e of Object.values(this.fresh)) for (const [k, v] of Object.entries(e.env)) out.set(k, v);
    return out;
  }

  /** Carry every entry over unchanged (when the whole last result is reused). */
  keepAll(): void {
    Object.assign(this.fresh, this.entries);
    this.hits += Object.keys(this.entries).length;
  }

  /** The cached result for `id` if its file hash and the env vars it read are unchanged. */
  get(id: string, hash: string, env: NodeJS.ProcessEnv): CachedParse | undefined {
    const e = this.entries[id];
    if (!e || e.hash !== hash || !Array.isArray(e.refs) || !Array.isArray(e.configCalls)) {
      this.misses++;
      return undefined;
    }
    for (const [k, v] of Object.entries(e.env)) {
      if (envDigest(env[k]) !== v) {
        this.misses++;
        return undefined;
      }
    }
    this.hits++;
    this.fresh[id] = e;
    return e;
  }

  set(id: string, entry: CachedParse): void {
    this.fresh[id] = entry;
  }

  /** The entry this parse used or made for `id`. */
  entry(id: string): CachedParse | undefined {
    return this.fresh[id];
  }

  /**
   * Write the entries used or made in this parse (atomically: temp file, then rename), in
   * the background: the writing runs on libuv's threads while the caller goes on. The
   * promise never rejects: a cache that cannot be written is simply not there next time.
   * `manifestJson`, when given, is the state's manifest already serialized as UTF-8 (it
   * is spliced in rather than serialized a second time).
   */
  save(targetPath: string, manifestJson?: Buffer): Promise<void> {
    const file = join(targetPath, CACHE_FILE);
    const tmp = `${file}.${process.pid}.${++saves}.tmp`;
    const state = this.nextState;
    const head: Omit<CacheFile, 'state'> = { format: 'strata-parse-cache', version: 2, key: this.key, entries: this.fresh };
    let parts: Buffer[];
    if (state && manifestJson !== undefined) {
      const { manifest: _m, ...rest } = state;
      parts = [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"state":${JSON.stringify(rest).slice(0, -1)},"manifest":`), manifestJson, Buffer.from('}}')];
    } else {
      parts = [Buffer.from(JSON.stringify({ ...head, state }))];
    }
    const write = async () => {
      await mkdir(targetPath, { recursive: true });
      const fh = await open(tmp, 'w');
      try {
        const { bytesWritten } = await fh.writev(parts);
        if (bytesWritten !== parts.reduce((n, b) => n + b.length, 0)) throw new Error('short write');
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    };
    return write().catch(() => rm(tmp, { force: true }).catch(() => undefined));
  }
}

let saves = 0;

/** How an env var's value is kept in the cache: a hash (null when unset). */
export function envDigest(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : sha256(`env:${value}`);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** True when a value survives a JSON round trip unchanged (so it can be cached). */
export function isJsonSafe(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonSafe);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v as object).every(isJsonSafe);
  }
  return false;
}
