/**
 * Executing one node: each resource type has its executor, which renders what it needs
 * and hands it to its materialization (model, seed, snapshot) or test runner. The
 * scheduler (run.ts) decides when; this decides how.
 */
import { join } from 'node:path';
import { StrataError } from '../errors.js';
import type { Adapter } from '../adapters/index.js';
import type { Session } from '../adapters/adapter.js';
import { columnSpec, columnValue, type DatabaseServices } from '../context/node-context.js';
import { INTERNAL_PACKAGE, type MacroDef } from '../context/macros.js';
import type { StrategyMacroArgs } from '../materializations/context.js';
import { hasMaterialization, materialize } from '../materializations/index.js';
import type { Contract } from '../materializations/contract.js';
import { loadSeed } from '../materializations/seed.js';
import { buildSnapshot } from '../materializations/snapshot.js';
import { runTest } from '../materializations/test.js';
import type { ManifestNode } from '../parse/manifest.js';
import type { ModelConstraint } from '../parse/constraints.js';
import type { ParsedProject } from '../parse/parser.js';
import type { Status } from '../report/reporter.js';
import type { Compiler } from './compile.js';
import { buildSessionServices, sessionServices, toAdapterRelation } from './database.js';
import { hookSql, runHooksOn, type Hook } from '../materializations/statement-log.js';
import { incrementalBuild } from './is-incremental.js';
import { runUnitTest } from './unit-test.js';

/** What an executor needs beside the node. */
export interface ExecutionEnv {
  parsed: ParsedProject;
  compiler: Compiler;
  adapter: Adapter;
  db: DatabaseServices;
  fullRefresh: boolean;
  storeFailures: boolean;
  /** `--warn-error` for test results: a test that would warn fails. */
  warnError?: boolean;
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  signal: AbortSignal;
  /** Show a warning that does not stop the build. */
  warn?: (message: string) => void;
  /** Called with the node's compiled SQL when it is rendered (written to target/compiled/). */
  compiled(sql: string): void;
}

/** What an executor did. */
export interface Execution {
  status: Status;
  /** dbt's message (none for a test that passes). */
  message: string | null;
  /** Every statement run, for target/run/. */
  executedSql: string[];
  /** dbt's adapter_response. */
  response?: Record<string, unknown>;
  failures?: number;
  /** Where the result went, when not the node's own relation (stored test failures). */
  relationName?: string;
}

export type Executor = (node: ManifestNode, env: ExecutionEnv) => Promise<Execution>;

function response(message: string, rowsAffected: number | undefined): Record<string, unknown> {
  return { _message: message, code: message.split(' ')[0], rows_affected: rowsAffected ?? null };
}

/** The model's contract when `contract: {enforced: true}`: its YAML columns, with their types and constraints. */
function contractOf(node: ManifestNode, compiler: Compiler): Contract | undefined {
  const c = node.config.contract as { enforced?: unknown } | undefined;
  if (c?.enforced !== true) return undefined;
  const mode = node.config.on_schema_change ?? 'ignore';
  if (node.config.materialized === 'incremental' && mode !== 'append_new_columns' && mode !== 'fail') {
    throw new StrataError('config-error', `Model ${node.name} is incremental with an enforced contract, so on_schema_change must be 'append_new_columns' or 'fail' (it is '${String(mode)}')`, {
      hint: 'Set on_schema_change in the model config, as dbt requires for contracted incremental models.',
    });
  }
  return {
    columns: Object.values(node.columns).map((col) => ({ name: col.name, dataType: col.data_type, constraints: col.constraints ?? [] })),
    constraints: (node.constraints ?? []) as ModelConstraint[],
    relationOf: (to) => compiler.constraintTarget(node, to).render(),
    file: node.patch_path?.replace(/^[^:]*:\/\//, ''),
  };
}

/**
 * A node's pre- and post-hooks, each rendered when its turn comes, on the session that runs it
 * (as dbt renders them: a hook's Jinja may read or drop what the build made), with the
 * `is_incremental()` of the build itself, known before the build (as in dbt-core, in post-hooks
 * too: false after an incremental model's first build). `pre` and `post` run inside the
 * build's transaction; a hook configured with `transaction: false` (`before_begin(…)`,
 * `after_commit(…)`) runs outside it: `before` ahead of the build, `after` once it has committed.
 */
async function renderHooks(node: ManifestNode, env: ExecutionEnv, incrementalBuildOf: () => Promise<boolean>): Promise<NodeHooks> {
  const hooks: NodeHooks = { pre: [], post: [], before: [], after: [] };
  let incremental: boolean | undefined;
  for (const key of ['pre_hook', 'post_hook'] as const) {
    for (const h of (node.config[key] as unknown[] | undefined) ?? []) {
      const code = typeof h === 'string' ? h : String((h as { sql?: unknown }).sql ?? '');
      if (!code.trim()) continue;
      const inside = typeof h === 'string' || (h as { transaction?: unknown }).transaction !== false;
      incremental ??= await incrementalBuildOf();
      const isIncremental = incremental;
      const render: Hook = async (session) =>
        (await env.compiler.render(node, { code, codeName: `${node.original_file_path} (${key.replace('_', '-')})`, db: buildSessionServices(env.adapter, session), isIncremental })).trim();
      hooks[key === 'pre_hook' ? (inside ? 'pre' : 'before') : inside ? 'post' : 'after'].push(render);
    }
  }
  return hooks;
}

/** Every hook's SQL, rendered on `session` (for a Jinja materialization's `run_hooks`). */
async function renderedOn(hooks: readonly Hook[], session: Session): Promise<string[]> {
  const out: string[] = [];
  for (const h of hooks) {
    const sql = await hookSql(h, session);
    if (sql) out.push(sql);
  }
  return out;
}

interface NodeHooks {
  pre: Hook[];
  post: Hook[];
  before: Hook[];
  after: Hook[];
}

/** Build with `build`, running the hooks that stay outside its transaction before and after it. */
async function outsideTransaction<T>(hooks: NodeHooks, env: ExecutionEnv, build: () => Promise<T>): Promise<T> {
  const run = async (list: Hook[]) => {
    if (list.length) await env.adapter.withSession((s) => runHooksOn(s, list, [], env.signal));
  };
  await run(hooks.before);
  const result = await build();
  await run(hooks.after);
  return result;
}

/** What a materialization is told about the node it builds. */
function materializationNode(node: ManifestNode, env: ExecutionEnv, config = node.config) {
  return {
    uniqueId: node.unique_id,
    name: node.name,
    relation: toAdapterRelation(env.adapter, env.compiler.relationOf(node)),
    config,
    compiledPath: join(env.parsed.project.targetPath, 'compiled', node.package_name, node.original_file_path),
    docs: { description: node.description ?? '', columns: Object.values(node.columns ?? {}).map((c) => ({ name: c.name, description: c.description ?? '', quote: c.quote === true })) },
  };
}

/** The project folder and the DuckDB profile's `external_root`, for `external` models. */
function fileLocations(env: ExecutionEnv): { projectDir: string; externalRoot?: string } {
  const root = env.parsed.project.profile?.fields.external_root;
  return { projectDir: env.parsed.project.root.dir, externalRoot: typeof root === 'string' && root ? root : undefined };
}

const model: Executor = async (node, env) => {
  const { compiler, db } = env;
  const kind = String(node.config.materialized ?? 'view');
  const jinja = jinjaMaterialization(env, kind);
  const hooks = await renderHooks(node, env, () => incrementalBuild(compiler, node, async () => env.adapter, env.fullRefresh));
  if (jinja) return runJinjaMaterialization(node, env, kind, jinja, hooks);
  const r = await outsideTransaction(hooks, env, () => materialize(kind, {
    adapter: env.adapter,
    node: { ...materializationNode(node, env), contract: contractOf(node, compiler) },
    fullRefresh: env.fullRefresh,
    render: async ({ isIncremental, batch }) => {
      const sql = await compiler.render(node, { isIncremental, batch, db });
      env.compiled(sql);
      return sql;
    },
    hooks,
    eventTimeStart: env.eventTimeStart,
    eventTimeEnd: env.eventTimeEnd,
    now: env.parsed.runStartedAt,
    signal: env.signal,
    warn: env.warn,
    strategyMacro: (strategy) => strategyMacro(node, env, strategy),
    ...fileLocations(env),
  }));
  return { status: 'success', message: r.message, executedSql: r.executedSql, response: response(r.message, r.rowsAffected) };
};

/**
 * A materialization written in Jinja (`{% materialization name, adapter='…' %}` or `…, default %}`)
 * for `kind`: one for this engine before one for any (`default`); the root project's first. A
 * package's can add a materialization, not replace one Strata has (as dbt 1.10 requires by
 * default); the root project's replaces Strata's own.
 */
function jinjaMaterialization(env: ExecutionEnv, kind: string): MacroDef | undefined {
  const registry = env.parsed.registry;
  const names = [env.adapter.type, 'default'].map((a) => `materialization_${kind}_${a}`);
  for (const name of names) {
    const own = registry.get(registry.rootPackage, name);
    if (own) return own;
  }
  if (hasMaterialization(kind)) return undefined;
  for (const name of names) {
    for (const pkg of registry.byPackage.keys()) {
      const def = pkg === INTERNAL_PACKAGE ? undefined : registry.get(pkg, name);
      if (def) return def;
    }
  }
  return undefined;
}

/**
 * Run a Jinja materialization as dbt does: the model's compiled SQL as `sql` and
 * `compiled_code`, its hooks as `pre_hooks` / `post_hooks` (for `run_hooks`), its statements
 * on one session whose transaction `statement` blocks open and `adapter.commit()` commits (what
 * is still open at the end is committed, or rolled back on an error). It must return
 * `{'relations': [...]}`.
 */
async function runJinjaMaterialization(node: ManifestNode, env: ExecutionEnv, kind: string, def: MacroDef, hooks: NodeHooks): Promise<Execution> {
  const sql = await env.compiler.render(node, { isIncremental: false, db: env.db });
  env.compiled(sql);
  const executed = await env.adapter.withSession(async (session) => {
    const db = sessionServices(env.adapter, session);
    try {
      // run_hooks runs them as the materialization says: rendered here, on its session
      const dicts = async (list: Hook[], transaction: boolean) => (await renderedOn(list, session)).map((hook) => ({ sql: hook, transaction }));
      const extra = {
        sql,
        compiled_code: sql,
        pre_hooks: [...(await dicts(hooks.before, false)), ...(await dicts(hooks.pre, true))],
        post_hooks: [...(await dicts(hooks.post, true)), ...(await dicts(hooks.after, false))],
      };
      const value = await env.compiler.evaluate(node, `${def.packageName}.${def.name}()`, { db, extra });
      if (!value || typeof value !== 'object' || !Array.isArray((value as { relations?: unknown }).relations)) {
        throw new StrataError('materialization-return', `The materialization ${kind} (${def.displayPath}:${def.line}) did not return the relations it built`, {
          hint: "end it with {{ return({'relations': [target_relation]}) }}, as dbt requires",
        });
      }
      await db.end(true);
      return db.executed;
    } catch (e) {
      await db.end(false).catch(() => undefined);
      throw e;
    } finally {
      // what the materialization created or dropped is not known: look the catalog up again
      env.adapter.cache.invalidate();
    }
  });
  return { status: 'success', message: 'OK', executedSql: executed, response: response('OK', undefined) };
}

/**
 * dbt's custom incremental strategies: the macro `get_incremental_<strategy>_sql` (`delete+insert`
 * → `get_incremental_delete_insert_sql`) as the model's code would find it (its package, the root
 * project), called with dbt's `arg_dict`; undefined when no package defines it.
 */
function strategyMacro(node: ManifestNode, env: ExecutionEnv, strategy: string): ((args: StrategyMacroArgs) => Promise<string>) | undefined {
  const name = `get_incremental_${strategy.replace(/\+/g, '_')}_sql`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  const def = env.parsed.registry.resolve(node.package_name, name);
  if (!def || def.packageName === INTERNAL_PACKAGE) return undefined;
  const engine = env.adapter.type;
  return async (args) => {
    const argDict = {
      target_relation: args.target,
      temp_relation: args.staged,
      unique_key: node.config.unique_key ?? null,
      dest_columns: args.columns.map((c) => columnValue(columnSpec({ name: c.name, dataType: c.type }, engine), engine)),
      incremental_predicates: args.predicates.length ? args.predicates : null,
    };
    const value = await env.compiler.evaluate(node, `${name}(__strata_arg_dict)`, { db: buildSessionServices(env.adapter, args.session), isIncremental: true, extra: { __strata_arg_dict: argDict } });
    const sql = value == null ? '' : String(value);
    if (!sql.trim()) {
      throw new StrataError('config-error', `Model ${node.name}: the macro ${name} (${def.displayPath}:${def.line}) returned no SQL for incremental_strategy '${strategy}'`, {
        hint: `return the statement to run: {{ return(...) }} or {% do return(...) %}`,
      });
    }
    return sql;
  };
}

/**
 * `clone`: a model, seed or snapshot becomes a view of the relation the state manifest names
 * (`select * from` it), unless it exists already (`--full-refresh` replaces it). This is dbt's
 * clone where the engine cannot clone a table without copying it, as on DuckDB and PostgreSQL;
 * as there, the model's hooks run around it.
 */
const clone: Executor = async (node, env) => {
  const { compiler } = env;
  const other = compiler.deferral?.nodes.get(node.unique_id);
  const noop = (why: string): Execution => ({ status: 'success', message: `No-op: ${why}`, executedSql: [], response: response('No-op', undefined) });
  if (!other) return noop(`the state manifest has no relation for ${node.unique_id}`);
  const here = compiler.relationOf(node);
  const there = compiler.relationOf(other);
  if (here.render() === there.render()) return noop(`${here.render()} is the state's relation itself`);
  if (compiler.deferral!.exists(node) && !env.fullRefresh) return noop(`${here.render()} already exists`);
  const hooks = await renderHooks(node, env, async () => false);
  const sql = `select * from ${there.render()}`;
  const r = await outsideTransaction(hooks, env, () => materialize('view', {
    adapter: env.adapter,
    // no compiled file: the view's query is not the node's code
    node: { ...materializationNode(node, env, { ...node.config, materialized: 'view' }), compiledPath: undefined },
    fullRefresh: true,
    render: async () => sql,
    hooks,
    now: env.parsed.runStartedAt,
    signal: env.signal,
    warn: env.warn,
  }));
  return { status: 'success', message: r.message, executedSql: r.executedSql, response: response(r.message, r.rowsAffected) };
};

const test: Executor = async (node, env) => {
  const sql = await env.compiler.render(node, { db: env.db });
  env.compiled(sql);
  const r = await runTest({
    adapter: env.adapter,
    node: { uniqueId: node.unique_id, name: node.name, config: node.config },
    sql,
    failuresRelation: toAdapterRelation(env.adapter, env.compiler.relationOf(node)).withType('table'),
    storeFailures: env.storeFailures,
    warnError: env.warnError,
    signal: env.signal,
  });
  return {
    status: r.status,
    // as dbt: a test that passes has no message; its adapter_response is its one-row query's
    message: r.storedIn ? `${r.message}; failing rows in ${r.storedIn}` : r.status === 'pass' ? null : r.message,
    response: response('SELECT 1', 1),
    executedSql: r.executedSql,
    failures: r.failures,
    relationName: r.storedIn,
  };
};

const unitTest: Executor = async (node, env) => {
  const m = env.parsed.manifest;
  const ut = m.unit_tests[node.unique_id]!;
  const r = await runUnitTest(ut, m.nodes[ut.depends_on.nodes[0]!]!, env.compiler, env.adapter, env.db);
  // as dbt: a unit test that passes has no message and 0 failures; one that fails, 1 failure
  if (r.status === 'pass') return { status: r.status, message: null, failures: 0, executedSql: r.executedSql };
  return { status: r.status, message: r.message, failures: r.status === 'fail' ? 1 : undefined, executedSql: r.executedSql };
};

const seed: Executor = async (node, env) => {
  const src = env.parsed.sources.get(node.unique_id)!;
  const hooks = await renderHooks(node, env, async () => false);
  const r = await outsideTransaction(hooks, env, () => loadSeed({
    adapter: env.adapter,
    node: materializationNode(node, env),
    csvPath: src.absPath,
    displayPath: src.templateName,
    fullRefresh: env.fullRefresh || node.config.full_refresh === true,
    signal: env.signal,
    warn: env.warn,
    hooks,
  }));
  return { status: 'success', message: r.message, executedSql: r.executedSql, response: response(r.message, r.rowsAffected) };
};

const snapshot: Executor = async (node, env) => {
  const hooks = await renderHooks(node, env, async () => false);
  const r = await outsideTransaction(hooks, env, () => buildSnapshot({
    adapter: env.adapter,
    node: materializationNode(node, env),
    render: async () => {
      const sql = await env.compiler.render(node, { db: env.db });
      env.compiled(sql);
      return sql;
    },
    now: env.parsed.runStartedAt,
    signal: env.signal,
    warn: env.warn,
    hooks,
  }));
  return { status: 'success', message: r.message, executedSql: r.executedSql, response: response(r.message, r.rowsAffected) };
};

/** The executor of each resource type the runner builds. */
export const EXECUTORS: Record<string, Executor> = { model, test, unit_test: unitTest, seed, snapshot };

/** The executor of every node of a `clone`. */
export const CLONE_EXECUTOR: Executor = clone;
