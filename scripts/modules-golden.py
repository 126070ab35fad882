#!/usr/bin/env python3
"""Regenerate test/context/modules-golden.jsonl: templates using dbt's `modules.datetime`,
`modules.re` and `run_started_at`, rendered by Python's Jinja2 with Python's own modules (the
oracle for src/context/py-datetime.ts and src/context/modules.ts).

Run: python3 scripts/modules-golden.py
Each line: {"template", "expected"} or {"template", "error": true}.
The TypeScript test (test/context/modules.test.ts) reads the file without Python.
"""
import datetime
import os
import re

from golden_cases import write_cases

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'context', 'modules-golden.jsonl')

CTX = {
    'modules': {'datetime': datetime, 're': re},
    'run_started_at': datetime.datetime(2026, 12, 7, 6, 43, 26, 123456, tzinfo=datetime.timezone.utc),
}

D = 'modules.datetime'
TEMPLATES = [
    # run_started_at as dbt projects use it
    '{{ run_started_at }}',
    '{{ run_started_at.isoformat() }}',
    "{{ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f %z %Z %j %a %A %b %B %p %I %y %w') }}",
    '{{ run_started_at.year }}/{{ run_started_at.month }}/{{ run_started_at.day }} {{ run_started_at.hour }}:{{ run_started_at.minute }}:{{ run_started_at.second }}.{{ run_started_at.microsecond }}',
    "{{ (run_started_at - " + D + ".timedelta(days=3)).strftime('%Y-%m-%d') }}",
    '{{ run_started_at + ' + D + '.timedelta(hours=25, minutes=1) }}',
    '{{ ' + D + '.timedelta(hours=1) + run_started_at }}',
    '{{ run_started_at.date() }}',
    '{{ run_started_at.date() - ' + D + '.timedelta(days=400) }}',
    '{{ run_started_at.replace(tzinfo=None) }}',
    '{{ run_started_at.replace(hour=0, minute=0, second=0, microsecond=0) }}',
    '{{ run_started_at.tzinfo }}',
    '{{ run_started_at.weekday() }} {{ run_started_at.isoweekday() }}',
    '{{ run_started_at.timestamp() }}',
    '{{ run_started_at.utcoffset() }}',
    '{{ run_started_at.astimezone(' + D + '.timezone.utc) }}',
    '{{ [run_started_at] }}',
    # constructors and class methods
    '{{ ' + D + '.datetime(2024, 1, 31) }}',
    '{{ ' + D + '.datetime(2024, 2, 29, 23, 59, 59, 999999) }}',
    '{{ ' + D + '.datetime(2024, 1, 1, tzinfo=' + D + '.timezone.utc) }}',
    '{{ [' + D + '.datetime(2024, 1, 1, 5, 6)] }}',
    '{{ [' + D + '.datetime(2024, 1, 1, 5, 6, 7, 8, tzinfo=' + D + '.timezone.utc)] }}',
    '{{ ' + D + '.datetime(2023, 2, 29) }}',
    '{{ ' + D + '.datetime(2024, 13, 1) }}',
    '{{ ' + D + '.date(2024, 2, 29) }}',
    '{{ [' + D + '.date(2024, 2, 29)] }}',
    '{{ ' + D + '.date(2024, 2, 29).isoformat() }} {{ ' + D + ".date(2024, 2, 29).strftime('%d %b %Y') }}",
    '{{ ' + D + '.date(2024, 1, 31).replace(month=2, day=1) }}',
    '{{ ' + D + '.date(2024, 3, 1) - ' + D + '.date(2024, 2, 1) }}',
    '{{ (' + D + '.date(2024, 3, 1) - ' + D + '.date(2023, 3, 1)).days }}',
    '{{ ' + D + '.date(2024, 1, 31) + ' + D + '.timedelta(days=1, hours=23) }}',
    '{{ ' + D + '.date.fromisoformat(\'2024-05-06\') }}',
    "{{ " + D + ".datetime.fromisoformat('2024-05-06') }}",
    "{{ " + D + ".datetime.fromisoformat('2024-05-06T07:08:09') }}",
    "{{ " + D + ".datetime.fromisoformat('2024-05-06 07:08:09.5') }}",
    "{{ " + D + ".datetime.fromisoformat('2024-05-06T07:08:09.123456+00:00') }}",
    "{{ " + D + ".datetime.fromisoformat('not a date') }}",
    "{{ " + D + ".datetime.strptime('2024-01-05', '%Y-%m-%d') }}",
    "{{ " + D + ".datetime.strptime('2024-01-05 10:11:12.5', '%Y-%m-%d %H:%M:%S.%f') }}",
    "{{ " + D + ".datetime.strptime('06/05/24 3PM', '%d/%m/%y %I%p') }}",
    "{{ " + D + ".datetime.strptime('7 March 2024', '%d %B %Y').date() }}",
    "{{ " + D + ".datetime.strptime('2024-060', '%Y-%j') }}",
    "{{ " + D + ".datetime.strptime('2024-01-05', '%d/%m/%Y') }}",
    '{{ ' + D + '.datetime.fromtimestamp(0, ' + D + '.timezone.utc) }}',
    '{{ ' + D + '.datetime.utcfromtimestamp(86400.5) }}',
    # timedelta
    '{{ ' + D + '.timedelta(days=1) }}',
    '{{ ' + D + '.timedelta(days=2, hours=3, minutes=4, seconds=5, microseconds=6) }}',
    '{{ ' + D + '.timedelta(days=-1, hours=1) }}',
    '{{ ' + D + '.timedelta(weeks=1, milliseconds=1500) }}',
    '{{ ' + D + '.timedelta(hours=1.5) }}',
    '{{ ' + D + '.timedelta(0) }} {{ [' + D + '.timedelta(0)] }}',
    '{{ [' + D + '.timedelta(days=2, seconds=5)] }} {{ [' + D + '.timedelta(seconds=-1)] }}',
    '{{ ' + D + '.timedelta(days=-1, hours=1).days }} {{ ' + D + '.timedelta(days=-1, hours=1).seconds }}',
    '{{ ' + D + '.timedelta(hours=36).total_seconds() }}',
    '{{ ' + D + '.timedelta(hours=36) * 2 }} {{ 3 * ' + D + '.timedelta(minutes=20) }}',
    '{{ ' + D + '.timedelta(days=1) - ' + D + '.timedelta(hours=1) }}',
    '{{ ' + D + '.timedelta(hours=1) < ' + D + '.timedelta(minutes=61) }}',
    # arithmetic and comparisons between datetimes
    '{{ ' + D + '.datetime(2024, 3, 1) - ' + D + '.datetime(2024, 2, 1, 12) }}',
    '{{ (' + D + '.datetime(2024, 3, 1) - ' + D + '.datetime(2024, 2, 1)).days }}',
    '{{ ' + D + '.datetime(2024, 1, 1) == ' + D + '.datetime(2024, 1, 1) }} {{ ' + D + '.datetime(2024, 1, 1) != ' + D + '.datetime(2024, 1, 2) }}',
    '{{ ' + D + '.datetime(2024, 1, 1) < ' + D + '.datetime(2024, 1, 2) }} {{ ' + D + '.datetime(2024, 1, 1) >= ' + D + '.datetime(2024, 1, 2) }}',
    '{{ ' + D + '.datetime(2024, 1, 1) == run_started_at }}',
    '{{ ' + D + '.datetime(2024, 1, 1) < run_started_at }}',
    '{{ run_started_at - ' + D + '.datetime(2024, 1, 1) }}',
    '{{ ' + D + '.date(2024, 1, 1) < ' + D + '.date(2024, 1, 2) }}',
    '{{ ' + D + '.datetime(2024, 1, 1) in [' + D + '.datetime(2024, 1, 1)] }}',
    '{{ [' + D + '.datetime(2024, 1, 3), ' + D + '.datetime(2024, 1, 1)] | sort | first }}',
    '{{ [' + D + '.date(2024, 1, 3), ' + D + '.date(2024, 1, 1)] | max }}',
    '{{ run_started_at + 1 }}',
    '{{ ' + D + '.date.today() < ' + D + '.date(9999, 1, 1) }} {{ ' + D + '.datetime.now() > ' + D + '.datetime(2020, 1, 1) }}',
    '{{ ' + D + '.datetime.utcnow() > ' + D + '.datetime(2020, 1, 1) }} {{ ' + D + '.datetime.now(' + D + '.timezone.utc) > run_started_at }}',
    # re
    "{{ modules.re.sub('[^a-z0-9]+', '_', 'Page View / Signup') }}",
    "{{ modules.re.sub('(\\\\w+)@(\\\\w+)', '\\\\2 at \\\\1', 'ann@shop bob@mail') }}",
    "{{ modules.re.match('^(\\\\d+)-(\\\\d+)$', '12-34').groups() }}",
    "{{ modules.re.match('\\\\d+', 'x12') }}",
    "{{ modules.re.search('(?P<num>\\\\d+)', 'abc 42 def').group('num') }}",
    "{{ modules.re.findall('[a-z]+', 'ab 12 cd') }} {{ modules.re.findall('(\\\\w)(\\\\d)', 'a1 b2') }}",
    "{{ modules.re.split(',\\\\s*', 'a, b,c') }}",
    "{{ modules.re.compile('^stg_', modules.re.IGNORECASE).match('STG_orders') is not none }}",
    "{{ modules.re.fullmatch('[a-z_]+', 'orders_2') }}",
    "{{ modules.re.escape('a.b*c') }}",
    # Python syntax a JavaScript pattern spells differently (dbt-codegen's import-CTE regexes)
    "{{ modules.re.search('(?i)(?s)(^.*\\\\s*|\\\\s+|,)with\\\\s', 'select 1\\nWITH x') is not none }}",
    "{{ modules.re.sub('(?is)^.*?with\\\\s', '', 'a\\nWITH b with c', 1) }}",
    "{{ modules.re.sub('(?i)(?s)(^.*\\\\s*|\\\\s+|,)with\\\\s', '\\\\g<1>', 'a with b WITH c', 1) }}",
    "{% set p = '(?i)(from|join)\\\\s+({{\\\\s*ref\\\\s*\\\\()([^)]+)(\\\\)\\\\s*}})' %}{{ modules.re.findall(p, 'from {{ ref(\\'a\\') }} JOIN {{ref(\"b\")}}') }}",
    "{% set p = '(from|join)\\\\s+([\\\\[`\\\\\"]?\\\\w+[\\\\]`\\\\\"]?)\\\\.([\\\\[`\\\\\"]?\\\\w+[\\\\]`\\\\\"]?)' %}{{ modules.re.findall(p, 'from `a`.b join \"c\".[d]') }}",
    "{{ modules.re.findall('xb{,2}y|c{2}|d{x}|e}', 'xbby xy ccc d{x} e}') }}",
    "{{ modules.re.findall('\\\\-\\\\#\\\\@[\\\\-x]', '-#@- -#@x') }}",
    "{{ modules.re.search('ab$', 'ab\\n') is not none }} {{ modules.re.search('ab$', 'ab\\nc') is not none }} {{ modules.re.findall('(?m)^\\\\w$', 'a\\nb') }}",
    "{{ modules.re.search('\\\\Aab\\\\Z', 'ab') is not none }} {{ modules.re.search('(?#note)x(?P<n>y)(?P=n)', 'xyy').group('n') }}",
    # Python-only pattern syntax: inline flags, verbose mode with comments, needless escapes,
    # braces that are not quantifiers, `$` before a final newline
    "{{ modules.re.findall('(?ix)\n  # a keyword\n  (from|join) \\\\s+\n  ([\\'\\\"]?) (\\\\w+) # the name\n', 'SELECT 1 FROM \"tbl\" join x') }}",
    "{{ modules.re.findall('(from)\\\\s+({{\\\\s*var\\\\(\\\\s*[\\'\\\"]?)([^)\\'\\\"]+)', 'from {{ var(\"t\") }}') }}",
    "{{ modules.re.search('a b # c', 'xab', modules.re.VERBOSE).group() }} {{ modules.re.search('a\\\\ b\\\\#', 'a b#', modules.re.X).group() }}",
    "{{ modules.re.search('(?i)STG_', 'my_stg_x') is not none }} {{ modules.re.search('(?s)a.b', 'a\\nb') is not none }}",
    "{{ modules.re.findall('x{2}|y{1,}|z{,2}q|{w}', 'xxx yy zzq {w}') }}",
    "{{ modules.re.search('end$', 'the end\\n') is not none }} {{ modules.re.fullmatch('end', 'end\\n') is not none }} {{ modules.re.search('\\\\Aa', 'ba') is not none }}",
    "{{ modules.re.sub('(?P<w>o)', '[\\\\g<w>]', 'foo') }} {{ modules.re.findall('[]a]+', 'a]b') }} {{ modules.re.search('(?#note)b', 'ab').start() }}",
]


def main():
    write_cases(OUT, TEMPLATES, CTX)


if __name__ == '__main__':
    main()
