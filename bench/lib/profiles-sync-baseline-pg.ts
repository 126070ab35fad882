/**
 * The hand-written PostgreSQL baseline of the profiles_sync benchmark on PostgreSQL: one
 * query per model, written the way a PostgreSQL user would write a one-off full build
 * (`DISTINCT ON` to pick the latest row per key, ordered `array_agg(...)[1]` per trait, a
 * chain walk over the merged segments only), producing the same tables as the package's
 * full build: id_graph, external_id_mapping, profile_traits and profile_merges. The
 * queries read the raw landing tables, and the baseline's own id_graph where a model
 * needs the graph. Tie-breaking follows the package's orderings.
 *
 * The columns compared and the trait list are the DuckDB baseline's
 * (bench/lib/profiles-sync-baseline.ts); only the SQL and the checksum differ.
 */
import { BASELINE_TRAITS, COMPARED_COLUMNS } from './profiles-sync-baseline.js';

/**
 * An order-independent checksum query of `relation` over the compared columns of `model`
 * on PostgreSQL: "count:sum of row hashes", a NULL hashed apart from any text.
 */
export function checksumSqlPg(model: string, relation: string): string {
  const cols = COMPARED_COLUMNS[model]!.map((c) => `coalesce(cast("${c}" as text), '<null>')`).join(', ');
  return `select cast(count(*) as text) || ':' || cast(coalesce(sum(cast(hashtextextended(concat_ws('|', ${cols}), 0) as numeric)), 0) as text) from ${relation}`;
}

/**
 * The baseline's statements, in order (each builds one table in schema `out` from the
 * landing tables in schema `src`, dropping the previous one), as [model, sql] pairs.
 */
export function baselineStatementsPg(src: string, out: string): [model: string, sql: string][] {
  const s = (t: string): string => `"${src}"."${t}"`;
  const o = (t: string): string => `"${out}"."${t}"`;
  const anyTrait = BASELINE_TRAITS.map((t) => `"${t}" is not null`).join(' or ');
  const create = (model: string, body: string): [string, string] => [model, `drop table if exists ${o(model)};\ncreate table ${o(model)} as\n${body}`];
  return [
    create('id_graph', `with recursive
best as (
    select distinct on (segment_id)
        segment_id, canonical_segment_id as direct, "timestamp", seq, triggering_event_type, triggering_event_id,
        max(uuid_ts) over (partition by segment_id) as uuid_ts
    from ${s('id_graph_updates')}
    where segment_id is not null and canonical_segment_id is not null
    order by segment_id, (canonical_segment_id <> segment_id) desc, "timestamp" desc nulls last, seq desc nulls last,
             canonical_segment_id desc, triggering_event_id desc nulls last
),
nodes as (
    select segment_id, direct, "timestamp", seq, triggering_event_type, triggering_event_id, uuid_ts
    from best
    union all
    select distinct u.canonical_segment_id, u.canonical_segment_id, null::timestamp, null::bigint, null::text, null::text, null::timestamp
    from ${s('id_graph_updates')} as u
    where u.segment_id is not null and u.canonical_segment_id is not null
      and not exists (select 1 from best where best.segment_id = u.canonical_segment_id)
),
merges as (
    select segment_id, direct from best where direct <> segment_id
),
walk (start_id, current_id, depth) as (
    select segment_id, direct, 1 from merges
    union all
    select walk.start_id, m.direct, walk.depth + 1
    from walk join merges as m on m.segment_id = walk.current_id
    where walk.depth < 50
),
resolved as (
    select distinct on (start_id) start_id, current_id as canonical_segment_id, depth
    from walk
    order by start_id, depth desc
)
select
    n.segment_id,
    coalesce(r.canonical_segment_id, n.segment_id) as canonical_segment_id,
    n.direct as direct_canonical_segment_id,
    coalesce(r.depth, 0) as merge_depth,
    n."timestamp", n.seq, n.triggering_event_type, n.triggering_event_id, n.uuid_ts
from nodes as n
left join resolved as r on r.start_id = n.segment_id`),
    create('external_id_mapping', `with latest as (
    select distinct on (external_id_hash)
        external_id_hash, external_id_type, external_id_value, segment_id, "timestamp", seq,
        min("timestamp") over w as first_seen_at,
        max(uuid_ts) over w as uuid_ts
    from ${s('external_id_mapping_updates')}
    where external_id_hash is not null and segment_id is not null
    window w as (partition by external_id_hash)
    order by external_id_hash, "timestamp" desc nulls last, seq desc nulls last, segment_id desc, external_id_value desc nulls last
)
select
    l.external_id_hash, l.external_id_type, l.external_id_value,
    coalesce(g.canonical_segment_id, l.segment_id) as canonical_segment_id, l.segment_id,
    l."timestamp", l.seq, l.first_seen_at, l.uuid_ts
from latest as l
left join ${o('id_graph')} as g on g.segment_id = l.segment_id`),
    create('profile_traits', `with updates as (
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
        (array_agg(u."${t}" order by u."timestamp" desc nulls last, u.seq desc nulls last, cast(u."${t}" as text) desc)
            filter (where u."${t}" is not null))[1] as "${t}"`).join('')}
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
left join own on own.segment_id = m.segment_id`),
    create('profile_merges', `select distinct on (segment_id)
    segment_id, canonical_segment_id as merged_into_segment_id, "timestamp" as merged_at, seq,
    triggering_event_type, triggering_event_id,
    max(uuid_ts) over (partition by segment_id) as uuid_ts
from ${s('id_graph_updates')}
where segment_id is not null and canonical_segment_id is not null and canonical_segment_id <> segment_id
order by segment_id, "timestamp" asc nulls last, seq asc nulls last, canonical_segment_id asc, triggering_event_id asc nulls last`),
  ];
}
