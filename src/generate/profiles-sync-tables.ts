/**
 * The tables the Profiles Sync generator writes: Segment's landing tables (names and
 * columns as Segment lands them) and the ground-truth tables tests compare models with.
 * profiles-sync-staging.ts builds exactly these columns; a test checks they agree.
 */
import { quoteIdent } from './chunk-writer.js';

/** Column types of the generated tables (DuckDB's names). */
export type ColumnType = 'VARCHAR' | 'TIMESTAMP' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';

/** A table's name and ordered columns. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly (readonly [name: string, type: ColumnType])[];
}

/** The profile traits the generator simulates, in column order, with their types. */
export const TRAIT_COLUMNS: readonly (readonly [string, ColumnType])[] = [
  ['email', 'VARCHAR'],
  ['name', 'VARCHAR'],
  ['plan', 'VARCHAR'],
  ['company', 'VARCHAR'],
  ['city', 'VARCHAR'],
  ['logins', 'BIGINT'],
  ['lifetime_value', 'DOUBLE'],
  ['is_subscribed', 'BOOLEAN'],
];

/** Segment's `id_graph_updates`: one row each time a segment_id is mapped to a canonical one. */
export const ID_GRAPH_UPDATES: TableSpec = {
  name: 'id_graph_updates',
  columns: [
    ['id', 'VARCHAR'], ['segment_id', 'VARCHAR'], ['canonical_segment_id', 'VARCHAR'],
    ['triggering_event_type', 'VARCHAR'], ['triggering_event_id', 'VARCHAR'],
    ['timestamp', 'TIMESTAMP'], ['seq', 'BIGINT'], ['received_at', 'TIMESTAMP'], ['uuid_ts', 'TIMESTAMP'],
  ],
};

/** Segment's `external_id_mapping_updates`: one row each time an identifier is seen on a profile. */
export const EXTERNAL_ID_MAPPING_UPDATES: TableSpec = {
  name: 'external_id_mapping_updates',
  columns: [
    ['id', 'VARCHAR'], ['external_id_hash', 'VARCHAR'], ['external_id_type', 'VARCHAR'],
    ['external_id_value', 'VARCHAR'], ['segment_id', 'VARCHAR'], ['seq', 'BIGINT'], ['timestamp', 'TIMESTAMP'],
    ['triggering_event_id', 'VARCHAR'], ['triggering_event_name', 'VARCHAR'], ['triggering_event_type', 'VARCHAR'],
    ['triggering_event_source_id', 'VARCHAR'], ['triggering_event_source_name', 'VARCHAR'],
    ['triggering_event_source_slug', 'VARCHAR'], ['received_at', 'TIMESTAMP'], ['uuid_ts', 'TIMESTAMP'],
  ],
};

/** Segment's `profile_traits_updates`: one wide row per change of a profile's traits. */
export const PROFILE_TRAITS_UPDATES: TableSpec = {
  name: 'profile_traits_updates',
  columns: [
    ['id', 'VARCHAR'], ['segment_id', 'VARCHAR'], ['seq', 'BIGINT'], ['timestamp', 'TIMESTAMP'],
    ['received_at', 'TIMESTAMP'], ['uuid_ts', 'TIMESTAMP'], ['user_id', 'VARCHAR'],
    ...TRAIT_COLUMNS,
  ],
};

/** Segment's `identifies` event table, with `segment_id` and the traits flattened into columns. */
export const IDENTIFIES: TableSpec = {
  name: 'identifies',
  columns: [
    ['id', 'VARCHAR'], ['segment_id', 'VARCHAR'], ['event_source_id', 'VARCHAR'], ['anonymous_id', 'VARCHAR'],
    ['user_id', 'VARCHAR'], ['timestamp', 'TIMESTAMP'], ['sent_at', 'TIMESTAMP'], ['received_at', 'TIMESTAMP'],
    ['uuid_ts', 'TIMESTAMP'], ['context_library_name', 'VARCHAR'],
    ...TRAIT_COLUMNS,
  ],
};

/** Segment's `pages` event table, with `segment_id`. */
export const PAGES: TableSpec = {
  name: 'pages',
  columns: [
    ['id', 'VARCHAR'], ['segment_id', 'VARCHAR'], ['event_source_id', 'VARCHAR'], ['anonymous_id', 'VARCHAR'],
    ['user_id', 'VARCHAR'], ['timestamp', 'TIMESTAMP'], ['received_at', 'TIMESTAMP'], ['uuid_ts', 'TIMESTAMP'],
    ['path', 'VARCHAR'], ['url', 'VARCHAR'], ['title', 'VARCHAR'], ['referrer', 'VARCHAR'],
  ],
};

/** Segment's `tracks` event table, with `segment_id`. */
export const TRACKS: TableSpec = {
  name: 'tracks',
  columns: [
    ['id', 'VARCHAR'], ['segment_id', 'VARCHAR'], ['event_source_id', 'VARCHAR'], ['anonymous_id', 'VARCHAR'],
    ['user_id', 'VARCHAR'], ['event', 'VARCHAR'], ['event_text', 'VARCHAR'], ['timestamp', 'TIMESTAMP'],
    ['received_at', 'TIMESTAMP'], ['uuid_ts', 'TIMESTAMP'],
  ],
};

/** Ground truth: every segment_id and the canonical profile it ends in. */
export const TRUTH_ID_GRAPH: TableSpec = {
  name: 'truth_id_graph',
  columns: [['segment_id', 'VARCHAR'], ['canonical_segment_id', 'VARCHAR'], ['person_id', 'BIGINT']],
};

/** Ground truth: every profile, with merged_to, and the final traits of surviving ones. */
export const TRUTH_PROFILE_TRAITS: TableSpec = {
  name: 'truth_profile_traits',
  columns: [['canonical_segment_id', 'VARCHAR'], ['merged_to', 'VARCHAR'], ['person_id', 'BIGINT'], ...TRAIT_COLUMNS],
};

/** Ground truth: every external identifier and the canonical profile it belongs to. */
export const TRUTH_EXTERNAL_ID_MAPPING: TableSpec = {
  name: 'truth_external_id_mapping',
  columns: [
    ['external_id_hash', 'VARCHAR'], ['external_id_type', 'VARCHAR'], ['external_id_value', 'VARCHAR'],
    ['canonical_segment_id', 'VARCHAR'],
  ],
};

/**
 * Ground truth: every visit of a person to a shared device (an anonymous_id several people
 * use, such as a kiosk), with the canonical profile the visit was observed on and its time
 * (the person's latest visit). A shared device's row in truth_external_id_mapping is its
 * latest visit; it is claimed by every distinct canonical profile here.
 */
export const TRUTH_SHARED_DEVICES: TableSpec = {
  name: 'truth_shared_devices',
  columns: [
    ['external_id_hash', 'VARCHAR'], ['external_id_type', 'VARCHAR'], ['external_id_value', 'VARCHAR'],
    ['person_id', 'BIGINT'], ['canonical_segment_id', 'VARCHAR'], ['observed_at', 'TIMESTAMP'],
  ],
};

/** The four update tables the profiles_sync package reads (their rows are "update rows"). */
export const UPDATE_TABLES: readonly TableSpec[] = [ID_GRAPH_UPDATES, EXTERNAL_ID_MAPPING_UPDATES, PROFILE_TRAITS_UPDATES, IDENTIFIES];

/** Every landing table, in the order they are written. */
export const LANDING_TABLES: readonly TableSpec[] = [...UPDATE_TABLES, PAGES, TRACKS];

/** Every ground-truth table. */
export const TRUTH_TABLES: readonly TableSpec[] = [TRUTH_ID_GRAPH, TRUTH_PROFILE_TRAITS, TRUTH_EXTERNAL_ID_MAPPING, TRUTH_SHARED_DEVICES];

/** `create or replace table` for `spec` in `schema` (names double-quoted), empty. */
export function createTableSql(schema: string, spec: TableSpec): string {
  return `create or replace table ${quoteIdent(schema)}.${quoteIdent(spec.name)} (${spec.columns.map(([name, type]) => `${quoteIdent(name)} ${type}`).join(', ')})`;
}
