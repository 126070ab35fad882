/**
 * Names of the temporary relations a build creates (`<name>__strata_tmp_<id>`), finding a
 * build's target through the adapter's relation cache, and dropping temporary relations a
 * killed run left behind.
 */
import { randomBytes } from 'node:crypto';
import type { Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';

/** The infix that marks a temporary relation. */
export const TEMP_INFIX = '__strata_tmp_';

/** A fresh random id for this build's temporary names. */
export function buildId(): string {
  return randomBytes(4).toString('hex');
}

/** What {@link findTargetAndClean} found. */
export interface TargetLookup {
  existing: Relation | undefined;
  /** Whether the answer came from a fresh catalog listing (not from the cache). */
  fresh: boolean;
}

/**
 * Look up `target` and the temporary relations named after it (through the relation
 * cache); drop the latter — left by a killed run, never the real relation — and return
 * the former.
 */
export async function findTargetAndClean(session: Session, target: Relation, executed: string[]): Promise<TargetLookup> {
  const adapter = session.adapter;
  const database = target.database ?? adapter.database;
  const { existing, leftovers, fresh } = await adapter.cache.lookup(session, database, target.schema, target.identifier);
  for (const r of leftovers) {
    const sql = adapter.dialect.dropRelation(r, r.storedType);
    executed.push(sql);
    await session.execute(sql, { fetch: false });
    adapter.cache.remove(database, r.schema, r.identifier);
  }
  return { existing, fresh };
}
