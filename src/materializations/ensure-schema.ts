/**
 * Creating a model's schema when missing, outside any transaction, tolerating another
 * worker creating it at the same moment; skipped once this process has ensured it.
 */
import type { Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';

/** `CREATE SCHEMA IF NOT EXISTS`, retried once if a concurrent creation conflicts. */
export async function ensureSchema(session: Session, relation: Relation): Promise<void> {
  const database = relation.database ?? session.adapter.database;
  if (session.adapter.cache.schemaEnsured(database, relation.schema)) return;
  try {
    await session.createSchema(database, relation.schema);
  } catch {
    await session.createSchema(database, relation.schema);
  }
}
