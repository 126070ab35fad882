/** Unit tests of the compiler and runtime: sync fast path, scoping, loops, calls. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment, renderString, withChainableUndefined } from '../../src/jinja/index.js';
import { Out } from '../../src/jinja/runtime.js';

test('a template without async host calls renders synchronously (no Promise in the closures)', () => {
  const env = new Environment();
  const t = env.compile('{% macro m(x) %}{{ x }}{% endmacro %}{% for i in range(3) %}{{ m(i) }}{{ f(i) }}{% endfor %}', 't');
  const out = new Out();
  const r = t.runRoot({ f: (i: number) => i * 2 }, out);
  assert.ok(!(r instanceof Promise));
  assert.equal(out.s, '001224');
  const out2 = new Out();
  const r2 = t.runRoot({ f: async (i: number) => i * 2 }, out2);
  assert.ok(r2 instanceof Promise);
});

test('scoping: loops and macros do not leak, if does, namespaces cross scopes', async () => {
  assert.equal(await renderString('{% for i in [1] %}{% set a = 1 %}{% endfor %}{{ a is defined }}'), 'False');
  assert.equal(await renderString('{% if true %}{% set a = 1 %}{% endif %}{{ a }}'), '1');
  assert.equal(await renderString('{% set x = 1 %}{% for i in range(2) %}{{ x }}{% set x = 5 %}{{ x }}{% endfor %}{{ x }}'), '15151');
  assert.equal(await renderString('{% set ns = namespace(v=0) %}{% for i in range(4) %}{% set ns.v = ns.v + i %}{% endfor %}{{ ns.v }}'), '6');
});

test('loop variables, break/continue and recursive loops', async () => {
  assert.equal(
    await renderString('{% for x in "abcd" %}{% if x == "b" %}{% continue %}{% elif x == "d" %}{% break %}{% endif %}{{ loop.index }}{{ x }}{{ loop.revindex }}{% endfor %}'),
    '1a43c2',
  );
  assert.equal(
    await renderString('{% for n in t recursive %}{{ n.v }}{% if n.c %}[{{ loop(n.c) }}]{% endif %}{% endfor %}', { t: [{ v: 1, c: [{ v: 2, c: [{ v: 3 }] }] }] }),
    '1[2[3]]',
  );
});

test('macro argument rules follow Jinja2', async () => {
  assert.equal(await renderString('{% macro m(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 3, 4, k=5) }}'), "13(4,){'k': 5}");
  await assert.rejects(renderString('{% macro m(a) %}{% endmacro %}{{ m(1, a=2) }}'), /got multiple values for argument 'a'/);
  await assert.rejects(renderString('{% macro m() %}{% endmacro %}{% call m() %}{% endcall %}'), /two values for the special caller argument/);
});

test('async host calls inside loops keep output order', async () => {
  const wait = (v: unknown, ms: number) => new Promise((r) => setTimeout(() => r(v), ms));
  const out = await renderString('{% for i in range(4) %}{{ w(i, 4 - i) }}{% set s = w("x", 1) %}{{ s }}{% endfor %}{{ w("end", 1) }}', { w: wait });
  assert.equal(out, '0x1x2x3xend');
});

test('set blocks, filter blocks and call blocks capture their bodies', async () => {
  assert.equal(await renderString('{% set q | trim %}  select 1  {% endset %}[{{ q }}]'), '[select 1]');
  assert.equal(await renderString('{% filter upper %}a{{ "b" }}{% endfilter %}'), 'AB');
  assert.equal(await renderString('{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}'), '<in>');
});

test('namespace and dict assignment never touch prototypes', async () => {
  assert.equal(await renderString('{% set ns = namespace() %}{% set ns.__proto__ = {"x": 1} %}{{ ns.x }}|{{ ns.__proto__ }}'), '|');
  assert.equal(await renderString('{% set d = {} %}{% do d.update({"__proto__": 1}) %}{{ d }}'), "{'__proto__': 1}");
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('withChainableUndefined: attributes, items and calls of an undefined value are undefined (as dbt parses); outside it they raise', async () => {
  const env = new Environment();
  const src = '[{{ [][0].name }}][{{ {}.a.b }}][{{ [][0].is_integer()["k"] }}][{{ {}.x.y | length }}][{% for c in [][0].cols %}{{ c }}{% endfor %}]';
  assert.equal(await withChainableUndefined(async () => env.compile(src, 't').render({})), '[][][][0][]');
  await assert.rejects(async () => env.compile('{{ [][0].name }}', 't').render({}), /list object has no element 0/);
  await assert.rejects(async () => env.compile('{{ {}.a.b }}', 't').render({}), /has no attribute 'a'/);
  // a name nothing defines still raises (Strata reports an unknown macro at parse), and so does arithmetic
  await assert.rejects(withChainableUndefined(async () => env.compile('{{ unknown_macro() }}', 't').render({})), /'unknown_macro' is undefined/);
  await assert.rejects(withChainableUndefined(async () => env.compile('{{ unknown_pkg.m() }}', 't').render({})), /'unknown_pkg' is undefined/);
  await assert.rejects(withChainableUndefined(async () => env.compile('{{ [][0].a + 1 }}', 't').render({})));
});
