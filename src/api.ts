/**
 * The programmatic API: everything the CLI does, callable from TypeScript.
 *
 * ```ts
 * import { parse, compile, run } from 'strata';
 * const parsed = await parse({ projectDir: 'my_project' });
 * const results = await run({ projectDir: 'my_project', select: ['orders+'] });
 * ```
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Adapter } from './adapters/index.js';
import { formatError, StrataError } from './errors.js';
import { select as selectNodes, type GraphNode } from './graph/index.js';
import { secretValues } from './project/index.js';
import type { ManifestNode } from './parse/manifest.js';
import type { DepsResult } from './project/deps/install.js';
import { toGraphNode, type ParsedProject } from './parse/parser.js';
import { Compiler, contextFlags } from './runner/compile.js';
import { databaseServices, lazyDatabaseServices } from './runner/database.js';
import { prepareDeferral, readDeferral, readStateManifest, recordDeferRelations } from './runner/defer.js';
import type { TimeWindow } from './runner/sample.js';
import { incrementalBuild } from './runner/is-incremental.js';
import { nodeResult, openAdapter, runNodes, writeRunResults, type NodeResult, type RunResults } from './runner/run.js';
import { checkFreshness, type FreshnessResult } from './runner/freshness.js';
import { countNodes, parse, parseVars, reporterFor, warnIsError, type CommonOptions } from './parse/parse-api.js';

export { parse, parseVars, reporterFor, countNodes, type CommonOptions } from './parse/parse-api.js';
export { parseCommand, type ParseCommandResult } from './parse/parse-command.js';

/** The unique ids a command's selection picks, among `resourceTypes`. */
export function selectIds(parsed: ParsedProject, o: CommonOptions, resourceTypes?: string[]): Set<string> {
  let state: GraphNode[] | undefined;
  let results: Map<string, string> | undefined;
  let sourceStatus: { current: Map<string, string | null>; previous: Map<string, string | null> } | undefined;
  const readJson = (file: string) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
  if (o.state) {
    const dir = resolve(o.state);
    const old = readStateManifest(dir);
    if (!old) throw new StrataError('usage', `--state ${o.state}: no manifest.json there`, { hint: 'point --state at the target/ folder of an earlier run' });
    state = Object.values(old).map(toGraphNode);
    const rr = readJson(join(dir, 'run_results.json')) as { results: { unique_id: string; status: string }[] } | undefined;
    if (rr) results = new Map(rr.results.map((r) => [r.unique_id, r.status]));
    type Fresh = { results: { unique_id: string; max_loaded_at: string | null }[] };
    const before = readJson(join(dir, 'sources.json')) as Fresh | undefined;
    const now = readJson(join(parsed.project.targetPath, 'sources.json')) as Fresh | undefined;
    if (before && now) {
      const map = (f: Fresh) => new Map(f.results.map((r) => [r.unique_id, r.max_loaded_at]));
      sourceStatus = { current: map(now), previous: map(before) };
    }
  }
  const ids = selectNodes(parsed.graph, { select: o.select, exclude: o.exclude, selector: o.selector, selectors: parsed.project.selectors, state, results, sourceStatus, indirectSelection: o.indirectSelection });
  if (!resourceTypes) return ids;
  return new Set([...ids].filter((id) => resourceTypes.includes(parsed.graph.nodes.get(id)?.resourceType ?? '')));
}

export interface CompiledNode {
  uniqueId: string;
  /** The node's name (`inline_query` for `--inline`). */
  name: string;
  sql: string;
  path?: string;
}

/** Compile the selected nodes (or an inline query) without building anything. */
export async function compile(o: CommonOptions & { inline?: string; fullRefresh?: boolean } = {}): Promise<CompiledNode[]> {
  const flags = contextFlags('compile', o);
  const parsed = await parse({ ...o, flags });
  const selected = o.inline === undefined ? [...selectIds(parsed, o, ['model', 'analysis', 'snapshot', 'test'])] : [];
  const deferral = readDeferral(o, parsed.manifest.nodes);
  if (deferral) await recordDeferRelations(deferral, parsed.manifest, parsed.project.targetPath);
  const compiler = new Compiler(parsed, flags, selected, { deferral });
  // The database is opened when a template first asks it something (run_query, get_relation…,
  // in the node's code or in any macro it calls), so a project that asks nothing compiles offline;
  // --defer asks it first which relations exist.
  let opened: Promise<Adapter> | undefined;
  const adapter = (): Promise<Adapter> => (opened ??= openAdapter(parsed));
  const db = lazyDatabaseServices(adapter);
  try {
    if (deferral) await prepareDeferral(deferral, parsed.manifest.nodes, await adapter());
    if (o.inline !== undefined) {
      const pseudo = inlineNode(parsed, o.inline);
      return [{ uniqueId: pseudo.unique_id, name: pseudo.name, sql: await compiler.render(pseudo, { code: o.inline, codeName: '<inline>', db }) }];
    }
    // as dbt's compile: every selected node is compiled, and run_results.json says how each went
    const started = performance.now();
    const out: CompiledNode[] = [];
    const results: NodeResult[] = [];
    const errors: unknown[] = [];
    const broken = new Set<string>(); // failed, or skipped because something upstream failed
    const wanted = new Set(selected);
    for (const id of parsed.graph.order.filter((x) => wanted.has(x))) {
      const node = parsed.manifest.nodes[id]!;
      const upstream = [...(parsed.graph.parents.get(id) ?? [])].find((p) => broken.has(p));
      if (upstream) {
        broken.add(id);
        results.push(nodeResult(node, 'skipped', 0, `Skipped because ${upstream} did not compile`, null, {}));
        continue;
      }
      const t0 = performance.now();
      const startedAt = new Date().toISOString();
      try {
        const sql = await compiler.render(node, { isIncremental: await incrementalBuild(compiler, node, adapter, o.fullRefresh ?? false), db });
        out.push({ uniqueId: id, name: node.name, sql, path: compiler.writeArtifact('compiled', node, sql) });
        results.push(nodeResult(node, 'success', (performance.now() - t0) / 1000, '', sql, {}, startedAt));
      } catch (err) {
        errors.push(err);
        broken.add(id);
        results.push(nodeResult(node, 'error', (performance.now() - t0) / 1000, formatError(err), null, {}, startedAt));
      }
    }
    writeRunResults(parsed, results, (performance.now() - started) / 1000, invocationArgs('compile', parsed, o));
    if (errors.length) {
      const reporter = reporterFor(o);
      for (const e of errors.slice(1)) reporter.failure(formatError(e));
      throw errors[0];
    }
    return out;
  } finally {
    await (await opened?.catch(() => undefined))?.close();
  }
}

/**
 * The node an inline query renders as (`compile --inline`, `show --inline`): as in dbt, a SQL
 * operation named inline_query, whose `this` is that name in the target's schema. A
 * `run-operation` has no relation of its own.
 */
function inlineNode(parsed: ParsedProject, code: string, relation = true): ManifestNode {
  const root = parsed.project.root.name;
  return {
    unique_id: `sql_operation.${root}.inline_query`,
    name: 'inline_query',
    resource_type: 'sql_operation',
    package_name: root,
    original_file_path: 'inline_query.sql',
    path: 'inline_query.sql',
    ...(relation ? { database: (parsed.target.database as string | undefined) ?? null, schema: String(parsed.target.schema ?? ''), alias: 'inline_query' } : {}),
    config: {},
    meta: {},
    tags: [],
    depends_on: { nodes: [], macros: [] },
    raw_code: code,
  } as unknown as ManifestNode;
}

/** What `run` takes beyond the common options. */
export interface RunCommandOptions {
  threads?: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  which?: string;
  resourceTypes?: string[];
  storeFailures?: boolean;
  empty?: boolean;
  /** `--sample`: refs and sources with an `event_time` are read in this window (see runner/sample.ts). */
  sample?: TimeWindow;
  /** Run exactly these nodes instead of a selection (`retry`). */
  uniqueIds?: string[];
}

/** Build the selected nodes: models by default; `resourceTypes` picks others (`build`: all; `test`: tests). */
export async function run(o: CommonOptions & RunCommandOptions = {}): Promise<RunResults> {
  const which = o.which ?? 'run';
  const flags = contextFlags(which, o);
  const parsed = await parse({ ...o, flags });
  const reporter = reporterFor(o);
  const kinds = o.resourceTypes ?? ['model'];
  const selected = o.uniqueIds ? new Set(o.uniqueIds.filter((id) => kinds.includes(parsed.manifest.nodes[id]?.resource_type ?? (parsed.manifest.unit_tests[id] ? 'unit_test' : '')))) : selectIds(parsed, o, kinds);
  const counts = countNodes(parsed);
  reporter.info(`Found ${counts}`);
  const threads = o.threads ?? parsed.project.profile?.threads ?? 4;
  reporter.info(`Concurrency: ${threads} threads (target='${String(parsed.target.name)}')`);
  if (selected.size === 0) {
    const nothing = `Nothing to do: the selection matched no ${kinds.join(', ')} nodes`;
    if (warnIsError(o, 'NoNodesForSelectionCriteria')) throw new StrataError('warn-error', `${nothing} (a warning, made an error by --warn-error)`, { hint: 'Check --select and --exclude, or run without --warn-error.' });
    reporter.warn(`${nothing}.`);
  }
  // clone reads its state manifest whether or not --defer is given
  const deferral = which === 'clone' ? readDeferral({ ...o, defer: true }, parsed.manifest.nodes, 'clone') : readDeferral(o, parsed.manifest.nodes);
  if (deferral) await recordDeferRelations(deferral, parsed.manifest, parsed.project.targetPath);
  const args: Record<string, unknown> = {
    ...invocationArgs(which, parsed, o),
    threads,
    fail_fast: Boolean(o.failFast),
    store_failures: Boolean(o.storeFailures),
    empty: Boolean(o.empty),
    sample: o.sample ? { start: o.sample.start.toISOString(), end: o.sample.end.toISOString() } : null,
    event_time_start: o.eventTimeStart?.toISOString() ?? null,
    event_time_end: o.eventTimeEnd?.toISOString() ?? null,
  };
  const warnError = warnIsError(o, 'LogTestResult');
  return runNodes({ parsed, selected, deferral, sample: o.sample, reporter, threads, fullRefresh: o.fullRefresh, failFast: o.failFast, eventTimeStart: o.eventTimeStart, eventTimeEnd: o.eventTimeEnd, which, flags, resourceTypes: kinds, storeFailures: o.storeFailures, warnError, args });
}

/** The invocation as run_results.json records it (dbt's names), which `retry` repeats: what every command that writes results takes. */
function invocationArgs(which: string, parsed: ParsedProject, o: CommonOptions & { fullRefresh?: boolean }): Record<string, unknown> {
  return {
    which,
    target: parsed.target.name,
    vars: parseVars(o.vars),
    full_refresh: Boolean(o.fullRefresh),
    defer: Boolean(o.defer),
    favor_state: Boolean(o.favorState),
    state: o.state ? resolve(o.state) : null,
    defer_state: o.deferState ? resolve(o.deferState) : null,
    select: o.select ?? [],
    exclude: o.exclude ?? [],
    selector: o.selector ?? null,
  };
}

/** The commands `retry` repeats, with the resource types each builds. */
const RETRYABLE: Record<string, string[]> = {
  run: ['model'],
  build: ['model', 'test', 'unit_test', 'seed', 'snapshot'],
  seed: ['seed'],
  snapshot: ['snapshot'],
  test: ['test', 'unit_test'],
  clone: ['model', 'seed', 'snapshot'],
};

/**
 * `retry`: run again, as the last command ran them (its target, vars, flags), the nodes that
 * ended in error, failed or were skipped in `run_results.json` (in `--state`'s folder, else the
 * project's target folder), as dbt's retry does; `vars` and `threads` given now win. Resolves
 * to undefined when there is nothing to retry.
 */
export async function retry(o: CommonOptions & { threads?: number } = {}): Promise<RunResults | undefined> {
  const projectDir = resolve(o.projectDir ?? '.');
  const { readDbtProject } = await import('./project/index.js');
  const dir = o.state ? resolve(o.state) : resolve(projectDir, o.targetPath ?? (await readDbtProject(projectDir, projectDir)).config['target-path']);
  const file = join(dir, 'run_results.json');
  if (!existsSync(file)) throw new StrataError('usage', `there is no run_results.json in ${relative(process.cwd(), dir) || '.'} to retry`, { hint: 'run a command first (strata build, run, test…), or point --state at the folder of its run_results.json' });
  let last: { results: { unique_id: string; status: string }[]; args?: Record<string, unknown> };
  try {
    last = JSON.parse(readFileSync(file, 'utf8')) as typeof last;
    if (!Array.isArray(last.results)) throw new Error('it has no results');
  } catch (e) {
    throw new StrataError('usage', `${relative(process.cwd(), file)} cannot be retried: ${(e as Error).message}`, { hint: 'run the command again instead of retrying it' });
  }
  const a = last.args ?? {};
  const which = String(a.which ?? 'run');
  const kinds = RETRYABLE[which];
  if (!kinds) throw new StrataError('usage', `the last command was '${which}': retry re-runs ${Object.keys(RETRYABLE).join(', ')}`);
  const ids = last.results.filter((x) => x.status === 'error' || x.status === 'fail' || x.status === 'skipped').map((x) => x.unique_id);
  if (ids.length === 0) {
    reporterFor(o).info(`Nothing to retry: the last ${which} had no errors, failures or skips.`);
    return undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const time = (v: unknown) => (str(v) ? new Date(String(v)) : undefined);
  const sample = a.sample && typeof a.sample === 'object' ? (a.sample as { start?: unknown; end?: unknown }) : undefined;
  return run({
    ...o,
    target: str(a.target) ?? o.target,
    vars: o.vars ?? (a.vars as Record<string, unknown> | undefined),
    threads: o.threads ?? (typeof a.threads === 'number' ? a.threads : undefined),
    fullRefresh: a.full_refresh === true,
    failFast: a.fail_fast === true,
    storeFailures: a.store_failures === true,
    empty: a.empty === true,
    sample: sample && time(sample.start) && time(sample.end) ? { start: time(sample.start)!, end: time(sample.end)! } : undefined,
    eventTimeStart: time(a.event_time_start),
    eventTimeEnd: time(a.event_time_end),
    defer: a.defer === true,
    favorState: a.favor_state === true,
    state: str(a.state),
    deferState: str(a.defer_state),
    which,
    resourceTypes: kinds,
    uniqueIds: ids,
  });
}

/** Check source freshness for the selected sources (all with a freshness config by default). */
export async function sourceFreshness(o: CommonOptions = {}): Promise<FreshnessResult[]> {
  const flags = contextFlags('freshness');
  const parsed = await parse({ ...o, flags });
  const reporter = reporterFor(o);
  const selected = selectIds(parsed, o, ['source']);
  const adapter = await openAdapter(parsed);
  try {
    return await checkFreshness(parsed, selected, adapter, reporter, flags);
  } finally {
    await adapter.close();
  }
}

/** Run a query (a model's SQL or an inline query) and return its first rows. */
export async function show(o: CommonOptions & { inline?: string; limit?: number } = {}): Promise<{ node?: string; columns: string[]; rows: unknown[][] }> {
  const flags = contextFlags('show');
  const parsed = await parse({ ...o, flags });
  const deferral = readDeferral(o, parsed.manifest.nodes);
  const selected = o.inline === undefined ? [...selectIds(parsed, o, ['model', 'analysis', 'seed', 'snapshot'])] : [];
  const compiler = new Compiler(parsed, flags, selected, { deferral });
  const adapter = await openAdapter(parsed);
  try {
    if (deferral) await prepareDeferral(deferral, parsed.manifest.nodes, adapter);
    const db = databaseServices(adapter);
    let sql: string;
    if (o.inline !== undefined) sql = await compiler.render(inlineNode(parsed, o.inline), { code: o.inline, codeName: '<inline>', db });
    else {
      if (selected.length !== 1) throw new StrataError('usage', `show needs exactly one node (the selection matched ${selected.length})`, { hint: 'strata show --select my_model, or strata show --inline "select …"' });
      sql = await compiler.render(parsed.manifest.nodes[selected[0]!]!, { isIncremental: false, db });
    }
    const limit = o.limit ?? 5;
    const body = sql.trim().replace(/;\s*$/, '');
    const r = await adapter.withSession((s) => s.execute(limit >= 0 ? `select * from (\n${body}\n) as strata_show limit ${limit}` : body));
    // a DATE arrives as its UTC midnight: shown as the date it is, as dbt shows it
    const isDate = r.columns.map((c) => c.type.toLowerCase() === 'date');
    const rows = r.rows.map((row) => row.map((v, i) => (isDate[i] && v instanceof Date ? v.toISOString().slice(0, 10) : v)));
    return { node: o.inline === undefined ? parsed.manifest.nodes[selected[0]!]!.name : undefined, columns: r.columns.map((c) => c.name), rows };
  } finally {
    await adapter.close();
  }
}

/** Call a macro with arguments (`strata run-operation`). */
export async function runOperation(o: CommonOptions & { macro: string; args?: Record<string, unknown> | string }): Promise<unknown> {
  const flags = contextFlags('run-operation');
  const parsed = await parse({ ...o, flags });
  const adapter = await openAdapter(parsed);
  try {
    const compiler = new Compiler(parsed, flags);
    const args = typeof o.args === 'string' ? parseVars(o.args) : o.args ?? {};
    const [pkg, name] = o.macro.includes('.') ? o.macro.split('.', 2) as [string, string] : [undefined, o.macro];
    // As dbt finds an operation's macro: the named package's, else the root project's, else
    // an installed package's (`run-operation generate_source` runs dbt-codegen's), else dbt's.
    const def = pkg
      ? parsed.registry.get(pkg, name)
      : parsed.registry.resolve(parsed.project.root.name, name, parsed.project.packages.map((p) => p.name));
    if (!def) {
      const { suggest } = await import('./graph/index.js');
      const guess = suggest(name, parsed.registry.all().map((m) => m.name));
      throw new StrataError('macro-not-found', `no macro named '${o.macro}'`, { hint: guess ? `did you mean '${guess}'?` : undefined });
    }
    const root = parsed.project.root.name;
    const argNames = Object.keys(args).map((k) => `${k}=__args[${JSON.stringify(k)}]`).join(', ');
    const code = `{{ ${pkg ? pkg + '.' : ''}${name}(${argNames}) }}`;
    // the operation runs in its macro's package, as in dbt: the macros it calls unqualified
    // are that package's (then the root project's and dbt's)
    const pseudo = { ...inlineNode(parsed, code, false), unique_id: `operation.${root}.${name}`, name, package_name: def.packageName } as ManifestNode;
    const out = await compiler.render(pseudo, { code, codeName: `run-operation ${o.macro}`, db: databaseServices(adapter), extra: { __args: args } });
    return out;
  } finally {
    await adapter.close();
  }
}

/** Remove the clean-targets (target/ by default), refusing paths outside the project. */
export async function clean(o: CommonOptions = {}): Promise<string[]> {
  const projectDir = resolve(o.projectDir ?? '.');
  const { readDbtProject } = await import('./project/index.js');
  const proj = await readDbtProject(projectDir, projectDir);
  const removed: string[] = [];
  for (const t of proj.config['clean-targets']) {
    const abs = isAbsolute(t) ? t : resolve(projectDir, t);
    const rel = relative(projectDir, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new StrataError('usage', `clean-targets entry '${t}' is outside the project; refusing to delete it`);
    if (existsSync(abs)) {
      rmSync(abs, { recursive: true, force: true });
      removed.push(rel);
    }
  }
  return removed;
}

export { secretValues };

/**
 * `deps`: resolve the packages packages.yml declares (hub, git, tarball, local) with theirs,
 * pin them in package-lock.yml, and install them into the project's `packages-install-path`.
 */
export async function deps(o: Pick<CommonOptions, 'projectDir' | 'vars' | 'reporter' | 'logFormat' | 'color'> & { upgrade?: boolean; lock?: boolean; addPackage?: string; source?: 'hub' | 'git' | 'tarball' | 'local' } = {}): Promise<DepsResult> {
  const reporter = reporterFor(o);
  reporter.addSecrets(secretValues(null, process.env));
  const { yamlRenderHook } = await import('./parse/parser.js');
  const { DBT_VERSION } = await import('./context/base.js');
  const { installPackages } = await import('./project/deps/install.js');
  const log = (m: string): void => reporter.info(m);
  const render = yamlRenderHook(process.env, parseVars(o.vars), {}, log, randomUUID(), new Date());
  return installPackages({ projectDir: o.projectDir, render, dbtVersion: DBT_VERSION, upgrade: o.upgrade, lock: o.lock, addPackage: o.addPackage, source: o.source, log, warn: (m) => reporter.warn(m) });
}
