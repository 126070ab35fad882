import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeConfig, normalizeConfig, KNOWN_CONFIG_KEYS, isConfigKey } from '../../src/project/index.js';

test('tags accumulate without duplicates and a single tag becomes a list', () => {
  const merged = mergeConfig({ '+tags': 'a' }, { tags: ['b', 'a'] });
  assert.deepEqual(merged['tags'], ['a', 'b']);
});

test('hooks accumulate in order and dashed names are normalised', () => {
  const merged = mergeConfig({ 'pre-hook': 'select 1' }, { '+pre-hook': ['select 2'], post_hook: 'select 3' });
  assert.deepEqual(merged['pre_hook'], ['select 1', 'select 2']);
  assert.deepEqual(merged['post_hook'], ['select 3']);
  assert.equal('pre-hook' in merged, false);
});

test('meta, grants and docs merge as dicts; other keys are replaced', () => {
  const merged = mergeConfig(
    { meta: { a: 1, b: 1 }, docs: { show: true }, grants: { select: ['x'] }, materialized: 'view', persist_docs: { relation: true } },
    { meta: { b: 2 }, docs: { node_color: 'red' }, grants: { insert: ['y'] }, materialized: 'table', persist_docs: { columns: true } },
  );
  assert.deepEqual(merged['meta'], { a: 1, b: 2 });
  assert.deepEqual(merged['docs'], { show: true, node_color: 'red' });
  assert.deepEqual(merged['grants'], { select: ['x'], insert: ['y'] });
  assert.equal(merged['materialized'], 'table');
  assert.deepEqual(merged['persist_docs'], { columns: true });
});

test('inputs are not changed', () => {
  const base = { tags: ['a'] };
  mergeConfig(base, { tags: ['b'] });
  assert.deepEqual(base, { tags: ['a'] });
});

test('normalizeConfig strips + and merges duplicate spellings', () => {
  assert.deepEqual(normalizeConfig({ '+materialized': 'table', 'post-hook': 'a', post_hook: 'b' }), { materialized: 'table', post_hook: ['a', 'b'] });
});

test('known config keys cover the model configs dbt has', () => {
  for (const k of ['materialized', 'schema', 'alias', 'database', 'tags', 'unique_key', 'incremental_strategy', 'on_schema_change', 'pre_hook', 'post_hook', 'enabled', 'full_refresh', 'meta', 'docs', 'event_time', 'severity', 'strategy']) {
    assert.ok(KNOWN_CONFIG_KEYS.includes(k), k);
  }
  assert.equal(isConfigKey('+anything'), true);
  assert.equal(isConfigKey('staging'), false);
});
