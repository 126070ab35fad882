/**
 * packages.yml / dependencies.yml: which packages a project depends on. Local packages
 * (`local: <path>`) and Strata's shipped packages (`package: strata/<name>`) resolve to a
 * folder; hub, git, tarball and private packages are not supported yet and say so.
 */
import { join, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { displayPath } from './display-path.js';
import type { Position, RenderHook } from './types.js';
import { inputExists, readInput } from './input-log.js';
import { isRecord, YamlFile } from './yaml-file.js';

/** One resolved dependency. */
export interface PackageDependency {
  /** Absolute folder of the package (it holds a dbt_project.yml). */
  dir: string;
  /** How it was declared. */
  source: 'local' | 'strata';
  position: Position;
}

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
      throw yaml.error(
        'package-unsupported',
        `Hub package "${name}" cannot be installed: Strata does not download packages yet`,
        position,
        'Download the package and reference it with `- local: <path>`, or use a shipped `strata/<name>` package.',
      );
    }
    for (const kind of ['git', 'tarball', 'private']) {
      if (entry[kind] !== undefined) {
        throw yaml.error(
          'package-unsupported',
          `${kind === 'git' ? 'Git' : kind === 'tarball' ? 'Tarball' : 'Private'} packages are not supported yet`,
          position,
          'Clone or unpack the package yourself and reference it with `- local: <path>`.',
        );
      }
    }
    throw yaml.error('packages-invalid', `Unknown package entry in ${file}: expected \`local:\` or \`package:\``, position);
  });
}
