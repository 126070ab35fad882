/** `--sample` windows: relative ones end now and move on the calendar as dbt's do; absolute ones are read as UTC. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intersectWindows, parseSampleWindow, shiftTime } from '../../src/runner/sample.js';
import { isStrataError } from '../../src/errors.js';

const t = (s: string) => new Date(s);
const iso = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];

test('relative windows end now and go back whole grains on the calendar', () => {
  const now = t('2024-09-17T16:06:00Z');
  assert.deepEqual(iso(parseSampleWindow('3 days', now)), ['2024-09-14T16:06:00.000Z', '2024-09-17T16:06:00.000Z']);
  assert.deepEqual(iso(parseSampleWindow('1 hour', now)), ['2024-09-17T15:06:00.000Z', '2024-09-17T16:06:00.000Z']);
  assert.deepEqual(iso(parseSampleWindow(' 2 Months ', now)), ['2024-07-17T16:06:00.000Z', '2024-09-17T16:06:00.000Z']);
  assert.deepEqual(iso(parseSampleWindow('1 year', now)), ['2023-09-17T16:06:00.000Z', '2024-09-17T16:06:00.000Z']);
  // a day the month lacks becomes its last day (dbt's relativedelta)
  assert.equal(shiftTime(t('2024-03-31T08:00:00Z'), 'month', -1).toISOString(), '2024-02-29T08:00:00.000Z');
  assert.equal(shiftTime(t('2024-01-31T00:00:00Z'), 'month', 1).toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal(shiftTime(t('2024-02-29T00:00:00Z'), 'year', 1).toISOString(), '2025-02-28T00:00:00.000Z');
  assert.equal(shiftTime(t('2024-01-15T00:00:00Z'), 'month', -13).toISOString(), '2022-12-15T00:00:00.000Z');
});

test('absolute windows are a YAML mapping of a start and an end', () => {
  const now = new Date();
  assert.deepEqual(iso(parseSampleWindow("{'start': '2024-03-02 00:00:00', 'end': '2024-03-03'}", now)), ['2024-03-02T00:00:00.000Z', '2024-03-03T00:00:00.000Z']);
  assert.deepEqual(iso(parseSampleWindow('{start: 2024-03-02T06:00:00, end: 2024-03-03T06:00:00+02:00}', now)), ['2024-03-02T06:00:00.000Z', '2024-03-03T04:00:00.000Z']);
});

test('a window that cannot be read is a usage error saying how to write one', () => {
  for (const [text, said] of [
    ['3', /'3' is not a window/],
    ['three days', /is not a window/],
    ['3 weeks', /'weeks' is not a grain/],
    ['{start: 2024-03-02}', /needs a start and an end/],
    ['{start: 2024-03-03, end: 2024-03-02}', /must come before the end/],
    ['{start: [', /is not a YAML mapping/],
  ] as const) {
    assert.throws(() => parseSampleWindow(text, new Date()), (e: unknown) => isStrataError(e) && said.test(e.message) && /3 days/.test(String(e.hint)), text);
  }
});

test('a microbatch batch is read within the sample', () => {
  const batch = { start: t('2024-03-01T00:00:00Z'), end: t('2024-03-02T00:00:00Z') };
  const sample = { start: t('2024-03-01T12:00:00Z'), end: t('2024-03-05T00:00:00Z') };
  assert.deepEqual(iso(intersectWindows(batch, sample)!), ['2024-03-01T12:00:00.000Z', '2024-03-02T00:00:00.000Z']);
  assert.equal(intersectWindows(batch, undefined), batch);
  assert.equal(intersectWindows(undefined, undefined), undefined);
});
