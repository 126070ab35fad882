/** Unit tests of values, operators and formatting: Python semantics in JS. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentFormat, strFormat } from '../../src/jinja/format.js';
import { add, contains, div, floordiv, mod, mul, pow } from '../../src/jinja/operators.js';
import { PyFloat, Undefined, formatFloat, makeTuple, pyCompare, pyEq, pyRepr, pyStr, truthy } from '../../src/jinja/values.js';

test('floats print like Python repr', () => {
  assert.deepEqual([1, 0.5, 1e16, 1e-5, 0.1 + 0.2, -0, 1.5e300].map(formatFloat), ['1.0', '0.5', '1e+16', '1e-05', '0.30000000000000004', '-0.0', '1.5e+300']);
  assert.equal(pyStr(new PyFloat(3)), '3.0');
});

test('values print as Python prints them', () => {
  assert.equal(pyStr(null), 'None');
  assert.equal(pyStr(false), 'False');
  assert.equal(pyStr(['a', "b'c", 1, null]), `['a', "b'c", 1, None]`);
  assert.equal(pyStr(makeTuple([1])), '(1,)');
  assert.equal(pyStr(new Map<unknown, unknown>([[1, 'x']])), "{1: 'x'}");
  assert.equal(pyRepr('a\nb'), "'a\\nb'");
  assert.equal(pyStr(new Undefined()), '');
});

test('truthiness, equality and ordering', () => {
  assert.deepEqual([0, '', [], {}, null, new Undefined(), new PyFloat(0)].map(truthy), [false, false, false, false, false, false, false]);
  assert.ok(pyEq(1, new PyFloat(1)));
  assert.ok(pyEq([1, { a: [2] }], [1, { a: [2] }]));
  assert.ok(!pyEq(makeTuple([1]), [1]));
  assert.ok(pyCompare([1, 2], [1, 3]) < 0);
  assert.throws(() => pyCompare('a', 1), /'<' not supported between instances of 'str' and 'int'/);
});

test('arithmetic keeps int and float apart', () => {
  assert.ok(div(4, 2) instanceof PyFloat);
  assert.equal(pyStr(div(4, 2)), '2.0');
  assert.equal(floordiv(-7, 2), -4);
  assert.equal(mod(-7, 3), 2);
  assert.equal(pyStr(add(new PyFloat(1), 1)), '2.0');
  assert.equal(pyStr(pow(2, -1)), '0.5');
  assert.equal(mul('ab', 2), 'abab');
  assert.throws(() => div(1, 0), /division by zero/);
  assert.throws(() => add(1, 'a'), /unsupported operand type\(s\) for \+: 'int' and 'str'/);
  assert.ok(contains({ a: 1 }, 'a'));
  assert.ok(contains('hello', 'ell'));
});

test('printf-style and str.format formatting', () => {
  assert.equal(percentFormat('%s=%05.1f %x %%', makeTuple(['a', 3.14159, 255])), 'a=003.1 ff %');
  assert.equal(percentFormat('%(k)s', { k: [1] }), '[1]');
  assert.throws(() => percentFormat('%s %s', makeTuple(['a'])), /not enough arguments/);
  assert.equal(strFormat('{} {:>4} {k:.2f} {0!r}', ['a', 'b'], { k: 2 }), "a    b 2.00 'a'");
  assert.equal(strFormat('{:,}', [1234567], {}), '1,234,567');
});
