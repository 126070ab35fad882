/**
 * Microbatch windows, in UTC: truncating a time to its batch, stepping by batches, and
 * the list of `[start, end)` windows a run builds.
 *
 * As dbt does: the end is `--event-time-end` or the run's time rounded up to the next
 * batch boundary; the start is `--event-time-start`, or `begin` on a first run or full
 * refresh, or the current batch minus `lookback` batches on an incremental run. Windows
 * start at the start truncated to its batch.
 */
import type { BatchWindow } from './context.js';
import type { BatchSize } from './node-config.js';

/** The start of the batch holding `t`. */
export function truncateTime(t: Date, size: BatchSize): Date {
  const y = t.getUTCFullYear();
  switch (size) {
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
    case 'month':
      return new Date(Date.UTC(y, t.getUTCMonth(), 1));
    case 'day':
      return new Date(Date.UTC(y, t.getUTCMonth(), t.getUTCDate()));
    case 'hour':
      return new Date(Date.UTC(y, t.getUTCMonth(), t.getUTCDate(), t.getUTCHours()));
  }
}

/** `t` moved by `n` batches (negative goes back). */
export function offsetTime(t: Date, size: BatchSize, n: number): Date {
  const d = new Date(t.getTime());
  switch (size) {
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + n);
      break;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + n);
      break;
    case 'day':
      d.setUTCDate(d.getUTCDate() + n);
      break;
    case 'hour':
      d.setUTCHours(d.getUTCHours() + n);
      break;
  }
  return d;
}

/** `t` rounded up to a batch boundary (unchanged when already on one). */
export function ceilTime(t: Date, size: BatchSize): Date {
  const f = truncateTime(t, size);
  return f.getTime() === t.getTime() ? f : offsetTime(f, size, 1);
}

/** Inputs of {@link planBatches}. */
export interface BatchPlanInput {
  size: BatchSize;
  lookback: number;
  begin: Date | undefined;
  now: Date;
  incremental: boolean;
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
}

/** The windows to build, oldest first. Throws a plain Error when there is no start (the caller words it). */
export function planBatches(p: BatchPlanInput): BatchWindow[] {
  const end = p.eventTimeEnd ?? ceilTime(p.now, p.size);
  let start: Date;
  if (p.eventTimeStart) start = p.eventTimeStart;
  else if (!p.incremental) {
    if (!p.begin) throw new Error('no begin');
    start = p.begin;
  } else start = offsetTime(truncateTime(p.now, p.size), p.size, -p.lookback);
  const windows: BatchWindow[] = [];
  let s = truncateTime(start, p.size);
  if (s.getTime() >= end.getTime()) return [{ start, end }];
  while (s.getTime() < end.getTime()) {
    const e = offsetTime(s, p.size, 1);
    windows.push({ start: s, end: e.getTime() < end.getTime() ? e : end });
    s = e;
  }
  return windows;
}
