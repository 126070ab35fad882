{# How dbt names the schema, alias and database of a node; a project overrides these by
   defining a macro of the same name. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}
{%- endmacro %}

{% macro default__generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}
  {%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}

{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
  {%- if target.name == 'prod' and custom_schema_name is not none -%}{{ custom_schema_name | trim }}
  {%- else -%}{{ target.schema }}
  {%- endif -%}
{%- endmacro %}

{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) }}
{%- endmacro %}

{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name -%}{{ custom_alias_name | trim }}
  {%- elif node.version -%}{{ node.name ~ '_v' ~ (node.version | replace('.', '_')) }}
  {%- else -%}{{ node.name }}
  {%- endif -%}
{%- endmacro %}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}
{%- endmacro %}

{% macro default__generate_database_name(custom_database_name=none, node=none) -%}
  {%- if custom_database_name is none -%}{{ target.database }}
  {%- else -%}{{ custom_database_name }}
  {%- endif -%}
{%- endmacro %}
