/**
 * The result of `run_query` and `load_result(...).table`, shaped like the agate Table dbt
 * returns:
 * - the table iterates its rows (`for row in table`), has a length, and `table[0]` is a row;
 * - `.rows` and `.columns` are MappedSequences: indexable by position and (columns) by name,
 *   iterable over their values, with `keys()`, `values()`, `items()`, `get()`, `dict()`;
 * - a row is a MappedSequence of its values keyed by column names (`row[0]`, `row['id']`,
 *   `row.id`); a column (`.name`, `.data_type`, `.index`) of its values (`column.values()`);
 * - `.column_names`, `.column_types` (agate's data types), `.print_table()`, `.print_structure()`,
 *   and `str(table)` is its structure, as agate prints them.
 * Values are Python's (see result-values.ts). Columns of the same name are renamed `a_2`, `a_3`,
 * as dbt names them.
 */
import { PY_GETITEM, PY_LEN, PY_REPR, PY_TYPE, isUndefined, makeTuple, pyRepr, pyStr } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { bindArgs } from './args.js';
import { PyDecimal } from './py-decimal.js';
import { PyDate, PyDatetime } from './py-datetime.js';
import { cellValue, columnKind } from './result-values.js';

export interface ColumnInfo {
  name: string;
  /** The engine's type name, such as `VARCHAR` or `int4`. */
  dataType: string;
}

/** The name of an agate data type, as `print_structure()` prints it. */
export type AgateTypeName = 'Text' | 'Integer' | 'Number' | 'Boolean' | 'Date' | 'DateTime';

/** An agate data type (a column's `data_type`, an entry of `column_types`). */
export class AgateType {
  constructor(readonly name: AgateTypeName) {}
  get [PY_TYPE](): string {
    return this.name;
  }
  [PY_REPR](): string {
    const module = this.name === 'Integer' || this.name === 'Number' ? 'dbt_common.clients.agate_helper' : 'agate.data_types';
    return `<${module}.${this.name} object>`;
  }
  toString(): string {
    return this[PY_REPR]();
  }
}

const TYPES = new Map<AgateTypeName, AgateType>((['Text', 'Integer', 'Number', 'Boolean', 'Date', 'DateTime'] as const).map((n) => [n, new AgateType(n)]));

/**
 * agate's MappedSequence: values reachable by position (`s[0]`, `s[-1]`, `s[1:]`) and, when it
 * has keys, by key (`s['id']`, and `s.id` where no method has the name); iterating gives the
 * values; `len`, `in` (among the values), `keys()`, `values()`, `items()`, `get()`, `dict()`.
 */
export class MappedSequence {
  #values: readonly unknown[] | (() => readonly unknown[]);
  readonly #keys: readonly string[] | null;
  #index: ReadonlyMap<string, number> | undefined;

  /** `index`: the position of each key, when the caller already has it (rows share their table's). */
  constructor(values: readonly unknown[] | (() => readonly unknown[]), keys: readonly string[] | null = null, index?: ReadonlyMap<string, number>) {
    this.#values = values;
    this.#keys = keys;
    this.#index = index;
  }

  /** The values, read once. */
  #all(): readonly unknown[] {
    const v = this.#values;
    if (typeof v !== 'function') return v;
    const all = v();
    this.#values = all;
    return all;
  }

  #position(key: string): number | undefined {
    if (!this.#keys) return undefined;
    this.#index ??= new Map(this.#keys.map((k, i) => [k, i]));
    return this.#index.get(key);
  }

  get [PY_TYPE](): string {
    return 'agate.MappedSequence';
  }

  [PY_GETITEM](key: unknown): unknown {
    const all = this.#all();
    if (typeof key === 'number' && Number.isInteger(key)) return all[key < 0 ? key + all.length : key];
    if (typeof key !== 'string') return undefined;
    const i = this.#position(key);
    return i === undefined ? undefined : all[i];
  }

  [PY_LEN](): number {
    return this.#all().length;
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this.#all()[Symbol.iterator]();
  }

  /** The keys (a tuple), or None when the values have none (a column's, a table's rows). */
  keys(): unknown[] | null {
    return this.#keys ? makeTuple([...this.#keys]) : null;
  }

  /** The values, as a tuple. */
  values(): unknown[] {
    return makeTuple([...this.#all()]);
  }

  /** `(key, value)` pairs, as a tuple. */
  items(): unknown[] {
    const keys = this.#keys;
    if (!keys) throw new StrataError('jinja-call', `${this[PY_TYPE]} has no keys: items() needs them`);
    const all = this.#all();
    return makeTuple(keys.map((k, i) => makeTuple([k, all[i]])));
  }

  /** The value of `key`; else `default`, or None when it is false (agate's `if default: return default`). */
  get(key: unknown, dflt: unknown = null): unknown {
    const v = typeof key === 'string' ? this[PY_GETITEM](key) : undefined;
    if (v !== undefined) return v;
    const falsy = dflt === undefined || dflt === null || dflt === false || dflt === 0 || dflt === '' || isUndefined(dflt) || (Array.isArray(dflt) && dflt.length === 0);
    return falsy ? null : dflt;
  }

  /** The keys and values as a dict. */
  dict(): Record<string, unknown> {
    const keys = this.#keys;
    if (!keys) throw new StrataError('jinja-call', `${this[PY_TYPE]} has no keys: dict() needs them`);
    const all = this.#all();
    const out = Object.create(null) as Record<string, unknown>;
    keys.forEach((k, i) => Object.defineProperty(out, k, { value: all[i], writable: true, enumerable: true, configurable: true }));
    return out;
  }

  [PY_REPR](): string {
    const all = this.#all();
    const sample = all.slice(0, 5).map((v) => pyRepr(v)).join(', ');
    return `<${this[PY_TYPE]}: (${all.length > 5 ? `${sample}, ...` : sample})>`;
  }

  toString(): string {
    return this[PY_REPR]();
  }
}

/** A row: its values, keyed by the table's column names. */
export class ResultRow extends MappedSequence {
  override get [PY_TYPE](): string {
    return 'agate.Row';
  }
}

/** A column: its values down the rows, with its name, position and agate data type. */
export class ResultColumn extends MappedSequence {
  readonly #name: string;
  readonly #type: AgateType;
  readonly #at: number;

  constructor(index: number, name: string, type: AgateType, rows: readonly ResultRow[]) {
    super(() => rows.map((r) => r[PY_GETITEM](index)));
    this.#at = index;
    this.#name = name;
    this.#type = type;
  }

  override get [PY_TYPE](): string {
    return 'agate.Column';
  }
  get name(): string {
    return this.#name;
  }
  get data_type(): AgateType {
    return this.#type;
  }
  get index(): number {
    return this.#at;
  }
  /** The distinct values (a tuple). */
  values_distinct(): unknown[] {
    const seen = new Map<string, unknown>();
    for (const v of this) seen.set(pyRepr(v), v);
    return makeTuple([...seen.values()]);
  }
  /** The values that are not None (a tuple). */
  values_without_nulls(): unknown[] {
    return makeTuple([...this].filter((v) => v !== null));
  }
  /** The values sorted, None last (a list). */
  values_sorted(): unknown[] {
    return sortNullsLast([...this]);
  }
  /** The values that are not None, sorted (a list). */
  values_without_nulls_sorted(): unknown[] {
    return sortNullsLast([...this].filter((v) => v !== null));
  }
}

/** A column's values in order, None after the rest (agate's null_handler). */
function sortNullsLast(values: unknown[]): unknown[] {
  const key = (v: unknown): number | string =>
    typeof v === 'string' ? v : v instanceof PyDate ? v.isoformat() : v instanceof PyDatetime ? v.utcUs : Number(v);
  return values.sort((a, b) => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Names as dbt gives them: the second column named `a` is `a_2`, the third `a_3`. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = seen.get(n);
    if (count === undefined) {
      seen.set(n, 1);
      return n;
    }
    seen.set(n, count + 1);
    return `${n}_${count + 1}`;
  });
}

/** agate's type for a column of Python values, and the values cast to it (an Integer beside a Number becomes a Decimal). */
function columnType(values: unknown[]): AgateTypeName {
  let type: AgateTypeName | undefined;
  for (const v of values) {
    if (v === null) continue;
    const t: AgateTypeName =
      typeof v === 'string' ? 'Text'
      : typeof v === 'boolean' ? 'Boolean'
      : typeof v === 'number' || typeof v === 'bigint' ? 'Integer'
      : v instanceof PyDecimal ? 'Number'
      : v instanceof PyDate ? 'Date'
      : v instanceof PyDatetime ? 'DateTime'
      : 'Text';
    if (type === undefined || type === t) type = t;
    else if ((type === 'Integer' && t === 'Number') || (type === 'Number' && t === 'Integer')) type = 'Number';
    else return 'Text';
  }
  return type ?? 'Integer';
}

function castTo(type: AgateTypeName, v: unknown): unknown {
  if (v === null) return v;
  if (type === 'Text') return typeof v === 'string' ? v : pyStr(v);
  if (type === 'Number' && (typeof v === 'number' || typeof v === 'bigint')) return PyDecimal.parse(String(v));
  return v;
}

/** The table `run_query` returns. */
export class ResultTable {
  /** The columns, by position and by name. */
  readonly columns: MappedSequence;
  /** The rows, by position. */
  readonly rows: MappedSequence;
  /** The column names (a tuple). */
  readonly column_names: string[];
  /** agate's data type of each column (a tuple). */
  readonly column_types: AgateType[];
  /** Rows have no names (agate's `row_names`). */
  readonly row_names = null;
  readonly #rows: ResultRow[];

  /**
   * A table of Python values (use {@link ResultTable.fromQuery} for an adapter's result): each
   * column takes agate's type for its values, and its values are cast to it.
   */
  constructor(columns: readonly string[], rows: readonly unknown[][]) {
    const names = uniqueNames(columns);
    const types = names.map((_n, i) => columnType(rows.map((r) => r[i] ?? null)));
    const index = new Map(names.map((n, i) => [n, i]));
    const keys = Object.freeze(names);
    this.#rows = rows.map((r) => new ResultRow(names.map((_n, i) => castTo(types[i]!, r[i] ?? null)), keys, index));
    this.rows = new MappedSequence(this.#rows);
    this.column_names = makeTuple([...names]);
    this.column_types = makeTuple(types.map((t) => TYPES.get(t)!));
    this.columns = new MappedSequence(names.map((n, i) => new ResultColumn(i, n, TYPES.get(types[i]!)!, this.#rows)), keys, index);
  }

  /**
   * The table of an adapter's query result: its values converted as Python's driver for `engine`
   * (the profile type) and agate would.
   */
  static fromQuery(columns: readonly ColumnInfo[], rows: readonly unknown[][], engine?: string): ResultTable {
    const kinds = columns.map((c) => columnKind(c.dataType, engine));
    return new ResultTable(
      columns.map((c) => c.name),
      rows.map((r) => kinds.map((k, i) => cellValue(r[i], k))),
    );
  }

  get [PY_TYPE](): string {
    return 'agate.Table';
  }
  [PY_GETITEM](key: unknown): unknown {
    return this.rows[PY_GETITEM](key);
  }
  [PY_LEN](): number {
    return this.#rows.length;
  }
  [Symbol.iterator](): Iterator<ResultRow> {
    return this.#rows[Symbol.iterator]();
  }

  /**
   * Print the table to standard output as agate does (GitHub-flavoured Markdown): at most
   * `max_rows` rows and `max_columns` columns, text cut at `max_column_width`, numbers with
   * thousands separators and at most `max_precision` decimals. Returns None.
   */
  print_table(...args: unknown[]): null {
    const a = bindArgs('print_table', args, ['max_rows', 'max_columns', 'output', 'max_column_width', 'locale', 'max_precision'], {
      max_rows: 20, max_columns: 6, max_column_width: 20, max_precision: 3,
    });
    process.stdout.write(this.#format(a.max_rows as number | null, a.max_columns as number | null, a.max_column_width as number | null, a.max_precision as number | null));
    return null;
  }

  /** Print the column names and types (what `str(table)` gives). Returns None. */
  print_structure(...args: unknown[]): null {
    const a = bindArgs('print_structure', args, ['output', 'max_rows'], { max_rows: null });
    process.stdout.write(this.#structure(a.max_rows as number | null));
    return null;
  }

  #structure(maxRows: number | null = null): string {
    return new ResultTable(['column', 'data_type'], this.column_names.map((n, i) => [n, this.column_types[i]!.name])).#format(maxRows, null, null, 3);
  }

  #format(maxRows: number | null, maxColumns: number | null, maxWidth: number | null, maxPrecision: number | null): string {
    const rows = this.#rows;
    const types = this.column_types;
    const names = this.column_names;
    const nRows = maxRows ?? rows.length;
    const nCols = maxColumns ?? names.length;
    const cut = (s: string) => (maxWidth !== null && s.length > maxWidth ? s.slice(0, maxWidth - 3) + '...' : s);
    const header = names.slice(0, nCols).map(cut);
    if (nCols < names.length) header.push('...');
    const widths = header.map((h) => h.length);
    const formatters = types.slice(0, nCols).map((t, j) => (t.name === 'Number' ? numberFormatter(rows.slice(0, nRows).map((r) => r[PY_GETITEM](j)), maxPrecision ?? Infinity) : null));
    const body = rows.slice(0, nRows).map((row) => {
      const out: string[] = [];
      for (let j = 0; j < names.length; j++) {
        const v = row[PY_GETITEM](j);
        let s = j >= nCols ? '...' : v === null ? '' : formatters[j] && !(v instanceof PyDecimal && v.digits === 'Infinity') ? formatters[j]!(v as PyDecimal) : pyStr(v);
        s = cut(s);
        widths[j] = Math.max(widths[j]!, s.length);
        out.push(s);
        if (j >= nCols) break;
      }
      return out;
    });
    const line = (cells: string[]) => '|' + cells.map((c, j) => ` ${types[j]?.name === 'Text' ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)} `).join('|') + '|\n';
    let text = line(header) + `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`;
    for (const cells of body) text += line(cells);
    if (nRows < rows.length) text += line(header.map(() => '...'));
    return text;
  }

  [PY_REPR](): string {
    return '<agate.table.Table object>';
  }

  /** agate's `str(table)`: its structure. */
  toString(): string {
    return this.#structure();
  }
}

/** agate's number format for a Number column: as many decimals as its values need (at most `maxPrecision`, then `…`), thousands separated. */
function numberFormatter(values: unknown[], maxPrecision: number): (d: PyDecimal) => string {
  let places = 0;
  for (const v of values) {
    if (!(v instanceof PyDecimal) || !v.isFinite()) continue;
    const trailing = v.digits === '0' ? 0 : v.digits.length - v.digits.replace(/0+$/, '').length;
    places = Math.max(places, -(v.exponent + trailing));
  }
  const ellipsis = places > maxPrecision;
  if (ellipsis) places = maxPrecision;
  return (d) => {
    if (!d.isFinite()) return 'NaN';
    const text = d.quantize(places).toString().replace(/^-/, '');
    const [whole, frac] = text.includes('E') ? [text, undefined] : text.split('.');
    const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (d.negative ? '-' : '') + grouped + (frac ? '.' + frac : '') + (ellipsis ? '…' : '');
  };
}
