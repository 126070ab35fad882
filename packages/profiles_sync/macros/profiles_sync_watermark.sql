{#-
  The load time from which an incremental run reads the update tables: the latest
  `uuid_ts` already folded into this model, minus `etl_overlap` hours, so that rows
  loaded late (with a load time a little before that latest one) are still read.
  Re-reading rows twice is harmless: every model folds its updates idempotently.

  When the model runs, the value is looked up once and written into the SQL as a
  timestamp literal: the engine then knows how few update rows pass the filter and plans
  the probes into the stored tables accordingly (DuckDB, for one, pushes a filter of the
  new keys into those scans only when it expects few of them). While parsing, and if
  the lookup finds nothing usable, the same value is computed by a subquery instead.
-#}
{% macro profiles_sync_watermark(column='uuid_ts') %}
  {%- set overlap = profiles_sync_setting('etl_overlap', 28) | int -%}
  {%- set latest -%}
    coalesce((select max({{ column }}) from {{ this }}), {{ profiles_sync_epoch() }})
  {%- endset -%}
  {%- set computed = dbt.dateadd('hour', -1 * overlap, latest) -%}
  {%- if execute -%}
    {%- set found = run_query('select cast(' ~ computed ~ ' as ' ~ dbt.type_string() ~ ') as watermark') -%}
    {%- set value = found.rows[0][0] if found is not none and (found.rows | length) > 0 else none -%}
    {%- if value is not none -%}
      {{ return("cast('" ~ (value | string) ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
    {%- endif -%}
  {%- endif -%}
  {{ return(computed) }}
{% endmacro %}

{#- A timestamp older than any Segment data, for empty targets. -#}
{% macro profiles_sync_epoch() %}
  {{- return("cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}
