/**
 * Reading a whole dbt project: dbt_project.yml, its packages (recursively), every file
 * under the configured paths, YAML property files, docs blocks, profiles.yml, selectors.yml
 * and vars, into one typed {@link Project}.
 */
import { realpathSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { readDbtProject, type ReadDbtProject } from './dbt-project-file.js';
import { discoverFiles } from './discover-files.js';
import { displayPath } from './display-path.js';
import { scanDocBlocks } from './docs-blocks.js';
import { installedPackages, readPackagesFile, type PackageDependency } from './packages-file.js';
import { findProfiles, resolveProfile } from './profiles.js';
import { readPropertyFile, rendersInPropertyFile } from './property-file.js';
import { targetObject } from './target-object.js';
import { readSelectorsFile } from './selectors-file.js';
import type { DocBlock, HookSource, LoadProjectOptions, PackageProject, Position, Project, ProjectWarning, PropertyFile, RenderHook, ResolvedTarget } from './types.js';
import { makeVarScope } from './vars.js';
import { YamlFile } from './yaml-file.js';

interface PackageStub {
  read: ReadDbtProject;
  dir: string;
  isRoot: boolean;
  dependencies: string[];
}

/** Read the dbt project in `options.projectDir` with its packages, profile, selectors and vars. */
export async function loadProject(options: LoadProjectOptions): Promise<Project> {
  const env = options.env ?? process.env;
  const rootDir = resolve(options.projectDir);
  const render = options.render;
  const stubs = await resolvePackages(rootDir, options.strataRoot, render);
  // --target-path moves the artifacts; the embedded warehouse stays where the project puts it
  const warehouseDir = resolve(rootDir, stubs[0]!.read.config['target-path']);
  if (options.targetPath) stubs[0]!.read.config['target-path'] = options.targetPath;
  const warnings: ProjectWarning[] = [];
  // Property files are rendered with every project's vars, scoped to the package they belong to.
  const vars = makeVarScope(
    options.vars ?? {},
    stubs[0]!.read.config.name,
    stubs.map((s) => ({ name: s.read.config.name, vars: s.read.config.vars })),
  );
  const rootConfig = stubs[0]!.read.config;
  const notices: string[] = [];

  // the profile first: property files are rendered with its target, as dbt renders them
  let profile: ResolvedTarget | null = null;
  const profileName = options.profile ?? rootConfig.profile;
  const targetPath = resolve(rootDir, rootConfig['target-path']);
  const defaultDuckdbPath = join(warehouseDir, `${rootConfig.name}.duckdb`);
  const fallback = `using embedded DuckDB at ${displayPath(rootDir, defaultDuckdbPath)}`;
  if (!profileName) {
    if (options.profilesDir || options.target) {
      throw new StrataError('profile-not-found', 'dbt_project.yml names no `profile`, so --profiles-dir/--target cannot be used', {
        position: { file: stubs[0]!.read.file, line: 1, column: 1 },
        hint: 'Add `profile: <name>` to dbt_project.yml.',
      });
    }
    notices.push(`No profile in dbt_project.yml: ${fallback}`);
  } else {
    const location = findProfiles(rootDir, options.profilesDir, env);
    if (!location) {
      if (options.target) {
        throw new StrataError('profiles-not-found', `No profiles.yml found, so target "${options.target}" cannot be used`, {
          hint: 'Create profiles.yml in the project folder or ~/.dbt, or pass --profiles-dir.',
        });
      }
      notices.push(`No profiles.yml found: ${fallback}`);
    } else {
      const r = await resolveProfile(location, profileName, options.target, rootDir, env, render);
      profile = r.target;
      if (r.notice) notices.push(r.notice);
    }
  }
  const target = targetObject(profile, defaultDuckdbPath, rootConfig.profile ?? rootConfig.name);
  const packages = await Promise.all(
    stubs.map((s) => loadPackage(s, rootDir, render && ((text, where) => render(text, { ...where, packageName: s.read.config.name, vars, target })), warnings, options.macrosOnly === true)),
  );
  const root = packages[0]!;

  const selectors = await readSelectorsFile(rootDir, rootDir, render);
  const byName = [...stubs.slice(1)].sort((a, b) => (a.read.config.name < b.read.config.name ? -1 : 1));
  const hookOrder = [...byName, stubs[0]!];
  const onRunStart: HookSource[] = hookOrder.flatMap((s) => s.read.onRunStart);
  const onRunEnd: HookSource[] = hookOrder.flatMap((s) => s.read.onRunEnd);
  return {
    root,
    packages,
    profile,
    vars,
    selectors,
    dispatch: root.config.dispatch,
    onRunStart,
    onRunEnd,
    targetPath,
    defaultDuckdbPath,
    notices,
    warnings,
  };
}

/**
 * The root, every package it depends on (depth first, each once), then the packages installed
 * in the root's `packages-install-path` that were not reached that way; names checked. As in
 * dbt, the packages that packages.yml leaves to `strata deps` (or `dbt deps`) must be installed (at least as many
 * folders as such entries), and a package's own hub or git entries are served from the root's
 * installed packages (`deps` installs the whole tree there).
 */
async function resolvePackages(rootDir: string, strataRoot: string, render: RenderHook | undefined): Promise<PackageStub[]> {
  const out: PackageStub[] = [];
  const byDir = new Map<string, PackageStub>();
  const byName = new Map<string, { stub: PackageStub; position: Position }>();
  const toInstall: Extract<PackageDependency, { source: 'installed' }>[] = [];
  const visit = async (dir: string, isRoot: boolean, declaredAt: Position | undefined): Promise<PackageStub> => {
    // a package `deps` linked into the install folder is the same package as its local path
    const key = realDir(dir);
    const existing = byDir.get(key);
    if (existing) return existing;
    const read = await readDbtProject(dir, rootDir, render);
    const name = read.config.name;
    const clash = byName.get(name);
    if (clash) {
      const at = declaredAt ?? { file: read.file, line: 1, column: 1 };
      throw new StrataError('package-duplicate', `Two packages are named "${name}": ${clash.stub.read.file} and ${read.file}`, {
        position: at,
        hint: 'Package names must be unique across the project and its dependencies.',
      });
    }
    const stub: PackageStub = { read, dir, isRoot, dependencies: [] };
    byDir.set(key, stub);
    byName.set(name, { stub, position: declaredAt ?? { file: read.file, line: 1, column: 1 } });
    out.push(stub);
    for (const dep of await readPackagesFile(dir, rootDir, strataRoot, render)) {
      if (dep.source === 'installed') {
        if (isRoot) toInstall.push(dep);
        continue;
      }
      const child = await visit(dep.dir, false, dep.position);
      stub.dependencies.push(child.read.config.name);
    }
    return stub;
  };
  const root = await visit(rootDir, true, undefined);
  const installDir = resolve(rootDir, root.read.config['packages-install-path']);
  let installed = 0;
  for (const dir of installedPackages(installDir)) {
    const before = byDir.size;
    const stub = await visit(dir, false, undefined);
    if (byDir.size > before) installed++; // not a local package `deps` linked in
    if (toInstall.some((d) => d.name === stub.read.config.name)) root.dependencies.push(stub.read.config.name);
  }
  if (toInstall.length > installed) {
    const missing = toInstall.filter((d) => d.name === undefined || !byName.has(d.name));
    const first = missing[0] ?? toInstall[0]!;
    const where = `${displayPath(rootDir, installDir) || '.'}/`;
    throw new StrataError(
      'package-not-installed',
      `${first.position.file} names ${toInstall.length} package(s) that \`strata deps\` installs, and ${installed} are installed in ${where}` +
        (missing.length ? `: not installed: ${missing.map((d) => d.spec).join(', ')}` : ''),
      {
        position: first.position,
        hint: `Install them with \`strata deps\` (it writes package-lock.yml, as \`dbt deps\` does, and installs into ${where}). Or reference a copy with \`- local: <path>\`.`,
      },
    );
  }
  return out;
}

/** The folder with symbolic links resolved (as given when it cannot be resolved: reading it then says what is wrong). */
function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

async function loadPackage(stub: PackageStub, rootDir: string, render: RenderHook | undefined, warnings: ProjectWarning[], macrosOnly: boolean): Promise<PackageProject> {
  const config = stub.read.config;
  const python: string[] = [];
  const files = await discoverFiles(stub.dir, config, python, macrosOnly ? (kind) => kind === 'macro' || kind === 'generic_test' : undefined);
  for (const rel of python) {
    warnings.push({
      code: 'python-model-unsupported',
      message: `Python model ${rel} is skipped: Strata builds SQL models only`,
      position: { file: displayPath(rootDir, join(stub.dir, rel)), line: 1, column: 1 },
    });
  }
  const properties: PropertyFile[] = [];
  const docs: DocBlock[] = [];
  for (const f of files) {
    const file = displayPath(rootDir, f.absPath);
    if (f.kind === 'properties') {
      const yaml = new YamlFile(file, f.contents, rendersInPropertyFile);
      if (yaml.hasPendingRenders) await yaml.render(render, 'properties');
      properties.push(readPropertyFile(yaml, { path: f.path, absPath: f.absPath, hash: f.hash }));
    } else if (f.kind === 'docs') {
      docs.push(...scanDocBlocks(f.contents, file, f.path));
    }
  }
  checkDuplicateNames(stub, files, rootDir);
  checkDuplicateDocs(docs, config.name);
  checkDuplicateProperties(properties, files, rootDir, warnings);
  checkDuplicateGroups(properties, config.name);
  return {
    name: config.name,
    version: config.version,
    dir: stub.dir,
    isRoot: stub.isRoot,
    config,
    files,
    properties,
    docs,
    dependencies: stub.dependencies,
  };
}

function checkDuplicateNames(stub: PackageStub, files: PackageProject['files'], rootDir: string): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    if (f.kind !== 'model' && f.kind !== 'seed') continue;
    const name = basename(f.path).replace(/\.[^.]+$/, '');
    const prev = seen.get(name);
    const here = displayPath(rootDir, f.absPath);
    if (prev) {
      throw new StrataError('duplicate-name', `Two resources in package "${stub.read.config.name}" are named "${name}": ${prev} and ${here}`, {
        position: { file: here, line: 1, column: 1 },
        hint: 'Rename one of the files; models and seeds share one namespace for ref().',
      });
    }
    seen.set(name, here);
  }
}

function checkDuplicateDocs(docs: DocBlock[], packageName: string): void {
  const seen = new Map<string, DocBlock>();
  for (const d of docs) {
    const prev = seen.get(d.name);
    if (prev) {
      throw new StrataError('duplicate-docs', `Docs block "${d.name}" is defined twice in package "${packageName}": ${prev.file}:${prev.line} and ${d.file}:${d.line}`, {
        position: { file: d.file, line: d.line, column: 1 },
      });
    }
    seen.set(d.name, d);
  }
}

/** A group is defined once in a package (dbt: "found two groups with the name …"). */
function checkDuplicateGroups(properties: PropertyFile[], packageName: string): void {
  const seen = new Map<string, Position>();
  for (const pf of properties) {
    for (const g of pf.groups) {
      const prev = seen.get(g.name);
      if (prev) {
        throw new StrataError('duplicate-group', `group '${g.name}' is defined twice in package '${packageName}': ${prev.file}:${prev.line} and ${g.position.file}:${g.position.line}`, {
          position: g.position,
          source: pf.contents,
          hint: 'Rename one of them, or merge them into one entry.',
        });
      }
      seen.set(g.name, g.position);
    }
  }
}

function checkDuplicateProperties(properties: PropertyFile[], files: PackageProject['files'], rootDir: string, warnings: ProjectWarning[]): void {
  const sections = ['models', 'seeds', 'snapshots', 'analyses', 'sources', 'exposures', 'macros', 'unit_tests'] as const;
  for (const section of sections) {
    const seen = new Map<string, Position>();
    for (const pf of properties) {
      for (const entry of pf[section]) {
        const prev = seen.get(entry.name);
        if (prev) {
          throw new StrataError('duplicate-property', `${section.replace(/s$/, '')} "${entry.name}" has properties in two places: ${prev.file}:${prev.line} and ${entry.position.file}:${entry.position.line}`, {
            position: entry.position,
            source: pf.contents,
            hint: 'Describe each resource once; merge the two entries.',
          });
        }
        seen.set(entry.name, entry.position);
      }
    }
  }
  const kinds: [typeof sections[number], string][] = [
    ['models', 'model'],
    ['seeds', 'seed'],
    ['analyses', 'analysis'],
  ];
  for (const [section, kind] of kinds) {
    const names = new Set(files.filter((f) => f.kind === kind).map((f) => basename(f.path).replace(/\.[^.]+$/, '')));
    for (const pf of properties) {
      for (const entry of pf[section]) {
        if (names.has(entry.name)) continue;
        if (section === 'models' && (entry as { versions: unknown[] }).versions.length > 0) continue;
        warnings.push({
          code: 'property-unknown-node',
          message: `${displayPath(rootDir, pf.absPath)} describes ${kind} "${entry.name}", but there is no such ${kind} file`,
          position: entry.position,
        });
      }
    }
  }
}
