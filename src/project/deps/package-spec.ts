/**
 * The entries of packages.yml / dependencies.yml and package-lock.yml as `strata deps` reads
 * them: each checked against dbt's package schema (the keys each kind allows and needs),
 * kept both rendered and as written. The lock file's `sha1_hash` is computed as dbt computes
 * it, so a project moves between dbt and Strata without re-resolving its packages.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../../errors.js';
import type { Position, RenderHook } from '../types.js';
import { isRecord, YamlFile } from '../yaml-file.js';

export type PackageKind = 'hub' | 'git' | 'tarball' | 'local' | 'private' | 'strata';

/** One package entry. */
export interface PackageSpec {
  kind: PackageKind;
  /** The entry with its Jinja rendered (`env_var`, `var`). */
  fields: Record<string, unknown>;
  /** The entry as written. */
  unrendered: Record<string, unknown>;
  position: Position;
}

/** The keys each kind of entry allows (dbt's package schema); the first ones are required. */
const KEYS: Record<Exclude<PackageKind, 'strata'>, { required: string[]; optional: string[] }> = {
  local: { required: ['local'], optional: ['name'] },
  tarball: { required: ['tarball', 'name'], optional: [] },
  git: { required: ['git'], optional: ['revision', 'warn-unpinned', 'subdirectory', 'name'] },
  hub: { required: ['package', 'version'], optional: ['install_prerelease', 'name'] },
  private: { required: ['private'], optional: ['provider', 'revision', 'warn-unpinned', 'subdirectory', 'name'] },
};

/** A packages file read for `strata deps`. */
export interface PackagesFile {
  /** Absolute path; `undefined` when the project has none. */
  path?: string;
  /** As shown to the user. */
  file: string;
  packages: PackageSpec[];
  /** package-lock.yml's `sha1_hash`. */
  sha1Hash?: string;
}

/** Which kind of entry `entry` is, by its identifying key. */
export function packageKind(entry: Record<string, unknown>): PackageKind | undefined {
  if ('local' in entry) return 'local';
  if ('tarball' in entry) return 'tarball';
  if ('git' in entry) return 'git';
  if ('private' in entry) return 'private';
  if ('package' in entry) return typeof entry['package'] === 'string' && entry['package'].startsWith('strata/') ? 'strata' : 'hub';
  return undefined;
}

/**
 * Read a packages or lock file at `abs` (shown as `file`), rendering its Jinja with `render`.
 * `undefined` when it does not exist.
 */
export async function readPackageEntries(abs: string, file: string, render: RenderHook | undefined): Promise<PackagesFile | undefined> {
  if (!existsSync(abs)) return undefined;
  const yaml = new YamlFile(file, readFileSync(abs, 'utf8'));
  const unrenderedDoc: unknown = structuredClone(yaml.value);
  await yaml.render(render, 'packages');
  const doc = yaml.value;
  if (doc === null || doc === undefined) return { path: abs, file, packages: [] };
  if (!isRecord(doc) || !isRecord(unrenderedDoc)) throw yaml.error('packages-invalid', `${file} must be a mapping with a \`packages:\` list`, { file, line: 1, column: 1 });
  const list = doc['packages'];
  const rawList = unrenderedDoc['packages'];
  const sha1Hash = typeof doc['sha1_hash'] === 'string' ? doc['sha1_hash'] : undefined;
  if (list === undefined || list === null) return { path: abs, file, packages: [], sha1Hash };
  if (!Array.isArray(list) || !Array.isArray(rawList)) throw yaml.error('packages-invalid', `\`packages\` in ${file} must be a list`, yaml.posOf(doc, 'packages'));
  const packages = list.map((entry, i): PackageSpec => {
    const position = yaml.posOf(list, i);
    const fail = (message: string, at = position): never => {
      throw yaml.error('packages-invalid', message, at, 'See https://docs.getdbt.com/docs/build/packages for the keys of each kind of package.');
    };
    if (!isRecord(entry)) return fail(`Each package in ${file} must be a mapping such as \`- package: dbt-labs/dbt_utils\``);
    const kind = packageKind(entry);
    if (!kind) return fail(`A package in ${file} must have one of \`package\`, \`git\`, \`tarball\`, \`local\` or \`private\``);
    if (kind !== 'strata') {
      const { required, optional } = KEYS[kind];
      for (const key of Object.keys(entry)) {
        if (!required.includes(key) && !optional.includes(key)) {
          const hint = key === 'install-prerelease' ? ' (it is spelled `install_prerelease`)' : '';
          fail(`A ${kind} package does not take \`${key}\`${hint}: it takes ${[...required, ...optional].map((k) => `\`${k}\``).join(', ')}`, yaml.posOf(entry, key));
        }
      }
      for (const key of required) if (entry[key] === undefined || entry[key] === null || entry[key] === '') fail(`A ${kind} package needs \`${key}\``);
      for (const key of [...required, ...optional]) {
        const v = entry[key];
        if (v === undefined || v === null) continue;
        const ok =
          key === 'warn-unpinned' || key === 'install_prerelease'
            ? typeof v === 'boolean'
            : key === 'version'
              ? typeof v === 'string' || typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'))
              : key === 'revision'
                ? typeof v === 'string' || typeof v === 'number'
                : typeof v === 'string';
        if (!ok) fail(`\`${key}\` of a ${kind} package must be ${key === 'warn-unpinned' || key === 'install_prerelease' ? 'true or false' : 'a string'}`, yaml.posOf(entry, key));
      }
    }
    const raw = rawList[i];
    return { kind, fields: entry, unrendered: isRecord(raw) ? raw : entry, position };
  });
  return { path: abs, file, packages, sha1Hash };
}

/**
 * Which file of the project in `dir` declares its packages: packages.yml, else
 * dependencies.yml (packages.yml when it has neither); both is an error.
 */
export function packagesFileName(dir: string, show: (name: string) => string = (n) => n): string {
  const names = ['packages.yml', 'dependencies.yml'].filter((n) => existsSync(join(dir, n)));
  if (names.length === 2) {
    throw new StrataError('packages-invalid', 'Both packages.yml and dependencies.yml exist', {
      position: { file: show('dependencies.yml'), line: 1, column: 1 },
      hint: 'Keep your packages in one of the two files.',
    });
  }
  return names[0] ?? 'packages.yml';
}

/** The packages the project in `dir` declares (its file shown as `show(name)`); an empty list when it has no packages file. */
export async function readProjectPackages(dir: string, render: RenderHook | undefined, show: (name: string) => string = (n) => n): Promise<PackagesFile> {
  const name = packagesFileName(dir, show);
  return (await readPackageEntries(join(dir, name), show(name), render)) ?? { file: show(name), packages: [] };
}

/** The entry as dbt's package contract serialises it (the shape its lock hash is made of). */
function contractDict(spec: PackageSpec): Record<string, unknown> {
  const f = spec.fields;
  const out: Record<string, unknown> = {};
  const put = (key: string, dflt: unknown = null): void => {
    out[key] = f[key] === undefined ? dflt : f[key];
  };
  switch (spec.kind) {
    case 'local':
      put('local');
      break;
    case 'tarball':
      put('tarball');
      put('name');
      break;
    case 'git':
      for (const k of ['git', 'revision', 'warn-unpinned', 'subdirectory']) put(k);
      break;
    case 'private':
      for (const k of ['private', 'provider', 'revision', 'warn-unpinned', 'subdirectory']) put(k);
      break;
    case 'hub':
    case 'strata':
      put('package');
      put('version');
      put('install_prerelease', false);
      break;
  }
  if (typeof f['name'] === 'string') out['name'] = f['name'];
  out['unrendered'] = spec.unrendered;
  return out;
}

/** JSON as Python's `json.dumps(value, sort_keys=True)` writes it. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  if (Array.isArray(value)) return '[' + value.map(pythonJson).join(', ') + ']';
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec).sort();
  return '{' + keys.map((k) => `${pythonJson(k)}: ${pythonJson(rec[k])}`).join(', ') + '}';
}

/** The lock file's `sha1_hash` of these entries, as dbt computes it. */
export function packagesHash(specs: readonly PackageSpec[]): string {
  const lines = specs.map((s) => pythonJson(contractDict(s))).sort();
  return createHash('sha1').update(lines.join('\n'), 'utf8').digest('hex');
}
