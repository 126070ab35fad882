/**
 * End to end in a real browser: generate the shop fixture's docs, serve them, and drive
 * headless Chromium — search a model, open it, check its columns and lineage, follow a
 * lineage node, and open the site as a plain file while offline. Screenshots go to the
 * test's target/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { generateDocs, serveDocs, type DocsServer } from '../../src/docs/index.js';
import { chromiumMissing, launch } from './browser.js';
import { builtShop } from './helpers.js';

const skip = chromiumMissing();
let browser: Browser;
let server: DocsServer;
let dir: string;

before(async () => {
  if (skip) return;
  dir = await builtShop();
  await generateDocs({ projectDir: dir, profilesDir: dir, color: false, static: true });
  server = await serveDocs({ projectDir: dir, port: 0 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

test('search a model, open it, check columns and lineage', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.title(), 'shop · Strata docs');
  // The whole-project graph shows every model, source and the like, labelled.
  await page.waitForSelector('#graph svg g.node');
  const overviewIds = await page.$$eval('#graph svg g.node', (gs) => gs.map((g) => (g as SVGGElement).dataset.id).sort());
  assert.deepEqual(overviewIds, ['model.shop.events_incremental', 'model.shop.int_kinds', 'model.shop.kind_counts', 'model.shop.stg_events', 'source.shop.raw.events']);
  await page.screenshot({ path: join(dir, 'target', 'docs-overview.png') });

  await page.fill('#search', 'kind_c');
  await page.waitForSelector('#search-results li.result');
  const first = await page.$eval('#search-results li.result', (li) => (li as HTMLElement).dataset.id);
  assert.equal(first, 'model.shop.kind_counts');
  await page.screenshot({ path: join(dir, 'target', 'docs-search.png') });
  await page.press('#search', 'Enter');
  await page.waitForSelector('article.node-page[data-id="model.shop.kind_counts"]');
  assert.equal(await page.isHidden('#search-results'), true);

  const columns = await page.$$eval('table.columns tbody tr', (rows) => rows.map((r) => [r.querySelector('.col-name')!.textContent, r.querySelector('.col-type')!.textContent]));
  assert.deepEqual(columns, [['kind', 'VARCHAR'], ['label', 'VARCHAR'], ['events', 'BIGINT'], ['amount', 'HUGEINT']]);
  const facts = await page.textContent('.facts');
  assert.match(facts ?? '', /Rows\s*3/);
  assert.match(facts ?? '', /"shop"\."main_marts"\."kind_counts"/);
  assert.match((await page.textContent('details.compiled pre')) ?? '', /__dbt__cte__int_kinds as \(/);
  assert.match((await page.textContent('details.raw pre')) ?? '', /ref\('stg_events'\)/);

  // Lineage: its parents (and the source two steps up), nothing downstream; itself in focus.
  await page.waitForSelector('#lineage svg g.node.focus');
  const lineage = await page.$$eval('#lineage svg g.node', (gs) => gs.map((g) => (g as SVGGElement).dataset.id).sort());
  assert.deepEqual(lineage, ['model.shop.int_kinds', 'model.shop.kind_counts', 'model.shop.stg_events', 'source.shop.raw.events']);
  assert.equal(await page.$eval('#lineage svg g.node.focus', (g) => (g as SVGGElement).dataset.id), 'model.shop.kind_counts');
  assert.deepEqual(await page.$$eval('.parents a', (as) => as.map((a) => a.textContent!.trim()).sort()), ['model int_kinds', 'model stg_events']);
  // Depth 1 drops the source.
  await page.selectOption('#lineage select', '1');
  await page.waitForFunction(() => document.querySelectorAll('#lineage svg g.node').length === 3);
  // Zoom changes the transform.
  const z0 = await page.$eval('#lineage svg', (s) => (s as SVGSVGElement).dataset.zoom);
  await page.click('#lineage button[data-act="out"]');
  await page.waitForFunction((z) => (document.querySelector('#lineage svg') as SVGSVGElement).dataset.zoom !== z, z0);
  await page.click('#lineage button[data-act="fit"]');
  await page.screenshot({ path: join(dir, 'target', 'docs-model.png'), fullPage: true });

  // A lineage node opens its page.
  await page.click('#lineage svg g.node[data-id="model.shop.stg_events"]');
  await page.waitForSelector('article.node-page[data-id="model.shop.stg_events"]');
  const children = await page.$$eval('.children a', (as) => as.map((a) => a.textContent!.trim()).sort());
  assert.deepEqual(children, ['model events_incremental', 'model int_kinds', 'model kind_counts']);
  // The source page has its description and the warehouse's columns.
  await page.goto(`${server.url}#/node/${encodeURIComponent('source.shop.raw.events')}`);
  await page.waitForSelector('article.node-page[data-id="source.shop.raw.events"]');
  assert.equal((await page.textContent('.description'))?.trim(), 'One row per event.');
  assert.deepEqual(await page.$$eval('table.columns .col-name', (cs) => cs.map((c) => c.textContent)), ['id', 'kind', 'ts', 'amount']);
  assert.deepEqual(errors, []);
  for (const f of ['docs-overview.png', 'docs-search.png', 'docs-model.png']) assert.ok(statSync(join(dir, 'target', f)).size > 5000, f);
  await page.close();
});

test('static_index.html works alone: copied to an empty folder and opened as a file, offline', { skip }, async () => {
  const alone = mkdtempSync(join(tmpdir(), 'strata-static-'));
  try {
    copyFileSync(join(dir, 'target', 'static_index.html'), join(alone, 'docs.html'));
    const context = await browser.newContext({ offline: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(pathToFileURL(join(alone, 'docs.html')).href);
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.title(), 'shop · Strata docs');
    await page.fill('#search', 'kind_c');
    await page.waitForSelector('#search-results li.result');
    await page.press('#search', 'Enter');
    await page.waitForSelector('article.node-page[data-id="model.shop.kind_counts"] table.columns');
    await page.waitForSelector('#lineage svg g.node.focus');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
});

test('the site works opened as a file, offline', { skip }, async () => {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const file = join(dir, 'target', 'index.html');
  assert.ok(existsSync(file));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-ready="true"]');
  await page.fill('#search', 'amount');
  await page.waitForSelector('#search-results li.result');
  const hits = await page.$$eval('#search-results li.result', (lis) => lis.map((li) => (li as HTMLElement).dataset.id));
  assert.ok(hits.includes('model.shop.kind_counts'), 'a column name finds its model');
  await page.click(`#search-results li.result[data-id="model.shop.kind_counts"] a`);
  await page.waitForSelector('article.node-page[data-id="model.shop.kind_counts"] table.columns');
  assert.deepEqual(errors, []);
  await context.close();
});
