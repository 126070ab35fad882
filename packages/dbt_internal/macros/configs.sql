{#- What dbt's materializations ask of a node's configuration: the node's own setting, else the
    command's flag. -#}
{% macro should_full_refresh() %}
  {%- set configured = config.get('full_refresh') -%}
  {{ return(flags.FULL_REFRESH if configured is none else configured) }}
{% endmacro %}

{% macro should_store_failures() %}
  {%- set configured = config.get('store_failures') -%}
  {{ return(flags.STORE_FAILURES if configured is none else configured) }}
{% endmacro %}

{#- A hook that runs outside the model's transaction, before it begins or after it commits
    (`post_hook=after_commit("vacuum analyze {{ this }}")`), or inside it (the default). -#}
{% macro make_hook_config(sql, inside_transaction) %}{{ return({'sql': sql, 'transaction': inside_transaction}) }}{% endmacro %}
{% macro before_begin(sql) %}{{ return(make_hook_config(sql, inside_transaction=False)) }}{% endmacro %}
{% macro in_transaction(sql) %}{{ return(make_hook_config(sql, inside_transaction=True)) }}{% endmacro %}
{% macro after_commit(sql) %}{{ return(make_hook_config(sql, inside_transaction=False)) }}{% endmacro %}
