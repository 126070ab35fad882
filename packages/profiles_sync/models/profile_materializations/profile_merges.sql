{#-
  profile_merges: one row per profile that was merged away, with the profile it was
  merged into, when, and the event that triggered it. Segment also writes "recursive"
  rows when a profile that had absorbed others is merged in turn; the earliest merge row
  of a segment is its own merge, later ones are those recursive rows.
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs, so that they read the stored rows they need rather
    than the whole table: segment_id: the stored merges of updated segments; uuid_ts: this model's
    watermark. -#}
{{ config(
    unique_key='segment_id',
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['segment_id']},
        {'columns': ['uuid_ts']}
    ])
) }}

with updates as (
    select
        segment_id,
        canonical_segment_id as merged_into_segment_id,
        "timestamp" as merged_at,
        seq,
        triggering_event_type,
        triggering_event_id,
        uuid_ts
    from {{ source('profiles_sync', 'id_graph_updates') }}
    where segment_id is not null
      and canonical_segment_id is not null
      and canonical_segment_id <> segment_id
    {% if is_incremental() %}
      and uuid_ts >= {{ profiles_sync_watermark() }}
    {% endif %}
),

{% if is_incremental() %}
stored as (
    select
        t.segment_id, t.merged_into_segment_id, t.merged_at, t.seq,
        t.triggering_event_type, t.triggering_event_id, t.uuid_ts
    from {{ this }} as t
    where {{ profiles_sync_in_keys('t.segment_id', 'select segment_id from updates') }}
),
{% endif %}

candidates as (
    select * from updates
    {% if is_incremental() %}
    union all
    select * from stored
    {% endif %}
),

first_merges as (
    {{ profiles_sync_first_merges('candidates') }}
)

select
    first_merges.segment_id,
    first_merges.merged_into_segment_id,
    first_merges.merged_at,
    first_merges.seq,
    first_merges.triggering_event_type,
    first_merges.triggering_event_id,
    first_merges.uuid_ts
from first_merges
{% if is_incremental() %}
-- only the merges that changed: rows re-read inside the overlap leave the stored ones alone
left join stored on stored.segment_id = first_merges.segment_id
where stored.segment_id is null
   or {{ profiles_sync_differs('first_merges', 'stored', ['merged_into_segment_id', 'merged_at', 'seq', 'triggering_event_type', 'triggering_event_id', 'uuid_ts']) }}
{% endif %}
