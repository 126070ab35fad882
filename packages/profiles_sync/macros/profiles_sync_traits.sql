{#-
  The relation whose columns are the profile traits: `profile_traits_updates` by default,
  or `identifies` when the var `profiles_sync.traits_source` says so.
-#}
{% macro profiles_sync_traits_relation() %}
  {%- set name = profiles_sync_setting('traits_source', 'profile_traits_updates') -%}
  {%- if name not in ['profile_traits_updates', 'identifies'] -%}
    {{ exceptions.raise_compiler_error("profiles_sync.traits_source must be 'profile_traits_updates' or 'identifies', not '" ~ name ~ "'") }}
  {%- endif -%}
  {{ return(source('profiles_sync', name)) }}
{% endmacro %}

{#-
  The columns of the traits relation, read from the warehouse when the model runs (none
  while parsing, or when the relation does not exist yet).
-#}
{% macro profiles_sync_traits_source_columns() %}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set src = profiles_sync_traits_relation() -%}
  {%- set found = adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier) -%}
  {%- if found is none -%}{{ return([]) }}{%- endif -%}
  {{ return(adapter.get_columns_in_relation(found)) }}
{% endmacro %}

{#-
  The trait columns of the traits relation (its columns `source_columns`, read from the
  warehouse when not given): a list of {name, data_type} sorted by name. Bookkeeping
  columns (ids, load and event times, Segment's context_* and _* columns) are not traits;
  the var `profiles_sync.exclude_traits` lists more names to leave out.
-#}
{% macro profiles_sync_trait_columns(source_columns=none) %}
  {%- set columns = profiles_sync_traits_source_columns() if source_columns is none else source_columns -%}
  {%- set excluded = ['id', 'segment_id', 'canonical_segment_id', 'merged_to', 'user_id', 'anonymous_id',
                      'seq', 'timestamp', 'uuid_ts', 'received_at', 'sent_at', 'original_timestamp',
                      'loaded_at', 'event', 'event_text', 'event_source_id', 'event_source_name',
                      'event_source_slug'] + profiles_sync_setting('exclude_traits', []) -%}
  {%- set traits = [] -%}
  {%- for col in columns -%}
    {%- set name = col.name | lower -%}
    {%- if name not in excluded and not name.startswith('context_') and not name.startswith('_') -%}
      {%- do traits.append({'name': name, 'data_type': col.data_type}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(traits | sort(attribute='name')) }}
{% endmacro %}

{#- True when the traits relation (its columns `source_columns`, read when not given) has a
    column named `name` (identifies has no `seq`). -#}
{% macro profiles_sync_traits_has_column(name, source_columns=none) %}
  {%- set columns = profiles_sync_traits_source_columns() if source_columns is none else source_columns -%}
  {%- for col in columns -%}
    {%- if (col.name | lower) == name -%}{{ return(true) }}{%- endif -%}
  {%- endfor -%}
  {{ return(false) }}
{% endmacro %}
