/**
 * PostgreSQL's text values → the plain JavaScript values promised by `QueryResult`, the
 * same as DuckDB's: BIGINT a number when exact (a decimal string otherwise), NUMERIC a
 * number, DATE its UTC midnight, TIMESTAMP a UTC instant (whatever the process's time
 * zone), TIMESTAMPTZ its instant, INTERVAL `{ months, days, micros }`, TIME its text.
 * Also the names of the common type OIDs, for result column types.
 */
import pg from 'pg';
import { withSubMillis } from '../adapter.js';

/** Type OIDs of the built-in types this module converts or names. */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
  name: 19,
  tstzrange: 3910,
  tsrange: 3908,
  daterange: 3912,
  int8Array: 1016,
  numericArray: 1231,
} as const;

const NAMES = new Map<number, string>(Object.entries(OID).map(([k, v]) => [v, k.endsWith('Array') ? `${k.slice(0, -5)}[]` : k]));

/** A readable type name for a result column's type OID (`int4`, `text`, …; `oid:<n>` when unknown). */
export function typeName(oid: number): string {
  return NAMES.get(oid) ?? `oid:${oid}`;
}

/** An integer's text as a number when exactly representable, else the text. */
export function bigintValue(s: string): number | string {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

/** `YYYY-MM-DD` (or ±infinity, or BC) → its UTC midnight. */
export function dateValue(s: string): Date | string {
  if (s === 'infinity' || s === '-infinity') return s;
  const bc = s.endsWith(' BC');
  const m = /^(\d{4,})-(\d\d)-(\d\d)/.exec(s);
  if (!m) return s;
  // setUTCFullYear takes the year, month and day at once (Date.UTC maps years 0–99 to 19xx).
  const d = new Date(0);
  d.setUTCFullYear(bc ? 1 - Number(m[1]) : Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` without a zone → that wall-clock time read as UTC. */
export function timestampValue(s: string): Date | string {
  if (s === 'infinity' || s === '-infinity') return s;
  const m = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?( BC)?$/.exec(s);
  if (!m) return s;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const d = new Date(0);
  d.setUTCFullYear(m[8] ? 1 - Number(m[1]) : Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), ms);
  return withSubMillis(d, subMillis(m[7]));
}

/** A TIMESTAMPTZ's text → its instant (pg's parser), keeping its microseconds. */
export function timestamptzValue(s: string): Date | string {
  const d = (pg.types.getTypeParser(OID.timestamptz, 'text') as (v: string) => Date | string)(s);
  return d instanceof Date ? withSubMillis(d, subMillis(/^[^.]*:\d\d\.(\d+)/.exec(s)?.[1])) : d;
}

/** The microseconds below the millisecond in a fraction of a second's digits. */
const subMillis = (fraction: string | undefined) => (fraction && fraction.length > 3 ? Number(fraction.slice(3, 6).padEnd(3, '0')) : 0);

/** An interval in its `postgres-interval` parsed form (the pg default parser's output). */
interface ParsedInterval {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/** An INTERVAL's text → `{ months, days, micros }` as DuckDB gives it. */
export function intervalValue(s: string): { months: number; days: number; micros: number } {
  const parse = pg.types.getTypeParser(OID.interval, 'text') as (v: string) => ParsedInterval;
  const p = parse(s);
  const micros = Math.round(((p.hours ?? 0) * 3600 + (p.minutes ?? 0) * 60 + (p.seconds ?? 0)) * 1e6 + (p.milliseconds ?? 0) * 1e3);
  return { months: (p.years ?? 0) * 12 + (p.months ?? 0), days: p.days ?? 0, micros };
}

/**
 * The type parsers a connection uses: pg's defaults except for the types converted
 * above. Given to `new pg.Client({ types })`.
 */
export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case OID.int8:
        return bigintValue;
      case OID.numeric:
        return (s: string) => (s === 'NaN' ? NaN : Number(s));
      case OID.date:
        return dateValue;
      case OID.timestamp:
        return timestampValue;
      case OID.timestamptz:
        return timestamptzValue;
      case OID.interval:
        return intervalValue;
      case OID.int8Array:
      case OID.numericArray: {
        const arr = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (v: string) => (string | null)[];
        return (s: string) => arr(s).map((x) => (x === null ? null : oid === OID.int8Array ? bigintValue(x) : Number(x)));
      }
      default:
        return pg.types.getTypeParser(oid, 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};
