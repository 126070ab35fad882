/**
 * A relation's name: database, schema and identifier, with its type. It is the value the
 * Jinja context exposes as `this` and `api.Relation` (attributes `database`, `schema`,
 * `identifier`, `name`, `type`, `is_table`, `is_view`, `is_cte`; its string is the
 * rendered name), so it keeps dbt's attribute names.
 *
 * Rendering follows dbt-duckdb: every part quoted, `"db"."schema"."name"`; a part left
 * out with {@link Relation.include} or absent is not rendered. A `cte` renders as its
 * bare identifier.
 */
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

/** An immutable relation name. Create with {@link createRelation} or `adapter.relation(…)`. */
export class Relation implements RelationParts {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  readonly type: RelationType | undefined;
  readonly includePolicy: IncludePolicy;
  readonly quotePolicy: IncludePolicy;
  private readonly quoter: Quoter;

  constructor(parts: RelationParts, quoter: Quoter = DEFAULT_QUOTE, include?: Partial<IncludePolicy>, quote?: Partial<IncludePolicy>) {
    this.database = parts.database;
    this.schema = parts.schema;
    this.identifier = parts.identifier;
    this.type = parts.type;
    this.quoter = quoter;
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
    if (this.type === 'cte') return this.quoter(this.identifier);
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

  /** A copy rendering only the parts set to true here (unset keys keep their current policy). */
  include(policy: Partial<IncludePolicy>): Relation {
    return new Relation(this.parts(), this.quoter, { ...this.includePolicy, ...definedParts(policy) }, this.quotePolicy);
  }

  /** dbt's `quote(database=…, schema=…, identifier=…)`: a copy quoting only the parts set to true (unset keys keep their current policy). */
  quote(policy: Partial<IncludePolicy>): Relation {
    return new Relation(this.parts(), this.quoter, this.includePolicy, { ...this.quotePolicy, ...definedParts(policy) });
  }

  /** A copy with another identifier (the type is kept unless given). */
  withIdentifier(identifier: string, type: RelationType | undefined = this.type): Relation {
    return new Relation({ ...this.parts(), identifier, type }, this.quoter, this.includePolicy, this.quotePolicy);
  }

  /** A copy with another type. */
  withType(type: RelationType | undefined): Relation {
    return new Relation({ ...this.parts(), type }, this.quoter, this.includePolicy, this.quotePolicy);
  }

  /** dbt's `incorporate(path={…}, type=…)`: a copy with some parts replaced. */
  incorporate(changes: { path?: Partial<Omit<RelationParts, 'type'>>; type?: RelationType }): Relation {
    return new Relation({ ...this.parts(), ...changes.path, ...(changes.type ? { type: changes.type } : {}) }, this.quoter, this.includePolicy, this.quotePolicy);
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
