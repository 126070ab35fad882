/** The benchmark's model renders exactly like its hand-written baseline (so the benchmark measures real work). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment } from '../../src/jinja/index.js';
import { MACROS, MODEL, handWritten, hostContext } from '../../bench/jinja-model.js';

test('the benchmark model renders like the hand-written floor, incremental or not', async () => {
  const env = new Environment();
  for (const incremental of [false, true]) {
    const ctx = hostContext();
    ctx.is_incremental = () => incremental;
    ctx.cents_to_dollars = env.compile(MACROS, 'macros/money.sql').macro('cents_to_dollars', ctx);
    const got = await env.compile(MODEL, 'models/orders.sql').render(ctx);
    assert.equal(got, handWritten(ctx as Parameters<typeof handWritten>[0]));
    assert.equal(got.includes('where order_date'), incremental);
  }
});
