import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPropertyFile, rendersInPropertyFile, YamlFile } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';

function read(source: string) {
  return readPropertyFile(new YamlFile('models/schema.yml', source, rendersInPropertyFile), { path: 'models/schema.yml', absPath: '/p/models/schema.yml', hash: 'h' });
}

function err(source: string): StrataError {
  try {
    read(source);
  } catch (e) {
    assert.ok(e instanceof StrataError);
    return e;
  }
  assert.fail('expected an error');
}

test('tests in every form: string, flat args, nested arguments, config, data_tests, custom names', () => {
  const pf = read(`version: 2
models:
  - name: orders
    data_tests:
      - dbt_utils.expression_is_true:
          expression: "amount >= 0"
          config: {severity: warn}
    columns:
      - name: id
        tests:
          - unique
          - not_null:
              where: "id > 0"
          - accepted_values:
              arguments:
                values: [a, b]
              config:
                where: "1=1"
          - relationships:
              name: orders_customer_fk
              to: ref('customers')
              field: id
              severity: warn
`);
  const m = pf.models[0]!;
  assert.equal(m.tests[0]!.name, 'dbt_utils.expression_is_true');
  assert.deepEqual(m.tests[0]!.arguments, { expression: 'amount >= 0' });
  assert.deepEqual(m.tests[0]!.config, { severity: 'warn' });
  assert.equal(m.tests[0]!.key, 'data_tests');
  const [u, nn, av, rel] = m.columns[0]!.tests;
  assert.equal(u!.name, 'unique');
  assert.deepEqual(nn!.config, { where: 'id > 0' });
  assert.deepEqual(av!.arguments, { values: ['a', 'b'] });
  assert.deepEqual(av!.config, { where: '1=1' });
  assert.equal(rel!.customName, 'orders_customer_fk');
  assert.deepEqual(rel!.arguments, { to: "ref('customers')", field: 'id' });
  assert.deepEqual(rel!.config, { severity: 'warn' });
  assert.equal(rel!.position.line, 19);
  assert.equal(m.columns[0]!.position.line, 9);
  assert.equal(m.position.line, 3);
});

test('sources with tables, freshness, identifier, meta and tests', () => {
  const pf = read(`version: 2
sources:
  - name: raw
    schema: "{{ var('raw_schema') }}"
    loaded_at_field: _loaded_at
    freshness: {warn_after: {count: 1, period: day}}
    meta: {owner: x}
    tables:
      - name: orders
        identifier: raw_orders
        freshness: null
        columns:
          - name: id
            data_tests: [unique]
      - name: customers
`);
  const s = pf.sources[0]!;
  assert.equal(s.schema, "{{ var('raw_schema') }}", 'kept raw when no render hook runs');
  assert.deepEqual(s.freshness, { warn_after: { count: 1, period: 'day' } });
  assert.equal(s.tables[0]!.identifier, 'raw_orders');
  assert.equal(s.tables[0]!.freshness, null);
  assert.equal(s.tables[1]!.freshness, undefined);
  assert.equal(s.tables[0]!.columns[0]!.tests[0]!.name, 'unique');
  assert.equal(s.tables[1]!.position.line, 15);
});

test('exposures, macros, unit tests, seeds, snapshots and other keys', () => {
  const pf = read(`exposures:
  - name: dash
    type: dashboard
    owner: {email: a@b.c}
    depends_on: ["ref('orders')", "source('raw', 'x')"]
macros:
  - name: m
    arguments: [{name: a, type: string}]
unit_tests:
  - name: t
    model: orders
    given: [{input: "ref('x')", rows: [{id: 1}]}]
    expect: {rows: [{id: "{{ 1 }}"}]}
seeds: [{name: s, config: {delimiter: ";"}}]
snapshots: [{name: snap}]
semantic_models: [{name: sm}]
`);
  assert.deepEqual(pf.exposures[0]!.depends_on, ["ref('orders')", "source('raw', 'x')"]);
  assert.equal(pf.macros[0]!.arguments[0]!.type, 'string');
  assert.equal(pf.unit_tests[0]!.model, 'orders');
  assert.equal(pf.seeds[0]!.config['delimiter'], ';');
  assert.equal(pf.snapshots[0]!.name, 'snap');
  assert.ok(Array.isArray(pf.other['semantic_models']));
});

test('wrong types and missing names are errors at their position', () => {
  let e = err('models:\n  name: orders\n');
  assert.equal(e.code, 'property-invalid');
  assert.equal(e.position?.line, 1);
  e = err('models:\n  - description: no name\n');
  assert.match(e.message, /no `name`/);
  assert.equal(e.position?.line, 2);
  e = err('models:\n  - name: a\n    columns:\n      - name: id\n        tests: unique\n');
  assert.equal(e.position?.line, 5);
  e = err('models:\n  - name: a\n    tests:\n      - unique: {}\n        not_null: {}\n');
  assert.match(e.message, /exactly one key/);
  assert.equal(e.position?.line, 4);
  e = err('models:\n  - name: a\n    tests: [unique]\n    data_tests: [not_null]\n');
  assert.match(e.message, /either `tests` or `data_tests`/);
  e = err('- a\n- b\n');
  assert.equal(e.code, 'property-invalid');
});

test('descriptions and tests are never rendered; other values are', () => {
  assert.equal(rendersInPropertyFile(['models', 0, 'description']), false);
  assert.equal(rendersInPropertyFile(['models', 0, 'columns', 1, 'tests', 0, 'accepted_values', 'values']), false);
  assert.equal(rendersInPropertyFile(['sources', 0, 'schema']), true);
  assert.equal(rendersInPropertyFile(['unit_tests', 0, 'given']), false);
});

test("a test's config values are rendered when the file is read (dbt does), its arguments are not", () => {
  assert.equal(rendersInPropertyFile(['models', 0, 'data_tests', 2, 'rows_lt', 'config', 'severity']), true);
  assert.equal(rendersInPropertyFile(['models', 0, 'columns', 1, 'tests', 0, 'pkg.expect_x', 'config', 'enabled']), true);
  assert.equal(rendersInPropertyFile(['sources', 0, 'tables', 0, 'tests', 0, 'unique', 'where']), true);
  assert.equal(rendersInPropertyFile(['models', 0, 'tests', 0, 'accepted_values', 'severity']), true);
  // arguments, nested config values and a test's description stay as written
  assert.equal(rendersInPropertyFile(['models', 0, 'tests', 0, 'accepted_values', 'arguments', 'severity']), false);
  assert.equal(rendersInPropertyFile(['models', 0, 'tests', 0, 'accepted_values', 'values', 0]), false);
  assert.equal(rendersInPropertyFile(['models', 0, 'tests', 0, 'accepted_values', 'config', 'meta', 'owner']), false);
  assert.equal(rendersInPropertyFile(['models', 0, 'tests', 0, 'accepted_values', 'description']), false);
});
