/**
 * dbt's `modules.datetime`, `modules.re` and `run_started_at` against Python: every template
 * in modules-golden.jsonl (made by scripts/modules-golden.py with Python's Jinja2 and
 * Python's own datetime and re) renders to the same text, or fails where Python fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Environment } from '../../src/jinja/index.js';
import { datetimeModule, PyDatetime, reModule } from '../../src/context/modules.js';
import { goldenMismatches, readGolden } from '../helpers/golden.js';

const cases = readGolden(join(import.meta.dirname, 'modules-golden.jsonl'));

test('modules.datetime, modules.re and run_started_at render as in Python', async () => {
  const env = new Environment();
  const ctx = {
    modules: { datetime: datetimeModule, re: reModule },
    run_started_at: new PyDatetime(new Date(Date.UTC(2026, 11, 7, 6, 43, 26, 123)), true, 456),
  };
  assert.ok(cases.length > 70);
  const wrong = await goldenMismatches(cases, (c) => env.compile(c.template, 'golden').render(ctx), 'Python');
  assert.deepEqual(wrong, []);
});
