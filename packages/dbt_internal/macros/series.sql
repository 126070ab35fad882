{# dbt's series macros: numbers 1..n, the number of intervals between two dates, and a spine
   of dates. Each dispatches, so a project's own `default__x` override or an engine's wins. #}

{#- The smallest n ≥ 1 with 2^n ≥ upper_bound: how many doublings reach it. -#}
{% macro get_powers_of_two(upper_bound) %}{{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__get_powers_of_two(upper_bound) %}
  {%- if upper_bound <= 0 -%}
    {{ exceptions.raise_compiler_error("get_powers_of_two: the upper bound must be positive, not " ~ upper_bound) }}
  {%- endif -%}
  {%- set ns = namespace(n=1) -%}
  {%- for _ in range(100) if 2 ** ns.n < upper_bound -%}{%- set ns.n = ns.n + 1 -%}{%- endfor -%}
  {{ return(ns.n) }}
{% endmacro %}

{#- A query of one column, generated_number (a bigint), from 1 to upper_bound in order: the rows
    are the sums of a cross join of n two-row tables (bit i worth 2^i), so any engine runs it. -#}
{% macro generate_series(upper_bound) %}{{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__generate_series(upper_bound) %}
  {%- set bits = dbt.get_powers_of_two(upper_bound) %}
    with strata_bit as (select 0 as b union all select 1),
    strata_numbers as (
      select cast({% for i in range(bits) %}bit{{ i }}.b * {{ 2 ** i }} + {% endfor %}1 as {{ dbt.type_bigint() }}) as generated_number
      from {% for i in range(bits) %}strata_bit as bit{{ i }}{% if not loop.last %} cross join {% endif %}{% endfor %}
    )
    select generated_number from strata_numbers
    where generated_number <= {{ upper_bound }}
    order by generated_number
{% endmacro %}

{#- How many `datepart`s lie from start_date to end_date (datediff), asked of the database; 1 while
    parsing, when no query runs. -#}
{% macro get_intervals_between(start_date, end_date, datepart) %}{{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}{% endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) %}
  {%- call statement('get_intervals_between', fetch_result=True) -%}
    select {{ dbt.datediff(start_date, end_date, datepart) }}
  {%- endcall -%}
  {%- set result = load_result('get_intervals_between') -%}
  {%- if result and result['data'] -%}
    {{ return(result['data'][0][0]) }}
  {%- endif -%}
  {{ return(1) }}
{% endmacro %}

{#- One row per `datepart` from start_date (included) to end_date (excluded), in a column named
    date_<datepart>. -#}
{% macro date_spine(datepart, start_date, end_date) %}{{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}{% endmacro %}
{% macro default__date_spine(datepart, start_date, end_date) %}
    with strata_steps as (
      {{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}
    ),
    strata_periods as (
      select {{ dbt.dateadd(datepart, 'generated_number - 1', start_date) }} as date_{{ datepart }}
      from strata_steps
    )
    select * from strata_periods
    where date_{{ datepart }} <= {{ end_date }}
{% endmacro %}

{#- `expr1 = expr2`, as dbt 1.10 writes it by default; with the project flag
    `enable_truthy_nulls_equals_macro: true`, two NULLs are equal too and the answer is never NULL. -#}
{% macro equals(expr1, expr2) %}{{ return(adapter.dispatch('equals', 'dbt')(expr1, expr2)) }}{% endmacro %}
{% macro default__equals(expr1, expr2) -%}
  {%- if adapter.behavior.enable_truthy_nulls_equals_macro.no_warn -%}
    (coalesce(({{ expr1 }}) = ({{ expr2 }}), false) or (({{ expr1 }}) is null and ({{ expr2 }}) is null))
  {%- else -%}
    ({{ expr1 }} = {{ expr2 }})
  {%- endif -%}
{%- endmacro %}
