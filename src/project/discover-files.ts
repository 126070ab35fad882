/**
 * Finding a package's files under its configured paths (walking folders in parallel) and reading them.
 * Each file gets a kind from the path it sits under and its extension, and a sha256.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { toPosix } from './display-path.js';
import { folderTime, noteFolder, readInput } from './input-log.js';
import type { DbtProjectConfig, ProjectFile, ProjectFileKind } from './types.js';

type PathKey = 'model-paths' | 'analysis-paths' | 'macro-paths' | 'seed-paths' | 'snapshot-paths' | 'test-paths';

/** Which extension in which configured path gives which kind (besides .yml and .md). */
const MAIN_KIND: [PathKey, string, ProjectFileKind][] = [
  ['model-paths', '.sql', 'model'],
  ['analysis-paths', '.sql', 'analysis'],
  ['macro-paths', '.sql', 'macro'],
  ['seed-paths', '.csv', 'seed'],
  ['snapshot-paths', '.sql', 'snapshot'],
  ['test-paths', '.sql', 'singular_test'],
];

/**
 * Every file of the package in `dir` that Strata reads, sorted by path (only those of the
 * kinds `want` accepts, when given). Python models (`.py` in model paths), which Strata
 * cannot run, are listed in `unsupported` when given.
 */
export async function discoverFiles(dir: string, config: DbtProjectConfig, unsupported?: string[], want?: (kind: ProjectFileKind) => boolean): Promise<ProjectFile[]> {
  const found = new Map<string, { kind: ProjectFileKind; rel: string }>();
  const skip = new Set([config['target-path'], config['packages-install-path'], 'node_modules'].map((p) => join(dir, p)));
  const docsPaths = config['docs-paths'];
  for (const [key, ext, kind] of MAIN_KIND) {
    // A folder is walked only when it can hold a wanted kind (a test folder holds generic tests).
    if (want && !want(kind) && !(kind === 'singular_test' && want('generic_test')) && !want('properties') && !want('docs')) continue;
    for (const base of config[key]) {
      for (const abs of await walk(join(dir, base), skip)) {
        if (found.has(abs)) continue;
        const rel = toPosix(relative(dir, abs));
        const lower = abs.toLowerCase();
        if (lower.endsWith(ext)) {
          const generic = kind === 'singular_test' && isUnderGeneric(toPosix(relative(join(dir, base), abs)));
          found.set(abs, { kind: generic ? 'generic_test' : kind, rel });
        } else if (lower.endsWith('.yml') || lower.endsWith('.yaml')) {
          found.set(abs, { kind: 'properties', rel });
        } else if (lower.endsWith('.md') && !docsPaths) {
          found.set(abs, { kind: 'docs', rel });
        } else if (kind === 'model' && lower.endsWith('.py')) {
          unsupported?.push(rel);
        }
      }
    }
  }
  for (const base of want && !want('docs') ? [] : docsPaths ?? []) {
    for (const abs of await walk(join(dir, base), skip)) {
      if (abs.toLowerCase().endsWith('.md') && !found.has(abs)) found.set(abs, { kind: 'docs', rel: toPosix(relative(dir, abs)) });
    }
  }
  if (want) for (const [abs, f] of found) if (!want(f.kind)) found.delete(abs);
  const entries = [...found.entries()].sort((a, b) => (a[1].rel < b[1].rel ? -1 : a[1].rel > b[1].rel ? 1 : 0));
  // Small files read synchronously: measured 6x faster than fs.promises.readFile for
  // 10,000 files (85 ms against 550 ms), since each async read costs several thread-pool
  // round trips. Directory walking stays asynchronous and parallel.
  return entries.map(([absPath, { kind, rel }]) => {
    const { contents, hash } = readInput(absPath);
    return { kind, path: rel, absPath, contents, hash };
  });
}

function isUnderGeneric(relToTestPath: string): boolean {
  return relToTestPath.startsWith('generic/');
}

/** Every file under `root` (absolute paths), skipping hidden folders and `skip`. Missing root: none. */
async function walk(root: string, skip: Set<string>): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    let entries: Dirent[];
    const mtimeMs = folderTime(d);
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      noteFolder(d, null, -1);
      return;
    }
    noteFolder(d, entries.map((e) => e.name), mtimeMs);
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!skip.has(p)) subdirs.push(visit(p));
      } else if (e.isFile()) out.push(p);
    }
    await Promise.all(subdirs);
  };
  await visit(root);
  return out;
}
