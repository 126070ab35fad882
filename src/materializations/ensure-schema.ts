/**
 * Creating a model's schema when missing, outside any transaction; skipped once this
 * process has ensured it. Workers of one process that need the same schema at the same
 * moment wait for a single creation (two concurrent `CREATE SCHEMA IF NOT EXISTS` can
 * fail with a write-write conflict on DuckDB); a conflict with another process is retried.
 */
import type { Adapter, Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';

const pending = new WeakMap<Adapter, Map<string, Promise<void>>>();

/** `CREATE SCHEMA IF NOT EXISTS`, once per schema at a time in this process, retried on a conflict. */
export async function ensureSchema(session: Session, relation: Relation): Promise<void> {
  const adapter = session.adapter;
  const database = relation.database ?? adapter.database;
  if (adapter.cache.schemaEnsured(database, relation.schema)) return;
  let inFlight = pending.get(adapter);
  if (!inFlight) pending.set(adapter, (inFlight = new Map()));
  const key = `${database ?? ''}\0${relation.schema}`;
  let creating = inFlight.get(key);
  if (!creating) {
    creating = create(session, database, relation.schema).finally(() => inFlight.delete(key));
    inFlight.set(key, creating);
  }
  await creating;
}

async function create(session: Session, database: string | undefined, schema: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await session.createSchema(database, schema);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}
