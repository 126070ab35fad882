/**
 * The part of Python's `datetime` module that dbt projects reach through
 * `modules.datetime` and `run_started_at`: `datetime`, `date`, `timedelta` and
 * `timezone.utc`, with their arithmetic (`run_started_at - modules.datetime.timedelta(days=3)`)
 * and comparisons, through the template engine's operator protocol (PY_ADD…).
 *
 * Times are UTC or naive (there is no other time zone): `now()` and `fromtimestamp()` give
 * UTC wall-clock time, as Python does on a machine set to UTC.
 */
import { PY_ADD, PY_COMPARE, PY_MUL, PY_REPR, PY_SUB, PY_TYPE, PyFloat } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { bindArgs } from './args.js';

const DAY_US = 86_400_000_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const fail = (message: string): never => {
  throw new StrataError('jinja-call', message);
};
const int = (v: unknown, what: string): number => {
  const n = v instanceof PyFloat ? v.value : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(`${what} must be an integer, not ${JSON.stringify(v)}`);
  return n as number;
};
const number = (v: unknown): number | undefined => (v instanceof PyFloat ? v.value : typeof v === 'number' ? v : undefined);
const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** The UTC time zone (`timezone.utc`, `pytz.utc`): prints as `UTC`. */
class PyUtc {
  readonly [PY_TYPE] = 'datetime.timezone';
  utcoffset(): PyTimedelta {
    return new PyTimedelta(0);
  }
  tzname(): string {
    return 'UTC';
  }
  [PY_REPR](): string {
    return 'datetime.timezone.utc';
  }
  toString(): string {
    return 'UTC';
  }
}
export const UTC = new PyUtc();

/** A span of time, like Python's `timedelta`, to the microsecond. */
export class PyTimedelta {
  readonly [PY_TYPE] = 'datetime.timedelta';
  /** Total microseconds. */
  constructor(readonly us: number) {}
  get days(): number {
    return Math.floor(this.us / DAY_US);
  }
  get seconds(): number {
    return Math.floor((this.us - this.days * DAY_US) / 1e6);
  }
  get microseconds(): number {
    return this.us - this.days * DAY_US - this.seconds * 1e6;
  }
  total_seconds(): PyFloat {
    return new PyFloat(this.us / 1e6);
  }
  [PY_ADD](other: unknown): PyTimedelta | undefined {
    return other instanceof PyTimedelta ? new PyTimedelta(this.us + other.us) : undefined;
  }
  [PY_SUB](other: unknown, reflected: boolean): PyTimedelta | undefined {
    if (!(other instanceof PyTimedelta)) return undefined;
    return new PyTimedelta(reflected ? other.us - this.us : this.us - other.us);
  }
  [PY_MUL](other: unknown): PyTimedelta | undefined {
    const n = typeof other === 'boolean' ? Number(other) : number(other);
    return n === undefined ? undefined : new PyTimedelta(Math.round(this.us * n));
  }
  [PY_COMPARE](other: unknown): number | undefined {
    return other instanceof PyTimedelta ? cmp(this.us, other.us) : undefined;
  }
  [PY_REPR](): string {
    const parts = [['days', this.days], ['seconds', this.seconds], ['microseconds', this.microseconds]].filter(([, v]) => v !== 0);
    return `datetime.timedelta(${parts.length ? parts.map(([k, v]) => `${k}=${v}`).join(', ') : '0'})`;
  }
  toString(): string {
    const d = this.days;
    const s = this.seconds;
    const time = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return d ? `${d} day${Math.abs(d) === 1 ? '' : 's'}, ${time}` : time;
  }
}

/** A calendar date, like Python's `date`. */
export class PyDate {
  readonly [PY_TYPE] = 'datetime.date';
  /** `ms`: the date's UTC midnight. */
  constructor(private readonly ms: number) {}
  static of(year: unknown, month: unknown, day: unknown): PyDate {
    return new PyDate(checkedUtc(int(year, 'year'), int(month, 'month'), int(day, 'day')));
  }
  get year(): number { return new Date(this.ms).getUTCFullYear(); }
  get month(): number { return new Date(this.ms).getUTCMonth() + 1; }
  get day(): number { return new Date(this.ms).getUTCDate(); }
  isoformat(): string {
    return isoDate(new Date(this.ms));
  }
  strftime(fmt: unknown): string {
    return strftime(new Date(this.ms), 0, String(fmt), false);
  }
  weekday(): number {
    return (new Date(this.ms).getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  replace(...args: unknown[]): PyDate {
    const a = bindArgs('replace', args, ['year', 'month', 'day'], { year: this.year, month: this.month, day: this.day });
    return PyDate.of(a.year, a.month, a.day);
  }
  [PY_ADD](other: unknown): PyDate | undefined {
    return other instanceof PyTimedelta ? new PyDate(this.ms + other.days * 86_400_000) : undefined;
  }
  [PY_SUB](other: unknown, reflected: boolean): PyDate | PyTimedelta | undefined {
    if (reflected) return undefined;
    if (other instanceof PyTimedelta) return new PyDate(this.ms - other.days * 86_400_000);
    if (other instanceof PyDate) return new PyTimedelta((this.ms - other.ms) * 1000);
    return undefined;
  }
  [PY_COMPARE](other: unknown): number | undefined {
    return other instanceof PyDate ? cmp(this.ms, other.ms) : undefined;
  }
  [PY_REPR](): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
  toString(): string {
    return this.isoformat();
  }
}

/** A point in time, naive or UTC, like Python's `datetime`, to the microsecond. */
export class PyDatetime {
  readonly [PY_TYPE] = 'datetime.datetime';
  private readonly ms: number;
  private readonly micro: number;
  /** `aware`: a UTC datetime (prints `+00:00`); `micro`: microseconds below `at`'s millisecond. */
  constructor(at: Date, readonly aware = false, micro = 0) {
    this.ms = at.getTime();
    this.micro = micro;
  }
  static fromMicros(us: number, aware: boolean): PyDatetime {
    const ms = Math.floor(us / 1000);
    return new PyDatetime(new Date(ms), aware, us - ms * 1000);
  }
  private get at(): Date { return new Date(this.ms); }
  private get micros(): number { return this.ms * 1000 + this.micro; }
  get year(): number { return this.at.getUTCFullYear(); }
  get month(): number { return this.at.getUTCMonth() + 1; }
  get day(): number { return this.at.getUTCDate(); }
  get hour(): number { return this.at.getUTCHours(); }
  get minute(): number { return this.at.getUTCMinutes(); }
  get second(): number { return this.at.getUTCSeconds(); }
  get microsecond(): number { return this.at.getUTCMilliseconds() * 1000 + this.micro; }
  get tzinfo(): typeof UTC | null { return this.aware ? UTC : null; }

  date(): PyDate {
    return new PyDate(Date.UTC(this.year, this.month - 1, this.day));
  }
  isoformat(...args: unknown[]): string {
    const { sep } = bindArgs('isoformat', args, ['sep', 'timespec'], { sep: 'T' });
    return this.format(String(sep));
  }
  strftime(fmt: unknown): string {
    return strftime(this.at, this.micro, String(fmt), this.aware);
  }
  timestamp(): PyFloat {
    return new PyFloat(this.micros / 1e6);
  }
  weekday(): number {
    return (this.at.getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  utcoffset(): PyTimedelta | null {
    return this.aware ? new PyTimedelta(0) : null;
  }
  /** Only UTC exists here: the same instant, aware. */
  astimezone(): PyDatetime {
    return PyDatetime.fromMicros(this.micros, true);
  }
  replace(...args: unknown[]): PyDatetime {
    const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const a = bindArgs('replace', args, names, {
      year: this.year, month: this.month, day: this.day, hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond, tzinfo: this.tzinfo,
    });
    return datetimeOf([a.year, a.month, a.day, a.hour, a.minute, a.second, a.microsecond, a.tzinfo]);
  }
  [PY_ADD](other: unknown): PyDatetime | undefined {
    return other instanceof PyTimedelta ? PyDatetime.fromMicros(this.micros + other.us, this.aware) : undefined;
  }
  [PY_SUB](other: unknown, reflected: boolean): PyDatetime | PyTimedelta | undefined {
    if (reflected) return undefined;
    if (other instanceof PyTimedelta) return PyDatetime.fromMicros(this.micros - other.us, this.aware);
    if (other instanceof PyDatetime) {
      if (other.aware !== this.aware) fail("can't subtract offset-naive and offset-aware datetimes");
      return new PyTimedelta(this.micros - other.micros);
    }
    return undefined;
  }
  [PY_COMPARE](other: unknown): number | undefined {
    if (!(other instanceof PyDatetime) || other.aware !== this.aware) return undefined;
    return cmp(this.micros, other.micros);
  }
  [PY_REPR](): string {
    const parts = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.second || this.microsecond) parts.push(this.second);
    if (this.microsecond) parts.push(this.microsecond);
    return `datetime.datetime(${parts.join(', ')}${this.aware ? ', tzinfo=datetime.timezone.utc' : ''})`;
  }
  toString(): string {
    return this.format(' ');
  }
  private format(sep: string): string {
    const time = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? `.${pad(this.microsecond, 6)}` : ''}`;
    return `${isoDate(this.at)}${sep}${time}${this.aware ? '+00:00' : ''}`;
  }
}

function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** UTC milliseconds of a calendar date, checked as Python checks it. */
function checkedUtc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year < 1 || year > 9999) fail(`year ${year} is out of range`);
  if (month < 1 || month > 12) fail('month must be in 1..12');
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const days = month === 2 ? ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28) : last;
  if (day < 1 || day > days) fail('day is out of range for month');
  if (hour < 0 || hour > 23) fail('hour must be in 0..23');
  if (minute < 0 || minute > 59) fail('minute must be in 0..59');
  if (second < 0 || second > 59) fail('second must be in 0..59');
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** `datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)`. */
function datetimeOf(args: unknown[]): PyDatetime {
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
  const a = bindArgs('datetime', args, names, { hour: 0, minute: 0, second: 0, microsecond: 0, tzinfo: null });
  for (const k of ['year', 'month', 'day']) if (a[k] === undefined) fail(`datetime() missing required argument '${k}'`);
  const us = int(a.microsecond, 'microsecond');
  if (us < 0 || us > 999_999) fail('microsecond must be in 0..999999');
  const ms = checkedUtc(int(a.year, 'year'), int(a.month, 'month'), int(a.day, 'day'), int(a.hour, 'hour'), int(a.minute, 'minute'), int(a.second, 'second'));
  return PyDatetime.fromMicros(ms * 1000 + us, a.tzinfo !== null && a.tzinfo !== undefined);
}

export function strftime(d: Date, micro: number, fmt: string, aware: boolean): string {
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
      case 'f': return pad(d.getUTCMilliseconds() * 1000 + micro, 6);
      case 'j': return pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3);
      case 'A': return DAYS[(d.getUTCDay() + 6) % 7]!;
      case 'a': return DAYS[(d.getUTCDay() + 6) % 7]!.slice(0, 3);
      case 'B': return MONTHS[d.getUTCMonth()]!;
      case 'b': return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case 'w': return String(d.getUTCDay());
      case 'z': return aware ? '+0000' : '';
      case 'Z': return aware ? 'UTC' : '';
      case '%': return '%';
      default: return `%${c}`;
    }
  });
}

/** What each `strptime` directive matches, and which field it sets. */
const DIRECTIVES: Record<string, [string, string]> = {
  Y: ['(\\d{4})', 'year'],
  y: ['(\\d{2})', 'year2'],
  m: ['(\\d{1,2})', 'month'],
  d: ['(\\d{1,2})', 'day'],
  H: ['(\\d{1,2})', 'hour'],
  I: ['(\\d{1,2})', 'hour12'],
  p: ['(AM|PM|am|pm)', 'ampm'],
  M: ['(\\d{1,2})', 'minute'],
  S: ['(\\d{1,2})', 'second'],
  f: ['(\\d{1,6})', 'fraction'],
  j: ['(\\d{1,3})', 'yday'],
  b: ['([A-Za-z]{3})', 'monthName'],
  B: ['([A-Za-z]+)', 'monthName'],
  z: ['(Z|[+-]\\d{2}:?\\d{2})', 'offset'],
};

/** Python's `datetime.strptime(text, format)` for the common directives. */
function strptime(text: string, fmt: string): PyDatetime {
  const fields: string[] = [];
  let src = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch === '%' && i + 1 < fmt.length) {
      const c = fmt[++i]!;
      if (c === '%') src += '%';
      else {
        const dir = DIRECTIVES[c];
        if (!dir) fail(`'${c}' is a bad directive in format '%${c}'`);
        src += dir![0];
        fields.push(dir![1]);
      }
    } else if (/\s/.test(ch)) src += '\\s+';
    else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  const m = new RegExp(`^${src}$`).exec(text);
  if (!m) fail(`time data '${text}' does not match format '${fmt}'`);
  const v: Record<string, string> = {};
  fields.forEach((f, i) => (v[f] = m![i + 1]!));
  let year = v.year !== undefined ? Number(v.year) : v.year2 !== undefined ? (Number(v.year2) < 69 ? 2000 : 1900) + Number(v.year2) : 1900;
  let month = v.month !== undefined ? Number(v.month) : 1;
  if (v.monthName !== undefined) {
    month = MONTHS.findIndex((n) => n.toLowerCase() === v.monthName!.toLowerCase() || n.slice(0, 3).toLowerCase() === v.monthName!.toLowerCase()) + 1;
    if (month === 0) fail(`time data '${text}' does not match format '${fmt}'`);
  }
  let day = v.day !== undefined ? Number(v.day) : 1;
  let hour = v.hour !== undefined ? Number(v.hour) : 0;
  if (v.hour12 !== undefined) hour = (Number(v.hour12) % 12) + (v.ampm?.toUpperCase() === 'PM' ? 12 : 0);
  if (v.yday !== undefined) {
    const d = new Date(Date.UTC(year, 0, Number(v.yday)));
    [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  }
  const micro = v.fraction !== undefined ? Number(v.fraction.padEnd(6, '0')) : 0;
  const ms = checkedUtc(year, month, day, hour, v.minute !== undefined ? Number(v.minute) : 0, v.second !== undefined ? Number(v.second) : 0);
  const offset = v.offset === undefined || v.offset === 'Z' ? 0 : (v.offset.startsWith('-') ? -1 : 1) * (Number(v.offset.slice(1, 3)) * 60 + Number(v.offset.slice(-2)));
  return PyDatetime.fromMicros((ms - offset * 60_000) * 1000 + micro, v.offset !== undefined);
}

/** Python's `fromisoformat`: a date, or a date and time with an optional offset. */
function fromisoformat(text: string): PyDatetime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) fail(`Invalid isoformat string: '${text}'`);
  const [, y, mo, d, h, mi, s, f, off] = m!;
  const ms = checkedUtc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  const offset = off === undefined || off === 'Z' ? 0 : (off.startsWith('-') ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(-2)));
  return PyDatetime.fromMicros((ms - offset * 60_000) * 1000 + Number((f ?? '0').padEnd(6, '0')), off !== undefined);
}

const nowMicros = () => Date.now() * 1000;
const awareArg = (fn: string, args: unknown[]) => {
  const { tz } = bindArgs(fn, args, ['tz'], { tz: null });
  return tz !== null && tz !== undefined;
};

/** `modules.datetime.datetime`: the constructor, with its class methods. */
const datetimeClass = Object.assign((...args: unknown[]) => datetimeOf(args), {
  now: (...args: unknown[]) => PyDatetime.fromMicros(nowMicros(), awareArg('now', args)),
  utcnow: () => PyDatetime.fromMicros(nowMicros(), false),
  today: () => PyDatetime.fromMicros(nowMicros(), false),
  fromisoformat: (s: unknown) => fromisoformat(String(s)),
  strptime: (s: unknown, fmt: unknown) => strptime(String(s), String(fmt)),
  fromtimestamp: (t: unknown, ...rest: unknown[]) => PyDatetime.fromMicros(Math.round(Number(number(t) ?? t) * 1e6), awareArg('fromtimestamp', rest)),
  utcfromtimestamp: (t: unknown) => PyDatetime.fromMicros(Math.round(Number(number(t) ?? t) * 1e6), false),
  combine: (d: unknown) => {
    if (!(d instanceof PyDate)) fail('combine() needs a date');
    return datetimeOf([(d as PyDate).year, (d as PyDate).month, (d as PyDate).day]);
  },
});

/** `modules.datetime.date`. */
const dateClass = Object.assign((...args: unknown[]) => {
  const a = bindArgs('date', args, ['year', 'month', 'day']);
  return PyDate.of(a.year, a.month, a.day);
}, {
  today: () => PyDatetime.fromMicros(nowMicros(), false).date(),
  fromisoformat: (s: unknown) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(s))) fail(`Invalid isoformat string: '${String(s)}'`);
    return fromisoformat(String(s)).date();
  },
});

/** `modules.datetime.timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)`. */
function timedelta(...args: unknown[]): PyTimedelta {
  const a = bindArgs('timedelta', args, ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'], {});
  const n = (k: string) => number(a[k] ?? 0) ?? fail(`timedelta() ${k} must be a number`);
  const us = n('days') * DAY_US + n('seconds') * 1e6 + n('microseconds') + n('milliseconds') * 1e3 + n('minutes') * 6e7 + n('hours') * 3.6e9 + n('weeks') * 7 * DAY_US;
  return new PyTimedelta(Math.round(us));
}

/** `modules.datetime`. */
export const datetimeModule = Object.freeze({
  datetime: datetimeClass,
  date: dateClass,
  timedelta,
  timezone: Object.freeze({ utc: UTC }),
  MINYEAR: 1,
  MAXYEAR: 9999,
});
