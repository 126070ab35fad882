/**
 * Model versions (dbt 1.5+): a model whose YAML lists `versions:` is defined by one SQL file
 * per version, `<model>_v<v>.sql` unless the version says `defined_in: <file stem>` (the
 * latest version may also live in `<model>.sql`). Each version is a node of its own,
 * `model.<package>.<model>.v<v>`, named after the model, with the model's properties and the
 * version's over them. `ref('model')` finds the latest version, `ref('model', v=1)` a given one.
 */
import { compareVersions } from '../graph/graph-node.js';
import { mergeConfig } from '../project/index.js';
import type { NodeProperties, PackageProject, VersionProperties } from '../project/types.js';
import type { ParseWarning } from './parse-warning.js';

/** What a versioned model's file defines. */
export interface ModelVersion {
  /** The model's name (every version has it). */
  model: string;
  v: string | number;
  latest: string | number;
  /** The model's properties with the version's over them. */
  props: NodeProperties;
}

/** A model's latest version: `latest_version`, else its greatest version. */
export function latestVersion(p: NodeProperties): string | number {
  if (p.latest_version !== undefined) return p.latest_version;
  return p.versions.reduce((best, v) => (compareVersions(v.v, best) > 0 ? v.v : best), p.versions[0]!.v);
}

/** The name `ref` finds a node by: the model's name, or `<name>.v<version>` for one version. */
export function searchName(name: string, version: string | number | null | undefined): string {
  return version === null || version === undefined || version === '' ? name : `${name}.v${String(version)}`;
}

/** Whether a ref to a node's name that asks for `version` finds it: that version, or when none is asked for, an unversioned node or the latest version. */
export function refFindsVersion(n: { version?: string | number | null; latest_version?: string | number | null }, version: unknown): boolean {
  if (version === undefined || version === null || version === '') return n.version == null || String(n.version) === String(n.latest_version);
  return n.version != null && String(n.version) === String(version);
}

/** A node's unique id: `<type>.<package>.<name>`, and `.v<version>` for a model version. */
export function nodeUniqueId(resourceType: string, pkg: string, name: string, version?: string | number): string {
  return version === undefined ? `${resourceType}.${pkg}.${name}` : `${resourceType}.${pkg}.${name}.v${String(version)}`;
}

/**
 * The versions of a package's versioned models, by the stem of the model file that defines
 * each (`stems`: the stems of the package's model files). A version with no file is left out
 * (`missing` lists it, for a warning).
 */
export function versionsByFile(
  models: Iterable<NodeProperties>,
  stems: ReadonlySet<string>,
): { byStem: Map<string, ModelVersion>; missing: { model: NodeProperties; version: VersionProperties; file: string }[] } {
  const byStem = new Map<string, ModelVersion>();
  const missing: { model: NodeProperties; version: VersionProperties; file: string }[] = [];
  for (const model of models) {
    if (!model.versions.length) continue;
    const latest = latestVersion(model);
    for (const version of model.versions) {
      let stem = version.defined_in ?? `${model.name}_v${String(version.v)}`;
      // the latest version may be defined in a file named after the model
      if (!stems.has(stem) && String(version.v) === String(latest) && stems.has(model.name)) stem = model.name;
      if (!stems.has(stem)) {
        missing.push({ model, version, file: `${stem}.sql` });
        continue;
      }
      byStem.set(stem, { model: model.name, v: version.v, latest, props: versionProperties(model, version) });
    }
  }
  return { byStem, missing };
}

/**
 * A version's properties: its description, config, columns, tests and constraints where it
 * gives them, the model's otherwise; its columns are the model's that it includes, then its own
 * (which replace a model column of the same name).
 */
export function versionProperties(model: NodeProperties, version: VersionProperties): NodeProperties {
  const included = model.columns.filter((c) => (version.include === '*' || version.include.includes(c.name)) && !version.exclude.includes(c.name));
  const own = new Set(version.columns.map((c) => c.name));
  const constraints = Array.isArray(version.raw.constraints) && version.raw.constraints.length ? version.raw.constraints : model.raw.constraints;
  return {
    ...model,
    description: version.description || model.description,
    config: mergeConfig(model.config, version.config),
    configAt: { ...model.configAt, ...version.configAt },
    columns: [...included.filter((c) => !own.has(c.name)), ...version.columns],
    tests: version.tests ?? model.tests,
    versions: [],
    // a version is deprecated by its own deprecation_date only, as in dbt
    raw: { ...model.raw, constraints, deprecation_date: version.raw.deprecation_date },
  };
}

const byPackage = new WeakMap<PackageProject, ReturnType<typeof versionsByFile>>();

/** The versions of the versioned models of a package's property files (worked out once per loaded package). */
export function packageVersions(pkg: PackageProject): ReturnType<typeof versionsByFile> {
  let out = byPackage.get(pkg);
  if (!out) {
    const stems = new Set(pkg.files.filter((f) => f.kind === 'model').map((f) => f.path.split('/').pop()!.replace(/\.sql$/, '')));
    byPackage.set(pkg, (out = versionsByFile(pkg.properties.flatMap((pf) => pf.models), stems)));
  }
  return out;
}

/**
 * A version's own `access:` (beside `v:`) has no effect in dbt 1.10: the model's config,
 * whose access defaults to protected, is applied over it. The version's access is set with
 * `config: {access: …}`; this warns where it is written otherwise.
 */
export function ignoredVersionAccess(pkg: PackageProject): ParseWarning[] {
  const out: ParseWarning[] = [];
  for (const pf of pkg.properties) {
    for (const model of pf.models) {
      for (const v of model.versions) {
        if (v.raw.access == null) continue;
        out.push({ event: 'ParseWarning', message: `${v.position.file}:${v.position.line}: the access of version ${String(v.v)} of model '${model.name}' is set with config: {access: ${String(v.raw.access)}}; a version's own \`access:\` has no effect (as in dbt)` });
      }
    }
  }
  return out;
}

/**
 * dbt's warnings about deprecated models: a model past its `deprecation_date`, and each model
 * that refers to a deprecated one (deprecated already, or to be).
 */
export function deprecationWarnings(nodes: Iterable<{ unique_id: string; name: string; resource_type: string; package_name: string; version?: string | number | null; latest_version?: string | number | null; deprecation_date?: string | null; depends_on: { nodes: string[] } }>, now = new Date()): ParseWarning[] {
  const all = [...nodes];
  const deprecated = new Map(all.filter((n) => n.resource_type === 'model' && n.deprecation_date).map((n) => [n.unique_id, n]));
  if (!deprecated.size) return [];
  const out: ParseWarning[] = [];
  const label = (n: { name: string; version?: string | number | null }) => searchName(n.name, n.version);
  const day = (d: string) => d.slice(0, 10);
  for (const n of deprecated.values()) {
    if (new Date(n.deprecation_date!) < now) out.push({ event: 'DeprecatedModel', message: `Model ${label(n)} has passed its deprecation date of ${day(n.deprecation_date!)}; it should be disabled or removed` });
  }
  for (const child of all) {
    if (child.resource_type !== 'model') continue;
    for (const id of child.depends_on.nodes) {
      const d = deprecated.get(id);
      if (!d) continue;
      const past = new Date(d.deprecation_date!) < now;
      const newer = d.latest_version != null && String(d.latest_version) !== String(d.version) ? `; try the latest version: {{ ref('${d.package_name}', '${d.name}', v='${String(d.latest_version)}') }}` : '';
      out.push({
        event: past ? 'DeprecatedReference' : 'UpcomingReferenceDeprecation',
        message: `Model ${child.name} refers to ${label(d)}, which ${past ? 'was deprecated on' : 'will be deprecated on'} ${day(d.deprecation_date!)}${newer}`,
      });
    }
  }
  return out;
}

/**
 * A model's `deprecation_date` as dbt writes it: Python's isoformat of an aware datetime
 * (`2099-01-01T00:00:00+00:00`), keeping a given offset, and a date or a time without one read
 * in the machine's zone, as dbt does. A YAML timestamp (a Date) is its instant in UTC.
 */
export function deprecationDate(d: unknown): string | null {
  if (d === undefined || d === null || d === '') return null;
  if (d instanceof Date) return Number.isNaN(d.getTime()) ? String(d) : isoWithOffset(d.getTime(), 0);
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(String(d).trim());
  if (!m) return String(d);
  const [y, mo, day, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const micros = Number((m[7] ?? '').padEnd(6, '0'));
  const wall = Date.UTC(y!, mo! - 1, day!, h, mi, sec);
  const zone = m[8];
  const offsetMin = zone === undefined ? -new Date(y!, mo! - 1, day!, h, mi, sec).getTimezoneOffset() : /^z$/i.test(zone) ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.replace(':', '').slice(3, 5) || 0));
  return isoWithOffset(wall - offsetMin * 60_000, offsetMin, micros);
}

/** Python's `isoformat()` of the instant `ms` at UTC offset `offsetMin` minutes (microseconds only when not 0). */
function isoWithOffset(ms: number, offsetMin: number, micros = 0): string {
  const wall = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${wall}${micros ? `.${String(micros).padStart(6, '0')}` : ''}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
