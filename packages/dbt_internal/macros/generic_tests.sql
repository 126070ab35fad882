{# The four generic tests every dbt project has. Each selects the rows that fail. #}

{% test not_null(model, column_name) %}
{#- stored failures keep the whole failing rows, as in dbt -#}
select {{ '*' if should_store_failures() else column_name }}
from {{ model }}
where {{ column_name }} is null
{% endtest %}

{% test unique(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endtest %}

{% test accepted_values(model, column_name, values, quote=true) %}
with observed as (
    select {{ column_name }} as value_field, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select value_field, n_records
from observed
where value_field not in (
    {%- for v in values -%}
    {%- if quote %}'{{ v | replace("'", "''") }}'{% else %}{{ v }}{% endif %}{% if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
{% endtest %}

{% test relationships(model, column_name, to, field) %}
with children as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parents as (
    select {{ field }} as to_field
    from {{ to }}
)
select from_field
from children
left join parents on children.from_field = parents.to_field
where parents.to_field is null
{% endtest %}
