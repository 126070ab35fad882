/**
 * `strata deps`: resolve the packages a project declares (and theirs, breadth first, as dbt
 * does), pin them in package-lock.yml, and install the pinned set into the project's
 * `packages-install-path`. The install is built aside and swapped in whole: a failed
 * download leaves the packages that were installed before.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { StrataError } from '../../errors.js';
import { readDbtProject } from '../dbt-project-file.js';
import { displayPath } from '../display-path.js';
import type { Position, RenderHook } from '../types.js';
import { gitCheckout, HubClient, httpGet, type HubVersion } from './fetch.js';
import { writeAtomically } from '../write-atomically.js';
import { writeLockFile } from './lock-file.js';
import { packageKind, packagesFileName, packagesHash, readPackageEntries, readProjectPackages, type PackageSpec } from './package-spec.js';
import { extractTarGz } from './tarball.js';
import { describeConstraints, parseConstraint, parseVersion, pickVersion, satisfies, compareVersions, type VersionConstraint } from './version-spec.js';

export interface DepsOptions {
  projectDir?: string;
  /** Renders the Jinja of packages.yml and package-lock.yml (`env_var`, `var`). */
  render?: RenderHook;
  /** The dbt version packages' `require-dbt-version` is checked against. */
  dbtVersion: string;
  /** Resolve again even when package-lock.yml matches packages.yml. */
  upgrade?: boolean;
  /** Only write package-lock.yml. */
  lock?: boolean;
  /** Add `name@version` to packages.yml first. */
  addPackage?: string;
  /** Where the added package comes from (default hub). */
  source?: 'hub' | 'git' | 'tarball' | 'local';
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  warn?: (message: string) => void;
}

/** What `strata deps` did. */
export interface DepsResult {
  /** The installed packages (empty with `lock`). */
  installed: { name: string; kind: string; version: string }[];
  /** Whether package-lock.yml was (re)written. */
  locked: boolean;
  installDir: string;
}

/** A package pinned to one version, revision or path, with what it declares in turn. */
interface Pinned {
  kind: PackageSpec['kind'];
  /** How the user names it: `org/package`, a URL or a path. */
  label: string;
  /** The project name it installs as. */
  name: string;
  /** Its package-lock.yml entry (without `name`). */
  lockEntry: Record<string, unknown>;
  /** `version 1.2.3`, `revision <sha>` … */
  version: string;
  /** For hub packages: the newest installable version. */
  latest?: string;
  dependencies: PackageSpec[];
  /** Put it at `dest`. */
  install(dest: string): Promise<void>;
}

/** The entries declaring one package, merged as dbt merges them (by name, URL or path). */
interface Unpinned {
  kind: PackageSpec['kind'];
  keys: string[];
  specs: PackageSpec[];
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function keysOf(spec: PackageSpec): string[] {
  const f = spec.fields;
  switch (spec.kind) {
    case 'hub':
      return [String(f['package'])];
    case 'git': {
      const url = String(f['git']);
      const other = url.endsWith('.git') ? url.slice(0, -4) : url + '.git';
      const sub = typeof f['subdirectory'] === 'string' ? `/${f['subdirectory']}` : '';
      return [url + sub, other + sub];
    }
    case 'tarball':
      return [String(f['tarball'])];
    case 'local':
      return [String(f['local'])];
    default:
      return [String(f['private'] ?? f['package'])];
  }
}

const KIND_WORDS: Record<string, string> = { hub: 'a hub package', git: 'a git package', tarball: 'a tarball', local: 'a local package', private: 'a private package', strata: 'a Strata package' };

/** Packages by their keys, in the order first declared. */
class Listing {
  readonly items: Unpinned[] = [];
  private readonly byKey = new Map<string, Unpinned>();

  add(spec: PackageSpec): Unpinned {
    const keys = keysOf(spec);
    const existing = keys.map((k) => this.byKey.get(k)).find((u) => u !== undefined);
    if (existing) {
      if (existing.kind !== spec.kind) {
        throw new StrataError('packages-conflict', `${keys[0]} is declared as ${KIND_WORDS[existing.kind]} and as ${KIND_WORDS[spec.kind]}`, {
          position: spec.position,
          hint: `The first declaration is at ${existing.specs[0]!.position.file}:${existing.specs[0]!.position.line}.`,
        });
      }
      existing.specs.push(spec);
      return existing;
    }
    const u: Unpinned = { kind: spec.kind, keys, specs: [spec] };
    this.items.push(u);
    for (const k of keys) this.byKey.set(k, u);
    return u;
  }
}

/** Resolves and installs one project's packages. */
class DepsRun {
  readonly hub: HubClient;
  readonly downloads: string;
  private readonly metadata = new Map<string, Promise<Pinned>>();

  constructor(
    readonly rootDir: string,
    readonly o: DepsOptions,
  ) {
    this.hub = new HubClient(o.env ?? process.env);
    const fixed = (o.env ?? process.env)['DBT_DOWNLOADS_DIR'];
    this.downloads = fixed ? resolve(fixed) : mkdtempSync(join(tmpdir(), 'strata-downloads-'));
    mkdirSync(this.downloads, { recursive: true });
  }

  cleanup(): void {
    if (!(this.o.env ?? process.env)['DBT_DOWNLOADS_DIR']) rmSync(this.downloads, { recursive: true, force: true });
  }

  private error(spec: PackageSpec, code: string, message: string, hint?: string): StrataError {
    return new StrataError(code, message, { position: spec.position, hint });
  }

  /** The package's project name and what it declares, from its folder. */
  private async readFolder(dir: string, spec: PackageSpec, what: string): Promise<{ name: string; dependencies: PackageSpec[] }> {
    if (!existsSync(join(dir, 'dbt_project.yml'))) throw this.error(spec, 'package-not-found', `${what} has no dbt_project.yml`, 'A package is a dbt project: its dbt_project.yml must be at its top (or in the git `subdirectory:` you give).');
    const project = await readDbtProject(dir, this.rootDir, this.o.render);
    const { packages } = await readProjectPackages(dir, this.o.render, (name) => `${what}: ${name}`);
    return { name: project.config.name, dependencies: packages };
  }

  /** Pin a package (once per version, revision or path). */
  pin(u: Unpinned): Promise<Pinned> {
    const first = u.specs[0]!;
    switch (u.kind) {
      case 'hub':
        return this.pinHub(u);
      case 'git': {
        const revisions = [...new Set(u.specs.map((s) => s.fields['revision']).filter((r) => r !== undefined && r !== null).map(String))];
        if (revisions.length > 1) {
          throw this.error(first, 'packages-conflict', `The git package ${u.keys[0]} is asked for at several revisions: ${revisions.join(', ')}`, 'Pin it to one revision everywhere it is declared.');
        }
        const revision = revisions[0] ?? 'HEAD';
        return this.once(`git ${u.keys[0]}@${revision}`, () => this.pinGit(u, revision));
      }
      case 'tarball':
        return this.once(`tarball ${u.keys[0]}`, () => this.pinTarball(first));
      case 'local':
        return this.once(`local ${u.keys[0]}`, () => this.pinLocal(first));
      default:
        throw this.error(first, 'package-unsupported', `Cannot install the private package ${u.keys[0]}: it needs dbt Cloud's git provider integration`, 'Declare it as a `git:` package with the repository URL instead.');
    }
  }

  private once(key: string, make: () => Promise<Pinned>): Promise<Pinned> {
    let p = this.metadata.get(key);
    if (!p) {
      p = make();
      this.metadata.set(key, p);
    }
    return p;
  }

  private async pinHub(u: Unpinned): Promise<Pinned> {
    const first = u.specs[0]!;
    const name = String(first.fields['package']);
    const constraints: VersionConstraint[] = [];
    for (const spec of u.specs) {
      const v = spec.fields['version'];
      for (const text of (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','))) {
        const c = parseConstraint(text);
        if (!c) throw this.error(spec, 'packages-invalid', `"${text.trim()}" is not a version of ${name}: versions are written like 1.2.3, >=1.0.0 or <2.0.0`);
        constraints.push(c);
      }
    }
    if (!(await this.hub.has(name))) {
      throw this.error(first, 'package-not-found', `Package ${name} is not on the package hub (${this.hub.baseUrl})`, 'Check its name on https://hub.getdbt.com, or declare it as a git or local package.');
    }
    const moved = await this.hub.movedTo(name);
    if (moved) this.o.warn?.(`The package ${name} has moved to ${moved} on the hub: update packages.yml to the new name.`);
    const versions = await this.hub.versions(name);
    const dbtVersion = parseVersion(this.o.dbtVersion)!;
    const compatible = Object.keys(versions).filter((ver) => {
      const req = versions[ver]?.require_dbt_version;
      if (!req || (Array.isArray(req) && req.length === 0)) return true;
      const specs = (Array.isArray(req) ? req : [req]).flatMap((r) => String(r).split(',')).map(parseConstraint);
      return specs.every((c) => c === undefined || satisfies(dbtVersion, c));
    });
    const prerelease = first.fields['install_prerelease'] === true || constraints.some((c) => c.version.prerelease !== undefined);
    const target = pickVersion(compatible, constraints, prerelease);
    if (!target) {
      const installable = compatible.filter((v) => parseVersion(v) && (prerelease || parseVersion(v)!.prerelease === undefined));
      throw this.error(
        first,
        'package-version-not-found',
        `No version of ${name} meets ${describeConstraints(constraints)}${compatible.length < Object.keys(versions).length ? ` among those that support dbt ${this.o.dbtVersion}` : ''}`,
        installable.length ? `Versions available: ${installable.sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!)).join(', ')}.` : undefined,
      );
    }
    const latest = pickVersion(compatible, [], prerelease);
    return this.once(`hub ${name}@${target}`, async () => {
      const meta: HubVersion = versions[target]!;
      const position: Position = { file: `${name}@${target} on the package hub`, line: 1, column: 1 };
      const dependencies = (Array.isArray(meta.packages) ? meta.packages : []).flatMap((p): PackageSpec[] => {
        if (!p || typeof p !== 'object') return [];
        const fields = p as Record<string, unknown>;
        const kind = packageKind(fields);
        return kind ? [{ kind, fields, unrendered: fields, position }] : [];
      });
      return {
        kind: 'hub',
        label: name,
        name: meta.name,
        lockEntry: { package: name, version: target },
        version: `version ${target}`,
        latest,
        dependencies,
        install: async (dest) => {
          this.unpack(await httpGet(meta.downloads.tarball, `${name} ${target}`, this.o.env), `${name} ${target}`, dest);
        },
      };
    });
  }

  /** Unpack a package archive (one top folder, as GitHub's are) to `dest`. */
  private unpack(gz: Buffer, what: string, dest: string): string {
    const tmp = mkdtempSync(join(this.downloads, 'unpack-'));
    const tops = extractTarGz(gz, tmp, what);
    if (tops.length !== 1) {
      throw new StrataError('package-archive', `${what} must hold one folder with the package in it; it holds ${tops.length ? tops.join(', ') : 'nothing'}`);
    }
    renameSync(join(tmp, tops[0]!), dest);
    rmSync(tmp, { recursive: true, force: true });
    return dest;
  }

  private async pinGit(u: Unpinned, revision: string): Promise<Pinned> {
    const first = u.specs[0]!;
    const url = String(first.fields['git']);
    const sub = typeof first.fields['subdirectory'] === 'string' ? first.fields['subdirectory'] : undefined;
    const warnUnpinned = u.specs.every((s) => s.fields['warn-unpinned'] !== false);
    if (warnUnpinned && (revision === 'HEAD' || revision === 'main' || revision === 'master')) {
      this.o.warn?.(`The git package ${url} is not pinned (revision ${revision}): each \`strata deps --upgrade\` may install different code. Give it a tag or commit as \`revision:\`, or set \`warn-unpinned: false\`.`);
    }
    const checkout = join(this.downloads, md5(u.keys[0]!));
    let sha: string;
    try {
      sha = await gitCheckout(url, revision, checkout);
    } catch (e) {
      if (e instanceof StrataError) throw new StrataError(e.code, e.message, { position: first.position, hint: e.hint });
      throw e;
    }
    const dir = sub ? join(checkout, sub) : checkout;
    const { name, dependencies } = await this.readFolder(dir, first, sub ? `${url} (${sub})` : url);
    const unrenderedUrl = typeof first.unrendered['git'] === 'string' ? first.unrendered['git'] : url;
    return {
      kind: 'git',
      label: sub ? `${url}/${sub}` : url,
      name,
      lockEntry: { git: unrenderedUrl, revision: sha, ...(sub ? { subdirectory: sub } : {}) },
      version: revision === 'HEAD' ? `HEAD (default revision), commit ${sha}` : `revision ${revision}${revision === sha ? '' : `, commit ${sha}`}`,
      dependencies,
      install: async (dest) => {
        cpSync(dir, dest, { recursive: true, filter: (src) => basename(src) !== '.git' });
      },
    };
  }

  private async pinTarball(spec: PackageSpec): Promise<Pinned> {
    const url = String(spec.fields['tarball']);
    const name = String(spec.fields['name']);
    let gz: Buffer;
    try {
      gz = await httpGet(url, `the tarball of ${name}`, this.o.env);
    } catch (e) {
      if (e instanceof StrataError) throw new StrataError(e.code, e.message, { position: spec.position, hint: e.hint });
      throw e;
    }
    const dir = this.unpack(gz, `The tarball ${url}`, join(this.downloads, `${md5(url)}-${name}`));
    const { dependencies } = await this.readFolder(dir, spec, `The tarball ${url}`);
    const unrenderedUrl = typeof spec.unrendered['tarball'] === 'string' ? spec.unrendered['tarball'] : url;
    return {
      kind: 'tarball',
      label: url,
      name,
      lockEntry: { tarball: unrenderedUrl },
      version: `tarball ${url}`,
      dependencies,
      install: async (dest) => {
        cpSync(dir, dest, { recursive: true });
      },
    };
  }

  private async pinLocal(spec: PackageSpec): Promise<Pinned> {
    const local = String(spec.fields['local']);
    // as in dbt, a local path is the root project's, whichever package declares it
    const dir = resolve(this.rootDir, local);
    if (!existsSync(dir)) throw this.error(spec, 'package-not-found', `Local package "${local}" does not exist (looked in ${dir})`, 'A local path is relative to the root project folder.');
    const { name, dependencies } = await this.readFolder(dir, spec, `Local package "${local}"`);
    return {
      kind: 'local',
      label: local,
      name,
      lockEntry: { local },
      version: `<local @ ${local}>`,
      dependencies,
      install: async (dest) => {
        try {
          symlinkSync(dir, dest, 'dir');
        } catch {
          cpSync(dir, dest, { recursive: true });
        }
      },
    };
  }

  /** Resolve `specs` and what they declare, breadth first; the pinned packages in dbt's order. */
  async resolve(specs: PackageSpec[], rootName: string): Promise<Pinned[]> {
    const final = new Listing();
    const expanded = new Set<Pinned>(); // each pinned version's dependencies are read once: packages may depend on each other
    let pending = specs;
    while (pending.length) {
      const next: PackageSpec[] = [];
      for (const spec of pending) {
        const pinned = await this.pin(final.add(spec));
        if (expanded.has(pinned)) continue;
        expanded.add(pinned);
        next.push(...pinned.dependencies.filter((d) => d.kind !== 'strata'));
      }
      pending = next;
    }
    const pinned = await Promise.all(final.items.map((u) => this.pin(u)));
    const seen = new Map<string, Pinned>();
    for (const p of pinned) {
      if (p.name === rootName) {
        throw new StrataError('package-duplicate', `The package ${p.label} is named "${p.name}", as the root project is`, { hint: 'A package cannot have the same name as the project that installs it.' });
      }
      const clash = seen.get(p.name);
      if (clash) throw new StrataError('package-duplicate', `Two packages are named "${p.name}": ${clash.label} and ${p.label}`, { hint: 'Package names must be unique across a project and its dependencies.' });
      seen.set(p.name, p);
    }
    return pinned;
  }
}

/** Add `name@version` from `source` to packages.yml (replacing an entry naming the same package), keeping its comments. */
async function addPackage(rootDir: string, file: string, spec: string, source: NonNullable<DepsOptions['source']>): Promise<string> {
  const at = source === 'local' || source === 'tarball' ? -1 : spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  if (source === 'hub' && !version) throw new StrataError('usage', `--add-package ${spec}: a hub package needs a version, e.g. ${spec}@1.0.0`);
  const entry: Record<string, unknown> =
    source === 'hub'
      ? { package: name, version: version!.includes(',') ? version!.split(',') : version }
      : source === 'git'
        ? { git: name, ...(version ? { revision: version } : {}) }
        : source === 'tarball'
          ? { tarball: name, name: basename(name).replace(/(\.tar\.gz|\.tgz)$/, '') }
          : { local: name };
  const { parseDocument, isMap, isSeq, isScalar } = await import('yaml');
  const abs = join(rootDir, file);
  const text = existsSync(abs) ? readFileSync(abs, 'utf8') : '';
  const doc = parseDocument(text.trim() ? text : 'packages: []\n');
  if (!isMap(doc.contents)) throw new StrataError('packages-invalid', `${file} must be a mapping with a \`packages:\` list`, { position: { file, line: 1, column: 1 } });
  let list = doc.get('packages');
  if (!isSeq(list)) {
    doc.set('packages', doc.createNode([]));
    list = doc.get('packages');
  }
  if (isSeq(list)) {
    list.items = list.items.filter((item) => !(isMap(item) && item.items.some((pair) => isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value.includes(name))));
    list.flow = false;
    list.add(doc.createNode(entry));
  }
  writeAtomically(abs, doc.toString());
  return `Added ${name}${version ? ` ${version}` : ''} to ${file}`;
}

/** Remove a folder left by a failed install, if it can be: the failure is what the user needs to hear of. */
function discard(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // nothing was there to remove, or it cannot be removed for the same reason the install failed
  }
}

/** Resolve, lock and install the project's packages. */
export async function installPackages(o: DepsOptions): Promise<DepsResult> {
  const rootDir = resolve(o.projectDir ?? '.');
  const log = o.log ?? (() => undefined);
  const project = await readDbtProject(rootDir, rootDir, o.render);
  const installDir = resolve(rootDir, project.config['packages-install-path']);
  const shownInstall = `${displayPath(rootDir, installDir) || '.'}/`;
  if (o.addPackage) log(await addPackage(rootDir, packagesFileName(rootDir), o.addPackage, o.source ?? 'hub'));
  const declared = await readProjectPackages(rootDir, o.render);
  const specs = declared.packages;
  const lockPath = join(rootDir, 'package-lock.yml');
  const run = new DepsRun(rootDir, o);
  try {
    const installable = specs.filter((s) => s.kind !== 'strata');
    if (installable.length === 0) {
      rmSync(lockPath, { force: true });
      const had = existsSync(installDir);
      rmSync(installDir, { recursive: true, force: true });
      log(`No packages to install in ${declared.file}${had ? `: removed ${shownInstall}` : ''}`);
      return { installed: [], locked: false, installDir };
    }
    const hash = packagesHash(specs);
    const lockRead = await readPackageEntries(lockPath, 'package-lock.yml', o.render);
    let locked = false;
    if (!lockRead || o.upgrade || lockRead.sha1Hash !== hash) {
      const pinned = await run.resolve(installable, project.config.name);
      writeLockFile(lockPath, pinned.map((p) => ({ ...p.lockEntry, name: p.name })), hash);
      locked = true;
      log(`Updated package-lock.yml (${pinned.length} package${pinned.length === 1 ? '' : 's'})`);
    } else if (o.lock) log(`package-lock.yml is up to date with ${declared.file}`);
    if (o.lock) return { installed: [], locked, installDir };

    const lockFile = locked ? (await readPackageEntries(lockPath, 'package-lock.yml', o.render))! : lockRead!;
    const listing = new Listing();
    const fromLock = lockFile.packages.filter((s) => s.kind !== 'strata').map((s) => listing.add(s));
    const staging = join(dirname(installDir), `.${basename(installDir)}.strata-new`);
    const old = join(dirname(installDir), `.${basename(installDir)}.strata-old`);
    const installed: DepsResult['installed'] = [];
    // a file system error (permissions, a full disk) is the user's to fix: say where, not a stack
    const fsError = (e: unknown, what: string, position?: Position): StrataError =>
      e instanceof StrataError ? e : new StrataError('package-install', `${what}: ${(e as Error).message}`, { position, hint: `Check that ${shownInstall} and its folder can be written.` });
    try {
      // a `deps` killed between the two renames below left the old install aside: put it back first
      if (!existsSync(installDir) && existsSync(old)) renameSync(old, installDir);
      rmSync(staging, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      for (const u of fromLock) {
        const p = await run.pin(u);
        const name = typeof u.specs[0]!.fields['name'] === 'string' ? String(u.specs[0]!.fields['name']) : p.name;
        log(`Installing ${p.label}`);
        await p.install(join(staging, name)).catch((e: unknown) => Promise.reject(fsError(e, `Could not install ${p.label}`, u.specs[0]!.position)));
        log(`  Installed from ${p.version}`);
        if (p.latest !== undefined) log(p.latest !== p.lockEntry['version'] ? `  Updated version available: ${p.latest}` : '  Up to date!');
        installed.push({ name, kind: p.kind, version: String(p.lockEntry['version'] ?? p.lockEntry['revision'] ?? p.lockEntry['local'] ?? p.lockEntry['tarball']) });
      }
    } catch (e) {
      discard(staging);
      throw fsError(e, `Could not install packages into ${shownInstall}`);
    }
    const hadInstall = existsSync(installDir);
    try {
      if (hadInstall) renameSync(installDir, old);
      mkdirSync(dirname(installDir), { recursive: true });
      renameSync(staging, installDir);
    } catch (e) {
      // the packages installed before stay where they were
      if (hadInstall && !existsSync(installDir) && existsSync(old)) renameSync(old, installDir);
      discard(staging);
      throw fsError(e, `Could not put the new packages in place at ${shownInstall}`);
    }
    rmSync(old, { recursive: true, force: true });
    log(`Installed ${installed.length} package${installed.length === 1 ? '' : 's'} into ${shownInstall}`);
    return { installed, locked, installDir };
  } finally {
    run.cleanup();
  }
}
