/**
 * A block of simulated people as staging columns: for each staging table, one
 * Float64Array per column (NULL as NaN), ready to be appended to DuckDB or handed from a
 * worker thread to the thread that appends them (the buffers are transferred, not
 * copied). Simulating a block depends only on the seed and the people in it, so blocks
 * can be simulated in any thread and in any order, and appended in block order for the
 * same tables.
 */
import { PersonSimulator, stagingBuffers, type PersonSettings } from './profiles-sync-person.js';
import type { StagingRows } from './staging-rows.js';

/** The rows of one block: per staging table (in STAGING_TABLES order), its columns. */
export interface SimulatedBlock {
  /** Index of the block (people from `block * size`). */
  block: number;
  profiles: number;
  merges: number;
  /** Number of rows per staging table. */
  rows: number[];
  /** Columns per staging table; only the first `rows[t]` entries of table t's columns are rows. */
  columns: Float64Array[][];
}

/**
 * Simulates blocks of people with one reusable simulator. The block it returns shares the
 * simulator's buffers: consume it before simulating the next one, or {@link detach} it.
 */
export class BlockSimulator {
  private readonly tables: StagingRows[];
  private readonly simulator: PersonSimulator;

  constructor(settings: PersonSettings) {
    this.tables = stagingBuffers();
    this.simulator = new PersonSimulator(settings, this.tables);
  }

  /** Simulates people [from, to) as block number `block`. */
  simulate(block: number, from: number, to: number): SimulatedBlock {
    const sim = this.simulator;
    const profiles = sim.profiles;
    const merges = sim.merges;
    for (const table of this.tables) table.rows = 0;
    for (let person = from; person < to; person++) sim.simulate(person);
    return {
      block,
      profiles: sim.profiles - profiles,
      merges: sim.merges - merges,
      rows: this.tables.map((t) => t.rows),
      columns: this.tables.map((t) => t.columns),
    };
  }
}

/** A copy of `block` that owns its (trimmed) buffers, to be transferred to another thread. */
export function detach(block: SimulatedBlock): SimulatedBlock {
  return { ...block, columns: block.columns.map((cols, t) => cols.map((c) => c.slice(0, block.rows[t]))) };
}

/** The buffers of a detached block, for a transfer list. */
export function blockBuffers(block: SimulatedBlock): ArrayBuffer[] {
  return block.columns.flatMap((cols) => cols.map((c) => c.buffer as ArrayBuffer));
}
