/**
 * Column types for a seed loaded by an engine that does not read CSV files itself
 * (PostgreSQL's COPY needs the table first): every value of each column is scanned once
 * and the narrowest type that holds them all is chosen — boolean, integer (bigint when a value
 * needs it), numeric, date, timestamp, timestamptz, else text. Empty fields are NULL and do not decide. A seed's
 * `column_types` override the guess.
 */
import { readFileSync } from 'node:fs';

/** The kinds a column can be guessed as, narrowest first. */
type Kind = 'empty' | 'boolean' | 'integer' | 'decimal' | 'date' | 'timestamp' | 'timestamptz' | 'text';

const INT = /^[+-]?\d+$/;
const DEC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOL = /^(true|false)$/i;
const DATE = /^\d{4}-\d\d-\d\d$/;
const TS = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/;
const TSTZ = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)$/i;

/** Whether `v` is digits with an optional sign (and, with `dot`, at most one decimal point) — faster than a pattern. */
function numeric(v: string, dot: boolean): boolean {
  let i = v.charCodeAt(0) === 43 || v.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= v.length) return false;
  let dots = 0;
  let digits = 0;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dot && dots === 0) dots++;
    else return false;
  }
  return digits > 0;
}

const pattern = (re: RegExp) => (v: string) => re.test(v);

/** Whether a value fits a kind already found (decimal also takes integers, timestamp also dates). */
const SAME: Record<Exclude<Kind, 'empty'>, (v: string) => boolean> = {
  boolean: pattern(BOOL),
  integer: (v) => numeric(v, false),
  decimal: (v) => numeric(v, true) || DEC.test(v),
  date: pattern(DATE),
  timestamp: pattern(/^\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d(\.\d+)?)?)?$/),
  timestamptz: pattern(TSTZ),
  text: () => true,
};

function kindOf(v: string): Kind {
  if (v === '') return 'empty';
  if (BOOL.test(v)) return 'boolean';
  if (INT.test(v)) return 'integer';
  if (DEC.test(v)) return 'decimal';
  if (DATE.test(v)) return 'date';
  if (TS.test(v)) return 'timestamp';
  if (TSTZ.test(v)) return 'timestamptz';
  return 'text';
}

function widen(a: Kind, b: Kind): Kind {
  if (a === b || b === 'empty') return a;
  if (a === 'empty') return b;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('decimal')) return 'decimal';
  if (pair.has('date') && pair.has('timestamp')) return 'timestamp';
  if (pair.has('timestamp') && pair.has('timestamptz')) return 'timestamptz';
  return 'text';
}

const TYPE: Record<Kind, string> = {
  empty: 'text',
  boolean: 'boolean',
  integer: 'bigint',
  decimal: 'numeric',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  text: 'text',
};

/**
 * Calls `onRecord(fields, quoted)` for each record of a CSV text (quotes, doubled quotes,
 * newlines inside quotes). Lines without a quote take a fast path (a plain split).
 */
export function eachCsvRecord(text: string, delimiter: string, onRecord: (fields: string[], quoted: boolean[]) => void): void {
  const unquoted: boolean[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    const line = text.charCodeAt(eol - 1) === 13 ? text.slice(pos, eol - 1) : text.slice(pos, eol);
    if (!line.includes('"')) {
      pos = eol + 1;
      if (line === '') continue;
      const fields = line.split(delimiter);
      while (unquoted.length < fields.length) unquoted.push(false);
      onRecord(fields, unquoted);
      continue;
    }
    pos = slowRecord(text, pos, delimiter, onRecord);
  }
}

/** Parse one record with quotes starting at `start`; returns where the next record starts. */
function slowRecord(text: string, start: number, delimiter: string, onRecord: (fields: string[], quoted: boolean[]) => void): number {
  const fields: string[] = [];
  const quotedFlags: boolean[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = start;
  const n = text.length;
  const end = () => {
    fields.push(field);
    quotedFlags.push(wasQuoted);
    field = '';
    wasQuoted = false;
  };
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
      i++;
    } else if (text.startsWith(delimiter, i)) {
      end();
      i += delimiter.length;
    } else if (ch === '\n' || ch === '\r') {
      end();
      onRecord(fields, quotedFlags);
      return i + (ch === '\r' && text[i + 1] === '\n' ? 2 : 1);
    } else {
      field += ch;
      i++;
    }
  }
  end();
  onRecord(fields, quotedFlags);
  return n;
}

/**
 * The SQL type of each column of the CSV file (header names in order), from its values
 * and the `column_types` overrides (matched case-insensitively).
 */
export function inferSeedTypes(path: string, delimiter: string, header: string[], columnTypes: Record<string, string>): { name: string; type: string }[] {
  const kinds: Kind[] = header.map(() => 'empty');
  // integer columns are `integer`, as dbt makes them, unless a value needs `bigint`
  const wide: boolean[] = header.map(() => false);
  const needsBigint = (v: string) => v.length > 9 && Math.abs(Number(v.replace(/_/g, ''))) > 2_147_483_647;
  let first = true;
  eachCsvRecord(readFileSync(path, 'utf8'), delimiter, (fields, quoted) => {
    if (first) {
      first = false;
      return;
    }
    for (let c = 0; c < kinds.length; c++) {
      if (kinds[c] === 'text') continue;
      let v = fields[c] ?? '';
      if (v === '') {
        // A quoted empty string is an empty text, not NULL.
        if (quoted[c]) kinds[c] = 'text';
        continue;
      }
      const current = kinds[c]!;
      // Most values fit the kind already found: one test.
      if (current !== 'empty' && SAME[current](v)) {
        if (current === 'integer' && !wide[c] && needsBigint(v.trim())) wide[c] = true;
        continue;
      }
      v = v.trim();
      kinds[c] = widen(current, kindOf(v));
      if (kinds[c] === 'integer' && needsBigint(v)) wide[c] = true;
    }
  });
  const overrides = new Map(Object.entries(columnTypes).map(([k, v]) => [k.toLowerCase(), v]));
  return header.map((name, c) => ({ name, type: overrides.get(name.toLowerCase()) ?? (kinds[c] === 'integer' && !wide[c] ? 'integer' : TYPE[kinds[c]!]) }));
}
