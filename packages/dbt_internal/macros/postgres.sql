{# PostgreSQL's versions of the cross-database macros whose portable `default__` form it
   does not accept. The others (dateadd, date_trunc, last_day, split_part, listagg, hash,
   concat, position, arrays…) work on PostgreSQL as written in cross_db.sql;
   `postgres__any_value` and `postgres__current_timestamp` live there too. #}

{# datediff as dbt-postgres writes it, so results have its types: calendar years, quarters and
   months, hours, minutes, seconds and smaller units are differences of date_part (double
   precision: `datediff(a, b, 'month') / 12` is 1.1666…, not 1); days are a difference of
   dates and weeks whole 7-day spans of them, moved by one when the weekday (Sunday first)
   wraps around (integer). The smaller units build on the larger ones: hours on days,
   minutes on hours, seconds and below on minutes. #}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
  {%- set part = datepart | lower | replace("'", "") -%}
  {%- set a = '(' ~ first_date ~ ')' -%}
  {%- set b = '(' ~ second_date ~ ')' -%}
  {%- if part == 'year' -%}
    (date_part('year', {{ b }}::date) - date_part('year', {{ a }}::date))
  {%- elif part in ('quarter', 'month') -%}
    {%- set per_year = 4 if part == 'quarter' else 12 -%}
    ({{ datediff(first_date, second_date, 'year') }} * {{ per_year }} + date_part('{{ part }}', {{ b }}::date) - date_part('{{ part }}', {{ a }}::date))
  {%- elif part == 'day' -%}
    ({{ b }}::date - {{ a }}::date)
  {%- elif part == 'week' -%}
    ({{ datediff(first_date, second_date, 'day') }} / 7 + case
      when date_part('dow', {{ a }}::timestamp) <= date_part('dow', {{ b }}::timestamp) then
        case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
      else
        case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
    end)
  {%- elif part in ('hour', 'minute') -%}
    {%- set larger, per = ('day', 24) if part == 'hour' else ('hour', 60) -%}
    ({{ datediff(first_date, second_date, larger) }} * {{ per }} + date_part('{{ part }}', {{ b }}::timestamp) - date_part('{{ part }}', {{ a }}::timestamp))
  {%- elif part in ('second', 'millisecond', 'microsecond') -%}
    {%- set per_minute = {'second': 60, 'millisecond': 60000, 'microsecond': 60000000}[part] -%}
    ({{ datediff(first_date, second_date, 'minute') }} * {{ per_minute }} + floor(date_part('{{ part }}', {{ b }}::timestamp)) - floor(date_part('{{ part }}', {{ a }}::timestamp)))
  {%- else -%}
    {{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: {!r}".format(datepart)) }}
  {%- endif -%}
{%- endmacro %}

{# PostgreSQL has no try_cast: a plain cast, as dbt-postgres does. #}
{% macro postgres__safe_cast(field, type) -%}cast({{ field }} as {{ type }}){%- endmacro %}

{# A timestamp without time zone, as the other engines' current_timestamp_backcompat. #}
{% macro postgres__current_timestamp_backcompat() -%}current_timestamp::timestamp{%- endmacro %}
