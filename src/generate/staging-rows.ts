/**
 * Growable column-major buffers for the rows of one staging table: one Float64Array per
 * column, NULL as NaN. The simulation writes values straight into the columns (no array
 * per row), and the buffers go to DuckDB, or to another thread, as they are.
 */

/** The rows of one staging table, column by column. */
export class StagingRows {
  /** One buffer per column; only the first {@link rows} entries are rows. */
  columns: Float64Array[];
  /** Number of rows written. */
  rows = 0;
  private capacity: number;

  constructor(
    readonly width: number,
    capacity = 1024,
  ) {
    this.capacity = capacity;
    this.columns = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  /** Starts a new row and returns its index; the caller fills every column of it. */
  add(): number {
    if (this.rows === this.capacity) this.grow();
    return this.rows++;
  }

  /** Adds a copy of row `r` and returns the index of the copy. */
  duplicate(r: number): number {
    const n = this.add();
    const columns = this.columns;
    for (let c = 0; c < columns.length; c++) columns[c]![n] = columns[c]![r]!;
    return n;
  }

  /** The rows written so far as trimmed copies of the columns; the buffer starts empty again. */
  take(): Float64Array[] {
    const out = this.columns.map((column) => column.slice(0, this.rows));
    this.rows = 0;
    return out;
  }

  private grow(): void {
    this.capacity *= 2;
    this.columns = this.columns.map((column) => {
      const grown = new Float64Array(this.capacity);
      grown.set(column);
      return grown;
    });
  }
}
