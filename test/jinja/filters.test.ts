/** Unit tests of filters and tests called through an environment, beyond the golden corpus. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment } from '../../src/jinja/index.js';
import { builtinFilters, toJson } from '../../src/jinja/filters.js';
import { builtinTests } from '../../src/jinja/tests.js';

const env = new Environment();
const r = (src: string, ctx: object = {}) => env.compile(src, 'f.sql').render(ctx);

test('every filter and test the issue lists exists', () => {
  const filters = 'abs attr batch capitalize center default d dictsort first float format groupby indent int items join last length count list lower map max min replace reject rejectattr reverse round select selectattr slice sort string sum title tojson trim truncate unique upper wordcount'.split(' ');
  for (const f of filters) assert.ok(f in builtinFilters, f);
  const tests = 'defined undefined none string number integer float mapping iterable sequence callable sameas in divisibleby even odd eq ne lt le gt ge true false lower upper'.split(' ');
  for (const t of tests) assert.ok(t in builtinTests, t);
});

test('tojson sorts keys and escapes HTML-sensitive characters', () => {
  assert.equal(toJson({ b: [1, null], a: "<'&>" }), '{"a": "\\u003c\\u0027\\u0026\\u003e", "b": [1, null]}');
});

test('map, select and sort accept filters, tests and dotted attributes', async () => {
  const rows = [{ u: { n: 'b' }, v: 2 }, { u: { n: 'a' }, v: 1 }];
  assert.equal(await r('{{ rows|sort(attribute="u.n")|map(attribute="v")|join }}', { rows }), '12');
  assert.equal(await r('{{ rows|selectattr("v", "gt", 1)|map(attribute="u.n")|first }}', { rows }), 'b');
  assert.equal(await r('{{ ["a", "B"]|map("upper")|select("upper")|list }}'), "['A', 'B']");
});

test('host filters receive plain JS values and a Kwargs object', async () => {
  const e = new Environment();
  e.addFilter('show', (v: unknown, ...rest: unknown[]) => JSON.stringify([v, ...rest]));
  assert.equal(await e.compile('{{ 1.0|show(2, k=none) }}', 'x').render(), '[1,2,{"k":null}]');
  e.addFilter('later', async (v: unknown) => `${String(v)}!`);
  assert.equal(await e.compile('{{ ["a", "b"]|map("later")|join(",") }}', 'y').render(), 'a!,b!');
});

test('round uses round-half-even on the exact value; int and float parse strings', async () => {
  assert.equal(await r('{{ 0.125|round(2) }} {{ 0.375|round(2) }} {{ 2.675|round(2) }} {{ "7.9"|int }} {{ "x"|float(1.5) }}'), '0.12 0.38 2.67 7 1.5');
});

test('undefined values pass through default and fail where Jinja2 fails', async () => {
  assert.equal(await r('{{ nope|default("d") }}{{ nope|length }}{{ nope|list }}'), 'd0[]');
  await assert.rejects(r('{{ nope|tojson }}'), /not JSON serializable/);
});
