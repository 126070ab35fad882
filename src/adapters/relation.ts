/**
 * A relation's name: database, schema and identifier, with its type. It is the value the
 * Jinja context exposes as `this` and `api.Relation` (attributes `database`, `schema`,
 * `identifier`, `name`, `type`, `is_table`, `is_view`, `is_cte`; its string is the
 * rendered name), so it keeps dbt's attribute names.
 *
 * Rendering follows dbt-duckdb: every part quoted, `"db"."schema"."name"`; a part left
 * out with {@link Relation.include} or absent is not rendered. A `cte` renders as its
 * bare identifier.
 *
 * As dbt's relation (a dataclass that is a `Mapping`), it is a mapping to templates that is
 * read by attribute, item (`rel['identifier']`) or `get`; `rel.get('metadata')` names its
 * class (`{'type': 'DuckDBRelation'}`), which dbt_utils checks; using it as a dictionary
 * (`keys()`, `items()`, `values()`) is dbt's error.
 */
import { StrataError } from '../errors.js';
import { isKwargs } from '../jinja/runtime.js';
import { PY_CONTAINS, PY_EQ, PY_MAPPING, PY_REPR, PY_TYPE, pyRepr } from '../jinja/values.js';
import type { RelationParts, RelationType, StoredRelationType } from './adapter.js';

/** Quotes one identifier (the dialect's `quote`). */
export type Quoter = (identifier: string) => string;

/** Which parts {@link Relation.render} writes (and, as a quote policy, which it quotes). */
export interface IncludePolicy {
  database: boolean;
  schema: boolean;
  identifier: boolean;
}

const DEFAULT_QUOTE: Quoter = (id) => `"${id.replace(/"/g, '""')}"`;

/** dbt's relation class of each engine, with its module (Jinja's messages name both). */
const RELATION_CLASSES: Record<string, { name: string; module: string }> = {
  duckdb: { name: 'DuckDBRelation', module: 'dbt.adapters.duckdb.relation' },
  postgres: { name: 'PostgresRelation', module: 'dbt.adapters.postgres.relation' },
};
const BASE_RELATION = { name: 'BaseRelation', module: 'dbt.adapters.base.relation' };

/** The keys dbt's relation answers to in `rel.get(key)` that Strata keeps (its fields and properties). */
const RELATION_KEYS = new Set(['path', 'type', 'quote_character', 'include_policy', 'quote_policy', 'database', 'schema', 'identifier', 'name', 'table', 'is_table', 'is_view', 'is_cte', 'is_materialized_view']);
/** dbt's relation methods, which `in` finds as it finds any attribute (where Strata has them too). */
const RELATION_METHODS = new Set(['render', 'include', 'quote', 'incorporate', 'matches', 'get', 'keys', 'items', 'values', 'without_identifier', 'information_schema']);

/** An immutable relation name. Create with {@link createRelation} or `adapter.relation(…)`. */
export class Relation implements RelationParts {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  readonly type: RelationType | undefined;
  readonly includePolicy: IncludePolicy;
  readonly quotePolicy: IncludePolicy;
  /** The engine (`duckdb`, `postgres`), which names dbt's relation class. */
  readonly adapterType: string;
  private readonly quoter: Quoter;
  readonly [PY_MAPPING] = true;

  constructor(parts: RelationParts, quoter: Quoter = DEFAULT_QUOTE, include?: Partial<IncludePolicy>, quote?: Partial<IncludePolicy>, adapterType = 'duckdb') {
    this.database = parts.database;
    this.schema = parts.schema;
    this.identifier = parts.identifier;
    this.type = parts.type;
    this.quoter = quoter;
    this.adapterType = adapterType;
    this.includePolicy = { database: true, schema: true, identifier: true, ...include };
    this.quotePolicy = { database: true, schema: true, identifier: true, ...quote };
  }

  /** dbt's `name`: the identifier. */
  get name(): string {
    return this.identifier;
  }
  /** dbt's `table`: the identifier. */
  get table(): string {
    return this.identifier;
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  /** The kind to drop or rename it as: a view or materialized view as itself, anything else as a table. */
  get storedType(): StoredRelationType {
    return this.type === 'view' || this.type === 'materialized_view' ? this.type : 'table';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }

  /** The quoted full name, e.g. `"analytics"."main"."orders"`. */
  render(): string {
    if (this.type === 'cte') return this.quotePolicy.identifier ? this.quoter(this.identifier) : this.identifier;
    const parts: string[] = [];
    for (const part of ['database', 'schema', 'identifier'] as const) {
      const name = this[part];
      if (this.includePolicy[part] && name) parts.push(this.quotePolicy[part] ? this.quoter(name) : name);
    }
    return parts.join('.');
  }

  toString(): string {
    return this.render();
  }

  /** dbt's class name for this engine's relations, e.g. `DuckDBRelation`. */
  get className(): string {
    return (RELATION_CLASSES[this.adapterType] ?? BASE_RELATION).name;
  }
  /** The type name in Jinja's messages, as Python prints it: `dbt.adapters.duckdb.relation.DuckDBRelation`. */
  get [PY_TYPE](): string {
    const c = RELATION_CLASSES[this.adapterType] ?? BASE_RELATION;
    return `${c.module}.${c.name}`;
  }
  /** `repr()`, as dbt's: `<DuckDBRelation "db"."schema"."name">`. */
  [PY_REPR](): string {
    return `<${this.className} ${this.render()}>`;
  }

  /** dbt's `path`: the database, schema and identifier. */
  get path(): DbtRecord {
    return new DbtRecord('Path', { database: this.database ?? null, schema: this.schema, identifier: this.identifier });
  }
  get include_policy(): DbtRecord {
    return new DbtRecord('Policy', { ...this.includePolicy });
  }
  get quote_policy(): DbtRecord {
    return new DbtRecord('Policy', { ...this.quotePolicy });
  }
  get quote_character(): string {
    return '"';
  }

  /**
   * dbt's `get(key, default=None)`: a field or property of the relation (an unset one is None),
   * `metadata` naming the relation's class (what dbt_utils' `_is_relation` reads), else `default`.
   */
  get(...args: unknown[]): unknown {
    const [key, fallback] = getArgs(args);
    if (key === 'metadata') return { type: this.className };
    if (typeof key === 'string' && RELATION_KEYS.has(key)) return (this[key as keyof this] as unknown) ?? null;
    return fallback;
  }
  /** `key in relation`, as dbt's (a Mapping whose items are its attributes): true for what `get` finds and for its methods. */
  [PY_CONTAINS](key: unknown): boolean {
    if (typeof key !== 'string') return false;
    if (key === 'metadata' || RELATION_KEYS.has(key)) return true;
    return RELATION_METHODS.has(key) && typeof (this as unknown as Record<string, unknown>)[key] === 'function';
  }
  /**
   * `==`, as dbt's dataclass: the same class, path, type and policies. A relation read with a
   * window or limit (--empty, event-time) renders its subquery, so it equals only its like.
   */
  [PY_EQ](other: unknown): boolean {
    return (
      other instanceof Relation &&
      other.className === this.className &&
      other.type === this.type &&
      other.render() === this.render() &&
      samePolicy(other.includePolicy, this.includePolicy) &&
      samePolicy(other.quotePolicy, this.quotePolicy)
    );
  }
  keys(): never {
    throw this.notADict();
  }
  items(): never {
    throw this.notADict();
  }
  values(): never {
    throw this.notADict();
  }
  private notADict(): StrataError {
    return new StrataError('relation-not-dict', `The object ("${this.render()}") was used as a dictionary. This capability has been removed from objects of this type.`);
  }

  /** A copy rendering only the parts set to true here (unset keys keep their current policy). */
  include(policy: Partial<IncludePolicy>): Relation {
    return new Relation(this.parts(), this.quoter, { ...this.includePolicy, ...definedParts(policy) }, this.quotePolicy, this.adapterType);
  }

  /** dbt's `quote(database=…, schema=…, identifier=…)`: a copy quoting only the parts set to true (unset keys keep their current policy). */
  quote(policy: Partial<IncludePolicy>): Relation {
    return new Relation(this.parts(), this.quoter, this.includePolicy, { ...this.quotePolicy, ...definedParts(policy) }, this.adapterType);
  }

  /** A copy with another identifier (the type is kept unless given). */
  withIdentifier(identifier: string, type: RelationType | undefined = this.type): Relation {
    return new Relation({ ...this.parts(), identifier, type }, this.quoter, this.includePolicy, this.quotePolicy, this.adapterType);
  }

  /** A copy with another type. */
  withType(type: RelationType | undefined): Relation {
    return new Relation({ ...this.parts(), type }, this.quoter, this.includePolicy, this.quotePolicy, this.adapterType);
  }

  /** dbt's `incorporate(path={…}, type=…)`: a copy with some parts replaced. */
  incorporate(changes: { path?: Partial<Omit<RelationParts, 'type'>>; type?: RelationType }): Relation {
    return new Relation({ ...this.parts(), ...changes.path, ...(changes.type ? { type: changes.type } : {}) }, this.quoter, this.includePolicy, this.quotePolicy, this.adapterType);
  }

  /** Whether the names match (case-insensitively, as DuckDB and unquoted PostgreSQL names do); unset arguments match anything. */
  matches(database?: string, schema?: string, identifier?: string): boolean {
    const eq = (a: string | undefined, b: string | undefined) => b === undefined || (a ?? '').toLowerCase() === b.toLowerCase();
    return eq(this.database, database) && eq(this.schema, schema) && eq(this.identifier, identifier);
  }

  /** The plain parts. */
  parts(): RelationParts {
    return { database: this.database, schema: this.schema, identifier: this.identifier, type: this.type };
  }
}

/** dbt's `Path` and `Policy`: read by attribute, item or `get`, printed as `Path(database='db', …)`. */
class DbtRecord {
  readonly [PY_MAPPING] = true;
  readonly database: unknown;
  readonly schema: unknown;
  readonly identifier: unknown;

  constructor(
    private readonly kind: 'Path' | 'Policy',
    fields: { database: unknown; schema: unknown; identifier: unknown },
  ) {
    this.database = fields.database;
    this.schema = fields.schema;
    this.identifier = fields.identifier;
  }
  get(...args: unknown[]): unknown {
    const [key, fallback] = getArgs(args);
    return key === 'database' || key === 'schema' || key === 'identifier' ? this[key] : fallback;
  }
  toString(): string {
    return `${this.kind}(database=${pyRepr(this.database)}, schema=${pyRepr(this.schema)}, identifier=${pyRepr(this.identifier)})`;
  }
  [PY_REPR](): string {
    return this.toString();
  }
}

const samePolicy = (a: IncludePolicy, b: IncludePolicy) => a.database === b.database && a.schema === b.schema && a.identifier === b.identifier;

/** The `key` and `default` of a template's `get(key, default=None)` call. */
function getArgs(args: unknown[]): [unknown, unknown] {
  const last = args[args.length - 1];
  const kw = args.length && isKwargs(last) ? (args.pop() as Record<string, unknown>) : {};
  return [args.length > 0 ? args[0] : kw.key, args.length > 1 ? args[1] : 'default' in kw ? kw.default : null];
}

/** The parts of a policy given as true or false (dbt's None leaves a part as it was). */
function definedParts(policy: Partial<IncludePolicy>): Partial<IncludePolicy> {
  const out: Partial<IncludePolicy> = {};
  for (const part of ['database', 'schema', 'identifier'] as const) if (typeof policy?.[part] === 'boolean') out[part] = policy[part];
  return out;
}

/** Make a relation; `quoter` defaults to double quotes (ANSI). */
export function createRelation(parts: RelationParts, quoter?: Quoter): Relation {
  return new Relation(parts, quoter);
}

/** What dbt's `api.Relation.create(database=…, schema=…, identifier=…, type=…)` takes: every part optional. */
export interface RelationCreateArgs {
  database?: string | null;
  schema?: string | null;
  identifier?: string | null;
  type?: RelationType | null;
}

/** dbt's `api.Relation`: makes relations quoted by one engine's rules. */
export interface RelationFactory {
  /** A relation with exactly the given parts (nothing defaulted, as in dbt); missing parts are not rendered. */
  create(args: RelationCreateArgs): Relation;
}

/** The `api.Relation` for an engine, given its quoting (e.g. `(id) => adapter.dialect.quote(id)`). */
export function relationFactory(quoter: Quoter = DEFAULT_QUOTE): RelationFactory {
  return {
    create: (a) =>
      new Relation({ database: a.database ?? undefined, schema: a.schema ?? '', identifier: a.identifier ?? '', type: a.type ?? undefined }, quoter),
  };
}
