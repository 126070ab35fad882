/**
 * The page stays responsive for a 5,000-node project: generation is quick, and in
 * headless Chromium the page loads, search answers, the whole graph pans and zooms, and
 * a node opens with its lineage — each within generous bounds on a small shared machine.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildSiteData, serveDocs, writeSite, type DocsServer } from '../../src/docs/index.js';
import { chromiumMissing, launch } from './browser.js';
import { syntheticManifest } from './synthetic-manifest.js';

const skip = chromiumMissing();
let browser: Browser;
let server: DocsServer;
let target: string;
let generateMs = 0;

before(async () => {
  target = join(mkdtempSync(join(tmpdir(), 'strata-docs-5k-')), 'target');
  const t0 = performance.now();
  const data = buildSiteData(syntheticManifest(5000));
  await writeSite(target, data);
  generateMs = performance.now() - t0;
  assert.equal(data.nodes.length, 5000);
  assert.equal(data.layout.method, 'layered');
  if (skip) return;
  server = await serveDocs({ siteDir: target, port: 0 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('generating the site data for 5,000 nodes is quick', () => {
  assert.ok(generateMs < 15_000, `took ${generateMs.toFixed(0)} ms`);
  assert.ok(statSync(join(target, 'strata-docs-data.js')).size > 1_000_000);
});

test('a 5,000-node site loads, searches, zooms and opens a node quickly', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = performance.now();
  await page.goto(server.url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('#graph svg')?.getAttribute('data-labelled') !== null);
  const loadMs = performance.now() - t0;
  assert.equal(await page.$eval('#graph svg', (s) => (s as SVGSVGElement).dataset.nodes), '5000', 'every source and model is in the graph');
  // Zoomed out to fit, there are too many nodes to label: shapes only, no per-node elements.
  assert.equal(await page.$eval('#graph svg', (s) => (s as SVGSVGElement).dataset.labelled), '0');

  // Search: type, and the answer is there within a frame or two.
  const t1 = performance.now();
  await page.fill('#search', 'model_04321');
  await page.waitForSelector('#search-results[data-query="model_04321"] li.result');
  const searchMs = performance.now() - t1;
  assert.equal(await page.$eval('#search-results li.result', (li) => (li as HTMLElement).dataset.id), 'model.big.model_04321');
  // Column-name search across all 5,000 nodes.
  const t2 = performance.now();
  await page.fill('#search', 'metric_16');
  await page.waitForSelector('#search-results[data-query="metric_16"] li.result');
  const columnSearchMs = performance.now() - t2;
  assert.equal(await page.$$eval('#search-results li.result', (lis) => lis.length), 30, 'results are capped');

  // Zoom into the whole graph: labelled nodes appear for the part in view only.
  await page.click('body', { position: { x: 5, y: 900 } });
  const t3 = performance.now();
  for (let i = 0; i < 12; i++) await page.click('#project-graph button[data-act="in"]');
  await page.waitForFunction(() => Number((document.querySelector('#graph svg') as SVGSVGElement).dataset.labelled) > 0);
  const zoomMs = performance.now() - t3;
  const labelled = Number(await page.$eval('#graph svg', (s) => (s as SVGSVGElement).dataset.labelled));
  assert.ok(labelled > 0 && labelled <= 300, `labelled ${labelled}`);
  // Pan by dragging.
  const box = (await page.$('#graph svg'))!;
  const b = (await box.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 - 300, b.y + b.height / 2 - 200, { steps: 5 });
  await page.mouse.up();
  await page.screenshot({ path: join(target, 'docs-5k-overview.png') });

  // Open a node from the search: its page and a capped neighbourhood graph.
  await page.fill('#search', 'model_02500');
  await page.waitForSelector('#search-results[data-query="model_02500"] li.result');
  const t4 = performance.now();
  await page.press('#search', 'Enter');
  await page.waitForSelector('article.node-page[data-id="model.big.model_02500"] #lineage svg g.node.focus');
  const openMs = performance.now() - t4;
  const shown = await page.$$eval('#lineage svg g.node', (gs) => gs.length);
  assert.ok(shown > 1 && shown <= 250, `neighbourhood of ${shown}`);
  await page.selectOption('#lineage select', '99');
  await page.waitForFunction(() => !(document.querySelector('#lineage .graph-note') as HTMLElement).hidden || document.querySelectorAll('#lineage svg g.node').length > 0);
  await page.screenshot({ path: join(target, 'docs-5k-model.png') });
  assert.deepEqual(errors, []);
  process.stdout.write(`# 5,000 nodes: generate ${generateMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms, search ${searchMs.toFixed(0)} ms, column search ${columnSearchMs.toFixed(0)} ms, zoom ${zoomMs.toFixed(0)} ms, open ${openMs.toFixed(0)} ms\n`);
  assert.ok(loadMs < 20_000, `load took ${loadMs.toFixed(0)} ms`);
  assert.ok(searchMs < 3_000, `search took ${searchMs.toFixed(0)} ms`);
  assert.ok(columnSearchMs < 3_000, `column search took ${columnSearchMs.toFixed(0)} ms`);
  assert.ok(zoomMs < 10_000, `zoom took ${zoomMs.toFixed(0)} ms`);
  assert.ok(openMs < 5_000, `open took ${openMs.toFixed(0)} ms`);
  await page.close();
});
