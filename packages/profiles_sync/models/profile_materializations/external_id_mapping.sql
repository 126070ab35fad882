{#-
  external_id_mapping: one row per external identifier (external_id_hash), with its type
  and value, the profile it was last observed on (segment_id) and the canonical profile
  that profile resolves to today.

  Incremental runs fold the updates loaded since the last run minus `etl_overlap` hours
  into the stored rows, and also re-point every stored identifier whose profile now
  resolves to a different canonical in id_graph (after a merge).
-#}
{{ config(unique_key='external_id_hash', incremental_strategy='delete+insert') }}

with updates as (
    select
        external_id_hash,
        external_id_type,
        external_id_value,
        segment_id,
        "timestamp",
        seq,
        "timestamp" as first_seen_at,
        uuid_ts
    from {{ source('profiles_sync', 'external_id_mapping_updates') }}
    where external_id_hash is not null
      and segment_id is not null
    {% if is_incremental() %}
      and uuid_ts >= {{ profiles_sync_watermark() }}
    {% endif %}
),

graph as (
    select segment_id, canonical_segment_id
    from {{ ref('id_graph') }}
),

candidates as (
    select * from updates
    {% if is_incremental() %}
    union all
    select
        t.external_id_hash, t.external_id_type, t.external_id_value, t.segment_id,
        t."timestamp", t.seq, t.first_seen_at, t.uuid_ts
    from {{ this }} as t
    where t.external_id_hash in (select external_id_hash from updates)
       or t.external_id_hash in (
            -- identifiers whose profile was merged since they were stored
            select stored.external_id_hash
            from {{ this }} as stored
            join graph on graph.segment_id = stored.segment_id
            where graph.canonical_segment_id <> stored.canonical_segment_id
       )
    {% endif %}
),

ranked as (
    select
        candidates.*,
        min(first_seen_at) over (partition by external_id_hash) as earliest_seen_at,
        max(uuid_ts) over (partition by external_id_hash) as latest_uuid_ts,
        row_number() over (
            partition by external_id_hash
            order by "timestamp" desc nulls last, seq desc nulls last,
                     segment_id desc, external_id_value desc nulls last
        ) as row_rank
    from candidates
)

select
    ranked.external_id_hash,
    ranked.external_id_type,
    ranked.external_id_value,
    coalesce(graph.canonical_segment_id, ranked.segment_id) as canonical_segment_id,
    ranked.segment_id,
    ranked."timestamp",
    ranked.seq,
    ranked.earliest_seen_at as first_seen_at,
    ranked.latest_uuid_ts as uuid_ts
from ranked
left join graph on graph.segment_id = ranked.segment_id
where ranked.row_rank = 1
