/**
 * Streams rows of numbers into one DuckDB table in data chunks of 2,048 rows. Numbers go
 * straight into the chunk's typed vectors, which is many times faster than appending
 * value by value or passing strings; the generators keep text out of JavaScript and let
 * DuckDB format it afterwards. Memory stays flat: a chunk is handed to DuckDB as soon as
 * it is full.
 *
 * Columns are INTEGER (32 bits: half the bytes to copy and append) unless the spec lists
 * them as DOUBLE: times in milliseconds, fractions, and the columns that may be NULL.
 * NULLs are written as NaN into a raw table `<name>__raw`, and `<name>` is a view that
 * turns NaN back into NULL in the nullable columns. A chunk without NULLs never
 * allocates a validity mask, so filling it costs one typed-array store per value (a
 * validity bit per value costs many times that in @duckdb/node-api). The numbers the
 * generators write are never NaN otherwise.
 */
import { DOUBLE, INTEGER, DuckDBDataChunk, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

/** A staging table: its name, ordered column names, and which columns are DOUBLE or nullable. */
export interface ChunkTableSpec {
  readonly name: string;
  readonly columns: readonly string[];
  /** Columns stored as DOUBLE (the others are INTEGER and hold integers of 32 bits). */
  readonly doubles?: readonly string[];
  /** Columns that may be NULL (NaN in the simulation); they are DOUBLE too. */
  readonly nullable?: readonly string[];
}

/** Whether column `name` of `spec` is stored as DOUBLE. */
export function isDoubleColumn(spec: ChunkTableSpec, name: string): boolean {
  return (spec.doubles?.includes(name) ?? false) || (spec.nullable?.includes(name) ?? false);
}

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
  private readonly buffers: (Float64Array | Int32Array)[];
  private readonly types: (typeof DOUBLE | typeof INTEGER)[];
  private filled = 0;
  private closed = false;

  private constructor(
    readonly spec: ChunkTableSpec,
    private readonly appender: DuckDBAppender,
  ) {
    this.buffers = spec.columns.map((name) => (isDoubleColumn(spec, name) ? new Float64Array(CHUNK_ROWS) : new Int32Array(CHUNK_ROWS)));
    this.types = spec.columns.map((name) => (isDoubleColumn(spec, name) ? DOUBLE : INTEGER));
  }

  /**
   * Creates (or replaces) the table behind `schema.spec.name` and the view of that name
   * (see the module doc), and opens a writer on it. `catalog` is the database (an
   * attached one, for example); the default is the connection's current one.
   */
  static async open(connection: DuckDBConnection, schema: string, spec: ChunkTableSpec, catalog?: string): Promise<ChunkWriter> {
    const raw = rawTableName(spec);
    const prefix = catalog === undefined ? quoteIdent(schema) : `${quoteIdent(catalog)}.${quoteIdent(schema)}`;
    const cols = spec.columns.map((name) => `${quoteIdent(name)} ${isDoubleColumn(spec, name) ? 'DOUBLE' : 'INTEGER'}`).join(', ');
    const nulls = spec.columns
      .map((name) => (spec.nullable?.includes(name) ? `nullif(${quoteIdent(name)}, 'nan'::double) as ${quoteIdent(name)}` : quoteIdent(name)))
      .join(', ');
    await connection.run(`create or replace table ${prefix}.${quoteIdent(raw)} (${cols})`);
    await connection.run(`create or replace view ${prefix}.${quoteIdent(spec.name)} as select ${nulls} from ${prefix}.${quoteIdent(raw)}`);
    return new ChunkWriter(spec, await connection.createAppender(raw, schema, catalog ?? null));
  }

  /**
   * Adds rows [from, to) of `columns` (one array per column in the spec's order, NULL as
   * NaN), as the simulation writes them.
   */
  writeColumns(columns: readonly Float64Array[], from: number, to: number): void {
    const buffers = this.buffers;
    this.rows += to - from;
    while (from < to) {
      const n = Math.min(to - from, CHUNK_ROWS - this.filled);
      for (let c = 0; c < buffers.length; c++) buffers[c]!.set(columns[c]!.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === CHUNK_ROWS) this.flushChunk();
    }
  }

  /** Writes the last partial chunk and closes the appender (once; later calls do nothing). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.filled > 0) this.flushChunk();
    this.appender.flushSync();
    this.appender.closeSync();
  }

  private flushChunk(): void {
    const n = this.filled;
    const chunk = DuckDBDataChunk.create(this.types, n);
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
