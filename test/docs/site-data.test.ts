/**
 * The page's data: docs blocks substituted (jaffle fixture, parse only), tests attached to
 * columns, neighbourhoods capped, search ranking, and the whole-project layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDocs, resolveDocReferences, buildSiteData, type DocsData } from '../../src/docs/index.js';
import type { DocEntry } from '../../src/parse/manifest.js';
import { layeredLayout, layoutOverview } from '../../src/docs/overview-layout.js';
import { neighbourhood } from '../../src/docs/site/neighbourhood.js';
import { SearchIndex } from '../../src/docs/site/search-index.js';
import { readSiteData } from './helpers.js';
import { syntheticManifest } from './synthetic-manifest.js';

const JAFFLE = join(import.meta.dirname, '..', 'fixtures', 'projects', 'jaffle');

test('doc() references resolve against the docs blocks', () => {
  const docs: Record<string, DocEntry> = {
    'doc.p.a': { unique_id: 'doc.p.a', name: 'a', resource_type: 'doc', package_name: 'p', path: 'd.md', original_file_path: 'd.md', block_contents: '\nAlpha\n' },
    'doc.q.a': { unique_id: 'doc.q.a', name: 'a', resource_type: 'doc', package_name: 'q', path: 'd.md', original_file_path: 'd.md', block_contents: 'Alpha of q' },
  };
  assert.equal(resolveDocReferences(`{{ doc('a') }}`, docs, 'p'), 'Alpha');
  assert.equal(resolveDocReferences(`x {{ doc("q", "a") }} y {{doc('a')}}`, docs, 'p'), 'x Alpha of q y Alpha');
  assert.equal(resolveDocReferences(`{{ doc('a') }}`, docs, 'other'), 'Alpha', 'falls back to any package');
  const missing: string[] = [];
  assert.equal(resolveDocReferences(`{{ doc('nope') }}`, docs, 'p', (m) => missing.push(m.name)), '(missing doc: nope)');
  assert.deepEqual(missing, ['nope']);
  assert.equal(resolveDocReferences('plain text', docs, 'p'), 'plain text');
});

test('jaffle: docs blocks in descriptions, the overview, and every resource kind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-docs-jaffle-'));
  cpSync(JAFFLE, dir, { recursive: true });
  const r = await generateDocs({ projectDir: dir, profilesDir: dir, emptyCatalog: true, compile: false, color: false });
  const data = readSiteData<DocsData>(readFileSync(join(dir, 'target', 'strata-docs-data.js'), 'utf8'));
  assert.deepEqual(r.warnings, []);
  assert.match(data.overview, /^# The Jaffle Shop/);
  const customers = data.nodes.find((n) => n.id === 'model.jaffle.customers')!;
  assert.equal(customers.description, 'One row per customer, with their first and latest order and lifetime value.');
  assert.deepEqual(customers.columns.map((c) => [c.name, c.type]), [['customer_id', 'integer'], ['number_of_orders', 'bigint'], ['customer_lifetime_value', 'decimal(18,2)']]);
  const status = data.nodes.find((n) => n.id === 'model.jaffle.stg_orders')!.columns.find((c) => c.name === 'status')!;
  assert.match(status.description, /\| return_pending +\| The customer asked to return the order/);
  const types = new Set(data.nodes.map((n) => n.type));
  for (const t of ['model', 'seed', 'snapshot', 'source', 'analysis', 'test'] as const) assert.ok(types.has(t), t);
  // Tests are listed on the nodes they test but are not in the lineage graph.
  const singular = data.nodes.find((n) => n.id === 'test.jaffle.assert_order_amounts_match_payments')!;
  assert.equal(singular.inGraph, false);
  assert.ok(data.nodes.find((n) => n.id === 'model.jaffle.orders')!.tests.includes(singular.id));
  assert.equal(data.layout.positions[singular.id], undefined);
  assert.ok(data.layout.positions['model.jaffle.orders']);
});

test('tests attach to their columns', () => {
  const m = syntheticManifest(10, 2);
  const model = Object.values(m.nodes)[0]!;
  m.nodes['test.big.unique_x_id'] = { ...model, unique_id: 'test.big.unique_x_id', name: 'unique_x_id', resource_type: 'test', attached_node: model.unique_id, column_name: 'ID', test_metadata: { name: 'unique', kwargs: {}, namespace: null }, depends_on: { macros: [], nodes: [model.unique_id] } };
  m.child_map[model.unique_id]!.push('test.big.unique_x_id');
  const data = buildSiteData(m);
  const node = data.nodes.find((n) => n.id === model.unique_id)!;
  assert.deepEqual(node.columns.find((c) => c.name === 'id')!.tests, ['unique']);
  assert.deepEqual(node.tests, ['test.big.unique_x_id']);
  assert.ok(!node.children.includes('test.big.unique_x_id'), 'tests are not lineage children');
});

test('neighbourhoods follow depth and stay under the cap', () => {
  const byId = new Map<string, { parents: string[]; children: string[]; inGraph: boolean }>();
  // A chain a0 → a1 → … → a9, and a hub with 500 children.
  for (let i = 0; i < 10; i++) byId.set(`a${i}`, { parents: i ? [`a${i - 1}`] : [], children: i < 9 ? [`a${i + 1}`] : [], inGraph: true });
  byId.set('hub', { parents: [], children: Array.from({ length: 500 }, (_, i) => `c${i}`), inGraph: true });
  for (let i = 0; i < 500; i++) byId.set(`c${i}`, { parents: ['hub'], children: [], inGraph: true });
  byId.set('t', { parents: ['a5'], children: [], inGraph: false });
  byId.get('a5')!.children.push('t');
  const h = neighbourhood(byId, 'a5', 2);
  assert.deepEqual(h.ids.sort(), ['a3', 'a4', 'a5', 'a6', 'a7']);
  assert.deepEqual(h.edges.length, 4);
  assert.equal(h.truncated, false);
  assert.equal(neighbourhood(byId, 'a5', 99).ids.length, 10);
  const hub = neighbourhood(byId, 'hub', 1, 100);
  assert.equal(hub.ids.length, 100);
  assert.equal(hub.truncated, true);
});

test('search ranks exact and prefix name matches first, and finds columns', () => {
  const mk = (id: string, name: string, cols: string[] = [], description = '') => ({ id, name, description, tags: [], columns: cols.map((c) => ({ name: c, description: '' })) });
  const idx = new SearchIndex([mk('m.orders_daily', 'orders_daily'), mk('m.stg_orders', 'stg_orders'), mk('m.orders', 'orders'), mk('m.customers', 'customers', ['order_count']), mk('m.x', 'x', [], 'All the orders of a day')]);
  assert.deepEqual(idx.search('orders').map((h) => h.item.id), ['m.orders', 'm.orders_daily', 'm.stg_orders', 'm.x']);
  const col = idx.search('order_count');
  assert.equal(col[0]!.item.id, 'm.customers');
  assert.equal(col[0]!.column, 'order_count');
  assert.deepEqual(idx.search('orders day').map((h) => h.item.id), ['m.x']);
  assert.deepEqual(idx.search('   '), []);
});

test('layouts: dagre for small projects, layered for large ones, parents left of children', () => {
  const parents = new Map<string, string[]>([['a', []], ['b', ['a']], ['c', ['a', 'b']]]);
  const small = layoutOverview(['a', 'b', 'c'], parents);
  assert.equal(small.method, 'dagre');
  assert.ok(small.positions.a!.x < small.positions.b!.x && small.positions.b!.x < small.positions.c!.x);
  const layered = layeredLayout(['a', 'b', 'c'], parents);
  assert.deepEqual([layered.positions.a!.x < layered.positions.b!.x, layered.positions.b!.x < layered.positions.c!.x], [true, true]);
  const m = syntheticManifest(3000);
  const ids = [...Object.keys(m.sources), ...Object.keys(m.nodes)];
  const t0 = performance.now();
  const big = layoutOverview(ids, new Map(ids.map((id) => [id, m.nodes[id]?.depends_on.nodes ?? []])));
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(big.method, 'layered');
  for (const id of Object.keys(m.nodes)) for (const p of m.nodes[id]!.depends_on.nodes) assert.ok(big.positions[p]!.x < big.positions[id]!.x, `${p} left of ${id}`);
  // No two nodes overlap.
  const seen = new Set(Object.values(big.positions).map((p) => `${p.x},${p.y}`));
  assert.equal(seen.size, ids.length);
});
