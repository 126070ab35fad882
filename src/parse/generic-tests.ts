/**
 * Generic tests declared in YAML (`tests:` / `data_tests:` on models, seeds, snapshots,
 * sources and their columns) become test nodes, named as dbt names them
 * (`not_null_orders_id`, `accepted_values_orders_status__a__b`, long names hashed).
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { configFor, groupOf, mergeConfig } from '../project/index.js';
import type { NodeProperties, PackageProject, Project, SourceProperties, SourceTableProperties, TestDefinition } from '../project/types.js';
import type { Manifest, ManifestNode } from './manifest.js';
import type { NodeSource } from './parser.js';
import { packageVersions } from './model-versions.js';
import { readRefCall } from './ref-call.js';
import { pyRepr, pyStr } from '../jinja/values.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * dbt's synthesized test names: the full name `<test>_<target>_<flattened args>` (the node's name,
 * in its unique id and fqn) and the short one, the same when under 64 characters, else its first
 * 30 identifying characters and a hash (the alias and the compiled file's name).
 */
export function testName(test: string, namespace: string | null, target: string, args: Record<string, unknown>): { full: string; short: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const v = args[key];
    const parts = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [v];
    // as Python's str(): True, None, ['a', 'b']
    flat.push(...parts.map((p) => pyStr(p)));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${namespace ? namespace + '_' : ''}${test}_${target}`;
  // (a test without arguments ends in `_`, as in dbt)
  const full = `${identifier}_${unique}`;
  return { full, short: full.length >= 64 ? `${identifier.slice(0, 30)}_${md5(full)}` : full };
}

/**
 * The Jinja expression a generic test's argument is rendered from, as dbt renders arguments:
 * `{{ expr }}` is the value of `expr`, `ref(…)` / `source(…)` a relation. Undefined for an
 * argument taken as written (a text with `{{ }}` inside it is rendered as a text).
 */
export function testArgumentExpression(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (/^\s*(ref|source)\s*\(.*\)\s*$/s.test(v)) return v;
  const whole = /^\s*\{\{(.*)\}\}\s*$/s.exec(v)?.[1];
  return whole !== undefined && !whole.includes('}}') ? whole : undefined;
}

/**
 * The hash ending a generic test's unique id, as dbt makes it: the last 10 hex digits of the
 * md5 of its name and Python's repr of its metadata, keys sorted and every leaf a str.
 */
export function testHash(name: string, metadata: { name: string; kwargs: Record<string, unknown>; namespace: string | null }): string {
  const hashable = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(hashable);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, hashable((v as Record<string, unknown>)[k])]));
    return pyStr(v);
  };
  return md5(name + pyRepr(hashable(metadata))).slice(-10);
}

interface Target {
  kind: 'model' | 'seed' | 'snapshot' | 'source';
  name: string;
  /** For a version of a versioned model. */
  version?: string | number;
  /** For sources: [source, table]. */
  source?: [string, string];
}

/** Add a test node for every generic test of every package's property files. */
export function addGenericTests(project: Project, manifest: Manifest, sources: Map<string, NodeSource>, displayPath: (abs: string) => string): void {
  for (const pkg of project.packages) {
    for (const pf of pkg.properties) {
      const dirs = dirname(pf.path).split('/').filter((d) => d && d !== '.');
      const add = (target: Target, td: TestDefinition, column?: string) => addTest(project, manifest, sources, pkg, pf.path, pf.absPath, dirs, target, td, column, displayPath);
      for (const [kind, list] of [['model', pf.models], ['seed', pf.seeds], ['snapshot', pf.snapshots]] as const) {
        for (const p of list as NodeProperties[]) {
          // a versioned model's tests are those of each version (its own, or the model's)
          const versions = kind === 'model' && p.versions.length ? [...packageVersions(pkg).byStem.values()].filter((v) => v.model === p.name) : undefined;
          for (const { props, version } of versions?.map((v) => ({ props: v.props, version: v.v })) ?? [{ props: p, version: undefined }]) {
            const target: Target = { kind, name: p.name, version };
            for (const td of props.tests) add(target, td);
            for (const c of props.columns) for (const td of c.tests) add(target, td, c.name);
          }
        }
      }
      for (const src of pf.sources as SourceProperties[]) {
        for (const t of src.tables as SourceTableProperties[]) {
          const target: Target = { kind: 'source', name: `${src.name}_${t.name}`, source: [src.name, t.name] };
          for (const td of t.tests) add(target, td);
          for (const c of t.columns) for (const td of c.tests) add(target, td, c.name);
        }
      }
    }
  }
}

function addTest(
  project: Project,
  manifest: Manifest,
  sources: Map<string, NodeSource>,
  pkg: PackageProject,
  ymlPath: string,
  ymlAbs: string,
  dirs: string[],
  target: Target,
  td: TestDefinition,
  column: string | undefined,
  displayPath: (abs: string) => string,
): void {
  const [namespace, test] = td.name.includes('.') ? (td.name.split('.', 2) as [string, string]) : [null, td.name];
  // dbt's order: the column, the test's arguments, then the tested relation (`model`, rendered
  // when the test runs: a relation, or a subquery when the test has a `where` config)
  const kwargs: Record<string, unknown> = column !== undefined && td.arguments.column_name === undefined ? { column_name: column, ...td.arguments } : { ...td.arguments };
  // as dbt: a source's tests are `source_<test>_<source>_<table>…`, a model version's `<test>_<model>_v<v>…`
  const targetName = target.version !== undefined ? `${target.name}_v${String(target.version)}` : target.name;
  const names = td.customName !== undefined ? { full: td.customName, short: td.customName } : testName(target.kind === 'source' ? `source_${test}` : test, namespace, targetName, kwargs);
  const name = names.full;
  const fqn = [pkg.name, ...dirs.slice(1), name];
  const tested = target.source
    ? `source('${target.source[0]}', '${target.source[1]}')`
    : target.version !== undefined ? `ref('${target.name}', version='${String(target.version)}')` : `ref('${target.name}')`;
  kwargs.model = `{{ get_where_subquery(${tested}) }}`;
  const layers: TestConfigLayers = {
    project: configFor(project, 'tests', fqn),
    yaml: td.config,
    // a name too long for the database is the test's alias in its hashed form
    alias: names.short !== names.full ? names.short : undefined,
  };
  const config = testConfig(layers, []);
  const uniqueId = `test.${pkg.name}.${name}.${testHash(name, { name: test, kwargs, namespace })}`;
  const macro = `${namespace ? namespace + '.' : ''}test_${test}`;
  const rawCode = `{{ ${macro}(**_dbt_generic_test_kwargs) }}`;
  const refs: ManifestNode['refs'] = [];
  const srcs: [string, string][] = [];
  if (target.source) srcs.push(target.source);
  for (const v of Object.values(kwargs)) {
    const call = typeof v === 'string' ? readRefCall(v) : undefined;
    if (call && 'ref' in call) refs.push({ name: call.ref.name, package: call.ref.package ?? null, version: call.ref.version ?? null });
    else if (call) srcs.push(call.source);
  }
  // as dbt, which renders the test's arguments before the test: the tested model's ref comes last
  if (!target.source) refs.push({ name: target.name, package: null, version: target.version ?? null });
  const node: ManifestNode = {
    unique_id: uniqueId,
    name,
    resource_type: 'test',
    package_name: pkg.name,
    path: `${names.short}.sql`,
    original_file_path: ymlPath,
    fqn,
    alias: names.short.slice(0, 63),
    database: null,
    schema: '',
    checksum: { name: 'sha256', checksum: md5(JSON.stringify(td.raw)) },
    config,
    tags: tagsOf(config),
    description: '',
    columns: {},
    meta: {},
    // the group of the node it tests, once it is attached (groups.ts); until then its config's
    group: groupOf(config),
    docs: { show: true, node_color: null },
    patch_path: null,
    build_path: null,
    unrendered_config: {},
    created_at: Date.now() / 1000,
    relation_name: null,
    raw_code: rawCode,
    language: 'sql',
    refs,
    sources: srcs,
    metrics: [],
    depends_on: { macros: [], nodes: [] },
    compiled_path: null,
    contract: { enforced: false, alias_types: true, checksum: null },
    column_name: column ?? (typeof kwargs.column_name === 'string' ? kwargs.column_name : null),
    attached_node: null,
    test_metadata: { name: test, kwargs, namespace },
    file_key_name: `${target.kind === 'source' ? 'sources' : target.kind + 's'}.${target.source ? target.source[0] : target.name}`,
  };
  if (config.enabled === false) {
    (manifest.disabled[uniqueId] ??= []).push(node);
    return;
  }
  manifest.nodes[uniqueId] = node;
  sources.set(uniqueId, { absPath: ymlAbs, templateName: displayPath(ymlAbs), code: rawCode, lineOffset: td.position.line - 1, columnOffset: 0 });
  layersOf.set(node, layers);
}

/** Where a generic test's config comes from: the project's config tree, its YAML, its hashed alias. */
interface TestConfigLayers {
  project: Record<string, unknown>;
  yaml: Record<string, unknown>;
  alias: string | undefined;
}

const layersOf = new WeakMap<ManifestNode, TestConfigLayers>();

/**
 * A generic test's config, in dbt's order: the project's, then what `config()` calls in its
 * macro set (`calls`), then its YAML's.
 */
function testConfig(layers: TestConfigLayers, calls: Record<string, unknown>[]): Record<string, unknown> {
  let config = mergeConfig({ severity: 'ERROR', materialized: 'test' }, layers.project);
  for (const c of calls) config = mergeConfig(config, c);
  config = mergeConfig(config, layers.yaml);
  if (typeof config.severity === 'string') config.severity = config.severity.toUpperCase();
  if (layers.alias !== undefined && config.alias === undefined) config.alias = layers.alias;
  // dbt's default for a test's schema: where stored failures go (`<target schema>_dbt_test__audit`)
  return { enabled: true, tags: [], meta: {}, group: null, ...config, schema: config.schema ?? 'dbt_test__audit' };
}

const tagsOf = (config: Record<string, unknown>): string[] => (Array.isArray(config.tags) ? (config.tags as string[]) : config.tags ? [String(config.tags)] : []);

/**
 * Configure a generic test with the `config()` calls its macro made while parsing (dbt renders
 * each generic test then: `{{ config(fail_calc=…) }}` in a test's definition configures it).
 */
export function applyTestConfigCalls(node: ManifestNode, calls: Record<string, unknown>[]): void {
  const layers = layersOf.get(node);
  if (!layers || calls.length === 0) return;
  node.config = testConfig(layers, calls);
  node.tags = tagsOf(node.config);
  node.group = groupOf(node.config);
}

/** After dependencies are resolved: point each generic test at the node it tests. */
export function attachTests(manifest: Manifest): void {
  for (const n of Object.values(manifest.nodes)) {
    if (n.resource_type !== 'test' || !n.test_metadata) continue;
    if (n.sources.length && n.file_key_name?.startsWith('sources.')) {
      n.attached_node = null;
      continue;
    }
    // the tested model is the test's last ref (its arguments' refs come first)
    const nodes = n.depends_on.nodes.filter((d) => !d.startsWith('source.'));
    const tested = n.refs[n.refs.length - 1];
    const named = tested && nodes.find((d) => d.split('.')[2] === tested.name && (tested.package === null || d.split('.')[1] === tested.package));
    n.attached_node = named || nodes[nodes.length - 1] || n.depends_on.nodes[0] || null;
  }
}
