{#-
  A condition true when any of `columns` differs between the relations aliased `left`
  and `right`, two NULLs counting as equal and a NULL differing from a value (spelled
  out, as not every engine has IS DISTINCT FROM; the coalesce keeps the comparison of a
  NULL with a value from turning the whole condition NULL). Incremental models use it to
  write only the rows that changed.
-#}
{% macro profiles_sync_differs(left, right, columns) -%}
(
    {%- for c in columns %}
    {% set l = left ~ '.' ~ adapter.quote(c) %}{% set r = right ~ '.' ~ adapter.quote(c) -%}
    {% if not loop.first %}or {% endif %}not (coalesce({{ l }} = {{ r }}, false) or ({{ l }} is null and {{ r }} is null))
    {%- endfor %}
)
{%- endmacro %}
