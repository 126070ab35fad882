import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, ancestors, descendants } from '../../src/graph/index.js';
import { StrataError } from '../../src/errors.js';
import { node, shopNodes } from './fixture-graph.js';

test('parents, children and a topological order', () => {
  const g = buildGraph(shopNodes());
  assert.deepEqual([...g.parents.get('model.shop.orders')!].sort(), ['model.shop.stg_items', 'model.shop.stg_orders']);
  assert.deepEqual([...g.children.get('model.shop.orders')!].sort(), [
    'model.shop.customers',
    'test.shop.assert_positive',
    'test.shop.expr_true_orders',
    'test.shop.relationships_customers_orders',
    'test.shop.unique_orders_id',
  ]);
  const pos = new Map(g.order.map((id, i) => [id, i]));
  assert.equal(g.order.length, g.nodes.size);
  for (const [id, ps] of g.parents) for (const p of ps) assert.ok(pos.get(p)! < pos.get(id)!, `${p} before ${id}`);
  assert.deepEqual([...ancestors(g, ['model.shop.orders'], 1)].sort(), ['model.shop.stg_items', 'model.shop.stg_orders']);
  assert.equal(ancestors(g, ['model.shop.orders']).size, 4);
  assert.ok(descendants(g, ['source.shop.raw.orders']).has('exposure.shop.dashboard'));
});

test('unknown dependencies are kept aside, not edges', () => {
  const g = buildGraph([node({ uniqueId: 'model.p.a', dependsOn: ['macro.p.m', 'model.p.missing'] })]);
  assert.deepEqual(g.unknownDependencies.get('model.p.a'), ['macro.p.m', 'model.p.missing']);
  assert.equal(g.parents.get('model.p.a')!.size, 0);
});

test('a cycle is named in dependency order (each depends on the next)', () => {
  const nodes = [
    node({ uniqueId: 'model.p.a', dependsOn: ['model.p.c'] }),
    node({ uniqueId: 'model.p.b', dependsOn: ['model.p.a'] }),
    node({ uniqueId: 'model.p.c', dependsOn: ['model.p.b'] }),
    node({ uniqueId: 'model.p.d', dependsOn: ['model.p.c'] }),
    node({ uniqueId: 'model.p.root' }),
  ];
  assert.throws(
    () => buildGraph(nodes),
    (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, 'dependency-cycle');
      assert.match(e.message, /model\.p\.a -> model\.p\.c -> model\.p\.b -> model\.p\.a/);
      assert.equal(e.position?.file, 'models/a.sql');
      return true;
    },
  );
  assert.throws(() => buildGraph([node({ uniqueId: 'model.p.self', dependsOn: ['model.p.self'] })]), /model\.p\.self -> model\.p\.self/);
});

test('duplicate unique ids name both files', () => {
  assert.throws(
    () => buildGraph([node({ uniqueId: 'model.p.a', originalFilePath: 'models/x/a.sql' }), node({ uniqueId: 'model.p.a', originalFilePath: 'models/y/a.sql' })]),
    (e: unknown) => e instanceof StrataError && e.code === 'duplicate-node' && /models\/x\/a\.sql and models\/y\/a\.sql/.test(e.message),
  );
});

test('10,000 nodes in chains and fans build quickly', () => {
  const nodes = [];
  for (let i = 0; i < 10000; i++) {
    const deps = i === 0 ? [] : [`model.p.m${i - 1}`, `model.p.m${Math.floor(i / 2)}`].filter((d, j, a) => a.indexOf(d) === j && d !== `model.p.m${i}`);
    nodes.push(node({ uniqueId: `model.p.m${i}`, dependsOn: deps }));
  }
  const t = performance.now();
  const g = buildGraph(nodes);
  assert.equal(g.order.length, 10000);
  assert.ok(performance.now() - t < 1000);
});
