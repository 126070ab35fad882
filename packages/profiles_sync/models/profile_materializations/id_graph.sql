{#-
  id_graph: one row per segment_id with the canonical_segment_id it finally resolves to.

  Each segment's current direct mapping is its best id_graph_updates row (a merge beats a
  creation row, then the latest event time). Chains of merges are then followed to their
  end, so the result does not depend on the order the rows were loaded in, nor on Segment
  having written the "recursive" rows of a merge.

  Incremental runs read the updates loaded since the last run minus `etl_overlap` hours,
  fold them into the stored direct mappings, and re-resolve only the segments whose
  chain may have changed: the changed segments themselves and every segment that
  resolved to the same canonical as one of them.
-#}
{{ config(unique_key='segment_id', incremental_strategy='delete+insert') }}

with recursive
updates as (
    select
        segment_id,
        canonical_segment_id as direct_canonical_segment_id,
        "timestamp",
        seq,
        triggering_event_type,
        triggering_event_id,
        uuid_ts
    from {{ source('profiles_sync', 'id_graph_updates') }}
    where segment_id is not null
      and canonical_segment_id is not null
    {% if is_incremental() %}
      and uuid_ts >= {{ profiles_sync_watermark() }}
    {% endif %}
),

candidates as (
    select * from updates
    {% if is_incremental() %}
    union all
    -- the mapping already chosen for these segments competes with the new rows
    select
        t.segment_id, t.direct_canonical_segment_id, t."timestamp", t.seq,
        t.triggering_event_type, t.triggering_event_id, t.uuid_ts
    from {{ this }} as t
    where t.uuid_ts is not null
      and t.segment_id in (select segment_id from updates)
    {% endif %}
),

best_edges as (
    {{ profiles_sync_best_edges('candidates') }}
),

-- nodes whose mapping is new or may have changed in this run
changed as (
    select
        segment_id, direct_canonical_segment_id, "timestamp", seq,
        triggering_event_type, triggering_event_id, uuid_ts
    from best_edges
    union all
    -- a canonical named by an update but without rows of its own is a node too
    select distinct
        u.direct_canonical_segment_id, u.direct_canonical_segment_id,
        cast(null as {{ dbt.type_timestamp() }}), cast(null as {{ dbt.type_bigint() }}),
        cast(null as {{ dbt.type_string() }}), cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_timestamp() }})
    from updates as u
    where u.direct_canonical_segment_id not in (select segment_id from updates)
    {% if is_incremental() %}
      and u.direct_canonical_segment_id not in (select segment_id from {{ this }})
    {% endif %}
),

nodes as (
    select * from changed
    {% if is_incremental() %}
    union all
    select
        segment_id, direct_canonical_segment_id, "timestamp", seq,
        triggering_event_type, triggering_event_id, uuid_ts
    from {{ this }}
    where segment_id not in (select segment_id from changed)
    {% endif %}
),

starts as (
    {% if is_incremental() %}
    select segment_id from changed
    union
    -- everything that resolved to the same place as a changed node may move with it
    select t.segment_id
    from {{ this }} as t
    where t.canonical_segment_id in (
        select before.canonical_segment_id
        from {{ this }} as before
        join changed on changed.segment_id = before.segment_id
    )
    {% else %}
    select segment_id from nodes
    {% endif %}
),

{{ profiles_sync_resolve_ctes('nodes', 'starts') }}

select
    nodes.segment_id,
    resolved.canonical_segment_id,
    nodes.direct_canonical_segment_id,
    resolved.merge_depth,
    nodes."timestamp",
    nodes.seq,
    nodes.triggering_event_type,
    nodes.triggering_event_id,
    nodes.uuid_ts
from resolved
join nodes on nodes.segment_id = resolved.start_id
