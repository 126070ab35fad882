{#- The column names of `relation`, lowercased, read from the warehouse when the model runs
    (none while parsing, or when the relation does not exist yet). -#}
{% macro profiles_sync_column_names(relation) %}
  {%- set names = [] -%}
  {%- if execute -%}
    {%- for col in adapter.get_columns_in_relation(relation) %}{% do names.append(col.name | lower) %}{% endfor -%}
  {%- endif -%}
  {{ return(names) }}
{% endmacro %}
