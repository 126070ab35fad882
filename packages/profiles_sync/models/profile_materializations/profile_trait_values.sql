{#-
  profile_trait_values: one row per segment_id that was ever given a trait value: for each
  trait, the latest non-null value the segment itself was given (a column named as the
  trait, of the source's type), with `<trait>__at` and `<trait>__seq`, the event time and
  seq that make it the latest. profile_traits combines these rows per canonical profile.
  A NULL in an update means "not set by this update": it never replaces a value.

  Incremental runs fold the updates loaded since the last run minus `etl_overlap` hours
  into the stored rows of their segments; an update that arrives late but is older than
  the stored value loses to it, as it would in a full refresh.
-#}
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs, so that they read the stored rows they need rather
    than the whole table: segment_id: the stored values of updated profiles, and of touched groups'
    members; uuid_ts: this model's watermark. -#}
{{ config(
    unique_key='segment_id',
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['segment_id']},
        {'columns': ['uuid_ts']}
    ])
) }}

{%- set source_columns = profiles_sync_traits_source_columns() -%}
{%- set traits = profiles_sync_trait_columns(source_columns) -%}
{%- set seq_column = 'seq' if profiles_sync_traits_has_column('seq', source_columns) else 'cast(null as ' ~ dbt.type_bigint() ~ ')' -%}
{%- set columns = ['segment_id'] -%}
{%- for trait in traits %}{% do columns.extend([trait.name, trait.name ~ '__at', trait.name ~ '__seq']) %}{% endfor -%}
{%- do columns.append('uuid_ts') -%}
{#- The stored columns, when incremental: a trait that just appeared has none yet (they are
    added after this query runs), its stored values are then NULL and every row is written. -#}
{%- set missing = [] -%}
{%- if is_incremental() -%}
  {%- set stored_names = profiles_sync_column_names(this) -%}
  {%- for name in columns %}{% if name not in stored_names %}{% do missing.append(name) %}{% endif %}{% endfor -%}
{%- endif -%}

{#- The update rows that set a trait, one column triple per trait. A subquery rather than a
    CTE, so that an engine that materializes CTEs read more than once does not copy them. -#}
{%- set updates -%}
(
    select
        segment_id
        {%- for trait in traits %},
        {{ adapter.quote(trait.name) }},
        "timestamp" as {{ adapter.quote(trait.name ~ '__at') }},
        {{ seq_column }} as {{ adapter.quote(trait.name ~ '__seq') }}
        {%- endfor %},
        uuid_ts
    from {{ profiles_sync_traits_relation() }}
    where segment_id is not null
      and ({% for trait in traits %}{{ adapter.quote(trait.name) }} is not null{% if not loop.last %} or {% endif %}{% else %}1 = 0{% endfor %})
    {% if is_incremental() %}
      and uuid_ts >= {{ profiles_sync_watermark() }}
    {% endif %}
)
{%- endset %}

{% if not is_incremental() %}

{{ profiles_sync_latest_traits(updates, 'segment_id', traits) }}

{% else %}

with new_rows as (
    select * from {{ updates }} as u
),

stored as (
    select
        t.segment_id
        {%- for trait in traits %}
        {%- if trait.name in missing %},
        cast(null as {{ trait.data_type }}) as {{ adapter.quote(trait.name) }},
        cast(null as {{ dbt.type_timestamp() }}) as {{ adapter.quote(trait.name ~ '__at') }},
        cast(null as {{ dbt.type_bigint() }}) as {{ adapter.quote(trait.name ~ '__seq') }}
        {%- else %},
        t.{{ adapter.quote(trait.name) }},
        t.{{ adapter.quote(trait.name ~ '__at') }},
        t.{{ adapter.quote(trait.name ~ '__seq') }}
        {%- endif %}
        {%- endfor %},
        t.uuid_ts
    from {{ this }} as t
    where {{ profiles_sync_in_keys('t.segment_id', 'select segment_id from new_rows') }}
),

candidates as (
    select * from new_rows
    union all
    select * from stored
),

picked as (
    {{ profiles_sync_latest_traits('candidates', 'segment_id', traits) }}
)

select picked.*
from picked
{% if missing | length == 0 %}
-- only the rows that changed: rows re-read inside the overlap leave the stored ones alone
left join stored on stored.segment_id = picked.segment_id
where stored.segment_id is null
   or {{ profiles_sync_differs('picked', 'stored', columns[1:]) }}
{% endif %}

{% endif %}
