/**
 * The manifest: every node, source, macro, doc and exposure of a parsed project, in the
 * shape of dbt's manifest v12 (`target/manifest.json`) so that tools reading dbt's
 * manifest read ours. The same objects are the `model` and `graph` values templates see.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { UnitTestEntry } from '../runner/unit-test.js';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';
export const STRATA_VERSION = '0.1.0';

export interface ColumnEntry {
  name: string;
  description: string;
  meta: Record<string, unknown>;
  data_type: string | null;
  constraints: unknown[];
  quote: boolean | null;
  /** The column's own config: its meta and tags (dbt 1.10). */
  config: { meta: Record<string, unknown>; tags: string[] };
  tags: string[];
  granularity: string | null;
  doc_blocks: unknown[];
}

/** A model, seed, snapshot, analysis, test or operation, as dbt's manifest lists it. */
export interface ManifestNode {
  unique_id: string;
  name: string;
  resource_type: 'model' | 'seed' | 'snapshot' | 'analysis' | 'test' | 'operation' | 'sql_operation';
  package_name: string;
  /** Path relative to the resource's folder (models/, seeds/ …). */
  path: string;
  /** Path relative to the package folder. */
  original_file_path: string;
  fqn: string[];
  alias: string;
  database: string | null;
  schema: string;
  /** dbt's FileHash: the sha256 of the file's stripped text, or (a seed over 1 MiB) its path. */
  checksum: { name: 'sha256' | 'path'; checksum: string };
  config: Record<string, unknown>;
  tags: string[];
  description: string;
  columns: Record<string, ColumnEntry>;
  meta: Record<string, unknown>;
  group: string | null;
  docs: { show: boolean; node_color: string | null };
  patch_path: string | null;
  build_path: string | null;
  unrendered_config: Record<string, unknown>;
  created_at: number;
  relation_name: string | null;
  raw_code: string;
  language: 'sql';
  refs: { name: string; package: string | null; version: string | number | null }[];
  sources: [string, string][];
  metrics: string[][];
  depends_on: { macros: string[]; nodes: string[] };
  compiled_path: string | null;
  contract: { enforced: boolean; alias_types: boolean; checksum: string | null };
  /** Models only: `private`, `protected` (the default) or `public`. */
  access?: string;
  constraints?: unknown[];
  version?: string | number | null;
  latest_version?: string | number | null;
  deprecation_date?: string | null;
  /** Tests only. */
  column_name?: string | null;
  attached_node?: string | null;
  test_metadata?: { name: string; kwargs: Record<string, unknown>; namespace: string | null };
  file_key_name?: string;
  /** Seeds only. */
  root_path?: string;
  /** Under `--defer`: where the node's counterpart lives in the other environment (see runner/defer.ts). */
  defer_relation?: DeferRelation | null;
}

/** dbt's record, in manifest.json, of the relation a node defers to. */
export interface DeferRelation {
  database: string | null;
  schema: string;
  alias: string;
  relation_name: string | null;
  resource_type: string;
  name: string;
  description: string;
  compiled_code: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
}

export interface SourceEntry {
  unique_id: string;
  name: string;
  source_name: string;
  resource_type: 'source';
  package_name: string;
  path: string;
  original_file_path: string;
  fqn: string[];
  database: string | null;
  schema: string;
  identifier: string;
  loader: string;
  loaded_at_field: string | null;
  freshness: Record<string, unknown> | null;
  description: string;
  source_description: string;
  columns: Record<string, ColumnEntry>;
  meta: Record<string, unknown>;
  source_meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  relation_name: string;
  quoting: Record<string, unknown>;
  external: Record<string, unknown> | null;
  patch_path: string | null;
  unrendered_config: Record<string, unknown>;
  created_at: number;
}

export interface MacroEntry {
  unique_id: string;
  name: string;
  resource_type: 'macro';
  package_name: string;
  path: string;
  original_file_path: string;
  macro_sql: string;
  depends_on: { macros: string[] };
  description: string;
  meta: Record<string, unknown>;
  docs: { show: boolean; node_color: string | null };
  patch_path: string | null;
  arguments: { name: string; type: string | null; description: string }[];
  created_at: number;
  supported_languages: null;
}

export interface DocEntry {
  unique_id: string;
  name: string;
  resource_type: 'doc';
  package_name: string;
  path: string;
  original_file_path: string;
  block_contents: string;
}

export interface ExposureEntry {
  unique_id: string;
  name: string;
  resource_type: 'exposure';
  package_name: string;
  path: string;
  original_file_path: string;
  fqn: string[];
  type: string;
  owner: Record<string, unknown>;
  description: string;
  label: string | null;
  maturity: string | null;
  url: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  depends_on: { macros: string[]; nodes: string[] };
  refs: { name: string; package: string | null; version: string | number | null }[];
  sources: [string, string][];
  metrics: string[][];
  unrendered_config: Record<string, unknown>;
  created_at: number;
}

/** A group (`groups:` in a property file), as dbt's manifest lists it. */
export interface GroupEntry {
  name: string;
  resource_type: 'group';
  package_name: string;
  /** The property file, relative to the resource folder it is in (models/ …). */
  path: string;
  original_file_path: string;
  unique_id: string;
  /** `email` and `name` (null when not given), then any other keys as written. */
  owner: Record<string, unknown>;
  description: string | null;
  config: { meta: Record<string, unknown> } & Record<string, unknown>;
}

export interface Manifest {
  metadata: {
    dbt_schema_version: string;
    dbt_version: string;
    generated_at: string;
    invocation_id: string;
    env: Record<string, string>;
    project_name: string;
    project_id: string;
    user_id: null;
    send_anonymous_usage_stats: false;
    adapter_type: string;
  };
  nodes: Record<string, ManifestNode>;
  sources: Record<string, SourceEntry>;
  macros: Record<string, MacroEntry>;
  docs: Record<string, DocEntry>;
  exposures: Record<string, ExposureEntry>;
  metrics: Record<string, never>;
  groups: Record<string, GroupEntry>;
  selectors: Record<string, unknown>;
  disabled: Record<string, ManifestNode[]>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
  /** Each group's name, with the nodes in it. */
  group_map: Record<string, string[]>;
  saved_queries: Record<string, never>;
  semantic_models: Record<string, never>;
  unit_tests: Record<string, UnitTestEntry>;
}

export function emptyManifest(projectName: string, adapterType: string, invocationId: string, projectId: string): Manifest {
  return {
    metadata: {
      dbt_schema_version: MANIFEST_SCHEMA,
      dbt_version: '1.9.0',
      generated_at: new Date().toISOString(),
      invocation_id: invocationId,
      env: {},
      project_name: projectName,
      project_id: projectId,
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: adapterType,
    },
    nodes: {},
    sources: {},
    macros: {},
    docs: {},
    exposures: {},
    metrics: {},
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: {},
    child_map: {},
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: {},
  };
}

/** A manifest as the bytes of manifest.json, with where each node's value sits in them. */
export interface SerializedManifest {
  bytes: Buffer;
  /** Byte offsets [start, end) of each entry of `nodes` (its value, after the key, with its room). */
  nodeRanges: Map<string, [number, number]>;
}

/**
 * The spaces left after a node whose file holds nothing else (a model, an analysis, a
 * singular test), so that an edit of its SQL that grows the entry by up to a quarter of
 * its code (and 64 bytes) is patched in place, without moving the rest of the file (see
 * `patch.ts`). JSON allows any whitespace between values; readers see the same manifest.
 */
export function patchRoom(node: Pick<ManifestNode, 'resource_type' | 'raw_code' | 'test_metadata'>): number {
  if (node.resource_type !== 'model' && node.resource_type !== 'analysis' && !(node.resource_type === 'test' && !node.test_metadata)) return 0;
  return 64 + (node.raw_code.length >> 2);
}

/**
 * Serialize a manifest as `JSON.stringify` does, apart from each node's room (see
 * `patchRoom`), noting the byte range of every node, so that one node can later be
 * replaced in the file without serializing the rest (see `patch.ts`).
 */
export function serializeManifest(manifest: Manifest): SerializedManifest {
  const chunks: Buffer[] = [];
  const nodeRanges = new Map<string, [number, number]>();
  let at = 0;
  const push = (text: string) => {
    const b = Buffer.from(text);
    chunks.push(b);
    at += b.length;
  };
  let spaces = Buffer.alloc(4096, ' ');
  const room = (n: number) => {
    if (n > spaces.length) spaces = Buffer.alloc(n, ' ');
    chunks.push(spaces.subarray(0, n));
    at += n;
  };
  let sep = '{';
  for (const [key, value] of Object.entries(manifest)) {
    if (value === undefined) continue;
    push(`${sep}${JSON.stringify(key)}:`);
    sep = ',';
    if (key !== 'nodes') {
      push(JSON.stringify(value));
      continue;
    }
    let nodeSep = '{';
    for (const [id, node] of Object.entries(value as Manifest['nodes'])) {
      push(`${nodeSep}${JSON.stringify(id)}:`);
      nodeSep = ',';
      const start = at;
      push(JSON.stringify(node));
      room(patchRoom(node));
      nodeRanges.set(id, [start, at]);
    }
    push(nodeSep === '{' ? '{}' : '}');
  }
  push(sep === '{' ? '{}' : '}');
  return { bytes: Buffer.concat(chunks, at), nodeRanges };
}

/** Write target/manifest.json (on libuv's threads); resolves to its path. */
export async function writeManifest(targetPath: string, serialized: SerializedManifest): Promise<string> {
  const file = join(targetPath, 'manifest.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, serialized.bytes);
  return file;
}
