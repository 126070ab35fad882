/**
 * The part of Python's `datetime` module and of `pytz` that dbt projects reach through
 * `modules.datetime`, `modules.pytz` and `run_started_at`: `datetime`, `date`, `time`,
 * `timedelta` and `timezone`, with their arithmetic (`run_started_at -
 * modules.datetime.timedelta(days=3)`) and comparisons through the template engine's
 * operator protocol (PY_ADD…); pytz's `timezone()`, `utc`, `FixedOffset` and
 * `all_timezones`.
 *
 * A datetime holds its wall-clock time and its tzinfo, as in Python. Every tzinfo here has
 * one fixed offset: `datetime.timezone`, pytz's `utc`, `FixedOffset` and single-offset
 * zones, and each offset a pytz zone takes (pytz too makes one tzinfo object per offset).
 * So, as with pytz, `datetime(..., tzinfo=pytz.timezone(z))` carries the zone's first
 * offset (its local mean time, -07:53 for Los Angeles), `localize()` and `astimezone()`
 * find the offset in force, arithmetic keeps the offset until `normalize()`, and aware
 * datetimes compare and subtract through UTC. Zone data comes from tz-data.ts.
 *
 * The machine's own zone is taken to be UTC: `now()` and `fromtimestamp()` without a zone
 * give UTC wall-clock time, and `timestamp()` and `astimezone()` read a naive datetime as
 * UTC, as Python does on a server set to UTC.
 */
import { PY_ADD, PY_COMPARE, PY_GETITEM, PY_LEN, PY_MUL, PY_REPR, PY_SUB, PY_TYPE, PyFloat, pyRepr } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { bindArgs } from './args.js';
import { allTimezones, firstState, stateAt, staticState, zoneName, type ZoneState } from './tz-data.js';

const DAY_MS = 86_400_000;
const DAY_US = 86_400_000_000;
const HOUR_US = 3_600_000_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const fail = (message: string, hint?: string): never => {
  throw new StrataError('jinja-call', message, hint === undefined ? {} : { hint });
};
const int = (v: unknown, what: string): number => {
  const n = v instanceof PyFloat ? v.value : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(`${what} must be an integer, not ${JSON.stringify(v)}`);
  return n as number;
};
const number = (v: unknown): number | undefined => (v instanceof PyFloat ? v.value : typeof v === 'number' ? v : undefined);
const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** An offset as isoformat() writes it (`-07:53`, `+05:30:15`), or as `%z` does with `sep` ''. */
function offsetText(us: number, sep = ':'): string {
  let a = Math.abs(us);
  const micro = a % 1e6;
  a = (a - micro) / 1e6;
  let text = `${us < 0 ? '-' : '+'}${pad(Math.floor(a / 3600))}${sep}${pad(Math.floor(a / 60) % 60)}`;
  if (a % 60 || micro) text += `${sep}${pad(a % 60)}`;
  return micro ? `${text}.${pad(micro, 6)}` : text;
}

/** A tzinfo: one fixed offset (see the module comment), with Python's tzinfo methods. */
export abstract class PyTzinfo {
  /** utcoffset() of a datetime carrying this tzinfo, in microseconds. */
  abstract readonly offsetUs: number;
  /** Its dst() in microseconds; null for `datetime.timezone`, which has none. */
  abstract readonly dstUs: number | null;
  /** Its tzname(). */
  abstract readonly name: string | null;
  /** Python's `fromutc`: this zone's datetime at a UTC wall-clock time, in microseconds. */
  atUtc(us: number): PyDatetime {
    return PyDatetime.fromMicros(us + this.offsetUs, this);
  }
  utcoffset(_dt?: unknown): PyTimedelta | null {
    return new PyTimedelta(this.offsetUs);
  }
  dst(_dt?: unknown): PyTimedelta | null {
    return this.dstUs === null ? null : new PyTimedelta(this.dstUs);
  }
  tzname(_dt?: unknown): string | null {
    return this.name;
  }
  fromutc(dt: unknown): PyDatetime {
    if (!(dt instanceof PyDatetime)) fail('fromutc() argument must be a datetime');
    return this.atUtc((dt as PyDatetime).wallUs);
  }
}

const tzinfoArg = (v: unknown, what = 'tzinfo argument'): PyTzinfo | null => {
  if (v === null || v === undefined || v instanceof PyTzinfo) return v ?? null;
  return fail(`${what} must be None or a tzinfo, not ${pyRepr(v)}`, "a zone's name is not a tzinfo: modules.pytz.timezone('Europe/Paris') is");
};

/** `datetime.timezone(offset, name=None)`: a fixed offset; `timezone.utc` is UTC. */
export class PyTimezone extends PyTzinfo {
  readonly [PY_TYPE] = 'datetime.timezone';
  readonly dstUs = null;
  constructor(readonly offsetUs: number, private readonly label: string | null = null) {
    super();
  }
  get name(): string {
    return this.label ?? (this.offsetUs ? `UTC${offsetText(this.offsetUs)}` : 'UTC');
  }
  /** Equal when the offsets are (as Python's timezone ==); never ordered. */
  [PY_COMPARE](other: unknown): number | undefined {
    return other instanceof PyTimezone && other.offsetUs === this.offsetUs ? 0 : undefined;
  }
  [PY_REPR](): string {
    if (this === UTC) return 'datetime.timezone.utc';
    return `datetime.timezone(${new PyTimedelta(this.offsetUs)[PY_REPR]()}${this.label === null ? '' : `, ${pyRepr(this.label)}`})`;
  }
  override toString(): string {
    return this.name;
  }
}

/** `datetime.timezone.utc`: prints as `UTC`. */
export const UTC = new PyTimezone(0);
/** The machine's zone as `astimezone()` gives it: `timezone(timedelta(0), 'UTC')`. */
const LOCAL = new PyTimezone(0, 'UTC');

/** `timezone(offset, name=None)`, the constructor of `modules.datetime.timezone`. */
function timezone(...args: unknown[]): PyTimezone {
  const a = bindArgs('timezone', args, ['offset', 'name'], { name: null });
  if (!(a.offset instanceof PyTimedelta) || Math.abs(a.offset.us) >= DAY_US) {
    fail('timezone() offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)');
  }
  if (a.name !== null && typeof a.name !== 'string') fail('timezone() name must be a string');
  const us = (a.offset as PyTimedelta).us;
  return us === 0 && a.name === null ? UTC : new PyTimezone(us, a.name as string | null);
}

/** What pytz's tzinfos add to Python's: `zone`, `localize()` and `normalize()`. */
abstract class PytzTzinfo extends PyTzinfo {
  abstract readonly zone: string | null;
  localize(...args: unknown[]): PyDatetime {
    const a = bindArgs('localize', args, ['dt', 'is_dst'], { is_dst: false });
    return naiveArg(a.dt).withTzinfo(this);
  }
  normalize(dt: unknown): PyDatetime {
    const d = awareArg(dt);
    return d.tzinfo === this ? d : d.astimezone(this);
  }
}

const naiveArg = (dt: unknown): PyDatetime => {
  if (!(dt instanceof PyDatetime)) return fail(`localize() needs a datetime, not ${pyRepr(dt)}`);
  if (dt.tzinfo) fail('Not naive datetime (tzinfo is already set)', 'localize() takes a naive datetime; use astimezone() to convert an aware one');
  return dt;
};
const awareArg = (dt: unknown): PyDatetime => {
  if (!(dt instanceof PyDatetime)) return fail(`normalize() needs a datetime, not ${pyRepr(dt)}`);
  if (!dt.tzinfo) fail('Naive time - no tzinfo set', 'normalize() takes an aware datetime; use localize() for a naive one');
  return dt;
};

/** `pytz.utc`: prints as `UTC`, repr `<UTC>`. */
class PytzUtc extends PytzTzinfo {
  readonly [PY_TYPE] = 'UTC';
  readonly offsetUs = 0;
  readonly dstUs = 0;
  readonly name = 'UTC';
  readonly zone = 'UTC';
  [PY_REPR](): string {
    return '<UTC>';
  }
  override toString(): string {
    return 'UTC';
  }
}
export const PYTZ_UTC = new PytzUtc();

/** A pytz zone with a single offset (Etc/GMT+5, GMT, UCT…): pytz's StaticTzInfo. */
class PytzStatic extends PytzTzinfo {
  readonly [PY_TYPE] = 'StaticTzInfo';
  readonly offsetUs: number;
  readonly dstUs = 0;
  readonly name: string;
  constructor(readonly zone: string, state: ZoneState) {
    super();
    this.offsetUs = state.offset * 1e6;
    this.name = state.name;
  }
  [PY_REPR](): string {
    return `<StaticTzInfo '${this.zone}'>`;
  }
  override toString(): string {
    return this.zone;
  }
}

/** `pytz.FixedOffset(minutes)`: no name, no zone. */
class PytzFixedOffset extends PytzTzinfo {
  readonly [PY_TYPE] = 'pytz._FixedOffset';
  readonly dstUs = 0;
  readonly name = null;
  readonly zone = null;
  readonly offsetUs: number;
  constructor(private readonly minutes: number) {
    super();
    this.offsetUs = minutes * 60e6;
  }
  [PY_REPR](): string {
    return `pytz.FixedOffset(${this.minutes})`;
  }
  override toString(): string {
    return this[PY_REPR]();
  }
}

/**
 * One offset of a pytz zone with transitions (pytz's DstTzInfo): `pytz.timezone(z)` is its
 * first one; `localize()`, `normalize()` and `astimezone()` give the one in force.
 */
class PytzZone extends PytzTzinfo {
  readonly [PY_TYPE] = 'DstTzInfo';
  readonly offsetUs: number;
  readonly dstUs: number;
  readonly name: string;
  constructor(readonly zone: string, state: ZoneState) {
    super();
    this.offsetUs = state.offset * 1e6;
    this.dstUs = state.dst * 1e6;
    this.name = state.name;
  }
  override atUtc(us: number): PyDatetime {
    const state = stateAt(this.zone, Math.floor(us / 1e6));
    return PyDatetime.fromMicros(us + state.offset * 1e6, zoneTzinfo(this.zone, state));
  }
  /** pytz's: given another datetime than one of this zone's, the offset it would have here (is_dst=None: ambiguous times fail). */
  override utcoffset(...args: unknown[]): PyTimedelta | null {
    const dt = this.localizedFor('utcoffset', args);
    return dt && new PyTimedelta(dt.tzinfo!.offsetUs);
  }
  override dst(...args: unknown[]): PyTimedelta | null {
    const dt = this.localizedFor('dst', args);
    return dt && new PyTimedelta(dt.tzinfo!.dstUs!);
  }
  override tzname(...args: unknown[]): string | null {
    const dt = this.localizedFor('tzname', args);
    return dt ? dt.tzinfo!.name : this.zone;
  }
  private localizedFor(fn: string, args: unknown[]): PyDatetime | null {
    const a = bindArgs(fn, args, ['dt', 'is_dst'], { dt: null, is_dst: null });
    if (a.dt === null) return null;
    if (a.dt instanceof PyDatetime && a.dt.tzinfo === this) return a.dt;
    return this.localize(a.dt, a.is_dst);
  }
  override localize(...args: unknown[]): PyDatetime {
    const a = bindArgs('localize', args, ['dt', 'is_dst'], { is_dst: false });
    return this.localizeWall(naiveArg(a.dt).wallUs, a.is_dst === null ? null : Boolean(a.is_dst));
  }
  /** pytz's localize(): the wall-clock time with the offset that gives it back; `isDst` picks one of two, or a side of a gap. */
  private localizeWall(wall: number, isDst: boolean | null): PyDatetime {
    const found = new Map<number, PyDatetime>();
    for (const delta of [-DAY_US, DAY_US]) {
      const utc = wall - stateAt(this.zone, Math.floor((wall + delta) / 1e6)).offset * 1e6;
      const local = this.atUtc(utc);
      if (local.wallUs === wall && !found.has(utc)) found.set(utc, local);
    }
    if (found.size === 1) return [...found.values()][0]!;
    const shown = () => PyDatetime.fromMicros(wall, null).toString();
    if (found.size === 0) {
      // a time skipped when clocks go forward: pytz moves six hours away and back, keeping that side's offset
      if (isDst === null) fail(`NonExistentTimeError: ${shown()}`, `${shown()} does not exist in ${this.zone}; give is_dst=True or False`);
      return isDst ? this.localizeWall(wall + 6 * HOUR_US, true).plus(-6 * HOUR_US) : this.localizeWall(wall - 6 * HOUR_US, false).plus(6 * HOUR_US);
    }
    if (isDst === null) fail(`AmbiguousTimeError: ${shown()}`, `${shown()} happens twice in ${this.zone}; give is_dst=True or False`);
    let picks = [...found].filter(([, d]) => (d.tzinfo!.dstUs !== 0) === isDst);
    if (picks.length === 1) return picks[0]![1];
    if (picks.length === 0) picks = [...found];
    picks.sort((x, y) => x[0] - y[0]);
    return picks[isDst ? 0 : picks.length - 1]![1];
  }
  override normalize(dt: unknown): PyDatetime {
    return this.atUtc(awareArg(dt).utcUs);
  }
  [PY_REPR](): string {
    const offset = `${this.offsetUs > 0 ? '+' : ''}${new PyTimedelta(this.offsetUs)}`;
    return `<DstTzInfo '${this.zone}' ${this.name}${offset} ${this.dstUs ? 'DST' : 'STD'}>`;
  }
  override toString(): string {
    return this.zone;
  }
}

/** Each zone's tzinfo objects, one per offset, as pytz keeps them (so `is` and `==` hold as there). */
const zoneTzinfos = new Map<string, Map<string, PytzZone>>();
function zoneTzinfo(zone: string, state: ZoneState): PytzZone {
  let byState = zoneTzinfos.get(zone);
  if (!byState) zoneTzinfos.set(zone, (byState = new Map()));
  const key = `${state.offset}/${state.dst}/${state.name}`;
  let tz = byState.get(key);
  if (!tz) byState.set(key, (tz = new PytzZone(zone, state)));
  return tz;
}
const staticTzinfos = new Map<string, PytzStatic>();

/** `pytz.timezone(zone)`: case-insensitive, as pytz's; 'UTC' is `pytz.utc`. */
function pytzTimezone(zone: unknown): PytzTzinfo {
  if (typeof zone !== 'string') return fail(`UnknownTimeZoneError: ${pyRepr(zone)}`);
  if (zone.toUpperCase() === 'UTC') return PYTZ_UTC;
  const name = zoneName(zone);
  if (name === undefined) return fail(`UnknownTimeZoneError: '${zone}'`, "time zones are IANA names such as 'America/New_York' (modules.pytz.all_timezones lists them)");
  const single = staticState(name);
  if (!single) return zoneTzinfo(name, firstState(name));
  let tz = staticTzinfos.get(name);
  if (!tz) staticTzinfos.set(name, (tz = new PytzStatic(name, single)));
  return tz;
}

const fixedOffsets = new Map<number, PytzFixedOffset>();
/** `pytz.FixedOffset(minutes)`; 0 is `pytz.utc`. */
function fixedOffset(minutes: unknown): PytzTzinfo {
  const m = int(minutes, 'FixedOffset() offset');
  if (m === 0) return PYTZ_UTC;
  if (Math.abs(m) >= 1440) fail(`FixedOffset(${m}): absolute offset is too large`);
  let tz = fixedOffsets.get(m);
  if (!tz) fixedOffsets.set(m, (tz = new PytzFixedOffset(m)));
  return tz;
}

/**
 * `modules.pytz` (dbt's offers pytz's `__all__`; its exception classes, `common_timezones`
 * and `country_*` are not here).
 */
export const pytzModule = Object.freeze({
  utc: PYTZ_UTC,
  timezone: pytzTimezone,
  FixedOffset: fixedOffset,
  get all_timezones(): string[] {
    return [...allTimezones()];
  },
  get all_timezones_set(): Set<string> {
    return new Set(allTimezones());
  },
});

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

/**
 * `date.isocalendar()`: Python's IsoCalendarDate, the tuple `(year, week, weekday)` with
 * named fields: `[1]`, `.week`, unpacking, `| list`, `== (2020, 53, 5)`.
 */
export class PyIsoCalendarDate {
  readonly [PY_TYPE] = 'datetime.IsoCalendarDate';
  readonly #items: readonly number[];
  constructor(readonly year: number, readonly week: number, readonly weekday: number) {
    this.#items = [year, week, weekday];
  }
  [PY_GETITEM](key: unknown): number | undefined {
    return typeof key === 'number' && Number.isInteger(key) ? this.#items[key < 0 ? key + 3 : key] : undefined;
  }
  [PY_LEN](): number {
    return 3;
  }
  [Symbol.iterator](): Iterator<number> {
    return this.#items[Symbol.iterator]();
  }
  /** As a tuple: against another one, or a tuple of numbers. */
  [PY_COMPARE](other: unknown): number | undefined {
    const o = other instanceof PyIsoCalendarDate ? other.#items : Array.isArray(other) ? other : undefined;
    if (!o || !o.every((x) => typeof x === 'number')) return undefined;
    for (let i = 0; i < Math.min(3, o.length); i++) if (this.#items[i] !== o[i]) return cmp(this.#items[i]!, o[i] as number);
    return cmp(3, o.length);
  }
  [PY_REPR](): string {
    return `datetime.IsoCalendarDate(year=${this.year}, week=${this.week}, weekday=${this.weekday})`;
  }
  toString(): string {
    return this[PY_REPR]();
  }
}

/** The ISO calendar date of a day (its UTC midnight, in milliseconds). */
function isoCalendar(dayMs: number): PyIsoCalendarDate {
  const weekday = ((new Date(dayMs).getUTCDay() + 6) % 7) + 1;
  const thursday = new Date(dayMs + (4 - weekday) * DAY_MS);
  return new PyIsoCalendarDate(thursday.getUTCFullYear(), Math.floor(dayOfYear(thursday) / 7) + 1, weekday);
}

/** Days since 1 January of the date's year (0 for 1 January). */
function dayOfYear(d: Date): number {
  const jan1 = new Date(0);
  jan1.setUTCFullYear(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - jan1.getTime()) / DAY_MS);
}

/** `fromisocalendar(year, week, day)`: the date's UTC midnight. */
function fromIsoCalendar(args: unknown[]): number {
  const a = bindArgs('fromisocalendar', args, ['year', 'week', 'day']);
  const [year, week, day] = [int(a.year, 'year'), int(a.week, 'week'), int(a.day, 'day')];
  if (year < 1 || year > 9999) fail(`Year is out of range: ${year}`);
  const jan4 = checkedUtc(year, 1, 4);
  const weeks = isoCalendar(checkedUtc(year, 12, 28)).week;
  if (week < 1 || week > weeks) fail(`Invalid week: ${week}`);
  if (day < 1 || day > 7) fail(`Invalid weekday: ${day} (range is [1, 7])`);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return monday + ((week - 1) * 7 + day - 1) * DAY_MS;
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
    return strftime(new Date(this.ms), 0, String(fmt), null);
  }
  weekday(): number {
    return (new Date(this.ms).getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  isocalendar(): PyIsoCalendarDate {
    return isoCalendar(this.ms);
  }
  replace(...args: unknown[]): PyDate {
    const a = bindArgs('replace', args, ['year', 'month', 'day'], { year: this.year, month: this.month, day: this.day });
    return PyDate.of(a.year, a.month, a.day);
  }
  [PY_ADD](other: unknown): PyDate | undefined {
    return other instanceof PyTimedelta ? new PyDate(this.ms + other.days * DAY_MS) : undefined;
  }
  [PY_SUB](other: unknown, reflected: boolean): PyDate | PyTimedelta | undefined {
    if (reflected) return undefined;
    if (other instanceof PyTimedelta) return new PyDate(this.ms - other.days * DAY_MS);
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

/** `HH:MM:SS[.ffffff]` as isoformat(timespec=...) writes it. */
function clock(h: number, m: number, s: number, us: number, timespec: unknown): string {
  switch (timespec) {
    case 'auto': return clock(h, m, s, us, us ? 'microseconds' : 'seconds');
    case 'hours': return pad(h);
    case 'minutes': return `${pad(h)}:${pad(m)}`;
    case 'seconds': return `${pad(h)}:${pad(m)}:${pad(s)}`;
    case 'milliseconds': return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(Math.floor(us / 1000), 3)}`;
    case 'microseconds': return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(us, 6)}`;
    default: return fail(`Unknown timespec value: ${pyRepr(timespec)}`);
  }
}

/** `datetime(...)` and `time(...)` write their arguments back this way in repr(). */
function reprArgs(fields: number[], second: number, microsecond: number, tzinfo: PyTzinfo | null): string {
  const parts = [...fields];
  if (second || microsecond) parts.push(second);
  if (microsecond) parts.push(microsecond);
  return `${parts.join(', ')}${tzinfo ? `, tzinfo=${pyRepr(tzinfo)}` : ''}`;
}

/** A time of day, like Python's `time`, naive or with a tzinfo. */
export class PyTime {
  readonly [PY_TYPE] = 'datetime.time';
  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly microsecond: number,
    readonly tzinfo: PyTzinfo | null = null,
  ) {}
  /** `time(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)`. */
  static of(args: unknown[]): PyTime {
    const a = bindArgs('time', args, ['hour', 'minute', 'second', 'microsecond', 'tzinfo'], { hour: 0, minute: 0, second: 0, microsecond: 0, tzinfo: null });
    const [h, m, s, us] = [int(a.hour, 'hour'), int(a.minute, 'minute'), int(a.second, 'second'), int(a.microsecond, 'microsecond')];
    if (h < 0 || h > 23) fail('hour must be in 0..23');
    if (m < 0 || m > 59) fail('minute must be in 0..59');
    if (s < 0 || s > 59) fail('second must be in 0..59');
    if (us < 0 || us > 999_999) fail('microsecond must be in 0..999999');
    return new PyTime(h, m, s, us, tzinfoArg(a.tzinfo));
  }
  /** As Python's: the tzinfo's offset for no particular date (none for a pytz zone with transitions). */
  utcoffset(): PyTimedelta | null {
    return this.tzinfo ? this.tzinfo.utcoffset(null) : null;
  }
  dst(): PyTimedelta | null {
    return this.tzinfo ? this.tzinfo.dst(null) : null;
  }
  tzname(): string | null {
    return this.tzinfo ? this.tzinfo.tzname(null) : null;
  }
  isoformat(...args: unknown[]): string {
    const { timespec } = bindArgs('isoformat', args, ['timespec'], { timespec: 'auto' });
    const offset = this.utcoffset();
    return clock(this.hour, this.minute, this.second, this.microsecond, timespec) + (offset ? offsetText(offset.us) : '');
  }
  strftime(fmt: unknown): string {
    const at = new Date(Date.UTC(1900, 0, 1, this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000)));
    const offset = this.utcoffset();
    return strftime(at, this.microsecond % 1000, String(fmt), offset ? { offsetUs: offset.us, name: this.tzname() } : null);
  }
  replace(...args: unknown[]): PyTime {
    const a = bindArgs('replace', args, ['hour', 'minute', 'second', 'microsecond', 'tzinfo'], {
      hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond, tzinfo: this.tzinfo,
    });
    return PyTime.of([a.hour, a.minute, a.second, a.microsecond, a.tzinfo]);
  }
  private get us(): number {
    return ((this.hour * 60 + this.minute) * 60 + this.second) * 1e6 + this.microsecond;
  }
  /** Naive times compare by their clock, aware ones after taking off their offsets; a naive and an aware one are never equal. */
  [PY_COMPARE](other: unknown): number | undefined {
    if (!(other instanceof PyTime)) return undefined;
    const [a, b] = [this.utcoffset(), other.utcoffset()];
    if ((a === null) !== (b === null)) return undefined;
    return cmp(this.us - (a?.us ?? 0), other.us - (b?.us ?? 0));
  }
  [PY_REPR](): string {
    return `datetime.time(${reprArgs([this.hour, this.minute], this.second, this.microsecond, this.tzinfo)})`;
  }
  toString(): string {
    return this.isoformat();
  }
}

/** A point in time, naive or aware, like Python's `datetime`, to the microsecond. */
export class PyDatetime {
  readonly [PY_TYPE] = 'datetime.datetime';
  /** The wall-clock time's milliseconds, counted from the epoch as if it were UTC. */
  private readonly ms: number;
  /** Microseconds below `ms`'s millisecond. */
  private readonly micro: number;
  readonly tzinfo: PyTzinfo | null;
  /**
   * `at`: the wall-clock time, read as UTC (so the instant itself for a UTC datetime);
   * `tz`: a tzinfo, true for `datetime.timezone.utc`, or false for a naive datetime;
   * `micro`: microseconds below `at`'s millisecond.
   */
  constructor(at: Date, tz: boolean | PyTzinfo = false, micro = 0) {
    this.ms = at.getTime();
    this.micro = micro;
    this.tzinfo = tz === true ? UTC : tz === false ? null : tz;
  }
  /** The datetime whose wall-clock time is `us` microseconds from the epoch, read as UTC. */
  static fromMicros(us: number, tz: PyTzinfo | null): PyDatetime {
    const ms = Math.floor(us / 1000);
    return new PyDatetime(new Date(ms), tz ?? false, us - ms * 1000);
  }
  private get at(): Date { return new Date(this.ms); }
  /** The wall-clock time in microseconds from the epoch, read as UTC. */
  get wallUs(): number { return this.ms * 1000 + this.micro; }
  /** The instant in microseconds from the epoch; a naive datetime is read as UTC (the machine's zone here). */
  get utcUs(): number { return this.wallUs - (this.tzinfo?.offsetUs ?? 0); }
  get year(): number { return this.at.getUTCFullYear(); }
  get month(): number { return this.at.getUTCMonth() + 1; }
  get day(): number { return this.at.getUTCDate(); }
  get hour(): number { return this.at.getUTCHours(); }
  get minute(): number { return this.at.getUTCMinutes(); }
  get second(): number { return this.at.getUTCSeconds(); }
  get microsecond(): number { return this.at.getUTCMilliseconds() * 1000 + this.micro; }

  /** The same wall-clock time with another tzinfo (`replace(tzinfo=tz)`). */
  withTzinfo(tz: PyTzinfo | null): PyDatetime {
    return new PyDatetime(this.at, tz ?? false, this.micro);
  }
  /** `us` microseconds later on the wall clock, with the same tzinfo (Python's `dt + timedelta`). */
  plus(us: number): PyDatetime {
    return PyDatetime.fromMicros(this.wallUs + us, this.tzinfo);
  }
  date(): PyDate {
    return new PyDate(Math.floor(this.ms / DAY_MS) * DAY_MS);
  }
  time(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond);
  }
  timetz(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond, this.tzinfo);
  }
  isoformat(...args: unknown[]): string {
    const { sep, timespec } = bindArgs('isoformat', args, ['sep', 'timespec'], { sep: 'T', timespec: 'auto' });
    return this.format(String(sep), timespec);
  }
  strftime(fmt: unknown): string {
    return strftime(this.at, this.micro, String(fmt), this.tzinfo);
  }
  timestamp(): PyFloat {
    return new PyFloat(this.utcUs / 1e6);
  }
  weekday(): number {
    return (this.at.getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  isocalendar(): PyIsoCalendarDate {
    return isoCalendar(Math.floor(this.ms / DAY_MS) * DAY_MS);
  }
  utcoffset(): PyTimedelta | null {
    return this.tzinfo && new PyTimedelta(this.tzinfo.offsetUs);
  }
  dst(): PyTimedelta | null {
    const dst = this.tzinfo ? this.tzinfo.dstUs : null;
    return dst === null ? null : new PyTimedelta(dst);
  }
  tzname(): string | null {
    return this.tzinfo ? this.tzinfo.name : null;
  }
  /** The same instant in `tz` (by default the machine's zone, UTC here); a naive datetime is read as UTC. */
  astimezone(...args: unknown[]): PyDatetime {
    const tz = tzinfoArg(bindArgs('astimezone', args, ['tz'], { tz: null }).tz, 'astimezone() tz');
    if (tz !== null && tz === this.tzinfo) return this;
    return (tz ?? LOCAL).atUtc(this.utcUs);
  }
  replace(...args: unknown[]): PyDatetime {
    const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const a = bindArgs('replace', args, names, {
      year: this.year, month: this.month, day: this.day, hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond, tzinfo: this.tzinfo,
    });
    return datetimeOf([a.year, a.month, a.day, a.hour, a.minute, a.second, a.microsecond, a.tzinfo]);
  }
  [PY_ADD](other: unknown): PyDatetime | undefined {
    return other instanceof PyTimedelta ? this.plus(other.us) : undefined;
  }
  [PY_SUB](other: unknown, reflected: boolean): PyDatetime | PyTimedelta | undefined {
    if (reflected) return undefined;
    if (other instanceof PyTimedelta) return this.plus(-other.us);
    if (other instanceof PyDatetime) {
      if (!other.tzinfo !== !this.tzinfo) fail("can't subtract offset-naive and offset-aware datetimes");
      return new PyTimedelta(this.utcUs - other.utcUs);
    }
    return undefined;
  }
  /** Aware datetimes compare as instants, whatever their zones; a naive and an aware one are never equal. */
  [PY_COMPARE](other: unknown): number | undefined {
    if (!(other instanceof PyDatetime) || !other.tzinfo !== !this.tzinfo) return undefined;
    return cmp(this.utcUs, other.utcUs);
  }
  [PY_REPR](): string {
    return `datetime.datetime(${reprArgs([this.year, this.month, this.day, this.hour, this.minute], this.second, this.microsecond, this.tzinfo)})`;
  }
  toString(): string {
    return this.format(' ', 'auto');
  }
  private format(sep: string, timespec: unknown): string {
    const time = clock(this.hour, this.minute, this.second, this.microsecond, timespec);
    return `${isoDate(this.at)}${sep}${time}${this.tzinfo ? offsetText(this.tzinfo.offsetUs) : ''}`;
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

/**
 * `datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)`. The
 * tzinfo is taken as it is: a pytz zone gives its first offset (-07:53 for Los Angeles),
 * as in Python; `tz.localize(datetime(...))` gives the offset in force.
 */
function datetimeOf(args: unknown[]): PyDatetime {
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
  const a = bindArgs('datetime', args, names, { hour: 0, minute: 0, second: 0, microsecond: 0, tzinfo: null });
  for (const k of ['year', 'month', 'day']) if (a[k] === undefined) fail(`datetime() missing required argument '${k}'`);
  const us = int(a.microsecond, 'microsecond');
  if (us < 0 || us > 999_999) fail('microsecond must be in 0..999999');
  const ms = checkedUtc(int(a.year, 'year'), int(a.month, 'month'), int(a.day, 'day'), int(a.hour, 'hour'), int(a.minute, 'minute'), int(a.second, 'second'));
  return PyDatetime.fromMicros(ms * 1000 + us, tzinfoArg(a.tzinfo));
}

/** What `%z` and `%Z` print: a datetime's or time's offset and name. */
interface StrftimeZone {
  readonly offsetUs: number;
  readonly name: string | null;
}

/** Python's `strftime` on a wall-clock time (`d` read as UTC) with its zone, if aware. */
export function strftime(d: Date, micro: number, fmt: string, zone: StrftimeZone | null): string {
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    const wday = (d.getUTCDay() + 6) % 7;
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return pad(d.getUTCFullYear() % 100);
      case 'm': return pad(d.getUTCMonth() + 1);
      case 'd': return pad(d.getUTCDate());
      case 'e': return String(d.getUTCDate()).padStart(2, ' ');
      case 'H': return pad(d.getUTCHours());
      case 'I': return pad(((d.getUTCHours() + 11) % 12) + 1);
      case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'M': return pad(d.getUTCMinutes());
      case 'S': return pad(d.getUTCSeconds());
      case 'f': return pad(d.getUTCMilliseconds() * 1000 + micro, 6);
      case 'j': return pad(dayOfYear(d) + 1, 3);
      case 'A': return DAYS[wday]!;
      case 'a': return DAYS[wday]!.slice(0, 3);
      case 'B': return MONTHS[d.getUTCMonth()]!;
      case 'b': return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case 'w': return String(d.getUTCDay());
      case 'u': return String(wday + 1);
      case 'U': return pad(Math.floor((dayOfYear(d) + 7 - d.getUTCDay()) / 7));
      case 'W': return pad(Math.floor((dayOfYear(d) + 7 - wday) / 7));
      case 'V': return pad(isoCalendar(Math.floor(d.getTime() / DAY_MS) * DAY_MS).week);
      case 'G': return String(isoCalendar(Math.floor(d.getTime() / DAY_MS) * DAY_MS).year);
      case 'F': return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      case 'T': return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      case 'z': return zone ? offsetText(zone.offsetUs, '') : '';
      case 'Z': return zone?.name ?? '';
      case '%': return '%';
      default: return `%${c}`;
    }
  });
}

/** A parsed `+HH:MM` / `+HHMM` / `Z` offset as a tzinfo (`timezone.utc` for zero, as Python's). */
function offsetTzinfo(text: string): PyTimezone {
  if (text === 'Z') return UTC;
  const minutes = (text.startsWith('-') ? -1 : 1) * (Number(text.slice(1, 3)) * 60 + Number(text.slice(-2)));
  return minutes === 0 ? UTC : new PyTimezone(minutes * 60e6);
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
  Z: ['(UTC|GMT|utc|gmt)', 'zoneName'],
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
  return PyDatetime.fromMicros(ms * 1000 + micro, v.offset === undefined ? null : offsetTzinfo(v.offset));
}

/** Python's `fromisoformat`: a date, or a date and time with an optional offset. */
function fromisoformat(text: string): PyDatetime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) fail(`Invalid isoformat string: '${text}'`);
  const [, y, mo, d, h, mi, s, f, off] = m!;
  const ms = checkedUtc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  return PyDatetime.fromMicros(ms * 1000 + Number((f ?? '0').padEnd(6, '0')), off === undefined ? null : offsetTzinfo(off));
}

const nowMicros = () => Date.now() * 1000;
/** `now(tz=None)`, `fromtimestamp(t, tz=None)`: UTC wall-clock time when naive (the machine's zone here), else the time in `tz`. */
const inZone = (fn: string, us: number, args: unknown[]): PyDatetime => {
  const tz = tzinfoArg(bindArgs(fn, args, ['tz'], { tz: null }).tz, `${fn}() tz`);
  return tz ? tz.atUtc(us) : PyDatetime.fromMicros(us, null);
};
const timestampMicros = (t: unknown) => Math.round(Number(number(t) ?? t) * 1e6);

/** `modules.datetime.datetime`: the constructor, with its class methods. */
const datetimeClass = Object.assign((...args: unknown[]) => datetimeOf(args), {
  now: (...args: unknown[]) => inZone('now', nowMicros(), args),
  utcnow: () => PyDatetime.fromMicros(nowMicros(), null),
  today: () => PyDatetime.fromMicros(nowMicros(), null),
  fromisoformat: (s: unknown) => fromisoformat(String(s)),
  strptime: (s: unknown, fmt: unknown) => strptime(String(s), String(fmt)),
  fromtimestamp: (t: unknown, ...rest: unknown[]) => inZone('fromtimestamp', timestampMicros(t), rest),
  utcfromtimestamp: (t: unknown) => PyDatetime.fromMicros(timestampMicros(t), null),
  fromisocalendar: (...args: unknown[]) => PyDatetime.fromMicros(fromIsoCalendar(args) * 1000, null),
  /** `combine(date, time, tzinfo=time.tzinfo)`. */
  combine: (...args: unknown[]) => {
    const a = bindArgs('combine', args, ['date', 'time', 'tzinfo']);
    const d = a.date instanceof PyDatetime ? a.date.date() : a.date;
    if (!(d instanceof PyDate)) return fail(`combine() argument 1 must be a date, not ${pyRepr(a.date)}`);
    if (!(a.time instanceof PyTime)) return fail(`combine() argument 2 must be a time, not ${pyRepr(a.time)}`);
    const t = a.time;
    return datetimeOf([d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, a.tzinfo === undefined ? t.tzinfo : a.tzinfo]);
  },
});

/** `modules.datetime.date`. */
const dateClass = Object.assign((...args: unknown[]) => {
  const a = bindArgs('date', args, ['year', 'month', 'day']);
  return PyDate.of(a.year, a.month, a.day);
}, {
  today: () => PyDatetime.fromMicros(nowMicros(), null).date(),
  fromisoformat: (s: unknown) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(s))) fail(`Invalid isoformat string: '${String(s)}'`);
    return fromisoformat(String(s)).date();
  },
  fromisocalendar: (...args: unknown[]) => new PyDate(fromIsoCalendar(args)),
});

/** `modules.datetime.timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)`. */
function timedelta(...args: unknown[]): PyTimedelta {
  const a = bindArgs('timedelta', args, ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'], {});
  const n = (k: string) => number(a[k] ?? 0) ?? fail(`timedelta() ${k} must be a number`);
  const us = n('days') * DAY_US + n('seconds') * 1e6 + n('microseconds') + n('milliseconds') * 1e3 + n('minutes') * 6e7 + n('hours') * 3.6e9 + n('weeks') * 7 * DAY_US;
  return new PyTimedelta(Math.round(us));
}

/**
 * `modules.datetime`. (dbt's own offers date, datetime, time, timedelta and tzinfo; `timezone`
 * is offered here too, and is what `astimezone()` and `fromisoformat()` give.)
 */
export const datetimeModule = Object.freeze({
  datetime: datetimeClass,
  date: dateClass,
  time: (...args: unknown[]) => PyTime.of(args),
  timedelta,
  timezone: Object.assign(timezone, { utc: UTC }),
  MINYEAR: 1,
  MAXYEAR: 9999,
});
