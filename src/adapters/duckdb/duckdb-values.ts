/**
 * Converting DuckDB's JavaScript values (`getRowsJS`) to the plain values promised by
 * `QueryResult`: bigints become numbers when exact and decimal strings otherwise; the
 * rest is kept (Dates, arrays, objects), converted recursively.
 */
import { withSubMillis } from '../adapter.js';

/** A plain value from a DuckDB value in its `getRowsJS` form. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(plainValue);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plainValue(x);
  return out;
}

/** A TIME value (microseconds since midnight) as `HH:MM:SS` with a fraction when present. */
export function timeText(micros: number): string {
  const total = Math.floor(micros / 1e6);
  const frac = micros % 1e6;
  const two = (n: number) => String(n).padStart(2, '0');
  const base = `${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
  return frac ? `${base}.${String(frac).padStart(6, '0')}` : base;
}

/** Every value of every row converted with {@link plainValue}; TIME columns (by `types`) become text. */
export function plainRows(rows: unknown[][], types: string[] = []): unknown[][] {
  const isTime = types.map((t) => t === 'TIME');
  return rows.map((r) =>
    r.map((v, i) => {
      const p = plainValue(v);
      return isTime[i] && typeof p === 'number' ? timeText(p) : p;
    }),
  );
}

/**
 * The microseconds of a TIMESTAMP or TIMESTAMPTZ column, which `getRowsJS`'s Dates lose: each
 * Date is set from the column's value (`cell`, DuckDB's own, holds `micros`), its millisecond
 * rounded down (`getRowsJS` rounds toward zero, a millisecond late before 1970) and the
 * microseconds below it put on it.
 */
export function keepMicros(columns: { type: string }[], rows: unknown[][], cell: (col: number, row: number) => unknown): void {
  columns.forEach((c, i) => {
    if (c.type !== 'TIMESTAMP' && c.type !== 'TIMESTAMP WITH TIME ZONE') return;
    for (let r = 0; r < rows.length; r++) {
      const d = rows[r]![i];
      const micros = (cell(i, r) as { micros?: unknown } | null)?.micros;
      if (!(d instanceof Date) || typeof micros !== 'bigint') continue;
      const below = ((micros % 1000n) + 1000n) % 1000n;
      const ms = Number((micros - below) / 1000n);
      // ±infinity lies outside a Date's range: left as getRowsJS gives it
      if (Math.abs(ms) > 8.64e15) continue;
      d.setTime(ms);
      withSubMillis(d, Number(below));
    }
  });
}
