/**
 * The shape of the generated Profiles Sync data the benchmarks use (how many people and
 * days give a number of update rows, at the same density at every size), and the models they time.
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

/** The package's incremental models the targets are about, compared with the baseline. */
export const INCREMENTAL_MODELS = ['id_graph', 'external_id_mapping', 'profile_trait_values', 'profile_traits', 'profile_merges'];
/** The identity-health models (all incremental but identity_merges_daily and identity_shared_identifiers, small tables). */
export const HEALTH_MODELS = ['identity_identifier_segments', 'identity_identifier_profiles', 'identity_merges_daily', 'identity_profiles_many_identifiers', 'identity_shared_identifiers'];
