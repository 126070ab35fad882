{#-
  profile_traits: one row per profile that ever existed (canonical_segment_id is the
  profile's own segment_id, the name the original package used). A surviving profile
  carries, for each trait, the latest non-null value across itself and every profile
  merged into it, and merged_to NULL. A merged-away profile keeps its row with every
  trait NULL and merged_to set to the profile it finally ended in.

  Trait columns come from the columns of the traits source (see
  profiles_sync_trait_columns), so a new trait appears as a new column on the next run.

  Incremental runs rebuild only the profiles touched since the last run: those with
  trait updates loaded since then (minus `etl_overlap` hours), and those whose place in
  id_graph changed, together with the whole merged group each of them belongs to.
-#}
{{ config(unique_key='canonical_segment_id', incremental_strategy='delete+insert') }}

{%- set traits = profiles_sync_trait_columns() -%}

with graph as (
    select segment_id, canonical_segment_id
    from {{ ref('id_graph') }}
),

trait_values as (
    select segment_id, trait_name, trait_value, value_timestamp, value_seq, uuid_ts
    from {{ ref('profile_trait_values') }}
),

profiles as (
    select segment_id from graph
    union
    select segment_id from trait_values
),

membership as (
    select
        profiles.segment_id,
        coalesce(graph.canonical_segment_id, profiles.segment_id) as root_segment_id
    from profiles
    left join graph on graph.segment_id = profiles.segment_id
),

{% if is_incremental() %}
touched as (
    -- profiles with trait updates loaded since the last run
    select distinct segment_id
    from {{ profiles_sync_traits_relation() }}
    where segment_id is not null
      and uuid_ts >= {{ profiles_sync_watermark() }}
    union
    -- profiles that are new, or whose merge state changed
    select membership.segment_id
    from membership
    left join {{ this }} as t on t.canonical_segment_id = membership.segment_id
    where t.canonical_segment_id is null
       or coalesce(t.merged_to, t.canonical_segment_id) <> membership.root_segment_id
),

touched_roots as (
    select membership.root_segment_id
    from membership
    join touched on touched.segment_id = membership.segment_id
    union
    -- the group a profile left must be recomputed without it
    select t.merged_to
    from {{ this }} as t
    join touched on touched.segment_id = t.canonical_segment_id
    where t.merged_to is not null
    union
    select segment_id from touched
),

scope as (
    select membership.segment_id, membership.root_segment_id
    from membership
    where membership.root_segment_id in (select root_segment_id from touched_roots)
       or membership.segment_id in (select segment_id from touched)
),
{% else %}
scope as (
    select segment_id, root_segment_id from membership
),
{% endif %}

group_values as (
    select
        scope.root_segment_id,
        trait_values.trait_name,
        trait_values.trait_value,
        row_number() over (
            partition by scope.root_segment_id, trait_values.trait_name
            order by trait_values.value_timestamp desc nulls last,
                     trait_values.value_seq desc nulls last,
                     trait_values.trait_value desc
        ) as value_rank
    from scope
    join trait_values on trait_values.segment_id = scope.segment_id
),

group_traits as (
    select
        root_segment_id
        {%- for trait in traits %},
        cast(max(case when trait_name = '{{ trait.name }}' then trait_value end) as {{ trait.data_type }}) as {{ adapter.quote(trait.name) }}
        {%- endfor %}
    from group_values
    where value_rank = 1
    group by root_segment_id
),

own_loads as (
    select trait_values.segment_id, max(trait_values.uuid_ts) as uuid_ts
    from trait_values
    join scope on scope.segment_id = trait_values.segment_id
    group by trait_values.segment_id
)

select
    scope.segment_id as canonical_segment_id,
    case when scope.root_segment_id <> scope.segment_id then scope.root_segment_id end as merged_to
    {%- for trait in traits %},
    group_traits.{{ adapter.quote(trait.name) }}
    {%- endfor %},
    own_loads.uuid_ts
from scope
left join group_traits on group_traits.root_segment_id = scope.segment_id
left join own_loads on own_loads.segment_id = scope.segment_id
