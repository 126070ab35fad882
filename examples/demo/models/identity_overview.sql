-- One row that sums up the identity graph: what the demo prints at the end.
select
    (select count(*) from {{ ref('profile_traits') }} where merged_to is null) as profiles,
    (select count(*) from {{ ref('profile_traits') }} where merged_to is not null) as merged_away_profiles,
    (select count(*) from {{ ref('id_graph') }}) as segment_ids,
    (select count(*) from {{ ref('external_id_mapping') }}) as identifiers
