{#-
  The post-hook of an incremental model that keeps only rows over a limit (the var
  `profiles_sync.<setting>`, `default` when unset): an incremental run writes the stored rows
  that fell to the limit or under with their new count, and this deletes them, inside the
  same transaction. Nothing to do for other materializations, whose query keeps only the
  rows over the limit.
-#}
{% macro profiles_sync_delete_under_limit(column, setting, default) %}
  {%- if not is_incremental() -%}
    {{- return('') -}}
  {%- endif -%}
  {{- return('delete from ' ~ this ~ ' where ' ~ adapter.quote(column) ~ ' <= ' ~ (profiles_sync_setting(setting, default) | int)) -}}
{% endmacro %}
