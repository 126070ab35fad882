/**
 * Streams rows of numbers into one DuckDB table (all columns DOUBLE) in data chunks of
 * 2,048 rows. Numbers go straight into the chunk's typed vectors, which is many times
 * faster than appending value by value or passing strings; the generators keep text out
 * of JavaScript and let DuckDB format it afterwards. Memory stays flat: a chunk is handed
 * to DuckDB as soon as it is full.
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

/** Appends rows of one table chunk by chunk; call {@link close} once at the end. */
export class ChunkWriter {
  /** Rows written so far. */
  rows = 0;
  private readonly buffers: ChunkValue[][];
  private filled = 0;

  private constructor(
    readonly spec: ChunkTableSpec,
    private readonly appender: DuckDBAppender,
  ) {
    this.buffers = spec.columns.map(() => new Array<ChunkValue>(CHUNK_ROWS).fill(null));
  }

  /** Creates (or replaces) the table `schema.spec.name` and opens a writer on it. */
  static async open(connection: DuckDBConnection, schema: string, spec: ChunkTableSpec): Promise<ChunkWriter> {
    const cols = spec.columns.map((name) => `${quoteIdent(name)} DOUBLE`).join(', ');
    await connection.run(`create or replace table ${quoteIdent(schema)}.${quoteIdent(spec.name)} (${cols})`);
    return new ChunkWriter(spec, await connection.createAppender(spec.name, schema));
  }

  /** Adds one row; `values` follow the spec's column order. */
  write(values: readonly ChunkValue[]): void {
    const i = this.filled;
    const buffers = this.buffers;
    for (let c = 0; c < buffers.length; c++) buffers[c]![i] = values[c] ?? null;
    this.filled = i + 1;
    this.rows++;
    if (this.filled === CHUNK_ROWS) this.flushChunk();
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
    chunk.setColumns(this.buffers.map((b) => (n === CHUNK_ROWS ? b : b.slice(0, n))));
    this.appender.appendDataChunk(chunk);
    this.filled = 0;
  }
}
