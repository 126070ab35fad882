/**
 * Groups and model access (dbt 1.5+). A group (`groups:` in a property file) names an owner
 * for the nodes whose `group` config names it; a model's `access` (`private`, `protected`,
 * the default, or `public`) says who may `ref` it:
 *
 * - a private model only nodes of its own group (an exposure has no group, nor has a node
 *   whose config names none: neither may refer to a private model);
 * - a protected model any node of any package, unless the model's package sets
 *   `restrict-access: true` in its dbt_project.yml: then only that package's own nodes;
 * - a public model anyone.
 *
 * A generic test is in the group of the node it tests. These are checked when the project is
 * parsed, as dbt checks them: each mistake is an error at the line that makes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { ACCESS_VALUES, configFor, mergeConfig } from '../project/index.js';
import type { NodeProperties, PackageProject, Position, Project } from '../project/types.js';
import { suggest } from '../graph/index.js';
import type { ExposureEntry, GroupEntry, Manifest, ManifestNode } from './manifest.js';
import type { NodeSource } from './parser.js';
import { searchName } from './model-versions.js';
import { escapeRe, findInNode, locateCall, refCallPattern } from './locate.js';

/** A node or exposure with a ref it makes and the model that ref found. */
export interface ResolvedRef {
  node: ManifestNode | ExposureEntry;
  ref: { name: string; package: string | null; version: string | number | null };
  target: ManifestNode;
}

/**
 * The manifest's `groups`, `group.<package>.<name>` each, as dbt writes them. As in dbt 1.10,
 * a group's config is its own over what dbt_project.yml's `models:` tree gives the group's
 * fqn (`[package, ...folders of its file, name]`): dbt has no tree for groups and falls back
 * to the models' one.
 */
export function groupEntries(project: Project): Record<string, GroupEntry> {
  const out: Record<string, GroupEntry> = {};
  for (const pkg of project.packages) {
    for (const pf of pkg.properties) {
      for (const g of pf.groups) {
        const { email, name, ...others } = g.owner;
        const uniqueId = `group.${pkg.name}.${g.name}`;
        const path = resourceRelative(pkg, pf.path);
        const fqn = [pkg.name, ...path.split('/').slice(0, -1), g.name];
        out[uniqueId] = {
          name: g.name,
          resource_type: 'group',
          package_name: pkg.name,
          path,
          original_file_path: pf.path,
          unique_id: uniqueId,
          owner: { email: email ?? null, name: name ?? null, ...others },
          description: g.description ?? null,
          config: { meta: {}, ...mergeConfig(configFor(project, 'models', fqn), g.config) },
        };
      }
    }
  }
  return out;
}

/** A property file's path inside the resource folder it was found in (`models/finance/x.yml` → `finance/x.yml`). */
function resourceRelative(pkg: PackageProject, path: string): string {
  const c = pkg.config;
  for (const root of [...c['model-paths'], ...c['seed-paths'], ...c['snapshot-paths'], ...c['analysis-paths'], ...c['test-paths'], ...c['macro-paths']]) {
    const prefix = root.replace(/\/+$/, '') + '/';
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}

/** As dbt: a generic test is in the group of the node it tests (its own config's group stays in its config). */
export function inheritTestGroups(manifest: Manifest): void {
  for (const n of Object.values(manifest.nodes)) {
    if (n.resource_type !== 'test' || !n.test_metadata || !n.attached_node) continue;
    n.group = manifest.nodes[n.attached_node]?.group ?? null;
  }
}

/** The manifest's `group_map`: each group's name with the nodes in it. */
export function groupMap(manifest: Manifest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of Object.values(manifest.groups)) out[g.name] = [];
  for (const n of Object.values(manifest.nodes)) if (n.group && out[n.group]) out[n.group]!.push(n.unique_id);
  return out;
}

/** What the checks need to point at the line that set a value. */
export interface Origins {
  project: Project;
  sources: Map<string, NodeSource>;
  /** The YAML properties of a node (for a model version, merged with its version's). */
  propsOf(node: ManifestNode): NodeProperties | undefined;
}

/**
 * Each node's group is defined; each model's access is one dbt knows (a value that the YAML
 * and dbt_project.yml readers have not seen comes from `config()`) and, for an ephemeral
 * model, not public.
 */
export function checkGroupsAndAccess(manifest: Manifest, at: Origins): void {
  const names = [...new Set(Object.values(manifest.groups).map((g) => g.name))].sort();
  for (const node of Object.values(manifest.nodes)) {
    // a generic test's group is its node's, checked there
    if (node.group && !(node.test_metadata && node.attached_node) && !names.includes(node.group)) {
      const guess = suggest(node.group, names);
      const hint = guess ? `did you mean '${guess}'?` : names.length ? `the groups are ${names.join(', ')}` : 'define it under groups: in a property file, with an owner: groups: [{name: …, owner: {name: …}}]';
      throw error('group-not-found', `${node.resource_type} '${label(node)}' is in group '${node.group}', which is not defined`, whereSet(node, 'group', node.group, at), at.project, hint);
    }
    if (node.resource_type !== 'model') continue;
    const access = node.config.access;
    if (typeof access !== 'string' || !ACCESS_VALUES.includes(access)) {
      throw error('config-invalid', `model '${label(node)}' has an invalid value ${JSON.stringify(access)} for access: it is private, protected or public`, whereSet(node, 'access', access, at), at.project);
    }
    if (access === 'public' && node.config.materialized === 'ephemeral') {
      const hint = 'an ephemeral model is no relation that others could read: make it protected, or materialize it as a view or table';
      throw error('config-invalid', `model '${label(node)}' is ephemeral, so it cannot be public`, whereSet(node, 'access', access, at), at.project, hint);
    }
  }
}

/**
 * Every ref to a private model comes from its group, and every ref to a protected model of a
 * package that restricts access from that package (dbt's `DbtReferenceError`).
 */
export function checkRefAccess(resolved: ResolvedRef[], at: Origins): void {
  const restricted = new Set(at.project.packages.filter((p) => p.config.raw['restrict-access'] === true).map((p) => p.name));
  for (const { node, ref, target } of resolved) {
    if (target.resource_type !== 'model' || node.resource_type === 'sql_operation') continue;
    const fromOutside = node.package_name !== target.package_name && restricted.has(target.package_name);
    const group = 'group' in node ? node.group : null;
    const what = `${node.resource_type} '${label(node)}' refers to model '${label(target)}'`;
    if (target.access === 'private' && (!group || group !== target.group || fromOutside)) {
      const scope = target.group ? `private to the '${target.group}' group` : 'private, and in no group';
      // a generic test is in the group of the node it tests: that node is the one to move
      const attached = 'attached_node' in node && node.test_metadata && node.attached_node ? node.attached_node.split('.')[2] : undefined;
      const mover = attached ?? node.name;
      const whose = attached ? `the test is in the group of '${attached}', which is` : `'${node.name}' is`;
      const hint = !target.group
        ? `a private model in no group can be referred to by nothing: give '${target.name}' a group, or make it protected or public`
        : fromOutside && group === target.group
          ? `package '${target.package_name}' sets restrict-access: true, so its private models are for its own nodes only`
          : node.resource_type === 'exposure'
            ? `an exposure is in no group: make '${target.name}' protected or public`
            : `only nodes of group '${target.group}' may refer to it, and ${whose} ${group ? `in group '${group}'` : 'in no group'}: make '${target.name}' protected or public, or put '${mover}' in group '${target.group}'`;
      throw error('ref-not-allowed', `${what}, which is ${scope}${fromOutside ? ` of package '${target.package_name}'` : ''}`, whereRef(node, ref, at), at.project, hint);
    }
    if (target.access === 'protected' && fromOutside) {
      const hint = `package '${target.package_name}' sets restrict-access: true, so only its public models are for other packages: ask for '${target.name}' to be made public`;
      throw error('ref-not-allowed', `${what}, which is protected to the '${target.package_name}' package`, whereRef(node, ref, at), at.project, hint);
    }
  }
}

/** A model version as `name.v2`, any other node by its name. */
function label(n: { name: string; version?: string | number | null }): string {
  return searchName(n.name, n.version);
}

function error(code: string, message: string, position: Position | undefined, project: Project, hint?: string): StrataError {
  let source: string | undefined;
  if (position) {
    const abs = resolve(project.root.dir, position.file);
    if (existsSync(abs)) source = readFileSync(abs, 'utf8');
  }
  return new StrataError(code, message, { position, source, hint });
}

/**
 * Where a node's `group` or `access` got its value: a `config()` call in its SQL, its YAML
 * properties, or a config tree of dbt_project.yml (the root project's before the node's own
 * package's); else the node's own line.
 */
function whereSet(node: ManifestNode, key: 'group' | 'access', value: unknown, at: Origins): Position | undefined {
  const src = at.sources.get(node.unique_id);
  if (src && /\.sql$/i.test(src.absPath)) {
    const found = findInNode(src, new RegExp(`\\b${key}\\s*=\\s*['"]${escapeRe(String(value))}['"]`));
    if (found) return found;
  }
  const yaml = at.propsOf(node)?.configAt?.[key];
  if (yaml) return yaml;
  const pkgs = [at.project.root, ...at.project.packages.filter((p) => p.name === node.package_name && !p.isRoot)];
  for (const pkg of pkgs) {
    const set = pkg.config.groupAndAccessAt.find((s) => s.key === key && s.value === value);
    if (set) return set.position;
  }
  return src ? { file: src.templateName, line: src.lineOffset + 1, column: 1 } : undefined;
}

/**
 * Where a node writes a ref: the `ref(…)` in its file from the node's own line on (a generic
 * test's ref to the node it tests is written nowhere: the test's line).
 */
function whereRef(node: ManifestNode | ExposureEntry, ref: ResolvedRef['ref'], at: Origins): Position | undefined {
  const src = at.sources.get(node.unique_id);
  if (src && 'test_metadata' in node && node.test_metadata && node.refs[node.refs.length - 1] === ref && !node.file_key_name?.startsWith('sources.')) {
    return { file: src.templateName, line: src.lineOffset + 1, column: 1 };
  }
  return locateCall(src, refCallPattern(ref.name, ref.version));
}
