{#-
  Identifiers that were observed on several profiles that are still distinct today (they
  resolve to different canonical profiles), with how many and two examples. The counting is
  kept up to date incrementally by identity_identifier_profiles; this keeps its rows with
  more than one profile.
-#}
select external_id_hash, external_id_type, profiles, first_profile, last_profile
from {{ ref('identity_identifier_profiles') }}
where profiles > 1
