/**
 * The result of `run_query` and `load_result(...).table`, shaped like the agate table dbt
 * returns: `.columns` (each with `.name` and `.values()`), `.rows` (indexable by position
 * and by column name), `.column_names`, `.print_table()`.
 */

export interface ColumnInfo {
  name: string;
  /** The engine's type name, such as `VARCHAR` or `integer`. */
  dataType: string;
}

export class ResultColumn {
  constructor(readonly name: string, readonly data_type: string, private readonly data: unknown[]) {}
  values(): unknown[] {
    return this.data;
  }
  toString(): string {
    return `<Column ${this.name}>`;
  }
}

/** A row: an array of values that also answers to column names. */
export type ResultRow = unknown[] & Record<string, unknown>;

export class ResultTable {
  readonly columns: ResultColumn[];
  readonly rows: ResultRow[];
  readonly column_names: string[];
  readonly column_types: string[];

  constructor(columns: ColumnInfo[], rows: unknown[][]) {
    this.column_names = columns.map((c) => c.name);
    this.column_types = columns.map((c) => c.dataType);
    this.rows = rows.map((r) => {
      const row = [...r] as ResultRow;
      columns.forEach((c, i) => {
        if (!/^\d+$/.test(c.name) && !(c.name in Array.prototype)) Object.defineProperty(row, c.name, { value: r[i], enumerable: false });
      });
      return row;
    });
    this.columns = columns.map((c, i) => new ResultColumn(c.name, c.dataType, rows.map((r) => r[i])));
  }

  get length(): number {
    return this.rows.length;
  }

  /** A plain-text table, as dbt's `print_table()` prints to the log. */
  print_table(): string {
    const cells = [this.column_names, ...this.rows.map((r) => r.map((v) => (v === null ? '' : String(v))))];
    const widths = this.column_names.map((_n, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
    const line = (r: unknown[]) => '| ' + r.map((v, i) => String(v ?? '').padEnd(widths[i]!)).join(' | ') + ' |';
    const text = [line(cells[0]!), '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |', ...cells.slice(1).map(line)].join('\n');
    process.stdout.write(text + '\n');
    return '';
  }
}
