/**
 * Materializations, written once against the adapter interface. `materialize(kind, ctx)`
 * builds one node; more kinds (seed, snapshot, test) register with
 * `registerMaterialization`.
 */
import { SqlError } from '../adapters/sql-error.js';
import { StrataError } from '../errors.js';
import type { MaterializationContext, MaterializationResult } from './context.js';
import { buildEphemeral } from './ephemeral.js';
import { buildIncremental } from './incremental.js';
import { buildTable } from './table.js';
import { buildView } from './view.js';
import { buildMaterializedView } from './materialized-view.js';
import { buildExternal } from './external.js';
import { forgetTargetSchema, usedCachedLookup } from './target.js';

/** A materialization: builds one node. */
export type Materialization = (ctx: MaterializationContext) => Promise<MaterializationResult>;

const registry = new Map<string, Materialization>([
  ['view', buildView],
  ['table', buildTable],
  ['incremental', buildIncremental],
  ['ephemeral', buildEphemeral],
  ['materialized_view', buildMaterializedView],
  ['external', buildExternal],
]);

/** Add or replace a materialization under `kind`. */
export function registerMaterialization(kind: string, fn: Materialization): void {
  registry.set(kind, fn);
}

/** Whether Strata builds `kind` itself. */
export function hasMaterialization(kind: string): boolean {
  return registry.has(kind);
}

/** The known kinds. */
export function materializationKinds(): string[] {
  return [...registry.keys()].sort();
}

/**
 * Build `ctx.node` as `kind`. Throws StrataError: `unknown-materialization`, `config-error`,
 * `schema-change`, `sql-error` (a `SqlError`, with the line in the model's SQL when the
 * model's own SQL failed) or `cancelled`.
 */
export async function materialize(kind: string, ctx: MaterializationContext): Promise<MaterializationResult> {
  const fn = registry.get(kind);
  if (!fn) {
    throw new StrataError('unknown-materialization', `Model ${ctx.node.name}: unknown materialization "${kind}"`, {
      hint: `Strata knows: ${materializationKinds().join(', ')}.`,
    });
  }
  try {
    return await fn(ctx);
  } catch (err) {
    forgetTargetSchema(ctx);
    // The relation cache may be stale (a hook or another process changed the schema):
    // when the engine reports a catalog conflict on the target, list again and retry once.
    const r = ctx.node.relation;
    if (usedCachedLookup(ctx) && err instanceof SqlError && err.code === 'sql-error' && mentionsTarget(err.engineMessage, [r.identifier, r.schema])) {
      return fn(ctx);
    }
    throw err;
  }
}

function mentionsTarget(message: string, names: string[]): boolean {
  const m = message.toLowerCase();
  return /Catalog Error|already exists|does not exist/i.test(message) && names.some((n) => m.includes(n.toLowerCase()));
}

export type { MaterializationContext, MaterializationResult, MaterializationNode, BatchWindow } from './context.js';
export { planBatches, truncateTime, offsetTime, ceilTime, type BatchPlanInput } from './batch-windows.js';
export { diffColumns, type SchemaDiff } from './schema-change.js';
export { isFullRefresh, parseTime, type OnSchemaChange, type IncrementalStrategy, type BatchSize } from './node-config.js';
export { TEMP_INFIX } from './temp-names.js';
