{#-
  Each segment's own merge among the rows of `candidates` (columns segment_id,
  merged_into_segment_id, merged_at, seq, triggering_event_type, triggering_event_id,
  uuid_ts): the earliest (merged_at, then seq, NULLs last; then merged_into_segment_id and
  triggering_event_id), with uuid_ts the latest load time of the segment's rows. The
  default ranks with a window; DuckDB picks with one arg_min aggregate, which needs no sort.
-#}
{% macro profiles_sync_first_merges(candidates) %}
  {{- adapter.dispatch('profiles_sync_first_merges', 'profiles_sync')(candidates) -}}
{% endmacro %}

{% macro default__profiles_sync_first_merges(candidates) %}
select
    segment_id, merged_into_segment_id, merged_at, seq,
    triggering_event_type, triggering_event_id, latest_uuid_ts as uuid_ts
from (
    select
        c.*,
        max(c.uuid_ts) over (partition by c.segment_id) as latest_uuid_ts,
        row_number() over (
            partition by c.segment_id
            order by c.merged_at asc nulls last, c.seq asc nulls last,
                     c.merged_into_segment_id asc, c.triggering_event_id asc nulls last
        ) as merge_rank
    from {{ candidates }} as c
) as ranked
where merge_rank = 1
{% endmacro %}

{% macro duckdb__profiles_sync_first_merges(candidates) %}
{#- The no_ flags are false for a present value, so that NULLs come last in arg_min's order. -#}
select
    segment_id,
    first_merge.merged_into_segment_id as merged_into_segment_id,
    first_merge.merged_at as merged_at,
    first_merge.seq as seq,
    first_merge.triggering_event_type as triggering_event_type,
    first_merge.triggering_event_id as triggering_event_id,
    uuid_ts
from (
    select
        c.segment_id,
        arg_min(
            {'merged_into_segment_id': c.merged_into_segment_id, 'merged_at': c.merged_at, 'seq': c.seq,
             'triggering_event_type': c.triggering_event_type, 'triggering_event_id': c.triggering_event_id},
            {'no_merged_at': c.merged_at is null, 'merged_at': c.merged_at,
             'no_seq': c.seq is null, 'seq': c.seq,
             'merged_into': c.merged_into_segment_id,
             'no_event': c.triggering_event_id is null, 'event': c.triggering_event_id}
        ) as first_merge,
        max(c.uuid_ts) as uuid_ts
    from {{ candidates }} as c
    group by c.segment_id
) as first_merges
{% endmacro %}
