{#-
  A condition repeating, as `column in (keys)`, keys a query already joins on, for engines
  that plan better with it: DuckDB pushes such a filter into the scan of a stored table
  when it expects few keys, and then reads fewer of its rows (the default). PostgreSQL
  reaches the same rows through the join alone (by an index or a hash join, whichever is
  cheaper); the repeated filter only made it probe the index by the first key column and
  filter the rest, so there it is left out.
-#}
{% macro profiles_sync_key_hint(column, keys) %}
  {{- return(adapter.dispatch('profiles_sync_key_hint', 'profiles_sync')(column, keys)) -}}
{% endmacro %}

{% macro default__profiles_sync_key_hint(column, keys) %}
  {{- return(column ~ ' in (' ~ keys ~ ')') -}}
{% endmacro %}

{% macro postgres__profiles_sync_key_hint(column, keys) %}
  {{- return('1 = 1') -}}
{% endmacro %}
