/**
 * The parse fingerprint (`target/partial_parse.strata.inputs.json`): what the last
 * `strata parse` read — every file with its size, modification time and hash, every file
 * it looked for and did not find, every folder it listed, every environment variable it
 * read (as a hash) — and the manifest it wrote.
 *
 * When none of that changed, the manifest on disk is what a parse would write, so
 * `strata parse` checks the fingerprint with `stat` calls and stops there. A file whose
 * time changed but whose contents did not still counts as unchanged (its hash is
 * compared), and a file changed within the file system's timestamp granularity of being
 * read is always re-hashed, so an edit can never hide behind an equal time stamp.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256, type InputLog } from '../project/input-log.js';
import { writeAtomically } from '../project/write-atomically.js';
import { envDigest } from './cache.js';
import { STRATA_VERSION } from './manifest.js';
import type { ParseWarning } from './parse-warning.js';

export const FINGERPRINT_FILE = 'partial_parse.strata.inputs.json';

/**
 * When this build of the parser was made (the newest of the parsing modules' times, or of
 * this file when it is a bundle's chunk: the bundle is written whole at every build): a
 * rebuilt Strata never trusts a cache or fingerprint an older build wrote.
 */
export const BUILD_STAMP = (() => {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const modules = ['fingerprint', 'parser', 'cache', 'manifest', 'generic-tests'].map((m) => join(here, '..', m + ext));
  return Math.max(...[here, ...modules].map((f) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0));
})();

/** The options of a parse that are not files or env vars. */
export interface ParseKeyOptions {
  projectDir: string;
  profilesDir?: string;
  profile?: string;
  target?: string;
  /** `--target-path`: where the fingerprint is, instead of dbt_project.yml's `target-path`. */
  targetPath?: string;
  vars?: Record<string, unknown>;
  flags?: Record<string, unknown>;
}

/** Everything besides files and env vars that a parse depends on, as one digest. */
export function fingerprintKey(o: ParseKeyOptions): string {
  return sha256(JSON.stringify([STRATA_VERSION, BUILD_STAMP, resolve(o.projectDir), o.profilesDir ?? null, o.profile ?? null, o.target ?? null, o.vars ?? {}, o.flags ?? {}]));
}

/** Files changed less than this before a parse started are re-hashed at every check. */
const TIMESTAMP_GRANULARITY_MS = 2000;

const NO_THROW = { throwIfNoEntry: false } as const;

/** Hex digits of a file's sha256 kept (128 bits). */
const HASH_DIGITS = 32;

export interface FingerprintFile {
  format: 'strata-parse-inputs';
  version: 1;
  key: string;
  /** The project folder; paths inside it are kept relative to it. */
  root: string;
  /** [path, size, mtimeMs (-1: verify by hash), the first 32 hex digits of the sha256]. */
  files: [string, number, number, string][];
  absent: string[];
  /**
   * [path, its visible entries (null: it could not be listed), its mtimeMs before it was
   * listed (-1: list it to verify)]. A folder's time changes whenever an entry is added,
   * removed or renamed in it, so an unchanged time spares listing it.
   */
  folders: [string, string[] | null, number][];
  /** Environment variables read, with the digest of the value seen (null: unset). */
  env: [string, string | null][];
  /** Set when the environment's names were listed: a digest of the DBT_ENV_SECRET_* names. */
  envAll: string | null;
  manifest: { file: string; size: number };
  notices: string[];
  warnings: ParseWarning[];
  /** What the parse found ("12 models, 30 tests, …"). */
  summary: string;
  /**
   * The patch index written with the manifest (`patch.ts`): its token, and the byte range
   * [start, end) in manifest.json of each of its nodes, two numbers per node.
   */
  patch?: { token: string; ranges: number[] };
}

/** What a parse read, to be written as the fingerprint once its manifest is on disk. */
export interface ParseInputs {
  key: string;
  log: InputLog;
  /** Environment variables read, with the digest of the value seen. */
  env: Map<string, string | null>;
  envEnumerated: boolean;
  /** When the project load began (ms since the epoch). */
  startedAt: number;
}

/** The answer of {@link checkFingerprint}. */
export type FingerprintCheck =
  | { current: true; manifestFile: string; notices: string[]; warnings: ParseWarning[]; summary: string; files: number }
  | { current: false; reason: string; changed?: ChangedFiles };

/**
 * When the only difference from the last parse is the contents of some files (same
 * options, env vars, folders, absences; every file still there): which files, and the
 * fingerprint, to be updated by whoever brings the manifest up to date (`patch.ts`).
 */
export interface ChangedFiles {
  targetPath: string;
  fingerprint: FingerprintFile;
  /** Indexes into `fingerprint.files`. */
  files: number[];
  /** When the check began (ms since the epoch). */
  startedAt: number;
  /** The fingerprint file's text as read, when the check changed nothing in `fingerprint` (see {@link saveStamps}). */
  text?: string;
}

/**
 * An environment that records which variables are read (and whether their names were
 * listed), for the fingerprint. Strata lists the environment's names only to find the
 * `DBT_ENV_SECRET_*` variables (whose values it then reads one by one), so a listing is
 * fingerprinted as the list of those names.
 */
export function recordingEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; read: Map<string, string | null>; enumerated: () => boolean } {
  const read = new Map<string, string | null>();
  let enumerated = false;
  const proxy = new Proxy(env, {
    get(target, key) {
      const v = Reflect.get(target, key) as string | undefined;
      if (typeof key === 'string') read.set(key, envDigest(v));
      return v;
    },
    has(target, key) {
      if (typeof key === 'string') read.set(key, envDigest(Reflect.get(target, key) as string | undefined));
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  return { env: proxy, read, enumerated: () => enumerated };
}

function secretNamesDigest(env: NodeJS.ProcessEnv): string {
  return sha256(JSON.stringify(Object.keys(env).filter((k) => k.startsWith('DBT_ENV_SECRET_')).sort()));
}

/**
 * The absolute path of a file or folder as a fingerprint records it (relative to `root`
 * when inside it). The recorded paths are normalised (made by `relative`), so plain
 * concatenation gives what `join` would, at a twentieth of its cost (10,000 files: 1 ms
 * instead of 20).
 */
export function recordedPath(root: string): (p: string) => string {
  const rootSlash = root.endsWith(sep) ? root : root + sep;
  return (p) => (isAbsolute(p) ? p : rootSlash + p);
}

/** Write the fingerprint of a parse whose manifest was just written to `manifestFile`. */
export function writeFingerprint(
  targetPath: string,
  inputs: ParseInputs,
  manifestFile: string,
  extra: { rootDir: string; notices: string[]; warnings: ParseWarning[]; summary: string; env: NodeJS.ProcessEnv; patch?: FingerprintFile['patch'] },
): void {
  const short = (abs: string) => {
    const r = relative(extra.rootDir, abs);
    return r.startsWith('..') || isAbsolute(r) ? abs : r;
  };
  const data: FingerprintFile = {
    format: 'strata-parse-inputs',
    version: 1,
    key: inputs.key,
    root: extra.rootDir,
    files: [...inputs.log.files].map(([abs, s]) => fileStamp(short(abs), s.size, s.mtimeMs, s.hash, inputs.startedAt)),
    absent: [...inputs.log.absent].map(short),
    folders: [...inputs.log.folders].map(([abs, f]) => [short(abs), f?.entries ?? null, f ? trustedTime(f.mtimeMs, inputs.startedAt) : -1]),
    env: [...inputs.env],
    envAll: inputs.envEnumerated ? secretNamesDigest(extra.env) : null,
    manifest: { file: manifestFile, size: statSync(manifestFile).size },
    notices: extra.notices,
    warnings: extra.warnings,
    summary: extra.summary,
    ...(extra.patch ? { patch: extra.patch } : {}),
  };
  saveFingerprint(targetPath, data);
}

/**
 * Write the fingerprint of a check after the changed files were brought into the manifest
 * without moving anything else in it: each file's new stamp replaces its entry in the text
 * the check read (which `JSON.stringify` wrote, so an entry serialized again is found as
 * it is), which saves serializing 10,000 entries again. Without that text, or should an
 * entry not be found exactly once, the fingerprint is written whole.
 */
export function saveStamps(changed: ChangedFiles, stamps: [number, FingerprintFile['files'][number]][]): void {
  const fp = changed.fingerprint;
  let text = changed.text;
  const from = text?.indexOf('"files":[') ?? -1;
  for (const [i, stamp] of stamps) {
    const before = JSON.stringify(fp.files[i]);
    const at = from < 0 ? -1 : text!.indexOf(before, from);
    if (at >= 0 && text!.indexOf(before, at + 1) < 0) text = text!.slice(0, at) + JSON.stringify(stamp) + text!.slice(at + before.length);
    else text = undefined;
    fp.files[i] = stamp;
  }
  saveFingerprintText(changed.targetPath, text ?? JSON.stringify(fp));
}

/** Write a fingerprint. Best effort, like any cache: when it cannot be written, none is left to be trusted. */
export function saveFingerprint(targetPath: string, data: FingerprintFile): void {
  saveFingerprintText(targetPath, JSON.stringify(data));
}

function saveFingerprintText(targetPath: string, text: string): void {
  const file = join(targetPath, FINGERPRINT_FILE);
  try {
    mkdirSync(targetPath, { recursive: true });
    writeAtomically(file, text);
  } catch {
    rmSync(file, { force: true });
  }
}

/** How a file read at `startedAt` is recorded: [path, size, mtimeMs (-1 when too recent to trust), hash]. */
export function fileStamp(path: string, size: number, mtimeMs: number, hash: string, startedAt: number): FingerprintFile['files'][number] {
  return [path, size, trustedTime(mtimeMs, startedAt), hash.slice(0, HASH_DIGITS)];
}

/** A modification time as a fingerprint keeps it: -1 when it is too close to `startedAt` to tell a later change from it. */
function trustedTime(mtimeMs: number, startedAt: number): number {
  return mtimeMs >= startedAt - TIMESTAMP_GRANULARITY_MS ? -1 : mtimeMs;
}

/**
 * Whether the manifest of the last `strata parse` of the project in `o.projectDir` is still
 * what a parse would make. The fingerprint is looked for in the folder dbt_project.yml
 * names as `target-path` when it is written plainly (a templated one is left to a full
 * parse): a fingerprint whose inputs all match is valid wherever it was found, since
 * dbt_project.yml and every env var it read are among those inputs.
 */
export function checkParseCurrent(o: ParseKeyOptions, env: NodeJS.ProcessEnv): FingerprintCheck {
  const rootDir = resolve(o.projectDir);
  let text: string;
  try {
    text = readFileSync(join(rootDir, 'dbt_project.yml'), 'utf8');
  } catch {
    return { current: false, reason: 'no dbt_project.yml' };
  }
  const line = /^target-path\s*:(.*)$/m.exec(text);
  let targetPath = o.targetPath ?? 'target';
  if (line && !o.targetPath) {
    const value = /^\s*(["']?)([\w./-]+)\1\s*(#.*)?$/.exec(line[1]!);
    if (!value) return { current: false, reason: 'target-path is not a plain path' };
    targetPath = value[2]!;
  }
  return checkFingerprint(resolve(rootDir, targetPath), fingerprintKey(o), env);
}

/**
 * Whether nothing the last parse read has changed (same key, files, folders, absences and
 * environment) and its manifest is still on disk. Any doubt answers "not current". Files
 * whose contents had to be read to be sure (a new time stamp, or one too close to the
 * last parse) get their time stamp recorded, so the next check only stats them.
 */
export function checkFingerprint(targetPath: string, key: string, env: NodeJS.ProcessEnv): FingerprintCheck {
  const startedAt = Date.now();
  const file = join(targetPath, FINGERPRINT_FILE);
  let data: FingerprintFile;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    data = JSON.parse(text) as FingerprintFile;
  } catch {
    return { current: false, reason: 'no fingerprint' };
  }
  if (data.format !== 'strata-parse-inputs' || data.version !== 1 || !Array.isArray(data.files) || typeof data.root !== 'string') return { current: false, reason: 'unknown fingerprint format' };
  const full = recordedPath(data.root);
  if (data.key !== key) return { current: false, reason: 'options, version or build changed' };
  for (const [name, digest] of data.env) if (envDigest(env[name]) !== digest) return { current: false, reason: `env var ${name} changed` };
  if (data.envAll !== null && data.envAll !== secretNamesDigest(env)) return { current: false, reason: 'the environment changed' };
  for (const p of data.absent) if (existsSync(full(p))) return { current: false, reason: `${p} appeared` };
  let restamped = false;
  for (const folder of data.folders) {
    const [dir, entries, mtimeMs] = folder;
    const abs = full(dir);
    // The time first: an entry added while the folder is listed changes it after.
    const st = statSync(abs, NO_THROW);
    if (entries !== null && st?.isDirectory() && mtimeMs >= 0 && st.mtimeMs === mtimeMs) continue;
    let now: string[] | null;
    try {
      now = readdirSync(abs).filter((n) => !n.startsWith('.'));
    } catch {
      now = null;
    }
    if (now === null || entries === null ? now !== entries : !sameNames(now, entries)) return { current: false, reason: `${dir} changed` };
    // The same entries under a new (or a too recent) time: keep the time once it is safely past.
    const kept = st ? trustedTime(st.mtimeMs, startedAt) : -1;
    if (kept >= 0) {
      folder[2] = kept;
      restamped = true;
    }
  }
  const changed: number[] = [];
  // A plain indexed loop: this runs once per file (10,000 and more) in a process that has
  // just started, mostly before the JIT has compiled it, where an iterator and
  // destructuring made the loop a sixth slower (10,000 files: ~38 ms against ~32 ms).
  const files = data.files;
  for (let i = 0; i < files.length; i++) {
    const entry = files[i]!;
    const abs = full(entry[0]);
    const st = statSync(abs, NO_THROW);
    if (!st) return { current: false, reason: `${entry[0]} is gone` };
    if (st.size !== entry[1]) {
      changed.push(i);
      continue;
    }
    if (st.mtimeMs === entry[2]) continue;
    if (sha256(readFileSync(abs, 'utf8')).slice(0, HASH_DIGITS) !== entry[3]) {
      changed.push(i);
      continue;
    }
    // Same contents under a new (or a too recent) time stamp: once that time is safely in
    // the past, keep it, so that the next check need not read the file.
    const kept = trustedTime(st.mtimeMs, startedAt);
    if (kept >= 0) {
      entry[2] = kept;
      restamped = true;
    }
  }
  const m = statSync(data.manifest.file, { throwIfNoEntry: false });
  if (!m || m.size !== data.manifest.size) return { current: false, reason: 'manifest.json changed' };
  if (changed.length > 0) return { current: false, reason: `${data.files[changed[0]!]![0]} changed`, changed: { targetPath, fingerprint: data, files: changed, startedAt, text: restamped ? undefined : text } };
  if (restamped) {
    try {
      writeAtomically(file, JSON.stringify(data));
    } catch {
      // the stamps are kept next time instead; the fingerprint as it was stays valid
    }
  }
  return { current: true, manifestFile: data.manifest.file, notices: data.notices, warnings: data.warnings, summary: data.summary, files: data.files.length };
}

/** Whether two listings of a folder name the same entries: in the same order (as a folder that has not changed lists them), else once sorted. */
function sameNames(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.every((n, i) => n === b[i])) return true;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((n, i) => n === sb[i]);
}

/**
 * Give a current manifest this invocation's id and time, in place: both values are of
 * fixed length and sit in the metadata at the start of the file. Nothing is written when
 * they are not found there, or when the file cannot be written.
 */
export function restampManifest(manifestFile: string, invocationId: string, generatedAt: string): void {
  let fd: number;
  try {
    fd = openSync(manifestFile, 'r+');
  } catch {
    return; // a read-only manifest stays as it is: its contents are current
  }
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    let text = head.subarray(0, n).toString('latin1');
    const before = text;
    text = text.replace(/("invocation_id":")([0-9a-f-]{36})(")/, (_, a: string, _b: string, c: string) => a + invocationId + c);
    text = text.replace(/("generated_at":")(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)(")/, (_, a: string, _b: string, c: string) => a + generatedAt + c);
    if (text !== before && text.length === before.length) writeSync(fd, Buffer.from(text, 'latin1'), 0, n, 0);
  } finally {
    closeSync(fd);
  }
}
