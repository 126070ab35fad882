/**
 * The adapter interface every engine implements.
 *
 * The shape follows Kysely's dialect folders: an {@link Engine} is a tiny object whose
 * each method creates one collaborator — a {@link Driver} (connections), a
 * {@link Dialect} (the SQL text that differs between engines) and an
 * {@link Introspector} (catalog queries). The generic pooled adapter
 * (`pooled-adapter.ts`) puts them together into an {@link Adapter}; an engine never
 * re-implements pooling, transactions or relation operations, it only supplies what
 * differs (SQLMesh's engine-adapter idea).
 *
 * Materializations are written once against {@link Adapter}, {@link Session} and
 * {@link Dialect}; PostgreSQL and later engines plug in by registering an Engine.
 */
import type { Relation } from './relation.js';
import type { RelationCache } from './relation-cache.js';

export type { Relation } from './relation.js';

/** The kind of a relation, as dbt names them. */
export type RelationType = 'table' | 'view' | 'materialized_view' | 'cte' | 'external';

/** The parts of a relation's name. `database` is the catalog (DuckDB) or database (PostgreSQL). */
export interface RelationParts {
  database?: string;
  schema: string;
  identifier: string;
  type?: RelationType;
}

/** A column as the engine reports it. `type` is the engine's own type name, e.g. `INTEGER`. */
export interface ColumnInfo {
  name: string;
  type: string;
  comment?: string;
  nullable?: boolean;
}

/** Options of {@link Session.execute}. */
export interface ExecuteOptions {
  /**
   * Whether the rows are wanted. Default true. With `false`, `rows` is empty, which
   * saves converting a large result (DDL and DML never need it).
   */
  fetch?: boolean;
  /** Aborting interrupts the running statement; the promise rejects with code `cancelled`. */
  signal?: AbortSignal;
}

/**
 * The result of a statement (the last one, for a multi-statement string).
 *
 * Values are plain JavaScript: integers are numbers when they fit in a double exactly and
 * decimal strings otherwise (BIGINT, HUGEINT, UBIGINT…); DECIMAL and floating types are
 * numbers (a DECIMAL beyond 15 digits loses precision); DATE, TIMESTAMP and TIMESTAMPTZ
 * are `Date` objects (UTC; a DATE is its UTC midnight; a column's TIMESTAMP's microseconds
 * below the millisecond are on the Date, read with {@link subMillisOf}; nanoseconds are cut);
 * TIME is its text `HH:MM:SS[.ffffff]`; UUID is its text; BLOB is a
 * `Uint8Array`; lists are arrays, structs are plain objects, a MAP is an array of
 * `{ key, value }`; INTERVAL is `{ months, days, micros }`; NULL is `null`.
 */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** Rows inserted, updated or deleted, when the statement is DML or CREATE TABLE AS. */
  rowsAffected?: number;
}

/** Where a timestamp's microseconds below its millisecond ride on its Date (a Date holds milliseconds only). */
const SUB_MILLIS: unique symbol = Symbol('strata.subMillis');

/** `d` with `micros` (0–999) microseconds past its millisecond; `d` itself. */
export function withSubMillis(d: Date, micros: number): Date {
  if (micros) Object.defineProperty(d, SUB_MILLIS, { value: micros });
  return d;
}

/** The microseconds past a query's timestamp's millisecond (0 when none were given). */
export function subMillisOf(d: Date): number {
  return (d as { [SUB_MILLIS]?: number })[SUB_MILLIS] ?? 0;
}

/** One table or view in {@link Session.catalog}'s answer, for `catalog.json` and the docs site. */
export interface CatalogTable {
  database: string;
  schema: string;
  name: string;
  type: 'table' | 'view';
  comment?: string;
  /** The engine's row count (exact or estimated, see `rowCountExact`); absent for views. */
  rowCount?: number;
  rowCountExact?: boolean;
  columns: (ColumnInfo & { index: number })[];
}

/** A schema to read the catalog of. */
export interface SchemaRef {
  database?: string;
  schema: string;
}

/**
 * One connection from the pool, used by one worker at a time. Always give it back with
 * {@link Session.release} (or use {@link Adapter.withSession}).
 *
 * Catalog operations take and return {@link Relation} values; a missing `database`
 * means the adapter's default database.
 */
export interface Session {
  readonly adapter: Adapter;
  /** Whether {@link begin} has been called without a commit or rollback yet. */
  readonly inTransaction: boolean;
  /**
   * Run SQL. A string holding several statements (separated by `;`) runs them in order
   * and returns the last one's result, as dbt does for hooks. Engine errors reject with a
   * `SqlError` (code `sql-error`, or `cancelled` when interrupted).
   */
  execute(sql: string, opts?: ExecuteOptions): Promise<QueryResult>;
  /** Start a transaction. On an engine without transactional DDL this is still called; see `Dialect.capabilities`. */
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Roll back; does nothing when no transaction is open. Never throws for a broken connection. */
  rollback(): Promise<void>;

  /** The relation with this name, with its type, or undefined. Matching follows the engine's case rules. */
  getRelation(database: string | undefined, schema: string, identifier: string): Promise<Relation | undefined>;
  /** The columns of a table or view, in order. Empty when it does not exist. */
  getColumns(relation: Relation): Promise<ColumnInfo[]>;
  /** Tables and views of one schema; with `prefix`, only those whose name starts with it (case-insensitively). */
  listRelations(database: string | undefined, schema: string, prefix?: string): Promise<Relation[]>;
  /** Create the schema when missing. */
  createSchema(database: string | undefined, schema: string): Promise<void>;
  /** Drop the schema and everything in it, when present. */
  dropSchema(database: string | undefined, schema: string): Promise<void>;
  /** Drop a table or view when present (its `type` chooses the statement; unknown type → looked up). */
  dropRelation(relation: Relation): Promise<void>;
  /** Rename within its schema. */
  renameRelation(from: Relation, toIdentifier: string): Promise<void>;
  /** Delete every row of a table. */
  truncate(relation: Relation): Promise<void>;
  /** Tables, views and their columns in these schemas (all schemas of the default database when empty). */
  catalog(schemas: SchemaRef[]): Promise<CatalogTable[]>;

  /**
   * Load a CSV file into an existing table through the engine's bulk path (PostgreSQL's
   * `COPY … FROM STDIN`), returning the rows loaded. Only on engines that have one;
   * DuckDB reads files itself with `read_csv`.
   */
  copyCsv?(relation: Relation, path: string, options: CopyCsvOptions): Promise<number>;
  /** Interrupt the statement running on this session, if any. */
  interrupt(): void;
  /** Give the connection back to the pool (rolling back a transaction left open). Idempotent. */
  release(): void;
}

/** Options of {@link Session.copyCsv}. */
export interface CopyCsvOptions {
  /** The file's columns, in order (raw names); the header line is skipped. */
  columns: string[];
  /** One-character field delimiter. */
  delimiter: string;
  signal?: AbortSignal;
}

/** Profile target for {@link Engine.createDriver}; `fields` are the profile's keys other than `type` and `threads`. */
export interface TargetConfig {
  type: string;
  fields: Record<string, unknown>;
  threads: number;
}

/** Where the project is, for resolving relative paths in a profile. */
export interface AdapterOptions {
  projectDir: string;
  projectName: string;
}

/** What {@link Adapter.onStatement} hears: the SQL, its time in ms, and the engine's error if it failed. */
export type StatementListener = (statement: { sql: string; ms: number; error?: string }) => void;

/**
 * An open database: a pool of sessions, the dialect, and relation naming.
 * Created by `createAdapter` in `src/adapters/index.ts`.
 */
export interface Adapter {
  /** The profile `type`, e.g. `duckdb`. */
  readonly type: string;
  readonly dialect: Dialect;
  /** The default database (catalog) of the target: for DuckDB, the name DuckDB gives the file. */
  readonly database: string;
  /** The default schema of the target (`schema` in the profile; `main` for DuckDB). */
  readonly schema: string;
  /** The pool size. */
  readonly threads: number;
  /**
   * dbt's relation cache: what exists, per schema, listed once and kept up to date by the
   * materializations and the session's catalog operations (not by raw DDL in hooks).
   */
  readonly cache: RelationCache;
  /** Told of every statement a session runs, with how long it took (the debug log). */
  onStatement?: StatementListener;
  /** Wait for a free connection. */
  acquire(): Promise<Session>;
  /** Acquire, run `fn`, release (also when it throws). */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Make a relation value, defaulting `database` and `schema` to the target's. Exposed to
   * Jinja as `api.Relation.create(database=…, schema=…, identifier=…)`.
   */
  relation(parts: Partial<RelationParts> & { identifier: string }): Relation;
  /** Interrupt every running statement (Ctrl-C). Sessions stay usable afterwards. */
  cancelAll(): void;
  /**
   * Interrupt what runs, wait for lent sessions to come back (their transactions rolled
   * back), close every connection and the database (releasing DuckDB's file lock). Idempotent.
   */
  close(): Promise<void>;
}

/** Type names for dbt's `type_string()`, `type_int()` and friends. */
export interface TypeNames {
  string: string;
  timestamp: string;
  int: string;
  bigint: string;
  float: string;
  numeric: string;
  boolean: string;
}

/** What an engine can do; materializations choose their SQL by it. */
export interface DialectCapabilities {
  /** DDL (create, drop, rename) takes part in transactions, so a swap is atomic. */
  transactionalDdl: boolean;
  /** `MERGE INTO` with update and insert branches. Without it, merge runs as delete+insert. */
  merge: boolean;
  /** Session-local temporary tables, used to stage incremental rows. */
  tempTables: boolean;
  /**
   * Foreign keys can be declared on tables that are rebuilt. On DuckDB a table that a foreign
   * key references can no longer be dropped or renamed, so it could never be rebuilt: there
   * contracts check their foreign keys with a query instead.
   */
  foreignKeys: boolean;
  /** `CREATE MATERIALIZED VIEW` and `REFRESH MATERIALIZED VIEW` (PostgreSQL; not DuckDB). */
  materializedViews: boolean;
  /** `GRANT` and `REVOKE` on relations, with {@link Dialect.showGrantsSql} (PostgreSQL; not DuckDB). */
  grants: boolean;
}

/** The kinds of relation the engine stores under a name (and drops and renames by kind). */
export type StoredRelationType = 'table' | 'view' | 'materialized_view';

/** What {@link Dialect.merge} needs. Column names are raw; the dialect quotes them. */
export interface MergeSpec {
  target: Relation;
  source: Relation;
  /** Columns written (raw names). */
  columns: string[];
  /** The key columns (raw names); at least one. */
  uniqueKey: string[];
  /** Columns updated when matched (default: `columns`). */
  updateColumns?: string[];
  /** Extra SQL conditions ANDed into the match; may use the aliases DBT_INTERNAL_DEST / DBT_INTERNAL_SOURCE. */
  predicates: string[];
}

/**
 * The SQL text that differs between engines. Pure: it builds strings and never talks to
 * the database. Engines extend `BaseDialect` and override what differs.
 */
export interface Dialect {
  readonly capabilities: DialectCapabilities;
  readonly types: TypeNames;
  /** Longest identifier the engine keeps (63 on PostgreSQL). */
  readonly maxIdentifierLength: number;
  /** Quote one identifier, doubling embedded quotes: `a"b` → `"a""b"`. */
  quote(identifier: string): string;
  /** A SQL string literal. */
  literal(value: string): string;
  /** A timestamp literal for a UTC instant, comparable with DATE, TIMESTAMP and TIMESTAMPTZ columns. */
  timestampLiteral(value: Date): string;
  /** The schema reference `"db"."schema"`. */
  schemaName(database: string | undefined, schema: string): string;

  /** Transaction statements; an engine without transactions returns `''` and sessions skip them. */
  beginSql(): string;
  commitSql(): string;
  rollbackSql(): string;

  createSchema(database: string | undefined, schema: string): string;
  dropSchema(database: string | undefined, schema: string): string;
  /**
   * A result column's type as a model contract compares it (dbt's adapter's name for it): DuckDB's
   * full type name; PostgreSQL's driver family (`STRING` for text and varchar, `INTEGER`…).
   */
  contractType(type: string): string;
  /** `CREATE TABLE … AS` the query. The query text appears verbatim in the statement (error lines are mapped back). */
  createTableAs(relation: Relation, sql: string): string;
  /** `CREATE [OR REPLACE] VIEW … AS` the query, verbatim. */
  createViewAs(relation: Relation, sql: string, replace: boolean): string;
  /** `<base>__strata_tmp_<suffix>`, shortened to fit the identifier length limit. */
  tempIdentifier(base: string, suffix: string): string;
  /**
   * A relation for staging rows inside a session (a temporary table where the engine has
   * them), named after `target` with `suffix`.
   */
  stagingRelation(target: Relation, suffix: string): Relation;
  /** Create the staging relation from a query (verbatim). */
  createStagingTable(staging: Relation, sql: string): string;
  dropRelation(relation: Relation, type: StoredRelationType): string;
  renameRelation(from: Relation, toIdentifier: string): string;
  truncate(relation: Relation): string;
  addColumn(relation: Relation, column: string, type: string): string;
  dropColumn(relation: Relation, column: string): string;
  alterColumnType(relation: Relation, column: string, type: string): string;
  /**
   * The statements that put `staged` (a finished table) in place of `target`, whose current
   * relation is `existing` (or nothing). Run inside one transaction by the caller; the
   * last statements clean up (e.g. drop the old relation, renamed to `backupIdentifier`).
   */
  swapStatements(staged: Relation, target: Relation, existing: Relation | undefined, backupIdentifier: string): string[];
  /** `INSERT INTO target (cols) SELECT cols FROM source [WHERE conditions…]`. */
  insertFrom(target: Relation, source: Relation, columns: string[], where?: string[]): string;
  /** The condition `column >= start AND column < end` (`column` is raw SQL, e.g. a quoted name). */
  timeWindow(column: string, start: Date, end: Date): string;
  /** Delete the target rows whose key matches a source row (delete+insert's first half), with extra predicates. */
  deleteMatching(target: Relation, source: Relation, uniqueKey: string[], predicates: string[]): string;
  /** Delete the target rows in `[start, end)` on `eventTime`, with extra predicates. */
  deleteWindow(target: Relation, eventTime: string, start: Date, end: Date, predicates: string[]): string;
  /** Upsert: update matched rows, insert the others. Only when `capabilities.merge`. */
  merge(spec: MergeSpec): string;
  /**
   * `CREATE [UNIQUE] INDEX name ON relation [USING type] (columns)`, for dbt-postgres's
   * `indexes` config; absent on engines where that config is ignored.
   */
  createIndex?(relation: Relation, name: string, index: { columns: string[]; unique: boolean; type?: string }): string;
  /** A query of the privileges granted on `relation` to others: rows of (grantee, privilege). Only with `capabilities.grants`. */
  showGrantsSql?(relation: Relation): string;
}

/** A catalog reader for one engine, running its queries on a session. */
export interface Introspector {
  getRelation(session: Session, database: string, schema: string, identifier: string): Promise<Relation | undefined>;
  getColumns(session: Session, relation: Relation): Promise<ColumnInfo[]>;
  listRelations(session: Session, database: string, schema: string, prefix?: string): Promise<Relation[]>;
  catalog(session: Session, schemas: SchemaRef[]): Promise<CatalogTable[]>;
}

/** One raw engine connection, as a {@link Driver} opens it. */
export interface Connection {
  /** Run SQL (possibly several statements); errors are already `SqlError`s. */
  execute(sql: string, opts: ExecuteOptions): Promise<QueryResult>;
  /** Bulk-load a CSV file into a table (see {@link Session.copyCsv}); only on engines that have it. */
  copyCsv?(relation: Relation, path: string, options: CopyCsvOptions): Promise<number>;
  /** Interrupt the running statement, if any. */
  interrupt(): void;
  close(): Promise<void>;
}

/** Opens connections to one target. */
export interface Driver {
  /** The default database (catalog) name. */
  readonly database: string;
  /** The default schema. */
  readonly schema: string;
  connect(): Promise<Connection>;
  /** Close the database itself (after every connection is closed). */
  close(): Promise<void>;
}

/**
 * One engine: a tiny factory whose each method creates one collaborator.
 * Register it with `registerEngine` in `src/adapters/index.ts`.
 */
export interface Engine {
  /** The profile `type` it answers to. */
  readonly type: string;
  createDialect(): Dialect;
  createDriver(target: TargetConfig, opts: AdapterOptions, dialect: Dialect): Promise<Driver>;
  createIntrospector(dialect: Dialect): Introspector;
}
