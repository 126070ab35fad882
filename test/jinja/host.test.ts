/**
 * Host integration: async host functions, dbt-style return(), macros called from
 * TypeScript, loaders, block tags, keyword arguments, context layering and safety.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CALL,
  Environment,
  Kwargs,
  Macro,
  MacroReturn,
  TemplateError,
  Undefined,
  isKwargs,
  isUndefined,
  pyStr,
  renderString,
  toJS,
} from '../../src/jinja/index.js';

const ret = (v: unknown): never => {
  throw new MacroReturn(v);
};

test('renderString renders with Jinja2 defaults plus do and loop controls', async () => {
  assert.equal(await renderString('{% set l = [] %}{% for i in range(5) %}{% if i == 3 %}{% break %}{% endif %}{% do l.append(i) %}{% endfor %}{{ l }}'), '[0, 1, 2]');
  assert.equal(await renderString('{{ x }}\n', { x: true }), 'True');
});

test('a host function returning a Promise is awaited, in expressions, loops, macros and tests', async () => {
  const slow = (v: unknown) => new Promise((r) => setTimeout(() => r(v), 1));
  const out = await renderString(
    '{% macro m(x) %}<{{ fetch(x) }}>{% endmacro %}{% for r in fetch([1, 2]) %}{{ m(r) }}{% if fetch(r) is odd %}o{% endif %}{% endfor %}{{ fetch("a") ~ fetch("b") }}',
    { fetch: slow },
  );
  assert.equal(out, '<1>o<2>ab');
});

test('run_query-style: a macro awaits a host query and returns its rows as a value', async () => {
  const ctx = {
    run_query: async (sql: string) => [{ v: 'a' }, { v: 'b' }].filter(() => sql.length > 0),
    return: ret,
  };
  const out = await renderString(
    "{% macro values() %}{% set rows = run_query('select v') %}{{ return(rows | map(attribute='v') | list) }}{% endmacro %}" +
      "in ({% for v in values() %}'{{ v }}'{{ ', ' if not loop.last }}{% endfor %}) {{ values() | length }}",
    ctx,
  );
  assert.equal(out, "in ('a', 'b') 2");
});

test('MacroReturn ends only the innermost macro; the caller gets the value itself', async () => {
  const out = await renderString(
    '{% macro inner() %}x{{ return({"k": [1, 2]}) }}never{% endmacro %}{% macro outer() %}{% set v = inner() %}{{ v.k | sum }}{% endmacro %}[{{ outer() }}]',
    { return: ret },
  );
  assert.equal(out, '[3]');
});

test('MacroReturn at the top level: render returns pyStr(value)', async () => {
  assert.equal(await renderString('text {{ return([1]) }} more', { return: ret }), '[1]');
  assert.equal(await renderString('text {{ return(none) }}', { return: ret }), '');
});

test('Macro.call from TypeScript returns text or the returned value', async () => {
  const env = new Environment();
  const t = env.compile('{% macro add(a, b=10) %}{{ a + b }}{% endmacro %}{% macro cols() %}{{ return(["a", "b"]) }}{% endmacro %}', 'm.sql');
  const mod = await t.module({ return: ret });
  const add = mod.add as Macro;
  assert.ok(add instanceof Macro);
  assert.equal(add.name, 'add');
  assert.equal(await add.call([1]), '11');
  assert.equal(await add.call([1], { b: 2 }), '3');
  assert.deepEqual(await (mod.cols as Macro).call(), ['a', 'b']);
});

test('Template.macro binds a macro to a context without running the top level', async () => {
  const env = new Environment();
  let ran = 0;
  const t = env.compile(
    '{% do side() %}{% macro helper(x) %}({{ x }}){% endmacro %}{% macro main(x) %}{{ helper(x) }}{{ suffix }}{% endmacro %}',
    'macros.sql',
  );
  const ctx = { side: () => ran++, suffix: '!' };
  const m = t.macro('main', ctx);
  assert.equal(await m.call(['a']), '(a)!');
  assert.equal(ran, 0);
  assert.deepEqual(t.macros, [
    { name: 'helper', params: [{ name: 'x', hasDefault: false }], line: 1 },
    { name: 'main', params: [{ name: 'x', hasDefault: false }], line: 1 },
  ]);
  assert.throws(() => t.macro('nope', ctx), TemplateError);
});

test('macros are values a template can pass around and call with caller', async () => {
  const env = new Environment();
  const lib = env.compile('{% macro wrap() %}[{{ caller("z") }}]{% endmacro %}', 'lib.sql');
  const ctx = { wrap: lib.macro('wrap', {}) };
  assert.equal(await env.compile('{% call(v) wrap() %}v={{ v }}{% endcall %}', 'x.sql').render(ctx), '[v=z]');
});

test('macro-kind block tags define prefixed macros; capture-kind tags are reported, not rendered', async () => {
  const env = new Environment({
    blockTags: {
      test: { kind: 'macro', prefix: 'test_' },
      snapshot: { kind: 'capture' },
      materialization: { kind: 'capture' },
      docs: { kind: 'capture' },
    },
  });
  const src = [
    '{% test not_null(model, column_name) %}select * from {{ model }} where {{ column_name }} is null{% endtest %}',
    '{% snapshot orders_snap %}',
    '  select {{ not parsed }} {% if %}',
    '{% endsnapshot %}',
    "{% materialization view, adapter='duckdb' %}body{% endmaterialization %}",
    '{% docs orders %}Orders **doc**{% enddocs %}after',
  ].join('\n');
  const t = env.compile(src, 'x.sql');
  assert.deepEqual(t.macros.map((m) => m.name), ['test_not_null']);
  assert.equal(await t.macro('test_not_null', {}).call(['t', 'c']), 'select * from t where c is null');
  assert.deepEqual(
    t.captures.map((c) => [c.tag, c.name, c.args, c.source, c.line, c.column]),
    [
      ['snapshot', 'orders_snap', '', '\n  select {{ not parsed }} {% if %}\n', 2, 27],
      ['materialization', 'view', ", adapter='duckdb'", 'body', 5, 45],
      ['docs', 'orders', '', 'Orders **doc**', 6, 18],
    ],
  );
  assert.equal(await t.render({}), '\n\n\nafter');
  // a captured body compiled on its own reports positions in the real file
  const snap = t.captures[0]!;
  assert.throws(
    () => env.compile(snap.source, 'x.sql', { lineOffset: snap.line - 1, columnOffset: snap.column - 1 }),
    (e: unknown) => e instanceof TemplateError && e.line === 3 && e.column === 33,
  );
});

test('a loader (sync or async) serves include, import and from-import', async () => {
  const files: Record<string, string> = {
    'a.sql': '{% macro hi(n) %}hi {{ n }}{% endmacro %}{% set version = 3 %}',
    'b.sql': 'B{{ who }}',
  };
  for (const async of [false, true]) {
    const env = new Environment({
      loader: {
        load: (name) => {
          const v = name in files ? { source: files[name]!, filename: `macros/${name}` } : null;
          return async ? Promise.resolve(v) : v;
        },
      },
    });
    const t = env.compile('{% import "a.sql" as a %}{% from "a.sql" import hi %}{{ a.hi(1) }}/{{ hi(2) }}/{{ a.version }}/{% include "b.sql" %}', 'x.sql');
    assert.equal(await t.render({ who: 'W' }), 'hi 1/hi 2/3/BW');
    assert.equal((await env.getTemplate('b.sql')).name, 'macros/b.sql');
    await assert.rejects(env.getTemplate('zzz.sql'), TemplateError);
  }
});

test('host functions get positional args then one Kwargs object, only when keywords are given', async () => {
  const calls: unknown[][] = [];
  const f = (...args: unknown[]) => {
    calls.push(args);
    return '';
  };
  await renderString('{{ f(1, "a") }}{{ f(1.0, k=2, caller=none) }}{{ f() }}', { f });
  assert.deepEqual(calls[0], [1, 'a']);
  assert.equal(calls[1]!.length, 2);
  assert.equal(calls[1]![0], 1);
  assert.equal(typeof calls[1]![0], 'number');
  const kw = calls[1]![1];
  assert.ok(isKwargs(kw));
  assert.ok(kw instanceof Kwargs);
  assert.equal(Object.getPrototypeOf(kw), null);
  assert.deepEqual({ ...(kw as object) }, { k: 2, caller: null });
  assert.deepEqual(calls[2], []);
  assert.ok(!isKwargs({}));
});

test('context lookup follows the prototype chain and lazy getters but not Object.prototype', async () => {
  const base = { a: 'A', shadowed: 'base' };
  const ctx = Object.create(base, {
    shadowed: { value: 'child', enumerable: true },
    lazy: { get: () => 'L' },
  });
  assert.equal(await renderString('{{ a }}{{ shadowed }}{{ lazy }}|{{ toString }}|{{ hasOwnProperty is defined }}|{{ constructor }}', ctx), 'AchildL||False|');
});

test('globals sit below the context; env filters and tests may be async and take kwargs', async () => {
  const env = new Environment({
    globals: { g: 'global', shadow: 'global' },
    filters: { wrap: async (v: unknown, ...rest: unknown[]) => `${String(rest[0] ?? '(')}${String(v)}${isKwargs(rest.at(-1)) ? String((rest.at(-1) as Kwargs).end) : ')'}` },
    tests: { short: (v: unknown) => String(v).length < 3 },
  });
  env.addGlobal('added', 1);
  env.addFilter('twice', (v: unknown) => String(v).repeat(2));
  env.addTest('big', (v: unknown) => Number(v) > 100);
  const t = env.compile('{{ g }} {{ shadow }} {{ added }} {{ "x"|wrap }} {{ "y"|wrap("[", end="]") }} {{ "ab" is short }} {{ 5 is big }} {{ "k"|twice }}', 't');
  assert.equal(await t.render({ shadow: 'ctx' }), 'global ctx 1 (x) [y] True False kk');
});

test('host objects: methods with this, getters, class instances, Maps', async () => {
  class Relation {
    constructor(readonly schema: string, readonly identifier: string) {}
    get quoted(): string {
      return `"${this.schema}"."${this.identifier}"`;
    }
    include(opts?: Kwargs): string {
      return opts?.schema === false ? this.identifier : this.quoted;
    }
    toString(): string {
      return this.quoted;
    }
  }
  const adapter = {
    dispatch(name: string) {
      return (...args: unknown[]) => `${name}(${args.join(',')})`;
    },
  };
  const api = { Relation: { create: (kw: Kwargs) => new Relation(String(kw.schema), String(kw.identifier)) } };
  const out = await renderString(
    "{% set r = api.Relation.create(schema='s', identifier='t') %}{{ r }} {{ r.schema }} {{ r.quoted }} {{ r.include(schema=false) }} {{ adapter.dispatch('x')(1, 2) }} {{ m.k }} {{ m['k'] }} {{ m.get('k') }} {{ m }}",
    { adapter, api, m: new Map([['k', 'v']]) },
  );
  assert.equal(out, '"s"."t" s "s"."t" t x(1,2) v v v {\'k\': \'v\'}');
});

test('a host object with a CALL method is callable and keeps its methods', async () => {
  const seen: unknown[] = [];
  const config = {
    [CALL]: (kw: Kwargs) => {
      seen.push({ ...kw });
      return '';
    },
    get: (k: string, d?: unknown) => (k === 'materialized' ? 'table' : d ?? null),
  };
  assert.equal(await renderString("{{ config(materialized='view') }}{{ config.get('materialized') }} {{ config.get('x', 'd') }} {{ config is callable }}", { config }), 'table d True');
  assert.deepEqual(seen, [{ materialized: 'view' }]);
});

test('safety: templates cannot reach JS internals or properties of functions', async () => {
  const fn = Object.assign(() => 'ok', { attached: 'A' });
  Object.defineProperty(fn, 'hidden', { value: 'H', enumerable: false });
  const ctx = { fn, obj: { a: 1 }, list: [1], s: 'str' };
  const probes = [
    '{{ obj.__proto__ }}', '{{ obj.constructor }}', '{{ obj["constructor"] }}', '{{ fn.constructor }}', '{{ fn.hidden }}',
    '{{ fn.name }}', '{{ fn.length }}', '{{ fn.bind }}', '{{ fn.toString }}', '{{ fn.attached.constructor }}',
    '{{ fn.call }}', '{{ fn.prototype }}', '{{ list.constructor }}', '{{ s.constructor }}', '{{ obj.toString }}',
    '{{ obj.hasOwnProperty }}', '{{ list.map }}', '{{ s.charAt }}', '{{ namespace.constructor }}', '{{ range.apply }}',
    '{{ obj.__defineGetter__ }}', '{{ (1).constructor }}', '{{ loop }}', '{{ __proto__ }}', '{{ constructor }}',
  ];
  for (const p of probes) assert.equal(await renderString(p, ctx), '', p);
  await assert.rejects(renderString('{{ obj.constructor.constructor("return process")() }}', ctx), TemplateError);
  await assert.rejects(renderString('{{ s.constructor.fromCharCode(65) }}', ctx), TemplateError);
  assert.equal(await renderString('{{ fn() }}', ctx), 'ok');
  // properties the host attached to a function on purpose (dbt's config.get) are visible
  assert.equal(await renderString('{{ fn.attached }}', ctx), 'A');
  const config = Object.assign(() => '', { get: function (this: unknown, k: string) { return `got ${k}`; } });
  assert.equal(await renderString("{{ config(x=1) }}{{ config.get('m') }}", { config }), 'got m');
});

test('Undefined, toJS and pyStr follow Python semantics', async () => {
  assert.ok(isUndefined(new Undefined()));
  assert.equal(pyStr(null), 'None');
  assert.equal(pyStr([true, 'a', { b: 1.5 }]), "[True, 'a', {'b': 1.5}]");
  const env = new Environment();
  const mod = await env.compile('{% set x = [1.0, {"a": 2.0}, none] %}', 't').module();
  assert.deepEqual(toJS(mod.x), [1, { a: 2 }, null]);
  assert.equal(await renderString('{{ f(x) }}', { f: (v: unknown) => (v === undefined ? 'undef' : 'def') }), 'undef');
});

test('compile is cached by source and name', () => {
  const env = new Environment();
  const a = env.compile('{{ 1 }}', 'x');
  assert.equal(env.compile('{{ 1 }}', 'x'), a);
  assert.notEqual(env.compile('{{ 2 }}', 'x'), a);
  assert.notEqual(env.compile('{{ 1 }}', 'y'), a);
});

test('extends and blocks with super()', async () => {
  const files: Record<string, string> = { 'base.html': '<{% block a %}A{% endblock %}|{% block b %}B{% endblock %}>' };
  const env = new Environment({ loader: { load: (n) => (files[n] ? { source: files[n]! } : null) } });
  const t = env.compile('pre{% extends "base.html" %}ignored{% block b %}b+{{ super() }}{% endblock %}', 'child');
  assert.equal(await t.render(), 'pre<A|b+B>');
});
