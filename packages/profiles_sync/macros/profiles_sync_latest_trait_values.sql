{#-
  The latest value per (segment_id, trait_name) among the rows of `candidates` (columns
  segment_id, trait_name, trait_value, value_timestamp, value_seq, uuid_ts): the row with
  the latest value_timestamp, then the highest value_seq (NULLs lose), then the highest
  trait_value; uuid_ts becomes the latest load time of the pair. The default ranks rows
  with a window; DuckDB picks them with one arg_max aggregate, which needs no sort.
-#}
{% macro profiles_sync_latest_trait_values(candidates) %}
  {{- adapter.dispatch('profiles_sync_latest_trait_values', 'profiles_sync')(candidates) -}}
{% endmacro %}

{% macro default__profiles_sync_latest_trait_values(candidates) %}
select segment_id, trait_name, trait_value, value_timestamp, value_seq, latest_uuid_ts as uuid_ts
from (
    select
        c.*,
        max(c.uuid_ts) over (partition by c.segment_id, c.trait_name) as latest_uuid_ts,
        row_number() over (
            partition by c.segment_id, c.trait_name
            order by c.value_timestamp desc nulls last, c.value_seq desc nulls last, c.trait_value desc
        ) as value_rank
    from {{ candidates }} as c
) as ranked
where value_rank = 1
{% endmacro %}

{% macro duckdb__profiles_sync_latest_trait_values(candidates) %}
{#- The key's flags put rows without a time or seq last, as "desc nulls last" does. -#}
select
    segment_id,
    trait_name,
    picked.trait_value as trait_value,
    picked.value_timestamp as value_timestamp,
    picked.value_seq as value_seq,
    uuid_ts
from (
    select
        c.segment_id,
        c.trait_name,
        arg_max(
            {'trait_value': c.trait_value, 'value_timestamp': c.value_timestamp, 'value_seq': c.value_seq},
            {'has_timestamp': c.value_timestamp is not null, 'value_timestamp': c.value_timestamp,
             'has_seq': c.value_seq is not null, 'value_seq': c.value_seq, 'trait_value': c.trait_value}
        ) as picked,
        max(c.uuid_ts) as uuid_ts
    from {{ candidates }} as c
    group by c.segment_id, c.trait_name
) as latest_values
{% endmacro %}
