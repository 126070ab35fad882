/**
 * What `is_incremental()` returns outside the rendering of a model's SQL by its
 * materialization: when compiling, and in the model's hooks. As dbt-core's macro decides it:
 * an incremental model whose relation exists as a table, unless this is a full refresh.
 */
import type { Adapter } from '../adapters/index.js';
import { isFullRefresh } from '../materializations/index.js';
import type { ManifestNode } from '../parse/manifest.js';
import type { Compiler } from './compile.js';

/** Whether the model builds incrementally: an incremental model whose table exists, and no full refresh. */
export async function incrementalBuild(compiler: Compiler, node: ManifestNode, adapter: () => Promise<Adapter>, fullRefresh: boolean): Promise<boolean> {
  if (node.resource_type !== 'model' || node.config.materialized !== 'incremental' || isFullRefresh({ node, fullRefresh })) return false;
  const self = compiler.relationOf(node);
  const a = await adapter();
  // Through the relation cache, as a build looks its target up: one catalog listing per schema.
  const { existing } = await a.withSession((s) => a.cache.lookup(s, self.database ?? a.database, self.schema || a.schema, self.identifier));
  return existing?.type === 'table';
}
