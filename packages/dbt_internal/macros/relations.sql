{# dbt's macros about relations and their columns, as projects and packages call them from
   models, macros, hooks and operations. Strata's own materializations are TypeScript and do
   not go through these. #}

{#- The relation as the database has it now (none when it does not exist). -#}
{% macro load_relation(relation) %}
  {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}
{% endmacro %}
{% macro load_cached_relation(relation) %}{{ return(load_relation(relation)) }}{% endmacro %}

{#- A relation named after `base_relation` with `suffix`. An engine with temporary tables
    (PostgreSQL) names it with the time too and leaves out its schema, as temporary tables
    live in a schema of their own. -#}
{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') %}{{ return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix)) }}{% endmacro %}
{% macro default__make_temp_relation(base_relation, suffix) %}
  {{ return(base_relation.incorporate(path={"identifier": base_relation.identifier ~ suffix})) }}
{% endmacro %}
{% macro postgres__make_temp_relation(base_relation, suffix) %}
  {%- set stamp = modules.datetime.datetime.now().strftime('%H%M%S%f') -%}
  {%- set identifier = base_relation.identifier[:63 - (suffix | length) - (stamp | length)] ~ suffix ~ stamp -%}
  {{ return(base_relation.incorporate(path={"identifier": identifier, "schema": none, "database": none})) }}
{% endmacro %}

{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') %}
  {{ return(base_relation.incorporate(path={"identifier": base_relation.identifier ~ suffix})) }}
{% endmacro %}

{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') %}
  {{ return(base_relation.incorporate(path={"identifier": base_relation.identifier ~ suffix}, type=backup_relation_type)) }}
{% endmacro %}

{% macro drop_relation_if_exists(relation) %}
  {%- if relation is not none -%}{%- do adapter.drop_relation(relation) -%}{%- endif -%}
{% endmacro %}

{#- `create table … as (sql)`, after the model's sql_header when it has one. A temporary table
    is named without its schema. -#}
{% macro get_create_table_as_sql(temporary, relation, sql) %}{{ return(adapter.dispatch('get_create_table_as_sql', 'dbt')(temporary, relation, sql)) }}{% endmacro %}
{% macro default__get_create_table_as_sql(temporary, relation, sql) -%}
  {%- set header = config.get('sql_header') -%}
  {%- if header %}{{ header }};
{% endif -%}
  create {% if temporary %}temporary {% endif %}table {{ relation.include(database=(not temporary), schema=(not temporary)) }} as (
{{ sql }}
  )
{%- endmacro %}
{% macro create_table_as(temporary, relation, compiled_code, language='sql') %}
  {%- if language != 'sql' -%}
    {{ exceptions.raise_compiler_error("create_table_as: Strata builds SQL models only, not " ~ language) }}
  {%- endif -%}
  {{ return(get_create_table_as_sql(temporary, relation, compiled_code)) }}
{% endmacro %}

{% macro get_create_view_as_sql(relation, sql) %}{{ return(adapter.dispatch('get_create_view_as_sql', 'dbt')(relation, sql)) }}{% endmacro %}
{% macro default__get_create_view_as_sql(relation, sql) -%}
  {%- set header = config.get('sql_header') -%}
  {%- if header %}{{ header }};
{% endif -%}
  create view {{ relation }} as (
{{ sql }}
  )
{%- endmacro %}
{% macro create_view_as(relation, sql) %}{{ return(get_create_view_as_sql(relation, sql)) }}{% endmacro %}

{% macro truncate_relation(relation) %}
  {%- call statement('truncate_relation') -%}truncate table {{ relation }}{%- endcall -%}
{% endmacro %}

{#- The quoted column names, comma-separated. -#}
{% macro get_quoted_csv(column_names) %}
  {%- set quoted = [] -%}
  {%- for name in column_names -%}{%- do quoted.append(adapter.quote(name)) -%}{%- endfor -%}
  {{ return(quoted | join(', ')) }}
{% endmacro %}

{#- What a generic test reads: the relation, or the rows its `where` config keeps. -#}
{% macro get_where_subquery(relation) %}{{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}{% endmacro %}
{% macro default__get_where_subquery(relation) %}
  {%- set where = config.get('where') -%}
  {%- if where -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
  {%- endif -%}
  {{ return(relation) }}
{% endmacro %}

{#- The columns a query returns, asked of the database without reading its rows ([] while
    parsing). -#}
{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) %}{{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}{% endmacro %}
{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {%- if select_sql_header is not none %}{{ select_sql_header }};
{% endif -%}
  select * from (
{{ select_sql }}
  ) as strata_query where false limit 0
{%- endmacro %}
{% macro get_columns_in_query(select_sql) %}{{ return(adapter.dispatch('get_columns_in_query', 'dbt')(select_sql)) }}{% endmacro %}
{% macro default__get_columns_in_query(select_sql) %}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
    {{ get_empty_subquery_sql(select_sql) }}
  {%- endcall -%}
  {{ return(load_result('get_columns_in_query').table.columns | map(attribute='name') | list) }}
{% endmacro %}

{#- Change a column's type in place. -#}
{% macro alter_column_type(relation, column_name, new_column_type) %}{{ return(adapter.dispatch('alter_column_type', 'dbt')(relation, column_name, new_column_type)) }}{% endmacro %}
{% macro default__alter_column_type(relation, column_name, new_column_type) %}
  {%- call statement('alter_column_type') -%}
    alter table {{ relation }} alter column {{ adapter.quote(column_name) }} type {{ new_column_type }}
  {%- endcall -%}
{% endmacro %}

{#- Add columns (each with `.name` and `.data_type`, as adapter.get_columns_in_relation gives
    them) and drop others, one statement each. -#}
{% macro alter_relation_add_remove_columns(relation, add_columns=none, remove_columns=none) %}{{ return(adapter.dispatch('alter_relation_add_remove_columns', 'dbt')(relation, add_columns, remove_columns)) }}{% endmacro %}
{% macro default__alter_relation_add_remove_columns(relation, add_columns, remove_columns) %}
  {%- for column in add_columns or [] -%}
    {%- call statement('alter_relation_add_column') -%}
      alter table {{ relation }} add column {{ adapter.quote(column.name) }} {{ column.data_type }}
    {%- endcall -%}
  {%- endfor -%}
  {%- for column in remove_columns or [] -%}
    {%- call statement('alter_relation_remove_column') -%}
      alter table {{ relation }} drop column {{ adapter.quote(column.name) }}
    {%- endcall -%}
  {%- endfor -%}
{% endmacro %}

{#- `{% call set_sql_header(config) %}…{% endcall %}` in a model: SQL run in the same session
    just before the statement that builds it (settings, temporary functions). -#}
{% macro set_sql_header(config) -%}{{ config.set('sql_header', caller()) }}{%- endmacro %}
