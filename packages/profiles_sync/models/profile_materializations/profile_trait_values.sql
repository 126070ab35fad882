{#-
  profile_trait_values: for each segment_id and trait, the latest non-null value the
  segment was given (one row per segment_id and trait_name), as text, with the event
  time and seq that make it the latest. profile_traits combines these per canonical
  profile. A NULL in an update means "not set by this update": it never replaces a value.

  Incremental runs fold the updates loaded since the last run minus `etl_overlap` hours
  into the stored values; an update that arrives late but is older than the stored value
  loses to it, as it would in a full refresh.
-#}
{{ config(unique_key=['segment_id', 'trait_name'], incremental_strategy='delete+insert') }}

{%- set traits = profiles_sync_trait_columns() -%}
{%- set seq_column = 'seq' if profiles_sync_traits_has_column('seq') else 'cast(null as ' ~ dbt.type_bigint() ~ ')' -%}

{#- Inlined in each branch rather than a CTE, so that each reads only its own columns. -#}
{%- set updates -%}
    select *
    from {{ profiles_sync_traits_relation() }}
    where segment_id is not null
    {% if is_incremental() %}
      and uuid_ts >= {{ profiles_sync_watermark() }}
    {% endif %}
{%- endset %}

with unpivoted as (
    {% for trait in traits %}
    select
        segment_id,
        cast('{{ trait.name }}' as {{ dbt.type_string() }}) as trait_name,
        cast({{ adapter.quote(trait.name) }} as {{ dbt.type_string() }}) as trait_value,
        "timestamp" as value_timestamp,
        {{ seq_column }} as value_seq,
        uuid_ts
    from ({{ updates }}) as updates
    where {{ adapter.quote(trait.name) }} is not null
    {% if not loop.last %}union all{% endif %}
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as trait_name,
        cast(null as {{ dbt.type_string() }}) as trait_value,
        cast(null as {{ dbt.type_timestamp() }}) as value_timestamp,
        cast(null as {{ dbt.type_bigint() }}) as value_seq,
        cast(null as {{ dbt.type_timestamp() }}) as uuid_ts
    where 1 = 0
    {% endfor %}
),

candidates as (
    select * from unpivoted
    {% if is_incremental() %}
    union all
    select t.segment_id, t.trait_name, t.trait_value, t.value_timestamp, t.value_seq, t.uuid_ts
    from {{ this }} as t
    join (select distinct segment_id, trait_name from unpivoted) as k
      on k.segment_id = t.segment_id and k.trait_name = t.trait_name
    {% endif %}
),

picked as (
    {{ profiles_sync_latest_trait_values('candidates') }}
)

select segment_id, trait_name, trait_value, value_timestamp, value_seq, uuid_ts
from picked
