/**
 * Parse a project: read its files (project/), compile its macros, render every node in
 * parse mode to learn its refs, sources and config (reusing the parse cache for files that
 * did not change), resolve names, check the graph, and build the manifest.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatementListener } from '../adapters/index.js';
import { Environment, withChainableUndefined, type Template } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { duckdbCatalogName, targetObject } from '../project/target-object.js';
import { isTestConfigPath, loadProject, configFor, groupOf, mergeConfig, resolveVar, InputLog, recordInputs, readInput, noteFolder, folderTime } from '../project/index.js';
import type { LoadProjectOptions, PackageProject, Project, ProjectFile, NodeProperties, ColumnProperties, UnitTestProperties } from '../project/types.js';
import { buildGraph, suggest, type Graph, type GraphNode } from '../graph/index.js';
import { bindArgs } from '../context/args.js';
import { asBool, asNumber, createBaseContext } from '../context/base.js';
import { INTERNAL_PACKAGE, MacroRegistry, macroPrototype, type MacroDef } from '../context/macros.js';
import { createNodeContext, type ContextServices, type ParseRecord } from '../context/node-context.js';
import { doubleQuote, relation } from '../context/relation.js';
import { addGenericTests, applyTestConfigCalls, attachTests, testArgumentExpression } from './generic-tests.js';
import type { UnitTestEntry } from '../runner/unit-test.js';
import { CACHE_FILE, ParseCache, envDigest, isJsonSafe, sha256, type CachedParse, type ParseState } from './cache.js';
import { BUILD_STAMP, fingerprintKey, recordingEnv, type ParseInputs } from './fingerprint.js';
import { emptyManifest, serializeManifest, STRATA_VERSION, type ColumnEntry, type Manifest, type ManifestNode, type SerializedManifest, type SourceEntry } from './manifest.js';
import type { PatchEntry } from './patch.js';
import { columnConstraint, readConstraints } from './constraints.js';
import { exposureEntry } from './exposures.js';
import { deprecationDate, deprecationWarnings, ignoredVersionAccess, nodeUniqueId, packageVersions, refFindsVersion, searchName } from './model-versions.js';
import { locateCall, nodeText, refCallPattern, sourceCallPattern } from './locate.js';
import { checkGroupsAndAccess, checkRefAccess, groupEntries, groupMap, inheritTestGroups, type ResolvedRef } from './groups.js';
import type { ParseWarning } from './parse-warning.js';

/** The folder that holds Strata's `packages/` (two levels above this file, in src/ or dist/). */
export const STRATA_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ParseOptions {
  projectDir: string;
  profilesDir?: string;
  /** `--profile`: the profile to use instead of dbt_project.yml's. */
  profile?: string;
  target?: string;
  /** `--target-path`: where artifacts go, instead of dbt_project.yml's `target-path`. */
  targetPath?: string;
  vars?: Record<string, unknown>;
  /** Use and update the parse cache (default true). */
  cache?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Receives `log()`/`print()` output from templates. */
  log?: (message: string, info: boolean, print?: boolean) => void;
  flags?: Record<string, unknown>;
  /** Return before the parse cache is on disk: the caller awaits `cacheSaved` (so its own writes overlap). */
  saveInBackground?: boolean;
  /** Keep the manifest as serialized for the cache, for `takeManifest` (strata parse writes it as manifest.json). */
  keepManifest?: boolean;
  /**
   * What the macro files of an earlier parse define: a file whose hash is the same is
   * registered from this and compiled only when one of its macros is called (the manifest
   * patch, which renders a few models, uses it; see `patch.ts`).
   */
  knownMacros?: MacroIndex;
}

/** The macros each macro file defines, by its absolute path: [its hash, [name, line, parameter names] of each macro]. */
export type MacroIndex = Record<string, [string, [string, number, string[]][]]>;

/** Where a node's code lives, for rendering it again and for pointing at errors. */
export interface NodeSource {
  absPath: string;
  /** Name given to the template engine (a display path). */
  templateName: string;
  /** The node's own code (for a snapshot, the block's body). */
  code: string;
  lineOffset: number;
  columnOffset: number;
}

export interface ParsedProject {
  project: Project;
  manifest: Manifest;
  graph: Graph;
  env: Environment;
  registry: MacroRegistry;
  sources: Map<string, NodeSource>;
  adapterType: string;
  /** The target as templates see it. */
  target: Record<string, unknown>;
  invocationId: string;
  runStartedAt: Date;
  /** Macro prototypes by package, the parents of node contexts. */
  prototypes: Map<string, object>;
  baseContext: Record<string, unknown>;
  /** Settles when the parse cache this parse writes in the background is on disk (or could not be written). */
  cacheSaved: Promise<void>;
  /** How much of the last parse was reused: all of it, all but the changed SQL files, or none. */
  cacheStats: { hits: number; misses: number; mode: 'full' | 'partial' | 'reuse' };
  warnings: ParseWarning[];
  /** Told of each statement of the adapters opened for this project (set when there is a debug log). */
  statementLog?: StatementListener;
  /** What this parse read (absent when the cache is off), for the fingerprint `strata parse` writes. */
  inputs?: ParseInputs;
  /**
   * The manifest as this parse serialized it for the cache, once, when the options asked
   * to keep it (otherwise, and on later calls: undefined; stale if the manifest was changed
   * since), so that `strata parse` writes it without serializing it again.
   */
  takeManifest(): SerializedManifest | undefined;
  /** The nodes that a later `strata parse` may re-render alone when only their file changed (see `patch.ts`). */
  patchEntries(): PatchEntry[];
  /** What each macro file defines, for `ParseOptions.knownMacros`. */
  macroIndex(): MacroIndex;
  /** Compile a node's code (cached by the engine). */
  template(uniqueId: string): Template;
}

const EMPTY_GRAPH = Object.freeze({ nodes: {}, sources: {}, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {} });

/** Filters dbt adds to Jinja's. */
const DBT_FILTERS = {
  as_bool: (v: unknown) => asBool(v),
  as_number: (v: unknown) => asNumber(v),
  as_native: (v: unknown) => v,
  as_text: (v: unknown) => (v == null ? '' : String(v)),
};

const BLOCK_TAGS = {
  test: { kind: 'macro', prefix: 'test_' },
  materialization: { kind: 'materialization', prefix: 'materialization_' },
  snapshot: { kind: 'capture' },
  docs: { kind: 'capture' },
} as const;

/** The target object templates see: every non-secret field plus dbt's standard names. */
export function targetContext(project: Project): Record<string, unknown> {
  return targetObject(project.profile, project.defaultDuckdbPath, project.root.config.profile ?? project.root.name);
}

export { duckdbCatalogName };

const displayPaths = new Map<string, string>();

/** How a file is named to users: relative to the root project when inside it (memoized: it is asked for per node). */
function displayPath(rootDir: string, abs: string): string {
  const key = `${rootDir}\0${abs}`;
  let shown = displayPaths.get(key);
  if (shown === undefined) {
    const r = relative(rootDir, abs);
    shown = (r.startsWith('..') ? abs : r).split(sep).join('/');
    displayPaths.set(key, shown);
  }
  return shown;
}

/** Parse the project at `options.projectDir`. */
export async function parseProject(options: ParseOptions): Promise<ParsedProject> {
  if (options.cache === false) return (await parseWith(options, options.env ?? process.env)).parsed;
  const startedAt = Date.now();
  const recording = recordingEnv(options.env ?? process.env);
  const log = new InputLog();
  const { parsed, envRead } = await recordInputs(log, () => parseWith(options, recording.env));
  // The env vars renders read in earlier parses, whose results this one reused, count too.
  const env = new Map(recording.read);
  for (const [k, v] of envRead) env.set(k, v);
  parsed.inputs = { key: fingerprintKey(options), log, env, envEnumerated: recording.enumerated(), startedAt };
  return parsed;
}

/**
 * How YAML values with Jinja are rendered: env_var and the command line's vars only, as
 * dbt renders them; a package's property files see that package's vars.
 */
export function yamlRenderHook(
  env: NodeJS.ProcessEnv,
  cliVars: Record<string, unknown>,
  flags: Record<string, unknown>,
  log: (message: string, info: boolean, print?: boolean) => void,
  invocationId: string,
  runStartedAt: Date,
): NonNullable<LoadProjectOptions['render']> {
  const jinja = new Environment({ blockTags: { ...BLOCK_TAGS }, filters: DBT_FILTERS });
  const yamlBase = createBaseContext({ target: {}, env, invocationId, runStartedAt, flags, log });
  const yamlContext = Object.assign(Object.create(yamlBase), {
    var: (name: unknown, dflt?: unknown) => (String(name) in cliVars ? cliVars[String(name)] : dflt ?? null),
  });
  const renderHook: LoadProjectOptions['render'] = async (text, where) => {
    if (where.kind === 'properties' && /\bdoc\s*\(/.test(text)) return text;
    // a test's config value that is one `{{ expression }}` is that expression's value, as dbt
    // renders test configs natively (a boolean stays a boolean); any other text is a text
    const whole = where.kind === 'properties' && where.path && isTestConfigPath(where.path) ? /^\s*\{\{(.*)\}\}\s*$/s.exec(text)?.[1] : undefined;
    let value: unknown;
    const native = whole !== undefined && !whole.includes('}}');
    const t = native
      ? jinja.compile(`{{ __strata_value(${whole}) }}`, where.file, { lineOffset: where.line - 1, columnOffset: where.column - 1, cache: false })
      : jinja.compile(text, where.file, { lineOffset: where.line - 1, columnOffset: where.column - 1 });
    const capture = native ? { __strata_value: (v: unknown) => ((value = v), '') } : {};
    const result = async (out: Promise<string>): Promise<unknown> => (native ? (await out, value) : out);
    if (where.packageName && where.vars) {
      const scope = where.vars;
      const pkg = where.packageName;
      return result(t.render(
        Object.assign(Object.create(yamlBase), {
          ...capture,
          ...(where.target ? { target: where.target } : {}),
          var: (...args: unknown[]) => {
            const a = bindArgs('var', args, ['name', 'default']);
            const v = resolveVar(scope, pkg, String(a.name));
            if (v !== undefined) return v;
            if ('default' in a) return a.default;
            throw new StrataError('var-not-found', `Required var '${String(a.name)}' not found in config`, { hint: `define it under vars: in dbt_project.yml or pass --vars` });
          },
        }),
      ));
    }
    return result(t.render(native ? Object.assign(Object.create(yamlContext), capture) : yamlContext));
  };
  return renderHook;
}

/** What rendering nodes in parse mode needs: the project, its macros and the context services. */
export interface ParseSetup {
  project: Project;
  jinja: Environment;
  registry: MacroRegistry;
  services: ContextServices;
  protoFor(pkg: string): object;
  baseContext: Record<string, unknown>;
  target: Record<string, unknown>;
  adapterType: string;
  adapterPrefixes: string[];
  rootDir: string;
  macroFiles: { pkg: string; file: { path: string; absPath: string; contents: string; hash: string } }[];
  invocationId: string;
  runStartedAt: Date;
  /** The env vars read by the render under way (see {@link renderForParse}). */
  envReads: Map<string, string | null> | null;
}

/**
 * Read the project and compile its macros (with `macrosOnly`, the project's other files
 * are not read: enough to render a node whose file is known, see `patch.ts`).
 */
export async function setupParse(options: ParseOptions, env: NodeJS.ProcessEnv, macrosOnly = false): Promise<ParseSetup> {
  const invocationId = randomUUID();
  const runStartedAt = new Date();
  const log = options.log ?? ((m: string) => process.stdout.write(m + '\n'));
  const flags = options.flags ?? {};
  const jinja = new Environment({ blockTags: { ...BLOCK_TAGS }, filters: DBT_FILTERS });
  const cliVars = options.vars ?? {};
  const renderHook = yamlRenderHook(env, cliVars, flags, log, invocationId, runStartedAt);
  const project = await loadProject({ projectDir: options.projectDir, profilesDir: options.profilesDir, profile: options.profile, target: options.target, targetPath: options.targetPath, vars: cliVars, strataRoot: STRATA_ROOT, render: renderHook, env, macrosOnly });
  const rootDir = project.root.dir;
  const adapterType = project.profile?.type ?? 'duckdb';
  const target = targetContext(project);

  // Macros: Strata's internal `dbt` package, then every package's macro and generic-test files.
  const registry = new MacroRegistry(project.root.name);
  const macroFiles: ParseSetup['macroFiles'] = [];
  const internalDir = join(STRATA_ROOT, 'packages', 'dbt_internal', 'macros');
  const internalTime = folderTime(internalDir);
  const internalNames = readdirSync(internalDir);
  noteFolder(internalDir, internalNames, internalTime);
  for (const name of internalNames.filter((n) => n.endsWith('.sql')).sort()) {
    const absPath = join(internalDir, name);
    const { contents, hash } = readInput(absPath);
    macroFiles.push({ pkg: INTERNAL_PACKAGE, file: { path: `macros/${name}`, absPath, contents, hash } });
  }
  for (const pkg of project.packages) {
    for (const f of pkg.files) if (f.kind === 'macro' || f.kind === 'generic_test') macroFiles.push({ pkg: pkg.name, file: f });
  }
  for (const { pkg, file } of macroFiles) {
    const name = displayPath(rootDir, file.absPath);
    const known = options.knownMacros?.[file.absPath];
    let tpl = known?.[0] === file.hash ? undefined : jinja.compile(file.contents, name);
    const template = (): Template => (tpl ??= jinja.compile(file.contents, name));
    const defs = tpl ? tpl.macros.map((m): [string, number, string[]] => [m.name, m.line, m.params.map((p) => p.name)]) : known![1];
    for (const [macro, line, params] of defs) {
      registry.add({
        uniqueId: `macro.${pkg}.${macro}`,
        name: macro,
        packageName: pkg,
        originalFilePath: file.path,
        absPath: file.absPath,
        displayPath: name,
        line,
        params,
        get template() {
          return template();
        },
        fileContents: file.contents,
      });
    }
  }

  const adapterPrefixes = [adapterType, 'default'];
  const setup: ParseSetup = {
    project,
    jinja,
    registry,
    services: undefined as unknown as ContextServices,
    protoFor: undefined as unknown as ParseSetup['protoFor'],
    baseContext: createBaseContext({ target, env, invocationId, runStartedAt, flags, log, onEnvVar: (n, v) => setup.envReads?.set(n, v ?? null) }),
    target,
    adapterType,
    adapterPrefixes,
    rootDir,
    macroFiles,
    invocationId,
    runStartedAt,
    envReads: null,
  };
  const prototypes = new Map<string, object>();
  setup.protoFor = (pkg: string) => {
    let p = prototypes.get(pkg);
    if (!p) prototypes.set(pkg, (p = macroPrototype(registry, pkg, setup.baseContext)));
    return p;
  };
  setup.services = {
    mode: 'parse',
    registry,
    adapterType,
    dispatchPrefixes: adapterPrefixes,
    dispatchConfig: project.dispatch,
    quote: doubleQuote,
    translateType,
    resolveVar: (pkg, name) => resolveVar(project.vars, pkg, name),
    graph: () => EMPTY_GRAPH,
    flags,
    projectFlags: project.root.config.flags,
  };
  return setup;
}

/** A node as `addNode` takes it: where it comes from and how it is named and configured. */
export interface NodeSpec {
  resourceType: ManifestNode['resource_type'];
  name: string;
  fqn: string[];
  path: string;
  code: string;
  lineOffset: number;
  columnOffset: number;
  cacheId: string;
  configTree: Parameters<typeof configFor>[1];
  props?: NodeProperties;
  /** For a version of a versioned model: its version and the model's latest. */
  version?: string | number;
  latestVersion?: string | number;
}

/**
 * `model` while a node is parsed, as dbt's node is then: its names and paths, the target's
 * database and schema, and empty what the parse fills in later (dependencies, tags, meta, the
 * YAML's description and columns).
 */
function parseTimeModel(setup: ParseSetup, pkg: PackageProject, file: ProjectFile, spec: NodeSpec, uniqueId: string, config: Record<string, unknown>): Record<string, unknown> {
  return {
    unique_id: uniqueId,
    name: spec.name,
    package_name: pkg.name,
    resource_type: spec.resourceType,
    config,
    original_file_path: file.path,
    path: spec.path,
    fqn: spec.fqn,
    database: setup.target.database ?? null,
    schema: setup.target.schema,
    alias: spec.name,
    language: 'sql',
    raw_code: spec.code === file.contents ? pyStrip(spec.code) : spec.code,
    checksum: fileChecksum(file),
    version: spec.version ?? null,
    depends_on: { macros: [], nodes: [] },
    refs: [],
    sources: [],
    tags: [],
    meta: {},
    description: '',
    columns: {},
    unrendered_config: {},
  };
}

/**
 * Render a node's code in parse mode with `config` (its project and YAML config) and
 * return what it asked for: refs, sources, config calls, macros and env vars read.
 */
export async function renderForParse(setup: ParseSetup, pkg: PackageProject, file: ProjectFile, spec: NodeSpec, config: Record<string, unknown>, codeHash: string): Promise<CachedParse> {
  const uniqueId = nodeUniqueId(spec.resourceType, pkg.name, spec.name, spec.version);
  const record: ParseRecord = { refs: [], sources: [], configCalls: [], macrosUsed: new Set() };
  const self = relation({ database: setup.target.database as string | null, schema: String(setup.target.schema), identifier: spec.name }, doubleQuote, setup.adapterType);
  const workingConfig = { ...config };
  const ctx = createNodeContext(setup.services, setup.protoFor(pkg.name), {
    node: { uniqueId, name: spec.name, packageName: pkg.name, resourceType: spec.resourceType, originalFilePath: file.path },
    self,
    config: workingConfig,
    model: parseTimeModel(setup, pkg, file, spec, uniqueId, workingConfig),
    record,
  });
  const envReads = (setup.envReads = new Map<string, string | null>());
  try {
    // Not kept in the engine's cache: a run compiles only the nodes it builds, and ten
    // thousand kept templates cost more in garbage collection than compiling again.
    const tpl = setup.jinja.compile(spec.code, displayPath(setup.rootDir, file.absPath), { lineOffset: spec.lineOffset, columnOffset: spec.columnOffset, cache: false });
    // as dbt parses: an undefined value's attributes, items and calls are undefined, not errors
    await withChainableUndefined(async () => tpl.render(ctx));
  } finally {
    setup.envReads = null;
  }
  return { hash: codeHash, env: Object.fromEntries([...envReads].map(([k, v]) => [k, envDigest(v)])), refs: record.refs, sources: record.sources, configCalls: record.configCalls, macros: [...record.macrosUsed] };
}

/**
 * What a node's render asked for, plus the refs and sources of its pre- and post-hooks: as dbt
 * does, hooks that name them are rendered while parsing, so what they read is built first; and
 * the macros every templated hook calls directly, which dbt adds to `depends_on.macros`. A
 * node's hooks are not cached with its render (they may come from YAML or the project file).
 */
async function withHookRequests(setup: ParseSetup, pkg: PackageProject, file: ProjectFile, spec: NodeSpec, config: Record<string, unknown>, rec: CachedParse): Promise<CachedParse> {
  const hooks = [...((config.pre_hook as unknown[] | undefined) ?? []), ...((config.post_hook as unknown[] | undefined) ?? [])]
    .map((h) => (typeof h === 'string' ? h : String((h as { sql?: unknown } | null)?.sql ?? '')))
    .filter((sql) => sql.includes('{{') || sql.includes('{%'));
  if (hooks.length === 0) return rec;
  const out: CachedParse = { ...rec, refs: [...rec.refs], sources: [...rec.sources], macros: [...rec.macros] };
  for (const code of hooks) {
    const requests = /\b(ref|source)\s*\(/.test(code);
    let r: CachedParse;
    try {
      r = await renderForParse(setup, pkg, file, { ...spec, code, lineOffset: 0, columnOffset: 0 }, config, '');
    } catch (e) {
      // a hook that names no relation is rendered only for the macros it calls (as dbt's
      // depends_on.macros lists a hook's too); its errors are for the run to report
      if (requests) throw e;
      continue;
    }
    out.refs.push(...r.refs);
    out.sources.push(...r.sources);
    for (const m of r.macros) if (!out.macros.includes(m)) out.macros.push(m);
  }
  return out;
}

/**
 * dbt renders each generic test while parsing (all but its own not_null and unique), so that a
 * `config()` in the test's definition, or in a macro it calls, configures the test. Strata's
 * built-in test macros call no config(): the tests rendered are those whose macro a package or
 * the project defines. A test that cannot be rendered here keeps its config, and reports its
 * error when it runs.
 */
async function configureTestsFromMacros(setup: ParseSetup, manifest: Manifest): Promise<void> {
  for (const node of Object.values(manifest.nodes)) {
    const meta = node.test_metadata;
    if (!meta) continue;
    const macro = `test_${meta.name}`;
    const def = meta.namespace ? setup.registry.get(meta.namespace, macro) : setup.registry.resolve(node.package_name, macro);
    // as dbt: a test depends on its test macro and, for all but not_null and unique (which dbt
    // does not render while parsing), on get_where_subquery, which its `model` argument calls
    const used = node.depends_on.macros;
    if (def && !used.includes(def.uniqueId)) used.push(def.uniqueId);
    const where = meta.name === 'not_null' || meta.name === 'unique' ? undefined : setup.registry.resolve(node.package_name, 'get_where_subquery');
    if (where && !used.includes(where.uniqueId)) used.push(where.uniqueId);
    if (!def || def.packageName === INTERNAL_PACKAGE) continue;
    const record: ParseRecord = { refs: [], sources: [], configCalls: [], macrosUsed: new Set() };
    const config = { ...node.config };
    const model = { unique_id: node.unique_id, name: node.name, package_name: node.package_name, resource_type: 'test', config, original_file_path: node.original_file_path, fqn: node.fqn };
    const kwargs: Record<string, unknown> = {};
    let captured: unknown;
    const ctx = createNodeContext(setup.services, setup.protoFor(node.package_name), {
      node: { uniqueId: node.unique_id, name: node.name, packageName: node.package_name, resourceType: 'test', originalFilePath: node.original_file_path },
      self: relation({ database: setup.target.database as string | null, schema: String(setup.target.schema), identifier: node.name }, doubleQuote, setup.adapterType),
      config,
      model,
      record,
      extra: { _dbt_generic_test_kwargs: kwargs, __strata_capture: (v: unknown) => ((captured = v), '') },
    });
    try {
      // the arguments as the test will get them: `{{ … }}` and ref()/source() rendered
      for (const [k, v] of Object.entries(meta.kwargs)) {
        const expr = testArgumentExpression(v);
        if (expr === undefined) kwargs[k] = v;
        else {
          await withChainableUndefined(async () => setup.jinja.compile(`{{ __strata_capture(${expr}) }}`, node.original_file_path, { cache: false }).render(ctx));
          kwargs[k] = captured;
        }
      }
      await withChainableUndefined(async () => setup.jinja.compile(node.raw_code, node.original_file_path, { cache: false }).render(ctx));
    } catch {
      continue;
    }
    for (const m of record.macrosUsed) if (!used.includes(m)) used.push(m);
    applyTestConfigCalls(node, record.configCalls);
  }
}

/** The config a node has before its code runs: the project's config tree, then its YAML. */
export function configBeforeRender(project: Project, spec: Pick<NodeSpec, 'configTree' | 'fqn' | 'props'>): Record<string, unknown> {
  return mergeConfig(configFor(project, spec.configTree, spec.fqn), spec.props?.config ?? {});
}

/** The node of a model, analysis or singular test file (one per file). */
export function sqlFileSpec(pkg: PackageProject, file: ProjectFile, yamlProps: Map<string, NodeProperties>): NodeSpec {
  const base = file.kind === 'model' ? pkg.config['model-paths'] : file.kind === 'analysis' ? pkg.config['analysis-paths'] : pkg.config['test-paths'];
  const rel = stripRoot(file.path, base);
  const name = basename(rel).replace(/\.sql$/, '');
  const dirs = rel.split('/').slice(0, -1);
  const resourceType = file.kind === 'model' ? 'model' : file.kind === 'analysis' ? 'analysis' : 'test';
  const version = file.kind === 'model' ? packageVersions(pkg).byStem.get(name) : undefined;
  if (version) {
    return {
      resourceType,
      name: version.model,
      fqn: [pkg.name, ...dirs, version.model, `v${String(version.v)}`],
      path: rel,
      code: file.contents,
      lineOffset: 0,
      columnOffset: 0,
      cacheId: file.absPath,
      configTree: 'models',
      props: version.props,
      version: version.v,
      latestVersion: version.latest,
    };
  }
  return {
    resourceType,
    name,
    fqn: [pkg.name, ...dirs, name],
    path: rel,
    code: file.contents,
    lineOffset: 0,
    columnOffset: 0,
    cacheId: file.absPath,
    configTree: file.kind === 'model' ? 'models' : file.kind === 'analysis' ? 'analyses' : 'tests',
    props: yamlProps.get(`${pkg.name}:${file.kind === 'model' ? 'models' : 'analyses'}:${name}`),
  };
}

async function parseWith(options: ParseOptions, env: NodeJS.ProcessEnv): Promise<{ parsed: ParsedProject; envRead: Map<string, string | null> }> {
  const warnings: ParseWarning[] = [];
  const cliVars = options.vars ?? {};
  const setup = await setupParse(options, env);
  const { project, jinja, registry, services, protoFor, baseContext, target, adapterType, adapterPrefixes, rootDir, macroFiles, invocationId, runStartedAt } = setup;
  const rootName = project.root.name;
  let manifest = emptyManifest(rootName, adapterType, invocationId, sha256(rootName).slice(0, 32));

  // The cache key: everything that can change every render.
  const cacheKey = sha256(
    JSON.stringify([
      STRATA_VERSION,
      BUILD_STAMP,
      rootDir, // a copied or moved project must not trust a cache that names other paths
      adapterType,
      target.name,
      target.schema,
      target.database,
      cliVars,
      project.packages.map((p) => [p.name, p.config.raw]),
      macroFiles.map((m) => m.file.hash),
    ]),
  );
  const cache = ParseCache.load(project.targetPath, cacheKey, options.cache !== false);
  let sources = new Map<string, NodeSource>();
  const yamlProps = indexProperties(project);

  // Can the last parse be reused? Everything but the SQL of models, analyses and singular
  // tests must be as it was; those SQL files may have changed one by one.
  const sqlKinds = new Set<ProjectFile['kind']>(['model', 'analysis', 'singular_test']);
  const sqlFiles: Record<string, string> = {};
  const structureParts: string[] = [cacheKey];
  for (const pkg of project.packages) {
    for (const f of pkg.files) {
      if (f.kind === 'macro' || f.kind === 'generic_test') continue;
      if (sqlKinds.has(f.kind)) {
        sqlFiles[f.absPath] = f.hash;
        structureParts.push(`${pkg.name}:${f.kind}:${f.path}`);
      } else structureParts.push(`${pkg.name}:${f.kind}:${f.path}:${f.hash}`);
    }
  }
  const structure = sha256(structureParts.join('\n'));
  const saved = cache.state as ParseState<Manifest, NodeSource> | undefined;
  const reusable = saved !== undefined && saved.structure === structure && cache.envUnchanged(env);
  const changedSql = reusable ? Object.keys(sqlFiles).filter((f) => saved.sqlFiles[f] !== sqlFiles[f]) : [];
  const mode: 'full' | 'partial' | 'reuse' = !reusable ? 'full' : changedSql.length === 0 ? 'reuse' : 'partial';

  /** The spec and config before rendering of each whole-file node added in this parse (for `patchEntries`). */
  const prepared = new Map<string, { spec: NodeSpec; config: Record<string, unknown> }>();
  const addNode = async (pkg: PackageProject, file: ProjectFile, spec: NodeSpec) => {
    const uniqueId = nodeUniqueId(spec.resourceType, pkg.name, spec.name, spec.version);
    const templateName = displayPath(rootDir, file.absPath);
    let config = configBeforeRender(project, spec);
    if (spec.cacheId === file.absPath) prepared.set(file.absPath, { spec, config });
    const codeHash = spec.code === file.contents ? file.hash : sha256(spec.code);
    let rec = cache.get(spec.cacheId, codeHash, env);
    if (!rec) {
      rec = await renderForParse(setup, pkg, file, spec, config, codeHash);
      if (rec.configCalls.every(isJsonSafe)) cache.set(spec.cacheId, rec);
    }
    for (const c of rec.configCalls) config = mergeConfig(config, c);
    sources.set(uniqueId, { absPath: file.absPath, templateName, code: spec.code, lineOffset: spec.lineOffset, columnOffset: spec.columnOffset });
    const node = makeNode(uniqueId, pkg, file, spec, config, await withHookRequests(setup, pkg, file, spec, config, rec), fileChecksum(file));
    if (config.enabled === false) {
      (manifest.disabled[uniqueId] ??= []).push(node);
      return;
    }
    const prior = manifest.nodes[uniqueId];
    if (prior) {
      throw new StrataError('duplicate-node', `two ${spec.resourceType}s are named '${spec.name}' in package '${pkg.name}'`, {
        position: { file: templateName, line: spec.lineOffset + 1 },
        hint: `the other one is ${prior.original_file_path}; rename one of them or give it an alias`,
      });
    }
    manifest.nodes[uniqueId] = node;
  };

  /**
   * Snapshots defined in YAML (dbt 1.9's form): an entry of `snapshots:` with a `relation`
   * (`ref('…')` or `source('…', '…')`) snapshots that relation with the entry's config.
   */
  async function addYamlSnapshots(pkg: PackageProject): Promise<void> {
    for (const pf of pkg.properties) {
      for (const snap of pf.snapshots) {
        const rel = snap.raw.relation;
        if (rel === undefined) continue;
        if (typeof rel !== 'string' || !/^\s*(ref|source)\s*\(.*\)\s*$/s.test(rel)) {
          throw new StrataError('snapshot-config', `snapshot '${snap.name}': relation must be ref('…') or source('…', '…')`, { position: snap.position, source: pf.contents });
        }
        const dirs = pf.path.split('/').slice(1, -1);
        const file: ProjectFile = { kind: 'properties', path: pf.path, absPath: pf.absPath, contents: pf.contents, hash: pf.hash };
        await addNode(pkg, file, {
          resourceType: 'snapshot',
          name: snap.name,
          fqn: [pkg.name, ...dirs, snap.name],
          path: pf.path,
          code: `select * from {{ ${rel.trim()} }}`,
          lineOffset: snap.position.line - 1,
          columnOffset: 0,
          cacheId: `${pf.absPath}#snapshot:${snap.name}`,
          configTree: 'snapshots',
          props: snap,
        });
      }
    }
  }

  /** Add the node(s) a file defines. */
  async function addFile(pkg: PackageProject, file: ProjectFile): Promise<void> {
    if (file.kind === 'model' || file.kind === 'analysis' || file.kind === 'singular_test') {
      await addNode(pkg, file, sqlFileSpec(pkg, file, yamlProps));
    } else if (file.kind === 'snapshot') {
      const tpl = jinja.compile(file.contents, displayPath(rootDir, file.absPath));
      const rel = stripRoot(file.path, pkg.config['snapshot-paths']);
      const dirs = rel.split('/').slice(0, -1);
      const stem = basename(rel).replace(/\.sql$/, '');
      for (const [i, cap] of tpl.captures.entries()) {
        if (cap.tag !== 'snapshot') continue;
        await addNode(pkg, file, {
          resourceType: 'snapshot',
          name: cap.name,
          fqn: [pkg.name, ...dirs, stem, cap.name],
          path: rel,
          code: cap.source,
          lineOffset: cap.line - 1,
          columnOffset: cap.column - 1,
          cacheId: `${file.absPath}#${i}`,
          configTree: 'snapshots',
          props: yamlProps.get(`${pkg.name}:snapshots:${cap.name}`),
        });
      }
    } else if (file.kind === 'seed') {
      const rel = stripRoot(file.path, pkg.config['seed-paths']);
      const name = basename(rel).replace(/\.csv$/i, '');
      const fqn = [pkg.name, ...rel.split('/').slice(0, -1), name];
      const props = yamlProps.get(`${pkg.name}:seeds:${name}`);
      const config = mergeConfig(configFor(project, 'seeds', fqn), props?.config ?? {});
      const uniqueId = `seed.${pkg.name}.${name}`;
      const node = makeNode(uniqueId, pkg, file, { resourceType: 'seed', name, fqn, path: rel, code: '', props }, config, { refs: [], sources: [], macros: [] }, fileChecksum(file));
      node.root_path = pkg.dir;
      sources.set(uniqueId, { absPath: file.absPath, templateName: displayPath(rootDir, file.absPath), code: '', lineOffset: 0, columnOffset: 0 });
      if (config.enabled === false) (manifest.disabled[uniqueId] ??= []).push(node);
      else manifest.nodes[uniqueId] = node;
    }
  }

  if (mode === 'full') {
    for (const pkg of project.packages) for (const file of pkg.files) await addFile(pkg, file);
    for (const pkg of project.packages) await addYamlSnapshots(pkg);
    addManifestEntries();
  } else {
    // Reuse the last parse; re-parse only the SQL files that changed.
    manifest = saved!.manifest;
    manifest.metadata = { ...manifest.metadata, invocation_id: invocationId, generated_at: new Date().toISOString() };
    // The saved sources leave out the code the manifest already holds (raw_code, and the
    // whitespace a whole file has around it).
    sources = new Map(
      saved!.sources.map(([id, src]) => {
        const { around, ...rest } = src as NodeSource & { around?: [string, string] };
        const raw = manifest.nodes[id]?.raw_code ?? manifest.disabled[id]?.[0]?.raw_code ?? '';
        return [id, { ...rest, code: src.code ?? (around ? around[0] + raw + around[1] : raw) }];
      }),
    );
    cache.keepAll();
    for (const abs of changedSql) {
      for (const [id, src] of [...sources]) {
        if (src.absPath !== abs) continue;
        delete manifest.nodes[id];
        delete manifest.disabled[id];
        sources.delete(id);
      }
      const pkg = project.packages.find((p) => p.files.some((f) => f.absPath === abs))!;
      await addFile(pkg, pkg.files.find((f) => f.absPath === abs)!);
    }
  }

  /** Sources, exposures, groups, docs and macros of the manifest. */
  function addManifestEntries(): void {
    manifest.groups = groupEntries(project);
    for (const pkg of project.packages) {
      for (const pf of pkg.properties) {
        for (const src of pf.sources) {
          for (const t of src.tables) {
            const uniqueId = `source.${pkg.name}.${src.name}.${t.name}`;
            const config = mergeConfig(mergeConfig(configFor(project, 'sources', [pkg.name, src.name, t.name]), src.config), t.config);
            if (config.enabled === false) continue;
            const database = (src.database ?? target.database ?? null) as string | null;
            const schema = src.schema ?? src.name;
            const identifier = t.identifier ?? t.name;
            const freshness = sourceFreshness(config.freshness, src.freshness, t.freshness);
            const loadedAtField = t.loaded_at_field ?? src.loaded_at_field ?? (typeof config.loaded_at_field === 'string' ? config.loaded_at_field : null);
            const meta = { ...src.meta, ...metaOf(src.config), ...t.meta, ...metaOf(t.config) };
            const tags = [...new Set([...src.tags, ...t.tags])];
            const entry: SourceEntry = {
              unique_id: uniqueId,
              name: t.name,
              source_name: src.name,
              resource_type: 'source',
              package_name: pkg.name,
              path: pf.path,
              original_file_path: pf.path,
              fqn: [pkg.name, ...dirname(pf.path).split('/').slice(1).filter(Boolean), src.name, t.name],
              database,
              schema,
              identifier,
              loader: src.loader ?? '',
              loaded_at_field: loadedAtField,
              freshness,
              description: t.description ?? '',
              source_description: src.description ?? '',
              columns: columnsOf(t.columns),
              // as dbt: the source's meta (and its config's), then the table's, the later winning
              meta,
              source_meta: { ...src.meta, ...metaOf(src.config) },
              tags,
              // as dbt: a source's config always holds these keys, with the resolved values
              config: { enabled: true, event_time: null, loaded_at_query: null, ...config, freshness, loaded_at_field: loadedAtField, meta, tags },
              relation_name: relation({ database, schema, identifier }, doubleQuote).render(),
              quoting: { ...src.quoting, ...t.quoting },
              external: t.external ?? null,
              patch_path: null,
              unrendered_config: {},
              created_at: Date.now() / 1000,
            };
            if (manifest.sources[uniqueId]) {
              throw new StrataError('duplicate-source', `source table '${src.name}.${t.name}' is defined twice`, { position: t.position });
            }
            manifest.sources[uniqueId] = entry;
          }
        }
        for (const e of pf.exposures) {
          const entry = exposureEntry(project, pkg, pf, e);
          if (!entry) continue;
          if (manifest.exposures[entry.unique_id]) throw new StrataError('duplicate-exposure', `exposure '${e.name}' is defined twice in package '${pkg.name}'`, { position: e.position, source: pf.contents });
          manifest.exposures[entry.unique_id] = entry;
          sources.set(entry.unique_id, { absPath: pf.absPath, templateName: displayPath(rootDir, pf.absPath), code: '', lineOffset: e.position.line - 1, columnOffset: 0 });
        }
      }
      for (const d of pkg.docs) {
        manifest.docs[`doc.${pkg.name}.${d.name}`] = { unique_id: `doc.${pkg.name}.${d.name}`, name: d.name, resource_type: 'doc', package_name: pkg.name, path: d.path, original_file_path: d.path, block_contents: d.contents };
      }
    }
    for (const m of registry.all()) manifest.macros[m.uniqueId] = macroEntry(m);
  }

  // Names: schema, alias and database through the generate_* macros; refs and sources resolved.
  // dbt's default naming, computed directly unless a project or package overrides a generate_* macro.
  const overridden = (macro: string) =>
    project.packages.some((p) => registry.get(p.name, macro) || adapterPrefixes.some((pre) => registry.get(p.name, `${pre}__${macro}`)));
  const customNaming = { schema: overridden('generate_schema_name'), alias: overridden('generate_alias_name'), database: overridden('generate_database_name') };
  if (mode === 'full') for (const node of Object.values(manifest.nodes)) await nameNode(node);
  else for (const abs of changedSql) for (const [id, src] of sources) if (src.absPath === abs && manifest.nodes[id]) await nameNode(manifest.nodes[id]!);
  async function nameNode(node: ManifestNode): Promise<void> {
    await nameNodeBy(node);
    // Legacy snapshot configs name the schema and database exactly.
    if (node.resource_type === 'snapshot' && (node.config.target_schema || node.config.target_database)) {
      if (node.config.target_schema) node.schema = String(node.config.target_schema);
      if (node.config.target_database) node.database = String(node.config.target_database);
      node.relation_name = relation({ database: node.database, schema: node.schema, identifier: node.alias }).render();
    }
  }
  async function nameNodeBy(node: ManifestNode): Promise<void> {
    if (!customNaming.schema && !customNaming.alias && !customNaming.database) {
      const custom = node.config.schema;
      node.schema = custom == null || custom === '' ? String(target.schema) : `${String(target.schema)}_${String(custom).trim()}`;
      node.alias = node.config.alias ? String(node.config.alias).trim() : node.version != null ? `${node.name}_v${String(node.version).replace(/\./g, '_')}` : node.name;
      node.database = node.config.database ? String(node.config.database) : ((target.database as string | null) ?? null);
      if (node.resource_type !== 'test' && node.resource_type !== 'analysis' && node.config.materialized !== 'ephemeral') {
        node.relation_name = relation({ database: node.database, schema: node.schema, identifier: node.alias }).render();
      }
      return;
    }
    const ctx = createNodeContext({ ...services }, protoFor(node.package_name), {
      node: { uniqueId: node.unique_id, name: node.name, packageName: node.package_name, resourceType: node.resource_type, originalFilePath: node.original_file_path },
      self: relation({ database: target.database as string | null, schema: String(target.schema), identifier: node.name }, doubleQuote, adapterType),
      config: node.config,
      model: node as unknown as Record<string, unknown>,
    });
    const call = async (macro: string, arg: unknown) => {
      const def = registry.resolve(node.package_name, macro);
      if (!def) return undefined;
      const m = def.template.macro(macro, ctx);
      return String(await m.call([arg ?? null, node])).trim();
    };
    node.schema = (await call('generate_schema_name', node.config.schema)) ?? String(target.schema);
    node.alias = (await call('generate_alias_name', node.config.alias)) ?? node.name;
    const db = await call('generate_database_name', node.config.database);
    node.database = db === undefined || db === '' || db === 'None' ? (target.database as string | null) : db;
    if (node.resource_type !== 'test' && node.resource_type !== 'analysis' && node.config.materialized !== 'ephemeral') {
      node.relation_name = relation({ database: node.database, schema: node.schema, identifier: node.alias }).render();
    }
  }

  if (mode === 'full') {
    addGenericTests(project, manifest, sources, (abs) => displayPath(rootDir, abs));
    await configureTestsFromMacros(setup, manifest);
    for (const node of Object.values(manifest.nodes)) if (node.resource_type === 'test' && node.schema === '') await nameNode(node);
  }
  if (mode !== 'reuse') {
    const resolved = resolveDependencies(project, manifest, sources);
    attachTests(manifest);
    inheritTestGroups(manifest);
    const origins = { project, sources, propsOf: (n: ManifestNode) => propertiesOf(n, yamlProps, project) };
    checkGroupsAndAccess(manifest, origins);
    checkRefAccess(resolved, origins);
    manifest.group_map = groupMap(manifest);
  }
  applyProperties(manifest, yamlProps, warnings);
  warnings.push(...deprecationWarnings(Object.values(manifest.nodes)));
  for (const pkg of project.packages) {
    warnings.push(...ignoredVersionAccess(pkg));
    for (const { model, version, file } of packageVersions(pkg).missing) {
      warnings.push({ event: 'ParseWarning', message: `${version.position.file}:${version.position.line}: version ${String(version.v)} of model '${model.name}' has no file ${file}` });
    }
  }
  if (mode === 'full') addUnitTests(project, manifest);
  const graphNodes: GraphNode[] = [
    ...Object.values(manifest.nodes).map(toGraphNode),
    ...Object.values(manifest.sources).map((s) => ({
      uniqueId: s.unique_id,
      name: s.name,
      resourceType: 'source',
      packageName: s.package_name,
      fqn: s.fqn,
      originalFilePath: s.original_file_path,
      path: s.path,
      tags: s.tags,
      config: s.config,
      dependsOn: [],
      checksum: '',
      sourceName: s.source_name,
    })),
    ...Object.values(manifest.exposures).map((e) => ({
      uniqueId: e.unique_id,
      name: e.name,
      resourceType: 'exposure',
      packageName: e.package_name,
      fqn: e.fqn,
      originalFilePath: e.original_file_path,
      path: e.path,
      tags: e.tags,
      config: e.config,
      dependsOn: e.depends_on.nodes,
      checksum: '',
    })),
    ...Object.values(manifest.unit_tests).map((u) => ({
      uniqueId: u.unique_id,
      name: u.name,
      resourceType: 'unit_test',
      packageName: u.package_name,
      fqn: u.fqn,
      originalFilePath: u.original_file_path,
      path: u.path,
      tags: (u.config.tags as string[] | undefined) ?? [],
      config: u.config,
      dependsOn: u.depends_on.nodes,
      checksum: u.checksum.checksum,
      attachedNode: u.depends_on.nodes[0],
    })),
  ];
  validateNodes(manifest, registry, sources);
  let graph: Graph;
  try {
    graph = buildGraph(graphNodes);
  } catch (e) {
    throw placeCycle(e, manifest, sources);
  }
  let serialized: SerializedManifest | undefined;
  let cacheSaved = Promise.resolve();
  if (mode !== 'reuse') {
    manifest.parent_map = {};
    manifest.child_map = {};
    for (const id of [...Object.keys(manifest.nodes), ...Object.keys(manifest.sources), ...Object.keys(manifest.exposures)]) {
      manifest.parent_map[id] = [...(graph.parents.get(id) ?? [])].sort();
      manifest.child_map[id] = [...(graph.children.get(id) ?? [])].sort();
    }
    const slim = [...sources].map(([id, src]): [string, NodeSource] => {
      const raw = manifest.nodes[id]?.raw_code ?? manifest.disabled[id]?.[0]?.raw_code;
      if (raw === src.code) return [id, { ...src, code: undefined } as unknown as NodeSource];
      // a whole file's raw_code is its text stripped: only the whitespace around it is kept
      const at = raw === undefined || raw === '' ? -1 : src.code.indexOf(raw);
      if (at >= 0 && pyStrip(src.code) === raw) return [id, { ...src, code: undefined, around: [src.code.slice(0, at), src.code.slice(at + raw!.length)] } as unknown as NodeSource];
      return [id, src];
    });
    cache.setState({ structure, sqlFiles, manifest, sources: slim });
    const out = serializeManifest(manifest);
    cacheSaved = cache.save(project.targetPath, out.bytes);
    if (options.keepManifest) serialized = out;
  }
  for (const w of project.warnings) {
    warnings.push({ event: w.code === 'property-unknown-node' ? 'NoNodeForYamlKey' : 'ParseWarning', message: w.position ? `${w.position.file}:${w.position.line}: ${w.message}` : w.message });
  }

  const parsed: ParsedProject = {
    project,
    manifest,
    graph,
    env: jinja,
    registry,
    sources,
    adapterType,
    target,
    invocationId,
    runStartedAt,
    prototypes: new Map([...project.packages.map((p) => [p.name, protoFor(p.name)] as const), [INTERNAL_PACKAGE, protoFor(INTERNAL_PACKAGE)]]),
    baseContext,
    cacheStats: { hits: cache.hits, misses: cache.misses, mode },
    cacheSaved,
    warnings,
    takeManifest() {
      const out = serialized;
      serialized = undefined;
      return out;
    },
    patchEntries() {
      const out: PatchEntry[] = [];
      if (options.cache === false) return out;
      for (const pkg of project.packages) {
        for (const file of pkg.files) {
          if (file.kind !== 'model' && file.kind !== 'analysis' && file.kind !== 'singular_test') continue;
          const known = prepared.get(file.absPath);
          const spec = known?.spec ?? sqlFileSpec(pkg, file, yamlProps);
          const id = nodeUniqueId(spec.resourceType, pkg.name, spec.name, spec.version);
          const node = manifest.nodes[id];
          const rec = cache.entry(spec.cacheId);
          if (!node || node.original_file_path !== file.path || node.package_name !== pkg.name || !rec || rec.hash !== file.hash) continue;
          const cfg = known?.config ?? configBeforeRender(project, spec);
          if (!isJsonSafe(cfg)) continue;
          out.push({ f: file.absPath, id, pkg: pkg.name, kind: file.kind, path: file.path, spec: { resourceType: spec.resourceType, name: spec.name, fqn: spec.fqn, path: spec.path, configTree: spec.configTree, version: spec.version, latestVersion: spec.latestVersion }, cfg, rec });
        }
      }
      return out;
    },
    macroIndex() {
      const out: MacroIndex = {};
      for (const { file } of macroFiles) out[file.absPath] = [file.hash, []];
      for (const m of registry.all()) out[m.absPath]?.[1].push([m.name, m.line, m.params]);
      return out;
    },
    template(uniqueId: string) {
      const s = sources.get(uniqueId);
      if (!s) throw new StrataError('unknown-node', `no code for ${uniqueId}`);
      return jinja.compile(s.code, s.templateName, { lineOffset: s.lineOffset, columnOffset: s.columnOffset });
    },
  };
  if (!options.saveInBackground) await cacheSaved;
  return { parsed, envRead: cache.envRead() };
}

/** Checks that need the whole manifest: generic tests name a known test macro, snapshots have a strategy. */
function validateNodes(manifest: Manifest, registry: MacroRegistry, sources: Map<string, NodeSource>): void {
  for (const node of Object.values(manifest.nodes)) {
    const src = sources.get(node.unique_id);
    const at = src ? { file: src.templateName, line: src.lineOffset + 1 } : undefined;
    if (node.resource_type === 'test' && node.test_metadata) {
      const { name, namespace } = node.test_metadata;
      const macro = `test_${name}`;
      const found = namespace ? registry.get(namespace, macro) : registry.resolve(node.package_name, macro);
      // As in dbt, a package's generic test is called with its package name.
      const elsewhere = !found && !namespace ? registry.all().find((m) => m.name === macro) : undefined;
      if (!found) {
        const known = registry.all().filter((m) => m.name.startsWith('test_')).map((m) => m.name.slice(5));
        const guess = suggest(name, known);
        throw new StrataError('test-not-found', `generic test '${namespace ? namespace + '.' : ''}${name}' is not defined`, {
          position: at,
          source: src ? readFileSync(src.absPath, 'utf8') : undefined,
          hint: elsewhere
            ? `it is defined in package '${elsewhere.packageName}': write ${elsewhere.packageName}.${name}`
            : guess
              ? `did you mean '${guess}'?`
              : 'define it with {% test ' + name + '(model, column_name) %} in your macros or tests/generic folder',
        });
      }
    }
    if (node.resource_type === 'snapshot') {
      const c = node.config;
      const problem =
        c.strategy !== 'timestamp' && c.strategy !== 'check'
          ? `needs config strategy='timestamp' or strategy='check'${c.strategy ? ` (got '${String(c.strategy)}')` : ''}`
          : !c.unique_key
            ? 'needs config unique_key'
            : c.strategy === 'timestamp' && !c.updated_at
              ? "with strategy='timestamp' needs config updated_at"
              : c.strategy === 'check' && !c.check_cols
                ? "with strategy='check' needs config check_cols (a list of columns, or 'all')"
                : undefined;
      if (problem) throw new StrataError('snapshot-config', `snapshot '${node.name}' ${problem}`, { position: at, source: src ? readFileSync(src.absPath, 'utf8') : undefined, hint: "for example {{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}" });
    }
  }
}

/** Unit tests of the property files, each pointing at its model. */
function addUnitTests(project: Project, manifest: Manifest): void {
  const modelsByName = new Map<string, ManifestNode[]>();
  for (const n of Object.values(manifest.nodes)) if (n.resource_type === 'model') modelsByName.set(n.name, [...(modelsByName.get(n.name) ?? []), n]);
  for (const pkg of project.packages) {
    for (const pf of pkg.properties) {
      for (const ut of pf.unit_tests) {
        const [modelName, modelVersion] = ut.model.trim().split(/\s+/) as [string, string | undefined];
        const named = modelsByName.get(modelName) ?? [];
        const model = named.find((n) => n.package_name === pkg.name && refFindsVersion(n, modelVersion)) ?? named.find((n) => refFindsVersion(n, modelVersion));
        if (!model) {
          const guess = suggest(ut.model, [...modelsByName.keys()]);
          throw new StrataError('unit-test-invalid', `unit test '${ut.name}' tests model '${ut.model}', which does not exist`, {
            position: ut.position,
            source: pf.contents,
            hint: guess ? `did you mean '${guess}'?` : undefined,
          });
        }
        const dirs = dirname(pf.path).split('/').slice(1).filter(Boolean);
        const config = { enabled: true, tags: [], meta: {}, ...ut.config };
        if (config.enabled === false) continue;
        for (const [id, tested] of unitTestTargets(ut, model, modelVersion, named.filter((n) => n.package_name === model.package_name), pf.contents)) {
          manifest.unit_tests[id] = {
            unique_id: id,
            name: ut.name,
            resource_type: 'unit_test',
            package_name: pkg.name,
            path: pf.path,
            original_file_path: pf.path,
            fqn: [pkg.name, ...dirs, model.name, ut.name],
            model: tested.name,
            ...(tested.version != null ? { version: tested.version } : {}),
            given: ut.given as UnitTestEntry['given'],
            expect: (ut.expect ?? {}) as UnitTestEntry['expect'],
            overrides: (ut.overrides ?? null) as UnitTestEntry['overrides'],
            description: ut.description ?? '',
            config,
            depends_on: { macros: [], nodes: [tested.unique_id] },
            checksum: { name: 'sha256', checksum: sha256(JSON.stringify(ut.raw)) },
            created_at: Date.now() / 1000,
            line: ut.position.line,
          };
        }
      }
    }
  }
}

/**
 * The nodes a unit test tests, by the unit test's id: the model, or each version of a
 * versioned model (those its `versions: {include | exclude}` keep), as `<test>_v<version>`.
 */
function unitTestTargets(ut: UnitTestProperties, model: ManifestNode, pinned: string | undefined, sameName: ManifestNode[], contents: string): [string, ManifestNode][] {
  const base = `unit_test.${model.package_name}.${model.name}.${ut.name}`;
  const versions = ut.raw.versions as { include?: unknown; exclude?: unknown } | undefined;
  const listed = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const include = listed(versions?.include);
  const exclude = listed(versions?.exclude);
  if (model.version == null) {
    if (include || exclude) throw new StrataError('unit-test-invalid', `unit test '${ut.name}' lists versions, but model '${model.name}' has none`, { position: ut.position, source: contents });
    return [[base, model]];
  }
  if (include && exclude) throw new StrataError('unit-test-invalid', `unit test '${ut.name}' can either include or exclude versions, not both`, { position: ut.position, source: contents });
  const tested = sameName.filter((n) => n.version != null && (pinned !== undefined ? n === model : include ? include.includes(String(n.version)) : !exclude?.includes(String(n.version))));
  if (!tested.length) throw new StrataError('unit-test-invalid', `unit test '${ut.name}' names a version of '${model.name}' that does not exist`, { position: ut.position, source: contents });
  return tested.map((n) => [`${base}_v${String(n.version)}`, n]);
}

/** Give a dependency-cycle error the position of the first ref() that closes the loop. */
function placeCycle(e: unknown, manifest: Manifest, sources: Map<string, NodeSource>): unknown {
  if (!(e instanceof StrataError) || e.code !== 'dependency-cycle') return e;
  const ids = /:\s*(.*)$/.exec(e.message)?.[1]?.split(' -> ') ?? [];
  const [from, to] = [manifest.nodes[ids[0] ?? ''], manifest.nodes[ids[1] ?? '']];
  if (!from || !to) return e;
  const src = sources.get(from.unique_id);
  return new StrataError('dependency-cycle', e.message, { position: locateCall(src, refCallPattern(to.name)), source: src ? nodeText(src) : undefined, hint: e.hint });
}

/** dbt's `api.Column.translate_type`: the label `string` is `TEXT`; any other type is itself. */
export function translateType(t: string): string {
  return t.toUpperCase() === 'STRING' ? 'TEXT' : t;
}

function stripRoot(path: string, roots: string[]): string {
  for (const r of roots) {
    const prefix = r.replace(/\/+$/, '') + '/';
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}

/**
 * A source table's freshness as dbt resolves it: the table's keys over the source's over the
 * project's `+freshness`; `freshness: null` on the table (or on the source, the table saying
 * nothing) turns it off. Otherwise it always has `warn_after`, `error_after` and `filter`, with
 * null thresholds when none is set anywhere (such a source has no freshness to check).
 */
function sourceFreshness(fromConfig: unknown, fromSource: Record<string, unknown> | null | undefined, fromTable: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (fromTable === null || (fromTable === undefined && fromSource === null)) return null;
  const parts = [fromConfig, fromSource, fromTable].filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
  const merged: Record<string, unknown> = Object.assign({}, ...parts);
  const noThreshold = () => ({ count: null, period: null });
  return { ...merged, warn_after: merged.warn_after ?? noThreshold(), error_after: merged.error_after ?? noThreshold(), filter: merged.filter ?? null };
}

/** The `meta` of a config, when it is a mapping. */
function metaOf(config: Record<string, unknown> | undefined): Record<string, unknown> {
  const m = config?.meta;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
}

function columnsOf(cols: ColumnProperties[] | undefined): Record<string, ColumnEntry> {
  const out: Record<string, ColumnEntry> = {};
  for (const c of cols ?? []) {
    // as dbt: a column's `config:` meta and tags count as its own, and the entry has dbt's keys in dbt's order
    const cfg = c.config ?? {};
    const meta = { ...c.meta, ...(cfg.meta && typeof cfg.meta === 'object' && !Array.isArray(cfg.meta) ? (cfg.meta as Record<string, unknown>) : {}) };
    const own = Array.isArray(cfg.tags) ? cfg.tags.map(String) : typeof cfg.tags === 'string' ? [cfg.tags] : [];
    const tags = [...new Set([...c.tags, ...own])];
    const granularity = typeof c.raw?.granularity === 'string' ? c.raw.granularity : null;
    out[c.name] = { name: c.name, description: c.description ?? '', meta, data_type: c.data_type ?? null, constraints: c.constraints.map(columnConstraint), quote: c.quote ?? null, config: { meta, tags }, tags, granularity, doc_blocks: [] };
  }
  return out;
}

/** Python's whitespace (`str.isspace`), which dbt strips from a file's text before hashing it. */
function isPySpace(c: number): boolean {
  return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
/** dbt hashes a seed up to this size; a larger one's checksum is its path. */
const SEED_HASH_LIMIT = 1024 * 1024;

/**
 * A node's checksum as dbt computes it (so that `state:modified` compares with a manifest dbt
 * wrote): the sha256 of its file's text stripped of surrounding whitespace (every node of a
 * snapshot file has the file's), or for a seed over 1 MiB its path.
 */
export function fileChecksum(file: ProjectFile): ManifestNode['checksum'] {
  if (file.kind === 'seed' && Buffer.byteLength(file.contents, 'utf8') > SEED_HASH_LIMIT) return { name: 'path', checksum: file.path };
  const stripped = pyStrip(file.contents);
  return { name: 'sha256', checksum: stripped === file.contents ? file.hash : sha256(stripped) };
}

/** Python's `text.strip()`, as dbt strips a file's text when it reads it (looking at its ends only). */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text.charCodeAt(start))) start++;
  while (end > start && isPySpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function makeNode(
  uniqueId: string,
  pkg: PackageProject,
  file: ProjectFile,
  spec: { resourceType: ManifestNode['resource_type']; name: string; fqn: string[]; path: string; code: string; props?: NodeProperties; version?: string | number; latestVersion?: string | number },
  config: Record<string, unknown>,
  rec: { refs: ManifestNode['refs'] | { name: string; package?: string; version?: string | number }[]; sources: [string, string][]; macros: string[] },
  checksum: ManifestNode['checksum'],
): ManifestNode {
  const materialized = config.materialized ?? (spec.resourceType === 'model' ? 'view' : spec.resourceType === 'seed' ? 'seed' : spec.resourceType === 'snapshot' ? 'snapshot' : spec.resourceType === 'test' ? 'test' : undefined);
  const fullConfig: Record<string, unknown> = { enabled: true, tags: [], meta: {}, group: null, pre_hook: [], post_hook: [], ...config };
  if (materialized !== undefined) fullConfig.materialized = materialized;
  // as dbt: every node's config has a group, a model's an access (protected unless set)
  if (spec.resourceType === 'model') fullConfig.access ??= 'protected';
  // as dbt: every node's config but a test's has on_schema_change, `ignore` unless set
  if (spec.resourceType !== 'test') fullConfig.on_schema_change ??= 'ignore';
  // dbt's default for a test's schema: where stored failures go (`<target schema>_dbt_test__audit`)
  if (spec.resourceType === 'test') fullConfig.schema ??= 'dbt_test__audit';
  const tags = Array.isArray(fullConfig.tags) ? (fullConfig.tags as string[]) : [String(fullConfig.tags)];
  fullConfig.tags = tags;
  // a model's foreign keys name the relations they reference: the model depends on them
  const constraints = spec.resourceType === 'model' ? readConstraints(spec.name, spec.props) : undefined;
  return {
    unique_id: uniqueId,
    name: spec.name,
    resource_type: spec.resourceType,
    package_name: pkg.name,
    path: spec.path,
    original_file_path: file.path,
    fqn: spec.fqn,
    alias: spec.name,
    database: null,
    schema: '',
    checksum,
    config: fullConfig,
    tags,
    description: spec.props?.description ?? '',
    columns: columnsOf(spec.props?.columns),
    meta: (fullConfig.meta as Record<string, unknown>) ?? {},
    group: groupOf(fullConfig),
    docs: { show: true, node_color: null },
    patch_path: spec.props ? `${pkg.name}://${spec.props.position.file}` : null,
    build_path: null,
    unrendered_config: {},
    created_at: Date.now() / 1000,
    relation_name: null,
    // as dbt, which strips a file's text as it reads it: a whole-file node's raw_code has no
    // leading or trailing whitespace (the template rendered is still the file's text)
    raw_code: spec.code === file.contents ? pyStrip(spec.code) : spec.code,
    language: 'sql',
    refs: [...rec.refs, ...(constraints?.refs ?? [])].map((r) => ({ name: r.name, package: r.package ?? null, version: ('version' in r ? r.version : undefined) ?? null })),
    sources: constraints?.sources.length ? [...rec.sources, ...constraints.sources] : rec.sources,
    metrics: [],
    depends_on: { macros: rec.macros, nodes: [] },
    compiled_path: null,
    contract: { enforced: (fullConfig.contract as { enforced?: unknown } | undefined)?.enforced === true, alias_types: true, checksum: null },
    ...(spec.resourceType === 'model'
      ? { access: String(fullConfig.access), constraints: constraints!.constraints, version: spec.version ?? null, latest_version: spec.latestVersion ?? null, deprecation_date: deprecationDate(spec.props?.raw.deprecation_date) }
      : {}),
  };
}

/** The text of one macro (from its line to its end tag), as dbt's manifest holds it, not its whole file. */
function macroText(m: MacroDef): string {
  const lines = m.fileContents.split('\n');
  const start = lines.slice(0, m.line - 1).join('\n').length + (m.line > 1 ? 1 : 0);
  const end = /\{%-?\s*end(?:macro|test)\s*-?%\}/g;
  end.lastIndex = start;
  const e = end.exec(m.fileContents);
  return m.fileContents.slice(start, e ? e.index + e[0].length : undefined).trim();
}

function macroEntry(m: MacroDef) {
  return {
    unique_id: m.uniqueId,
    name: m.name,
    resource_type: 'macro' as const,
    package_name: m.packageName,
    path: m.originalFilePath,
    original_file_path: m.originalFilePath,
    macro_sql: macroText(m),
    depends_on: { macros: [] },
    description: '',
    meta: {},
    docs: { show: true, node_color: null },
    patch_path: null,
    arguments: [],
    created_at: Date.now() / 1000,
    supported_languages: null,
  };
}

/** YAML properties by `package:kind:name`. */
function indexProperties(project: Project): Map<string, NodeProperties> {
  const out = new Map<string, NodeProperties>();
  for (const pkg of project.packages) {
    for (const pf of pkg.properties) {
      for (const [kind, list] of [['models', pf.models], ['seeds', pf.seeds], ['snapshots', pf.snapshots], ['analyses', pf.analyses]] as const) {
        for (const p of list) {
          const key = `${pkg.name}:${kind}:${p.name}`;
          const prior = out.get(key);
          if (prior) {
            throw new StrataError('duplicate-properties', `${kind.slice(0, -1)} '${p.name}' has properties in two places`, {
              position: p.position,
              source: pf.contents,
              hint: `the other entry is ${prior.position.file}:${prior.position.line}`,
            });
          }
          out.set(key, p);
        }
      }
    }
  }
  return out;
}

/** Warn about properties of nodes that do not exist. */
function applyProperties(manifest: Manifest, props: Map<string, NodeProperties>, warnings: ParseWarning[]): void {
  const known = new Set<string>();
  for (const n of [...Object.values(manifest.nodes), ...Object.values(manifest.disabled).flat()]) {
    const kind = n.resource_type === 'model' ? 'models' : n.resource_type === 'seed' ? 'seeds' : n.resource_type === 'snapshot' ? 'snapshots' : 'analyses';
    known.add(`${n.package_name}:${kind}:${n.name}`);
  }
  for (const [key, p] of props) {
    if (known.has(key)) continue;
    const [pkg, kind] = key.split(':');
    const candidates = Object.values(manifest.nodes).filter((n) => n.package_name === pkg).map((n) => n.name);
    const guess = suggest(p.name, candidates);
    warnings.push({ event: 'NoNodeForYamlKey', message: `${p.position.file}:${p.position.line}: properties for ${kind!.slice(0, -1)} '${p.name}', which does not exist${guess ? ` (did you mean '${guess}'?)` : ''}` });
  }
}

/** Resolve refs and sources to unique ids; unknown names are errors with a suggestion. Returns each ref with the node it found. */
function resolveDependencies(project: Project, manifest: Manifest, sources: Map<string, NodeSource>): ResolvedRef[] {
  const resolved: ResolvedRef[] = [];
  const byName = new Map<string, ManifestNode[]>();
  const add = (key: string, n: ManifestNode) => {
    let l = byName.get(key);
    if (!l) byName.set(key, (l = []));
    l.push(n);
  };
  for (const n of Object.values(manifest.nodes)) {
    if (n.resource_type === 'test' || n.resource_type === 'analysis') continue;
    if (n.version == null) add(n.name, n);
    else {
      // a version is found by `name.v<version>`; the latest also by the model's name
      add(searchName(n.name, n.version), n);
      if (String(n.version) === String(n.latest_version)) add(n.name, n);
    }
  }
  const rootName = project.root.name;
  const sourceIds = new Map(Object.values(manifest.sources).map((e) => [`${e.source_name}.${e.name}`, e.unique_id]));
  for (const node of [...Object.values(manifest.nodes), ...Object.values(manifest.exposures)]) {
    const deps = new Set<string>();
    for (const r of node.refs) {
      const target = findRefTarget(byName, node.package_name, rootName, searchName(r.name, r.version), r.package ?? undefined);
      if (!target) {
        const src = sources.get(node.unique_id);
        const where = locateCall(src, refCallPattern(r.name, r.version));
        const disabled = Object.keys(manifest.disabled).some((id) => id.endsWith(`.${r.name}`));
        const guess = suggest(r.name, [...byName.keys()]);
        const versions = r.version == null ? [] : Object.values(manifest.nodes).filter((n) => n.name === r.name && n.version != null && (!r.package || n.package_name === r.package)).map((n) => String(n.version));
        throw new StrataError('ref-not-found', `${node.resource_type} '${node.name}' depends on '${r.package ? r.package + '.' : ''}${r.name}'${r.version == null ? '' : ` version ${String(r.version)}`}, which ${disabled ? 'is disabled' : 'was not found'}`, {
          position: where,
          source: src && where ? nodeText(src) : undefined,
          hint: versions.length ? `its versions are ${versions.join(', ')}` : guess ? `did you mean ref('${guess}')?` : 'check the model name, or the package it is in',
        });
      }
      deps.add(target.unique_id);
      resolved.push({ node, ref: r, target });
    }
    for (const [s, t] of node.sources) {
      const id = sourceIds.get(`${s}.${t}`);
      if (!id) {
        const src = sources.get(node.unique_id);
        const where = locateCall(src, sourceCallPattern(s));
        const all = Object.values(manifest.sources).map((e) => `${e.source_name}.${e.name}`);
        const guess = suggest(`${s}.${t}`, all);
        throw new StrataError('source-not-found', `${node.resource_type} '${node.name}' depends on source('${s}', '${t}'), which was not found`, {
          position: where,
          source: where && src ? readFileSync(src.absPath, 'utf8') : undefined,
          hint: guess ? `did you mean source('${guess.split('.')[0]}', '${guess.split('.')[1]}')?` : 'declare it under sources: in a YAML file in your models folder',
        });
      }
      deps.add(id);
    }
    node.depends_on.nodes = [...deps];
  }
  return resolved;
}

/** A node's YAML properties (a model version's merged with its version's), for pointing at what they set. */
function propertiesOf(node: ManifestNode, yamlProps: Map<string, NodeProperties>, project: Project): NodeProperties | undefined {
  const kind = node.resource_type === 'model' ? 'models' : node.resource_type === 'seed' ? 'seeds' : node.resource_type === 'snapshot' ? 'snapshots' : node.resource_type === 'analysis' ? 'analyses' : undefined;
  if (!kind) return undefined;
  if (node.version != null) {
    const pkg = project.packages.find((p) => p.name === node.package_name);
    return pkg && [...packageVersions(pkg).byStem.values()].find((v) => v.model === node.name && String(v.v) === String(node.version))?.props;
  }
  return yamlProps.get(`${node.package_name}:${kind}:${node.name}`);
}

function findRefTarget(byName: Map<string, ManifestNode[]>, fromPkg: string, rootPkg: string, name: string, pkg?: string): ManifestNode | undefined {
  const list = byName.get(name) ?? [];
  if (pkg) return list.find((n) => n.package_name === pkg);
  return list.find((n) => n.package_name === fromPkg) ?? list.find((n) => n.package_name === rootPkg) ?? list[0];
}

export function toGraphNode(n: ManifestNode): GraphNode {
  return {
    uniqueId: n.unique_id,
    name: n.name,
    resourceType: n.resource_type,
    packageName: n.package_name,
    fqn: n.fqn,
    originalFilePath: n.original_file_path,
    path: n.path,
    tags: n.tags,
    config: n.config,
    dependsOn: n.depends_on.nodes,
    checksum: n.checksum.checksum,
    attachedNode: n.attached_node ?? undefined,
    testMetadata: n.test_metadata ? { name: n.test_metadata.name, namespace: n.test_metadata.namespace ?? undefined } : undefined,
    ...(n.version != null ? { version: n.version, latestVersion: n.latest_version ?? undefined } : {}),
  };
}

export { CACHE_FILE };
