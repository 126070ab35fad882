{#-
  Common table expressions that follow merge chains to their end. `edges` names a
  relation with one row per node (segment_id, direct_canonical_segment_id), where a
  node that is not merged points at itself; `starts` names a relation of segment_id to
  resolve. Produces `resolved` (start_id, canonical_segment_id, merge_depth). The walk
  stops after `max_depth` hops, so a cycle in bad data ends the query; the test
  `profiles_sync_resolves_to_root` then reports it. The caller opens `with recursive`.
-#}
{% macro profiles_sync_resolve_ctes(edges, starts, max_depth=none) %}
  {%- set depth = max_depth if max_depth is not none else profiles_sync_setting('max_merge_depth', 50) | int -%}
walk (start_id, current_id, merge_depth) as (
    select segment_id, segment_id, 0
    from {{ starts }}
    union all
    select walk.start_id, e.direct_canonical_segment_id, walk.merge_depth + 1
    from walk
    join {{ edges }} as e on e.segment_id = walk.current_id
    where e.direct_canonical_segment_id <> e.segment_id
      and walk.merge_depth < {{ depth }}
),

walk_ranked as (
    select
        start_id,
        current_id,
        merge_depth,
        row_number() over (partition by start_id order by merge_depth desc) as depth_rank
    from walk
),

resolved as (
    select start_id, current_id as canonical_segment_id, merge_depth
    from walk_ranked
    where depth_rank = 1
)
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
