/**
 * Relations as templates see them (`this`, `ref()`, `source()`, `api.Relation`): the
 * adapters' relation value, made from parts that may be null as manifest entries hold them.
 */
import { Relation, type Quoter } from '../adapters/relation.js';
import type { RelationType } from '../adapters/adapter.js';

export { Relation };
export type { RelationType };
export type QuoteFn = Quoter;

/** ANSI quoting, doubling embedded quotes: DuckDB's and PostgreSQL's. */
export const doubleQuote: QuoteFn = (s) => `"${s.replace(/"/g, '""')}"`;

/**
 * A relation from parts that may be null or missing (a missing part is not printed), of the
 * engine `adapterType` (which names dbt's relation class: `DuckDBRelation`, `PostgresRelation`).
 */
export function relation(
  parts: { database?: string | null; schema?: string | null; identifier: string; type?: RelationType | null },
  quote: QuoteFn = doubleQuote,
  adapterType?: string,
): Relation {
  return new Relation({ database: parts.database ?? undefined, schema: parts.schema ?? '', identifier: parts.identifier, type: parts.type ?? undefined }, quote, undefined, undefined, adapterType);
}

/** dbt's `api.Relation.add_ephemeral_prefix(name)`: the name an ephemeral model's CTE takes. */
export function addEphemeralPrefix(name: string): string {
  return `__dbt__cte__${name}`;
}
