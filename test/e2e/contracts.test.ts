/**
 * Enforced model contracts (test/fixtures/run/contracts; dbt-core builds the same fixture in
 * differential.test.ts): the declared constraints exist on the built table; a query that no
 * longer meets its contract, or rows that break a constraint, fail the build with the
 * differences listed and leave the table as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('contracts: constraints are created, and a broken contract or constraint fails the build without touching the table', () =>
  withFixtureProject('contracts', 'CONTRACTS_DB', async ({ dir, db, strata, output }) => {
    const orders = () => queryDuckDb(db, 'select order_id, customer, amount from main.orders order by order_id');

    assert.equal(await strata('build'), 0, output());
    const constraints = await queryDuckDb(db, "select constraint_type from duckdb_constraints() where table_name = 'orders' order by all");
    assert.deepEqual(constraints.map((r) => r[0]), ['CHECK', 'NOT NULL', 'NOT NULL', 'PRIMARY KEY']);
    const before = await orders();
    assert.equal(before.length, 3);

    // the query returns a column the contract does not declare, and a declared one changes type
    const model = join(dir, 'models', 'orders.sql');
    const good = readFileSync(model, 'utf8');
    writeFileSync(model, good.replace('cast(id as integer) as order_id', 'cast(id as varchar) as order_id, 1 as extra'));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    assert.match(output(), /Model orders has an enforced contract that its query does not meet/);
    assert.match(output(), /\| order_id +\| VARCHAR +\| INTEGER +\| data type mismatch +\|/);
    assert.match(output(), /\| extra +\| INTEGER +\| +\| missing in contract +\|/);
    assert.deepEqual(await orders(), before, 'the table is as it was');

    // a row that breaks the check constraint
    writeFileSync(model, good.replace('amount_cents / 100.0', '(amount_cents - 500) / 100.0'));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    assert.match(output(), /CHECK constraint failed/i);
    assert.deepEqual(await orders(), before, 'the table is as it was');

    // a column without a data_type
    writeFileSync(model, good);
    const yml = join(dir, 'models', 'schema.yml');
    const declared = readFileSync(yml, 'utf8');
    writeFileSync(yml, declared.replace('        data_type: timestamp\n', ''));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    assert.match(output(), /every column needs a data_type in its YAML; these have none: ordered_at/);

    // a data_type the engine does not know: the YAML is named, not the model's SQL
    writeFileSync(yml, declared.replace('data_type: varchar', 'data_type: varchr'));
    assert.equal(await strata('run', '-s', 'orders'), 1);
    assert.match(output(), /models\/schema\.yml: The contract of model orders declares types the engine does not know \(customer: varchr\)/);
  }));

test('contracts: model-level constraints are created; a foreign key is checked on DuckDB, where declaring it would stop its parent from ever being rebuilt', () =>
  withFixtureProject('contracts', 'CONTRACTS_DB', async ({ dir, db, strata, output }) => {
    const yml = join(dir, 'models', 'schema.yml');
    // order_lines.order_id references orders (its SQL reads orders too; the key adds nothing new to the graph here)
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(
      '      - name: order_id\n        data_type: integer\n        constraints:\n          - type: not_null\n      - name: line',
      "      - name: order_id\n        data_type: integer\n        constraints:\n          - type: not_null\n          - type: foreign_key\n            to: ref('orders')\n            to_columns: [order_id]\n      - name: line",
    ));
    assert.equal(await strata('build'), 0, output());
    // the key's `to` is a ref of the model, besides the one in its SQL (as in dbt's manifest)
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { refs: { name: string }[]; constraints: { type: string; columns: string[] }[] }> };
    const node = manifest.nodes['model.contracts.order_lines']!;
    assert.deepEqual(node.refs.map((r) => r.name), ['orders', 'orders']);
    assert.deepEqual(node.constraints.map((c) => [c.type, c.columns]), [['primary_key', ['order_id', 'line']], ['check', []]]);
    const constraints = await queryDuckDb(db, "select constraint_type, constraint_text from duckdb_constraints() where table_name = 'order_lines' order by all");
    assert.deepEqual(constraints.map((r) => r[0]), ['CHECK', 'NOT NULL', 'NOT NULL', 'PRIMARY KEY'], 'the key over two columns (its columns not null) and the named check; no foreign key declared');
    assert.match(String(constraints[0]![1]), /cents > 0/);
    // the parent is rebuilt (a declared foreign key would make DuckDB refuse to drop it)
    assert.equal(await strata('run', '-s', 'orders'), 0, output());
    assert.equal(await strata('run', '-s', 'orders'), 0, output());

    // a line of an order that does not exist breaks the key: the build fails and the table stays
    const lines = () => queryDuckDb(db, 'select order_id, line, cents from main.order_lines order by all');
    const before = await lines();
    const model = join(dir, 'models', 'order_lines.sql');
    writeFileSync(model, readFileSync(model, 'utf8') + '\nunion all select 99, 1, 100\nunion all select 98, 1, 100\n');
    assert.equal(await strata('run', '-s', 'order_lines'), 1);
    assert.match(output(), /Model order_lines: 2 rows break the foreign key \(order_id\) references "[^"]+"\."main"\."orders" \(order_id\)/);
    assert.deepEqual(await lines(), before);

    // a model-level primary key over two columns is enforced
    writeFileSync(model, readFileSync(model, 'utf8').replace('union all select 99, 1, 100\nunion all select 98, 1, 100\n', 'union all select 1, 1, 5\n'));
    assert.equal(await strata('run', '-s', 'order_lines'), 1);
    assert.match(output(), /Duplicate key "order_id: 1, line: 1"|PRIMARY KEY|primary key/i);
    assert.deepEqual(await lines(), before);

    // incremental: the new rows of a run are checked against the key before they are merged
    const good = readFileSync(model, 'utf8').replace('union all select 1, 1, 5\n', '');
    const incremental = "{{ config(materialized='incremental', unique_key=['order_id', 'line'], on_schema_change='fail') }}\n";
    writeFileSync(model, incremental + good);
    assert.equal(await strata('run', '-s', 'order_lines', '--full-refresh'), 0, output());
    writeFileSync(model, incremental + good + 'union all select 97, 3, 100\n');
    assert.equal(await strata('run', '-s', 'order_lines'), 1);
    assert.match(output(), /Model order_lines: 1 row breaks the foreign key \(order_id\)/);
    assert.deepEqual(await lines(), before);
  }));
