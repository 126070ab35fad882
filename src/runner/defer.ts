/**
 * `--defer`: a ref to a model, seed or snapshot that this run does not build reads the
 * relation another environment built (production, usually), named by an older manifest
 * (`--defer-state`, else `--state`). As in dbt, a ref defers when the node has a
 * counterpart in that manifest (not ephemeral there) and either `--favor-state` is set and
 * the node is not selected, or its relation does not exist in the current target.
 * "Exists" is answered from the relation cache, listed once before the first node and
 * kept current as nodes are built, so a selected parent built earlier in the run is read
 * from the current target.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Adapter } from '../adapters/index.js';
import { StrataError } from '../errors.js';
import { serializeManifest, writeManifest, type Manifest, type ManifestNode } from '../parse/manifest.js';

/** What `--defer` needs for the length of a command. */
export interface Deferral {
  /** The older manifest's node for every node of both manifests that can defer, by unique id. */
  readonly nodes: Map<string, ManifestNode>;
  readonly favorState: boolean;
  /** Whether a node's own relation exists in the current target (set by {@link prepareDeferral}). */
  exists: (node: ManifestNode) => boolean;
}

const REFABLE = new Set(['model', 'seed', 'snapshot']);

const manifests = new Map<string, { stamp: string; nodes: Record<string, ManifestNode> }>();

/**
 * The nodes of the manifest.json in `dir` (another run's target folder), or undefined when
 * there is none. Read once per file version: `--state` selectors and `--defer` in the same
 * command share it (a large project's manifest is tens of MB). Invalid JSON is a usage error
 * naming the file.
 */
export function readStateManifest(dir: string): Record<string, ManifestNode> | undefined {
  const file = join(resolve(dir), 'manifest.json');
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  const stamp = `${st.size}:${st.mtimeMs}`;
  const known = manifests.get(file);
  if (known?.stamp === stamp) return known.nodes;
  let nodes: Record<string, ManifestNode>;
  try {
    nodes = (JSON.parse(readFileSync(file, 'utf8')) as { nodes?: Record<string, ManifestNode> }).nodes ?? {};
  } catch (e) {
    throw new StrataError('usage', `${file} is not a manifest (invalid JSON: ${(e as Error).message})`, { hint: 'Point --state (or --defer-state) at the target/ folder of an earlier run.' });
  }
  manifests.set(file, { stamp, nodes });
  return nodes;
}

/**
 * The deferral of a command, or undefined without `--defer`. `state` is `--defer-state`
 * or else `--state`; the current manifest's nodes decide which older nodes count.
 */
export function readDeferral(
  o: { defer?: boolean; deferState?: string; state?: string; favorState?: boolean },
  current: Record<string, ManifestNode>,
  command = '--defer',
): Deferral | undefined {
  if (!o.defer) return undefined;
  const dir = o.deferState ?? o.state;
  if (!dir) throw new StrataError('usage', `${command} needs the manifest of the environment to ${command === 'clone' ? 'clone from' : 'defer to'}`, { hint: 'Pass --state <folder> (or --defer-state <folder>) holding that environment\'s manifest.json, e.g. a copy of its target/ folder.' });
  const old = readStateManifest(dir);
  if (!old) throw new StrataError('usage', `${command}: no manifest.json in ${dir}`, { hint: 'Point --state (or --defer-state) at the target/ folder of a run in the environment to defer to.' });
  const nodes = new Map<string, ManifestNode>();
  for (const [id, node] of Object.entries(old)) {
    if (current[id] && REFABLE.has(node.resource_type) && node.config?.materialized !== 'ephemeral') nodes.set(id, node);
  }
  return { nodes, favorState: Boolean(o.favorState), exists: () => false };
}

/**
 * List, once, the schemas the nodes that can defer live in (in the current target), and
 * answer "exists" from the adapter's relation cache from then on. A relation is known to
 * exist if the cache holds it, or, when its schema was dropped from the cache since, if it
 * existed when listed.
 */
export async function prepareDeferral(deferral: Deferral, current: Record<string, ManifestNode>, adapter: Adapter): Promise<void> {
  // where a node's relation is: the target's database and schema unless the node names its own
  const where = (n: ManifestNode) => [n.database ?? adapter.database, n.schema || adapter.schema, n.alias] as const;
  const existed = new Set<string>();
  await adapter.withSession(async (s) => {
    for (const id of deferral.nodes.keys()) {
      if ((await adapter.cache.lookup(s, ...where(current[id]!))).existing) existed.add(id);
    }
  });
  deferral.exists = (n) => adapter.cache.has(...where(n)) ?? existed.has(n.unique_id);
}

/**
 * Record in manifest.json, as dbt does under `--defer`, each node's `defer_relation`: the
 * relation its counterpart has in the other environment (tools that read the manifest, such
 * as editors and CI reports, show where a deferred ref resolves).
 */
export async function recordDeferRelations(deferral: Deferral, manifest: Manifest, targetPath: string): Promise<void> {
  for (const [id, other] of deferral.nodes) {
    const node = manifest.nodes[id];
    if (!node) continue;
    node.defer_relation = {
      database: other.database ?? null,
      schema: other.schema,
      alias: other.alias,
      relation_name: other.relation_name ?? null,
      resource_type: other.resource_type,
      name: other.name,
      description: other.description ?? '',
      compiled_code: other.resource_type === 'seed' ? '' : ((other as { compiled_code?: string }).compiled_code ?? null),
      meta: other.meta ?? {},
      tags: other.tags ?? [],
      config: other.config ?? {},
    };
  }
  await writeManifest(targetPath, serializeManifest(manifest));
}
