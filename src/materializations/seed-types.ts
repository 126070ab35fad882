/**
 * Seed column types as dbt infers them. dbt reads a seed with agate and its own type tester
 * (dbt_common's `agate_helper.build_type_tester`): each column is the first of Number, Date
 * (`%Y-%m-%d`), DateTime (`%Y-%m-%d %H:%M:%S`), ISO 8601 date-time (isodate's forms around
 * one `T`), Boolean (only `true`/`false`) that every value of the column passes, else Text;
 * `''` and `null` (any case, spaces around) are NULL and pass every type. The adapter then
 * names the type (`convert_*_type`): a Number column is `integer` when no value has decimal
 * places (after dropping trailing zeros: `1.0` is 1), else `float8`; a column of NULLs (or
 * of no rows) is `integer`. So `t`/`f`, `yes`/`no`, `01/02/2020` and times of day stay text,
 * `1e5` and `00123` are integers, `$5`, `5%` and `1,234` numbers (agate drops currency
 * signs, `%` and commas). `column_types` name a column's type and keep its values as text.
 *
 * The values follow the adapter: dbt-duckdb has DuckDB read the file into the inferred
 * types (text keeps `null` and spaces), dbt-postgres inserts agate's values (a text `null`
 * is NULL, a timestamp with a UTC offset is the session's local time). Values in forms the
 * engine reads as dbt does are loaded from the file as they are; when a file holds others
 * (`$5`, `1,234`, `null` in a number column, `2020-1-2 3:4:5`), a rewritten copy with each
 * value in the engine's form is loaded instead ({@link rewriteSeed}).
 *
 * Where dbt fails, Strata loads: dbt-duckdb fails on the values DuckDB does not read
 * (`$5`, `null` in a number column), both fail on an integer that does not fit `integer`
 * (Strata makes the column `bigint`). Where dbt-postgres makes a row of NULLs of a blank
 * line, Strata skips the line, as DuckDB does. Digits other than ASCII are not numbers.
 */
import { checkCsv, eachCsvRecord } from './seed-csv.js';

export type SeedEngine = 'duckdb' | 'postgres';
/** The type dbt's type tester chose. */
export type AgateType = 'Number' | 'Date' | 'DateTime' | 'ISODateTime' | 'Boolean' | 'Text';
export type SeedKind = 'integer' | 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text';

export interface SeedColumn {
  name: string;
  agate: AgateType;
  kind: SeedKind;
  /** The column's SQL type on the engine (`column_types`' when it names the column). */
  type: string;
  /** Some value must be rewritten for the engine to read it as dbt loads it. */
  odd: boolean;
}

export interface SeedPlan {
  header: string[];
  rows: number;
  columns: SeedColumn[];
  /** Some value is in a form the engine does not read as dbt does: load {@link rewriteSeed}'s copy. */
  rewrite: boolean;
  /** PostgreSQL: the timestamps with a UTC offset (`YYYY-MM-DD HH:MM:SS.ffffff+HH:MM`), to be turned into the session's local time. */
  offsets: string[];
  /** The file's text. */
  text: string;
}

const TYPES: Record<SeedEngine, Record<SeedKind, string>> = {
  duckdb: { integer: 'INTEGER', bigint: 'BIGINT', float: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', text: 'VARCHAR' },
  postgres: { integer: 'integer', bigint: 'bigint', float: 'float8', boolean: 'boolean', date: 'date', timestamp: 'timestamp', text: 'text' },
};

// ---- agate's casts, for strings ------------------------------------------------------

/** Python's whitespace (str.strip, str.isspace). */
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');

function strip(v: string): string {
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(v.length - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? v : v.replace(STRIP, '');
}

/** agate's NULL: `''` or `null`, any case, spaces around. */
export function isNull(v: string): boolean {
  const s = strip(v);
  return s === '' || (s.length === 4 && s.toLowerCase() === 'null');
}

/** A decimal number, normalized as Python's Decimal.normalize() does: no leading or trailing zeros (zero is `0`), at most 28 digits. */
interface Dec {
  neg: boolean;
  digits: string;
  exp: number;
}
type NumberValue = Dec | 'nan' | 'inf' | '-inf';

const CURRENCY = ['؋', '$', 'ƒ', '៛', '¥', '₡', '₱', '£', '€', '¢', '﷼', '₪', '₩', '₭', '₮', '₦', '฿', '₤', '₫'];
const DECIMAL = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const SPECIAL = /^([+-])?(?:(inf(?:inity)?)|(s?)nan\d*)$/i;

function stripChar(s: string, ch: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === ch) a++;
  while (b > a && s[b - 1] === ch) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Python's Decimal(string): spaces around, underscores anywhere (dropped). */
function pyDecimal(s: string): NumberValue | 'snan' | undefined {
  if (s.includes('_')) s = s.replaceAll('_', '');
  s = strip(s);
  const m = DECIMAL.exec(s);
  if (m) {
    const frac = m[3] ?? m[4] ?? '';
    const exp = m[5] === undefined ? 0 : Math.max(-1e9, Math.min(1e9, Number(m[5])));
    return normalize(m[1] === '-', (m[2] ?? '') + frac, exp - frac.length);
  }
  const sp = SPECIAL.exec(s);
  if (!sp) return undefined;
  if (sp[2]) return sp[1] === '-' ? '-inf' : 'inf';
  return sp[3] ? 'snan' : 'nan';
}

/** Round to 28 significant digits (half to even) and drop trailing zeros, as Decimal arithmetic and normalize() do. */
function normalize(neg: boolean, digits: string, exp: number): Dec {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  digits = digits.slice(i);
  if (digits.length > 28) {
    const rest = digits.slice(28);
    digits = digits.slice(0, 28);
    exp += rest.length;
    const up = rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || (digits.charCodeAt(27) - 48) % 2 === 1));
    if (up) {
      const n = (BigInt(digits) + 1n).toString();
      if (n.length > 28) {
        digits = n.slice(0, 28);
        exp++;
      } else digits = n;
    }
  }
  if (/^0+$/.test(digits)) return { neg, digits: '0', exp: 0 };
  let j = digits.length;
  while (digits.charCodeAt(j - 1) === 48) j--;
  return { neg, digits: digits.slice(0, j), exp: exp + digits.length - j };
}

const digitOrPoint = (c: number) => (c >= 48 && c <= 57) || c === 46;

/** agate's Number.cast of a value that is not NULL; undefined when it is not a number. */
export function castNumber(v: string): NumberValue | undefined {
  let d = stripChar(strip(v), '%');
  let neg = false;
  if (d.charCodeAt(0) === 45) {
    neg = true;
    d = d.slice(1);
  }
  if (!digitOrPoint(d.charCodeAt(0)) || !digitOrPoint(d.charCodeAt(d.length - 1))) for (const c of CURRENCY) d = stripChar(d, c);
  if (d.includes(',')) d = d.replaceAll(',', '');
  const x = pyDecimal(d);
  if (x === undefined || x === 'snan') return undefined;
  if (x === 'nan') return x;
  if (x === 'inf' || x === '-inf') return (x === '-inf') !== neg ? '-inf' : 'inf';
  return neg ? { ...x, neg: !x.neg } : x;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const validDate = (y: number, m: number, d: number) => y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && leap(y) ? 29 : DAYS[m - 1]!);

/** A date and time of day; `offset` (minutes east of UTC) when the value gave one. */
interface Stamp {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  us: number;
  offset?: number;
}

// Python's strptime patterns for %Y, %m, %d, %H, %M, %S; a space in the format is one or more spaces.
const YMD = '(\\d\\d\\d\\d)-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])';
const DATE_FORMAT = new RegExp(`^${YMD}`);
const DATETIME_FORMAT = new RegExp(`^${YMD}[${SPACE}]+(2[0-3]|[0-1]\\d|\\d):([0-5]\\d|\\d):(6[0-1]|[0-5]\\d|\\d)`);

/** agate's Date with dbt's format `%Y-%m-%d`. */
export function castDate(v: string): Stamp | undefined {
  const s = strip(v);
  const m = DATE_FORMAT.exec(s);
  if (!m || m[0].length !== s.length) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? { y, mo, d, h: 0, mi: 0, s: 0, us: 0 } : undefined;
}

/** agate's DateTime with dbt's format `%Y-%m-%d %H:%M:%S`. */
export function castDateTime(v: string): Stamp | undefined {
  const s = strip(v);
  const m = DATETIME_FORMAT.exec(s);
  if (!m || m[0].length !== s.length) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return validDate(y, mo, d) && sec < 60 ? { y, mo, d, h, mi, s: sec, us: 0 } : undefined;
}

/** Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
function dayNumber(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}
function civil(n: number): [number, number, number] {
  n += 719468;
  const era = Math.floor(n / 146097);
  const doe = n - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}
function fromDays(n: number): [number, number, number] | undefined {
  const c = civil(n);
  return c[0] >= 1 && c[0] <= 9999 ? c : undefined;
}

// isodate's date forms (4-digit years, no sign), tried in order.
type DateForm = [RegExp, (g: string[]) => [number, number, number] | undefined];
const ymd = (y: number, m: number, d: number): [number, number, number] | undefined => (validDate(y, m || 1, d) ? [y, m || 1, d] : undefined);
const week = (y: number, w: number, day: number) => {
  if (y < 1) return undefined;
  const jan1 = dayNumber(y, 1, 1);
  const wd = ((((jan1 + 3) % 7) + 7) % 7) + 1; // ISO weekday, Monday 1
  return fromDays(jan1 + 7 * (w - (wd <= 4 ? 1 : 0)) + day - wd);
};
const ISO_DATES: DateForm[] = [
  [/^(\d{4})-(\d{2})-(\d{2})$/, (g) => ymd(+g[1]!, +g[2]!, +g[3]!)],
  [/^(\d{4})(\d{2})(\d{2})$/, (g) => ymd(+g[1]!, +g[2]!, +g[3]!)],
  [/^(\d{4})-W(\d{2})-(\d)$/, (g) => week(+g[1]!, +g[2]!, +g[3]!)],
  [/^(\d{4})W(\d{2})(\d)$/, (g) => week(+g[1]!, +g[2]!, +g[3]!)],
  [/^(\d{4})-(\d{3})$/, (g) => (+g[1]! >= 1 ? fromDays(dayNumber(+g[1]!, 1, 1) + +g[2]! - 1) : undefined)],
  [/^(\d{4})(\d{3})$/, (g) => (+g[1]! >= 1 ? fromDays(dayNumber(+g[1]!, 1, 1) + +g[2]! - 1) : undefined)],
  [/^(\d{4})-W(\d{2})$/, (g) => week(+g[1]!, +g[2]!, 1)],
  [/^(\d{4})W(\d{2})$/, (g) => week(+g[1]!, +g[2]!, 1)],
  [/^(\d{4})-(\d{2})$/, (g) => ymd(+g[1]!, +g[2]!, 1)],
  [/^(\d{4})(\d{2})$/, (g) => ymd(+g[1]!, +g[2]!, 1)],
  [/^(\d{4})$/, (g) => ymd(+g[1]!, 1, 1)],
  [/^(\d{2})$/, (g) => ymd(+g[1]! * 100 + 1, 1, 1)],
];
// isodate's time forms: hh:mm:ss(.s), hhmmss(.s), hh:mm(.m), hhmm(.m), hh(.h), each with a zone.
const TZ = '(Z|([+-])(\\d{2})(?::?(\\d{2}))?)?$';
const ISO_TIMES = [
  new RegExp(`^(\\d{2}):(\\d{2}):(\\d{2})(?:[,.](\\d+))?${TZ}`),
  new RegExp(`^(\\d{2})(\\d{2})(\\d{2})(?:[,.](\\d+))?${TZ}`),
  new RegExp(`^(\\d{2}):(\\d{2})()(?:[,.](\\d+))?${TZ}`),
  new RegExp(`^(\\d{2})(\\d{2})()(?:[,.](\\d+))?${TZ}`),
  new RegExp(`^(\\d{2})()()(?:[,.](\\d+))?${TZ}`),
];

function isoTime(t: string): Omit<Stamp, 'y' | 'mo' | 'd'> | undefined {
  for (let k = 0; k < ISO_TIMES.length; k++) {
    const g = ISO_TIMES[k]!.exec(t);
    if (!g) continue;
    const h = Number(g[1]);
    let mi = k < 4 ? Number(g[2]) : 0;
    let s = k < 2 ? Number(g[3]) : 0;
    let us = 0;
    const frac = g[4];
    // a fraction of a second: floored to the microsecond
    if (frac && k < 2) us = Number((frac + '00000').slice(0, 6));
    else if (frac) {
      const f = BigInt(frac);
      const one = 10n ** BigInt(frac.length);
      if (k < 4) {
        // a fraction of a minute: seconds floored to the microsecond
        const total = (f * 60_000_000n) / one;
        s = Number(total / 1_000_000n);
        us = Number(total % 1_000_000n);
      } else {
        // a fraction of an hour: whole minutes, whole seconds, then microseconds rounded half to even
        mi = Number((f * 60n) / one);
        const secs = f * 3600n - BigInt(mi) * 60n * one;
        s = Number(secs / one);
        const micro = (secs - BigInt(s) * one) * 1_000_000n;
        let q = micro / one;
        const r = micro - q * one;
        if (2n * r > one || (2n * r === one && q % 2n === 1n)) q++;
        us = Number(q);
      }
    }
    if (h > 23 || mi > 59 || s > 59 || us > 999_999) return undefined;
    const offset = g[5] === undefined ? undefined : g[5] === 'Z' ? 0 : (g[6] === '-' ? -1 : 1) * (Number(g[7]) * 60 + Number(g[8] ?? 0));
    return { h, mi, s, us, ...(offset === undefined ? {} : { offset }) };
  }
  return undefined;
}

/** dbt's ISODateTime: isodate's parse_datetime, a date and a time of day around one `T`. */
export function castIsoDateTime(v: string): Stamp | undefined {
  const s = strip(v);
  const t = s.indexOf('T');
  if (t < 0 || s.indexOf('T', t + 1) >= 0) return undefined;
  const datePart = s.slice(0, t);
  let date: [number, number, number] | undefined;
  for (const [re, make] of ISO_DATES) {
    const g = re.exec(datePart);
    if (g) {
      date = make(g);
      break;
    }
  }
  if (!date) return undefined;
  const time = isoTime(s.slice(t + 1));
  return time && { y: date[0], mo: date[1], d: date[2], ...time };
}

/** agate's Boolean with dbt's values: true, false; NULL as elsewhere, commas dropped first. */
export function castBoolean(v: string): boolean | null | undefined {
  const s = strip(v.includes(',') ? v.replaceAll(',', '') : v).toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return s === '' || s === 'null' ? null : undefined;
}

// ---- inference -----------------------------------------------------------------------

const NUM = 1;
const DATE = 2;
const DATETIME = 4;
const ISO = 8;
const BOOL = 16;
/** Bits of values that are not in the engine's own form, per type (Number twice: as integer, as float). */
const ODD_INT = 1;
const ODD_FLOAT = 32;
const ODD_ALL = 63;
const ODD_BIT: Record<AgateType, number> = { Number: 0, Date: DATE, DateTime: DATETIME, ISODateTime: ISO, Boolean: BOOL, Text: 0 };

// Forms both engines read as dbt does.
const PLAIN_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const PLAIN_DATE = /^\d{4}-\d\d-\d\d$/;
const PLAIN_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const PLAIN_ISO = /^\d{4}-(0[1-9]|1[0-2])-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?$/;
/** DuckDB reads a zone too, and drops it, as dbt-duckdb's load does. */
const PLAIN_ISO_ZONED = /^\d{4}-(0[1-9]|1[0-2])-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d(:?\d\d)?)?$/;
const PLAIN_BOOL = /^(true|false)$/i;

/**
 * The decimal places of `v` when it is an optional sign, ASCII digits, a point and digits,
 * with fewer than 10 whole digits (so it fits an integer column either way); else -1.
 */
function plainDecimalPlaces(v: string): number {
  const n = v.length;
  let i = v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43 ? 1 : 0;
  const start = i;
  while (i < n && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  if (i - start >= 10 || v.charCodeAt(i) !== 46) return -1;
  const point = i++;
  let last = point;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (c !== 48) last = i;
  }
  return point === start && n === point + 1 ? -1 : last - point;
}

const digitsAt = (v: string, i: number, n: number) => {
  let x = 0;
  for (let k = i; k < i + n; k++) x = x * 10 + v.charCodeAt(k) - 48;
  return x;
};
/** Whether a PLAIN_DATE or PLAIN_DATETIME value is a real date (and time). */
const plainDate = (v: string) => validDate(digitsAt(v, 0, 4), digitsAt(v, 5, 2), digitsAt(v, 8, 2));
const plainTime = (v: string) => digitsAt(v, 11, 2) < 24 && digitsAt(v, 14, 2) < 60 && digitsAt(v, 17, 2) < 60;

/** Whether `v` is an optional sign and ASCII digits; its significant digits (at least 1), or -1. */
function plainInteger(v: string): number {
  const n = v.length;
  let i = v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43 ? 1 : 0;
  if (i >= n) return -1;
  let first = -1;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (first < 0 && c !== 48) first = i;
  }
  return first < 0 ? 1 : n - first;
}

const INT_MAX = '2147483647';

/**
 * Read a seed's file once: check it (see `checkCsv`), infer each column's type as dbt does
 * and note whether some value must be rewritten for `engine` ({@link rewriteSeed}).
 * `column_types` (matched case-insensitively) name a column's type; its values stay text.
 */
export function planSeed(path: string, displayPath: string, delimiter: string, columnTypes: Record<string, string>, engine: SeedEngine): SeedPlan {
  const pg = engine === 'postgres';
  const given = new Map(Object.entries(columnTypes).map(([k, v]) => [k.toLowerCase(), v]));
  let width = 0;
  let mask = new Uint8Array(0);
  let odd = new Uint8Array(0);
  let nulls = new Uint8Array(0);
  let wide = new Uint8Array(0);
  let maxWhole = new Int32Array(0);
  let maxDecimals = new Int32Array(0);
  let forced: boolean[] = [];
  let offsets: Set<string>[] = [];
  let quotedEmpty = false;
  const isoOdd = pg ? PLAIN_ISO : PLAIN_ISO_ZONED;
  const init = (header: string[]) => {
    const n = (width = header.length);
    mask = new Uint8Array(n).fill(NUM | DATE | DATETIME | ISO | BOOL);
    odd = new Uint8Array(n);
    nulls = new Uint8Array(n);
    wide = new Uint8Array(n);
    maxWhole = new Int32Array(n).fill(1);
    maxDecimals = new Int32Array(n);
    forced = header.map((h) => given.has(h.toLowerCase()));
    offsets = header.map(() => new Set());
    forced.forEach((f, c) => f && (mask[c] = 0));
  };
  const number = (c: number, v: string): boolean => {
    const digits = plainInteger(v);
    if (digits > 0) {
      if (digits > maxWhole[c]!) maxWhole[c] = digits;
      if (digits >= 10 && !wide[c] && (digits > 10 || v.slice(v.length - 10) > INT_MAX)) wide[c] = 1;
      return true;
    }
    odd[c] |= ODD_INT;
    const places = plainDecimalPlaces(v);
    if (places >= 0) {
      if (places > maxDecimals[c]!) maxDecimals[c] = places;
      return true;
    }
    const x = castNumber(v);
    if (x === undefined) return false;
    if (!PLAIN_FLOAT.test(v)) odd[c] |= ODD_FLOAT;
    if (typeof x === 'string') return true;
    const whole = x.digits.length + x.exp;
    if (whole > maxWhole[c]!) maxWhole[c] = whole;
    if (-x.exp > maxDecimals[c]!) maxDecimals[c] = -x.exp;
    if (x.exp >= 0 && whole >= 10 && (whole > 10 || x.digits.padEnd(10, '0') > INT_MAX)) wide[c] = 1;
    return true;
  };
  const record = (fields: string[], quoted: readonly boolean[] | undefined) => {
    for (let c = 0; c < width; c++) {
      const v = fields[c]!;
      if (v === '') {
        if (quoted?.[c]) quotedEmpty = true;
        continue;
      }
      const m = mask[c]!;
      if (m === 0) {
        // text: only PostgreSQL loads agate's value (NULL for `null`), DuckDB the file's
        if (pg && !nulls[c] && isNull(v)) nulls[c] = 1;
        continue;
      }
      if (m === NUM && number(c, v)) continue;
      if (isNull(v)) {
        nulls[c] = 1;
        odd[c] = ODD_ALL;
        continue;
      }
      let keep = 0;
      if (m & NUM && number(c, v)) keep |= NUM;
      // Each test takes the engine's own form first (one pattern), then agate's cast.
      if (m & DATE) {
        if (PLAIN_DATE.test(v)) keep |= plainDate(v) ? DATE : 0;
        else if (castDate(v)) {
          keep |= DATE;
          odd[c] |= DATE;
        }
      }
      if (m & DATETIME) {
        if (PLAIN_DATETIME.test(v)) keep |= plainDate(v) && plainTime(v) ? DATETIME : 0;
        else if (castDateTime(v)) {
          keep |= DATETIME;
          odd[c] |= DATETIME;
        }
      }
      if (m & ISO) {
        const t = castIsoDateTime(v);
        if (t) {
          keep |= ISO;
          if (!isoOdd.test(v)) odd[c] |= ISO;
          if (pg && t.offset !== undefined) offsets[c]!.add(zoned(t));
        }
      }
      if (m & BOOL) {
        if (PLAIN_BOOL.test(v)) keep |= BOOL;
        else if (castBoolean(v) !== undefined) {
          keep |= BOOL;
          odd[c] |= BOOL;
        }
      }
      mask[c] = keep;
    }
  };
  const shape = checkCsv(path, displayPath, delimiter, { header: init, record });
  const columns = shape.header.map((name, c): SeedColumn => {
    const m = mask[c]!;
    const agate: AgateType = forced[c] ? 'Text' : m & NUM ? 'Number' : m & DATE ? 'Date' : m & DATETIME ? 'DateTime' : m & ISO ? 'ISODateTime' : m & BOOL ? 'Boolean' : 'Text';
    let kind: SeedKind;
    if (agate === 'Number') {
      // dbt's convert_number_type: float8 when some value has decimal places (agate's MaxPrecision, 28 digits at most)
      const decimals = maxWhole[c]! + maxDecimals[c]! > 28 ? 28 - maxWhole[c]! : maxDecimals[c]!;
      kind = decimals !== 0 ? 'float' : wide[c] ? 'bigint' : 'integer';
    } else kind = agate === 'Date' ? 'date' : agate === 'DateTime' || agate === 'ISODateTime' ? 'timestamp' : agate === 'Boolean' ? 'boolean' : 'text';
    const bit = agate === 'Number' ? (kind === 'float' ? ODD_FLOAT : ODD_INT) : ODD_BIT[agate];
    const wrong = agate === 'Text' ? pg && nulls[c] === 1 : (odd[c]! & bit) !== 0;
    return { name, agate, kind, type: given.get(name.toLowerCase()) ?? TYPES[engine][kind], odd: wrong };
  });
  const rewrite = shape.spaceLines > 0 || (pg && (quotedEmpty || shape.blankLines > 0)) || columns.some((col) => col.odd);
  const zonedValues = new Set<string>();
  columns.forEach((col, c) => col.agate === 'ISODateTime' && offsets[c]!.forEach((s) => zonedValues.add(s)));
  return { header: shape.header, rows: shape.rows, columns, rewrite, offsets: [...zonedValues], text: shape.text };
}

// ---- rewriting -----------------------------------------------------------------------

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function local(t: Stamp): string {
  return `${pad(t.y, 4)}-${pad(t.mo)}-${pad(t.d)} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}${t.us ? `.${pad(t.us, 6)}` : ''}`;
}
function zoned(t: Stamp): string {
  const o = Math.abs(t.offset ?? 0);
  return `${local(t)}${(t.offset ?? 0) < 0 ? '-' : '+'}${pad(Math.floor(o / 60))}:${pad(o % 60)}`;
}
const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;

/** One value in the engine's form ('' for NULL). */
function canonical(v: string, col: SeedColumn, pg: boolean, offsets: Map<string, string>): string {
  if (v === '') return '';
  if (col.agate === 'Text') return pg && col.odd && isNull(v) ? '' : quote(v);
  if (!col.odd) return v;
  if (isNull(v)) return '';
  switch (col.agate) {
    case 'Number': {
      if (plainInteger(v) > 0 || (col.kind === 'float' && PLAIN_FLOAT.test(v))) return v;
      const x = castNumber(v);
      if (x === undefined || (typeof x === 'string' && col.kind !== 'float')) return quote(v);
      if (x === 'nan') return 'NaN';
      if (x === 'inf' || x === '-inf') return x === 'inf' ? 'Infinity' : '-Infinity';
      const sign = x.neg && x.digits !== '0' ? '-' : '';
      return col.kind !== 'float' && x.exp >= 0 ? sign + x.digits + '0'.repeat(x.exp) : `${sign}${x.digits}e${x.exp}`;
    }
    case 'Date': {
      const t = castDate(v);
      return t ? local(t).slice(0, 10) : quote(v);
    }
    case 'DateTime':
    case 'ISODateTime': {
      const t = col.agate === 'DateTime' ? castDateTime(v) : castIsoDateTime(v);
      if (!t) return quote(v);
      if (t.offset === undefined || !pg) return local(t);
      return offsets.get(zoned(t)) ?? zoned(t);
    }
    case 'Boolean': {
      const b = castBoolean(v);
      return b === undefined ? quote(v) : b === null ? '' : String(b);
    }
  }
}

/**
 * The seed as a CSV file in the engine's forms: comma-delimited, each value as dbt loads it
 * on `engine` ('' for NULL, text quoted), blank lines left out. `offsets` maps a
 * timestamp with an offset (PostgreSQL) to the session's local time. `lines` maps each line
 * of the result to its line in the seed's file.
 */
export function rewriteSeed(plan: SeedPlan, delimiter: string, engine: SeedEngine, offsets: Map<string, string> = new Map()): { csv: string; lines: number[] } {
  const pg = engine === 'postgres';
  const out = [plan.header.map(quote).join(',')];
  const lines = [1];
  let first = true;
  eachCsvRecord(plan.text, delimiter, (fields, _quoted, line, blank) => {
    if (first) {
      first = false;
      return;
    }
    if (blank && plan.header.length > 1) return;
    let record = '';
    for (let c = 0; c < plan.columns.length; c++) record += (c ? ',' : '') + canonical(fields[c] ?? '', plan.columns[c]!, pg, offsets);
    out.push(record);
    lines.push(line);
    for (let i = record.indexOf('\n'); i >= 0; i = record.indexOf('\n', i + 1)) lines.push(line);
  });
  return { csv: out.join('\n') + '\n', lines };
}
