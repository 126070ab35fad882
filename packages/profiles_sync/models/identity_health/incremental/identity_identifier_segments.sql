{#-
  identity_identifier_segments: one row per external identifier and segment_id it was ever
  observed on (external_id_mapping_updates keeps every observation; this keeps each pair
  once), with the latest load time of its observations. identity_identifier_profiles reads
  it to find which identifiers several profiles claim, without reading every update row.

  Incremental runs read the updates loaded since the last run minus `etl_overlap` hours and
  write the pairs that are new or whose latest load time moved (a row loaded late, with an
  earlier load time, changes nothing, as in a full refresh).
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs: external_id_hash: the stored pairs of updated
    identifiers, and all pairs of an identifier; segment_id: the pairs of segments that moved in
    id_graph; uuid_ts: this model's watermark and the pairs updated since a reader's last run. -#}
{{ config(
    unique_key=['external_id_hash', 'segment_id'],
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['external_id_hash']},
        {'columns': ['segment_id']},
        {'columns': ['uuid_ts']}
    ])
) }}

with observed as (
    select
        external_id_hash,
        external_id_type,
        segment_id,
        max(uuid_ts) as uuid_ts
    from {{ source('profiles_sync', 'external_id_mapping_updates') }}
    where external_id_hash is not null
      and segment_id is not null
    {% if is_incremental() %}
      and uuid_ts >= {{ profiles_sync_watermark() }}
    {% endif %}
    group by external_id_hash, external_id_type, segment_id
)

{% if not is_incremental() %}
select external_id_hash, external_id_type, segment_id, uuid_ts
from observed
{% else %}
, stored as (
    select t.external_id_hash, t.external_id_type, t.segment_id, t.uuid_ts
    from {{ this }} as t
    where {{ profiles_sync_in_keys('t.external_id_hash', 'select external_id_hash from observed') }}
)

-- only the pairs that are new or were loaded again later: rows re-read inside the overlap,
-- or loaded late, leave the stored ones alone
select observed.external_id_hash, observed.external_id_type, observed.segment_id, observed.uuid_ts
from observed
left join stored
  on stored.external_id_hash = observed.external_id_hash
 and stored.segment_id = observed.segment_id
where stored.external_id_hash is null
   or observed.uuid_ts > stored.uuid_ts
{% endif %}
