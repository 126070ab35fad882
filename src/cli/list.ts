/** `strata ls`: the selected resources, as names, paths, selectors or JSON. */
import { parse, selectIds, type CommonOptions } from '../api.js';
import { searchName } from '../parse/model-versions.js';

export interface ListOptions extends CommonOptions {
  output?: 'name' | 'path' | 'json' | 'selector';
  resourceTypes?: string[];
  /** `--exclude-resource-type`: types left out. */
  excludeResourceTypes?: string[];
  outputKeys?: string[];
}

export async function listNodes(o: ListOptions): Promise<string[]> {
  const parsed = await parse(o);
  const types = o.resourceTypes?.flatMap((t) => t.split(/[ ,]+/)).filter(Boolean);
  const excluded = new Set(o.excludeResourceTypes?.flatMap((t) => t.split(/[ ,]+/)).filter(Boolean));
  // as dbt: every kind but analyses unless `all` is asked for (`default` is the same set)
  const wanted = (rt: string) => (!types || types.length === 0 ? rt !== 'analysis' : types.includes('all') || (types.includes('default') && rt !== 'analysis') || types.includes(rt));
  const ids = [...selectIds(parsed, o)].filter((id) => {
    const rt = parsed.graph.nodes.get(id)?.resourceType ?? '';
    return wanted(rt) && !excluded.has(rt);
  });
  const m = parsed.manifest;
  const lines: string[] = [];
  for (const id of ids.sort()) {
    const ut = m.unit_tests[id];
    const node = (m.nodes[id] ?? m.sources[id] ?? m.exposures[id] ?? ut) as unknown as (Record<string, unknown> & { name: string; resource_type: string; original_file_path: string; fqn: string[]; unique_id: string; package_name: string }) | undefined;
    if (!node) continue;
    if (ut && (o.output === undefined || o.output === 'selector')) {
      // as dbt: a unit test by its package and name, `_v<version>` for a version it tests
      lines.push(`unit_test:${ut.package_name}.${ut.name}${ut.version != null ? `_v${String(ut.version)}` : ''}`);
      continue;
    }
    switch (o.output) {
      case 'name':
        // as dbt: the name a ref or selector finds it by (`model.v2` for a version, `source.table` for a source)
        lines.push(node.resource_type === 'source' ? `${String(node.source_name)}.${node.name}` : ut ? node.name : searchName(node.name, node.version as string | number | null | undefined));
        break;
      case 'path':
        lines.push(node.original_file_path);
        break;
      case 'json': {
        const full = { name: node.name, resource_type: node.resource_type, package_name: node.package_name, original_file_path: node.original_file_path, unique_id: node.unique_id, alias: node.alias ?? node.name, config: node.config, tags: node.tags, depends_on: node.depends_on ?? { nodes: [], macros: [] } };
        const keys = o.outputKeys?.flatMap((k) => k.split(/[ ,]+/)).filter(Boolean);
        lines.push(JSON.stringify(keys && keys.length ? Object.fromEntries(keys.map((k) => [k, (full as Record<string, unknown>)[k]])) : full));
        break;
      }
      default:
        lines.push(node.resource_type === 'source' ? `source:${node.package_name}.${String(node.source_name)}.${node.name}` : node.resource_type === 'exposure' ? `exposure:${node.package_name}.${node.name}` : node.fqn.join('.'));
    }
  }
  return lines;
}
