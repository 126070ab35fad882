/** Paths as Strata shows them to users. */
import { isAbsolute, relative, sep } from 'node:path';

/** `abs` relative to `rootDir` with forward slashes when inside it, else `abs` itself. */
export function displayPath(rootDir: string, abs: string): string {
  const rel = relative(rootDir, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return abs;
  return toPosix(rel);
}

/** A path with forward slashes. */
export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
