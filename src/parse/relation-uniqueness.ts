/**
 * Two nodes that would be one relation in the warehouse: dbt refuses such a project (the
 * second build would overwrite the first, or two builds would race for the name). The nodes
 * that are relations are models, seeds and snapshots, and the tests whose failing rows are
 * stored (`store_failures` in their config, or `--store-failures`).
 */
import { StrataError } from '../errors.js';
import { doubleQuote, relation } from '../context/relation.js';
import type { Manifest, ManifestNode } from './manifest.js';

const RELATIONAL = new Set(['model', 'seed', 'snapshot']);

/** Whether a test keeps its failing rows in a relation: its config's `store_failures`, else the flag. */
function storesFailures(node: ManifestNode, storeFailuresFlag: boolean): boolean {
  const own = node.config.store_failures;
  return own === true || ((own === undefined || own === null || own === false) && storeFailuresFlag);
}

/** Throws when two enabled nodes would be the same relation. */
export function checkRelationUniqueness(manifest: Manifest, storeFailuresFlag: boolean): void {
  const seen = new Map<string, ManifestNode>();
  for (const node of Object.values(manifest.nodes)) {
    const relational = RELATIONAL.has(node.resource_type) || (node.resource_type === 'test' && storesFailures(node, storeFailuresFlag));
    if (!relational) continue;
    const key = `${node.database ?? ''}\u0000${node.schema}\u0000${node.alias}`;
    const first = seen.get(key);
    if (first) {
      const name = relation({ database: node.database, schema: node.schema, identifier: node.alias }, doubleQuote).render();
      throw new StrataError('duplicate-relation', `${first.unique_id} (${first.original_file_path}) and ${node.unique_id} (${node.original_file_path}) would both be the relation ${name}`, {
        hint: 'Give one of them another alias (or schema, or database) in its config.',
      });
    }
    seen.set(key, node);
  }
}
