import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, type DbtProjectConfig, type PackageProject } from '../../src/project/index.js';

function pkg(name: string, isRoot: boolean, trees: Partial<DbtProjectConfig>): PackageProject {
  const config = {
    name,
    models: {},
    seeds: {},
    snapshots: {},
    tests: {},
    sources: {},
    exposures: {},
    analyses: {},
    unit_tests: {},
    ...trees,
  } as DbtProjectConfig;
  return { name, dir: `/x/${name}`, isRoot, config, files: [], properties: [], docs: [], dependencies: [] };
}

const root = pkg('shop', true, {
  models: {
    '+persist_docs': { relation: true },
    materialized: 'view',
    shop: {
      staging: { '+tags': ['staging'], '+schema': 'stg', '+meta': { layer: 's' } },
      marts: {
        '+materialized': 'table',
        '+tags': 'marts',
        finance: { '+tags': ['finance'], revenue: { '+tags': 'nightly', '+meta': { owner: 'fin' } } },
      },
    },
    util: { '+schema': 'util_from_root' },
  },
  seeds: { shop: { '+quote_columns': false, raw_orders: { '+column_types': { id: 'integer' } } } },
});
const util = pkg('util', false, { models: { util: { '+materialized': 'table', '+schema': 'util', '+tags': ['util'] } } });
const project = { root, packages: [root, util] };

test('folder nesting: most specific folder last, tags accumulate', () => {
  const c = configFor(project, 'models', ['shop', 'marts', 'finance', 'revenue']);
  assert.equal(c['materialized'], 'table');
  assert.deepEqual(c['tags'], ['marts', 'finance', 'nightly']);
  assert.deepEqual(c['meta'], { owner: 'fin' });
  assert.deepEqual(c['persist_docs'], { relation: true });
});

test('sibling folders do not leak', () => {
  const c = configFor(project, 'models', ['shop', 'staging', 'stg_orders']);
  assert.equal(c['materialized'], 'view');
  assert.equal(c['schema'], 'stg');
  assert.deepEqual(c['tags'], ['staging']);
});

test('a config key without + is config, not a folder; a folder may be named like a config with +', () => {
  const c = configFor(project, 'models', ['shop', 'other', 'x']);
  assert.equal(c['materialized'], 'view');
  const t = configFor(project, 'models', ['shop', 'marts', 'finance', 'other_model']);
  assert.deepEqual(t['tags'], ['marts', 'finance']);
  assert.equal(t['meta'], undefined, "a sibling model's config does not apply");
});

test("root project's tree applies over the package's own tree", () => {
  const c = configFor(project, 'models', ['util', 'calendar']);
  assert.equal(c['materialized'], 'view', 'root top-level materialized applies after the package tree');
  assert.equal(c['schema'], 'util_from_root');
  assert.deepEqual(c['tags'], ['util']);
});

test('seeds tree', () => {
  const c = configFor(project, 'seeds', ['shop', 'raw_orders']);
  assert.equal(c['quote_columns'], false);
  assert.deepEqual(c['column_types'], { id: 'integer' });
});
