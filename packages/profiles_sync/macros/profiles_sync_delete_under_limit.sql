{#-
  The post-hook of an incremental model that keeps only the rows whose `column` is over
  `limit`: an incremental run writes the stored rows that fell to the limit or under with
  their new count, and this deletes them, inside the same transaction. Nothing to do for
  other materializations and full builds, whose query keeps only the rows over the limit.
-#}
{% macro profiles_sync_delete_under_limit(column, limit) %}
  {%- if not is_incremental() -%}
    {{- return('') -}}
  {%- endif -%}
  {{- return('delete from ' ~ this ~ ' where ' ~ adapter.quote(column) ~ ' <= ' ~ (limit | int)) -}}
{% endmacro %}
