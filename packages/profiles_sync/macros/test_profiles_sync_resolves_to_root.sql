{#-
  Generic test on id_graph: every canonical_segment_id must be a root, that is a node
  whose own current mapping points at itself. A merge cycle in the source data (A into
  B and B into A) leaves rows whose canonical is still merged somewhere, and fails here.
-#}
{% test profiles_sync_resolves_to_root(model, column_name, direct_column='direct_canonical_segment_id') %}
select g.segment_id, g.{{ column_name }} as canonical_segment_id, root.{{ direct_column }} as root_points_to
from {{ model }} as g
left join {{ model }} as root on root.segment_id = g.{{ column_name }}
where root.segment_id is null
   or root.{{ direct_column }} <> root.segment_id
{% endtest %}
