/**
 * A build's target through the relation cache: looking it up (creating its schema and
 * dropping left-over temporary relations on the way), recording what the build left, and
 * knowing whether a cached answer was used (so that `materialize` can retry once with a
 * fresh listing when the engine disagrees with the cache).
 */
import type { Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import type { MaterializationContext } from './context.js';
import { ensureSchema } from './ensure-schema.js';
import { findTargetAndClean } from './temp-names.js';

const cachedAnswers = new WeakSet<MaterializationContext>();

/** Ensure the schema, clean left-overs, and return the relation now at the target's name. */
export async function lookupTarget(ctx: MaterializationContext, session: Session, executed: string[]): Promise<Relation | undefined> {
  await ensureSchema(session, ctx.node.relation);
  const { existing, fresh } = await findTargetAndClean(session, ctx.node.relation, executed);
  if (!fresh) cachedAnswers.add(ctx);
  return existing;
}

/** {@link lookupTarget} on a short-lived session of its own. */
export function lookupTargetAlone(ctx: MaterializationContext): Promise<Relation | undefined> {
  return ctx.adapter.withSession((session) => lookupTarget(ctx, session, []));
}

/** Whether a lookup for this build was answered from the cache. */
export function usedCachedLookup(ctx: MaterializationContext): boolean {
  return cachedAnswers.has(ctx);
}

/** Record in the cache that the target now exists as `type`. */
export function recordBuilt(ctx: MaterializationContext, type: 'table' | 'view' | 'materialized_view'): void {
  const r = ctx.node.relation;
  ctx.adapter.cache.set(r.incorporate({ path: { database: r.database ?? ctx.adapter.database }, type }));
}

/** Forget the cached listing of the target's schema (after a failure). */
export function forgetTargetSchema(ctx: MaterializationContext): void {
  const r = ctx.node.relation;
  ctx.adapter.cache.invalidate(r.database ?? ctx.adapter.database, r.schema);
}
