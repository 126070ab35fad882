{#-
  external_id_mapping: one row per external identifier (external_id_hash), with its type
  and value, the profile it was last observed on (segment_id) and the canonical profile
  that profile resolves to today.

  Incremental runs fold the updates loaded since the last run minus `etl_overlap` hours
  into the stored rows, and also re-point every stored identifier whose profile may
  resolve to a different canonical in id_graph (after a merge): those whose segment's
  chain in id_graph changed since the last run (chain_uuid_ts, the id_graph clock this
  model keeps beside its rows).
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs, so that they read the stored rows they need rather
    than the whole table: external_id_hash: the stored rows of updated identifiers; segment_id: the
    identifiers of moved segments; uuid_ts and chain_uuid_ts: this model's two watermarks. -#}
{{ config(
    unique_key='external_id_hash',
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['external_id_hash']},
        {'columns': ['segment_id']},
        {'columns': ['uuid_ts']},
        {'columns': ['chain_uuid_ts']}
    ])
) }}

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

{% if is_incremental() %}
{#-
  A stored identifier may have moved when its profile's chain in id_graph changed since
  this model last ran: id_graph's chain_uuid_ts is then at least as late as the change.
  This model keeps the chain_uuid_ts it saw, so the latest of them, minus `etl_overlap`
  hours, bounds the changes already folded in (the same reasoning as for update rows).
-#}
{#- Looked up once (a query when the model runs), used twice below. -#}
{%- set chain_watermark = profiles_sync_watermark('chain_uuid_ts') %}
{%- set recent_segments %}select segment_id from {{ ref('id_graph') }} where chain_uuid_ts >= {{ chain_watermark }}{% endset %}
recent_chains as (
    select segment_id, canonical_segment_id, chain_uuid_ts
    from {{ ref('id_graph') }}
    where chain_uuid_ts >= {{ chain_watermark }}
),

moved as (
    -- of those, the stored identifiers whose canonical or chain differs from id_graph's
    select stored.external_id_hash
    from {{ this }} as stored
    join recent_chains on recent_chains.segment_id = stored.segment_id
    -- the same segments again as a key filter, so that the stored table is probed by key
    -- (DuckDB filters its scan; PostgreSQL looks the keys up in the segment_id index)
    where {{ profiles_sync_in_keys('stored.segment_id', recent_segments) }}
      and (recent_chains.canonical_segment_id <> stored.canonical_segment_id
           or stored.chain_uuid_ts is null
           or recent_chains.chain_uuid_ts <> stored.chain_uuid_ts)
),

stored as (
    select *
    from {{ this }} as t
    where {{ profiles_sync_in_keys(
        't.external_id_hash',
        'select external_id_hash from updates union select external_id_hash from moved'
    ) }}
),

candidates as (
    select * from updates
    union all
    select
        external_id_hash, external_id_type, external_id_value, segment_id,
        "timestamp", seq, first_seen_at, uuid_ts
    from stored
),
{% else %}
candidates as (
    select * from updates
),
{% endif %}

latest as (
    {{ profiles_sync_latest_external_ids('candidates') }}
),

final as (
    select
        latest.external_id_hash,
        latest.external_id_type,
        latest.external_id_value,
        coalesce(graph.canonical_segment_id, latest.segment_id) as canonical_segment_id,
        latest.segment_id,
        latest."timestamp",
        latest.seq,
        latest.first_seen_at,
        latest.uuid_ts,
        graph.chain_uuid_ts
    from latest
    left join (
        select segment_id, canonical_segment_id, chain_uuid_ts
        from {{ ref('id_graph') }}
        {% if is_incremental() %}
        -- few identifiers change in a run: probe id_graph by their segments only
        where {{ profiles_sync_in_keys('segment_id', 'select segment_id from latest') }}
        {% else %}
        -- always true; a filter makes DuckDB expect fewer rows here, so that it builds the join's
        -- hash table from id_graph rather than from every identifier (1.5x faster at 1 M rows)
        where segment_id is not null
        {% endif %}
    ) as graph on graph.segment_id = latest.segment_id
)

select final.*
from final
{% if is_incremental() %}
-- only the identifiers that changed: rows re-read inside the overlap leave the stored ones alone
left join stored on stored.external_id_hash = final.external_id_hash
where stored.external_id_hash is null
   or {{ profiles_sync_differs('final', 'stored', ['external_id_type', 'external_id_value', 'canonical_segment_id', 'segment_id', 'timestamp', 'seq', 'first_seen_at', 'uuid_ts', 'chain_uuid_ts']) }}
{% endif %}
