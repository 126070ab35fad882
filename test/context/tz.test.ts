/**
 * dbt's `modules.pytz` and the time-zone side of `modules.datetime` against Python: every
 * template in tz-golden.jsonl (made by scripts/tz-golden.py with Python's Jinja2, datetime
 * and pytz, on a machine set to UTC) renders to the same text, or fails where Python fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Environment } from '../../src/jinja/index.js';
import { datetimeModule, PyDatetime, PYTZ_UTC, pytzModule } from '../../src/context/py-datetime.js';
import { goldenMismatches, readGolden } from '../helpers/golden.js';

const cases = readGolden(join(import.meta.dirname, 'tz-golden.jsonl'));

test('modules.pytz and aware datetimes render as in Python', async () => {
  const env = new Environment();
  const ctx = {
    modules: { datetime: datetimeModule, pytz: pytzModule },
    run_started_at: new PyDatetime(new Date(Date.UTC(2026, 11, 7, 6, 43, 26, 123)), PYTZ_UTC, 456),
  };
  assert.ok(cases.length > 150);
  const wrong = await goldenMismatches(cases, (c) => env.compile(c.template, 'golden').render(ctx), 'Python');
  assert.deepEqual(wrong, []);
});
