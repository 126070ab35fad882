{#-
  SQL for the identity graph as it stood at `as_of` (a SQL timestamp expression): one row
  per segment_id seen by then, with the canonical_segment_id it resolved to, considering
  only id_graph_updates rows whose event `timestamp` is at or before `as_of`.

    select * from ({{ profiles_sync_id_graph_as_of("cast('2024-03-01' as timestamp)") }}) as g
-#}
{% macro profiles_sync_id_graph_as_of(as_of) %}
with recursive
as_of_updates as (
    select segment_id, canonical_segment_id as direct_canonical_segment_id,
           "timestamp", seq, triggering_event_id
    from {{ source('profiles_sync', 'id_graph_updates') }}
    where segment_id is not null
      and canonical_segment_id is not null
      and "timestamp" <= {{ as_of }}
),

as_of_ranked as (
    select *, row_number() over (partition by segment_id order by {{ profiles_sync_edge_order() }}) as edge_rank
    from as_of_updates
),

as_of_edges as (
    select segment_id, direct_canonical_segment_id from as_of_ranked where edge_rank = 1
    union all
    select distinct direct_canonical_segment_id, direct_canonical_segment_id
    from as_of_updates
    where not exists (select 1 from as_of_updates as own where own.segment_id = as_of_updates.direct_canonical_segment_id)
),

{{ profiles_sync_resolve_ctes('as_of_edges', 'as_of_edges') }}

select start_id as segment_id, canonical_segment_id, merge_depth
from resolved
{% endmacro %}
