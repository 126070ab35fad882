/**
 * The `ephemeral` materialization: nothing is built; the runner inlines the model as a
 * named CTE wherever it is referenced.
 */
import type { MaterializationContext, MaterializationResult } from './context.js';

/** Build nothing. */
export async function buildEphemeral(_ctx: MaterializationContext): Promise<MaterializationResult> {
  return { status: 'success', message: 'EPHEMERAL (inlined where referenced)', executedSql: [] };
}
