{#-
  The query of identity_shared_identifiers: each identifier observed on profiles that are
  still distinct today, with how many and two examples. `updates` is the relation of
  external_id_mapping_updates, `graph` that of id_graph. The default resolves every
  observation through id_graph; DuckDB first keeps the identifiers seen on two segments or
  more, the only ones that can be on two profiles, and resolves just their segments (half the
  time at 10 million update rows; on PostgreSQL that order was slower than the default).
-#}
{% macro profiles_sync_shared_identifiers(updates, graph) %}
  {{- adapter.dispatch('profiles_sync_shared_identifiers', 'profiles_sync')(updates, graph) -}}
{% endmacro %}

{% macro default__profiles_sync_shared_identifiers(updates, graph) %}
with observed as (
    select distinct
        u.external_id_hash,
        u.external_id_type,
        coalesce(g.canonical_segment_id, u.segment_id) as canonical_segment_id
    from {{ updates }} as u
    left join {{ graph }} as g on g.segment_id = u.segment_id
    where u.external_id_hash is not null
      and u.segment_id is not null
)

{{ profiles_sync_shared_identifiers_counted('observed') }}
{% endmacro %}

{% macro duckdb__profiles_sync_shared_identifiers(updates, graph) %}
with observed_segments as (
    select distinct external_id_hash, external_id_type, segment_id
    from {{ updates }}
    where external_id_hash is not null
      and segment_id is not null
),

seen_on_several as (
    select external_id_hash, external_id_type
    from observed_segments
    group by external_id_hash, external_id_type
    having count(*) > 1
),

observed as (
    select distinct
        o.external_id_hash,
        o.external_id_type,
        coalesce(g.canonical_segment_id, o.segment_id) as canonical_segment_id
    from observed_segments as o
    join seen_on_several as s
      on s.external_id_hash = o.external_id_hash and s.external_id_type = o.external_id_type
    left join {{ graph }} as g on g.segment_id = o.segment_id
)

{{ profiles_sync_shared_identifiers_counted('observed') }}
{% endmacro %}

{#- The identifiers of `observed` (distinct identifier, type and canonical profile) seen on several profiles. -#}
{% macro profiles_sync_shared_identifiers_counted(observed) %}
select
    external_id_hash,
    external_id_type,
    count(*) as profiles,
    min(canonical_segment_id) as first_profile,
    max(canonical_segment_id) as last_profile
from {{ observed }}
group by external_id_hash, external_id_type
having count(*) > 1
{% endmacro %}
