{# What materializations written in Jinja call besides statements and the adapter (Strata's own
   materializations are TypeScript and do not go through these). #}

{#- Run the hooks (dicts of sql and transaction, as a materialization's pre_hooks and
    post_hooks are) that belong inside the transaction or outside it. -#}
{% macro run_hooks(hooks, inside_transaction=True) %}
  {%- for hook in hooks if hook.get('transaction', True) == inside_transaction -%}
    {%- set sql = hook.get('sql') | trim -%}
    {%- if sql -%}
      {%- call statement(auto_begin=inside_transaction) -%}{{ sql }}{%- endcall -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}

{#- A statement that runs nothing: its result is what the arguments say. -#}
{% macro noop_statement(name=None, message=None, code=None, rows_affected=None, res=None) %}
  {%- set ignored = caller() -%}
  {%- do store_result(name, response={'_message': message, 'code': code, 'rows_affected': rows_affected}, agate_table=res) -%}
{% endmacro %}

{#- The model's description and its columns' as comments, when persist_docs asks for them. -#}
{% macro persist_docs(relation, model, for_relation=true, for_columns=true) %}{{ return(adapter.dispatch('persist_docs', 'dbt')(relation, model, for_relation, for_columns)) }}{% endmacro %}
{% macro default__persist_docs(relation, model, for_relation, for_columns) %}
  {%- if for_relation and config.persist_relation_docs() and model.description -%}
    {%- call statement('persist_docs') -%}
      comment on {{ 'view' if relation.is_view else 'table' }} {{ relation }} is '{{ dbt.escape_single_quotes(model.description) }}'
    {%- endcall -%}
  {%- endif -%}
  {%- if for_columns and config.persist_column_docs() -%}
    {%- for name, column in (model.columns or {}).items() if column.description -%}
      {%- call statement('persist_docs') -%}
        comment on column {{ relation }}.{{ adapter.quote(name) }} is '{{ dbt.escape_single_quotes(column.description) }}'
      {%- endcall -%}
    {%- endfor -%}
  {%- endif -%}
{% endmacro %}

{#- Whether grants the config no longer lists should be revoked: only on a relation that was
    there before and is kept. -#}
{% macro should_revoke(existing_relation, full_refresh_mode=True) %}
  {{ return(existing_relation is not none and not full_refresh_mode) }}
{% endmacro %}

{#- Grant what the `grants` config lists (PostgreSQL); DuckDB has no grants. -#}
{% macro apply_grants(relation, grant_config, should_revoke=True) %}{{ return(adapter.dispatch('apply_grants', 'dbt')(relation, grant_config, should_revoke)) }}{% endmacro %}
{% macro default__apply_grants(relation, grant_config, should_revoke) %}{% endmacro %}
{% macro postgres__apply_grants(relation, grant_config, should_revoke) %}
  {%- for privilege, grantees in (grant_config or {}).items() -%}
    {%- set names = [grantees] if grantees is string else grantees -%}
    {%- if names -%}
      {%- call statement('apply_grants') -%}
        grant {{ privilege }} on {{ relation }} to {{ names | map('string') | map('trim') | join(', ') }}
      {%- endcall -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}

{#- Create the indexes the `indexes` config lists (PostgreSQL's, each `{columns, unique, type}`);
    engines without indexes (DuckDB here) create none. -#}
{% macro create_indexes(relation) %}
  {%- for index in config.get('indexes') or [] -%}
    {%- set sql = get_create_index_sql(relation, index) -%}
    {%- if sql -%}
      {%- call statement('create_index') -%}{{ sql }}{%- endcall -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}

{% macro get_create_index_sql(relation, index_dict) %}{{ return(adapter.dispatch('get_create_index_sql', 'dbt')(relation, index_dict)) }}{% endmacro %}
{% macro default__get_create_index_sql(relation, index_dict) %}{{ return(none) }}{% endmacro %}
{% macro postgres__get_create_index_sql(relation, index_dict) -%}
  {%- set columns = index_dict.get('columns') or [] -%}
  {%- set columns = [columns] if columns is string else columns -%}
  {%- set name = local_md5(relation.identifier ~ '|' ~ (columns | join(',')) ~ '|' ~ index_dict.get('unique', false) ~ '|' ~ (index_dict.get('type') or '') ~ '|' ~ modules.datetime.datetime.utcnow().isoformat()) -%}
  create {% if index_dict.get('unique') %}unique {% endif %}index {{ adapter.quote(name) }} on {{ relation }} {% if index_dict.get('type') %}using {{ index_dict.get('type') }} {% endif %}({{ columns | join(', ') }})
{%- endmacro %}
