/**
 * The scheduler: nodes run as soon as their selected parents have finished, up to
 * `threads` at once; a failure skips the node's descendants (or everything, with
 * --fail-fast); Ctrl-C interrupts the running statements. Each node is rendered, handed
 * to its materialization, and recorded in `run_results.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createAdapter, type Adapter } from '../adapters/index.js';
import { ancestors } from '../graph/index.js';
import { StrataError, formatError, isStrataError } from '../errors.js';
import type { ManifestNode } from '../parse/manifest.js';
import { STRATA_VERSION } from '../parse/manifest.js';
import { nodeScope } from '../report/log-file.js';
import type { ParsedProject } from '../parse/parser.js';
import type { Reporter, Status } from '../report/reporter.js';
import { Compiler, artifactPath } from './compile.js';
import { CLONE_EXECUTOR, EXECUTORS } from './execute.js';
import { databaseServices } from './database.js';
import { prepareDeferral, type Deferral } from './defer.js';
import type { TimeWindow } from './sample.js';
import { makeTuple } from '../jinja/index.js';

export interface RunOptions {
  parsed: ParsedProject;
  /** Unique ids to execute. */
  selected: Set<string>;
  /** `--defer`: where refs to nodes not built by this run may read from. */
  deferral?: Deferral;
  /** `--sample`: the window refs and sources with an `event_time` are read in. */
  sample?: TimeWindow;
  reporter: Reporter;
  threads?: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** The command name recorded in run_results.json (`run`, `build`…). */
  which: string;
  flags?: Record<string, unknown>;
  /** Resource types to execute (default: models only). */
  resourceTypes?: string[];
  /** `--store-failures`. */
  storeFailures?: boolean;
  /** `--warn-error` for test results. */
  warnError?: boolean;
  /** An already-open adapter; otherwise one is opened from the profile and closed at the end. */
  adapter?: Adapter;
  args?: Record<string, unknown>;
}

export interface NodeResult {
  unique_id: string;
  status: Status;
  timing: { name: string; started_at: string; completed_at: string }[];
  thread_id: string;
  execution_time: number;
  adapter_response: Record<string, unknown>;
  message: string | null;
  failures: number | null;
  compiled: boolean;
  compiled_code: string | null;
  relation_name: string | null;
  batch_results: null;
}

export interface RunResults {
  metadata: { dbt_schema_version: string; dbt_version: string; generated_at: string; invocation_id: string; env: Record<string, string> };
  results: NodeResult[];
  elapsed_time: number;
  args: Record<string, unknown>;
}

/** Open the adapter the parsed project's profile names (or the default embedded DuckDB). */
export async function openAdapter(parsed: ParsedProject, threads?: number): Promise<Adapter> {
  const p = parsed.project;
  const n = threads ?? p.profile?.threads ?? 4;
  const target = p.profile
    ? { type: p.profile.type, fields: p.profile.fields, threads: n * 2 }
    : { type: 'duckdb', fields: { path: p.defaultDuckdbPath }, threads: n * 2 };
  const adapter = await createAdapter(target, { projectDir: p.root.dir, projectName: p.root.name });
  if (parsed.statementLog) adapter.onStatement = parsed.statementLog;
  return adapter;
}

/** Things the runner builds, in the order dbt describes them. */
function describe(node: ManifestNode): string {
  const m = String(node.config.materialized ?? 'view');
  const where = `${node.schema}.${node.alias}`;
  if (node.resource_type === 'model') return `sql ${m} model ${where}`;
  if (node.resource_type === 'test') return `test ${node.name}`;
  // as dbt: `<model>::<test>`, with `_v<version>` for a version of a versioned model (the id's last two parts)
  if (node.resource_type === ('unit_test' as ManifestNode['resource_type'])) return `unit_test ${node.unique_id.split('.').slice(2).join('::')}`;
  if (node.resource_type === 'seed') return `seed file ${where}`;
  if (node.resource_type === 'snapshot') return `snapshot ${where}`;
  return `${node.resource_type} ${where}`;
}

const OK = new Set<Status>(['success', 'pass', 'warn']);

export async function runNodes(o: RunOptions): Promise<RunResults> {
  const started = performance.now();
  const { parsed, reporter } = o;
  const m = parsed.manifest;
  const threads = Math.max(1, o.threads ?? parsed.project.profile?.threads ?? 4);
  const compiler = new Compiler(parsed, o.flags ?? {}, [...o.selected], { deferral: o.deferral, sample: o.sample });
  const ownAdapter = !o.adapter;
  const adapter = o.adapter ?? (await openAdapter(parsed, threads));
  const db = databaseServices(adapter);
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) {
      // A second Ctrl-C: stop now. Transactions not committed are rolled back by the engine.
      process.exit(130);
    }
    reporter.warn('Cancelling: interrupting running queries (press Ctrl-C again to force)');
    abort.abort();
    adapter.cancelAll();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const kinds = new Set(o.resourceTypes ?? ['model']);
  // `clone` makes each node a view of another environment's relation: nodes are independent
  // of each other, and the project's on-run hooks do not run (as in dbt)
  const cloning = o.which === 'clone';
  // where compiled SQL is, as messages name it (relative to the project)
  const compiledDir = join(relative(parsed.project.root.dir, parsed.project.targetPath) || '.', 'compiled');
  const describeNode = (node: ManifestNode) => (cloning ? `clone of ${node.resource_type} ${node.schema}.${node.alias}` : describe(node));
  // Unit tests take part in scheduling as nodes that wait for their model's parents.
  const all: Record<string, ManifestNode> = { ...m.nodes };
  for (const ut of Object.values(m.unit_tests)) {
    const model = m.nodes[ut.depends_on.nodes[0] ?? ''];
    if (!model) continue;
    all[ut.unique_id] = { ...model, unique_id: ut.unique_id, name: ut.name, resource_type: 'unit_test' as ManifestNode['resource_type'], original_file_path: ut.original_file_path, config: { ...ut.config, materialized: 'unit' }, depends_on: { macros: [], nodes: model.depends_on.nodes }, relation_name: null, test_metadata: undefined };
  }
  const order = new Map(parsed.graph.order.map((id, i) => [id, i]));
  const nodes = [...o.selected]
    .map((id) => all[id])
    .filter((n): n is ManifestNode => !!n && kinds.has(n.resource_type) && n.config.materialized !== 'ephemeral')
    .sort((a, b) => (order.get(a.unique_id) ?? 0) - (order.get(b.unique_id) ?? 0));
  const ids = new Set(nodes.map((n) => n.unique_id));
  const total = nodes.length;
  const results: NodeResult[] = [];
  const status = new Map<string, Status>();
  const running = new Map<string, string>();
  let index = 0;
  let stop = false;

  // Selected ancestors (through unselected or ephemeral nodes too) decide readiness.
  const waitsOn = new Map<string, Set<string>>();
  for (const n of nodes) {
    const deps = new Set<string>();
    const seen = new Set<string>();
    const walk = (id: string) => {
      for (const d of all[id]?.depends_on.nodes ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        if (ids.has(d)) deps.add(d);
        else if (m.nodes[d]?.config.materialized === 'ephemeral') walk(d);
      }
    };
    if (!cloning) walk(n.unique_id);
    waitsOn.set(n.unique_id, deps);
  }
  // A model waits for its own unit tests: a failing one stops it from being built.
  for (const n of nodes) {
    if (n.resource_type !== ('unit_test' as ManifestNode['resource_type'])) continue;
    const model = m.unit_tests[n.unique_id]!.depends_on.nodes[0]!;
    if (ids.has(model)) waitsOn.get(model)!.add(n.unique_id);
  }
  // In a build, a node also waits for the tests of its parents (a failing test stops what
  // is downstream), but only for tests whose every dependency is upstream of the node: a
  // relationships test that also refers to the node itself cannot hold it back.
  if (kinds.has('test') && kinds.size > 1) {
    const testsOf = new Map<string, ManifestNode[]>();
    for (const n of nodes) {
      if (n.resource_type !== 'test') continue;
      for (const d of n.depends_on.nodes) if (ids.has(d)) testsOf.set(d, [...(testsOf.get(d) ?? []), n]);
    }
    for (const n of nodes) {
      if (n.resource_type === 'test' || m.unit_tests[n.unique_id]) continue;
      const deps = waitsOn.get(n.unique_id)!;
      let upstream: Set<string> | undefined; // only needed for tests on several nodes
      for (const d of [...deps]) {
        for (const t of testsOf.get(d) ?? []) {
          const others = t.depends_on.nodes.filter((x) => x !== d);
          if (others.length) upstream ??= ancestors(parsed.graph, [n.unique_id]);
          if (others.every((x) => upstream!.has(x))) deps.add(t.unique_id);
        }
      }
    }
    // As dbt: an ephemeral model is downstream of its parents' tests like any model, and its own
    // tests stop what reads it; so a node reading an ephemeral model (a test on it included)
    // waits for the tests of the ephemeral models it reads through and of the models they
    // read (a test on a built model does not wait for the other tests of that model).
    const testsOnAny = new Map<string, ManifestNode[]>();
    for (const n of nodes) {
      if (n.resource_type !== 'test') continue;
      for (const d of n.depends_on.nodes) {
        const list = testsOnAny.get(d);
        if (list) list.push(n);
        else testsOnAny.set(d, [n]);
      }
    }
    for (const n of nodes) {
      if (m.unit_tests[n.unique_id]) continue;
      const deps = waitsOn.get(n.unique_id)!;
      for (const x of n.depends_on.nodes) {
        if (ids.has(x) || m.nodes[x]?.config.materialized !== 'ephemeral') continue;
        const candidates = new Set<string>([x]);
        const walk = (id: string) => {
          for (const d of all[id]?.depends_on.nodes ?? []) {
            if (candidates.has(d)) continue;
            if (ids.has(d)) candidates.add(d);
            else if (m.nodes[d]?.config.materialized === 'ephemeral') {
              candidates.add(d);
              walk(d);
            }
          }
        };
        walk(x);
        let upstream: Set<string> | undefined;
        for (const d of candidates) {
          // a test on the ephemeral model does not wait for that model's other tests
          if (n.resource_type === 'test' && d === x) continue;
          for (const t of testsOnAny.get(d) ?? []) {
            if (t.unique_id === n.unique_id) continue;
            const others = t.depends_on.nodes.filter((y) => y !== d);
            if (others.length) upstream ??= new Set([x, ...ancestors(parsed.graph, [x])]);
            if (others.every((y) => upstream!.has(y))) deps.add(t.unique_id);
          }
        }
      }
    }
  }

  try {
    if (o.deferral) await prepareDeferral(o.deferral, m.nodes, adapter);
    for (const h of cloning ? [] : parsed.project.onRunStart) await runProjectHook(compiler, adapter, db, h.sql, 'on-run-start', reporter);

    await new Promise<void>((resolveAll) => {
      const pending = new Set(nodes.map((n) => n.unique_id));
      let active = 0;
      const pump = () => {
        if (pending.size === 0 && active === 0) return resolveAll();
        // Sweep until nothing changes: a skip found late in a sweep can settle a node seen earlier.
        let changed = true;
        while (changed && active < threads) {
        changed = false;
        for (const id of [...pending]) {
          if (active >= threads) break;
          const deps = waitsOn.get(id)!;
          const blocked = [...deps].find((d) => status.has(d) && !OK.has(status.get(d)!));
          const node = all[id]!;
          if (blocked || stop || abort.signal.aborted) {
            pending.delete(id);
            const why = stop || abort.signal.aborted ? 'the run was stopped' : `its parent ${blocked} did not succeed`;
            status.set(id, 'skipped');
            results.push(nodeResult(node, 'skipped', 0, `Skipped because ${why}`, null, {}));
            reporter.finish(++index, total, 'skipped', describeNode(node), 0, id);
            changed = true;
            continue;
          }
          if (![...deps].every((d) => status.has(d))) continue;
          pending.delete(id);
          changed = true;
          active++;
          const i = ++index;
          running.set(id, node.name);
          reporter.start(i, total, describeNode(node), id);
          reporter.progress(results.length, total, [...running.values()]);
          nodeScope.run(id, () => buildNode(node)).then((r) => {
            active--;
            running.delete(id);
            status.set(id, r.status);
            results.push(r);
            const note = r.status === 'success' ? String(r.adapter_response._message ?? 'OK') : r.status === 'fail' || r.status === 'warn' ? String(r.failures ?? '') : undefined;
            reporter.finish(i, total, r.status, describeNode(node), r.execution_time, id, note);
            if ((r.status === 'error' || r.status === 'fail') && o.failFast) stop = true;
            reporter.progress(results.length, total, [...running.values()]);
            pump();
          });
        }
        }
        if (pending.size === 0 && active === 0) resolveAll();
        else if (active === 0) {
          // Nothing runs and nothing can start: report the rest instead of hanging.
          for (const id of pending) {
            const node = all[id]!;
            status.set(id, 'error');
            results.push(nodeResult(node, 'error', 0, `Could not be scheduled: it waits on ${[...waitsOn.get(id)!].filter((d) => !status.has(d)).join(', ')}`, null, {}));
            reporter.finish(++index, total, 'error', describeNode(node), 0, id);
          }
          pending.clear();
          resolveAll();
        }
      };
      pump();
    });
    reporter.endProgress();
    if (!abort.signal.aborted && !cloning && parsed.project.onRunEnd.length) {
      const extra = runEndContext(m, o.selected, results);
      for (const h of parsed.project.onRunEnd) await runProjectHook(compiler, adapter, db, h.sql, 'on-run-end', reporter, extra);
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    if (ownAdapter) await adapter.close();
  }

  async function buildNode(node: ManifestNode): Promise<NodeResult> {
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    let compiledSql: string | null = null;
    const seconds = () => (performance.now() - t0) / 1000;
    try {
      const execute = cloning ? CLONE_EXECUTOR : EXECUTORS[node.resource_type];
      if (!execute) throw new StrataError('unknown-node', `Strata cannot build a ${node.resource_type}`);
      const r = await execute(node, {
        parsed,
        compiler,
        adapter,
        db,
        fullRefresh: Boolean(o.fullRefresh),
        storeFailures: Boolean(o.storeFailures),
        warnError: o.warnError,
        warn: (message) => reporter.warn(message),
        eventTimeStart: o.eventTimeStart,
        eventTimeEnd: o.eventTimeEnd,
        signal: abort.signal,
        compiled: (sql) => {
          compiledSql = sql;
          compiler.writeArtifact('compiled', node, sql);
        },
      });
      compiler.writeArtifact('run', node, r.executedSql.join(';\n\n') + (r.executedSql.length ? ';\n' : ''));
      const res = nodeResult(node, r.status, seconds(), r.message, compiledSql, r.response ?? {}, startedAt);
      if (r.failures !== undefined) res.failures = r.failures;
      if (r.relationName) res.relation_name = r.relationName;
      return res;
    } catch (err) {
      return nodeResult(node, 'error', seconds(), errorMessage(node, err, compiledDir), compiledSql, {}, startedAt);
    }
  }

  const elapsed = (performance.now() - started) / 1000;
  const position = new Map(nodes.map((n, i) => [n.unique_id, i]));
  results.sort((a, b) => (position.get(a.unique_id) ?? 0) - (position.get(b.unique_id) ?? 0));
  const runResults = writeRunResults(parsed, results, elapsed, { which: o.which, ...(o.args ?? {}) });
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  if (abort.signal.aborted) reporter.warn('The run was cancelled; relations that were being built keep their previous version.');
  reporter.summary(counts, elapsed, describeCounts(nodes));
  for (const r of results) {
    if (r.status === 'error') reporter.failure(r.message ?? 'error');
    else if (r.status === 'fail' && m.unit_tests[r.unique_id]) reporter.failure(`Failure in unit test ${m.unit_tests[r.unique_id]!.name} (${m.unit_tests[r.unique_id]!.original_file_path}:${m.unit_tests[r.unique_id]!.line ?? 1})\n  ${(r.message ?? '').split('\n').join('\n  ')}`);
    else if (r.status === 'fail') reporter.failure(`Failure in test ${all[r.unique_id]?.name} (${all[r.unique_id]?.original_file_path})\n  ${r.message}\n  compiled SQL at ${join(compiledDir, artifactPath(all[r.unique_id]!))}`);
  }
  return runResults;
}

function describeCounts(nodes: ManifestNode[]): string {
  const by = new Map<string, number>();
  for (const n of nodes) {
    const k = n.resource_type === 'model' ? `${String(n.config.materialized)} model` : n.resource_type === 'test' ? 'data test' : n.resource_type;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  const parts = [...by].map(([k, v]) => `${v} ${k}${v === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

/** A node's entry of run_results.json. */
export function nodeResult(node: ManifestNode, status: Status, seconds: number, message: string | null, compiled: string | null, response: Record<string, unknown>, startedAt?: string): NodeResult {
  const now = new Date().toISOString();
  return {
    unique_id: node.unique_id,
    status,
    timing: startedAt ? [{ name: 'execute', started_at: startedAt, completed_at: now }] : [],
    thread_id: 'Thread-1',
    execution_time: seconds,
    adapter_response: response,
    message,
    failures: null,
    compiled: compiled !== null,
    compiled_code: compiled,
    relation_name: node.relation_name,
    batch_results: null,
  };
}

/** A node's failure as the user should read it: which model, where its compiled SQL is, and the engine's message. */
function errorMessage(node: ManifestNode, err: unknown, compiledDir: string): string {
  const where = `${node.resource_type} ${node.name} (${node.original_file_path})`;
  if (isStrataError(err) && err.code === 'sql-error') {
    const path = join(compiledDir, artifactPath(node));
    const line = (err as StrataError & { line?: number }).line ?? err.position?.line;
    return `Database error in ${where}\n  ${err.message.split('\n').join('\n  ')}\n  compiled SQL at ${path}${line ? `:${line}` : ''}`;
  }
  return `Error in ${where}\n  ${formatError(err).split('\n').join('\n  ')}`;
}

/**
 * What dbt gives on-run-end hooks: `results` (each node's result, with its `node`), `schemas` and
 * `database_schemas` (where the selected nodes build: hooks grant on them).
 */
function runEndContext(m: ParsedProject['manifest'], selected: Set<string>, results: NodeResult[]): Record<string, unknown> {
  const built = [...selected].map((id) => m.nodes[id]).filter((n): n is ManifestNode => !!n && BUILDS_RELATION.has(n.resource_type) && n.config.materialized !== 'ephemeral');
  const pairs = new Map(built.map((n) => [`${n.database}.${n.schema}`, [n.database, n.schema] as [string, string]]));
  return {
    results: results.map((r) => ({ ...r, node: m.nodes[r.unique_id] ?? null })),
    schemas: [...new Set(built.map((n) => n.schema))],
    database_schemas: [...pairs.values()].map((p) => makeTuple(p)),
  };
}

/** The resource types that build a relation (their schemas are on-run-end's `schemas`). */
const BUILDS_RELATION = new Set(['model', 'seed', 'snapshot']);

async function runProjectHook(compiler: Compiler, adapter: Adapter, db: ReturnType<typeof databaseServices>, code: string, kind: string, reporter: Reporter, extra?: Record<string, unknown>): Promise<void> {
  const root = compiler.parsed.project.root.name;
  const pseudo = { unique_id: `operation.${root}.${kind}`, name: kind, package_name: root, resource_type: 'operation', original_file_path: 'dbt_project.yml', config: {}, depends_on: { nodes: [], macros: [] } } as unknown as ManifestNode;
  const sql = (await compiler.render(pseudo, { code, codeName: `dbt_project.yml (${kind})`, db, extra })).trim();
  if (!sql) return;
  reporter.info(`Running ${kind} hook`);
  await adapter.withSession((s) => s.execute(sql, { fetch: false }));
}

/** Write the command's run_results.json into the target path; what was written. */
export function writeRunResults(parsed: ParsedProject, results: NodeResult[], elapsed: number, args: Record<string, unknown>): RunResults {
  const r: RunResults = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: STRATA_VERSION,
      generated_at: new Date().toISOString(),
      invocation_id: parsed.invocationId,
      env: {},
    },
    results,
    elapsed_time: elapsed,
    args,
  };
  mkdirSync(parsed.project.targetPath, { recursive: true });
  writeFileSync(join(parsed.project.targetPath, 'run_results.json'), JSON.stringify(r, null, 2));
  return r;
}
