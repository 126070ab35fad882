/**
 * Turn the manifest and the catalog into the page's {@link DocsData}: one entry per
 * model, seed, snapshot, source, analysis, exposure and test, with docs blocks substituted,
 * declared and warehouse columns merged, tests attached to their columns, and the
 * whole-project lineage laid out once.
 */
import type { ColumnEntry, Manifest, ManifestNode } from '../parse/manifest.js';
import { STRATA_VERSION } from '../parse/manifest.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { resolveDocReferences, type MissingDoc } from './doc-references.js';
import type { DocsColumn, DocsData, DocsNode, DocsResourceType } from './docs-data.js';
import { NODE_HEIGHT, NODE_WIDTH, layoutOverview } from './overview-layout.js';

/** Inputs of {@link buildSiteData} besides the manifest. */
export interface SiteDataOptions {
  /** The catalog (or none: columns then come from the YAML alone). */
  catalog?: Catalog;
  /** Compiled SQL by unique id (null when the node failed to compile). */
  compiled?: Map<string, string | null>;
  /** Told about each `doc()` reference naming no docs block. */
  onMissingDoc?: (where: string, missing: MissingDoc) => void;
}

const SHOWN: Set<string> = new Set(['model', 'seed', 'snapshot', 'analysis', 'test']);
const IN_GRAPH: Set<string> = new Set(['model', 'seed', 'snapshot', 'source', 'exposure', 'analysis']);

function quoted(...parts: (string | null | undefined)[]): string {
  return parts.filter((p): p is string => !!p).map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}

/** Test name as users write it: `unique`, `not_null`, `relationships`, or a singular test's file name. */
function testLabel(t: ManifestNode): string {
  return t.test_metadata?.name ?? t.name;
}

/** Columns: the warehouse's order first, then declared columns the warehouse lacks. */
function mergeColumns(declared: Record<string, ColumnEntry>, entry: CatalogEntry | undefined, describe: (s: string) => string, testsByColumn: Map<string, string[]>): DocsColumn[] {
  const byLower = new Map(Object.values(declared).map((c) => [c.name.toLowerCase(), c]));
  const out: DocsColumn[] = [];
  const seen = new Set<string>();
  const tests = (name: string) => testsByColumn.get(name.toLowerCase()) ?? [];
  if (entry) {
    for (const c of Object.values(entry.columns).sort((a, b) => a.index - b.index)) {
      const d = byLower.get(c.name.toLowerCase());
      seen.add(c.name.toLowerCase());
      out.push({ name: c.name, type: c.type, description: describe(d?.description || c.comment || ''), tests: tests(c.name) });
    }
  }
  for (const d of Object.values(declared)) {
    if (seen.has(d.name.toLowerCase())) continue;
    out.push({ name: d.name, type: d.data_type, description: describe(d.description), tests: tests(d.name) });
  }
  return out;
}

/** Build the page's data. Pure: reads nothing but its arguments. */
export function buildSiteData(manifest: Manifest, options: SiteDataOptions = {}): DocsData {
  const { catalog, compiled } = options;
  const docs = manifest.docs;
  const describer = (where: string, pkg: string) => (text: string) => resolveDocReferences(text ?? '', docs, pkg, (m) => options.onMissingDoc?.(where, m));

  // Tests by the node they are attached to, and by column.
  const testsOf = new Map<string, string[]>();
  const columnTestsOf = new Map<string, Map<string, string[]>>();
  for (const t of Object.values(manifest.nodes)) {
    if (t.resource_type !== 'test') continue;
    const targets = t.attached_node ? [t.attached_node] : t.depends_on.nodes;
    for (const target of targets) {
      (testsOf.get(target) ?? testsOf.set(target, []).get(target)!).push(t.unique_id);
      if (t.column_name && t.attached_node === target) {
        const cols = columnTestsOf.get(target) ?? columnTestsOf.set(target, new Map()).get(target)!;
        const k = t.column_name.toLowerCase();
        (cols.get(k) ?? cols.set(k, []).get(k)!).push(testLabel(t));
      }
    }
  }

  const nodes: DocsNode[] = [];
  const inManifest = (id: string) => id in manifest.nodes || id in manifest.sources || id in manifest.exposures;
  const graphChildren = (id: string) => (manifest.child_map[id] ?? []).filter((c) => inManifest(c) && manifest.nodes[c]?.resource_type !== 'test');

  for (const n of Object.values(manifest.nodes)) {
    if (!SHOWN.has(n.resource_type)) continue;
    const describe = describer(n.unique_id, n.package_name);
    const entry = catalog?.nodes[n.unique_id];
    const materialized = n.resource_type === 'model' ? String(n.config.materialized ?? 'view') : null;
    const builds = n.resource_type !== 'test' && n.resource_type !== 'analysis' && materialized !== 'ephemeral';
    nodes.push({
      id: n.unique_id,
      name: n.name,
      type: n.resource_type as DocsResourceType,
      package: n.package_name,
      path: n.original_file_path,
      relation: builds ? quoted(n.database, n.schema, n.alias) : null,
      description: describe(n.description),
      materialized,
      tags: n.tags ?? [],
      columns: mergeColumns(n.columns ?? {}, entry, describe, columnTestsOf.get(n.unique_id) ?? new Map()),
      rawSql: n.resource_type === 'seed' ? null : n.raw_code,
      compiledSql: compiled?.get(n.unique_id) ?? null,
      config: n.config,
      meta: n.meta ?? {},
      parents: n.depends_on.nodes.filter(inManifest),
      children: graphChildren(n.unique_id),
      tests: testsOf.get(n.unique_id) ?? [],
      stats: statsOf(entry),
      inGraph: IN_GRAPH.has(n.resource_type),
    });
  }
  for (const s of Object.values(manifest.sources)) {
    const describe = describer(s.unique_id, s.package_name);
    const entry = catalog?.sources[s.unique_id];
    const description = [s.description, s.source_description && s.description !== s.source_description ? s.source_description : ''].filter(Boolean).join('\n\n');
    nodes.push({
      id: s.unique_id,
      name: `${s.source_name}.${s.name}`,
      type: 'source',
      package: s.package_name,
      path: s.original_file_path,
      relation: quoted(s.database, s.schema, s.identifier),
      description: describe(description),
      materialized: null,
      tags: s.tags ?? [],
      columns: mergeColumns(s.columns ?? {}, entry, describe, columnTestsOf.get(s.unique_id) ?? new Map()),
      rawSql: null,
      compiledSql: null,
      config: s.config,
      meta: s.meta ?? {},
      parents: [],
      children: graphChildren(s.unique_id),
      tests: testsOf.get(s.unique_id) ?? [],
      stats: statsOf(entry),
      inGraph: true,
    });
  }
  for (const e of Object.values(manifest.exposures)) {
    nodes.push({
      id: e.unique_id,
      name: e.name,
      type: 'exposure',
      package: e.package_name,
      path: e.original_file_path,
      relation: null,
      description: describer(e.unique_id, e.package_name)(e.description),
      materialized: null,
      tags: e.tags ?? [],
      columns: [],
      rawSql: null,
      compiledSql: null,
      config: { ...e.config, type: e.type, maturity: e.maturity, url: e.url, owner: e.owner },
      meta: e.meta ?? {},
      parents: e.depends_on.nodes.filter(inManifest),
      children: [],
      tests: [],
      stats: { kind: null, rowCount: null, owner: null },
      inGraph: true,
    });
  }
  nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));

  const graphIds = nodes.filter((n) => n.inGraph).map((n) => n.id);
  const parentMap = new Map(nodes.map((n) => [n.id, n.parents]));
  const layout = layoutOverview(graphIds, parentMap);
  const root = manifest.metadata.project_name;
  const overviewDoc = docs[`doc.${root}.__overview__`] ?? Object.values(docs).find((d) => d.name === '__overview__');
  return {
    project: root,
    generatedAt: new Date().toISOString(),
    strataVersion: STRATA_VERSION,
    overview: overviewDoc ? overviewDoc.block_contents.trim() : '',
    nodes,
    layout: { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, width: layout.width, height: layout.height, positions: layout.positions, method: layout.method },
  };
}

function statsOf(entry: CatalogEntry | undefined): DocsNode['stats'] {
  if (!entry) return { kind: null, rowCount: null, owner: null };
  const rc = entry.stats.row_count?.value;
  return { kind: entry.metadata.type === 'VIEW' ? 'view' : 'table', rowCount: typeof rc === 'number' ? rc : null, owner: entry.metadata.owner };
}
