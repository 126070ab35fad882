{#-
  Common table expressions that follow merge chains to their end. `edges` names a
  relation with one row per node (segment_id, direct_canonical_segment_id, and uuid_ts
  when `chain_column` is given), where a node that is not merged points at itself;
  `starts` names a relation of segment_id to resolve. Produces `resolved` (start_id,
  canonical_segment_id, merge_depth, chain_uuid_ts): chain_uuid_ts is the latest
  `chain_column` of the nodes the walk left (the start and every node between it and the
  canonical; NULL when not tracked). The walk stops after `max_depth` hops, so a cycle in
  bad data ends the query; the test `profiles_sync_resolves_to_root` then reports it. The
  caller opens `with recursive`.
-#}
{% macro profiles_sync_resolve_ctes(edges, starts, max_depth=none, chain_column=none) %}
  {%- set depth = max_depth if max_depth is not none else profiles_sync_setting('max_merge_depth', 50) | int -%}
walk (start_id, current_id, merge_depth, chain_uuid_ts) as (
    select segment_id, segment_id, 0, cast(null as {{ dbt.type_timestamp() }})
    from {{ starts }}
    union all
    select
        walk.start_id,
        e.direct_canonical_segment_id,
        walk.merge_depth + 1,
        {% if chain_column is not none -%}
        {{ profiles_sync_later('walk.chain_uuid_ts', 'e.' ~ chain_column) }}
        {%- else -%}
        walk.chain_uuid_ts
        {%- endif %}
    from walk
    join {{ edges }} as e on e.segment_id = walk.current_id
    where e.direct_canonical_segment_id <> e.segment_id
      and walk.merge_depth < {{ depth }}
),

resolved as (
    {{ profiles_sync_deepest_walk('walk') }}
)
{%- endmacro %}

{#- The later of two timestamps, ignoring a NULL (greatest() treats NULLs differently per engine). -#}
{% macro profiles_sync_later(a, b) -%}
case when {{ a }} is null or {{ b }} > {{ a }} then {{ b }} else {{ a }} end
{%- endmacro %}

{#-
  The ordering that picks a segment's current direct mapping among its id_graph_updates
  rows: a merge beats a creation row, then the latest event time wins; the remaining
  keys only make the choice deterministic.
-#}
{% macro profiles_sync_edge_order(prefix='') %}
  case when {{ prefix }}direct_canonical_segment_id <> {{ prefix }}segment_id then 0 else 1 end,
  {{ prefix }}"timestamp" desc nulls last,
  {{ prefix }}seq desc nulls last,
  {{ prefix }}direct_canonical_segment_id desc,
  {{ prefix }}triggering_event_id desc nulls last
{%- endmacro %}

{#-
  Each segment's current direct mapping among the rows of `candidates` (columns
  segment_id, direct_canonical_segment_id, timestamp, seq, triggering_event_type,
  triggering_event_id, uuid_ts), chosen by profiles_sync_edge_order, with uuid_ts the
  latest load time of the segment's rows. The default ranks with a window; DuckDB picks
  with one arg_max aggregate, which needs no sort.
-#}
{% macro profiles_sync_best_edges(candidates) %}
  {{- adapter.dispatch('profiles_sync_best_edges', 'profiles_sync')(candidates) -}}
{% endmacro %}

{% macro default__profiles_sync_best_edges(candidates) %}
select
    segment_id, direct_canonical_segment_id, "timestamp", seq,
    triggering_event_type, triggering_event_id, latest_uuid_ts as uuid_ts
from (
    select
        c.*,
        max(c.uuid_ts) over (partition by c.segment_id) as latest_uuid_ts,
        row_number() over (partition by c.segment_id order by {{ profiles_sync_edge_order('c.') }}) as edge_rank
    from {{ candidates }} as c
) as ranked
where edge_rank = 1
{% endmacro %}

{% macro duckdb__profiles_sync_best_edges(candidates) %}
{#- The same order as profiles_sync_edge_order; the has_ flags put NULLs last. -#}
select
    segment_id,
    best.direct_canonical_segment_id as direct_canonical_segment_id,
    best."timestamp" as "timestamp",
    best.seq as seq,
    best.triggering_event_type as triggering_event_type,
    best.triggering_event_id as triggering_event_id,
    uuid_ts
from (
    select
        c.segment_id,
        arg_max(
            {'direct_canonical_segment_id': c.direct_canonical_segment_id, 'timestamp': c."timestamp", 'seq': c.seq,
             'triggering_event_type': c.triggering_event_type, 'triggering_event_id': c.triggering_event_id},
            {'is_merge': c.direct_canonical_segment_id <> c.segment_id,
             'has_timestamp': c."timestamp" is not null, 'timestamp': c."timestamp",
             'has_seq': c.seq is not null, 'seq': c.seq,
             'direct': c.direct_canonical_segment_id,
             'has_event': c.triggering_event_id is not null, 'event': c.triggering_event_id}
        ) as best,
        max(c.uuid_ts) as uuid_ts
    from {{ candidates }} as c
    group by c.segment_id
) as best_edges
{% endmacro %}

{#-
  The end of each walk of `walk` (start_id, current_id, merge_depth, chain_uuid_ts): its
  deepest row, as (start_id, canonical_segment_id, merge_depth, chain_uuid_ts). A walk is
  a path, so its depths differ; chain_uuid_ts only grows along it.
-#}
{% macro profiles_sync_deepest_walk(walk) %}
  {{- adapter.dispatch('profiles_sync_deepest_walk', 'profiles_sync')(walk) -}}
{% endmacro %}

{% macro default__profiles_sync_deepest_walk(walk) %}
select start_id, current_id as canonical_segment_id, merge_depth, chain_uuid_ts
from (
    select
        w.start_id, w.current_id, w.merge_depth, w.chain_uuid_ts,
        row_number() over (partition by w.start_id order by w.merge_depth desc) as depth_rank
    from {{ walk }} as w
) as walk_ranked
where depth_rank = 1
{% endmacro %}

{% macro duckdb__profiles_sync_deepest_walk(walk) %}
select
    w.start_id,
    arg_max(w.current_id, w.merge_depth) as canonical_segment_id,
    max(w.merge_depth) as merge_depth,
    max(w.chain_uuid_ts) as chain_uuid_ts
from {{ walk }} as w
group by w.start_id
{% endmacro %}
