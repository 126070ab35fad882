/**
 * Package macros as dbt runs them, through the CLI on DuckDB: a macro's unqualified names
 * resolve through the calling node's namespace (its package's macros, the root project's, then
 * dbt's), not through the other macros of its file, with dispatch and across packages; and
 * relations pass dbt_utils' `_is_relation` check while the project parses. The expected values
 * are what dbt-core 1.10 (dbt-duckdb) compiles for the same project, checked with the reference venv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';

async function cli(dir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, text: chunks.join('') };
}

/** A root project `root` with the local packages pkga and pkgb, plus `files`. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-pkgmacros-'));
  const all: Record<string, string> = {
    'dbt_project.yml': "name: root\nversion: '1.0'\nconfig-version: 2\nprofile: root\n",
    'profiles.yml': `root:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'root.duckdb'))}\n`,
    'packages.yml': 'packages:\n  - local: pkga\n  - local: pkgb\n',
    'pkga/dbt_project.yml': "name: pkga\nversion: '1.0'\nconfig-version: 2\n",
    'pkga/macros/a.sql': [
      '{% macro label() %}a-label{% endmacro %}',
      '{% macro greet() %}{{ label() }}{% endmacro %}',
      '{% macro greet_q() %}{{ pkga.label() }}{% endmacro %}',
      '{% macro via_b() %}{{ pkgb.outer() }}{% endmacro %}',
      "{% macro disp() %}{{ adapter.dispatch('thing', 'pkga')() }}{% endmacro %}",
      '{% macro default__thing() %}{{ label() }}{% endmacro %}',
      '{% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}',
      '{% macro only_a() %}only-a{% endmacro %}',
      '{% macro calls_only_a() %}{{ only_a() }}{% endmacro %}',
      '{% macro uses_b_label() %}{{ pkgb.b_label() }}{% endmacro %}',
    ].join('\n'),
    'pkgb/dbt_project.yml': "name: pkgb\nversion: '1.0'\nconfig-version: 2\n",
    'pkgb/macros/b.sql': [
      '{% macro helper_b() %}b-helper{% endmacro %}',
      '{% macro outer() %}{{ helper_b() }}{% endmacro %}',
      '{% macro label() %}b-label{% endmacro %}',
      '{% macro b_label() %}{{ label() }}{% endmacro %}',
    ].join('\n'),
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const compiled = (dir: string, pkg: string, model: string) => readFileSync(join(dir, 'target', 'compiled', pkg, 'models', `${model}.sql`), 'utf8');

test("a package macro's unqualified names resolve through the calling node's namespace, as in dbt", async () => {
  const dir = project({
    'macros/root.sql': [
      '{% macro label() %}root-label{% endmacro %}',
      '{% macro root_only() %}root-only{% endmacro %}',
      '{% macro helper_b() %}root-helper-b{% endmacro %}',
      // dbt's get_columns_in_query calls get_empty_subquery_sql: the root project's replaces it
      '{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) %}select 1 as overridden{% endmacro %}',
    ].join('\n'),
    'models/r1.sql':
      "select '{{ pkga.greet() }}' as greet, '{{ pkga.greet_q() }}' as greet_q, '{{ pkgb.b_label() }}' as b_label, '{{ pkga.disp() }}' as disp, '{{ pkga.via_b() }}' as via_b, '{{ pkga.uses_b_label() }}' as uses_b_label\n",
    'models/cols.sql': `select '{% if execute %}{{ get_columns_in_query("select 1 as a") | join(",") }}{% endif %}' as cols\n`,
    'pkga/models/pa.sql': "select '{{ greet() }}' as greet, '{{ pkgb.b_label() }}' as b_label, '{{ calls_only_a() }}' as only_a, '{{ disp() }}' as disp, '{{ rec(3) }}' as rec, '{{ root_only() }}' as root_only\n",
    'pkgb/models/pb.sql': "select '{{ pkga.greet() }}|{{ outer() }}' as x\n",
  });
  const r = await cli(dir, 'compile');
  assert.equal(r.code, 0, r.text);
  assert.equal(
    compiled(dir, 'root', 'r1').trim(),
    "select 'root-label' as greet, 'a-label' as greet_q, 'root-label' as b_label, 'root-label' as disp, 'root-helper-b' as via_b, 'root-label' as uses_b_label",
  );
  assert.equal(compiled(dir, 'root', 'cols').trim(), "select 'overridden' as cols");
  assert.equal(compiled(dir, 'pkga', 'pa').trim(), "select 'a-label' as greet, 'a-label' as b_label, 'only-a' as only_a, 'a-label' as disp, '321' as rec, 'root-only' as root_only");
  assert.equal(compiled(dir, 'pkgb', 'pb').trim(), "select 'b-label|b-helper' as x");
});

test('a package macro calling its sibling unqualified from a root model fails when the root project lacks the name, as in dbt', async () => {
  const dir = project({ 'models/r1.sql': "select '{{ pkga.greet() }}' as greet\n" });
  const r = await cli(dir, 'compile');
  assert.notEqual(r.code, 0, r.text);
  assert.match(r.text, /'label' is undefined/);
  assert.match(r.text, /pkga\/macros\/a\.sql:2/);
});

test("relations pass dbt_utils' _is_relation check while the project parses, and name the ephemeral prefix", async () => {
  const dir = project({
    // dbt_utils' own check, as the package writes it
    'pkga/macros/rel.sql': [
      '{% macro _is_relation(obj, macro) %}',
      '{%- if not (obj is mapping and obj.get("metadata", {}).get("type", "").endswith("Relation")) -%}',
      '{%- do exceptions.raise_compiler_error("Macro " ~ macro ~ " expected a Relation but received the value: " ~ obj) -%}',
      '{%- endif -%}',
      '{% endmacro %}',
      "{% macro column_list(relation) %}{%- do pkga._is_relation(relation, 'column_list') -%}",
      "{%- if not execute %}{{ return('') }}{% endif -%}",
      "{{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | join(',')) }}{% endmacro %}",
    ].join('\n'),
    'models/base.sql': 'select 1 as id, 2 as amount\n',
    'models/m.sql': "select '{{ pkga.column_list(ref('base')) }}' as cols, '{{ api.Relation.add_ephemeral_prefix('x') }}' as prefix, '{{ ref('base').get('metadata').type }}' as kind\n",
  });
  const r = await cli(dir, 'run', '--select', 'base', 'm');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await queryDuckDb(join(dir, 'root.duckdb'), 'select cols, prefix, kind from main.m'), [['id,amount', '__dbt__cte__x', 'DuckDBRelation']]);
  // a string is not a relation: the check fails the parse, as in dbt
  writeFileSync(join(dir, 'models', 'bad.sql'), "{{ pkga._is_relation('base', 'column_list') }} select 1 as id\n");
  const bad = await cli(dir, 'run', '--select', 'bad');
  assert.notEqual(bad.code, 0, bad.text);
  assert.match(bad.text, /Macro column_list expected a Relation but received the value: base/);
});

test("run-operation finds an installed package's macro by its bare name and runs it in that package's namespace, the root project's macro winning a shared name", async () => {
  const dir = project({
    'pkga/macros/op.sql': [
      "{% macro a_op(who) %}{{ print('a_op ' ~ who ~ ' ' ~ only_a() ~ ' ' ~ label()) }}{% endmacro %}",
      "{% macro shared_op() %}{{ print('pkga shared_op') }}{% endmacro %}",
    ].join('\n'),
    'macros/root.sql': "{% macro shared_op() %}{{ print('root shared_op') }}{% endmacro %}\n",
  });
  const bare = await cli(dir, 'run-operation', 'a_op', '--args', '{who: me}');
  assert.equal(bare.code, 0, bare.text);
  assert.match(bare.text, /^a_op me only-a a-label$/m);
  const qualified = await cli(dir, 'run-operation', 'pkga.a_op', '--args', '{who: you}');
  assert.equal(qualified.code, 0, qualified.text);
  assert.match(qualified.text, /^a_op you only-a a-label$/m);
  const shared = await cli(dir, 'run-operation', 'shared_op');
  assert.equal(shared.code, 0, shared.text);
  assert.match(shared.text, /^root shared_op$/m);
  const missing = await cli(dir, 'run-operation', 'no_such_op');
  assert.equal(missing.code, 2, missing.text);
  assert.match(missing.text, /no macro named 'no_such_op'/);
});
