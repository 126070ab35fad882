{#-
  Identifiers that were observed on several profiles that are still distinct today (they
  resolve to different canonical profiles), with how many and two examples.

  Only an identifier seen on two segments or more can be on two profiles: those are found
  first, and only their segments are looked up in id_graph (half the time of resolving every
  observation at 10 million update rows).
-#}
with observed_segments as (
    select distinct external_id_hash, external_id_type, segment_id
    from {{ source('profiles_sync', 'external_id_mapping_updates') }}
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
    left join {{ ref('id_graph') }} as g on g.segment_id = o.segment_id
)

select
    external_id_hash,
    external_id_type,
    count(*) as profiles,
    min(canonical_segment_id) as first_profile,
    max(canonical_segment_id) as last_profile
from observed
group by external_id_hash, external_id_type
having count(*) > 1
