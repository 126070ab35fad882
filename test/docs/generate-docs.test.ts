/**
 * `strata docs generate` on the shop fixture built on a real DuckDB: catalog.json in dbt's
 * catalog v1 shape with the engine's types and row counts, and the static site files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { generateDocs, type Catalog, type DocsData } from '../../src/docs/index.js';
import { builtShop, readSiteData } from './helpers.js';

test('docs generate writes catalog.json from the DuckDB catalog, and the site', async () => {
  const dir = await builtShop();
  const r = await generateDocs({ projectDir: dir, profilesDir: dir, color: false, logFormat: 'text' });
  assert.equal(r.catalogPath, join(dir, 'target', 'catalog.json'));
  assert.equal(r.sitePath, join(dir, 'target', 'index.html'));
  assert.deepEqual(r.warnings, []);

  const catalog = JSON.parse(readFileSync(r.catalogPath, 'utf8')) as Catalog;
  assert.equal(catalog.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/catalog/v1.json');
  assert.equal(catalog.errors, null);
  // Ephemeral int_kinds builds nothing; the three others are in the warehouse.
  assert.deepEqual(Object.keys(catalog.nodes).sort(), ['model.shop.events_incremental', 'model.shop.kind_counts', 'model.shop.stg_events']);

  const kc = catalog.nodes['model.shop.kind_counts']!;
  assert.deepEqual(kc.metadata, { type: 'BASE TABLE', schema: 'main_marts', name: 'kind_counts', database: 'shop', comment: null, owner: null });
  assert.deepEqual(Object.keys(kc.columns), ['kind', 'label', 'events', 'amount']);
  assert.deepEqual(kc.columns.events, { type: 'BIGINT', index: 3, name: 'events', comment: null });
  assert.equal(kc.columns.kind!.type, 'VARCHAR');
  assert.equal(kc.stats.row_count!.value, 3, 'click, view, buy');
  assert.equal(kc.stats.has_stats!.value, true);

  const stg = catalog.nodes['model.shop.stg_events']!;
  assert.equal(stg.metadata.type, 'VIEW');
  assert.equal(stg.stats.row_count, undefined, 'views have no row count');
  assert.equal(stg.columns.ts!.type, 'TIMESTAMP');
  assert.equal(catalog.nodes['model.shop.events_incremental']!.stats.row_count!.value, 4);

  const src = catalog.sources['source.shop.raw.events']!;
  assert.equal(src.metadata.comment, 'Landed by the loader');
  assert.equal(src.stats.row_count!.value, 4);
  assert.equal(src.columns.amount!.type, 'INTEGER');

  // The site: the page, its script and stylesheet, and the data as a script.
  for (const f of ['index.html', 'strata-docs.js', 'strata-docs.css', 'strata-docs-data.js']) assert.ok(existsSync(join(dir, 'target', f)), f);
  const html = readFileSync(r.sitePath, 'utf8');
  assert.match(html, /<script src="strata-docs-data.js"><\/script>/);
  assert.doesNotMatch(html, /https?:\/\//, 'no external resources: the page works offline');
  assert.doesNotMatch(readFileSync(join(dir, 'target', 'strata-docs.js'), 'utf8'), /\bfetch\(/);
  const data = readSiteData<DocsData>(readFileSync(join(dir, 'target', 'strata-docs-data.js'), 'utf8'));
  assert.equal(data.project, 'shop');
  const node = data.nodes.find((n) => n.id === 'model.shop.kind_counts')!;
  assert.deepEqual(node.columns.map((c) => [c.name, c.type]), [['kind', 'VARCHAR'], ['label', 'VARCHAR'], ['events', 'BIGINT'], ['amount', 'HUGEINT']]);
  assert.equal(node.stats.rowCount, 3);
  assert.match(node.compiledSql ?? '', /__dbt__cte__int_kinds as \(/, 'compiled SQL has the ephemeral CTE');
  assert.match(node.rawSql ?? '', /\{\{ ref\('int_kinds'\) \}\}/);
  assert.deepEqual(node.parents.sort(), ['model.shop.int_kinds', 'model.shop.stg_events']);
  const stgNode = data.nodes.find((n) => n.id === 'model.shop.stg_events')!;
  assert.deepEqual(stgNode.children.sort(), ['model.shop.events_incremental', 'model.shop.int_kinds', 'model.shop.kind_counts']);
  assert.deepEqual(stgNode.parents, ['source.shop.raw.events']);
  const source = data.nodes.find((n) => n.id === 'source.shop.raw.events')!;
  assert.equal(source.description, 'One row per event.');
  // Every graph node has a position in the whole-project layout.
  for (const n of data.nodes.filter((x) => x.inGraph)) assert.ok(data.layout.positions[n.id], n.id);
  assert.equal(data.layout.method, 'dagre');
});

test('docs generate --empty-catalog --no-compile through the CLI', async () => {
  const dir = await builtShop();
  const sink = new Writable({ write: (_c, _e, done) => done() });
  assert.equal(await main(['docs', 'generate', '--empty-catalog', '--no-compile', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink }), 0);
  const catalog = JSON.parse(readFileSync(join(dir, 'target', 'catalog.json'), 'utf8')) as Catalog;
  assert.deepEqual(catalog.nodes, {});
  const data = readSiteData<DocsData>(readFileSync(join(dir, 'target', 'strata-docs-data.js'), 'utf8'));
  assert.equal(data.nodes.find((n) => n.id === 'model.shop.kind_counts')!.compiledSql, null);
});

test('a column documented in YAML that the built relation lacks is a warning with its file and line', async () => {
  const dir = await builtShop();
  const yml = join(dir, 'models', 'marts', '_marts.yml');
  writeFileSync(yml, readFileSync(yml, 'utf8').replace('      - name: events\n', '      - name: events\n      - name: evnets\n        description: A typo.\n'));
  const r = await generateDocs({ projectDir: dir, profilesDir: dir, color: false, logFormat: 'text' });
  assert.deepEqual(r.warnings, [`models/marts/_marts.yml:14: column 'evnets' of model 'kind_counts' is documented, but shop.main_marts.kind_counts has no such column`]);
});
