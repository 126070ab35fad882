/**
 * The parts of Python's `datetime` and `re` that dbt projects reach through
 * `modules.datetime` / `modules.re` and `run_started_at`.
 */
import { bindArgs, splitArgs } from './args.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A span of time, like Python's `timedelta`. */
export class PyTimedelta {
  constructor(readonly ms: number) {}
  get days(): number {
    return Math.floor(this.ms / 86_400_000);
  }
  get seconds(): number {
    return Math.floor((this.ms % 86_400_000) / 1000);
  }
  total_seconds(): number {
    return this.ms / 1000;
  }
  toString(): string {
    const d = this.days;
    const rest = this.ms - d * 86_400_000;
    const h = Math.floor(rest / 3_600_000);
    const m = Math.floor((rest % 3_600_000) / 60_000);
    const s = Math.floor((rest % 60_000) / 1000);
    const time = `${h}:${pad(m)}:${pad(s)}`;
    return d ? `${d} day${Math.abs(d) === 1 ? '' : 's'}, ${time}` : time;
  }
}

/** A point in time, in UTC or naive, like Python's `datetime`. */
export class PyDatetime {
  /** `tz` true prints a `+00:00` offset (an aware UTC datetime). */
  constructor(readonly date: Date, readonly tz = false) {}
  get year(): number { return this.date.getUTCFullYear(); }
  get month(): number { return this.date.getUTCMonth() + 1; }
  get day(): number { return this.date.getUTCDate(); }
  get hour(): number { return this.date.getUTCHours(); }
  get minute(): number { return this.date.getUTCMinutes(); }
  get second(): number { return this.date.getUTCSeconds(); }
  get microsecond(): number { return this.date.getUTCMilliseconds() * 1000; }

  isoformat(...args: unknown[]): string {
    const { sep } = bindArgs('isoformat', args, ['sep'], { sep: 'T' });
    return this.format(String(sep));
  }
  strftime(fmt: unknown): string {
    return strftime(this.date, String(fmt), this.tz);
  }
  timestamp(): number {
    return this.date.getTime() / 1000;
  }
  weekday(): number {
    return (this.date.getUTCDay() + 6) % 7;
  }
  astimezone(): PyDatetime {
    return new PyDatetime(this.date, true);
  }
  replace(...args: unknown[]): PyDatetime {
    const { kwargs } = splitArgs(args);
    const d = new Date(this.date);
    if (kwargs.year !== undefined) d.setUTCFullYear(Number(kwargs.year));
    if (kwargs.month !== undefined) d.setUTCMonth(Number(kwargs.month) - 1);
    if (kwargs.day !== undefined) d.setUTCDate(Number(kwargs.day));
    if (kwargs.hour !== undefined) d.setUTCHours(Number(kwargs.hour));
    if (kwargs.minute !== undefined) d.setUTCMinutes(Number(kwargs.minute));
    if (kwargs.second !== undefined) d.setUTCSeconds(Number(kwargs.second));
    if (kwargs.microsecond !== undefined) d.setUTCMilliseconds(Math.floor(Number(kwargs.microsecond) / 1000));
    const tz = 'tzinfo' in kwargs ? kwargs.tzinfo != null : this.tz;
    return new PyDatetime(d, tz);
  }
  /** Date arithmetic as a method, since templates cannot overload `+`. */
  add(delta: PyTimedelta): PyDatetime {
    return new PyDatetime(new Date(this.date.getTime() + delta.ms), this.tz);
  }
  toString(): string {
    return this.format(' ');
  }
  private format(sep: string): string {
    const d = this.date;
    let s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    if (d.getUTCMilliseconds()) s += `.${pad(d.getUTCMilliseconds() * 1000, 6)}`;
    if (this.tz) s += '+00:00';
    return s;
  }
}

export function strftime(d: Date, fmt: string, tz = false): string {
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return pad(d.getUTCFullYear() % 100);
      case 'm': return pad(d.getUTCMonth() + 1);
      case 'd': return pad(d.getUTCDate());
      case 'H': return pad(d.getUTCHours());
      case 'I': return pad(((d.getUTCHours() + 11) % 12) + 1);
      case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'M': return pad(d.getUTCMinutes());
      case 'S': return pad(d.getUTCSeconds());
      case 'f': return pad(d.getUTCMilliseconds() * 1000, 6);
      case 'j': return pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3);
      case 'A': return DAYS[(d.getUTCDay() + 6) % 7]!;
      case 'a': return DAYS[(d.getUTCDay() + 6) % 7]!.slice(0, 3);
      case 'B': return MONTHS[d.getUTCMonth()]!;
      case 'b': return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case 'w': return String(d.getUTCDay());
      case 'z': return tz ? '+0000' : '';
      case 'Z': return tz ? 'UTC' : '';
      case '%': return '%';
      default: return `%${c}`;
    }
  });
}

function parseDate(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?/.exec(text);
  if (!m) throw new Error(`Invalid isoformat string: '${text}'`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), Math.floor(+((m[7] ?? '0').padEnd(6, '0')) / 1000)));
}

/** `modules.datetime`. */
export const datetimeModule = Object.freeze({
  datetime: Object.freeze({
    now: () => new PyDatetime(new Date()),
    utcnow: () => new PyDatetime(new Date()),
    fromisoformat: (s: unknown) => new PyDatetime(parseDate(String(s)), /[+-]\d{2}:?\d{2}$|Z$/.test(String(s))),
    strptime: (s: unknown) => new PyDatetime(parseDate(String(s))),
    fromtimestamp: (t: unknown) => new PyDatetime(new Date(Number(t) * 1000)),
  }),
  date: Object.freeze({
    today: () => {
      const n = new Date();
      return new PyDatetime(new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate())));
    },
  }),
  timedelta: (...args: unknown[]) => {
    const a = bindArgs('timedelta', args, ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'], {});
    const n = (k: string) => Number(a[k] ?? 0);
    return new PyTimedelta(n('days') * 86_400_000 + n('seconds') * 1000 + n('microseconds') / 1000 + n('milliseconds') + n('minutes') * 60_000 + n('hours') * 3_600_000 + n('weeks') * 604_800_000);
  },
  timezone: Object.freeze({ utc: 'UTC' }),
});

/** A regular-expression match, like Python's `re.Match`. */
class PyMatch {
  constructor(private readonly m: RegExpExecArray) {}
  group(i: unknown = 0): string | null {
    const v = typeof i === 'string' ? this.m.groups?.[i] : this.m[Number(i)];
    return v ?? null;
  }
  groups(): (string | null)[] {
    return this.m.slice(1).map((v) => v ?? null);
  }
  start(): number {
    return this.m.index;
  }
  end(): number {
    return this.m.index + this.m[0].length;
  }
}

/** Translate the common Python regex syntax differences to JavaScript. */
function toRegExp(pattern: unknown, flags: unknown, extra = ''): RegExp {
  let src = String(pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  let f = extra;
  const fl = Number(flags ?? 0);
  if (fl & 2) f += 'i';
  if (fl & 8) f += 'm';
  if (fl & 16) f += 's';
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    f += 'i';
  }
  return new RegExp(src, f + 'u');
}

class PyPattern {
  constructor(readonly pattern: string, readonly flags: number) {}
  match(s: unknown) { return reModule.match(this.pattern, s, this.flags); }
  search(s: unknown) { return reModule.search(this.pattern, s, this.flags); }
  findall(s: unknown) { return reModule.findall(this.pattern, s, this.flags); }
  sub(r: unknown, s: unknown) { return reModule.sub(this.pattern, r, s, 0, this.flags); }
  fullmatch(s: unknown) { return reModule.fullmatch(this.pattern, s, this.flags); }
}

/** `modules.re`. */
export const reModule = Object.freeze({
  IGNORECASE: 2, I: 2, MULTILINE: 8, M: 8, DOTALL: 16, S: 16,
  compile: (p: unknown, flags: unknown = 0) => new PyPattern(String(p), Number(flags)),
  match: (p: unknown, s: unknown, flags: unknown = 0) => {
    const re = toRegExp(p, flags, 'y');
    const m = re.exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  fullmatch: (p: unknown, s: unknown, flags: unknown = 0) => {
    const re = toRegExp(`(?:${String(p)})$`, flags, 'y');
    const m = re.exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  search: (p: unknown, s: unknown, flags: unknown = 0) => {
    const m = toRegExp(p, flags).exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  findall: (p: unknown, s: unknown, flags: unknown = 0) => {
    const out: unknown[] = [];
    for (const m of String(s).matchAll(toRegExp(p, flags, 'g'))) {
      out.push(m.length <= 1 ? m[0] : m.length === 2 ? m[1] ?? '' : m.slice(1).map((x) => x ?? ''));
    }
    return out;
  },
  sub: (p: unknown, repl: unknown, s: unknown, count: unknown = 0, flags: unknown = 0) => {
    let n = 0;
    const max = Number(count) || Infinity;
    const r = String(repl).replace(/\\(\d)/g, '$$$1').replace(/\\g<(\w+)>/g, (_x, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`));
    return String(s).replace(toRegExp(p, flags, 'g'), (...m: unknown[]) => {
      if (n++ >= max) return String(m[0]);
      const groups = m.slice(1, -2) as (string | undefined)[];
      return r.replace(/\$(\d)|\$<(\w+)>/g, (_y, d?: string) => (d !== undefined ? groups[Number(d) - 1] ?? '' : ''));
    });
  },
  split: (p: unknown, s: unknown) => String(s).split(toRegExp(p, 0)),
  escape: (s: unknown) => String(s).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
});
