/**
 * The hand-written baseline of the profiles_sync benchmark: one DuckDB query per model,
 * written the way a DuckDB user would write it by hand for a one-off full build
 * (aggregates with arg_max/arg_min instead of window ranking, a chain walk that starts
 * only from merged profiles), producing the same tables as the package's full build:
 * id_graph, external_id_mapping, profile_traits and profile_merges. The queries read
 * the raw landing tables, and the baseline's own id_graph where a model needs the graph.
 *
 * Tie-breaking follows the package's orderings; the keys (event time, seq) are never NULL
 * in generated data, which the struct keys of arg_max rely on. The trait columns are the
 * generator's (src/generate/profiles-sync-tables.ts), listed by hand.
 */

/** The trait columns of profile_traits, in the package's (alphabetical) order. */
export const BASELINE_TRAITS = ['city', 'company', 'email', 'is_subscribed', 'lifetime_value', 'logins', 'name', 'plan'] as const;

/** The columns compared between the package's tables and the baseline's, per model. */
export const COMPARED_COLUMNS: Record<string, readonly string[]> = {
  id_graph: ['segment_id', 'canonical_segment_id', 'direct_canonical_segment_id', 'merge_depth', 'timestamp', 'seq', 'triggering_event_type', 'triggering_event_id', 'uuid_ts'],
  external_id_mapping: ['external_id_hash', 'external_id_type', 'external_id_value', 'canonical_segment_id', 'segment_id', 'timestamp', 'seq', 'first_seen_at', 'uuid_ts'],
  profile_traits: ['canonical_segment_id', 'merged_to', ...BASELINE_TRAITS, 'uuid_ts'],
  profile_merges: ['segment_id', 'merged_into_segment_id', 'merged_at', 'seq', 'triggering_event_type', 'triggering_event_id', 'uuid_ts'],
};

/** An order-independent checksum query of `relation` over the compared columns of `model`: "count:sum of row hashes". */
export function checksumSql(model: string, relation: string): string {
  const cols = COMPARED_COLUMNS[model]!.map((c) => `cast("${c}" as varchar)`).join(', ');
  return `select cast(count(*) as varchar) || ':' || cast(coalesce(sum(cast(hash(${cols}) as hugeint)), 0) as varchar) from ${relation}`;
}

/**
 * The baseline's statements, in order (each builds one table in schema `out` from the
 * landing tables in schema `src`), as [model, sql] pairs.
 */
export function baselineStatements(src: string, out: string): [model: string, sql: string][] {
  const s = (t: string): string => `"${src}"."${t}"`;
  const o = (t: string): string => `"${out}"."${t}"`;
  const anyTrait = BASELINE_TRAITS.map((t) => `"${t}" is not null`).join(' or ');
  return [
    ['id_graph', `create or replace table ${o('id_graph')} as
with recursive
best as (
    select
        segment_id,
        arg_max({'d': canonical_segment_id, 'ts': "timestamp", 'seq': seq, 'tet': triggering_event_type, 'tei': triggering_event_id},
                {'merge': canonical_segment_id <> segment_id, 'ts': "timestamp", 'seq': seq, 'd': canonical_segment_id, 'tei': triggering_event_id}) as b,
        max(uuid_ts) as uuid_ts
    from ${s('id_graph_updates')}
    where segment_id is not null and canonical_segment_id is not null
    group by segment_id
),
nodes as (
    select segment_id, b.d as direct, b.ts as "timestamp", b.seq as seq, b.tet as triggering_event_type, b.tei as triggering_event_id, uuid_ts
    from best
    union all
    select distinct u.canonical_segment_id, u.canonical_segment_id, null, null, null, null, null
    from ${s('id_graph_updates')} as u
    where u.segment_id is not null and u.canonical_segment_id is not null
      and not exists (select 1 from best where best.segment_id = u.canonical_segment_id)
),
walk (start_id, current_id, depth) as (
    select segment_id, direct, 1 from nodes where direct <> segment_id
    union all
    select walk.start_id, n.direct, walk.depth + 1
    from walk join nodes as n on n.segment_id = walk.current_id
    where n.direct <> n.segment_id and walk.depth < 50
),
resolved as (
    select start_id, arg_max(current_id, depth) as canonical_segment_id, max(depth) as depth
    from walk group by start_id
)
select
    n.segment_id,
    coalesce(r.canonical_segment_id, n.segment_id) as canonical_segment_id,
    n.direct as direct_canonical_segment_id,
    coalesce(r.depth, 0) as merge_depth,
    n."timestamp", n.seq, n.triggering_event_type, n.triggering_event_id, n.uuid_ts
from nodes as n
left join resolved as r on r.start_id = n.segment_id`],
    ['external_id_mapping', `create or replace table ${o('external_id_mapping')} as
with latest as (
    select
        external_id_hash,
        arg_max({'type': external_id_type, 'value': external_id_value, 'seg': segment_id, 'ts': "timestamp", 'seq': seq},
                {'ts': "timestamp", 'seq': seq, 'seg': segment_id, 'v': external_id_value}) as b,
        min("timestamp") as first_seen_at,
        max(uuid_ts) as uuid_ts
    from ${s('external_id_mapping_updates')}
    where external_id_hash is not null and segment_id is not null
    group by external_id_hash
)
select
    l.external_id_hash, l.b.type as external_id_type, l.b.value as external_id_value,
    coalesce(g.canonical_segment_id, l.b.seg) as canonical_segment_id, l.b.seg as segment_id,
    l.b.ts as "timestamp", l.b.seq as seq, l.first_seen_at, l.uuid_ts
from latest as l
left join ${o('id_graph')} as g on g.segment_id = l.b.seg`],
    ['profile_traits', `create or replace table ${o('profile_traits')} as
with updates as (
    select * from ${s('profile_traits_updates')} where segment_id is not null and (${anyTrait})
),
own as (
    select segment_id, max(uuid_ts) as uuid_ts from updates group by segment_id
),
membership as (
    select p.segment_id, coalesce(g.canonical_segment_id, p.segment_id) as root
    from (select segment_id from ${o('id_graph')} union select segment_id from own) as p
    left join ${o('id_graph')} as g on g.segment_id = p.segment_id
),
grouped as (
    select
        m.root${BASELINE_TRAITS.map((t) => `,
        arg_max(u."${t}", {'ts': u."timestamp", 'seq': u.seq, 'v': cast(u."${t}" as varchar)}) filter (where u."${t}" is not null) as "${t}"`).join('')}
    from updates as u
    join membership as m on m.segment_id = u.segment_id
    group by m.root
)
select
    m.segment_id as canonical_segment_id,
    case when m.root <> m.segment_id then m.root end as merged_to${BASELINE_TRAITS.map((t) => `,
    g."${t}"`).join('')},
    own.uuid_ts
from membership as m
left join grouped as g on g.root = m.segment_id
left join own on own.segment_id = m.segment_id`],
    ['profile_merges', `create or replace table ${o('profile_merges')} as
select
    segment_id, b.into as merged_into_segment_id, b.at as merged_at, b.seq as seq,
    b.tet as triggering_event_type, b.tei as triggering_event_id, uuid_ts
from (
    select
        segment_id,
        arg_min({'into': canonical_segment_id, 'at': "timestamp", 'seq': seq, 'tet': triggering_event_type, 'tei': triggering_event_id},
                {'at': "timestamp", 'seq': seq, 'into': canonical_segment_id, 'tei': triggering_event_id}) as b,
        max(uuid_ts) as uuid_ts
    from ${s('id_graph_updates')}
    where segment_id is not null and canonical_segment_id is not null and canonical_segment_id <> segment_id
    group by segment_id
)`],
  ];
}
