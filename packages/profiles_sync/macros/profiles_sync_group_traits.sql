{#-
  One row per group (root_segment_id) with one column per trait in `traits`: the latest
  value of the trait among the rows of `group_values` (columns segment_id = the group's
  root, trait_name, trait_value, value_timestamp, value_seq), by the order of
  profiles_sync_latest_trait_values, cast to the trait's type. The default picks each
  (group, trait) value with that macro and pivots; DuckDB picks every trait of a group
  in one aggregate with a filtered arg_max per trait, which needs neither a sort nor an
  intermediate row per (group, trait).
-#}
{% macro profiles_sync_group_traits(group_values, traits) %}
  {{- adapter.dispatch('profiles_sync_group_traits', 'profiles_sync')(group_values, traits) -}}
{% endmacro %}

{% macro default__profiles_sync_group_traits(group_values, traits) %}
select
    segment_id as root_segment_id
    {%- for trait in traits %},
    cast(max(case when trait_name = '{{ trait.name }}' then trait_value end) as {{ trait.data_type }}) as {{ adapter.quote(trait.name) }}
    {%- endfor %}
from ({{ profiles_sync_latest_trait_values(group_values) }}) as group_latest
group by segment_id
{% endmacro %}

{% macro duckdb__profiles_sync_group_traits(group_values, traits) %}
{#- The key's flags put rows without a time or seq last, as in profiles_sync_latest_trait_values. -#}
select
    g.segment_id as root_segment_id
    {%- for trait in traits %},
    cast(arg_max(
        g.trait_value,
        {'has_timestamp': g.value_timestamp is not null, 'value_timestamp': g.value_timestamp,
         'has_seq': g.value_seq is not null, 'value_seq': g.value_seq, 'trait_value': g.trait_value}
    ) filter (where g.trait_name = '{{ trait.name }}') as {{ trait.data_type }}) as {{ adapter.quote(trait.name) }}
    {%- endfor %}
from {{ group_values }} as g
group by g.segment_id
{% endmacro %}
