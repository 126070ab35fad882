/**
 * The all-numeric staging tables the Profiles Sync simulation writes, and the SQL that
 * expands them into Segment's landing tables and the ground-truth tables. Ids, values
 * and texts are formatted by DuckDB from numbers (person, device, event number, list
 * indexes), which keeps the per-row work in JavaScript to a few numbers.
 *
 * Encodings: a profile is `person * 8 + device`; an event is (person, event number);
 * external id types are 0 anonymous_id, 1 user_id, 2 email; an anonymous_id whose variant
 * is {@link SHARED_DEVICE_VARIANT} plus n is shared device n (a kiosk or family computer
 * several people use), the same identifier whoever observes it; event types 0 page,
 * 1 identify; times are epoch milliseconds.
 */
import type { ChunkTableSpec } from './chunk-writer.js';
import { quoteIdent } from './chunk-writer.js';

/** Staging rows of id_graph_updates. */
export const STG_ID_GRAPH: ChunkTableSpec = {
  name: 'stg_id_graph',
  columns: ['person', 'segment', 'canonical', 'event_type', 'event_no', 'ts', 'load'],
  doubles: ['ts', 'load'],
};
/** Column index of `load` in {@link STG_ID_GRAPH}. */
export const STG_ID_GRAPH_LOAD = 6;

/** Staging rows of external_id_mapping_updates. */
export const STG_EXTERNAL_IDS: ChunkTableSpec = {
  name: 'stg_external_ids',
  columns: ['person', 'type', 'variant', 'segment', 'event_no', 'event_type', 'source', 'ts', 'load'],
  doubles: ['ts', 'load'],
};
/** Column index of `load` in {@link STG_EXTERNAL_IDS}. */
export const STG_EXTERNAL_IDS_LOAD = 8;

/** Staging rows of profile_traits_updates (and identifies, from the rows that are not duplicates). */
export const STG_TRAITS: ChunkTableSpec = {
  name: 'stg_traits',
  columns: [
    'person', 'event_no', 'segment', 'device', 'source', 'duplicate', 'ts', 'load',
    'email', 'name', 'plan', 'company', 'city', 'logins', 'lifetime_value', 'is_subscribed',
  ],
  doubles: ['ts', 'load'],
  nullable: ['email', 'name', 'plan', 'company', 'city', 'logins', 'lifetime_value', 'is_subscribed'],
};
/** Column index of `load` in {@link STG_TRAITS}. */
export const STG_TRAITS_LOAD = 7;
/** Column index of `duplicate` in {@link STG_TRAITS}. */
export const STG_TRAITS_DUPLICATE = 5;

/** Staging rows of pages. */
export const STG_PAGES: ChunkTableSpec = {
  name: 'stg_pages',
  columns: ['person', 'event_no', 'segment', 'device', 'identified', 'source', 'path', 'referred', 'ts', 'load'],
  doubles: ['ts', 'load'],
};

/** Staging rows of tracks. */
export const STG_TRACKS: ChunkTableSpec = {
  name: 'stg_tracks',
  columns: ['person', 'event_no', 'segment', 'device', 'identified', 'source', 'event', 'ts', 'load'],
  doubles: ['ts', 'load'],
};

/** Staging rows of truth_id_graph. */
export const STG_TRUTH_ID_GRAPH: ChunkTableSpec = {
  name: 'stg_truth_id_graph',
  columns: ['person', 'segment', 'canonical'],
};

/** Staging rows of truth_profile_traits. */
export const STG_TRUTH_PROFILE_TRAITS: ChunkTableSpec = {
  name: 'stg_truth_profile_traits',
  columns: ['person', 'segment', 'merged_to', 'email', 'name', 'plan', 'company', 'city', 'logins', 'lifetime_value', 'is_subscribed'],
  nullable: ['merged_to', 'email', 'name', 'plan', 'company', 'city', 'logins', 'lifetime_value', 'is_subscribed'],
};

/** Staging rows of truth_external_id_mapping (identifiers of one person; not shared devices). */
export const STG_TRUTH_EXTERNAL_IDS: ChunkTableSpec = {
  name: 'stg_truth_external_ids',
  columns: ['person', 'type', 'variant', 'canonical'],
};

/** Staging rows of truth_shared_devices: a person's latest visit to a shared device. */
export const STG_TRUTH_SHARED_DEVICES: ChunkTableSpec = {
  name: 'stg_truth_shared_devices',
  columns: ['person', 'shared_device', 'canonical', 'ts'],
  doubles: ['ts'],
};

/** Every staging table. */
export const STAGING_TABLES: readonly ChunkTableSpec[] = [
  STG_ID_GRAPH, STG_EXTERNAL_IDS, STG_TRAITS, STG_PAGES, STG_TRACKS,
  STG_TRUTH_ID_GRAPH, STG_TRUTH_PROFILE_TRAITS, STG_TRUTH_EXTERNAL_IDS, STG_TRUTH_SHARED_DEVICES,
];

/** The anonymous_id variant of shared device 0 (see the encodings above). */
export const SHARED_DEVICE_VARIANT = 1_000_000;

/** Value lists the staging columns index into. */
export const FIRST_NAMES = ['Ada', 'Ben', 'Chloé', 'Dev', 'Eun', 'Femi', 'Greta', 'Hiro', 'Ines', 'Jon', 'Kaia', 'Luis', 'Mira', 'Noor', 'Omar', 'Priya'];
export const LAST_NAMES = ['Okafor', 'Larsen', 'Nakamura', 'García', 'Smith', 'Dubois', 'Kowalski', 'Haddad', 'Singh', 'Rossi', 'Chen', 'Moreau'];
export const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent'];
export const CITIES = ['Lagos', 'Oslo', 'Osaka', 'Lima', 'Austin', 'Lyon', 'Kraków', 'Beirut', 'Pune', 'Turin'];
export const PLANS = ['free', 'starter', 'pro', 'enterprise'];
export const PATHS = ['/', '/pricing', '/docs', '/blog', '/signup', '/product', '/about', '/careers'];
export const TRACK_EVENTS = ['Product Viewed', 'Signed Up', 'Order Completed', 'Cart Viewed', 'Trial Started'];
/** Segment sources the simulated events come from, indexed by the staging `source` column. */
export const SOURCES = [
  { id: 'src_web', name: 'Website', slug: 'website', library: 'analytics.js' },
  { id: 'src_ios', name: 'iOS app', slug: 'ios-app', library: 'analytics-ios' },
  { id: 'src_srv', name: 'Backend', slug: 'backend', library: 'analytics-node' },
];

const list = (items: readonly string[]): string => `[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}]`;
const at = (items: readonly string[], index: string): string => `(${list(items)})[cast(${index} as integer) + 1]`;
const big = (col: string): string => `cast(${col} as bigint)`;
const ts = (col: string, plusMs = 0): string => `epoch_ms(${big(col)}${plusMs ? ` + ${plusMs}` : ''})`;
/**
 * `concat` of SQL expressions, adjacent string literals merged: one allocation per value
 * instead of one per `||`. Its arguments are never NULL where it is used (concat would
 * skip a NULL where `||` gives NULL). Integers print as with a cast to varchar.
 */
const cat = (...parts: string[]): string => {
  const merged: string[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (last !== undefined && /^'[^']*'$/.test(last) && /^'[^']*'$/.test(part)) merged[merged.length - 1] = `${last.slice(0, -1)}${part.slice(1)}`;
    else merged.push(part);
  }
  return `concat(${merged.join(', ')})`;
};
/** A profile number as a Segment-like id (a bijection on 32 bits, so ids stay unique): its parts. */
const segmentIdParts = (col: string): string[] => [`'use_'`, `(${big(col)} * 2654435761) % 4294967296 + 4294967296`];
const segmentId = (col: string): string => cat(...segmentIdParts(col));
const eventIdParts = [`'evt_'`, 'person', `'_'`, 'event_no'];
const eventId = cat(...eventIdParts);
const userId = cat(`'user-'`, 'person');
const anonymousId = cat(`'anon-'`, 'person', `'-'`, 'device');
const email = (variant: string): string =>
  `case when ${variant} is null then null when ${variant} = 0 then ${cat(at(FIRST_NAMES.map((n) => n.toLowerCase()), `person % ${FIRST_NAMES.length}`), `'.'`, 'person', `'@example.com'`)} else ${cat('person', `'.'`, big(variant), `'@example.org'`)} end`;
const traitsSql = (): string => [
  `${email('email')} as email`,
  `case when name is not null then ${cat(at(FIRST_NAMES, `${big('name')} // ${LAST_NAMES.length}`), `' '`, at(LAST_NAMES, `${big('name')} % ${LAST_NAMES.length}`))} end as name`,
  `${at(PLANS, 'plan')} as plan`,
  `${at(COMPANIES, 'company')} as company`,
  `${at(CITIES, 'city')} as city`,
  `${big('logins')} as logins`,
  `lifetime_value`,
  `cast(is_subscribed as boolean) as is_subscribed`,
].join(', ');
const externalType = `(['anonymous_id', 'user_id', 'email'])[cast(type as integer) + 1]`;
const sharedDevice = (device: string): string => cat(`'shared-device-'`, device);
const externalValue = `case cast(type as integer)
  when 0 then case when variant >= ${SHARED_DEVICE_VARIANT} then ${sharedDevice(`variant - ${SHARED_DEVICE_VARIANT}`)} else ${cat(`'anon-'`, 'person', `'-'`, 'variant')} end
  when 1 then ${userId} else ${email('variant')} end`;
const externalHash = (type: string, value: string): string => `substr(md5(${type} || ':' || ${value}), 1, 16)`;
const eventType = `(['page', 'identify'])[cast(event_type as integer) + 1]`;

/** An INSERT … SELECT that formats the rows of one staging table into an output table. */
export interface LoadStatement {
  /** The staging table it reads. */
  reads: string;
  sql: string;
}

/**
 * Statements that add the rows of the staging tables in `staging` (a schema, in the
 * database `stagingCatalog` when given) to the landing tables in `schema` and the truth
 * tables in `truthSchema`, which exist. `events` adds pages, tracks and identifies.
 * Each statement reads one staging table.
 */
export function insertStatements(staging: string, schema: string, truthSchema: string, events: boolean, stagingCatalog?: string): LoadStatement[] {
  const prefix = stagingCatalog === undefined ? quoteIdent(staging) : `${quoteIdent(stagingCatalog)}.${quoteIdent(staging)}`;
  const s = (name: string): string => `${prefix}.${quoteIdent(name)}`;
  const out = (name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const truth = (name: string): string => `${quoteIdent(truthSchema)}.${quoteIdent(name)}`;
  const sourceIds = SOURCES.map((x) => x.id);
  const statements: LoadStatement[] = [
    { reads: STG_ID_GRAPH.name, sql: `insert into ${out('id_graph_updates')} by name select
       ${cat(`'ig_'`, ...eventIdParts, `'_'`, ...segmentIdParts('segment'))} as id, ${segmentId('segment')} as segment_id,
       ${segmentId('canonical')} as canonical_segment_id, ${eventType} as triggering_event_type, ${eventId} as triggering_event_id,
       ${ts('ts')} as "timestamp", ${big('ts')} as seq, ${ts('ts', 500)} as received_at, ${ts('load')} as uuid_ts
     from ${s(STG_ID_GRAPH.name)}` },
    { reads: STG_EXTERNAL_IDS.name, sql: `insert into ${out('external_id_mapping_updates')} by name
     with typed as (
       select *, ${externalType} as type_name, ${externalValue} as value_text from ${s(STG_EXTERNAL_IDS.name)}
     )
     select
       ${cat(`'ex_'`, ...eventIdParts, `'_'`, 'type_name')} as id, ${externalHash('type_name', 'value_text')} as external_id_hash,
       type_name as external_id_type, value_text as external_id_value, ${segmentId('segment')} as segment_id,
       ${big('ts')} as seq, ${ts('ts')} as "timestamp", ${eventId} as triggering_event_id,
       case when event_type = 1 then 'Identify' else 'Page Viewed' end as triggering_event_name,
       ${eventType} as triggering_event_type, ${at(sourceIds, 'source')} as triggering_event_source_id,
       ${at(SOURCES.map((x) => x.name), 'source')} as triggering_event_source_name,
       ${at(SOURCES.map((x) => x.slug), 'source')} as triggering_event_source_slug,
       ${ts('ts', 500)} as received_at, ${ts('load')} as uuid_ts
     from typed` },
    { reads: STG_TRAITS.name, sql: `insert into ${out('profile_traits_updates')} by name select
       ${cat(`'pt_'`, ...eventIdParts)} as id, ${segmentId('segment')} as segment_id, ${big('ts')} as seq, ${ts('ts')} as "timestamp",
       ${ts('ts', 500)} as received_at, ${ts('load')} as uuid_ts, ${userId} as user_id, ${traitsSql()}
     from ${s(STG_TRAITS.name)}` },
    { reads: STG_TRUTH_ID_GRAPH.name, sql: `insert into ${truth('truth_id_graph')} by name select
       ${segmentId('segment')} as segment_id, ${segmentId('canonical')} as canonical_segment_id, ${big('person')} as person_id
     from ${s(STG_TRUTH_ID_GRAPH.name)}` },
    { reads: STG_TRUTH_PROFILE_TRAITS.name, sql: `insert into ${truth('truth_profile_traits')} by name select
       ${segmentId('segment')} as canonical_segment_id, case when merged_to is not null then ${segmentId('merged_to')} end as merged_to, ${big('person')} as person_id, ${traitsSql()}
     from ${s(STG_TRUTH_PROFILE_TRAITS.name)}` },
    { reads: STG_TRUTH_EXTERNAL_IDS.name, sql: `insert into ${truth('truth_external_id_mapping')} by name
     with typed as (
       select *, ${externalType} as type_name, ${externalValue} as value_text from ${s(STG_TRUTH_EXTERNAL_IDS.name)}
     )
     select
       ${externalHash('type_name', 'value_text')} as external_id_hash, type_name as external_id_type,
       value_text as external_id_value, ${segmentId('canonical')} as canonical_segment_id
     from typed` },
    { reads: STG_TRUTH_SHARED_DEVICES.name, sql: `insert into ${truth('truth_shared_devices')} by name
     with typed as (select *, ${sharedDevice('shared_device')} as value_text from ${s(STG_TRUTH_SHARED_DEVICES.name)})
     select
       ${externalHash(`'anonymous_id'`, 'value_text')} as external_id_hash, 'anonymous_id' as external_id_type,
       value_text as external_id_value, ${big('person')} as person_id, ${segmentId('canonical')} as canonical_segment_id,
       ${ts('ts')} as observed_at
     from typed` },
  ];
  if (events) {
    statements.push(
      { reads: STG_TRAITS.name, sql: `insert into ${out('identifies')} by name select
         ${eventId} as id, ${segmentId('segment')} as segment_id, ${at(sourceIds, 'source')} as event_source_id,
         ${anonymousId} as anonymous_id, ${userId} as user_id,
         ${ts('ts')} as "timestamp", ${ts('ts', -200)} as sent_at, ${ts('ts', 500)} as received_at, ${ts('load')} as uuid_ts,
         ${at(SOURCES.map((x) => x.library), 'source')} as context_library_name, ${traitsSql()}
       from ${s(STG_TRAITS.name)} where duplicate = 0` },
      { reads: STG_PAGES.name, sql: `insert into ${out('pages')} by name select
         ${eventId} as id, ${segmentId('segment')} as segment_id, ${at(sourceIds, 'source')} as event_source_id,
         ${anonymousId} as anonymous_id, case when identified = 1 then ${userId} end as user_id,
         ${ts('ts')} as "timestamp", ${ts('ts', 500)} as received_at, ${ts('load')} as uuid_ts,
         ${at(PATHS, 'path')} as path, ${at(PATHS.map((p) => `https://www.example.com${p}`), 'path')} as url,
         ${at(PATHS.map((p) => (p === '/' ? 'Home' : p.slice(1))), 'path')} as title,
         case when referred = 1 then 'https://www.google.com/' end as referrer
       from ${s(STG_PAGES.name)}` },
      { reads: STG_TRACKS.name, sql: `insert into ${out('tracks')} by name select
         ${eventId} as id, ${segmentId('segment')} as segment_id, ${at(sourceIds, 'source')} as event_source_id,
         ${anonymousId} as anonymous_id, case when identified = 1 then ${userId} end as user_id,
         ${at(TRACK_EVENTS.map((e) => e.toLowerCase().replace(/ /g, '_')), 'event')} as event, ${at(TRACK_EVENTS, 'event')} as event_text,
         ${ts('ts')} as "timestamp", ${ts('ts', 500)} as received_at, ${ts('load')} as uuid_ts
       from ${s(STG_TRACKS.name)}` },
    );
  }
  return statements;
}
