/**
 * Moves simulated rows into the generated tables in batches, overlapping JavaScript and
 * DuckDB. Rows are appended to numeric staging tables in an in-memory database (nothing
 * is compressed or written to disk for them). Each staging table has two slots: when the
 * slot being filled holds a batch, the statements that read it (an `INSERT … SELECT` per
 * output table, which formats the rows) run on other connections, several at once, while
 * the simulation goes on filling the other slot. Memory stays bounded by two batches per
 * table whatever the size of the output.
 *
 * A batch is a whole number of DuckDB row groups: an INSERT of at least a row group is
 * written to the database file directly, compressed once, where a smaller one goes
 * through the write-ahead log and is compressed again at checkpoints (measured on 1 M
 * update rows: batches of about a quarter of a row group cost 2.8× the CPU of one
 * INSERT of everything per table; batches of two row groups about 1.1×).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ChunkWriter, quoteIdent, type ChunkTableSpec } from './chunk-writer.js';

/** An INSERT … SELECT reading one staging table. */
export interface StagedLoad {
  /** The staging table it reads. */
  reads: string;
  sql: string;
}

/** Options of {@link StagingPipeline.open}. */
export interface StagingPipelineOptions {
  /** The staging tables, in the order the appended blocks list them. */
  specs: readonly ChunkTableSpec[];
  /** The statements that move a slot's rows into the output tables, given the slot's catalog and schema. */
  loadStatements: (catalog: string, schema: string) => StagedLoad[];
  /** Rows of a staging table loaded at once (default {@link BATCH_ROWS}). */
  batchRows?: number;
  /** Connections running loads at the same time (default {@link LOAD_CONNECTIONS}). */
  loadConnections?: number;
}

const CATALOG = 'strata_generate_staging';
/** DuckDB's rows per row group. */
const ROW_GROUP = 122_880;
/** Rows of a staging table per load: two row groups. */
export const BATCH_ROWS = 2 * ROW_GROUP;
/**
 * Connections running loads at the same time. A batch is a couple of row groups, which
 * DuckDB scans in a thread or two: running the loads of several tables at once is what
 * keeps every core busy.
 */
const LOAD_CONNECTIONS = 3;

/** One staging table: its two slots and the writer of the slot being filled. */
interface StagingTable {
  readonly spec: ChunkTableSpec;
  slot: number;
  writer: ChunkWriter;
  /** The load of each slot's rows still running, if any. */
  readonly loads: [Promise<void>, Promise<void>];
}

/** Double-buffered staging tables and their loads (see the module doc). */
export class StagingPipeline {
  /** Statements waiting for a free load connection, oldest first. */
  private readonly queue: { sql: string; done: (error?: unknown) => void }[] = [];
  private readonly batchRows: number;
  /** Load statements of each slot, by staging table name. */
  private readonly statements: Map<string, string[]>[];
  private closed = false;

  private constructor(
    private readonly appendConnection: DuckDBConnection,
    private readonly idle: DuckDBConnection[],
    private readonly loaders: readonly DuckDBConnection[],
    options: StagingPipelineOptions,
    private readonly tables: StagingTable[],
  ) {
    this.batchRows = options.batchRows ?? BATCH_ROWS;
    this.statements = [0, 1].map((slot) => {
      const bySource = new Map<string, string[]>();
      for (const load of options.loadStatements(CATALOG, slotSchema(slot))) {
        bySource.set(load.reads, [...(bySource.get(load.reads) ?? []), load.sql]);
      }
      return bySource;
    });
  }

  /** Attaches the in-memory staging database and opens the first slot of every table. */
  static async open(instance: DuckDBInstance, appendConnection: DuckDBConnection, options: StagingPipelineOptions): Promise<StagingPipeline> {
    await appendConnection.run(`attach if not exists ':memory:' as ${quoteIdent(CATALOG)}`);
    for (const slot of [0, 1]) await appendConnection.run(`create schema if not exists ${quoteIdent(CATALOG)}.${quoteIdent(slotSchema(slot))}`);
    const loaders: DuckDBConnection[] = [];
    for (let i = 0; i < (options.loadConnections ?? LOAD_CONNECTIONS); i++) loaders.push(await instance.connect());
    const tables: StagingTable[] = [];
    for (const spec of options.specs) {
      tables.push({ spec, slot: 0, writer: await openWriter(appendConnection, spec, 0), loads: [Promise.resolve(), Promise.resolve()] });
    }
    return new StagingPipeline(appendConnection, [...loaders], loaders, options, tables);
  }

  /**
   * Appends the first `rows[t]` rows of `columns[t]` to staging table t, for every table,
   * starting the load of each slot that fills up (and waiting for a slot to be free).
   */
  async append(columns: readonly (readonly Float64Array[])[], rows: readonly number[]): Promise<void> {
    for (let t = 0; t < this.tables.length; t++) {
      const table = this.tables[t]!;
      const n = rows[t]!;
      let from = 0;
      while (from < n) {
        const to = Math.min(n, from + this.batchRows - table.writer.rows);
        table.writer.writeColumns(columns[t]!, from, to);
        from = to;
        if (table.writer.rows >= this.batchRows) await this.switchSlot(table);
      }
    }
  }

  /** Loads what is staged and waits for every load; the staging database is detached. */
  async finish(): Promise<void> {
    for (const table of this.tables) {
      if (table.writer.rows > 0) this.startLoad(table);
      else table.writer.close();
    }
    await Promise.all(this.tables.flatMap((t) => t.loads));
    await this.appendConnection.run(`detach ${quoteIdent(CATALOG)}`);
    this.closeLoaders();
  }

  /** Stops loading (after a failure elsewhere): waits for running loads, ignoring their errors. */
  async abandon(): Promise<void> {
    this.queue.length = 0;
    for (const table of this.tables) {
      try {
        table.writer.close();
      } catch {
        // The appender may already be closed.
      }
    }
    await Promise.allSettled(this.tables.flatMap((t) => t.loads));
    this.closeLoaders();
  }

  private closeLoaders(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.loaders) c.closeSync();
  }

  /** Closes the slot being filled and starts its loads. */
  private startLoad(table: StagingTable): void {
    table.writer.close();
    const slot = table.slot;
    const sqls = this.statements[slot]!.get(table.spec.name) ?? [];
    const load = Promise.all(sqls.map((sql) => this.enqueue(sql))).then(() => undefined);
    // A failed load is reported when its slot is needed again or at the end.
    load.catch(() => undefined);
    table.loads[slot] = load;
  }

  private async switchSlot(table: StagingTable): Promise<void> {
    this.startLoad(table);
    table.slot = 1 - table.slot;
    // The other slot is refilled only once its previous load has read it.
    await table.loads[table.slot];
    table.writer = await openWriter(this.appendConnection, table.spec, table.slot);
  }

  /** Runs `sql` on the next free load connection. */
  private enqueue(sql: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ sql, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const connection = this.idle.pop()!;
      const job = this.queue.shift()!;
      connection.run(job.sql).then(
        () => job.done(),
        (error: unknown) => job.done(error ?? new Error('load failed')),
      ).finally(() => {
        this.idle.push(connection);
        this.pump();
      });
    }
  }
}

function slotSchema(slot: number): string {
  return `slot_${slot}`;
}

function openWriter(connection: DuckDBConnection, spec: ChunkTableSpec, slot: number): Promise<ChunkWriter> {
  return ChunkWriter.open(connection, slotSchema(slot), spec, CATALOG);
}
