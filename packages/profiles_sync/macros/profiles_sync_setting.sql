{#-
  One setting of the package, with its default. Settings are ordinary vars, set the way
  the original package documents, scoped to the package in the project's dbt_project.yml:

    vars:
      profiles_sync:
        schema_name: profiles_v1
        etl_overlap: 28

  (dbt and Strata both read a mapping keyed by a package's name as vars of that package.)
-#}
{% macro profiles_sync_setting(name, default=none) %}
  {{ return(var(name, default)) }}
{% endmacro %}
