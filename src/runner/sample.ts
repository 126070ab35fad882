/**
 * dbt's sample mode (`--sample`): while models and snapshots are built, every ref and source
 * whose node has an `event_time` reads only the rows in a time window, so a development build
 * runs on a slice of the data. The window is relative (`3 days`: the last three days up to
 * now; also hours, months, years) or absolute (`{start: 2024-07-01, end: 2024-07-03}`, the end
 * excluded). A microbatch model reads the part of its batch inside the window.
 */
import { parse as parseYaml } from 'yaml';
import { StrataError } from '../errors.js';
import { parseTime } from '../materializations/node-config.js';

/** A time window: `start` included, `end` excluded. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

const GRAINS = ['hour', 'day', 'month', 'year'] as const;
type Grain = (typeof GRAINS)[number];

/**
 * `t` moved by `n` grains on the calendar, without truncating it; a day of the month that the
 * target month lacks becomes its last day (Jan 31 + 1 month = Feb 29 in a leap year).
 */
export function shiftTime(t: Date, grain: Grain, n: number): Date {
  if (grain === 'hour') return new Date(t.getTime() + n * 3_600_000);
  if (grain === 'day') return new Date(t.getTime() + n * 86_400_000);
  const months = grain === 'month' ? n : 12 * n;
  const total = t.getUTCFullYear() * 12 + t.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const d = new Date(t.getTime());
  d.setUTCFullYear(year, month, Math.min(t.getUTCDate(), lastDay));
  return d;
}

const usage = (message: string) =>
  new StrataError('usage', `--sample: ${message}`, { hint: `give a window as '<number> <hours|days|months|years>' (e.g. '3 days'), or as '{start: 2024-07-01, end: 2024-07-03}'` });

/** Read a `--sample` window; relative windows end at `now`. */
export function parseSampleWindow(text: string, now: Date): TimeWindow {
  const s = text.trim();
  if (s.startsWith('{')) {
    let v: unknown;
    try {
      v = parseYaml(s);
    } catch (e) {
      throw usage(`'${s}' is not a YAML mapping: ${(e as Error).message.split('\n')[0]}`);
    }
    const { start, end } = (v ?? {}) as { start?: unknown; end?: unknown };
    const from = parseTime(start instanceof Date ? start : start === undefined ? undefined : String(start));
    const to = parseTime(end instanceof Date ? end : end === undefined ? undefined : String(end));
    if (!from || !to) throw usage(`'${s}' needs a start and an end, each a date or a timestamp`);
    if (from.getTime() >= to.getTime()) throw usage(`the start (${String(start)}) must come before the end (${String(end)})`);
    return { start: from, end: to };
  }
  const m = /^(\d+)\s+([a-z]+)$/i.exec(s);
  if (!m) throw usage(`'${s}' is not a window`);
  const grain = m[2]!.toLowerCase().replace(/s$/, '') as Grain;
  if (!GRAINS.includes(grain)) throw usage(`'${m[2]}' is not a grain (hour, day, month or year, or their plurals)`);
  return { start: shiftTime(now, grain, -Number(m[1])), end: now };
}

/** The part of `a` inside `b` (either may be absent). */
export function intersectWindows(a: TimeWindow | undefined, b: TimeWindow | undefined): TimeWindow | undefined {
  if (!a || !b) return a ?? b;
  return { start: a.start > b.start ? a.start : b.start, end: a.end < b.end ? a.end : b.end };
}
