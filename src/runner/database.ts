/**
 * The bridge between the Jinja context's database needs (run_query, adapter.get_relation,
 * statement blocks…) and an open adapter. Each call borrows a session from the pool.
 */
import type { Adapter } from '../adapters/index.js';
import type { DatabaseServices } from '../context/node-context.js';
import { type Relation as ContextRelation } from '../context/relation.js';
import { ResultTable } from '../context/table.js';

/** A relation with the target's database and schema filled in where the template left them out. */
export function toAdapterRelation(adapter: Adapter, r: ContextRelation) {
  const type = r.type === 'table' || r.type === 'view' ? r.type : undefined;
  return adapter.relation({ database: r.database ?? undefined, schema: r.schema || adapter.schema, identifier: r.identifier, type });
}

export function databaseServices(adapter: Adapter): DatabaseServices {
  return {
    async execute(sql, fetch) {
      const r = await adapter.withSession((s) => s.execute(sql, { fetch }));
      const table = new ResultTable(r.columns.map((c) => ({ name: c.name, dataType: c.type })), r.rows);
      return { message: r.rowsAffected !== undefined ? `OK ${r.rowsAffected}` : 'OK', rowsAffected: r.rowsAffected, table };
    },
    async getRelation(database, schema, identifier) {
      const r = await adapter.withSession((s) => s.getRelation(database ?? undefined, schema, identifier));
      return r ?? null;
    },
    async getColumns(relation) {
      const cols = await adapter.withSession((s) => s.getColumns(toAdapterRelation(adapter, relation)));
      return cols.map((c) => ({ name: c.name, dataType: c.type }));
    },
    async createSchema(relation) {
      await adapter.withSession((s) => s.createSchema(relation.database ?? undefined, relation.schema ?? adapter.schema));
    },
    async dropRelation(relation) {
      await adapter.withSession((s) => s.dropRelation(toAdapterRelation(adapter, relation)));
    },
    async renameRelation(from, to) {
      await adapter.withSession((s) => s.renameRelation(toAdapterRelation(adapter, from), to.identifier));
    },
    async listSchemas(database) {
      const r = await adapter.withSession((s) =>
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
    execute: async (sql, fetch) => (await db()).execute(sql, fetch),
    getRelation: async (database, schema, identifier) => (await db()).getRelation(database, schema, identifier),
    getColumns: async (relation) => (await db()).getColumns(relation),
    createSchema: async (relation) => (await db()).createSchema(relation),
    dropRelation: async (relation) => (await db()).dropRelation(relation),
    renameRelation: async (from, to) => (await db()).renameRelation(from, to),
    listSchemas: async (database) => (await db()).listSchemas(database),
  };
}
