/**
 * The bridge between the Jinja context's database needs (run_query, adapter.get_relation,
 * statement blocks…) and an open adapter. Each call borrows a session from the pool.
 */
import type { Adapter } from '../adapters/index.js';
import type { Session } from '../adapters/adapter.js';
import type { DatabaseServices } from '../context/node-context.js';
import { type Relation as ContextRelation } from '../context/relation.js';
import { ResultTable } from '../context/table.js';

/** A relation with the target's database and schema filled in where the template left them out. */
export function toAdapterRelation(adapter: Adapter, r: ContextRelation) {
  const type = r.type === 'table' || r.type === 'view' ? r.type : undefined;
  return adapter.relation({ database: r.database ?? undefined, schema: r.schema || adapter.schema, identifier: r.identifier, type });
}

export function databaseServices(adapter: Adapter): DatabaseServices {
  return servicesOn(adapter, (fn) => adapter.withSession(fn));
}

/**
 * Database services on a session whose transaction its owner holds (a build running a hook):
 * what a template runs is part of that transaction.
 */
export function buildSessionServices(adapter: Adapter, session: Session): DatabaseServices {
  return servicesOn(adapter, (fn) => fn(session));
}

/**
 * Database services on one session, keeping a transaction as dbt's connection does for a
 * materialization written in Jinja: a `statement` block (auto_begin) opens one when none is
 * open, `adapter.commit()` commits it; `end` commits what is left open (or rolls it back).
 */
export function sessionServices(adapter: Adapter, session: Session): DatabaseServices & { executed: string[]; end(ok: boolean): Promise<void> } {
  let open = false;
  const base = servicesOn(adapter, (fn) => fn(session));
  const executed: string[] = [];
  return {
    ...base,
    executed,
    async execute(sql, fetch, autoBegin) {
      if (autoBegin && !open) {
        await session.begin();
        open = true;
      }
      executed.push(sql);
      return base.execute(sql, fetch);
    },
    async commit() {
      if (!open) return;
      open = false;
      await session.commit();
    },
    async end(ok) {
      if (!open) return;
      open = false;
      await (ok ? session.commit() : session.rollback());
    },
  };
}

function servicesOn(adapter: Adapter, use: <T>(fn: (s: Session) => Promise<T>) => Promise<T>): DatabaseServices {
  return {
    async execute(sql, fetch) {
      const r = await use((s) => s.execute(sql, { fetch }));
      const table = ResultTable.fromQuery(r.columns.map((c) => ({ name: c.name, dataType: c.type })), r.rows, adapter.type);
      return { message: r.rowsAffected !== undefined ? `OK ${r.rowsAffected}` : 'OK', rowsAffected: r.rowsAffected, table };
    },
    async getRelation(database, schema, identifier) {
      const r = await use((s) => s.getRelation(database ?? undefined, schema, identifier));
      return r ?? null;
    },
    async getColumns(relation) {
      const cols = await use((s) => s.getColumns(toAdapterRelation(adapter, relation)));
      return cols.map((c) => ({ name: c.name, dataType: c.type }));
    },
    async createSchema(relation) {
      await use((s) => s.createSchema(relation.database ?? undefined, relation.schema ?? adapter.schema));
    },
    async dropRelation(relation) {
      await use((s) => s.dropRelation(toAdapterRelation(adapter, relation)));
    },
    async renameRelation(from, to) {
      await use((s) => s.renameRelation(toAdapterRelation(adapter, from), to.identifier));
    },
    async listSchemas(database) {
      const r = await use((s) =>
        s.execute(`select schema_name from information_schema.schemata${database ? ` where catalog_name = '${database.replace(/'/g, "''")}'` : ''}`),
      );
      return r.rows.map((row) => String(row[0]));
    },
  };
}

/**
 * Database services that open the adapter on first use: `compile` connects only when a template
 * (a model or any macro it calls) asks the database something, as dbt-core's compile does.
 */
export function lazyDatabaseServices(open: () => Promise<Adapter>): DatabaseServices {
  let services: Promise<DatabaseServices> | undefined;
  const db = () => (services ??= open().then(databaseServices));
  return {
    execute: async (sql, fetch, autoBegin) => (await db()).execute(sql, fetch, autoBegin),
    getRelation: async (database, schema, identifier) => (await db()).getRelation(database, schema, identifier),
    getColumns: async (relation) => (await db()).getColumns(relation),
    createSchema: async (relation) => (await db()).createSchema(relation),
    dropRelation: async (relation) => (await db()).dropRelation(relation),
    renameRelation: async (from, to) => (await db()).renameRelation(from, to),
    listSchemas: async (database) => (await db()).listSchemas(database),
  };
}
