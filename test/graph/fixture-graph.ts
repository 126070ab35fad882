/** A small graph for selector tests: two packages, sources, models, a seed, tests, an exposure. */
import type { GraphNode } from '../../src/graph/index.js';

/** A node with defaults for the fields a test does not care about. */
export function node(partial: Partial<GraphNode> & { uniqueId: string }): GraphNode {
  const [type, pkg, ...rest] = partial.uniqueId.split('.');
  const name = partial.name ?? rest[rest.length - 1]!;
  return {
    name,
    resourceType: type!,
    packageName: pkg!,
    fqn: [pkg!, name],
    originalFilePath: `models/${name}.sql`,
    path: `${name}.sql`,
    tags: [],
    config: {},
    dependsOn: [],
    checksum: `sum-${name}`,
    ...partial,
  };
}

/**
 * raw.orders, raw.customers (sources) -> stg_orders, stg_customers -> orders -> customers
 * seed raw_items -> stg_items -> orders; util.calendar; tests on stg_orders, orders and
 * orders+customers (a relationships test); an exposure on customers.
 */
export function shopNodes(): GraphNode[] {
  return [
    node({ uniqueId: 'source.shop.raw.orders', sourceName: 'raw', fqn: ['shop', 'staging', 'raw', 'orders'], originalFilePath: 'models/staging/_sources.yml', tags: ['raw'] }),
    node({ uniqueId: 'source.shop.raw.customers', sourceName: 'raw', fqn: ['shop', 'staging', 'raw', 'customers'], originalFilePath: 'models/staging/_sources.yml' }),
    node({ uniqueId: 'seed.shop.raw_items', originalFilePath: 'seeds/raw_items.csv', fqn: ['shop', 'raw_items'] }),
    node({
      uniqueId: 'model.shop.stg_orders',
      fqn: ['shop', 'staging', 'stg_orders'],
      originalFilePath: 'models/staging/stg_orders.sql',
      tags: ['staging', 'daily'],
      config: { materialized: 'view', meta: { owner: 'ann' } },
      dependsOn: ['source.shop.raw.orders'],
    }),
    node({
      uniqueId: 'model.shop.stg_customers',
      fqn: ['shop', 'staging', 'stg_customers'],
      originalFilePath: 'models/staging/stg_customers.sql',
      tags: ['staging'],
      config: { materialized: 'view' },
      dependsOn: ['source.shop.raw.customers'],
    }),
    node({
      uniqueId: 'model.shop.stg_items',
      fqn: ['shop', 'staging', 'stg_items'],
      originalFilePath: 'models/staging/stg_items.sql',
      tags: ['staging'],
      config: { materialized: 'ephemeral' },
      dependsOn: ['seed.shop.raw_items'],
    }),
    node({
      uniqueId: 'model.shop.orders',
      fqn: ['shop', 'marts', 'orders'],
      originalFilePath: 'models/marts/orders.sql',
      tags: ['marts'],
      config: { materialized: 'table', unique_key: ['order_id'], enabled: true },
      dependsOn: ['model.shop.stg_orders', 'model.shop.stg_items'],
    }),
    node({
      uniqueId: 'model.shop.customers',
      fqn: ['shop', 'marts', 'customers'],
      originalFilePath: 'models/marts/customers.sql',
      tags: ['marts', 'pii'],
      config: { materialized: 'incremental', incremental_strategy: 'delete+insert' },
      dependsOn: ['model.shop.stg_customers', 'model.shop.orders'],
    }),
    node({ uniqueId: 'model.util.calendar', fqn: ['util', 'calendar'], originalFilePath: 'models/calendar.sql', config: { materialized: 'table' } }),
    node({
      uniqueId: 'test.shop.not_null_stg_orders_id',
      resourceType: 'test',
      originalFilePath: 'models/staging/schema.yml',
      dependsOn: ['model.shop.stg_orders'],
      attachedNode: 'model.shop.stg_orders',
      testMetadata: { name: 'not_null' },
    }),
    node({
      uniqueId: 'test.shop.unique_orders_id',
      resourceType: 'test',
      originalFilePath: 'models/marts/schema.yml',
      dependsOn: ['model.shop.orders'],
      attachedNode: 'model.shop.orders',
      testMetadata: { name: 'unique' },
    }),
    node({
      uniqueId: 'test.shop.relationships_customers_orders',
      resourceType: 'test',
      originalFilePath: 'models/marts/schema.yml',
      dependsOn: ['model.shop.customers', 'model.shop.orders'],
      attachedNode: 'model.shop.customers',
      testMetadata: { name: 'relationships' },
    }),
    node({
      uniqueId: 'test.shop.assert_positive',
      resourceType: 'test',
      originalFilePath: 'tests/assert_positive.sql',
      dependsOn: ['model.shop.orders'],
    }),
    node({
      uniqueId: 'test.shop.expr_true_orders',
      resourceType: 'test',
      originalFilePath: 'models/marts/schema.yml',
      dependsOn: ['model.shop.orders'],
      testMetadata: { name: 'expression_is_true', namespace: 'dbt_utils' },
    }),
    node({ uniqueId: 'exposure.shop.dashboard', originalFilePath: 'models/exposures.yml', dependsOn: ['model.shop.customers'] }),
    node({ uniqueId: 'analysis.shop.adhoc', originalFilePath: 'analyses/adhoc.sql', dependsOn: ['model.shop.customers'] }),
  ];
}
