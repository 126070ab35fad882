/**
 * The sequence protocol for host objects (PY_GETITEM, PY_LEN, Symbol.iterator), checked against
 * Python's Jinja2 rendering the same templates with a Python class of the same behaviour
 * (`__getitem__` by int, slice and key, `__iter__`, `__len__`, a `keys()` and a `label()` method):
 * items by position and key, attribute lookup falling back to the item, missing items Undefined,
 * slicing, iteration, `in`, unpacking, `| length` and truthiness. And a PyFloat subclass with its
 * own repr (a Decimal) keeps it in lists, and reaches host functions as itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment, MacroReturn, PY_GETITEM, PY_LEN, PY_REPR, PyFloat, makeTuple } from '../../src/jinja/index.js';

class Seq {
  readonly #values: unknown[];
  readonly #keys: string[];
  constructor(values: unknown[], keys: string[]) {
    this.#values = values;
    this.#keys = keys;
  }
  [PY_GETITEM](key: unknown): unknown {
    if (typeof key === 'number') return this.#values[key < 0 ? key + this.#values.length : key];
    const i = typeof key === 'string' ? this.#keys.indexOf(key) : -1;
    return i < 0 ? undefined : this.#values[i];
  }
  [PY_LEN](): number {
    return this.#values.length;
  }
  [Symbol.iterator](): Iterator<unknown> {
    return this.#values[Symbol.iterator]();
  }
  keys(): unknown[] {
    return makeTuple([...this.#keys]);
  }
  label(): string {
    return 'method';
  }
}

const env = new Environment();
const render = (source: string, ctx: object) => env.compile(source, 't').render(ctx);

test('a host sequence renders as the same Python class does under Jinja2', async () => {
  const ctx = { row: new Seq(['a', 1, null, 'L'], ['k', 'v', 'n', 'label']), empty: new Seq([], []) };
  // expected: python3 with jinja2, a class with __getitem__/__iter__/__len__ (see the header)
  const cases: [string, string][] = [
    ["{{ row[0] }}|{{ row[-1] }}|{{ row['k'] }}|{{ row.k }}|{{ row.v + 1 }}|{{ row.n }}", 'a|L|a|a|2|None'],
    ["{{ row.label() }}|{{ row['label'] }}|{{ row.keys() }}", "method|L|('k', 'v', 'n', 'label')"],
    ["[{{ row.nope }}]|[{{ row['nope'] }}]|[{{ row[9] }}]|{{ row.nope is defined }}|{{ row['k'] is defined }}|{{ row.n is none }}", '[]|[]|[]|False|True|True'],
    ["{{ row[1:3] }}|{{ row[::-1] }}|{{ row | list }}|{{ row | length }}|{{ row | first }}|{{ row | join(',') }}", "(1, None)|('L', None, 1, 'a')|['a', 1, None, 'L']|4|a|a,1,None,L"],
    ["{% for x in row %}{{ loop.index }}={{ x }};{% endfor %}|{{ 'a' in row }}|{{ 'k' in row }}", '1=a;2=1;3=None;4=L;|True|False'],
    ["{% set a, b, c, d = row %}{{ a }}{{ b }}{{ d }}|{{ 'T' if row else 'F' }}|{{ 'T' if empty else 'F' }}|{{ empty | length }}", 'a1L|T|F|0'],
    ["{{ [row, row] | map(attribute=0) | list }}|{{ [row] | map(attribute='k') | list }}|{{ [row] | selectattr('v', 'equalto', 1) | list | length }}", "['a', 'a']|['a']|1"],
  ];
  for (const [source, expected] of cases) assert.equal(await render(source, ctx), expected, source);
});

test('a missing item used as a value fails as an Undefined does, naming it', async () => {
  const ctx = { row: new Seq(['a'], ['k']) };
  await assert.rejects(render('{{ row.nope.x }}', ctx), /has no attribute 'nope'/);
  await assert.rejects(render('{{ row[5] + 1 }}', ctx), /has no element 5/);
});

class Dec extends PyFloat {
  constructor(readonly text: string) {
    super(Number(text));
  }
  override toString(): string {
    return this.text;
  }
  [PY_REPR](): string {
    return `Decimal('${this.text}')`;
  }
}

test('a PyFloat subclass prints and reprs as it says, computes as a float, and reaches host functions as itself', async () => {
  let seen: unknown;
  const ctx = {
    d: new Dec('1.50'),
    host: (v: unknown) => ((seen = v), ''),
    return: (v: unknown) => {
      throw new MacroReturn(v);
    },
  };
  assert.equal(await render("{{ d }}|{{ [d] }}|{{ d ~ '' }}|{{ d | string }}|{{ d > 1 }}|{{ d == 1.5 }}|{{ d * 2 }}|{{ d | int }}", ctx), "1.50|[Decimal('1.50')]|1.50|1.50|True|True|3.0|1");
  await render('{{ host(d) }}', ctx);
  assert.ok(seen instanceof Dec, 'the host function gets the Decimal, not a bare number');
  assert.equal(await render('{% macro m() %}{{ return(d) }}{% endmacro %}{{ m() }}', ctx), '1.50');
  await render('{{ host(1.0) }}', ctx);
  assert.equal(seen, 1, 'a plain float still reaches host code as a number');
});
