/**
 * Load schedules for incremental tests: split generated landing tables into load batches
 * at random load times (`uuid_ts`), holding some rows back to the next batch when their
 * load time is within `lateHours` of the cut, as a warehouse loader that delivers late
 * does. Rows held back are "late rows inside etl_overlap" when `lateHours` is at most the
 * package's `etl_overlap`. The SQL is DuckDB's (it uses `hash`), for tests and benchmarks.
 */
import { Random } from './random.js';
import { quoteIdent } from './chunk-writer.js';

/** How a data set is split into load batches. */
export interface LoadSchedule {
  /** Load-time cuts in increasing order; batch k holds rows loaded up to cut k (k = 1 … cuts + 1). */
  cutoffs: Date[];
  /** Rows loaded less than this many hours before a cut may be held back to the next batch. */
  lateHours: number;
  /** Percentage (0–100) of those rows that are held back. */
  latePercent: number;
  /** Seed of the choice of held-back rows. */
  seed: number;
}

/** Number of load batches of a schedule. */
export function batchCount(schedule: LoadSchedule): number {
  return schedule.cutoffs.length + 1;
}

/** A random schedule of 2 to `maxBatches` batches over the load times [from, to]. */
export function randomLoadSchedule(seed: number, from: Date, to: Date, options: { maxBatches?: number; lateHours?: number } = {}): LoadSchedule {
  const rng = new Random(seed);
  const batches = rng.int(2, Math.max(2, options.maxBatches ?? 5));
  const span = to.getTime() - from.getTime();
  const cutoffs: Date[] = [];
  for (let i = 1; i < batches; i++) cutoffs.push(new Date(Math.floor(from.getTime() + rng.next() * span)));
  cutoffs.sort((a, b) => a.getTime() - b.getTime());
  return { cutoffs, lateHours: options.lateHours ?? 24, latePercent: rng.pick([0, 10, 30, 60]), seed };
}

const tsLiteral = (d: Date): string => `timestamp '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;

/** The SQL expression (over columns `uuid_ts` and `id`) giving a row's load batch. */
export function batchExpression(schedule: LoadSchedule): string {
  const cuts = schedule.cutoffs;
  const natural = `case ${cuts.map((c, i) => `when uuid_ts <= ${tsLiteral(c)} then ${i + 1}`).join(' ')} else ${cuts.length + 1} end`;
  if (cuts.length === 0 || schedule.latePercent <= 0) return natural;
  const cutOf = `case ${cuts.map((c, i) => `when uuid_ts <= ${tsLiteral(c)} then ${tsLiteral(c)}`).join(' ')} end`;
  const held = `(abs(hash(cast(id as varchar) || '${schedule.seed}')) % 100 < ${Math.round(schedule.latePercent)} `
    + `and uuid_ts <= ${tsLiteral(cuts[cuts.length - 1]!)} and uuid_ts > ${cutOf} - interval ${Math.floor(schedule.lateHours)} hour)`;
  return `case when ${held} then ${natural} + 1 else ${natural} end`;
}

/** SQL that copies the rows of load batch `batch` of `table` from schema `from` into schema `to`. */
export function loadBatchSql(schedule: LoadSchedule, batch: number, table: string, from: string, to: string): string {
  return `insert into ${quoteIdent(to)}.${quoteIdent(table)} select * from ${quoteIdent(from)}.${quoteIdent(table)} where ${batchExpression(schedule)} = ${batch}`;
}
