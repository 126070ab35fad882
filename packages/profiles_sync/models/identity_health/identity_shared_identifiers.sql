{#-
  Identifiers that were observed on several profiles that are still distinct today (they
  resolve to different canonical profiles), with how many and two examples.
-#}
{{ profiles_sync_shared_identifiers(source('profiles_sync', 'external_id_mapping_updates'), ref('id_graph')) }}
