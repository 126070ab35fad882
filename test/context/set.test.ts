/**
 * dbt's `set()`: a Python set, equal to another with the same items in any order (dbt_utils'
 * equality test compares the column sets of two relations so). Expected values from Python 3.11.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment } from '../../src/jinja/index.js';
import { createBaseContext } from '../../src/context/base.js';

test('set() is a Python set: equal whatever the order, without duplicates, printed as a set', async () => {
  const ctx = createBaseContext({ target: {}, invocationId: 'x', runStartedAt: new Date(0), flags: {} });
  const render = (t: string) => new Environment().compile(t, 'set').render(ctx);
  assert.equal(await render("{{ set(['x', 'y']) == set(['y', 'x']) }}"), 'True');
  assert.equal(await render("{{ set(['x', 'y']) == set(['x']) }}"), 'False');
  assert.equal(await render("{{ set(['x', 'y']) == ['x', 'y'] }}"), 'False');
  assert.equal(await render("{{ set(['a', 'a', 'b']) | length }} {{ 'a' in set(['a']) }} {{ set(['a', 'a']) }} {{ set([]) }}"), "2 True {'a'} set()");
  assert.equal(await render("{{ set(['b', 'a']) | sort | join(',') }}"), 'a,b');
});
