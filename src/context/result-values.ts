/**
 * The Python value a query result's cell is in dbt: what the Python drivers (duckdb, psycopg2)
 * return, after agate's casts (dbt's `table_from_data_flat`). Strata's adapters give plain
 * JavaScript values (`QueryResult`: numbers, Dates, `{ months, days, micros }` intervals, arrays
 * and objects, Uint8Arrays); with the column's engine type they become:
 * - an integer type: an int (a BigInt beyond 2^53, which the adapters give as text);
 * - DECIMAL / NUMERIC and DOUBLE / REAL: a {@link PyDecimal} (agate casts both to Decimal), with
 *   the column's scale when the type names one (`DECIMAL(10,2)`: `1.50`);
 * - DATE: a `date`; TIMESTAMP: a naive `datetime`; TIMESTAMP WITH TIME ZONE: a `datetime` in UTC
 *   (pytz's `Etc/UTC` from DuckDB, `datetime.timezone.utc` from psycopg2);
 * - INTERVAL: the text of Python's `timedelta` (`3 days, 0:00:00`), as agate's Text column holds
 *   it: a month is 30 days, and on PostgreSQL a year 365 (psycopg2's rule; DuckDB's is 12 × 30);
 * - a BLOB: the text of Python's `bytes` (`b'ab'`);
 * - a list, struct or JSON object: its JSON text as Python's `json.dumps` writes it;
 * - text, booleans and NULL (None) as they are.
 */
import { subMillisOf } from '../adapters/adapter.js';
import { PyFloat, pyRepr } from '../jinja/index.js';
import { PyDecimal } from './py-decimal.js';
import { PyDate, PyDatetime, PyTimedelta, UTC, pytzModule, type PyTzinfo } from './py-datetime.js';

/** How a column's values convert, from its engine type. */
export interface ColumnKind {
  family: 'int' | 'decimal' | 'float' | 'date' | 'timestamp' | 'timestamptz' | 'interval' | 'other';
  /** Digits after the point, for a DECIMAL(p, s). */
  scale?: number;
  /**
   * Dates inside a list or struct: `date` (a DATE[]) or `datetime` (a TIMESTAMP[]) print as those;
   * `guess` (a struct of both, an array type PostgreSQL gives no name) prints a UTC midnight as a date.
   */
  nestedDates: 'date' | 'datetime' | 'guess';
  /** Datetimes inside a list or struct carry a zone. */
  nestedZone: boolean;
  /** `{ months, days, micros }` inside a list or struct is an interval. */
  nestedIntervals: boolean;
  /** Days in an interval's year: 365 from PostgreSQL (psycopg2), 360 from DuckDB (12 months of 30 days). */
  yearDays: number;
  /** The tzinfo of a TIMESTAMP WITH TIME ZONE. */
  zone: PyTzinfo;
}

const INT = /^(tinyint|smallint|integer|int|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|uhugeint|int1|int2|int4|int8|int16|int32|int64|int128|oid|long|short|signed)$/i;
const FLOAT = /^(double|double precision|float|real|float4|float8)$/i;
const DECIMAL = /^(?:decimal|numeric)\s*(?:\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?$/i;
const TIMESTAMP = /^(timestamp|timestamp without time zone|datetime|timestamp_s|timestamp_ms|timestamp_us|timestamp_ns)$/i;
const TIMESTAMPTZ = /^(timestamp with time zone|timestamptz)$/i;

/** PostgreSQL's array types that Strata's adapter names by OID: date[], timestamp[], timestamptz[]. */
const PG_ARRAYS: Record<string, string> = { 'oid:1182': 'date[]', 'oid:1115': 'timestamp[]', 'oid:1185': 'timestamptz[]' };

/**
 * The conversion for a column of engine type `type` (`DECIMAL(10,2)`, `int4`, `TIMESTAMP WITH TIME
 * ZONE`…) from the engine `engine` (a profile type: `duckdb`, `postgres`).
 */
export function columnKind(type: string, engine = 'duckdb'): ColumnKind {
  const t = type.trim();
  const named = PG_ARRAYS[t] ?? t;
  const date = /date/i.test(named);
  const timestamp = /timestamp|time zone/i.test(named);
  const nested = {
    nestedDates: date && !timestamp ? ('date' as const) : timestamp && !date ? ('datetime' as const) : ('guess' as const),
    nestedZone: /time zone|timestamptz/i.test(named),
    nestedIntervals: /interval/i.test(named),
    yearDays: engine === 'postgres' ? 365 : 360,
    zone: engine === 'postgres' ? UTC : pytzModule.timezone('Etc/UTC'),
  };
  if (INT.test(t)) return { family: 'int', ...nested };
  if (FLOAT.test(t)) return { family: 'float', ...nested };
  const d = DECIMAL.exec(t);
  if (d) return { family: 'decimal', scale: d[1] === undefined ? (/\(/.test(t) ? 0 : undefined) : Number(d[1]), ...nested };
  if (/^date$/i.test(t)) return { family: 'date', ...nested };
  if (TIMESTAMPTZ.test(t)) return { family: 'timestamptz', ...nested };
  if (TIMESTAMP.test(t)) return { family: 'timestamp', ...nested };
  if (/^interval$/i.test(t)) return { family: 'interval', ...nested };
  return { family: 'other', ...nested };
}

/** The Python value of one cell, as dbt's agate table holds it (before the column-wide cast of {@link ResultTable}). */
export function cellValue(v: unknown, kind: ColumnKind): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v;
    case 'string':
      return kind.family === 'int' && /^-?\d+$/.test(v) ? BigInt(v) : v;
    case 'number':
      if (kind.family === 'int') return Number.isInteger(v) ? v : PyDecimal.fromFloat(v);
      if (kind.family === 'decimal') return kind.scale === undefined ? PyDecimal.parse(String(v))! : PyDecimal.withScale(v, kind.scale);
      if (kind.family === 'float') return PyDecimal.fromFloat(v);
      return Number.isInteger(v) ? v : PyDecimal.fromFloat(v);
    default:
  }
  if (v instanceof Date) {
    if (kind.family === 'date') return new PyDate(v.getTime());
    return new PyDatetime(v, kind.family === 'timestamptz' ? kind.zone : false, subMillisOf(v));
  }
  if (v instanceof Uint8Array) return bytesText(v);
  if (kind.family === 'interval' && isInterval(v)) return String(timedelta(v, kind.yearDays));
  return jsonDumps(v, kind);
}

interface Interval {
  months: number;
  days: number;
  micros: number;
}

function isInterval(v: unknown): v is Interval {
  if (v === null || typeof v !== 'object') return false;
  const keys = Object.keys(v);
  return keys.length === 3 && 'months' in v && 'days' in v && 'micros' in v;
}

/** An interval as Python's drivers give it: a `timedelta`, a month counting 30 days and a year `yearDays`. */
function timedelta(v: Interval, yearDays: number): PyTimedelta {
  const days = Math.trunc(v.months / 12) * yearDays + (v.months % 12) * 30 + v.days;
  return new PyTimedelta(days * 86_400_000_000 + v.micros);
}

/** `str(bytes)`: `b'ab'`, `b'\x00'`. */
export function bytesText(b: Uint8Array): string {
  const q = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let out = 'b' + q;
  for (const c of b) {
    if (c === q.charCodeAt(0) || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += String.fromCharCode(c);
  }
  return out + q;
}

/**
 * Python's `json.dumps(v)` with dbt's ForgivingJSONEncoder, as dbt writes a list or dict cell:
 * `, ` and `: ` separators, non-ASCII escaped, dates in ISO format.
 */
export function jsonDumps(v: unknown, kind: ColumnKind): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(v) ? String(v) : pyRepr(new PyFloat(v));
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return jsonString(v);
  if (v instanceof Date) {
    const dateOnly = kind.nestedDates === 'date' || (kind.nestedDates === 'guess' && v.getTime() % 86_400_000 === 0);
    return jsonString(dateOnly ? new PyDate(v.getTime()).isoformat() : new PyDatetime(v, kind.nestedZone ? kind.zone : false).isoformat());
  }
  if (v instanceof Uint8Array) return jsonString(bytesText(v));
  if (Array.isArray(v)) return '[' + v.map((x) => jsonDumps(x, kind)).join(', ') + ']';
  if (typeof v === 'object') {
    if (kind.nestedIntervals && isInterval(v)) return jsonString(String(timedelta(v, kind.yearDays)));
    return '{' + Object.entries(v).map(([k, x]) => `${jsonString(k)}: ${jsonDumps(x, kind)}`).join(', ') + '}';
  }
  return jsonString(String(v));
}

/** A JSON string as Python writes it (`ensure_ascii`: every non-ASCII character as `\uXXXX`). */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
