{#-
  profile_trait_values: for each segment_id and trait, the latest non-null value the
  segment was given (one row per segment_id and trait_name), as text, with the event
  time and seq that make it the latest. profile_traits combines these per canonical
  profile. A NULL in an update means "not set by this update": it never replaces a value.

  Incremental runs fold the updates loaded since the last run minus `etl_overlap` hours
  into the stored values; an update that arrives late but is older than the stored value
  loses to it, as it would in a full refresh.
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs, so that they read the stored rows they need rather
    than the whole table: (segment_id, trait_name): the stored values of updated profiles, and of
    touched groups' members; uuid_ts: this model's watermark. -#}
{{ config(
    unique_key=['segment_id', 'trait_name'],
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['segment_id', 'trait_name']},
        {'columns': ['uuid_ts']}
    ])
) }}

{%- set traits = profiles_sync_trait_columns() -%}
{%- set seq_column = 'seq' if profiles_sync_traits_has_column('seq') else 'cast(null as ' ~ dbt.type_bigint() ~ ')' -%}
{#- Looked up once (a query when the model runs), used twice below. -#}
{%- set watermark = profiles_sync_watermark() if is_incremental() else none -%}

{#- Inlined in each branch of the unpivot rather than a CTE, so that each reads only its own columns. -#}
{%- set updates -%}
    select *
    from {{ profiles_sync_traits_relation() }}
    where segment_id is not null
    {% if is_incremental() %}
      and uuid_ts >= {{ watermark }}
    {% endif %}
{%- endset %}

with unpivoted as (
    {{ profiles_sync_unpivot_traits(updates, traits, seq_column) }}
),

{% if not is_incremental() %}

picked as (
    {{ profiles_sync_latest_trait_values('unpivoted') }}
)

select segment_id, trait_name, trait_value, value_timestamp, value_seq, uuid_ts
from picked

{% else %}

stored as (
    select t.segment_id, t.trait_name, t.trait_value, t.value_timestamp, t.value_seq, t.uuid_ts
    from {{ this }} as t
    join (select distinct segment_id, trait_name from unpivoted) as k
      on k.segment_id = t.segment_id and k.trait_name = t.trait_name
    -- the same rows, also probed by segment alone, straight from the update table: an
    -- engine that expects few keys can filter the scan of the stored rows with them
    {%- set updated_segments -%}
        select segment_id
        from {{ profiles_sync_traits_relation() }}
        where uuid_ts >= {{ watermark }}
    {%- endset %}
    where {{ profiles_sync_key_hint('t.segment_id', updated_segments) }}
),

candidates as (
    select * from unpivoted
    union all
    select * from stored
),

picked as (
    {{ profiles_sync_latest_trait_values('candidates') }}
)

select
    picked.segment_id, picked.trait_name, picked.trait_value,
    picked.value_timestamp, picked.value_seq, picked.uuid_ts
from picked
-- only the values that changed: rows re-read inside the overlap leave the stored ones alone
left join stored
  on stored.segment_id = picked.segment_id and stored.trait_name = picked.trait_name
where stored.segment_id is null
   or {{ profiles_sync_differs('picked', 'stored', ['trait_value', 'value_timestamp', 'value_seq', 'uuid_ts']) }}

{% endif %}
