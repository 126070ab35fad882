import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ceilTime, offsetTime, planBatches, truncateTime } from '../../src/materializations/index.js';

const d = (s: string) => new Date(s);
const iso = (ws: { start: Date; end: Date }[]) => ws.map((w) => `${w.start.toISOString()}..${w.end.toISOString()}`);

describe('microbatch windows', () => {
  it('truncates, offsets and rounds up in UTC', () => {
    const t = d('2024-03-15T13:45:10Z');
    assert.equal(truncateTime(t, 'hour').toISOString(), '2024-03-15T13:00:00.000Z');
    assert.equal(truncateTime(t, 'day').toISOString(), '2024-03-15T00:00:00.000Z');
    assert.equal(truncateTime(t, 'month').toISOString(), '2024-03-01T00:00:00.000Z');
    assert.equal(truncateTime(t, 'year').toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(offsetTime(d('2024-01-31T00:00:00Z'), 'day', 1).toISOString(), '2024-02-01T00:00:00.000Z');
    assert.equal(offsetTime(d('2024-03-01T00:00:00Z'), 'month', -1).toISOString(), '2024-02-01T00:00:00.000Z');
    assert.equal(ceilTime(t, 'day').toISOString(), '2024-03-16T00:00:00.000Z');
    assert.equal(ceilTime(d('2024-03-16T00:00:00Z'), 'day').toISOString(), '2024-03-16T00:00:00.000Z');
  });

  it('a first run covers begin up to the end of the current batch', () => {
    const ws = planBatches({ size: 'day', lookback: 1, begin: d('2024-03-12T00:00:00Z'), now: d('2024-03-14T10:00:00Z'), incremental: false });
    assert.deepEqual(iso(ws), [
      '2024-03-12T00:00:00.000Z..2024-03-13T00:00:00.000Z',
      '2024-03-13T00:00:00.000Z..2024-03-14T00:00:00.000Z',
      '2024-03-14T00:00:00.000Z..2024-03-15T00:00:00.000Z',
    ]);
  });

  it('an incremental run covers the current batch and `lookback` before it', () => {
    const now = d('2024-03-14T10:00:00Z');
    assert.equal(planBatches({ size: 'day', lookback: 1, begin: undefined, now, incremental: true }).length, 2);
    const three = planBatches({ size: 'hour', lookback: 3, begin: undefined, now, incremental: true });
    assert.deepEqual(iso(three)[0], '2024-03-14T07:00:00.000Z..2024-03-14T08:00:00.000Z');
    assert.equal(three.length, 3); // now is on an hour boundary, so the current hour is empty and not built
    assert.equal(planBatches({ size: 'month', lookback: 0, begin: undefined, now, incremental: true }).length, 1);
  });

  it('--event-time-start/--event-time-end override the range', () => {
    const ws = planBatches({
      size: 'day', lookback: 1, begin: d('2020-01-01Z'), now: d('2024-03-14T10:00:00Z'), incremental: true,
      eventTimeStart: d('2024-01-01T00:00:00Z'), eventTimeEnd: d('2024-01-03T12:00:00Z'),
    });
    assert.deepEqual(iso(ws), [
      '2024-01-01T00:00:00.000Z..2024-01-02T00:00:00.000Z',
      '2024-01-02T00:00:00.000Z..2024-01-03T00:00:00.000Z',
      '2024-01-03T00:00:00.000Z..2024-01-03T12:00:00.000Z',
    ]);
  });

  it('a first run without begin is refused', () => {
    assert.throws(() => planBatches({ size: 'day', lookback: 1, begin: undefined, now: new Date(), incremental: false }));
  });
});
