import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, select, parseCriterion, suggest, type GraphNode } from '../../src/graph/index.js';
import { parseSelectors, YamlFile, type SelectorDefinition } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';
import { shopNodes } from './fixture-graph.js';

const graph = buildGraph(shopNodes());

/** Selected ids, short (`orders`, `raw.orders`, `test:unique_orders_id`) and sorted. */
function sel(options: Parameters<typeof select>[1]): string[] {
  return [...select(graph, { indirectSelection: 'empty', ...options })]
    .map((id) => {
      const [type, , ...rest] = id.split('.');
      return type === 'model' ? rest.join('.') : `${type}:${rest.join('.')}`;
    })
    .sort();
}

test('criterion syntax: operators and methods', () => {
  assert.deepEqual(parseCriterion('2+tag:nightly+3'), {
    method: 'tag',
    value: 'nightly',
    parents: true,
    parentsDepth: 2,
    children: true,
    childrenDepth: 3,
    childrensParents: false,
    raw: '2+tag:nightly+3',
  });
  assert.equal(parseCriterion('config.incremental_strategy:delete+insert').value, 'delete+insert');
  assert.equal(parseCriterion('@orders').childrensParents, true);
  assert.throws(() => parseCriterion('@+orders'), (e: unknown) => e instanceof StrataError && e.code === 'selector-syntax');
});

test('bare names, fqn, wildcards', () => {
  assert.deepEqual(sel({ select: ['orders'] }), ['orders', 'source:raw.orders']);
  assert.deepEqual(sel({ select: ['stg_*'] }), ['stg_customers', 'stg_items', 'stg_orders']);
  assert.deepEqual(sel({ select: ['fqn:shop.marts.*'] }), ['customers', 'orders']);
  assert.deepEqual(sel({ select: ['util'] }), ['calendar'], 'a package name selects its nodes');
  assert.deepEqual(sel({ select: ['shop.staging.stg_orders'] }), ['stg_orders']);
});

test('path and file', () => {
  assert.deepEqual(sel({ select: ['path:models/marts'] }), ['customers', 'orders', 'test:expr_true_orders', 'test:relationships_customers_orders', 'test:unique_orders_id']);
  assert.deepEqual(sel({ select: ['models/staging/stg_orders.sql'] }), ['stg_orders']);
  assert.deepEqual(sel({ select: ['path:models/*/stg_c*.sql'] }), ['stg_customers']);
  assert.deepEqual(sel({ select: ['file:orders.sql'] }), ['orders']);
  assert.deepEqual(sel({ select: ['file:stg_items'] }), ['stg_items']);
  assert.deepEqual(sel({ select: ['stg_items.sql'] }), ['stg_items']);
});

test('tag, config, resource_type, package, source, exposure', () => {
  assert.deepEqual(sel({ select: ['tag:pii'] }), ['customers']);
  assert.deepEqual(sel({ select: ['tag:da*'] }), ['stg_orders']);
  assert.deepEqual(sel({ select: ['config.materialized:view'] }), ['stg_customers', 'stg_orders']);
  assert.deepEqual(sel({ select: ['config.unique_key:order_id'] }), ['orders'], 'list values match a member');
  assert.deepEqual(sel({ select: ['config.enabled:true'] }), ['orders']);
  assert.deepEqual(sel({ select: ['config.meta.owner:ann'] }), ['stg_orders']);
  assert.deepEqual(sel({ select: ['config.incremental_strategy:delete+insert'] }), ['customers']);
  assert.deepEqual(sel({ select: ['resource_type:seed'] }), ['seed:raw_items']);
  assert.deepEqual(sel({ select: ['package:util'] }), ['calendar']);
  assert.deepEqual(sel({ select: ['source:raw'] }), ['source:raw.customers', 'source:raw.orders']);
  assert.deepEqual(sel({ select: ['source:raw.orders'] }), ['source:raw.orders']);
  assert.deepEqual(sel({ select: ['source:shop.raw.cust*'] }), ['source:raw.customers']);
  assert.deepEqual(sel({ select: ['exposure:dashboard'] }), ['exposure:dashboard']);
});

test('test_name and test_type', () => {
  assert.deepEqual(sel({ select: ['test_name:unique'] }), ['test:unique_orders_id']);
  assert.deepEqual(sel({ select: ['test_name:dbt_utils.expression_is_true'] }), ['test:expr_true_orders']);
  assert.deepEqual(sel({ select: ['test_type:singular'] }), ['test:assert_positive']);
  assert.equal(sel({ select: ['test_type:generic'] }).length, 4);
  assert.equal(sel({ select: ['test_type:data'] }).length, 5);
});

test('graph operators: +x, x+, n+x, x+n, @x', () => {
  assert.deepEqual(sel({ select: ['+orders'] }), ['orders', 'seed:raw_items', 'source:raw.orders', 'stg_items', 'stg_orders']);
  assert.deepEqual(sel({ select: ['1+model.shop.orders'.replace('model.shop.', 'fqn:shop.marts.')] }), ['orders', 'stg_items', 'stg_orders']);
  assert.deepEqual(sel({ select: ['1+orders'] }), ['orders', 'source:raw.orders', 'stg_items', 'stg_orders'], 'a bare name also matches a source table, as in dbt');
  assert.deepEqual(sel({ select: ['stg_customers+'] }), ['analysis:adhoc', 'customers', 'exposure:dashboard', 'stg_customers', 'test:relationships_customers_orders']);
  assert.deepEqual(sel({ select: ['stg_items+1'] }), ['orders', 'stg_items']);
  assert.deepEqual(sel({ select: ['@stg_customers'] }), [
    'analysis:adhoc',
    'customers',
    'exposure:dashboard',
    'orders',
    'seed:raw_items',
    'source:raw.customers',
    'source:raw.orders',
    'stg_customers',
    'stg_items',
    'stg_orders',
    'test:relationships_customers_orders',
  ]);
});

test('union by space and repeated flags, intersection by comma, exclude', () => {
  assert.deepEqual(sel({ select: ['stg_orders stg_items'] }), ['stg_items', 'stg_orders']);
  assert.deepEqual(sel({ select: ['stg_orders', 'calendar'] }), ['calendar', 'stg_orders']);
  assert.deepEqual(sel({ select: ['tag:staging,config.materialized:view'] }), ['stg_customers', 'stg_orders']);
  assert.deepEqual(sel({ select: ['+customers,resource_type:model'] }), ['customers', 'orders', 'stg_customers', 'stg_items', 'stg_orders']);
  assert.deepEqual(sel({ select: ['tag:staging'], exclude: ['stg_items', 'config.materialized:view'] }), []);
  assert.deepEqual(sel({ select: ['+orders'], exclude: ['resource_type:source resource_type:seed'] }), ['orders', 'stg_items', 'stg_orders']);
});

test('no selection selects everything; a selection matching nothing is empty, not an error', () => {
  assert.equal(select(graph).size, graph.nodes.size);
  assert.equal(sel({ select: ['nothing_like_this'] }).length, 0);
});

test('indirect selection of tests: eager, cautious, buildable, empty', () => {
  const tests = (mode: 'eager' | 'cautious' | 'buildable' | 'empty', s: string[]) =>
    [...select(graph, { select: s, indirectSelection: mode })].filter((id) => id.startsWith('test.')).map((id) => id.split('.')[2]).sort();
  assert.deepEqual(tests('eager', ['orders']), ['assert_positive', 'expr_true_orders', 'relationships_customers_orders', 'unique_orders_id']);
  assert.deepEqual(tests('cautious', ['orders']), ['assert_positive', 'expr_true_orders', 'unique_orders_id']);
  assert.deepEqual(tests('buildable', ['customers']), ['relationships_customers_orders'], 'orders is built before customers');
  assert.deepEqual(tests('buildable', ['stg_customers']), []);
  assert.deepEqual(tests('buildable', ['+customers']), ['assert_positive', 'expr_true_orders', 'not_null_stg_orders_id', 'relationships_customers_orders', 'unique_orders_id']);
  assert.deepEqual(tests('cautious', ['customers']), []);
  assert.deepEqual(tests('empty', ['orders']), []);
  // eager is the default; excluding a model excludes its tests.
  const ids = select(graph, { select: ['orders customers'], exclude: ['orders'] });
  assert.deepEqual([...ids].sort(), ['model.shop.customers', 'source.shop.raw.customers']);
});

test('state:new and state:modified compare with an older manifest', () => {
  const old: GraphNode[] = shopNodes()
    .filter((n) => n.name !== 'calendar')
    .map((n) => {
      if (n.name === 'stg_orders') return { ...n, checksum: 'old-sum' };
      if (n.uniqueId === 'model.shop.customers') return { ...n, config: { ...n.config, materialized: 'table' } };
      return n;
    });
  assert.deepEqual(sel({ select: ['state:new'], state: old }), ['calendar']);
  assert.deepEqual(sel({ select: ['state:modified'], state: old }), ['calendar', 'customers', 'stg_orders']);
  assert.deepEqual(sel({ select: ['state:modified.body'], state: old }), ['stg_orders']);
  assert.deepEqual(sel({ select: ['state:modified.configs'], state: old }), ['customers']);
  assert.deepEqual(sel({ select: ['state:modified+,resource_type:model'], state: old }), ['calendar', 'customers', 'orders', 'stg_orders']);
  assert.throws(() => sel({ select: ['state:modified'] }), (e: unknown) => e instanceof StrataError && e.code === 'state-required');
});

test('unknown methods are errors with a suggestion', () => {
  assert.throws(
    () => sel({ select: ['tags:nightly'] }),
    (e: unknown) => e instanceof StrataError && e.code === 'selector-unknown-method' && /Did you mean "tag:"/.test(e.hint ?? ''),
  );
});

function selectors(text: string): SelectorDefinition[] {
  return parseSelectors(new YamlFile('selectors.yml', text));
}

test('selectors.yml: union with exclude, intersection, methods, default, selector:', () => {
  const defs = selectors(`selectors:
  - name: nightly
    definition:
      union:
        - method: tag
          value: marts
          parents: true
        - exclude:
            - method: resource_type
              value: source
            - resource_type: seed
  - name: staging_views
    default: true
    definition:
      intersection:
        - tag:staging
        - method: config.materialized
          value: view
  - name: both
    definition:
      union:
        - method: selector
          value: staging_views
        - "calendar"
  - name: down
    definition: {method: fqn, value: stg_items, children: true, children_depth: 1, indirect_selection: empty}
`);
  assert.deepEqual(sel({ selector: 'nightly', selectors: defs }), ['customers', 'orders', 'stg_customers', 'stg_items', 'stg_orders']);
  assert.deepEqual(sel({ selectors: defs }), ['stg_customers', 'stg_orders'], 'the default selector applies without --select');
  assert.deepEqual(sel({ select: ['calendar'], selectors: defs }), ['calendar'], '--select wins over the default');
  assert.equal(sel({ exclude: ['calendar'], selectors: defs }).length, graph.nodes.size - 1, '--exclude alone also skips the default');
  assert.deepEqual(sel({ selector: 'nightly', exclude: ['stg_items'], selectors: defs }), ['customers', 'orders', 'stg_customers', 'stg_orders']);
  assert.deepEqual(sel({ selector: 'both', selectors: defs }), ['calendar', 'stg_customers', 'stg_orders']);
  assert.deepEqual([...select(graph, { selector: 'down', selectors: defs })].sort(), ['model.shop.orders', 'model.shop.stg_items'], 'indirect_selection from the definition');
  assert.throws(() => select(graph, { selector: 'nightlyy', selectors: defs }), (e: unknown) => e instanceof StrataError && e.code === 'selector-not-found' && /nightly/.test(e.hint ?? ''));
  assert.throws(() => select(graph, { selector: 'nightly', select: ['x'], selectors: defs }), (e: unknown) => e instanceof StrataError && e.code === 'selector-conflict');
});

test('selectors.yml errors have positions', () => {
  const bad = (text: string, line: number) =>
    assert.throws(() => selectors(text), (e: unknown) => e instanceof StrataError && e.code === 'selector-invalid' && e.position?.line === line);
  bad('selectors:\n  - name: a\n', 2);
  bad('selectors:\n  - name: a\n    definition: {method: tag}\n', 3);
  bad('selectors:\n  - name: a\n    definition: {method: tag, value: x, parnets: true}\n', 3);
  bad('selectors:\n  - name: a\n    default: true\n    definition: x\n  - name: b\n    default: true\n    definition: y\n', 6);
  bad('selectors:\n  - name: a\n    definition: x\n  - name: a\n    definition: y\n', 4);
});

test('suggest finds likely typos only', () => {
  assert.equal(suggest('stg_ordres', ['stg_orders', 'stg_customers', 'orders']), 'stg_orders');
  assert.equal(suggest('Customers', ['customers', 'orders']), 'customers');
  assert.equal(suggest('zzzzzz', ['stg_orders', 'customers']), undefined);
});
