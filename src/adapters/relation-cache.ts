/**
 * The relations known to exist, per schema, as dbt's relation cache: a schema is listed
 * once (one catalog query), then kept up to date by the materializations and by the
 * session's catalog operations. It makes a build's "does the target exist?" free; a
 * catalog query per model costs milliseconds on DuckDB once a schema holds hundreds of
 * tables.
 *
 * It cannot see DDL run as raw SQL (hooks, `run_query`) or by other processes: callers
 * that act on a cached answer retry once with {@link RelationCache.invalidate}d data
 * when the engine disagrees.
 */
import type { Session } from './adapter.js';
import type { Relation } from './relation.js';

const TEMP_MARK = '__strata_tmp_';

interface SchemaEntry {
  relations: Map<string, Relation>;
}

/** The answer of {@link RelationCache.lookup}. */
export interface CachedLookup {
  /** The relation with the identifier, if it exists. */
  existing: Relation | undefined;
  /** Temporary relations named `<identifier>__strata_tmp_…`, left by killed runs. */
  leftovers: Relation[];
  /** Whether the schema was listed for this lookup (rather than answered from memory). */
  fresh: boolean;
}

const key = (database: string, schema: string) => `${database.toLowerCase()}\0${schema.toLowerCase()}`;

/** Relations per schema. */
export class RelationCache {
  private readonly schemas = new Map<string, SchemaEntry>();
  private readonly loading = new Map<string, Promise<SchemaEntry>>();
  private readonly ensured = new Set<string>();

  /** Whether the schema was created (or found) by this process: CREATE SCHEMA can be skipped. */
  schemaEnsured(database: string, schema: string): boolean {
    return this.ensured.has(key(database, schema));
  }

  /** Record that the schema exists. */
  markSchema(database: string, schema: string): void {
    this.ensured.add(key(database, schema));
  }

  /** Look up `identifier` in its schema, listing the schema first if it is not cached. */
  async lookup(session: Session, database: string, schema: string, identifier: string): Promise<CachedLookup> {
    const k = key(database, schema);
    let entry = this.schemas.get(k);
    let fresh = false;
    if (!entry) {
      let p = this.loading.get(k);
      if (!p) {
        p = session.listRelations(database, schema).then((rels) => {
          const e: SchemaEntry = { relations: new Map(rels.map((r) => [r.identifier.toLowerCase(), r])) };
          this.schemas.set(k, e);
          return e;
        });
        this.loading.set(k, p);
        p.finally(() => this.loading.delete(k)).catch(() => undefined);
      }
      entry = await p;
      fresh = true;
    }
    const id = identifier.toLowerCase();
    const prefix = id + TEMP_MARK;
    const leftovers: Relation[] = [];
    for (const [name, r] of entry.relations) if (name.startsWith(prefix)) leftovers.push(r);
    return { existing: entry.relations.get(id), leftovers, fresh };
  }

  /** Whether `identifier` exists, from memory alone: undefined when its schema is not cached. */
  has(database: string, schema: string, identifier: string): boolean | undefined {
    return this.schemas.get(key(database, schema))?.relations.has(identifier.toLowerCase());
  }

  /** Record that `relation` (with its type) now exists, if its schema is cached. */
  set(relation: Relation): void {
    if (!relation.database) return;
    this.schemas.get(key(relation.database, relation.schema))?.relations.set(relation.identifier.toLowerCase(), relation);
  }

  /** Record that a relation no longer exists. */
  remove(database: string, schema: string, identifier: string): void {
    this.schemas.get(key(database, schema))?.relations.delete(identifier.toLowerCase());
  }

  /** Forget one schema, or everything. */
  invalidate(database?: string, schema?: string): void {
    if (database !== undefined && schema !== undefined) {
      this.schemas.delete(key(database, schema));
      this.ensured.delete(key(database, schema));
    } else {
      this.schemas.clear();
      this.ensured.clear();
    }
  }
}
