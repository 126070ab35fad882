{#-
  id_graph: one row per segment_id with the canonical_segment_id it finally resolves to.

  Each segment's current direct mapping is its best id_graph_updates row (a merge beats a
  creation row, then the latest event time). Chains of merges are then followed to their
  end, so the result does not depend on the order the rows were loaded in, nor on Segment
  having written the "recursive" rows of a merge.

  Incremental runs read the updates loaded since the last run minus `etl_overlap` hours,
  fold them into the stored direct mappings, and re-resolve only the segments whose
  chain may have changed: the changed segments themselves and every segment that
  resolved to the same canonical as one of them. Every other segment keeps its stored
  row, and a walk that reaches one of them continues from its stored canonical. Only the
  re-resolved rows that differ from the stored ones are written.

  chain_uuid_ts is the latest load time (uuid_ts) of the segment and of every segment on
  its chain before the canonical: a segment whose canonical changed has a chain_uuid_ts
  at least as late as the update that changed it, which lets external_id_mapping and
  profile_traits find the segments that moved without comparing every stored row.
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs, so that they read the stored rows they need rather
    than the whole table: segment_id: the stored rows of updated segments; canonical_segment_id: the
    members of their groups; uuid_ts: this model's watermark; chain_uuid_ts: the segments that
    moved, read by external_id_mapping and profile_traits. -#}
{{ config(
    unique_key='segment_id',
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['segment_id']},
        {'columns': ['canonical_segment_id']},
        {'columns': ['uuid_ts']},
        {'columns': ['chain_uuid_ts']}
    ])
) }}

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

{% if is_incremental() %}
stored_updated as (
    -- the stored rows of the segments with new rows (one pass over the stored table). Plain `in`
    -- lookups here, not profiles_sync_in_keys: the walk's joins are planned on the sizes of these
    -- CTEs, and PostgreSQL, told to expect a handful of keys, ran them as loops (5x slower at 1 M)
    select *
    from {{ this }} as t
    where t.segment_id in (select segment_id from updates)
),
{% endif %}

candidates as (
    select * from updates
    {% if is_incremental() %}
    union all
    -- the mapping already chosen for these segments competes with the new rows
    select
        t.segment_id, t.direct_canonical_segment_id, t."timestamp", t.seq,
        t.triggering_event_type, t.triggering_event_id, t.uuid_ts
    from stored_updated as t
    where t.uuid_ts is not null
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
    {% if is_incremental() %}
    left join {{ this }} as known on known.segment_id = u.direct_canonical_segment_id
    {% endif %}
    -- (not exists rather than not in: the keys are never NULL, and an engine can then run it
    -- as an anti-join; PostgreSQL ran "not in" as a scan per row once the keys outgrew work_mem)
    where not exists (select 1 from updates as own where own.segment_id = u.direct_canonical_segment_id)
    {% if is_incremental() %}
      and known.segment_id is null
    {% endif %}
),

{% if is_incremental() %}
{#-
  Only the segments whose chain may have changed are resolved again: the changed nodes
  and every stored segment that resolved to the same canonical as one of them. Any other
  segment keeps its stored chain, so a walk that leaves this set ends at the stored
  canonical of the node it reached (and adds that node's stored depth). Each pass over
  the stored table is probed by a small set of keys.
-#}
stored_members as (
    -- the other stored members of the groups of the segments with new rows
    select *
    from {{ this }} as t
    where t.canonical_segment_id in (select canonical_segment_id from stored_updated)
      and not exists (select 1 from changed where changed.segment_id = t.segment_id)
),

start_nodes as (
    select * from changed
    union all
    select
        segment_id, direct_canonical_segment_id, "timestamp", seq,
        triggering_event_type, triggering_event_id, uuid_ts
    from stored_members
),
{% else %}
start_nodes as (
    select * from changed
),
{% endif %}

merged_starts as (
    -- a node that points at itself resolves to itself without a walk
    select segment_id from start_nodes where direct_canonical_segment_id <> segment_id
),

{{ profiles_sync_resolve_ctes('start_nodes', 'merged_starts', chain_column='uuid_ts') }}

{%- if is_incremental() %},

exits as (
    -- stored segments where a walk left the re-resolved set, with their stored chain. A walk
    -- only steps to the direct canonical of a merged start node, so those are the candidates
    -- (a set the planner can size, unlike the walk's result: DuckDB built its hash table from
    -- the whole stored table when probed by `resolved`)
    select t.segment_id, t.canonical_segment_id, t.merge_depth, t.chain_uuid_ts
    from {{ this }} as t
    where t.segment_id in (
        select direct_canonical_segment_id from start_nodes where direct_canonical_segment_id <> segment_id
    )
      and not exists (select 1 from start_nodes where start_nodes.segment_id = t.segment_id)
)
{%- endif %},

final as (
    select
        nodes.segment_id,
        {% if is_incremental() -%}
        coalesce(exits.canonical_segment_id, resolved.canonical_segment_id, nodes.segment_id) as canonical_segment_id,
        {%- else -%}
        coalesce(resolved.canonical_segment_id, nodes.segment_id) as canonical_segment_id,
        {%- endif %}
        nodes.direct_canonical_segment_id,
        {% if is_incremental() -%}
        coalesce(resolved.merge_depth, 0) + coalesce(exits.merge_depth, 0) as merge_depth,
        {%- else -%}
        coalesce(resolved.merge_depth, 0) as merge_depth,
        {%- endif %}
        nodes."timestamp",
        nodes.seq,
        nodes.triggering_event_type,
        nodes.triggering_event_id,
        nodes.uuid_ts,
        {% if is_incremental() -%}
        {{ profiles_sync_later(profiles_sync_later('resolved.chain_uuid_ts', 'exits.chain_uuid_ts'), 'nodes.uuid_ts') }} as chain_uuid_ts
        {%- else -%}
        {{ profiles_sync_later('resolved.chain_uuid_ts', 'nodes.uuid_ts') }} as chain_uuid_ts
        {%- endif %}
    from start_nodes as nodes
    left join resolved on resolved.start_id = nodes.segment_id
    {% if is_incremental() -%}
    left join exits on exits.segment_id = resolved.canonical_segment_id
    {%- endif %}
)

select final.*
from final
{% if is_incremental() %}
-- only the segments whose row changed: most re-resolved segments keep their canonical, and rows
-- re-read inside the overlap leave the stored ones alone (every start node with a stored row is
-- in one of these two sets, and no segment is in both)
left join (
    select * from stored_updated
    union all
    select * from stored_members
) as stored on stored.segment_id = final.segment_id
where stored.segment_id is null
   or {{ profiles_sync_differs('final', 'stored', ['canonical_segment_id', 'direct_canonical_segment_id', 'merge_depth', 'timestamp', 'seq', 'triggering_event_type', 'triggering_event_id', 'uuid_ts', 'chain_uuid_ts']) }}
{% endif %}
