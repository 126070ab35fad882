/**
 * packages.yml / dependencies.yml: which packages a project depends on. Local packages
 * (`local: <path>`) and Strata's shipped packages (`package: strata/<name>`) resolve to a
 * folder. Hub, git, tarball and private packages are the ones `strata deps` (or `dbt deps`)
 * downloads into the root project's `packages-install-path`: a build reads them from there,
 * as dbt does (`installedPackages`); see `deps/install.ts`.
 */
import type { Dirent } from 'node:fs';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { displayPath } from './display-path.js';
import type { Position, RenderHook } from './types.js';
import { folderTime, inputExists, noteFolder, readInput } from './input-log.js';
import { isRecord, YamlFile } from './yaml-file.js';

/** One dependency: a folder, or a package that `deps` installs. */
export type PackageDependency =
  | {
      /** Absolute folder of the package (it holds a dbt_project.yml). */
      dir: string;
      /** How it was declared. */
      source: 'local' | 'strata';
      position: Position;
    }
  | {
      source: 'installed';
      /** As declared, e.g. `dbt-labs/dbt_utils` or `git https://…/dbt-utils.git`. */
      spec: string;
      /** The project name it installs as, when the declaration tells it (a hub package's name). */
      name?: string;
      position: Position;
    };

/** Read the dependencies of the project in `dir`; an empty list when it has no packages file. */
export async function readPackagesFile(dir: string, rootDir: string, strataRoot: string, render?: RenderHook): Promise<PackageDependency[]> {
  const candidates = ['packages.yml', 'dependencies.yml'].map((n) => join(dir, n)).filter((f) => inputExists(f));
  if (candidates.length === 0) return [];
  if (candidates.length === 2) {
    throw new StrataError('packages-invalid', `Both packages.yml and dependencies.yml exist in ${displayPath(rootDir, dir) || '.'}`, {
      position: { file: displayPath(rootDir, candidates[1]!), line: 1, column: 1 },
      hint: 'Keep your packages in one of the two files.',
    });
  }
  const abs = candidates[0]!;
  const file = displayPath(rootDir, abs);
  const yaml = new YamlFile(file, readInput(abs).contents);
  await yaml.render(render, 'packages');
  const doc = yaml.value;
  if (doc === null || doc === undefined) return [];
  if (!isRecord(doc)) throw yaml.error('packages-invalid', `${file} must be a mapping with a \`packages:\` list`, { file, line: 1, column: 1 });
  if (doc['projects'] !== undefined) {
    throw yaml.error('package-unsupported', `Cross-project dependencies (\`projects:\`) are not supported yet`, yaml.posOf(doc, 'projects'));
  }
  const list = doc['packages'];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw yaml.error('packages-invalid', `\`packages\` in ${file} must be a list`, yaml.posOf(doc, 'packages'));
  return list.map((entry, i) => {
    const position = yaml.posOf(list, i);
    if (!isRecord(entry)) throw yaml.error('packages-invalid', `Each package in ${file} must be a mapping such as \`- local: ../my_pkg\``, position);
    if (typeof entry['local'] === 'string') {
      const pkgDir = resolve(dir, entry['local']);
      if (!inputExists(join(pkgDir, 'dbt_project.yml'))) {
        throw yaml.error('package-not-found', `Local package "${entry['local']}" has no dbt_project.yml (looked in ${pkgDir})`, position, 'A local path is relative to the project folder.');
      }
      return { dir: pkgDir, source: 'local' as const, position };
    }
    if (typeof entry['package'] === 'string') {
      const name = entry['package'];
      const m = /^strata\/([A-Za-z0-9_]+)$/.exec(name);
      if (m) {
        const pkgDir = join(strataRoot, 'packages', m[1]!);
        if (!inputExists(join(pkgDir, 'dbt_project.yml'))) {
          throw yaml.error('package-not-found', `Strata has no shipped package "${m[1]}"`, position, `Shipped packages live in ${join(strataRoot, 'packages')}.`);
        }
        return { dir: pkgDir, source: 'strata' as const, position };
      }
      return { source: 'installed' as const, spec: name, name: name.slice(name.lastIndexOf('/') + 1), position };
    }
    for (const kind of ['git', 'tarball', 'private']) {
      if (typeof entry[kind] === 'string') return { source: 'installed' as const, spec: `${kind} ${entry[kind]}`, position };
    }
    throw yaml.error('packages-invalid', `Unknown package entry in ${file}: expected \`local:\` or \`package:\``, position);
  });
}

/**
 * The packages installed in `installDir` (the root project's `packages-install-path`): every
 * folder in it that holds a dbt_project.yml, by name. dbt builds all of them, whether or not
 * packages.yml still names them; so does Strata. None when the folder does not exist.
 */
export function installedPackages(installDir: string): string[] {
  const mtimeMs = folderTime(installDir);
  let entries: Dirent[];
  try {
    entries = readdirSync(installDir, { withFileTypes: true });
  } catch {
    noteFolder(installDir, null, -1);
    return [];
  }
  noteFolder(installDir, entries.map((e) => e.name), mtimeMs);
  return entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink()) && inputExists(join(installDir, e.name, 'dbt_project.yml')))
    .map((e) => join(installDir, e.name))
    .sort();
}
