/**
 * A block of simulated people as packed numbers: for each staging table, its rows laid
 * end to end in one Float64Array (NULL as NaN), ready to be handed from a worker thread
 * to the thread that appends them (the buffers are transferred, not copied). Simulating
 * a block depends only on the seed and the people in it, so blocks can be simulated in
 * any thread and in any order, and appended in block order for the same tables.
 */
import type { ChunkTableSpec, ChunkValue } from './chunk-writer.js';
import { simulatePerson, type PersonSettings } from './profiles-sync-person.js';
import { STAGING_TABLES } from './profiles-sync-staging.js';

/** The rows of one block: per staging table (in STAGING_TABLES order), rows × columns numbers. */
export interface SimulatedBlock {
  /** Index of the block (people from `block * size`). */
  block: number;
  profiles: number;
  merges: number;
  /** Number of rows per staging table. */
  rows: number[];
  /** Packed rows per staging table; a row is `columns.length` numbers. */
  data: Float64Array[];
}

const TABLE_INDEX = new Map<ChunkTableSpec, number>(STAGING_TABLES.map((spec, i) => [spec, i]));

/** Simulates people [from, to) and packs their staging rows. */
export function simulateBlock(settings: PersonSettings, block: number, from: number, to: number): SimulatedBlock {
  const widths = STAGING_TABLES.map((spec) => spec.columns.length);
  const data = widths.map((w) => new Float64Array(w * 256));
  const used = widths.map(() => 0);
  const emit = (spec: ChunkTableSpec, row: ChunkValue[]): void => {
    const t = TABLE_INDEX.get(spec)!;
    const w = widths[t]!;
    let buffer = data[t]!;
    const at = used[t]!;
    if (at + w > buffer.length) {
      const grown = new Float64Array(buffer.length * 2);
      grown.set(buffer);
      data[t] = buffer = grown;
    }
    for (let c = 0; c < w; c++) buffer[at + c] = row[c] ?? Number.NaN;
    used[t] = at + w;
  };
  let profiles = 0;
  let merges = 0;
  for (let person = from; person < to; person++) {
    const stats = simulatePerson(settings, person, emit);
    profiles += stats.profiles;
    merges += stats.merges;
  }
  return {
    block,
    profiles,
    merges,
    rows: used.map((u, t) => u / widths[t]!),
    data: data.map((d, t) => d.slice(0, used[t])),
  };
}
