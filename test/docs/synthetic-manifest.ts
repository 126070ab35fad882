/** A generated manifest of any size (sources feeding layers of models), for scale tests. */
import { emptyManifest, type Manifest, type ManifestNode, type SourceEntry } from '../../src/parse/manifest.js';

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` resources: 2% sources, the rest models in `layers` layers, each reading 1–3 earlier ones. */
export function syntheticManifest(count: number, layers = 12, seed = 7): Manifest {
  const m = emptyManifest('big', 'duckdb', 'synthetic', 'synthetic');
  const rnd = random(seed);
  const sources = Math.max(1, Math.round(count * 0.02));
  const byLayer: string[][] = [[]];
  for (let i = 0; i < sources; i++) {
    const id = `source.big.raw.table_${i}`;
    m.sources[id] = {
      unique_id: id, name: `table_${i}`, source_name: 'raw', resource_type: 'source', package_name: 'big', path: 'models/sources.yml', original_file_path: 'models/sources.yml',
      fqn: ['big', 'raw', `table_${i}`], database: 'big', schema: 'raw', identifier: `table_${i}`, loader: '', loaded_at_field: null, freshness: null,
      description: `Raw table ${i}.`, source_description: '', columns: {}, meta: {}, source_meta: {}, tags: [], config: {}, relation_name: `"big"."raw"."table_${i}"`,
      quoting: {}, external: null, patch_path: null, unrendered_config: {}, created_at: 0,
    } satisfies SourceEntry;
    byLayer[0]!.push(id);
    m.child_map[id] = [];
  }
  const models = count - sources;
  for (let i = 0; i < models; i++) {
    const layer = 1 + Math.floor((i / models) * layers);
    (byLayer[layer] ??= []);
    const name = `model_${String(i).padStart(5, '0')}`;
    const id = `model.big.${name}`;
    const parents = new Set<string>();
    const want = 1 + Math.floor(rnd() * 3);
    for (let p = 0; p < want; p++) {
      const from = Math.max(0, layer - 1 - Math.floor(rnd() * 2));
      const pool = byLayer[from]!.length ? byLayer[from]! : byLayer[0]!;
      parents.add(pool[Math.floor(rnd() * pool.length)]!);
    }
    const columns: ManifestNode['columns'] = {};
    for (const c of ['id', 'created_at', `metric_${i % 17}`]) columns[c] = { name: c, description: `The ${c} of ${name}.`, meta: {}, data_type: c === 'id' ? 'integer' : null, constraints: [], quote: null, config: { meta: {}, tags: [] }, tags: [], granularity: null, doc_blocks: [] };
    m.nodes[id] = {
      unique_id: id, name, resource_type: 'model', package_name: 'big', path: `layer_${layer}/${name}.sql`, original_file_path: `models/layer_${layer}/${name}.sql`,
      fqn: ['big', `layer_${layer}`, name], alias: name, database: 'big', schema: 'main', checksum: { name: 'sha256', checksum: '' },
      config: { materialized: i % 3 ? 'view' : 'table' }, tags: [`layer_${layer}`], description: `Model ${i} in layer ${layer}.`, columns, meta: {}, group: null,
      docs: { show: true, node_color: null }, patch_path: null, build_path: null, unrendered_config: {}, created_at: 0, relation_name: `"big"."main"."${name}"`,
      raw_code: [...parents].map((p) => `select * from {{ ref('${p.split('.').pop()}') }}`).join('\nunion all\n'), language: 'sql',
      refs: [], sources: [], metrics: [], depends_on: { macros: [], nodes: [...parents] }, compiled_path: null,
      contract: { enforced: false, alias_types: true, checksum: null },
    };
    m.parent_map[id] = [...parents];
    m.child_map[id] = [];
    for (const p of parents) m.child_map[p]!.push(id);
    byLayer[layer]!.push(id);
  }
  return m;
}
