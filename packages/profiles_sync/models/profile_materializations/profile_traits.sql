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

{% if is_incremental() %}
{#-
  Only the touched groups are read, so the run costs a pass over id_graph and this model
  plus work proportional to the new data. Every profile of profile_trait_values is in
  id_graph, already in this model, or has trait updates loaded since the last run.
-#}
touched as (
    -- profiles with trait values loaded since the last run
    select distinct segment_id
    from {{ profiles_sync_traits_relation() }}
    where segment_id is not null
      and uuid_ts >= {{ profiles_sync_watermark() }}
      and ({% for trait in traits %}{{ adapter.quote(trait.name) }} is not null{% if not loop.last %} or {% endif %}{% else %}1 = 0{% endfor %})
    union
    -- profiles of id_graph that are new, or whose merge state changed
    select graph.segment_id
    from graph
    left join {{ this }} as t on t.canonical_segment_id = graph.segment_id
    where t.canonical_segment_id is null
       or coalesce(t.merged_to, t.canonical_segment_id) <> graph.canonical_segment_id
),

touched_membership as (
    select touched.segment_id, coalesce(graph.canonical_segment_id, touched.segment_id) as root_segment_id
    from touched
    left join graph on graph.segment_id = touched.segment_id
),

touched_roots as (
    select root_segment_id from touched_membership
    union
    -- the group a profile left must be recomputed without it
    select t.merged_to
    from {{ this }} as t
    join touched on touched.segment_id = t.canonical_segment_id
    where t.merged_to is not null
),

scope as (
    -- every member of a touched group, and the touched profiles themselves
    select graph.segment_id, graph.canonical_segment_id as root_segment_id
    from graph
    where graph.canonical_segment_id in (select root_segment_id from touched_roots)
    union
    select segment_id, root_segment_id from touched_membership
),
{% else %}
profiles as (
    select segment_id from graph
    union
    select segment_id from {{ ref('profile_trait_values') }}
),

scope as (
    select
        profiles.segment_id,
        coalesce(graph.canonical_segment_id, profiles.segment_id) as root_segment_id
    from profiles
    left join graph on graph.segment_id = profiles.segment_id
),
{% endif %}

trait_values as (
    select tv.segment_id, tv.trait_name, tv.trait_value, tv.value_timestamp, tv.value_seq, tv.uuid_ts
    from {{ ref('profile_trait_values') }} as tv
    {% if is_incremental() %}
    where tv.segment_id in (select segment_id from scope)
    {% endif %}
),

group_values as (
    -- every value of every member, as values of the group's root
    select
        scope.root_segment_id as segment_id,
        trait_values.trait_name,
        trait_values.trait_value,
        trait_values.value_timestamp,
        trait_values.value_seq,
        trait_values.uuid_ts
    from scope
    join trait_values on trait_values.segment_id = scope.segment_id
),

group_latest as (
    {{ profiles_sync_latest_trait_values('group_values') }}
),

group_traits as (
    select
        segment_id as root_segment_id
        {%- for trait in traits %},
        cast(max(case when trait_name = '{{ trait.name }}' then trait_value end) as {{ trait.data_type }}) as {{ adapter.quote(trait.name) }}
        {%- endfor %}
    from group_latest
    group by segment_id
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
