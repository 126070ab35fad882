/**
 * Streams rows of numbers into one DuckDB table (all columns DOUBLE) in data chunks of
 * 2,048 rows. Numbers go straight into the chunk's typed vectors, which is many times
 * faster than appending value by value or passing strings; the generators keep text out
 * of JavaScript and let DuckDB format it afterwards. Memory stays flat: a chunk is handed
 * to DuckDB as soon as it is full.
 *
 * NULLs are written as NaN into a raw table `<name>__raw`, and `<name>` is a view that
 * turns NaN back into NULL. A chunk without NULLs never allocates a validity mask, so
 * filling it costs one typed-array store per value (a validity bit per value costs many
 * times that in @duckdb/node-api). The numbers the generators write are never NaN.
 */
import { DOUBLE, DuckDBDataChunk, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

/** A staging table: its name and ordered column names (all DOUBLE). */
export interface ChunkTableSpec {
  readonly name: string;
  readonly columns: readonly string[];
}

/** A value of a staging row: a number, or null. */
export type ChunkValue = number | null;

const CHUNK_ROWS = 2048;

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The name of the raw (NaN for NULL) table behind the view `spec.name`. */
export function rawTableName(spec: ChunkTableSpec): string {
  return `${spec.name}__raw`;
}

/** Appends rows of one table chunk by chunk; call {@link close} once at the end. */
export class ChunkWriter {
  /** Rows written so far. */
  rows = 0;
  private readonly buffers: Float64Array[];
  private filled = 0;

  private constructor(
    readonly spec: ChunkTableSpec,
    private readonly appender: DuckDBAppender,
  ) {
    this.buffers = spec.columns.map(() => new Float64Array(CHUNK_ROWS));
  }

  /**
   * Creates (or replaces) the table behind `schema.spec.name` and the view of that name
   * (see the module doc), and opens a writer on it.
   */
  static async open(connection: DuckDBConnection, schema: string, spec: ChunkTableSpec): Promise<ChunkWriter> {
    const raw = rawTableName(spec);
    const cols = spec.columns.map((name) => `${quoteIdent(name)} DOUBLE`).join(', ');
    const nulls = spec.columns.map((name) => `nullif(${quoteIdent(name)}, 'nan'::double) as ${quoteIdent(name)}`).join(', ');
    await connection.run(`create or replace table ${quoteIdent(schema)}.${quoteIdent(raw)} (${cols})`);
    await connection.run(`create or replace view ${quoteIdent(schema)}.${quoteIdent(spec.name)} as select ${nulls} from ${quoteIdent(schema)}.${quoteIdent(raw)}`);
    return new ChunkWriter(spec, await connection.createAppender(raw, schema));
  }

  /** Adds one row; `values` follow the spec's column order. */
  write(values: readonly ChunkValue[]): void {
    const i = this.filled;
    const buffers = this.buffers;
    for (let c = 0; c < buffers.length; c++) buffers[c]![i] = values[c] ?? Number.NaN;
    this.filled = i + 1;
    this.rows++;
    if (this.filled === CHUNK_ROWS) this.flushChunk();
  }

  /**
   * Adds `rows` rows packed end to end in `data` (each row `spec.columns.length`
   * numbers in column order, NULL as NaN), as a simulated block carries them.
   */
  writePacked(data: Float64Array, rows: number): void {
    const buffers = this.buffers;
    const width = buffers.length;
    let at = 0;
    for (let r = 0; r < rows; r++) {
      const i = this.filled;
      for (let c = 0; c < width; c++) buffers[c]![i] = data[at + c]!;
      at += width;
      this.filled = i + 1;
      if (this.filled === CHUNK_ROWS) this.flushChunk();
    }
    this.rows += rows;
  }

  /** Writes the last partial chunk and closes the appender. */
  close(): void {
    if (this.filled > 0) this.flushChunk();
    this.appender.flushSync();
    this.appender.closeSync();
  }

  private flushChunk(): void {
    const n = this.filled;
    const chunk = DuckDBDataChunk.create(this.buffers.map(() => DOUBLE), n);
    for (let c = 0; c < this.buffers.length; c++) {
      const vector = chunk.getColumnVector(c);
      const buffer = this.buffers[c]!;
      for (let r = 0; r < n; r++) vector.setItem(r, buffer[r]!);
      vector.flush();
    }
    this.appender.appendDataChunk(chunk);
    this.filled = 0;
  }
}
