/**
 * Patching the manifest when only the SQL of some models changed. `strata parse` writes,
 * beside manifest.json, an index of the nodes whose file holds nothing else (models,
 * analyses, singular tests: `target/partial_parse.strata.patch.jsonl`, one line per file:
 * the node's config before its code runs and what its last render asked for), and the
 * fingerprint keeps where each of those nodes sits in manifest.json.
 *
 * When the fingerprint check finds that nothing but the contents of such files changed,
 * each is rendered again in parse mode, with the project's macros and nothing else read.
 * If a render asks for exactly what it asked for before (the same refs, sources, config
 * calls, macros and env vars), everything else the parse would compute for the node is as
 * it was, so the node's entry in manifest.json gets its new code and checksum in place and
 * no other byte changes. Anything else (a new ref, a config change, an error, a file not
 * in the index) is left to the full parse with its cache, which also reports errors.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { secretValues } from '../project/index.js';
import { sha256 } from '../project/input-log.js';
import type { ProjectFile } from '../project/types.js';
import type { CachedParse } from './cache.js';
import { fileStamp, recordedPath, restampManifest, saveFingerprint, saveStamps, type ChangedFiles, type FingerprintFile } from './fingerprint.js';
import { patchRoom } from './manifest.js';
import { fileChecksum, pyStrip, renderForParse, setupParse, type MacroIndex, type NodeSpec, type ParseOptions } from './parser.js';
import type { ParseWarning } from './parse-warning.js';

export const PATCH_FILE = 'partial_parse.strata.patch.jsonl';

/** A node that can be re-rendered alone: one line of the patch index. */
export interface PatchEntry {
  /** Its file, absolute. */
  f: string;
  id: string;
  pkg: string;
  kind: ProjectFile['kind'];
  /** The file's path in its package. */
  path: string;
  spec: Pick<NodeSpec, 'resourceType' | 'name' | 'fqn' | 'path' | 'configTree' | 'version' | 'latestVersion'>;
  /** Its config before its code runs (project config tree, then YAML). */
  cfg: Record<string, unknown>;
  /** What its last render asked for. */
  rec: CachedParse;
}

/** The first line of the patch index: its token (also in the fingerprint), and what the project's macro files define. */
interface IndexHeader {
  format: 'strata-parse-patch';
  version: 2;
  token: string;
  macros: MacroIndex;
}

interface IndexLine extends PatchEntry {
  /** Its position in the fingerprint's `patch.ranges` (two numbers each). */
  k: number;
}

/**
 * Write the patch index for a manifest just written with these node ranges; returns what
 * the fingerprint keeps (undefined when the index could not be written: no patching then).
 */
export function writePatchIndex(targetPath: string, entries: PatchEntry[], nodeRanges: Map<string, [number, number]>, macros: MacroIndex): FingerprintFile['patch'] {
  const token = randomUUID();
  const ranges: number[] = [];
  const header: IndexHeader = { format: 'strata-parse-patch', version: 2, token, macros };
  const lines = [JSON.stringify(header)];
  for (const e of entries) {
    const r = nodeRanges.get(e.id);
    if (!r) continue;
    const line: IndexLine = { f: e.f, k: ranges.length / 2, id: e.id, pkg: e.pkg, kind: e.kind, path: e.path, spec: e.spec, cfg: e.cfg, rec: e.rec };
    ranges.push(r[0], r[1]);
    lines.push(JSON.stringify(line));
  }
  const file = join(targetPath, PATCH_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(targetPath, { recursive: true });
    writeFileSync(tmp, lines.join('\n') + '\n');
    renameSync(tmp, file);
    return { token, ranges };
  } catch {
    rmSync(tmp, { force: true });
    return undefined;
  }
}

/** What a patch did. */
export interface PatchResult {
  manifestFile: string;
  rendered: number;
  reused: number;
  summary: string;
  notices: string[];
  warnings: ParseWarning[];
  /** What templates logged with `log(..., info=True)` or `print()` while rendering. */
  logged: { message: string; print: boolean }[];
  /** The values to mask in anything printed (env secrets and the profile's secret fields). */
  secrets: string[];
}

/**
 * Bring manifest.json up to date for the changed files of a fingerprint check by patching
 * it, when that gives exactly what a parse would; otherwise undefined (nothing written).
 */
export async function patchManifest(options: ParseOptions, changed: ChangedFiles): Promise<PatchResult | undefined> {
  const fp = changed.fingerprint;
  if (!fp.patch) return undefined;
  const ranges = fp.patch.ranges;
  const manifestFile = fp.manifest.file;
  let index: Buffer;
  let header: IndexHeader;
  try {
    index = readFileSync(join(changed.targetPath, PATCH_FILE));
    header = JSON.parse(index.subarray(0, index.indexOf(10)).toString('utf8')) as IndexHeader;
    if (header.format !== 'strata-parse-patch' || header.version !== 2 || header.token !== fp.patch.token || typeof header.macros !== 'object') return undefined;
    if (statSync(manifestFile).size !== fp.manifest.size) return undefined;
  } catch {
    return undefined;
  }
  const full = recordedPath(fp.root);
  const lines: IndexLine[] = [];
  for (const i of changed.files) {
    const abs = full(fp.files[i]![0]);
    const at = index.indexOf(`\n{"f":${JSON.stringify(abs)},`);
    if (at < 0) return undefined;
    const end = index.indexOf(10, at + 1);
    const line = JSON.parse(index.subarray(at + 1, end).toString('utf8')) as IndexLine;
    if (!(line.k >= 0 && line.k * 2 + 1 < ranges.length)) return undefined;
    lines.push(line);
  }

  // Render each changed file again; any difference in what it asks for ends the patch.
  const env = options.env ?? process.env;
  const logged: { message: string; print: boolean }[] = [];
  // The macro files are unchanged (the fingerprint check found only these files changed),
  // so they are compiled only if the renders call them.
  const setup = await setupParse({ ...options, knownMacros: header.macros, log: (message, info, print) => void (info && logged.push({ message, print: print === true })) }, env, true);
  const patched: { line: IndexLine; file: ProjectFile; contents: string; hash: string; stamp: FingerprintFile['files'][number]; fileIndex: number }[] = [];
  for (const [n, line] of lines.entries()) {
    const pkg = setup.project.packages.find((p) => p.name === line.pkg);
    if (!pkg) return undefined;
    const st = statSync(line.f);
    const contents = readFileSync(line.f, 'utf8');
    const hash = sha256(contents);
    const file: ProjectFile = { kind: line.kind, path: line.path, absPath: line.f, contents, hash };
    const spec: NodeSpec = { ...line.spec, code: contents, lineOffset: 0, columnOffset: 0, cacheId: line.f };
    let rec: CachedParse;
    try {
      rec = await renderForParse(setup, pkg, file, spec, line.cfg, hash);
    } catch {
      return undefined; // the full parse reports it
    }
    if (!sameRequests(rec, line.rec)) return undefined;
    const fileIndex = changed.files[n]!;
    patched.push({ line, file, contents, hash, stamp: fileStamp(fp.files[fileIndex]![0], st.size, st.mtimeMs, hash, changed.startedAt), fileIndex });
  }

  // The new entries go into manifest.json in place (not into a new file renamed over the
  // old one: on ext4 that forces the whole file to disk, ~0.1 s at 50 MB). An entry that
  // fits in its range, which includes the room the parse left after it (`patchRoom`), is
  // written over it, padded with spaces, and nothing else moves. From the first one that
  // does not fit on, the rest of the file is written again, with fresh room after each
  // entry that grew. Should a write be cut short, the fingerprint still describes the old
  // file, so the next parse patches again (or parses in full, if a node cannot be read).
  patched.sort((a, b) => ranges[a.line.k * 2]! - ranges[b.line.k * 2]!);
  const oldSize = fp.manifest.size;
  const now = Date.now() / 1000;
  /** Each entry's range and new bytes: as long as the range when they fit, longer (with fresh room) when not. */
  const entries: { start: number; end: number; bytes: Buffer }[] = [];
  const growth = (e: (typeof entries)[number]) => e.bytes.length - (e.end - e.start);
  try {
    const fd = openSync(manifestFile, 'r+');
    try {
      let from = 0;
      for (const p of patched) {
        const start = ranges[p.line.k * 2]!;
        const end = ranges[p.line.k * 2 + 1]!;
        if (start < from || end > oldSize) return undefined;
        from = end;
        let node: { unique_id?: unknown; raw_code?: unknown; checksum?: unknown; created_at?: unknown } & Parameters<typeof patchRoom>[0];
        try {
          node = JSON.parse(readAt(fd, start, end - start).toString('utf8')) as typeof node;
        } catch {
          return undefined;
        }
        if (node.unique_id !== p.line.id) return undefined;
        node.raw_code = pyStrip(p.contents);
        node.checksum = fileChecksum(p.file);
        node.created_at = now;
        const json = Buffer.from(JSON.stringify(node));
        const bytes = Buffer.alloc(json.length <= end - start ? end - start : json.length + patchRoom(node), ' ');
        json.copy(bytes);
        entries.push({ start, end, bytes });
      }
      const moved = entries.findIndex((e) => growth(e) > 0);
      for (const e of moved < 0 ? entries : entries.slice(0, moved)) writeAt(fd, e.bytes, e.start);
      if (moved >= 0) {
        const at = entries[moved]!.start;
        const tail = readAt(fd, at, oldSize - at);
        let cursor = at;
        let to = at;
        const write = (bytes: Buffer) => {
          writeAt(fd, bytes, to);
          to += bytes.length;
        };
        for (const e of entries.slice(moved)) {
          write(tail.subarray(cursor - at, e.start - at));
          write(e.bytes);
          cursor = e.end;
        }
        write(tail.subarray(cursor - at));
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  restampManifest(manifestFile, randomUUID(), new Date().toISOString());

  // The fingerprint: the files' new stamps and, when entries grew, the manifest's size and
  // the moved ranges (an entry's end moves with its own growth, its start with that of the
  // entries before it).
  const grown = entries.filter((e) => growth(e) > 0);
  if (grown.length === 0) {
    saveStamps(changed, patched.map((p) => [p.fileIndex, p.stamp]));
  } else {
    for (const p of patched) fp.files[p.fileIndex] = p.stamp;
    fp.manifest = { file: manifestFile, size: oldSize + grown.reduce((n, e) => n + growth(e), 0) };
    fp.patch = { token: fp.patch.token, ranges: ranges.map((r) => grown.reduce((at, e) => (r >= e.end ? at + growth(e) : at), r)) };
    saveFingerprint(changed.targetPath, fp);
  }
  return {
    manifestFile,
    rendered: patched.length,
    reused: ranges.length / 2 - patched.length,
    summary: fp.summary,
    notices: fp.notices,
    warnings: fp.warnings,
    logged,
    secrets: secretValues(setup.project.profile, env),
  };
}

/** `length` bytes of the file at `at`. */
function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buf, done, length - done, at + done);
    if (n === 0) throw new Error('manifest.json is shorter than its fingerprint says');
    done += n;
  }
  return buf;
}

/** Write all of `bytes` at `at`. */
function writeAt(fd: number, bytes: Buffer, at: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
}

/** Whether two renders asked for the same things (their code may differ). */
function sameRequests(a: CachedParse, b: CachedParse): boolean {
  const key = (r: CachedParse) => JSON.stringify([r.env, r.refs, r.sources, r.configCalls, r.macros]);
  return key(a) === key(b);
}
