/**
 * The shape of the generated Profiles Sync data the benchmarks use: how many people and
 * days give a number of update rows, at the same density (rows per day) at every size.
 */

/** Update rows per simulated person (identifies included), measured at 72,000 people over 90 days. */
export const ROWS_PER_PERSON = 11.5;
/** Days of data per million update rows: the density stays the same at every size. */
export const DAYS_PER_MILLION = 90;

/** People and days for about `updateRows` update rows. */
export function profilesSyncShape(updateRows: number): { people: number; days: number } {
  return {
    people: Math.max(1, Math.round(updateRows / ROWS_PER_PERSON)),
    days: Math.max(3, Math.round((DAYS_PER_MILLION * updateRows) / 1e6)),
  };
}
