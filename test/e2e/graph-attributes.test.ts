/**
 * The `graph` context variable as packages that introspect a project read it (such as
 * dbt-project-evaluator): each node's, source's and exposure's attributes and config carry the
 * keys and defaults dbt gives them, so templates that print them render what dbt renders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeFiles, type Files } from '../helpers/files.js';

/** Compiles a project whose model `m` prints lines about the graph; returns those lines. */
async function graphLines(files: Files, modelBody: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-graph-'));
  writeFiles(dir, {
    'dbt_project.yml': "name: ga\nversion: '1.0.0'\nconfig-version: 2\nprofile: ga\n",
    'profiles.yml': `ga:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'ga.duckdb'))}\n`,
    'models/m.sql': `select 1 as id\n{% if execute %}${modelBody}{% endif %}\n`,
    ...files,
  });
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['compile', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  assert.equal(code, 0, chunks.join(''));
  const text = readFileSync(join(dir, 'target', 'compiled', 'ga', 'models', 'm.sql'), 'utf8');
  return text.split('\n').filter((l) => l.startsWith('-- ')).map((l) => l.slice(3));
}

test("a source's config holds enabled, event_time, freshness, loaded_at_field, loaded_at_query, meta and tags; its freshness merges the table's keys over the source's", async () => {
  const lines = await graphLines({
    'models/src.yml': [
      'version: 2',
      'sources:',
      '  - name: s1',
      '    meta: {a: 1}',
      '    tags: [t_src]',
      '    freshness: {error_after: {count: 2, period: day}}',
      '    tables:',
      '      - name: t1',
      '        meta: {b: 2}',
      '      - name: t2',
      '        loaded_at_field: lf',
      '        freshness: {warn_after: {count: 1, period: hour}, filter: "x > 1"}',
      '      - name: t3',
      '        freshness: null',
      '  - name: s2',
      '    tables:',
      '      - name: u1',
    ].join('\n'),
  }, "{% for s in graph.sources.values() | sort(attribute='name') %}\n-- {{ s.name }} enabled={{ s.config.enabled }} {{ s.config | tojson }} {{ s.freshness | tojson }}\n{% endfor %}");
  const none = '{"count": null, "period": null}';
  assert.deepEqual(lines, [
    `t1 enabled=True {"enabled": true, "event_time": null, "freshness": {"error_after": {"count": 2, "period": "day"}, "filter": null, "warn_after": ${none}}, "loaded_at_field": null, "loaded_at_query": null, "meta": {"a": 1, "b": 2}, "tags": ["t_src"]} {"error_after": {"count": 2, "period": "day"}, "filter": null, "warn_after": ${none}}`,
    `t2 enabled=True {"enabled": true, "event_time": null, "freshness": {"error_after": {"count": 2, "period": "day"}, "filter": "x \\u003e 1", "warn_after": {"count": 1, "period": "hour"}}, "loaded_at_field": "lf", "loaded_at_query": null, "meta": {"a": 1}, "tags": ["t_src"]} {"error_after": {"count": 2, "period": "day"}, "filter": "x \\u003e 1", "warn_after": {"count": 1, "period": "hour"}}`,
    't3 enabled=True {"enabled": true, "event_time": null, "freshness": null, "loaded_at_field": null, "loaded_at_query": null, "meta": {"a": 1}, "tags": ["t_src"]} null',
    `u1 enabled=True {"enabled": true, "event_time": null, "freshness": {"error_after": ${none}, "filter": null, "warn_after": ${none}}, "loaded_at_field": null, "loaded_at_query": null, "meta": {}, "tags": []} {"error_after": ${none}, "filter": null, "warn_after": ${none}}`,
  ]);
});

test("a top-level `meta` in a model's or seed's properties is its config's meta, merged over the project's; given also under config it is an error", async () => {
  const files: Files = {
    'dbt_project.yml': "name: ga\nversion: '1.0.0'\nconfig-version: 2\nprofile: ga\nmodels:\n  ga:\n    +meta: {p: 0, a: 0}\n",
    'models/props.yml': 'version: 2\nmodels:\n  - name: m\n    meta: {a: 1, b: 1}\nseeds:\n  - name: s\n    meta: {s: 1}\n',
    'seeds/s.csv': 'x\n1\n',
  };
  const lines = await graphLines(files, "{% for n in graph.nodes.values() | sort(attribute='name') %}\n-- {{ n.name }} {{ n.meta }} {{ n.config.meta }}\n{% endfor %}");
  assert.deepEqual(lines, ["m {'p': 0, 'a': 1, 'b': 1} {'p': 0, 'a': 1, 'b': 1}", "s {'s': 1} {'s': 1}"]);
  await assert.rejects(
    graphLines({ ...files, 'models/props.yml': 'version: 2\nmodels:\n  - name: m\n    meta: {a: 1}\n    config: {meta: {b: 2}}\n' }, ''),
    /`meta` both as a top-level key and under `config:`/,
  );
});

test("every node's config but a test's has on_schema_change, `ignore` unless set", async () => {
  const lines = await graphLines({
    'models/inc.sql': "{{ config(materialized='incremental', on_schema_change='fail') }}\nselect 1 as id",
    'models/props.yml': 'version: 2\nmodels:\n  - name: inc\n    columns: [{name: id, tests: [unique]}]\n',
    'seeds/s.csv': 'x\n1\n',
  }, "{% for n in graph.nodes.values() | sort(attribute='name') %}\n-- {{ n.resource_type }} {{ n.name }} {{ n.config.on_schema_change }}\n{% endfor %}");
  assert.deepEqual(lines, ['model inc fail', 'model m ignore', 'seed s ignore', 'test unique_inc_id ']);
});

test("an exposure's owner has an email and a name, None when not given", async () => {
  const lines = await graphLines({
    'models/props.yml': "version: 2\nexposures:\n  - name: e1\n    type: dashboard\n    owner: {email: a@b.c}\n    depends_on: [ref('m')]\n  - name: e2\n    type: ml\n    owner: {name: Ann}\n",
  }, "{% for e in graph.exposures.values() | sort(attribute='name') %}\n-- {{ e.name }} {{ e.owner }} {{ e.owner.name }}\n{% endfor %}");
  assert.deepEqual(lines, ["e1 {'email': 'a@b.c', 'name': None} None", "e2 {'email': None, 'name': 'Ann'} Ann"]);
});

test("an exposure's path is relative to its folder of models, its original_file_path to the project", async () => {
  const lines = await graphLines({
    'models/marts/exp.yml': "version: 2\nexposures:\n  - name: e1\n    type: dashboard\n    owner: {email: a@b.c}\n    depends_on: [ref('m')]\n",
  }, '{% for e in graph.exposures.values() %}\n-- {{ e.path }} {{ e.original_file_path }}\n{% endfor %}');
  assert.deepEqual(lines, ['marts/exp.yml models/marts/exp.yml']);
});

test("a model's, analysis's or singular test's raw_code is its file's text without leading or trailing whitespace", async () => {
  const lines = await graphLines({
    'models/a.sql': '\n\n  select 1 as id  \n\n',
    'analyses/an.sql': 'select 2 as id\n',
    'tests/t.sql': 'select 1 as x where false\n',
  }, "{% for n in graph.nodes.values() | sort(attribute='name') if n.name != 'm' %}\n-- {{ n.name }} {{ n.raw_code | tojson }}\n{% endfor %}");
  assert.deepEqual(lines, ['a "select 1 as id"', 'an "select 2 as id"', 't "select 1 as x where false"']);
});

test("a column's constraints hold every field of dbt's column constraint, null or the default when not written", async () => {
  const lines = await graphLines({
    'models/props.yml': [
      'version: 2',
      'models:',
      '  - name: m',
      '    columns:',
      '      - name: id',
      '        constraints: [{type: not_null}, {type: check, expression: "id > 0", name: c1, warn_unenforced: false}]',
    ].join('\n'),
  }, "{% for n in graph.nodes.values() %}\n-- {{ tojson(n.columns.id.constraints) }}\n{% endfor %}");
  assert.deepEqual(lines, [
    '[{"type": "not_null", "name": null, "expression": null, "warn_unenforced": true, "warn_unsupported": true, "to": null, "to_columns": []}, ' +
      '{"type": "check", "name": "c1", "expression": "id > 0", "warn_unenforced": false, "warn_unsupported": true, "to": null, "to_columns": []}]',
  ]);
});

test('depends_on.macros lists the macros a node and its hooks call directly, in the order first called, and not those they call in turn', async () => {
  const lines = await graphLines({
    'macros/m.sql': [
      "{% macro outer() %}{{ inner() }} {{ adapter.dispatch('disp', 'ga')() }}{% endmacro %}",
      '{% macro inner() %}1{% endmacro %}',
      '{% macro default__disp() %}2{% endmacro %}',
      '{% macro hook_macro() %}select 1{% endmacro %}',
    ].join('\n'),
    'models/a.sql': '{{ config(post_hook="{{ hook_macro() }}", pre_hook="select {{ inner() }}") }}\nselect {{ outer() }} as x, {{ dbt.type_string() }} as y, {{ inner() }} as z\n',
  }, "{% for n in graph.nodes.values() | sort(attribute='name') %}\n-- {{ n.name }} {{ n.depends_on.macros }}\n{% endfor %}");
  assert.deepEqual(lines, ["a ['macro.ga.outer', 'macro.dbt.type_string', 'macro.ga.inner', 'macro.ga.hook_macro']", 'm []']);
});

test("a generic test's refs list its arguments' refs before the tested model's; it depends on its test macro (and on get_where_subquery but for not_null and unique); it stays attached to the tested model", async () => {
  const lines = await graphLines({
    'models/b.sql': 'select 1 as id',
    'models/props.yml': [
      'version: 2',
      'models:',
      '  - name: b',
      '    columns:',
      '      - name: id',
      "        tests: [not_null, {relationships: {to: ref('m'), field: id}}, {accepted_values: {values: [1]}}]",
    ].join('\n'),
  }, "{% for n in graph.nodes.values() | selectattr('resource_type', 'equalto', 'test') | sort(attribute='name') %}\n-- {{ n.name }} {{ n.refs | map(attribute='name') | list }} {{ n.depends_on.macros }} {{ n.attached_node }}\n{% endfor %}");
  assert.deepEqual(lines, [
    "accepted_values_b_id__1 ['b'] ['macro.dbt.test_accepted_values', 'macro.dbt.get_where_subquery'] model.ga.b",
    "not_null_b_id ['b'] ['macro.dbt.test_not_null'] model.ga.b",
    "relationships_b_id__id__ref_m_ ['m', 'b'] ['macro.dbt.test_relationships', 'macro.dbt.get_where_subquery'] model.ga.b",
  ]);
});

test("a column has dbt's keys (config with its meta and tags, granularity, doc_blocks), and meta and tags under its config: count as its own", async () => {
  const lines = await graphLines({
    'models/props.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        meta: {a: 1}\n        tags: [t1]\n      - name: x\n        config: {meta: {b: 2}, tags: [t2]}\n',
  }, '{% for n in graph.nodes.values() %}{% for c in n.columns.values() %}\n-- {{ tojson(c) }}\n{% endfor %}{% endfor %}');
  assert.deepEqual(lines, [
    '{"name": "id", "description": "", "meta": {"a": 1}, "data_type": null, "constraints": [], "quote": null, "config": {"meta": {"a": 1}, "tags": ["t1"]}, "tags": ["t1"], "granularity": null, "doc_blocks": []}',
    '{"name": "x", "description": "", "meta": {"b": 2}, "data_type": null, "constraints": [], "quote": null, "config": {"meta": {"b": 2}, "tags": ["t2"]}, "tags": ["t2"], "granularity": null, "doc_blocks": []}',
  ]);
});
