#!/usr/bin/env python3
"""Regenerate test/context/result-table-golden.jsonl: templates reading a `run_query` result
(an agate Table made by dbt's own `table_from_data_flat`, from the Python values the duckdb
and psycopg2 drivers return), rendered by Python's Jinja2: the oracle for
src/context/table.ts, src/context/result-values.ts and src/context/py-decimal.ts.

Needs dbt-core's Python (agate, dbt_common, jinja2, pytz):
    /tmp/ci-base/.venv-dbt/bin/python scripts/result-table-golden.py
Each line: {"table", "template", "expected", "stdout"} or {"table", "template", "error": true};
`stdout` is what print_table() and print_structure() wrote. The TypeScript test
(test/context/result-table.test.ts) builds the same tables from the JavaScript values
Strata's adapters return for the same queries, and reads the file without Python.
"""
import contextlib
import datetime
import io
import json
import math
import os
import time
from decimal import Decimal

import sys

import agate
import pytz
from dbt_common.clients.agate_helper import table_from_data_flat

from golden_cases import environment

os.environ['TZ'] = 'UTC'
time.tzset()

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'context', 'result-table-golden.jsonl')

# What the duckdb driver returns for (see TABLES in the TypeScript test for the SQL):
# select 'a' as k, 1 as v, 1.5::decimal(10,2) as d, 1.0::double as f, true as b, null::integer as n,
#   date '2017-01-02' as dt, timestamp '2017-01-01 10:11:12' as ts, timestamptz '2017-01-01 10:11:12+02' as tstz,
#   time '10:11:12' as tm, interval 3 day as iv, [1,2] as l, {'a':1, 'b': 'x'} as st, 'ab'::blob as bl,
#   0.1::double as f2, 1e20::double as f3, 1e-5::double as f4, 100::decimal(18,0) as d4, 0.0000001::decimal(18,9) as d5,
#   -0.0::double as f5, 'NaN'::double as f6, [date '2017-01-01'] as l2, interval 14 month as iv2, 2.5::decimal(10,1) as d6,
#   'é"\n' as u
# union all select 'b', 2, 2, 2.5, false, 3, null, ...
UTC = pytz.timezone('Etc/UTC')
DUCK_NAMES = ['k', 'v', 'd', 'f', 'b', 'n', 'dt', 'ts', 'tstz', 'tm', 'iv', 'l', 'st', 'bl', 'f2', 'f3', 'f4', 'd4', 'd5', 'f5', 'f6', 'l2', 'iv2', 'd6', 'u']
DUCK_ROWS = [
    ['a', 1, Decimal('1.50'), 1.0, True, None, datetime.date(2017, 1, 2), datetime.datetime(2017, 1, 1, 10, 11, 12),
     datetime.datetime(2017, 1, 1, 8, 11, 12, tzinfo=UTC), datetime.time(10, 11, 12), datetime.timedelta(days=3), [1, 2],
     {'a': 1, 'b': 'x'}, b'ab', 0.1, 1e20, 1e-5, Decimal('100'), Decimal('1.00E-7'), -0.0, math.nan, [datetime.date(2017, 1, 1)],
     datetime.timedelta(days=420), Decimal('2.5'), 'é"\n'],
    ['b', 2, Decimal('2.00'), 2.5, False, 3] + [None] * 19,
]

# What psycopg2 returns for:
# select 1.5::float4 as f4, interval '3 days 04:05:06' as iv, interval '14 months' as iv2, array[date '2017-01-01'] as ld,
#   array[timestamp '2017-01-01 00:00:00'] as lt, timestamptz '2017-01-01 10:11:12+02' as tstz, 9007199254740993::bigint as big,
#   100::numeric as d4, json_build_object('a', 1, 'b', json_build_array('é')) as j, 5::smallint as sm
PG_NAMES = ['f4', 'iv', 'iv2', 'ld', 'lt', 'tstz', 'big', 'd4', 'j', 'sm']
PG_ROWS = [
    [1.5, datetime.timedelta(days=3, hours=4, minutes=5, seconds=6), datetime.timedelta(days=425), [datetime.date(2017, 1, 1)],
     [datetime.datetime(2017, 1, 1)], datetime.datetime(2017, 1, 1, 8, 11, 12, tzinfo=datetime.timezone.utc), 9007199254740993,
     Decimal('100'), {'a': 1, 'b': ['é']}, 5],
]

# select 1 as a, 2 as a, 3 as b (dbt's process_results names the second `a` a_2)
DUP_NAMES = ['a', 'a_2', 'b']
DUP_ROWS = [[1, 2, 3]]

# select 'a' as k, 1234567 as v, 1234.5::decimal(10,4) as d, true as b, null::int as n, date '2017-01-02' as dt, 'x' as x
# union all select 'bbbb…' (54 b), -2, -0.001, false, 3, null, null union all select 'c', 3, 0.0005, null, null, null, 'z'
PRINT_NAMES = ['k', 'v', 'd', 'b', 'n', 'dt', 'x']
PRINT_ROWS = [
    ['a', 1234567, Decimal('1234.5000'), True, None, datetime.date(2017, 1, 2), 'x'],
    ['b' * 54, -2, Decimal('-0.0010'), False, 3, None, None],
    ['c', 3, Decimal('0.0005'), None, None, None, 'z'],
]

TABLES = {
    'duck': table_from_data_flat([dict(zip(DUCK_NAMES, r)) for r in DUCK_ROWS], list(DUCK_NAMES)),
    'pg': table_from_data_flat([dict(zip(PG_NAMES, r)) for r in PG_ROWS], list(PG_NAMES)),
    'dup': table_from_data_flat([dict(zip(DUP_NAMES, r)) for r in DUP_ROWS], list(DUP_NAMES)),
    'print': table_from_data_flat([dict(zip(PRINT_NAMES, r)) for r in PRINT_ROWS], list(PRINT_NAMES)),
    'empty': table_from_data_flat([], ['a']),
}

ROW = '{% set row = q.rows[0] %}'
TEMPLATES = {
    'duck': [
        # the table
        '{{ q | length }} {{ q.rows | length }} {{ q.columns | length }} {{ q.column_names }}',
        '{% for r in q %}{{ r.k }}{% endfor %} {{ q[1].k }} {{ q[-1][0] }} {{ q.rows[0].k }} {{ q.rows[-1].v }}',
        '{{ q }}',
        '{{ q.rows }} {{ q.columns }}',
        '{{ q.row_names }} [{{ q.nope }}] [{{ q["nope"] }}] {% if q %}T{% else %}F{% endif %} {{ q is iterable }}',
        # columns
        '{{ q.columns[0] }} {{ q.columns["v"] }} {{ q.columns.v }} {{ q.columns[-1].name }} {{ q.columns.keys()[:3] }}',
        '{{ q.columns["d"].values() }} {{ q.columns["d"] | list }} {{ q.columns["d"][1] }} {{ q.columns["d"] | length }}',
        '{% for name, col in q.columns.items() %}{{ name }}={{ col.name }}/{{ col.index }}/{{ col.values() | length }};{% endfor %}',
        '{% for col in q.columns %}{{ col.name }},{% endfor %} {{ q.columns | map(attribute="name") | join(",") }}',
        '{% set d = {} %}{% for k, v in q.columns.items() %}{% do d.update({k: v.values()}) %}{% endfor %}{{ d["k"] }} {{ d["v"] }} {{ d["dt"] }}',
        '{{ q.columns["n"].values_without_nulls() }} {{ q.columns["v"].values_sorted() }} {{ q.columns["n"].values_sorted() }} {{ q.columns["b"].values_distinct() | length }}',
        '[{{ q.columns["nope"] }}] [{{ q.columns.nope }}] [{{ q.columns[99] }}] {{ q.columns.get("k").name }} {{ q.columns.get("nope") }}',
        '{{ q.columns["k"].keys() }} [{{ q.columns["k"]["x"] }}] {{ q.columns["k"].data_type is none }}',
        # rows
        ROW + '{{ row }}',
        ROW + '{{ row.k }} {{ row["k"] }} {{ row[0] }} {{ row[-1] | length }} {{ row.v + 1 }} {{ row["v"] * 2 }}',
        ROW + '{{ row.keys()[:4] }} {{ row.values()[:4] }} {{ row.items()[:2] }}',
        ROW + '{{ (row | list)[:3] }} {{ row | length }} {% for v in row %}{% if loop.index <= 3 %}{{ v }},{% endif %}{% endfor %}',
        ROW + "{{ 'a' in row }} {{ 'k' in row }} {{ row.get('k') }} {{ row.get('nope') }} {{ row.get('nope', 'z') }} {{ row.get('nope', 0) }}",
        ROW + '[{{ row.nope }}] [{{ row["nope"] }}] [{{ row[99] }}] {{ row.nope is defined }} {{ row.k is defined }} {{ row.n is none }}',
        ROW + '{{ row[0:2] }} {{ row[:2] | list }} {{ q.rows[0:1] | length }} {% set a, b = q.rows[1][0:2] %}{{ a }}{{ b }}',
        ROW + '{{ row.dict()["k"] }} {{ row.dict() | length }} {% if row %}T{% endif %}',
        ROW + '{{ q.rows | map(attribute=0) | list }} {{ q.rows | map(attribute="v") | list }} {{ q.rows | selectattr("b") | map(attribute="k") | list }}',
        # values
        '{% for c in q.column_names %}{{ c }}:{{ q.rows[0][c] }}/{{ q.rows[1][c] }};{% endfor %}',
        '{{ q.rows[0].values() | list }}',
        '{{ q.rows[1].values() | list }}',
        ROW + '{{ row.ts.year }} {{ row.ts.strftime("%Y/%m %H") }} {{ row.ts + modules.datetime.timedelta(days=1) }} {{ row.dt.year }} {{ row.dt + modules.datetime.timedelta(days=1) }} {{ row.tstz.hour }} {{ row.ts.isoformat() }} {{ row.tstz.isoformat() }}',
        ROW + '{{ row.d | float }} {{ row.d | int }} {{ row.d > 1 }} {{ row.d == 1.5 }} {{ row.d is number }} {{ row.d | string }} {{ row.d ~ "" }} {{ [row.d] }} {{ row.d / 2 }} {{ row.d | round(1) }}',
        ROW + '{{ row.d * 2 }} {{ row.d + row.d }} {{ row.d - 1 }} {{ 1 - row.d }} {{ -row.d }} {{ row.d * row.d }} {{ row.d + True }} {{ [row.d * 3] }} {{ row.f + 1 }} {{ row.d - row.d }}',
        ROW + '{{ row.d * 1.5 }}',
        '{{ q.columns["d"].values() | sum }} {{ q.columns["f"].values() | sum }} {{ [q.rows[0].d, 1] | sum }}',
        ROW + '{{ row is sequence }} {{ q is sequence }} {{ q.rows is sequence }} {{ q.columns is sequence }} {{ q.columns["d"] is sequence }} {{ row is mapping }} {{ row is iterable }}',
        ROW + '{{ 0.5 + row.f }}',
        ROW + '{{ row.v + 1 }} {{ row.v / 2 }} {{ [row.v] }} {{ row.f * 2 }} {{ [row.f] }} {{ "T" if q.rows[1].d else "F" }} {{ "T" if row.b else "F" }} {{ "T" if q.rows[1].b else "F" }}',
        ROW + '{{ row.dt < q.rows[0].dt + modules.datetime.timedelta(days=1) }} {{ row.ts > modules.datetime.datetime(2016, 1, 1) }} {{ row.ts is string }} {{ row.k is string }} {{ row.l is string }}',
        # printing
        '{% do q.print_table() %}',
        '{% do q.print_table(max_rows=1, max_columns=3, max_column_width=5) %}',
        '{{ q.print_table(max_columns=4) }}',
    ],
    'pg': [
        '{% for c in q.column_names %}{{ c }}:{{ q.rows[0][c] }};{% endfor %}',
        '{{ q.rows[0].values() | list }}',
        '{{ q }}',
    ],
    'dup': [
        '{{ q.column_names }} {{ q.rows[0].a }} {{ q.rows[0].a_2 }} {{ q.rows[0]["b"] }} {{ q.rows[0].keys() }}',
    ],
    'print': [
        '{% do q.print_table() %}',
        '{% do q.print_table(max_rows=1, max_column_width=5) %}',
        '{% do q.print_table(max_columns=20, max_precision=2) %}',
        '{% do q.print_structure() %}',
    ],
    'empty': [
        '{{ q.column_names }} {{ q | length }} {{ q.rows | length }} {% if q %}T{% else %}F{% endif %} {% if q.rows %}T{% else %}F{% endif %} {{ q.columns[0].values() }} {{ q.columns["a"].data_type is none }}',
        '{% for r in q %}x{% else %}none{% endfor %} [{{ q[0] }}] {{ q.rows | list }}',
        '{{ q }}',
    ],
}


class CurrentStdout:
    """agate binds sys.stdout as print_table's default output when it is defined: write to the current one."""

    def write(self, text):
        sys.stdout.write(text)


def default_output(fn, name):
    code = fn.__code__
    names = code.co_varnames[:code.co_argcount]
    defaults = list(fn.__defaults__)
    defaults[names.index(name) - (len(names) - len(defaults))] = CurrentStdout()
    fn.__defaults__ = tuple(defaults)


default_output(agate.Table.print_table, 'output')
default_output(agate.Table.print_structure, 'output')


def main():
    env = environment()
    ctx = {'modules': {'datetime': datetime, 'pytz': pytz}}
    lines = []
    for table, templates in TEMPLATES.items():
        for template in templates:
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    text = env.from_string(template).render(q=TABLES[table], **ctx)
                lines.append({'table': table, 'template': template, 'expected': text, 'stdout': out.getvalue()})
            except Exception:  # noqa: BLE001 - any Python error is "fails"
                lines.append({'table': table, 'template': template, 'error': True})
    with open(OUT, 'w') as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + '\n')
    print(f'wrote {len(lines)} cases to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
