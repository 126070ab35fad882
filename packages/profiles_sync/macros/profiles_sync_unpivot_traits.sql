{#-
  The traits of the wide update rows `updates` (SQL of a select with segment_id, the
  trait columns `traits`, timestamp, uuid_ts and `seq_column`) as one row per update row
  and trait with a non-null value: segment_id, trait_name, trait_value (as text),
  value_timestamp, value_seq, uuid_ts. Each branch reads `updates` again, so that each
  reads only its own trait column.
-#}
{% macro profiles_sync_unpivot_traits(updates, traits, seq_column) %}
    {% for trait in traits %}
    select
        segment_id,
        cast('{{ trait.name }}' as {{ dbt.type_string() }}) as trait_name,
        cast({{ adapter.quote(trait.name) }} as {{ dbt.type_string() }}) as trait_value,
        "timestamp" as value_timestamp,
        {{ seq_column }} as value_seq,
        uuid_ts
    from ({{ updates }}) as updates
    where {{ adapter.quote(trait.name) }} is not null
    {% if not loop.last %}union all{% endif %}
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as trait_name,
        cast(null as {{ dbt.type_string() }}) as trait_value,
        cast(null as {{ dbt.type_timestamp() }}) as value_timestamp,
        cast(null as {{ dbt.type_bigint() }}) as value_seq,
        cast(null as {{ dbt.type_timestamp() }}) as uuid_ts
    where 1 = 0
    {% endfor %}
{% endmacro %}
