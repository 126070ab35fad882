{#-
  The `indexes` config of an incremental model: `indexes` (dbt-postgres's list of
  {'columns': [...]}) on PostgreSQL, where incremental runs reach the few stored rows they
  need through B-tree indexes; none elsewhere. DuckDB gains nothing from them for these
  queries (its ART indexes are not used for joins, and building them costs time), and
  dbt-duckdb would otherwise create them.
-#}
{% macro profiles_sync_indexes(indexes) %}
  {{- return(adapter.dispatch('profiles_sync_indexes', 'profiles_sync')(indexes)) -}}
{% endmacro %}

{% macro default__profiles_sync_indexes(indexes) %}
  {{- return([]) -}}
{% endmacro %}

{% macro postgres__profiles_sync_indexes(indexes) %}
  {{- return(indexes) -}}
{% endmacro %}
