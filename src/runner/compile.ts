/**
 * Render a node for execution: refs and sources resolve to real relations (another
 * environment's under `--defer`; files for DuckDB's external sources), ephemeral models are
 * inlined as CTEs, `is_incremental()` answers what the materialization decided, and a
 * microbatch window or a `--sample` window filters upstream refs that have an `event_time`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StrataError } from '../errors.js';
import { resolveVar } from '../project/index.js';
import { createNodeContext, type ContextServices, type DatabaseServices } from '../context/node-context.js';
import { Relation, doubleQuote, relation } from '../context/relation.js';
import type { ManifestNode, SourceEntry } from '../parse/manifest.js';
import { translateType, type ParsedProject } from '../parse/parser.js';
import type { Deferral } from './defer.js';
import { readRefCall } from '../parse/ref-call.js';
import { intersectWindows, type TimeWindow } from './sample.js';
import { externalSourceLocation } from './external.js';
import { refFindsVersion } from '../parse/model-versions.js';
import { escapeRe, locateCall, nodeText } from '../parse/locate.js';
import { testArgumentExpression } from '../parse/generic-tests.js';

/**
 * A subquery standing for a relation, named `_dbt_<kind>_subq_<table>` where the engine needs
 * a subquery in FROM to have a name (PostgreSQL), and unnamed where it does not (DuckDB), as
 * dbt's adapters render it, so that `{{ ref('x') }} as x` works wherever it works in dbt.
 */
function subquery(query: string, kind: string, table: string, named: boolean): string {
  return named ? `(${query}) _dbt_${kind}_subq_${table}` : `(${query})`;
}

/** A relation with the name and parts of `base` that prints as something read from it. */
abstract class DerivedRelation extends Relation {
  constructor(protected readonly base: Relation) {
    super(base.parts(), doubleQuote, base.includePolicy, base.quotePolicy, base.adapterType);
  }
}

/** A relation that prints as a subquery restricted to an event-time window (microbatch, `--sample`). */
class WindowedRelation extends DerivedRelation {
  constructor(base: Relation, private readonly column: string, private readonly start: Date, private readonly end: Date, private readonly named: boolean) {
    super(base);
  }
  override render(): string {
    const ts = (d: Date) => `cast('${d.toISOString().replace('T', ' ').replace('Z', '')}' as timestamp)`;
    const where = `${doubleQuote(this.column)} >= ${ts(this.start)} and ${doubleQuote(this.column)} < ${ts(this.end)}`;
    return subquery(`select * from ${this.base.render()} where ${where}`, 'et_filter', this.identifier, this.named);
  }
}

/** A relation under `--empty`: the same name, read as no rows. */
class EmptyRelation extends DerivedRelation {
  constructor(base: Relation, private readonly named: boolean) {
    super(base);
  }
  override render(): string {
    return subquery(`select * from ${this.base.render()} where false limit 0`, 'limit', this.identifier, this.named);
  }
}

/** A source read from files (dbt-duckdb's `external_location`): it prints as the location. */
class ExternalRelation extends DerivedRelation {
  constructor(base: Relation, private readonly location: string) {
    super(base);
  }
  override render(): string {
    return this.location;
  }
}

export interface RenderOptions {
  isIncremental?: boolean;
  batch?: { start: Date; end: Date };
  db?: DatabaseServices;
  /** Names added to the context (for hooks: nothing; for operations: their args). */
  extra?: Record<string, unknown>;
  /** Unit tests: `ref:name` / `source:src.table` → the CTE name that stands in for it. */
  refOverrides?: Map<string, string>;
  /** Unit tests: vars that win over the project's. */
  varOverrides?: Record<string, unknown>;
  /** Render this code instead of the node's own (hooks). */
  code?: string;
  codeName?: string;
}

/** dbt's `flags` as templates see them while a command (`WHICH`: run, build, compile…) runs. */
export function contextFlags(which: string, o: { fullRefresh?: boolean; failFast?: boolean; storeFailures?: boolean; empty?: boolean; warnError?: boolean } = {}): Record<string, unknown> {
  return { WHICH: which, FULL_REFRESH: Boolean(o.fullRefresh), FAIL_FAST: Boolean(o.failFast), STORE_FAILURES: Boolean(o.storeFailures), WARN_ERROR: Boolean(o.warnError), EMPTY: Boolean(o.empty) };
}

/** Everything compile needs that lasts for the whole invocation. */
export class Compiler {
  readonly graphValue: Record<string, unknown>;
  /** Buildable nodes by name, and sources by `source.table`: ref()/source() look up here, not by scanning. */
  private readonly nodesByName = new Map<string, ManifestNode[]>();
  private readonly sourcesByName = new Map<string, SourceEntry>();

  private readonly selectedSet: Set<string>;
  /** Where refs to nodes this run does not build may read from (`--defer`). */
  readonly deferral?: Deferral;
  /** `--sample`: the window refs and sources with an `event_time` are read in while models and snapshots build. */
  private readonly sample?: TimeWindow;
  /** Whether a subquery in FROM needs a name on this engine (all but DuckDB, as dbt's `require_alias`). */
  private readonly namedSubqueries: boolean;

  /** `selected`: the unique ids the command selected (templates' `selected_resources`). */
  constructor(
    readonly parsed: ParsedProject,
    private readonly flags: Record<string, unknown>,
    private readonly selected: readonly string[] = [],
    options: { deferral?: Deferral; sample?: TimeWindow } = {},
  ) {
    this.selectedSet = new Set(selected);
    this.deferral = options.deferral;
    this.sample = options.sample;
    this.namedSubqueries = parsed.adapterType !== 'duckdb';
    const m = parsed.manifest;
    this.graphValue = { nodes: m.nodes, sources: m.sources, exposures: m.exposures, metrics: {}, groups: m.groups, semantic_models: {}, saved_queries: {} };
    for (const n of Object.values(m.nodes)) {
      if (n.resource_type === 'test') continue;
      const list = this.nodesByName.get(n.name);
      if (list) list.push(n);
      else this.nodesByName.set(n.name, [n]);
    }
    for (const src of Object.values(m.sources)) this.sourcesByName.set(`${src.source_name}.${src.name}`, src);
  }

  /** A relation of the project's engine (its class, as templates see it, is that engine's). */
  private relation(parts: Parameters<typeof relation>[0]): Relation {
    return relation(parts, doubleQuote, this.parsed.adapterType);
  }

  /** A CTE of the compiled SQL, named bare as dbt names it (and as its definition is written). */
  private cte(identifier: string): Relation {
    return this.relation({ identifier, type: 'cte' }).quote({ identifier: false });
  }

  /** The relation a node builds (`this`). */
  relationOf(node: ManifestNode): Relation {
    if (node.config.materialized === 'ephemeral') return this.cte(`__dbt__cte__${node.name}`);
    const m = node.config.materialized;
    return this.relation({ database: node.database, schema: node.schema, identifier: node.alias, type: m === 'view' || m === 'materialized_view' ? m : 'table' });
  }

  /**
   * The relation a foreign key's `to` (`ref(…)` or `source(…)`, checked at parse) names, as dbt
   * renders it in the constraint: the node's own relation, never a deferred one.
   */
  constraintTarget(from: ManifestNode, to: string): Relation {
    const t = readRefCall(to);
    const m = this.parsed.manifest;
    if (t && 'ref' in t) {
      const hit = (n: ManifestNode | undefined) => refFinds(n, t.ref.name, t.ref.package, t.ref.version);
      const target = from.depends_on.nodes.map((id) => m.nodes[id]).find(hit) ?? this.nodesByName.get(t.ref.name)?.find(hit);
      if (target) return this.relationOf(target);
    } else if (t) {
      const src = this.sourcesByName.get(`${t.source[0]}.${t.source[1]}`);
      if (src) return this.relation({ database: src.database, schema: src.schema, identifier: src.identifier, type: 'table' });
    }
    throw new StrataError('ref-not-found', `Model ${from.name}: the foreign key's to: ${to} names no model, seed, snapshot or source`);
  }

  /**
   * The relation a ref to `node` reads: under `--defer`, the other environment's when the node
   * has one and either `--favor-state` is set and the node is not selected, or the node's own
   * relation does not exist (dbt's rule).
   */
  refRelationOf(node: ManifestNode): Relation {
    const d = this.deferral;
    const other = d?.nodes.get(node.unique_id);
    if (other && ((d!.favorState && !this.selectedSet.has(node.unique_id)) || !d!.exists(node))) return this.relationOf(other);
    return this.relationOf(node);
  }

  services(db: DatabaseServices | undefined, ephemerals: Set<string>, batch?: { start: Date; end: Date }, overrides?: Pick<RenderOptions, 'refOverrides' | 'varOverrides'>): ContextServices {
    const p = this.parsed;
    const m = p.manifest;
    // the window an upstream `event_time` is read in: a microbatch model's batch, and in sample
    // mode the sample (within the batch), for models and snapshots only (as in dbt)
    const windowFor = (from: { resourceType: string }) =>
      from.resourceType === 'model' || from.resourceType === 'snapshot' ? intersectWindows(batch, this.sample) : batch;
    return {
      mode: 'execute',
      registry: p.registry,
      adapterType: p.adapterType,
      dispatchPrefixes: [p.adapterType, 'default'],
      dispatchConfig: p.project.dispatch,
      quote: doubleQuote,
      translateType,
      resolveVar: (pkg, name) => (overrides?.varOverrides && name in overrides.varOverrides ? overrides.varOverrides[name] : resolveVar(p.project.vars, pkg, name)),
      flags: this.flags,
      projectFlags: p.project.root.config.flags,
      selectedResources: this.selected,
      db,
      graph: () => this.graphValue,
      resolveRef: (from, name, pkg, version) => {
        const given = overrides?.refOverrides?.get(`ref:${name}`);
        if (given) return this.cte(given);
        const node = m.nodes[from.uniqueId];
        const matches = (t: ManifestNode | undefined): t is ManifestNode => refFinds(t, name, pkg, version);
        const id = node?.depends_on.nodes.find((d) => matches(m.nodes[d]));
        const target = id ? m.nodes[id] : this.nodesByName.get(name)?.find(matches);
        if (!target) throw new StrataError('ref-not-found', `${from.name} refers to '${name}'${version == null || version === '' ? '' : ` version ${String(version)}`}, which was not found`);
        if (node && !id && CHECKED_REFS.has(node.resource_type)) throw unparsedRef(node, name, pkg, version);
        if (target.config.materialized === 'ephemeral') {
          ephemerals.add(target.unique_id);
          return this.relationOf(target);
        }
        const rel = this.refRelationOf(target);
        if (this.flags.EMPTY === true) return new EmptyRelation(rel, this.namedSubqueries);
        const et = target.config.event_time;
        const window = windowFor(from);
        if (window && typeof et === 'string' && et) return new WindowedRelation(rel, et, window.start, window.end, this.namedSubqueries);
        return rel;
      },
      resolveSource: (from, s, t) => {
        const given = overrides?.refOverrides?.get(`source:${s}.${t}`);
        if (given) return this.cte(given);
        const src = this.sourcesByName.get(`${s}.${t}`);
        if (!src) throw new StrataError('source-not-found', `source '${s}.${t}' was not found`);
        const table = this.relation({ database: src.database, schema: src.schema, identifier: src.identifier, type: 'table' });
        const location = p.adapterType === 'duckdb' ? externalSourceLocation(src) : undefined;
        const rel = location ? new ExternalRelation(table, location) : table;
        if (this.flags.EMPTY === true) return new EmptyRelation(rel, this.namedSubqueries);
        const et = src.config.event_time;
        const window = windowFor(from);
        if (window && typeof et === 'string' && et) return new WindowedRelation(rel, et, window.start, window.end, this.namedSubqueries);
        return rel;
      },
      resolveDoc: (pkg, name, fromPkg) => {
        const d = m.docs[`doc.${fromPkg ?? pkg}.${name}`] ?? Object.values(m.docs).find((x) => x.name === name);
        return d?.block_contents ?? '';
      },
    };
  }

  /** Render a node's SQL for execution, with ephemeral CTEs injected. */
  async render(node: ManifestNode, opts: RenderOptions = {}): Promise<string> {
    const ephemerals = new Set<string>();
    const sql = await this.renderRaw(node, opts, ephemerals);
    if (opts.code !== undefined || ephemerals.size === 0) return sql;
    return injectCtes(sql, await this.ephemeralCtes(ephemerals, opts));
  }

  private async renderRaw(node: ManifestNode, opts: RenderOptions, ephemerals: Set<string>): Promise<string> {
    const p = this.parsed;
    if (node.test_metadata && opts.code === undefined) {
      opts = { ...opts, extra: { ...opts.extra, _dbt_generic_test_kwargs: await this.testKwargs(node, opts, ephemerals) } };
    }
    const proto = p.prototypes.get(node.package_name) ?? p.baseContext;
    const ctx = createNodeContext(this.services(opts.db, ephemerals, opts.batch, opts), proto, {
      node: { uniqueId: node.unique_id, name: node.name, packageName: node.package_name, resourceType: node.resource_type, originalFilePath: node.original_file_path },
      self: this.relationOf(node),
      config: node.config,
      model: modelContext(node),
      isIncremental: opts.isIncremental,
      extra: opts.extra,
    });
    const tpl = opts.code !== undefined ? p.env.compile(opts.code, opts.codeName ?? `${node.original_file_path} (hook)`) : p.template(node.unique_id);
    return tpl.render(ctx);
  }

  /**
   * The keyword arguments of a generic test, rendered as dbt renders them: `model` is the tested
   * relation (`get_where_subquery(ref(…))`: a subquery when the test has a `where` config), and
   * `ref(...)`/`source(...)` arguments are relations, so a test can ask the adapter about them.
   * The ephemeral models they name are recorded in `ephemerals`, to be injected into its SQL.
   */
  private async testKwargs(node: ManifestNode, opts: RenderOptions, ephemerals: Set<string>): Promise<Record<string, unknown>> {
    const meta = node.test_metadata!;
    const out: Record<string, unknown> = {};
    // as dbt: every text inside the arguments is rendered, however deep in lists and mappings
    // (`[date, "{{ type_timestamp() }}"]`), except the column's name, taken as written
    const render = async (v: unknown): Promise<unknown> => {
      if (Array.isArray(v)) {
        const items: unknown[] = [];
        for (const item of v) items.push(await render(item));
        return items;
      }
      if (v !== null && typeof v === 'object') {
        const entries: Record<string, unknown> = {};
        for (const [k, item] of Object.entries(v)) entries[k] = await render(item);
        return entries;
      }
      const expr = testArgumentExpression(v);
      if (expr !== undefined) return this.evaluate(node, expr, opts, ephemerals);
      if (typeof v === 'string' && v.includes('{{')) return this.renderRaw(node, { ...opts, code: v, codeName: node.original_file_path }, ephemerals);
      return v;
    };
    for (const [k, v] of Object.entries(meta.kwargs)) {
      try {
        out[k] = k === 'column_name' ? v : await render(v);
      } catch (e) {
        throw this.atTestArgument(node, k, e);
      }
    }
    return out;
  }

  /**
   * An error while rendering a generic test's argument, placed at the argument in the YAML
   * file (the argument's text was rendered on its own, so the template knows no better line).
   */
  private atTestArgument(node: ManifestNode, key: string, e: unknown): unknown {
    const src = this.parsed.sources.get(node.unique_id);
    if (!(e instanceof StrataError) || !src) return e;
    const macros = e.trace.filter((t) => t.includes(', in macro '));
    return new StrataError(e.code, `${e.message} (in the argument \`${key}\` of test ${node.test_metadata!.name})`, {
      position: locateCall(src, new RegExp(`\\b${escapeRe(key)}\\s*:`)),
      source: nodeText(src),
      hint: e.hint,
      trace: macros,
      cause: e,
    });
  }

  /** The value of a Jinja expression in a node's context (a list stays a list). */
  async evaluate(node: ManifestNode, expression: string, opts: RenderOptions = {}, ephemerals = new Set<string>()): Promise<unknown> {
    let value: unknown;
    const capture = (v: unknown) => {
      value = v;
      return '';
    };
    await this.renderRaw(node, { ...opts, code: `{{ __strata_capture(${expression}) }}`, codeName: node.original_file_path, extra: { ...opts.extra, __strata_capture: capture } }, ephemerals);
    return value;
  }

  /** CTE definitions for the ephemeral models used, dependencies first. */
  private async ephemeralCtes(ids: Set<string>, opts: RenderOptions): Promise<string[]> {
    const done = new Map<string, string>();
    const visit = async (id: string, stack: string[]) => {
      if (done.has(id)) return;
      if (stack.includes(id)) throw new StrataError('dependency-cycle', `ephemeral models refer to each other: ${[...stack, id].join(' -> ')}`);
      const node = this.parsed.manifest.nodes[id]!;
      const inner = new Set<string>();
      const sql = await this.renderRaw(node, { ...opts, isIncremental: false }, inner);
      for (const d of inner) await visit(d, [...stack, id]);
      done.set(id, `__dbt__cte__${node.name} as (\n${sql.trim().replace(/;\s*$/, '')}\n)`);
    };
    for (const id of ids) await visit(id, []);
    return [...done.values()];
  }

  /** Write `target/<dir>/<package>/<original_file_path>`. */
  writeArtifact(dir: 'compiled' | 'run', node: ManifestNode, sql: string): string {
    const file = join(this.parsed.project.targetPath, dir, artifactPath(node));
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch {
      // An artifact of an older layout is in the way (a file where a folder goes): replace it.
      rmSync(dirname(file), { force: true });
      mkdirSync(dirname(file), { recursive: true });
    }
    writeFileSync(file, sql);
    return file;
  }
}

/** The nodes whose refs must all have been seen while parsing (dbt's check; operations and hooks of the run are not nodes). */
const CHECKED_REFS = new Set(['model', 'snapshot', 'seed', 'test', 'analysis']);

/**
 * A ref the node's parse did not see (it sits in a branch that only runs when executing, such as
 * `{% if execute %}` or `{% if is_incremental() %}`): the node was not ordered after what it reads,
 * so it might read it before it is built, as dbt refuses too.
 */
function unparsedRef(node: ManifestNode, name: string, pkg: string | undefined, version: unknown): StrataError {
  const args = [...(pkg ? [`'${pkg}'`] : []), `'${name}'`, ...(version == null || version === '' ? [] : [`v=${JSON.stringify(version)}`])].join(', ');
  return new StrataError('ref-not-parsed', `${node.resource_type} ${node.name} refers to '${name}' only when it runs, so it was not ordered after it: the ref was not seen while parsing, as it sits in a branch that parsing does not take (such as {% if execute %})`, {
    position: { file: node.original_file_path, line: 1 },
    hint: `add this line at the top of ${node.original_file_path}: -- depends_on: {{ ref(${args}) }}`,
  });
}

/** Where a node's compiled SQL goes under target/compiled (generic tests: one file each under their YAML file's path). */
export function artifactPath(node: ManifestNode): string {
  // a generic test's file is named by its path: its short name when the full one is too long
  if (node.test_metadata) return join(node.package_name, node.original_file_path, node.path);
  if (node.resource_type === ('unit_test' as ManifestNode['resource_type'])) return join(node.package_name, node.original_file_path, `${node.name}.sql`);
  return join(node.package_name, node.original_file_path);
}

/**
 * Put CTEs in front of a query: merged into its own leading `with` if it has one,
 * otherwise as a new `with` clause. Leading comments are kept in front.
 */
export function injectCtes(sql: string, ctes: string[]): string {
  if (ctes.length === 0) return sql;
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else break;
  }
  const head = sql.slice(0, i);
  const rest = sql.slice(i);
  const m = /^with(\s+recursive)?\s/i.exec(rest);
  if (m) return `${head}${rest.slice(0, m[0].length)}${ctes.join(',\n')},\n${rest.slice(m[0].length)}`;
  return `${head}with ${ctes.join(',\n')}\n${rest}`;
}

/**
 * Whether `ref(name)` (with a package and a version, if given) finds node `t`: a model
 * version when its version is the one asked for, or, asked for none, when it is the latest.
 */
function refFinds(t: ManifestNode | undefined, name: string, pkg: string | undefined, version: unknown): t is ManifestNode {
  return t !== undefined && t.name === name && (!pkg || t.package_name === pkg) && refFindsVersion(t, version);
}

/**
 * The node as templates see it (`model`): as dbt's `to_dict(omit_none=True)`, its fields that
 * are null are left out, so that `{{ model.version }}` of an unversioned model is undefined
 * (it renders as nothing), not None. A fresh copy each render: the runner fills fields in as it goes.
 */
function modelContext(node: ManifestNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (v !== null) out[k] = v;
  return out;
}
