{# PostgreSQL's versions of the cross-database macros whose portable `default__` form it
   does not accept. The others (dateadd, date_trunc, last_day, split_part, listagg, hash,
   concat, position, arrays…) work on PostgreSQL as written in cross_db.sql;
   `postgres__any_value` and `postgres__current_timestamp` live there too. #}

{# datediff counts the boundaries of `datepart` crossed from the first to the second
   value, as DuckDB's date_diff does (so both engines give the same numbers): days between
   dates, calendar months, quarters and years; weeks are whole 7-day spans of the days
   between (truncated toward zero), as in dbt-postgres and DuckDB. #}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
  {%- set a = '(' ~ first_date ~ ')::timestamp' -%}
  {%- set b = '(' ~ second_date ~ ')::timestamp' -%}
  {%- set part = datepart | lower | replace("'", "") -%}
  {%- if part == 'year' -%}
    cast(date_part('year', {{ b }}) - date_part('year', {{ a }}) as bigint)
  {%- elif part == 'quarter' -%}
    cast((date_part('year', {{ b }}) - date_part('year', {{ a }})) * 4 + date_part('quarter', {{ b }}) - date_part('quarter', {{ a }}) as bigint)
  {%- elif part == 'month' -%}
    cast((date_part('year', {{ b }}) - date_part('year', {{ a }})) * 12 + date_part('month', {{ b }}) - date_part('month', {{ a }}) as bigint)
  {%- elif part == 'week' -%}
    {{ dbt_internal_week_diff(a, b, 'cast(' ~ b ~ ' as date) - cast(' ~ a ~ ' as date)') }}
  {%- elif part == 'day' -%}
    cast(cast({{ b }} as date) - cast({{ a }} as date) as bigint)
  {%- elif part in ('hour', 'minute', 'second') -%}
    cast(floor(extract(epoch from date_trunc('{{ part }}', {{ b }}) - date_trunc('{{ part }}', {{ a }})) / {{ {'hour': 3600, 'minute': 60, 'second': 1}[part] }}) as bigint)
  {%- elif part in ('millisecond', 'microsecond') -%}
    cast(floor(extract(epoch from date_trunc('{{ part }}', {{ b }}) - date_trunc('{{ part }}', {{ a }})) * {{ {'millisecond': 1000, 'microsecond': 1000000}[part] }}) as bigint)
  {%- else -%}
    {{ exceptions.raise_compiler_error("datediff on postgres does not know the date part '" ~ datepart ~ "'") }}
  {%- endif -%}
{%- endmacro %}

{# PostgreSQL has no try_cast: a plain cast, as dbt-postgres does. #}
{% macro postgres__safe_cast(field, type) -%}cast({{ field }} as {{ type }}){%- endmacro %}

{# A timestamp without time zone, as the other engines' current_timestamp_backcompat. #}
{% macro postgres__current_timestamp_backcompat() -%}current_timestamp::timestamp{%- endmacro %}
