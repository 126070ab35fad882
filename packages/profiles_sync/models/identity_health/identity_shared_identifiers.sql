{#-
  Identifiers that were observed on several profiles that are still distinct today (they
  resolve to different canonical profiles), with how many and two examples.
-#}
with observed as (
    select distinct
        u.external_id_hash,
        u.external_id_type,
        coalesce(g.canonical_segment_id, u.segment_id) as canonical_segment_id
    from {{ source('profiles_sync', 'external_id_mapping_updates') }} as u
    left join {{ ref('id_graph') }} as g on g.segment_id = u.segment_id
    where u.external_id_hash is not null
      and u.segment_id is not null
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
