{#-
  The load time from which an incremental run reads the update tables: the latest
  `uuid_ts` already folded into this model, minus `etl_overlap` hours, so that rows
  loaded late (with a load time a little before that latest one) are still read.
  Re-reading rows twice is harmless: every model folds its updates idempotently.
-#}
{% macro profiles_sync_watermark(column='uuid_ts') %}
  {%- set overlap = profiles_sync_setting('etl_overlap', 28) | int -%}
  {%- set latest -%}
    coalesce((select max({{ column }}) from {{ this }}), {{ profiles_sync_epoch() }})
  {%- endset -%}
  {{ return(dbt.dateadd('hour', -1 * overlap, latest)) }}
{% endmacro %}

{#- A timestamp older than any Segment data, for empty targets. -#}
{% macro profiles_sync_epoch() %}
  {{- return("cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}
