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
{#- On PostgreSQL (dbt-postgres's `indexes`; none elsewhere, see profiles_sync_indexes), B-tree
    indexes for the lookups of incremental runs, so that they read the stored rows they need rather
    than the whole table: canonical_segment_id: the stored rows of touched profiles; uuid_ts and
    chain_uuid_ts: this model's two watermarks. -#}
{{ config(
    unique_key='canonical_segment_id',
    incremental_strategy='delete+insert',
    indexes=profiles_sync_indexes([
        {'columns': ['canonical_segment_id']},
        {'columns': ['uuid_ts']},
        {'columns': ['chain_uuid_ts']}
    ])
) }}

{%- set traits = profiles_sync_trait_columns() -%}
{#- The traits profile_trait_values has values for: all of them, unless a trait appeared since
    it last ran (a run that selects this model alone); the others are NULL until it runs. -#}
{%- set value_columns = profiles_sync_column_names(ref('profile_trait_values')) -%}
{%- set valued = [] -%}
{%- for trait in traits -%}
  {%- if trait.name in value_columns and (trait.name ~ '__at') in value_columns and (trait.name ~ '__seq') in value_columns -%}
    {%- do valued.append(trait) -%}
  {%- endif -%}
{%- endfor -%}
{%- set valued_names = valued | map(attribute='name') | list -%}
{#- The columns compared with the stored row, when the stored table has them all (a trait
    column that just appeared is added after this query runs: then every row is written). -#}
{%- set compared = ['merged_to'] -%}
{%- for trait in traits %}{% do compared.append(trait.name) %}{% endfor -%}
{%- do compared.append('uuid_ts') -%}
{%- do compared.append('chain_uuid_ts') -%}
{%- set compare_stored = false -%}
{%- if is_incremental() -%}
  {%- set stored_names = profiles_sync_column_names(this) -%}
  {%- set missing = [] -%}
  {%- for name in compared %}{% if name not in stored_names %}{% do missing.append(name) %}{% endif %}{% endfor -%}
  {%- set compare_stored = missing | length == 0 -%}
{%- endif %}

with
{% if is_incremental() %}
{#-
  Only the touched groups are read: profiles with trait values loaded since the last run
  (minus `etl_overlap` hours), and profiles whose chain in id_graph changed since then,
  found by id_graph's chain_uuid_ts against the latest one this model keeps (as in
  external_id_mapping). Every profile of profile_trait_values is in id_graph, already in
  this model, or has trait updates loaded since the last run.
-#}
{#- Looked up once (a query when the model runs), used twice below. -#}
{%- set chain_watermark = profiles_sync_watermark('chain_uuid_ts') %}
{%- set recent_segments %}select segment_id from {{ ref('id_graph') }} where chain_uuid_ts >= {{ chain_watermark }}{% endset %}
recent_chains as (
    -- segments of id_graph whose chain changed since this model last ran (or a little before)
    select segment_id, canonical_segment_id, chain_uuid_ts
    from {{ ref('id_graph') }}
    where chain_uuid_ts >= {{ chain_watermark }}
),

touched as (
    -- profiles with trait values loaded since the last run
    select segment_id
    from {{ profiles_sync_traits_relation() }}
    where segment_id is not null
      and uuid_ts >= {{ profiles_sync_watermark() }}
      and ({% for trait in traits %}{{ adapter.quote(trait.name) }} is not null{% if not loop.last %} or {% endif %}{% else %}1 = 0{% endfor %})
    union
    -- profiles of id_graph that are new, or whose merge state or chain changed
    select recent_chains.segment_id
    from recent_chains
    left join (
        select canonical_segment_id, merged_to, chain_uuid_ts
        from {{ this }}
        where {{ profiles_sync_in_keys('canonical_segment_id', recent_segments) }}
    ) as stored on stored.canonical_segment_id = recent_chains.segment_id
    where stored.canonical_segment_id is null
       or coalesce(stored.merged_to, stored.canonical_segment_id) <> recent_chains.canonical_segment_id
       or stored.chain_uuid_ts is null
       or stored.chain_uuid_ts <> recent_chains.chain_uuid_ts
),

touched_membership as (
    select
        touched.segment_id,
        coalesce(graph.canonical_segment_id, touched.segment_id) as root_segment_id,
        graph.chain_uuid_ts
    from touched
    left join (
        select segment_id, canonical_segment_id, chain_uuid_ts
        from {{ ref('id_graph') }}
        where {{ profiles_sync_in_keys('segment_id', 'select segment_id from touched') }}
    ) as graph on graph.segment_id = touched.segment_id
),

touched_roots as (
    select root_segment_id from touched_membership
    union
    -- the group a profile left must be recomputed without it
    select t.merged_to
    from {{ this }} as t
    where {{ profiles_sync_in_keys('t.canonical_segment_id', 'select segment_id from touched') }}
      and t.merged_to is not null
),

scope as (
    -- every member of a touched group, and the touched profiles themselves
    select graph.segment_id, graph.canonical_segment_id as root_segment_id, graph.chain_uuid_ts
    from {{ ref('id_graph') }} as graph
    where {{ profiles_sync_in_keys('graph.canonical_segment_id', 'select root_segment_id from touched_roots') }}
    union
    select segment_id, root_segment_id, chain_uuid_ts from touched_membership
),
{% else %}
scope as (
    -- every profile: those of id_graph and those with trait values only (their own root).
    -- id_graph is read by name, not through a CTE, so that an engine can use its statistics
    -- (PostgreSQL estimated this join at thousands of times its size through CTEs)
    select
        profiles.segment_id,
        coalesce(graph.canonical_segment_id, profiles.segment_id) as root_segment_id,
        graph.chain_uuid_ts
    from (
        select segment_id from {{ ref('id_graph') }}
        union
        select segment_id from {{ ref('profile_trait_values') }}
    ) as profiles
    left join {{ ref('id_graph') }} as graph on graph.segment_id = profiles.segment_id
),
{% endif %}

trait_values as (
    select tv.*
    from {{ ref('profile_trait_values') }} as tv
    {% if is_incremental() %}
    where {{ profiles_sync_in_keys('tv.segment_id', 'select segment_id from scope') }}
    {% endif %}
),

merged_groups as (
    -- the roots that have profiles merged into them: only their groups need picking values
    select distinct root_segment_id from scope where root_segment_id <> segment_id
),

group_values as (
    -- every member's values, as values of the group's root
    select scope.root_segment_id, trait_values.*
    from scope
    join trait_values on trait_values.segment_id = scope.segment_id
    where scope.root_segment_id in (select root_segment_id from merged_groups)
),

group_traits as (
    {{ profiles_sync_latest_traits('group_values', 'root_segment_id', valued, with_times=false) }}
),

final as (
    -- a merged-away profile has no traits; a profile alone in its group has its own values
    select
        scope.segment_id as canonical_segment_id,
        case when scope.root_segment_id <> scope.segment_id then scope.root_segment_id end as merged_to
        {%- for trait in traits %},
        {%- if trait.name in valued_names %}
        case
            when scope.root_segment_id <> scope.segment_id then null
            when group_traits.root_segment_id is not null then group_traits.{{ adapter.quote(trait.name) }}
            else own_values.{{ adapter.quote(trait.name) }}
        end as {{ adapter.quote(trait.name) }}
        {%- else %}
        cast(null as {{ trait.data_type }}) as {{ adapter.quote(trait.name) }}
        {%- endif %}
        {%- endfor %},
        own_values.uuid_ts,
        scope.chain_uuid_ts
    from scope
    left join group_traits on group_traits.root_segment_id = scope.segment_id
    left join trait_values as own_values on own_values.segment_id = scope.segment_id
)

select final.*
from final
{% if is_incremental() and compare_stored %}
-- only the profiles that changed: groups re-read inside the overlap leave the stored rows alone
left join (
    select *
    from {{ this }}
    where {{ profiles_sync_in_keys('canonical_segment_id', 'select segment_id from scope') }}
) as stored on stored.canonical_segment_id = final.canonical_segment_id
where stored.canonical_segment_id is null
   or {{ profiles_sync_differs('final', 'stored', compared) }}
{% endif %}
