{#-
  Canonical profiles holding unusually many identifiers (more than the var
  `profiles_sync.max_identifiers_per_profile`, 15 by default), often a shared device or
  a test account that glued many people together.
-#}
{%- set limit = profiles_sync_setting('max_identifiers_per_profile', 15) | int -%}
select
    canonical_segment_id,
    count(*) as identifiers,
    count(distinct external_id_type) as identifier_types,
    sum(case when external_id_type = 'user_id' then 1 else 0 end) as user_ids,
    sum(case when external_id_type = 'email' then 1 else 0 end) as emails,
    sum(case when external_id_type = 'anonymous_id' then 1 else 0 end) as anonymous_ids
from {{ ref('external_id_mapping') }}
group by canonical_segment_id
having count(*) > {{ limit }}
