/**
 * The relation value templates see as `this`, as the result of `ref()`/`source()`, and
 * through `api.Relation`: a database object's three-part name plus its type. It prints
 * (str()) as the quoted name the engine expects, like dbt's BaseRelation.
 */

export type RelationType = 'table' | 'view' | 'cte' | 'external' | 'materialized_view';

export interface RelationParts {
  database?: string | null;
  schema?: string | null;
  identifier: string;
  type?: RelationType | null;
}

/** Quotes one identifier part for the current engine. */
export type QuoteFn = (identifier: string) => string;

export const doubleQuote: QuoteFn = (s) => `"${s.replace(/"/g, '""')}"`;

export class Relation {
  readonly database: string | null;
  readonly schema: string | null;
  readonly identifier: string;
  readonly type: RelationType | null;
  /** Which parts print: dbt's `include(database=…, schema=…, identifier=…)`. */
  readonly includeParts: { database: boolean; schema: boolean; identifier: boolean };
  private readonly quoteFn: QuoteFn;

  constructor(parts: RelationParts, quote: QuoteFn = doubleQuote, include?: Partial<Relation['includeParts']>) {
    this.database = parts.database ?? null;
    this.schema = parts.schema ?? null;
    this.identifier = parts.identifier;
    this.type = parts.type ?? null;
    this.quoteFn = quote;
    this.includeParts = { database: true, schema: true, identifier: true, ...include };
  }

  get name(): string {
    return this.identifier;
  }
  get table(): string {
    return this.identifier;
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }

  /** The printed name: quoted parts joined by dots (a CTE prints bare). */
  render(): string {
    if (this.type === 'cte') return this.identifier;
    const parts: string[] = [];
    if (this.includeParts.database && this.database) parts.push(this.quoteFn(this.database));
    if (this.includeParts.schema && this.schema) parts.push(this.quoteFn(this.schema));
    if (this.includeParts.identifier) parts.push(this.quoteFn(this.identifier));
    return parts.join('.');
  }

  toString(): string {
    return this.render();
  }

  /** dbt's `relation.include(database=False, …)`. */
  include(opts: { database?: boolean; schema?: boolean; identifier?: boolean } = {}): Relation {
    return new Relation(this, this.quoteFn, { ...this.includeParts, ...stripKw(opts) });
  }

  /** dbt's `relation.incorporate(path={…}, type=…)`. */
  incorporate(opts: { path?: Partial<RelationParts>; type?: RelationType } = {}): Relation {
    const o = stripKw(opts) as { path?: Partial<RelationParts>; type?: RelationType };
    return new Relation({ ...this, ...(o.path ?? {}), identifier: o.path?.identifier ?? this.identifier, type: o.type ?? this.type }, this.quoteFn, this.includeParts);
  }

  /** A relation with the same database and schema and another identifier. */
  withIdentifier(identifier: string): Relation {
    return new Relation({ ...this, identifier }, this.quoteFn, this.includeParts);
  }

  quote(): Relation {
    return this;
  }

  toJSON(): RelationParts {
    return { database: this.database, schema: this.schema, identifier: this.identifier, type: this.type };
  }
}

/** Keyword arguments arrive as a trailing plain object; this copies only known keys. */
function stripKw<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v;
  return out as T;
}
