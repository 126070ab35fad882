{#- Merges per day and per kind of triggering event: a sudden jump is worth a look. -#}
select
    cast(merged_at as date) as merge_date,
    triggering_event_type,
    count(*) as merges,
    count(distinct merged_into_segment_id) as profiles_absorbing
from {{ ref('profile_merges') }}
group by 1, 2
