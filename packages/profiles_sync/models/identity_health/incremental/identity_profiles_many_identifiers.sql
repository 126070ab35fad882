{#-
  Canonical profiles holding unusually many identifiers (more than the var
  `profiles_sync.max_identifiers_per_profile`, 15 by default), often a shared device or
  a test account that glued many people together. uuid_ts and chain_uuid_ts are the latest
  of its identifiers' (external_id_mapping's clocks), which incremental runs go by.

  A profile's count changes only when an identifier moves to it or away from it. One that
  moves to it has a row of external_id_mapping changed since this model last ran (a load
  time or id_graph clock later than the latest this model keeps, minus `etl_overlap`
  hours). Moving away can only bring a profile over the limit under it, and those are all
  stored here. So incremental runs count again the profiles of the changed identifiers and
  the stored profiles; a stored profile now at the limit or under (or gone, merged away)
  is written with its new count and deleted by the post-hook. The watermarks are the latest
  clocks of its own rows: while it is empty, or none of its profiles changed for a while, a
  run counts more profiles than it needs to, never fewer. The full build finds the profiles
  over the limit with a plain count first, and describes only their identifiers.
-#}
{%- set limit = profiles_sync_setting('max_identifiers_per_profile', 15) | int -%}
{{ config(
    unique_key='canonical_segment_id',
    incremental_strategy='delete+insert',
    post_hook="{{ profiles_sync_delete_under_limit('identifiers', " ~ limit ~ ") }}"
) }}

with
{% if is_incremental() %}
{#- Looked up once each (a query when the model runs). -#}
{%- set load_watermark = profiles_sync_watermark('uuid_ts') %}
{%- set chain_watermark = profiles_sync_watermark('chain_uuid_ts') %}
stored as (
    select * from {{ this }}
),

recounted as (
    -- profiles that identifiers moved to since the last run
    select canonical_segment_id
    from {{ ref('external_id_mapping') }}
    where uuid_ts >= {{ load_watermark }}
       or chain_uuid_ts >= {{ chain_watermark }}
    union
    -- profiles over the limit, which may have lost identifiers
    select canonical_segment_id from stored
),
{% else %}
recounted as (
    -- the profiles over the limit
    select canonical_segment_id
    from {{ ref('external_id_mapping') }}
    group by canonical_segment_id
    having count(*) > {{ limit }}
),
{% endif %}

mapping as (
    select m.canonical_segment_id, m.external_id_type, m.uuid_ts, m.chain_uuid_ts
    from {{ ref('external_id_mapping') }} as m
    -- a plain `in`: on PostgreSQL external_id_mapping has no index on canonical_segment_id
    -- (profiles_sync_in_keys would test each row against an array), so one hashed pass
    where m.canonical_segment_id in (select canonical_segment_id from recounted)
),

counted as (
    select
        canonical_segment_id,
        count(*) as identifiers,
        count(distinct external_id_type) as identifier_types,
        sum(case when external_id_type = 'user_id' then 1 else 0 end) as user_ids,
        sum(case when external_id_type = 'email' then 1 else 0 end) as emails,
        sum(case when external_id_type = 'anonymous_id' then 1 else 0 end) as anonymous_ids,
        max(uuid_ts) as uuid_ts,
        max(chain_uuid_ts) as chain_uuid_ts
    from mapping
    group by canonical_segment_id
)

{% if not is_incremental() %}
select * from counted
{% else %}
, final as (
    -- profiles over the limit, and the stored ones that no longer are (with their new
    -- count, 0 when merged away: the post-hook deletes them)
    select counted.*
    from counted
    where counted.identifiers > {{ limit }}
    union all
    select
        stored.canonical_segment_id,
        coalesce(counted.identifiers, 0), coalesce(counted.identifier_types, 0),
        coalesce(counted.user_ids, 0), coalesce(counted.emails, 0), coalesce(counted.anonymous_ids, 0),
        counted.uuid_ts, counted.chain_uuid_ts
    from stored
    left join counted on counted.canonical_segment_id = stored.canonical_segment_id
    where coalesce(counted.identifiers, 0) <= {{ limit }}
)

-- only the profiles whose row changed
select final.*
from final
left join stored on stored.canonical_segment_id = final.canonical_segment_id
where stored.canonical_segment_id is null
   or {{ profiles_sync_differs('final', 'stored', ['identifiers', 'identifier_types', 'user_ids', 'emails', 'anonymous_ids', 'uuid_ts', 'chain_uuid_ts']) }}
{% endif %}
