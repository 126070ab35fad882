{#-
  The identity graph as it stood at a past time. Compile with
    dbt compile --select id_graph_as_of --vars '{profiles_sync_as_of: "2024-03-01 00:00:00"}'
  and run the SQL in target/compiled/…; change the time to look at another moment.
-#}
{%- set as_of = var('profiles_sync_as_of', '2100-01-01 00:00:00') -%}
{{ profiles_sync_id_graph_as_of("cast('" ~ as_of ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
