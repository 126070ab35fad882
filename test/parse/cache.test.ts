/**
 * The parse cache: an unchanged project reuses the last parse whole, a changed SQL file is
 * re-parsed alone, anything else re-parses everything, and a corrupt cache is ignored. In
 * every case the manifest equals the one a parse without the cache makes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProject } from '../../src/parse/parser.js';
import type { Manifest } from '../../src/parse/manifest.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'projects', 'jaffle');

function comparable(m: Manifest): unknown {
  const strip = (o: Record<string, { created_at?: number }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { ...v, created_at: 0 }]));
  return { nodes: strip(m.nodes), sources: strip(m.sources), disabled: Object.keys(m.disabled).sort(), parent_map: m.parent_map, child_map: m.child_map, unit_tests: Object.keys(m.unit_tests).sort() };
}

async function parse(dir: string, cache = true, env: NodeJS.ProcessEnv = process.env) {
  return parseProject({ projectDir: dir, profilesDir: dir, cache, env, log: () => {} });
}

test('the parse cache reuses, patches or rebuilds, and always equals a fresh parse', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cache-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const first = await parse(dir);
  assert.equal(first.cacheStats.mode, 'full');
  const second = await parse(dir);
  assert.equal(second.cacheStats.mode, 'reuse');
  assert.deepEqual(comparable(second.manifest), comparable(first.manifest));

  // One SQL file changes (a new ref): only it is re-parsed.
  const orders = join(dir, 'models', 'marts', 'orders.sql');
  writeFileSync(orders, readFileSync(orders, 'utf8') + `\n-- depends on: {{ ref('stg_customers') }}\n`);
  const third = await parse(dir);
  assert.equal(third.cacheStats.mode, 'partial');
  assert.equal(third.cacheStats.misses, 1);
  assert.ok(third.manifest.nodes['model.jaffle.orders']!.depends_on.nodes.includes('model.jaffle.stg_customers'));
  assert.deepEqual(comparable(third.manifest), comparable((await parse(dir, false)).manifest));

  // A YAML change re-parses everything.
  const yml = join(dir, 'models', 'marts', '_marts.yml');
  writeFileSync(yml, readFileSync(yml, 'utf8').replace(/description: .*/, 'description: Changed.'));
  const fourth = await parse(dir);
  assert.equal(fourth.cacheStats.mode, 'full');
  assert.deepEqual(comparable(fourth.manifest), comparable((await parse(dir, false)).manifest));

  // A corrupt cache is ignored, never trusted.
  writeFileSync(join(dir, 'target', 'partial_parse.strata.json'), '{"format": "strata-parse-cache", "version": 2, "key": ');
  const fifth = await parse(dir);
  assert.equal(fifth.cacheStats.mode, 'full');
  assert.deepEqual(comparable(fifth.manifest), comparable(fourth.manifest));
});

test('an env var a model reads invalidates the cache when its value changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cache-'));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, 'models', 'env_model.sql'), "{{ config(materialized=env_var('STRATA_TEST_MAT', 'view')) }}\nselect 1 as x\n");
  const a = await parse(dir, true, { ...process.env, STRATA_TEST_MAT: 'view' });
  assert.equal(a.manifest.nodes['model.jaffle.env_model']!.config.materialized, 'view');
  const b = await parse(dir, true, { ...process.env, STRATA_TEST_MAT: 'table' });
  assert.notEqual(b.cacheStats.mode, 'reuse');
  assert.equal(b.manifest.nodes['model.jaffle.env_model']!.config.materialized, 'table');
});

test('a project copied with its target/ does not trust the cache of the original', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cache-'));
  cpSync(FIXTURE, dir, { recursive: true });
  await parse(dir);
  const copy = mkdtempSync(join(tmpdir(), 'strata-cache-copy-'));
  cpSync(dir, copy, { recursive: true });
  writeFileSync(join(copy, 'models', 'marts', 'orders.sql'), readFileSync(join(copy, 'models', 'marts', 'orders.sql'), 'utf8') + '\n-- changed\n');
  const parsed = await parse(copy);
  assert.equal(parsed.cacheStats.mode, 'full');
  assert.deepEqual(comparable(parsed.manifest), comparable((await parse(copy, false)).manifest));
});

test('a package `dbt deps` installs or removes invalidates the cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cache-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const model = 'model.extra_pkg.extra_model';
  assert.equal((await parse(dir)).manifest.nodes[model], undefined);
  assert.equal((await parse(dir)).cacheStats.mode, 'reuse');
  const pkg = join(dir, 'dbt_packages', 'extra_pkg');
  mkdirSync(join(pkg, 'models'), { recursive: true });
  writeFileSync(join(pkg, 'dbt_project.yml'), 'name: extra_pkg\n');
  writeFileSync(join(pkg, 'models', 'extra_model.sql'), 'select 1 as x\n');
  const installed = await parse(dir);
  assert.equal(installed.cacheStats.mode, 'full');
  assert.ok(installed.manifest.nodes[model]);
  rmSync(pkg, { recursive: true });
  assert.equal((await parse(dir)).manifest.nodes[model], undefined);
});
