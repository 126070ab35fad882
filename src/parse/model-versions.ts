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
    columns: [...included.filter((c) => !own.has(c.name)), ...version.columns],
    tests: version.tests ?? model.tests,
    versions: [],
    raw: { ...model.raw, constraints, ...(version.raw.deprecation_date !== undefined ? { deprecation_date: version.raw.deprecation_date } : {}) },
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
