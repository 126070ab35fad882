{#-
  identity_identifier_profiles: one row per external identifier observed on two segment_ids
  or more (the only ones several profiles can claim), with how many segments and how many
  distinct canonical profiles of today they resolve to. identity_shared_identifiers keeps
  those on more than one profile; an identifier whose profiles merged stays here with 1.

  Incremental runs recount only the identifiers that may have changed since the last run
  (minus `etl_overlap` hours): those with an identifier-segment pair added or loaded again
  since then (identity_identifier_segments' uuid_ts against the latest this model keeps),
  and those observed on a segment whose chain in id_graph changed since then (chain_uuid_ts,
  as in external_id_mapping). Only the rows that differ from the stored ones are written.
  The watermarks are the latest clocks of its own rows: while it is empty, or none of its
  identifiers changed for a while, a run recounts more than it needs to, never less.
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs: external_id_hash: the stored rows of recounted
    identifiers; uuid_ts and chain_uuid_ts: this model's two watermarks. -#}
{{ config(
    unique_key='external_id_hash',
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['external_id_hash']},
        {'columns': ['uuid_ts']},
        {'columns': ['chain_uuid_ts']}
    ])
) }}

with
{% if is_incremental() %}
{#- Looked up once each (a query when the model runs). -#}
{%- set pairs_watermark = profiles_sync_watermark('uuid_ts') %}
{%- set chain_watermark = profiles_sync_watermark('chain_uuid_ts') %}
{%- set moved_segments %}select segment_id from {{ ref('id_graph') }} where chain_uuid_ts >= {{ chain_watermark }}{% endset %}
recounted as (
    -- identifiers with a pair added or loaded again since the last run
    select external_id_hash
    from {{ ref('identity_identifier_segments') }}
    where uuid_ts >= {{ pairs_watermark }}
    union
    -- identifiers observed on a segment whose chain changed since the last run
    select p.external_id_hash
    from {{ ref('identity_identifier_segments') }} as p
    where {{ profiles_sync_in_keys('p.segment_id', moved_segments) }}
),
{% else %}
recounted as (
    -- every identifier seen on two segments or more
    select external_id_hash
    from {{ ref('identity_identifier_segments') }}
    group by external_id_hash
    having count(*) > 1
),
{% endif %}

pairs as (
    select p.external_id_hash, p.external_id_type, p.segment_id, p.uuid_ts
    from {{ ref('identity_identifier_segments') }} as p
    {% if is_incremental() -%}
    where {{ profiles_sync_in_keys('p.external_id_hash', 'select external_id_hash from recounted') }}
    {%- else -%}
    where p.external_id_hash in (select external_id_hash from recounted)
    {%- endif %}
),

graph as (
    select g.segment_id, g.canonical_segment_id, g.chain_uuid_ts
    from {{ ref('id_graph') }} as g
    {% if is_incremental() -%}
    where {{ profiles_sync_in_keys('g.segment_id', 'select segment_id from pairs') }}
    {%- endif %}
),

final as (
    select
        pairs.external_id_hash,
        pairs.external_id_type,
        count(*) as segments,
        count(distinct coalesce(graph.canonical_segment_id, pairs.segment_id)) as profiles,
        min(coalesce(graph.canonical_segment_id, pairs.segment_id)) as first_profile,
        max(coalesce(graph.canonical_segment_id, pairs.segment_id)) as last_profile,
        max(pairs.uuid_ts) as uuid_ts,
        max(graph.chain_uuid_ts) as chain_uuid_ts
    from pairs
    left join graph on graph.segment_id = pairs.segment_id
    group by pairs.external_id_hash, pairs.external_id_type
    having count(*) > 1
)

select final.*
from final
{% if is_incremental() %}
-- only the identifiers whose row changed
left join (
    select *
    from {{ this }}
    where {{ profiles_sync_in_keys('external_id_hash', 'select external_id_hash from final') }}
) as stored on stored.external_id_hash = final.external_id_hash
where stored.external_id_hash is null
   or {{ profiles_sync_differs('final', 'stored', ['external_id_type', 'segments', 'profiles', 'first_profile', 'last_profile', 'uuid_ts', 'chain_uuid_ts']) }}
{% endif %}
