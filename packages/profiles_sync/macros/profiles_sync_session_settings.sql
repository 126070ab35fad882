{#-
  The statement the package's models run before their query, inside their build's
  transaction (the package's pre-hook, dbt_project.yml): empty
  (no statement) by default. On PostgreSQL it switches JIT compilation off for that
  transaction: the planner's estimates for the recursive chain walk and the CTEs are large
  enough to cross jit_above_cost, and compiling a query this size took about a second per
  model (measured at 1 million update rows), longer than an incremental run's query itself;
  the full build is faster without it too. A project can override it the usual way
  (`dispatch:` in its dbt_project.yml).
-#}
{% macro profiles_sync_session_settings() %}
  {{- return(adapter.dispatch('profiles_sync_session_settings', 'profiles_sync')()) -}}
{% endmacro %}

{% macro default__profiles_sync_session_settings() %}
  {{- return('') -}}
{% endmacro %}

{% macro postgres__profiles_sync_session_settings() %}
  {{- return('set local jit = off') -}}
{% endmacro %}

{#-
  The statement the incremental models run after their build, inside its transaction (the
  package's post-hook on profile_materializations, dbt_project.yml): empty by default. On
  PostgreSQL it gathers the table's statistics when it has none, that is after a first
  build or a full refresh (CREATE TABLE AS leaves none): the next incremental run is then
  planned on the table's real size and key counts (index lookups for the few keys it
  touches) instead of defaults, without waiting for autovacuum. Incremental runs change few
  rows and leave later statistics to autovacuum, so they skip it.
-#}
{% macro profiles_sync_after_build() %}
  {{- return(adapter.dispatch('profiles_sync_after_build', 'profiles_sync')()) -}}
{% endmacro %}

{% macro default__profiles_sync_after_build() %}
  {{- return('') -}}
{% endmacro %}

{% macro postgres__profiles_sync_after_build() %}
  {%- if config.get('materialized') not in ['table', 'incremental'] -%}
    {{- return('') -}}
  {%- endif -%}
  {%- set statement -%}
do $profiles_sync$
begin
    if not exists (select 1 from pg_catalog.pg_statistic where starelid = '{{ this }}'::regclass) then
        analyze {{ this }};
    end if;
end
$profiles_sync$
  {%- endset -%}
  {{- return(statement) -}}
{% endmacro %}
