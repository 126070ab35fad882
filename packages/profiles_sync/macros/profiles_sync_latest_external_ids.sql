{#-
  The current row of each external identifier among the rows of `candidates` (columns
  external_id_hash, external_id_type, external_id_value, segment_id, timestamp, seq,
  first_seen_at, uuid_ts): the latest observation (timestamp, then seq, NULLs last; then
  segment_id and external_id_value), with first_seen_at the earliest of the identifier's
  rows and uuid_ts the latest load time. The default ranks rows with a window; DuckDB
  picks them with one arg_max aggregate, which needs no sort.
-#}
{% macro profiles_sync_latest_external_ids(candidates) %}
  {{- adapter.dispatch('profiles_sync_latest_external_ids', 'profiles_sync')(candidates) -}}
{% endmacro %}

{% macro default__profiles_sync_latest_external_ids(candidates) %}
select
    external_id_hash, external_id_type, external_id_value, segment_id, "timestamp", seq,
    earliest_seen_at as first_seen_at, latest_uuid_ts as uuid_ts
from (
    select
        c.*,
        min(c.first_seen_at) over (partition by c.external_id_hash) as earliest_seen_at,
        max(c.uuid_ts) over (partition by c.external_id_hash) as latest_uuid_ts,
        row_number() over (
            partition by c.external_id_hash
            order by c."timestamp" desc nulls last, c.seq desc nulls last,
                     c.segment_id desc, c.external_id_value desc nulls last
        ) as row_rank
    from {{ candidates }} as c
) as ranked
where row_rank = 1
{% endmacro %}

{% macro duckdb__profiles_sync_latest_external_ids(candidates) %}
{#- The key's has_ flags put rows without a time, seq or value last, as "desc nulls last" does. -#}
select
    external_id_hash,
    latest.external_id_type as external_id_type,
    latest.external_id_value as external_id_value,
    latest.segment_id as segment_id,
    latest."timestamp" as "timestamp",
    latest.seq as seq,
    first_seen_at,
    uuid_ts
from (
    select
        c.external_id_hash,
        arg_max(
            {'external_id_type': c.external_id_type, 'external_id_value': c.external_id_value,
             'segment_id': c.segment_id, 'timestamp': c."timestamp", 'seq': c.seq},
            {'has_timestamp': c."timestamp" is not null, 'timestamp': c."timestamp",
             'has_seq': c.seq is not null, 'seq': c.seq,
             'segment_id': c.segment_id,
             'has_value': c.external_id_value is not null, 'value': c.external_id_value}
        ) as latest,
        min(c.first_seen_at) as first_seen_at,
        max(c.uuid_ts) as uuid_ts
    from {{ candidates }} as c
    group by c.external_id_hash
) as latest_ids
{% endmacro %}
