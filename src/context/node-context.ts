/**
 * The per-node half of dbt's Jinja context: `ref`, `source`, `config`, `this`, `var`,
 * `is_incremental`, `adapter`, `model`, `execute`, `run_query`, `statement`… In parse mode
 * these record what the node asks for; in execute mode they resolve it against the
 * manifest and the database.
 */
import type { Macro } from '../jinja/index.js';
import { PY_REPR, pyRepr, toJS } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { bindArgs, splitArgs } from './args.js';
import { bindMacro, dispatchLookup, type MacroRegistry } from './macros.js';
import { Relation, addEphemeralPrefix, relation, type QuoteFn, type RelationType } from './relation.js';
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
  /**
   * Run SQL. `autoBegin` (dbt's `auto_begin`: true for `statement` blocks) opens a transaction
   * first when the services keep one (a Jinja materialization's); others ignore it.
   */
  execute(sql: string, fetch: boolean, autoBegin?: boolean): Promise<{ message: string; rowsAffected?: number; table: ResultTable }>;
  /** `adapter.commit()`: commit the transaction the services keep open, if any. */
  commit?(): Promise<void>;
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
  /** The `flags:` of dbt_project.yml, where `adapter.behavior` reads its settings. */
  projectFlags?: Record<string, unknown>;
  /** `selected_resources`: the unique ids the command selected (execute mode). */
  selectedResources?: readonly string[];
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
      return relation({ database: input.self.database, schema: input.self.schema, identifier: name }, services.quote, services.adapterType);
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
      return relation({ database: input.self.database, schema: s, identifier: t }, services.quote, services.adapterType);
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
      // dbt's `config.set` records a setting while parsing (what `set_sql_header` uses); it does nothing when running
      set(...args: unknown[]) {
        const a = bindArgs('config.set', args, ['name', 'value']);
        if (parse) {
          const values = { [String(a.name)]: toJS(a.value) };
          record?.configCalls.push(values);
          Object.assign(input.config, values);
        }
        return '';
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

  const columnOf = (c: ColumnInfo) => columnValue(columnSpec(c, services.adapterType), services.adapterType);
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
      return cols.map(columnOf);
    },
    execute: async (...args: unknown[]) => {
      const a = bindArgs('adapter.execute', args, ['sql', 'auto_begin', 'fetch'], { auto_begin: false, fetch: false });
      if (parse) return [{ _message: '' }, new ResultTable([], [])];
      const r = await needDb('adapter.execute').execute(String(a.sql), Boolean(a.fetch), Boolean(a.auto_begin));
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
      return a.filter((c) => !b.has(c.name.toLowerCase())).map(columnOf);
    },
    expand_target_column_types: () => '',
    commit: async () => (parse ? '' : (await needDb('adapter.commit').commit?.(), '')),
    behavior: behaviorFlags(services.projectFlags ?? NO_FLAGS),
  });

  const runQuery = async (sql: unknown) => {
    if (parse) return null;
    return (await needDb('run_query').execute(String(sql), true, false)).table;
  };

  const statement = async (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const a = { name: positional[0] ?? kwargs.name ?? null, fetch_result: positional[1] ?? kwargs.fetch_result ?? false, auto_begin: positional[2] ?? kwargs.auto_begin ?? true };
    const caller = kwargs.caller as Macro | undefined;
    const sql = caller ? String(await caller.call([], {})) : '';
    if (parse) return '';
    const r = await needDb('statement').execute(sql, Boolean(a.fetch_result), Boolean(a.auto_begin));
    if (a.name != null) results.set(String(a.name), { response: { _message: r.message, rows_affected: r.rowsAffected ?? null }, table: r.table, data: r.table.rows });
    return '';
  };

  const own: Record<string, unknown> = {
    ref,
    source,
    config,
    // the originals, for a project that replaces ref or source with a macro of its own
    builtins: Object.freeze({ ref, source, config }),
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
        // dbt's parse gives None for a var it does not have (it may come with --vars at run time)
        if (parse) return null;
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
          return relation({ database: a.database as string | null, schema: a.schema as string | null, identifier: String(a.identifier ?? ''), type: a.type as RelationType | null }, services.quote, services.adapterType);
        },
        add_ephemeral_prefix: (name: unknown) => addEphemeralPrefix(String(name)),
      }),
      // dbt's Column class: called to make a column, with its class methods
      Column: Object.assign(
        (...args: unknown[]) => {
          const a = bindArgs('Column', args, ['column', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale'], { char_size: null, numeric_precision: null, numeric_scale: null });
          const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
          return columnValue({ name: String(a.column), dtype: String(a.dtype), charSize: n(a.char_size), precision: n(a.numeric_precision), scale: n(a.numeric_scale) }, services.adapterType);
        },
        {
          translate_type: (t: unknown) => services.translateType(String(t)),
          numeric_type: (dtype: unknown, precision: unknown, scale: unknown) => (precision == null || scale == null ? String(dtype) : `${String(dtype)}(${String(precision)},${String(scale)})`),
          string_type: (size: unknown) => `character varying(${String(size)})`,
          create: (name: unknown, dtype: unknown) => columnValue({ name: String(name), dtype: services.translateType(String(dtype)) }, services.adapterType),
        },
      ),
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
    selected_resources: services.selectedResources ?? [],
    doc: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      const name = String(positional[positional.length - 1]);
      const pkg = positional.length > 1 ? String(positional[0]) : undefined;
      return services.resolveDoc ? services.resolveDoc(node.packageName, name, pkg) : '';
    },
    ...input.extra,
  };
  // As in dbt, a macro named ref or source in the root project replaces the builtin: the lookup
  // then falls through to the macros (the prototype).
  for (const name of OVERRIDABLE) if (services.registry.get(services.registry.rootPackage, name)) delete own[name];
  // defined, not assigned: the prototype holds macros as getters, and a macro may share a name
  for (const k of Object.keys(own)) Object.defineProperty(ctx, k, { value: own[k], writable: true, enumerable: true, configurable: true });
  return ctx;
}

/** The builtins a root-project macro of the same name replaces. */
const OVERRIDABLE = ['ref', 'source'];

function asRelation(v: unknown, quote: QuoteFn): Relation {
  if (v instanceof Relation) return v;
  if (v && typeof v === 'object' && 'identifier' in v) return relation(v as { identifier: string }, quote);
  throw new StrataError('relation-expected', `expected a relation, got ${String(v)}`);
}

/** dbt's type lists (dbt-adapters' Column; dbt-duckdb widens the integer and float ones). */
const STRING_TYPES = new Set(['text', 'character varying', 'character', 'varchar']);
const NUMERIC_TYPES = new Set(['numeric', 'decimal']);
const FLOAT_TYPES: Record<string, Set<string>> = {
  default: new Set(['real', 'float4', 'float', 'double precision', 'float8', 'double']),
  duckdb: new Set(['real', 'float', 'float4', 'float8', 'double']),
};
const INTEGER_TYPES: Record<string, Set<string>> = {
  default: new Set(['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial', 'int2', 'int4', 'int8']),
  duckdb: new Set(['tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'int1', 'int2', 'int4', 'int8', 'short', 'int', 'signed', 'long']),
};

/** The parts of dbt's Column: `dtype` and sizes as the adapter's get_columns_in_relation reports them. */
export interface ColumnSpec {
  name: string;
  dtype: string;
  charSize?: number | null;
  precision?: number | null;
  scale?: number | null;
}

const DUCKDB_NUMERIC_BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INTEGER: 32, BIGINT: 64, HUGEINT: 128, FLOAT: 24, DOUBLE: 53 };

/**
 * A column from the engine: dbt-postgres reports information_schema's type name (no sizes) with
 * the sizes beside it; dbt-duckdb reports DuckDB's type as it is (`DECIMAL(18,2)`), with the
 * precision information_schema gives it.
 */
export function columnSpec(c: ColumnInfo, engine: string): ColumnSpec {
  if (engine === 'duckdb') {
    // dbt-duckdb reads sizes from information_schema.columns: bits for integers and floats, digits for decimals
    const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(c.dataType);
    if (decimal) return { name: c.name, dtype: c.dataType, precision: Number(decimal[1]), scale: Number(decimal[2]) };
    const bits = DUCKDB_NUMERIC_BITS[c.dataType.toUpperCase()];
    return bits === undefined ? { name: c.name, dtype: c.dataType } : { name: c.name, dtype: c.dataType, precision: bits, scale: 0 };
  }
  const m = engine === 'postgres' ? /^([^(]*)\((\d+)(?:,\s*(\d+))?\)(.*)$/.exec(c.dataType) : null;
  if (!m) return { name: c.name, dtype: c.dataType };
  const dtype = `${m[1]!.trim()}${m[4] ?? ''}`;
  if (STRING_TYPES.has(dtype.toLowerCase())) return { name: c.name, dtype, charSize: Number(m[2]) };
  if (NUMERIC_TYPES.has(dtype.toLowerCase())) return { name: c.name, dtype, precision: Number(m[2]), scale: Number(m[3] ?? 0) };
  return { name: c.name, dtype };
}

/** A column as dbt's Column object (`.name`, `.dtype`, `.data_type`, `.quoted`, `.is_string()`…), with its engine's rules. */
export function columnValue(c: ColumnSpec, engine: string): ColumnValue {
  const t = c.dtype.toLowerCase();
  const charSize = c.charSize ?? null;
  const precision = c.precision ?? null;
  const scale = c.scale ?? null;
  const isString = STRING_TYPES.has(t);
  const isNumeric = NUMERIC_TYPES.has(t);
  const isFloat = (FLOAT_TYPES[engine] ?? FLOAT_TYPES.default!).has(t);
  const isInteger = (INTEGER_TYPES[engine] ?? INTEGER_TYPES.default!).has(t);
  const stringSize = (): number => {
    if (!isString) throw new StrataError('jinja-call', 'Called string_size() on non-string field!');
    return c.dtype === 'text' || charSize === null ? 256 : charSize;
  };
  let dataType = isString ? `character varying(${stringSize()})` : isNumeric && precision !== null && scale !== null ? `${c.dtype}(${precision},${scale})` : c.dtype;
  // dbt-postgres keeps text and unsized varchar as they are
  if (engine === 'postgres' && (t === 'text' || (t === 'character varying' && charSize === null))) dataType = c.dtype;
  // dbt's Column is a dataclass: `{{ col }}` prints its fields under the adapter's class name
  const fields = `column=${pyRepr(c.name)}, dtype=${pyRepr(c.dtype)}, char_size=${pyRepr(charSize)}, numeric_precision=${pyRepr(precision)}, numeric_scale=${pyRepr(scale)}`;
  // dbt-duckdb's column knows a STRUCT's members: `fields` (one column each), is_struct(), flatten()
  const duck = engine === 'duckdb';
  const isStruct = duck && t.startsWith('struct');
  const members = isStruct ? structMembers(c.dtype).map((m) => columnValue(m, engine)) : [];
  const repr = duck ? `DuckDBColumn(${fields}, fields=[${members.map(String).join(', ')}])` : engine === 'postgres' ? `PostgresColumn(${fields})` : `Column(${fields})`;
  const duckOnly = duck
    ? {
        fields: members,
        is_struct: () => isStruct,
        flatten: (): unknown[] =>
          isStruct
            ? members.flatMap((m) => (m.is_struct!() ? m.flatten!() : [m]).map((f) => columnValue({ name: `${c.name}.${String((f as { name: string }).name)}`, dtype: (f as { dtype: string }).dtype }, engine)))
            : [self],
      }
    : {};
  const self: ColumnValue = Object.freeze({
    ...duckOnly,
    name: c.name,
    column: c.name,
    dtype: c.dtype,
    data_type: dataType,
    char_size: charSize,
    numeric_precision: precision,
    numeric_scale: scale,
    quoted: `"${c.name}"`,
    is_string: () => isString,
    is_number: () => isInteger || isNumeric || isFloat,
    is_integer: () => isInteger,
    is_float: () => isFloat,
    is_numeric: () => isNumeric,
    string_size: stringSize,
    string_type: (size: unknown) => `character varying(${String(size)})`,
    literal: (value: unknown) => `${String(value)}::${dataType}`,
    can_expand_to: (other: { is_string?: () => boolean; string_size?: () => number } | null) =>
      isString && other?.is_string?.() === true && (other.string_size?.() ?? 0) > stringSize(),
    toString: () => repr,
    [PY_REPR]: () => repr,
  });
  return self;
}

/** What {@link columnValue} makes (the STRUCT parts exist on DuckDB only). */
export interface ColumnValue {
  readonly name: string;
  readonly dtype: string;
  readonly fields?: readonly ColumnValue[];
  is_struct?(): boolean;
  flatten?(): unknown[];
  is_string(): boolean;
  string_size(): number;
  [key: string]: unknown;
}

/**
 * The members of a DuckDB `STRUCT(name type, …)` type as dbt-duckdb reads them: the text inside
 * the outermost parentheses, cut at the commas outside nested parentheses, each member's name
 * being what comes before its first space (kept as written) and its type the rest.
 */
function structMembers(dtype: string): ColumnSpec[] {
  const m = /^STRUCT\((.*)\)/i.exec(dtype);
  if (!m) return [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of m[1]!) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts.map((p) => {
    const space = p.indexOf(' ');
    return space < 0 ? { name: p, dtype: '' } : { name: p.slice(0, space), dtype: p.slice(space + 1) };
  });
}

/** The adapter behaviour flags dbt 1.10 knows, with their defaults. */
const BEHAVIOR_FLAGS: Record<string, boolean> = {
  enable_truthy_nulls_equals_macro: false,
  require_batched_execution_for_custom_microbatch_strategy: false,
};

const NO_FLAGS: Record<string, unknown> = Object.freeze({});
const behaviorByFlags = new WeakMap<Record<string, unknown>, object>();

/**
 * `adapter.behavior.<flag>`: its `setting` (from the project's `flags:`, else the default), and
 * `no_warn`, the same value (Strata prints no deprecation warning for it); an unknown flag is
 * Jinja's missing-attribute error. Made once per project's flags, not per render.
 */
function behaviorFlags(projectFlags: Record<string, unknown>): object {
  let out = behaviorByFlags.get(projectFlags);
  if (!out) {
    const flags: Record<string, { setting: boolean; no_warn: boolean }> = {};
    for (const [name, fallback] of Object.entries(BEHAVIOR_FLAGS)) {
      const setting = typeof projectFlags[name] === 'boolean' ? (projectFlags[name] as boolean) : fallback;
      flags[name] = Object.freeze({ setting, no_warn: setting });
    }
    behaviorByFlags.set(projectFlags, (out = Object.freeze(flags)));
  }
  return out;
}

