{#-
  A condition true when `column` is one of the keys the query `keys` returns: how incremental
  models look up the few stored rows whose keys a run touched.

  On PostgreSQL the keys are gathered into an array first (`= any(array(…))`): the planner
  then expects a handful of keys and probes the column's B-tree index once per key, where
  `in (…)` is planned on its estimate of the subquery's rows, often far too many, and reads the
  whole stored table. Elsewhere it is a plain `in (…)`.

  The planner also sizes what follows on that handful: use it where the rows found feed no large
  join (id_graph does not: its chain walk then ran as nested loops, five times slower).
-#}
{% macro profiles_sync_in_keys(column, keys) %}
  {{- return(adapter.dispatch('profiles_sync_in_keys', 'profiles_sync')(column, keys)) -}}
{% endmacro %}

{% macro default__profiles_sync_in_keys(column, keys) -%}
  {{ column }} in ({{ keys }})
{%- endmacro %}

{% macro postgres__profiles_sync_in_keys(column, keys) -%}
  {{ column }} = any(array({{ keys }}))
{%- endmacro %}
