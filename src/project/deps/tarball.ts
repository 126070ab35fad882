/**
 * Unpacking a package's `.tar.gz` (hub and tarball packages). Reads POSIX ustar with pax and
 * GNU long names, which covers what GitHub, `git archive`, GNU tar and Python's tarfile
 * write. Regular files, folders and symbolic links inside the package are written; an entry
 * that would land outside the destination (absolute, `..`, or a link pointing out) is an error.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { StrataError } from '../../errors.js';

const BLOCK = 512;

/** A NUL-terminated field of a header. */
function field(buf: Buffer, at: number, len: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('utf8', at, end === -1 || end > at + len ? at + len : end);
}

/** An octal number field (GNU base-256 for large sizes too). */
function octal(buf: Buffer, at: number, len: number): number {
  if (buf[at]! & 0x80) {
    let n = 0;
    for (let i = at + 1; i < at + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = field(buf, at, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** The records of a pax extended header (`<len> key=value\n`…). */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const len = parseInt(data.toString('utf8', at, space), 10);
    if (!(len > 0)) break;
    const record = data.toString('utf8', space + 1, at + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

/** One entry of an archive. */
export interface TarEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  data: Buffer;
  linkTarget: string;
  mode: number;
}

/** The entries of an uncompressed tar archive, in order. */
export function readTar(tar: Buffer, what: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (sum !== octal(header, 148, 8)) throw new StrataError('package-archive', `${what} is not a valid tar.gz archive (bad header checksum at byte ${at})`);
    const size = octal(header, 124, 12);
    const typeflag = String.fromCharCode(header[156]!);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (typeflag === 'g') continue; // global header: GitHub puts the commit id there
    if (typeflag === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (typeflag === 'K') {
      longLink = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const prefix = header.toString('utf8', 257, 263).startsWith('ustar') ? field(header, 345, 155) : '';
    const name = field(header, 0, 100);
    const path = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const linkTarget = pax.get('linkpath') ?? longLink ?? field(header, 157, 100);
    const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : typeflag === '2' ? 'symlink' : 'other';
    entries.push({ path, type: type === 'file' && path.endsWith('/') ? 'directory' : type, data, linkTarget, mode: octal(header, 100, 8) });
    longName = longLink = undefined;
    pax = new Map();
  }
  return entries;
}

/** Where `path` lands under `dest`, or an error when it would land outside. */
function inside(dest: string, path: string, what: string): string {
  const target = resolve(dest, normalize(path));
  const rel = relative(dest, target);
  if (isAbsolute(path) || rel.startsWith('..') || isAbsolute(rel)) {
    throw new StrataError('package-archive', `${what} holds "${path}", which would be written outside its folder; refusing to unpack it`);
  }
  return target;
}

/**
 * Unpack a `.tar.gz` into `dest` and return the archive's top folders. Hard links and
 * devices are skipped (packages are SQL, YAML and Markdown).
 */
export function extractTarGz(gz: Buffer, dest: string, what: string): string[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz);
  } catch (e) {
    throw new StrataError('package-archive', `${what} is not a gzip file: ${(e as Error).message}`);
  }
  mkdirSync(dest, { recursive: true });
  const tops = new Set<string>();
  for (const e of readTar(tar, what)) {
    if (e.type === 'other') continue;
    const target = inside(dest, e.path, what);
    const rel = relative(dest, target);
    if (rel === '') continue;
    tops.add(rel.split(sep)[0]!);
    if (e.type === 'symlink') inside(dest, isAbsolute(e.linkTarget) ? e.linkTarget : join(dirname(rel), e.linkTarget), what);
    try {
      if (e.type === 'directory') {
        mkdirSync(target, { recursive: true });
      } else {
        mkdirSync(dirname(target), { recursive: true });
        rmSync(target, { force: true }); // a later entry of the same name replaces an earlier one, as tar does
        if (e.type === 'symlink') symlinkSync(e.linkTarget, target);
        else writeFileSync(target, e.data, { mode: e.mode & 0o777 ? e.mode & 0o777 : 0o644 });
      }
    } catch (err) {
      throw new StrataError('package-archive', `Could not unpack "${e.path}" of ${what}: ${(err as Error).message}`);
    }
  }
  return [...tops].sort();
}
