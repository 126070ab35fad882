/**
 * The per-node half of dbt's Jinja context: `ref`, `source`, `config`, `this`, `var`,
 * `is_incremental`, `adapter`, `model`, `execute`, `run_query`, `statement`… In parse mode
 * these record what the node asks for; in execute mode they resolve it against the
 * manifest and the database.
 */
import type { Macro } from '../jinja/index.js';
import { toJS } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { bindArgs, splitArgs } from './args.js';
import { bindMacro, dispatchLookup, type MacroRegistry } from './macros.js';
import { Relation, relation, type QuoteFn, type RelationType } from './relation.js';
import { ResultTable, type ColumnInfo } from './table.js';

/** What a parse-mode render learned about a node. */
export interface ParseRecord {
  refs: { name: string; package?: string; version?: string | number }[];
  sources: [string, string][];
  /** Keyword arguments of every `config(...)` call, in order. */
  configCalls: Record<string, unknown>[];
  macrosUsed: Set<string>;
}

/** The database operations a context needs in execute mode (the runner supplies them). */
export interface DatabaseServices {
  execute(sql: string, fetch: boolean): Promise<{ message: string; rowsAffected?: number; table: ResultTable }>;
  getRelation(database: string | null, schema: string, identifier: string): Promise<Relation | null>;
  getColumns(relation: Relation): Promise<ColumnInfo[]>;
  createSchema(relation: Relation): Promise<void>;
  dropRelation(relation: Relation): Promise<void>;
  renameRelation(from: Relation, to: Relation): Promise<void>;
  listSchemas(database: string | null): Promise<string[]>;
}

/** Invocation-wide services shared by every node context. */
export interface ContextServices {
  mode: 'parse' | 'execute';
  registry: MacroRegistry;
  adapterType: string;
  /** Adapter prefixes for dispatch, most specific first, ending with 'default'. */
  dispatchPrefixes: string[];
  dispatchConfig: { macro_namespace: string; search_order: string[] }[];
  quote: QuoteFn;
  /** Type names for `api.Column.translate_type`. */
  translateType(type: string): string;
  /** `var(name)` for a node of `packageName`; `undefined` when not set. */
  resolveVar(packageName: string, name: string): unknown;
  /** Execute mode: the relation a `ref` points at (throws a StrataError when unknown). */
  resolveRef?(from: NodeIdentity, name: string, pkg: string | undefined, version: unknown): Relation;
  resolveSource?(from: NodeIdentity, source: string, table: string): Relation;
  /** `doc('name')`. */
  resolveDoc?(packageName: string, name: string, pkg?: string): string;
  db?: DatabaseServices;
  /** The `graph` variable. */
  graph(): unknown;
  flags: Record<string, unknown>;
}

/** Who is rendering: enough to scope vars and macros and to print `this`. */
export interface NodeIdentity {
  uniqueId: string;
  name: string;
  packageName: string;
  resourceType: string;
  originalFilePath: string;
}

export interface NodeContextInput {
  node: NodeIdentity;
  /** The relation `this` prints as. */
  self: Relation;
  /** The node's config as known: project tree and YAML in parse mode, final config in execute mode. */
  config: Record<string, unknown>;
  /** The `model` variable (the node's manifest entry). */
  model: Record<string, unknown>;
  /** Parse mode: where to record refs, sources and config calls. */
  record?: ParseRecord;
  /** Execute mode: what is_incremental() returns. */
  isIncremental?: boolean;
  /** Extra names for this render (for example `sql` and `pre_hooks` for hooks). */
  extra?: Record<string, unknown>;
}

/** Build the context object for one render of one node. `proto` is the package's macro prototype. */
export function createNodeContext(services: ContextServices, proto: object, input: NodeContextInput): Record<string, unknown> {
  const ctx = Object.create(proto) as Record<string, unknown> & { macrosUsed?: Set<string> };
  const { node, record } = input;
  const parse = services.mode === 'parse';
  const results = new Map<string, unknown>();
  if (record) Object.defineProperty(ctx, 'macrosUsed', { value: record.macrosUsed, enumerable: false });

  const ref = (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    if (positional.length < 1 || positional.length > 2) throw new StrataError('ref-args', `ref() takes one or two arguments (${positional.length} given)`);
    const name = String(positional[positional.length - 1]);
    const pkg = positional.length === 2 ? String(positional[0]) : undefined;
    const version = kwargs.version ?? kwargs.v;
    if (parse) {
      record?.refs.push(version === undefined ? { name, ...(pkg ? { package: pkg } : {}) } : { name, ...(pkg ? { package: pkg } : {}), version: version as string | number });
      return relation({ database: input.self.database, schema: input.self.schema, identifier: name }, services.quote);
    }
    return services.resolveRef!(node, name, pkg, version);
  };

  const source = (...args: unknown[]) => {
    const a = bindArgs('source', args, ['source_name', 'table_name']);
    if (a.source_name === undefined || a.table_name === undefined) throw new StrataError('source-args', 'source() takes two arguments: the source name and the table name');
    const s = String(a.source_name);
    const t = String(a.table_name);
    if (parse) {
      record?.sources.push([s, t]);
      return relation({ database: input.self.database, schema: s, identifier: t }, services.quote);
    }
    return services.resolveSource!(node, s, t);
  };

  const config = Object.assign(
    (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      const values: Record<string, unknown> = {};
      for (const p of positional) if (p && typeof p === 'object') Object.assign(values, toJS(p) as object);
      for (const [k, v] of Object.entries(kwargs)) values[k] = toJS(v);
      if (parse) {
        record?.configCalls.push(values);
        Object.assign(input.config, values);
      }
      return '';
    },
    {
      get(...args: unknown[]) {
        const a = bindArgs('config.get', args, ['name', 'default', 'validator'], { default: null });
        const v = input.config[String(a.name)];
        return v === undefined || v === null ? a.default : v;
      },
      require(...args: unknown[]) {
        const a = bindArgs('config.require', args, ['name', 'validator']);
        const v = input.config[String(a.name)];
        if ((v === undefined || v === null) && !parse) throw new StrataError('config-missing', `config '${String(a.name)}' is required by ${node.name} but was not set`);
        return v ?? null;
      },
      persist_relation_docs: () => Boolean((input.config.persist_docs as Record<string, unknown> | undefined)?.relation),
      persist_column_docs: () => Boolean((input.config.persist_docs as Record<string, unknown> | undefined)?.columns),
    },
  );

  const dispatch = (...args: unknown[]): Macro => {
    const a = bindArgs('adapter.dispatch', args, ['macro_name', 'macro_namespace', 'packages'], { macro_namespace: null });
    const name = String(a.macro_name);
    if (name.includes('.')) throw new StrataError('dispatch-args', `adapter.dispatch('${name}'): give the namespace as the second argument, not in the name`, { hint: `adapter.dispatch('${name.split('.').pop()}', '${name.split('.')[0]}')` });
    const def = dispatchLookup(services.registry, node.packageName, name, a.macro_namespace as string | null, services.dispatchPrefixes, services.dispatchConfig);
    return bindMacro(def, ctx);
  };

  const needDb = (what: string): DatabaseServices => {
    if (!services.db) throw new StrataError('no-database', `${what} needs a database connection, which this command does not open`);
    return services.db;
  };

  const adapter = Object.freeze({
    type: () => services.adapterType,
    dispatch,
    quote: (s: unknown) => services.quote(String(s)),
    quote_as_configured: (s: unknown) => services.quote(String(s)),
    get_relation: async (...args: unknown[]) => {
      const a = bindArgs('adapter.get_relation', args, ['database', 'schema', 'identifier']);
      if (parse) return null;
      return needDb('adapter.get_relation').getRelation((a.database as string | null) ?? null, String(a.schema), String(a.identifier));
    },
    get_columns_in_relation: async (relation: unknown) => {
      if (parse) return [];
      const cols = await needDb('adapter.get_columns_in_relation').getColumns(asRelation(relation, services.quote));
      return cols.map((c) => columnValue(c));
    },
    execute: async (...args: unknown[]) => {
      const a = bindArgs('adapter.execute', args, ['sql', 'auto_begin', 'fetch'], { auto_begin: false, fetch: false });
      if (parse) return [{ _message: '' }, new ResultTable([], [])];
      const r = await needDb('adapter.execute').execute(String(a.sql), Boolean(a.fetch));
      return [{ _message: r.message, rows_affected: r.rowsAffected ?? null, code: r.message }, r.table];
    },
    create_schema: async (relation: unknown) => (parse ? '' : (await needDb('adapter.create_schema').createSchema(asRelation(relation, services.quote)), '')),
    drop_relation: async (relation: unknown) => (parse ? '' : (await needDb('adapter.drop_relation').dropRelation(asRelation(relation, services.quote)), '')),
    rename_relation: async (from: unknown, to: unknown) =>
      parse ? '' : (await needDb('adapter.rename_relation').renameRelation(asRelation(from, services.quote), asRelation(to, services.quote)), ''),
    list_schemas: async (database: unknown) => (parse ? [] : needDb('adapter.list_schemas').listSchemas((database as string | null) ?? null)),
    check_schema_exists: async (database: unknown, schema: unknown) =>
      parse ? false : (await needDb('adapter.check_schema_exists').listSchemas((database as string | null) ?? null)).map((s) => s.toLowerCase()).includes(String(schema).toLowerCase()),
    already_exists: async (schema: unknown, identifier: unknown) =>
      parse ? false : (await needDb('adapter.already_exists').getRelation(null, String(schema), String(identifier))) !== null,
    get_missing_columns: async (from: unknown, to: unknown) => {
      if (parse) return [];
      const db = needDb('adapter.get_missing_columns');
      const a = await db.getColumns(asRelation(from, services.quote));
      const b = new Set((await db.getColumns(asRelation(to, services.quote))).map((c) => c.name.toLowerCase()));
      return a.filter((c) => !b.has(c.name.toLowerCase())).map(columnValue);
    },
    expand_target_column_types: () => '',
  });

  const runQuery = async (sql: unknown) => {
    if (parse) return null;
    return (await needDb('run_query').execute(String(sql), true)).table;
  };

  const statement = async (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const a = { name: positional[0] ?? kwargs.name ?? null, fetch_result: positional[1] ?? kwargs.fetch_result ?? false };
    const caller = kwargs.caller as Macro | undefined;
    const sql = caller ? String(await caller.call([], {})) : '';
    if (parse) return '';
    const r = await needDb('statement').execute(sql, Boolean(a.fetch_result));
    if (a.name != null) results.set(String(a.name), { response: { _message: r.message, rows_affected: r.rowsAffected ?? null }, table: r.table, data: r.table.rows });
    return '';
  };

  Object.assign(ctx, {
    ref,
    source,
    config,
    this: input.self,
    model: input.model,
    execute: !parse,
    var: Object.assign(
      (...args: unknown[]) => {
        const a = bindArgs('var', args, ['name', 'default']);
        const name = String(a.name);
        const v = services.resolveVar(node.packageName, name);
        if (v !== undefined) return v;
        if ('default' in a) return a.default;
        throw new StrataError('var-not-found', `Required var '${name}' not found in config`, {
          hint: `define it under vars: in dbt_project.yml, give a default (var('${name}', …)), or pass --vars '{${name}: …}'`,
        });
      },
      { has_var: (name: unknown) => services.resolveVar(node.packageName, String(name)) !== undefined },
    ),
    is_incremental: () => (parse ? false : Boolean(input.isIncremental)),
    adapter,
    api: Object.freeze({
      Relation: Object.freeze({
        create: (...args: unknown[]) => {
          const a = bindArgs('api.Relation.create', args, ['database', 'schema', 'identifier', 'type'], { database: null, schema: null, type: null });
          return relation({ database: a.database as string | null, schema: a.schema as string | null, identifier: String(a.identifier ?? ''), type: a.type as RelationType | null }, services.quote);
        },
      }),
      Column: Object.freeze({
        translate_type: (t: unknown) => services.translateType(String(t)),
        numeric_type: (dtype: unknown, precision: unknown, scale: unknown) => (precision == null ? String(dtype) : `${String(dtype)}(${String(precision)},${String(scale ?? 0)})`),
        string_type: (size: unknown) => `character varying(${String(size)})`,
        create: (name: unknown, dtype: unknown) => columnValue({ name: String(name), dataType: String(dtype) }),
      }),
    }),
    run_query: runQuery,
    statement,
    load_result: (name: unknown) => results.get(String(name)) ?? null,
    store_result: (...args: unknown[]) => {
      const a = bindArgs('store_result', args, ['name', 'response', 'agate_table'], { agate_table: null });
      results.set(String(a.name), { response: a.response, table: a.agate_table, data: (a.agate_table as ResultTable | null)?.rows ?? [] });
      return '';
    },
    graph: services.graph(),
    doc: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      const name = String(positional[positional.length - 1]);
      const pkg = positional.length > 1 ? String(positional[0]) : undefined;
      return services.resolveDoc ? services.resolveDoc(node.packageName, name, pkg) : '';
    },
    ...input.extra,
  });
  return ctx;
}

function asRelation(v: unknown, quote: QuoteFn): Relation {
  if (v instanceof Relation) return v;
  if (v && typeof v === 'object' && 'identifier' in v) return relation(v as { identifier: string }, quote);
  throw new StrataError('relation-expected', `expected a relation, got ${String(v)}`);
}

/** A column as dbt's Column object: `.name`, `.data_type`, `.dtype`, `.quoted`, `.is_string()`… */
export function columnValue(c: ColumnInfo) {
  const t = c.dataType.toLowerCase();
  return Object.freeze({
    name: c.name,
    column: c.name,
    data_type: c.dataType,
    dtype: c.dataType,
    quoted: `"${c.name.replace(/"/g, '""')}"`,
    is_string: () => /char|text|string/.test(t),
    is_number: () => /int|float|double|decimal|numeric|real/.test(t),
    is_integer: () => /int/.test(t),
    is_float: () => /float|double|real/.test(t),
    is_numeric: () => /decimal|numeric/.test(t),
    toString: () => `<Column ${c.name} (${c.dataType})>`,
  });
}
