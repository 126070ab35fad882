/**
 * Relations as templates see them: like dbt's (a dataclass that is a Mapping), `is mapping`,
 * read by attribute, item or `get`, with `get('metadata')` naming the engine's relation class
 * (what dbt_utils' `_is_relation` checks). The expected values are what dbt-core 1.10 renders
 * for the same templates (dbt-duckdb and dbt-postgres relations, checked with the reference venv).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderString } from '../../src/jinja/index.js';
import { addEphemeralPrefix, relation } from '../../src/context/relation.js';

const duck = relation({ database: 'dbt', schema: 'main', identifier: 'base', type: 'table' });
const pg = relation({ database: 'dbt', schema: 'public', identifier: 'base' }, undefined, 'postgres');

test('a relation is a mapping, not a sequence, and names its class in get("metadata")', async () => {
  assert.equal(await renderString('{{ r is mapping }}|{{ r is sequence }}|{{ r is string }}', { r: duck }), 'True|False|False');
  assert.equal(await renderString('{{ r.get("metadata") }}|{{ r.get("metadata", {}).get("type", "").endswith("Relation") }}', { r: duck }), "{'type': 'DuckDBRelation'}|True");
  assert.equal(await renderString('{{ r.get("metadata").type }}', { r: pg }), 'PostgresRelation');
  // dbt_utils' _is_relation, as the package writes it
  const isRelation = "{{ (r is mapping and r.get('metadata', {}).get('type', '').endswith('Relation')) }}";
  assert.equal(await renderString(isRelation, { r: duck }), 'True');
  assert.equal(await renderString(isRelation, { r: '"dbt"."main"."base"' }), 'False');
  assert.equal(await renderString(isRelation, { r: { identifier: 'x' } }), 'False');
});

test('get, item access and the fields of dbt\'s dict form (path, policies)', async () => {
  assert.equal(
    await renderString('{{ r.get("nope", 5) }}|{{ r.get("nope") }}|{{ r.get("nope", default=6) }}|{{ r.get("identifier") }}|{{ r.get("name") }}|{{ r.get("database") }}|{{ r.get("schema") }}', { r: duck }),
    '5|None|6|base|base|dbt|main',
  );
  assert.equal(
    await renderString('{{ r["identifier"] }}|{{ r["path"] }}|{{ r["path"]["schema"] }}|{{ r.path.identifier }}|{{ r.get("path").database == r.database }}|{{ r.path is mapping }}', { r: duck }),
    "base|Path(database='dbt', schema='main', identifier='base')|main|base|True|True",
  );
  assert.equal(
    await renderString('{{ r.include_policy }}|{{ r.quote_policy.database }}|{{ r["quote_policy"]["schema"] }}|{{ r.get("include_policy").get("identifier") }}|{{ r.quote_character }}', { r: duck }),
    'Policy(database=True, schema=True, identifier=True)|True|True|True|"',
  );
  assert.equal(await renderString('{{ r.include(database=false).include_policy }}', { r: duck }), 'Policy(database=False, schema=True, identifier=True)');
  assert.equal(await renderString('{{ r.get("metadata").type }}', { r: duck.include({ database: false }) }), 'DuckDBRelation', 'a copy keeps its engine');
  assert.equal(await renderString('{{ r["nope"] }}|{{ r.metadata }}|', { r: duck }), '||', 'metadata is only what get() answers, as in dbt');
});

test('a relation prints as its name and reprs as dbt\'s; a missing attribute names dbt\'s class', async () => {
  assert.equal(await renderString('{{ r }}|{{ r | string }}|{{ [r] }}', { r: duck }), '"dbt"."main"."base"|"dbt"."main"."base"|[<DuckDBRelation "dbt"."main"."base">]');
  assert.equal(await renderString('{{ [r] }}', { r: pg }), '[<PostgresRelation "dbt"."public"."base">]');
  await assert.rejects(renderString('{{ r.nope.x }}', { r: duck }), /'dbt\.adapters\.duckdb\.relation\.DuckDBRelation object' has no attribute 'nope'/);
});

test('using a relation as a dictionary is dbt\'s error', async () => {
  for (const m of ['keys', 'items', 'values']) {
    await assert.rejects(renderString(`{{ r.${m}() | list }}`, { r: duck }), /The object \(""dbt"\."main"\."base""\) was used as a dictionary\. This capability has been removed from objects of this type\./);
  }
});

test('api.Relation.add_ephemeral_prefix', () => {
  assert.equal(addEphemeralPrefix('x'), '__dbt__cte__x');
});

test("relations an engine's dialect or adapter makes are of that engine's class", async () => {
  const { PostgresDialect } = await import('../../src/adapters/postgres/postgres-dialect.js');
  const { DuckDBDialect } = await import('../../src/adapters/duckdb/duckdb-dialect.js');
  assert.equal(new PostgresDialect().relation('db', 'public', 't').className, 'PostgresRelation');
  assert.equal(new DuckDBDialect().relation('db', 'main', 't').className, 'DuckDBRelation');
});

test("`in` finds a relation's attributes, and relations are equal by class, path, type and policies (as dbt's)", async () => {
  // dbt-duckdb: 'identifier' in r → True, 'nope' in r → False, 'path' in r → True
  assert.equal(await renderString("{{ 'identifier' in r }}|{{ 'nope' in r }}|{{ 'path' in r }}|{{ 'render' in r }}|{{ 1 in r }}", { r: duck }), 'True|False|True|True|False');
  const same = relation({ database: 'dbt', schema: 'main', identifier: 'base', type: 'table' });
  const view = relation({ database: 'dbt', schema: 'main', identifier: 'base', type: 'view' });
  // dbt-duckdb: equal copies are ==, and found by `in` in a list; a different type, quote
  // policy or class is not; `!=` is the negation
  assert.equal(await renderString('{{ r == s }}|{{ r in [s] }}|{{ r != s }}|{{ r == v }}|{{ r == v.incorporate(type="table") }}', { r: duck, s: same, v: view }), 'True|True|False|False|True');
  assert.equal(await renderString('{{ r == r.quote(identifier=false) }}|{{ r == r.include(database=false) }}|{{ r == "\\"dbt\\".\\"main\\".\\"base\\"" }}', { r: duck }), 'False|False|False');
  const pgSame = relation({ database: 'dbt', schema: 'main', identifier: 'base', type: 'table' }, undefined, 'postgres');
  assert.equal(await renderString('{{ r == p }}', { r: duck, p: pgSame }), 'False');
});
