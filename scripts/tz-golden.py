#!/usr/bin/env python3
"""Regenerate test/context/tz-golden.jsonl: templates using dbt's `modules.pytz` and the
time-zone side of `modules.datetime` (aware datetimes, `time`, `timezone`, `isocalendar`),
rendered by Python's Jinja2 with Python's own datetime and pytz (the oracle for
src/context/py-datetime.ts and src/context/tz-data.ts).

Needs jinja2 and pytz (dbt's virtualenv has both):
    /tmp/ci-base/.venv-dbt/bin/python scripts/tz-golden.py
Each line: {"template", "expected"} or {"template", "error": true}.
The TypeScript test (test/context/tz.test.ts) reads the file without Python.

Offsets come from pytz's tz data here and from Node's ICU there; the zones and dates below
are ones whose rules did not change between the two (a 2026 rule change would show here).
"""
import datetime
import os
import time

import pytz

from golden_cases import write_cases

os.environ['TZ'] = 'UTC'  # the machine's zone, as Strata assumes
time.tzset()

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'context', 'tz-golden.jsonl')

CTX = {
    'modules': {'datetime': datetime, 'pytz': pytz},
    # as dbt makes it: datetime.now(tz=pytz.utc)
    'run_started_at': datetime.datetime(2026, 12, 7, 6, 43, 26, 123456, tzinfo=pytz.utc),
}

D = 'modules.datetime'
P = 'modules.pytz'
SET = (
    "{% set ny = " + P + ".timezone('America/New_York') %}"
    "{% set la = " + P + ".timezone('America/Los_Angeles') %}"
    "{% set paris = " + P + ".timezone('Europe/Paris') %}"
    "{% set utc = " + P + ".utc %}"
    "{% set dt = " + D + ".datetime %}{% set td = " + D + ".timedelta %}{% set tz = " + D + ".timezone %}"
)

TEMPLATES = [
    # pytz.timezone() and its zones
    SET + '{{ ny }} {{ ny.zone }} {{ [ny] }}',
    SET + '{{ [paris, la, ' + P + ".timezone('Asia/Kolkata'), " + P + ".timezone('Europe/London'), " + P + ".timezone('Australia/Sydney')] }}",
    '{{ ' + P + ".timezone('europe/paris').zone }} {{ " + P + ".timezone('US/Eastern').zone }} {{ " + P + ".timezone('Asia/Calcutta').zone }}",
    '{{ [' + P + ".timezone('UTC'), " + P + ".timezone('utc'), " + P + '.utc, ' + P + ".timezone('Etc/GMT+5'), " + P + ".timezone('GMT')] }}",
    '{{ ' + P + ".timezone('Etc/GMT-3') }} {{ " + P + ".timezone('Etc/GMT-3').zone }} {{ " + P + '.utc }} {{ ' + P + '.utc.zone }}',
    '{{ ' + P + ".timezone('Foo/Bar') }}",
    '{{ ' + P + '.timezone(none) }}',
    "{{ 'Europe/Paris' in " + P + ".all_timezones }} {{ 'US/Eastern' in " + P + ".all_timezones }} {{ 'Asia/Kolkata' in " + P + ".all_timezones }} {{ 'Etc/GMT+5' in " + P + '.all_timezones }}',
    "{{ 'europe/paris' in " + P + ".all_timezones }} {{ 'Foo/Bar' in " + P + ".all_timezones }} {{ 'Europe/Paris' in " + P + '.all_timezones_set }}',
    '{{ ' + P + '.all_timezones[:3] }} {{ ' + P + '.all_timezones | length > 500 }}',
    # astimezone
    SET + '{{ dt(2021, 6, 7, 14, 35, tzinfo=utc).astimezone(ny) }}',
    SET + '{{ dt(2021, 1, 7, 14, 35, tzinfo=utc).astimezone(ny) }} {{ [dt(2021, 1, 7, 14, 35, tzinfo=utc).astimezone(ny)] }}',
    SET + '{% set x = dt(2021, 6, 7, 14, 35, tzinfo=utc).astimezone(paris) %}{{ x.isoformat() }} {{ x.tzname() }} {{ x.utcoffset() }} {{ x.dst() }} {{ x.strftime("%Y-%m-%d %H:%M:%S %z %Z") }} {{ x.timestamp() }}',
    SET + '{% set x = dt(2021, 1, 7, 14, 35, tzinfo=utc).astimezone(paris) %}{{ x.tzname() }} {{ x.utcoffset() }} {{ x.dst() }} {{ [x.tzinfo] }}',
    SET + '{{ run_started_at.astimezone(la) }} {{ run_started_at.astimezone(' + P + ".timezone('Asia/Kathmandu')) }} {{ run_started_at.astimezone(" + P + ".timezone('America/St_Johns')) }}",
    SET + '{{ [run_started_at] }} {{ run_started_at.tzinfo }} {{ run_started_at.tzinfo.zone }} {{ [run_started_at.tzinfo] }}',
    SET + '{{ dt(2021, 6, 7, 14, 35, tzinfo=utc).astimezone(ny).astimezone() }} {{ [dt(2021, 6, 7, 14, 35, tzinfo=utc).astimezone(ny).astimezone()] }}',
    SET + '{{ dt(2021, 6, 7, 14, 35).astimezone() }} {{ dt(2021, 6, 7, 14, 35).astimezone(ny) }} {{ dt(2021, 6, 7, 14, 35).astimezone(utc) }}',
    SET + '{% set x = dt(2021, 6, 7, 14, 35, tzinfo=utc) %}{{ x.astimezone(utc) is sameas x }} {{ x.astimezone(ny).astimezone(utc) == x }}',
    SET + "{{ dt(2021, 6, 7, 14, 35, tzinfo=utc).astimezone('America/New_York') }}",
    SET + '{{ ' + P + ".timezone('Australia/Lord_Howe').localize(dt(2021, 1, 7)).dst() }} {{ " + P + ".timezone('Australia/Lord_Howe').localize(dt(2021, 1, 7)) }} {{ " + P + ".timezone('Pacific/Chatham').localize(dt(2021, 1, 7)) }}",
    # the pytz quirk: tzinfo=<zone> is the zone's first (local mean time) offset
    SET + '{{ dt(1997, 9, 29, 6, 14, tzinfo=la) }}',
    SET + '{{ dt(year=1997, month=9, day=29, hour=6, minute=14, second=0, microsecond=0, tzinfo=' + P + ".timezone('America/Los_Angeles')) }}",
    SET + '{% set x = dt(1997, 9, 29, 6, 14, tzinfo=la) %}{{ [x] }} {{ x.tzname() }} {{ x.utcoffset() }} {{ x.dst() }} {{ x.strftime("%z %Z") }} {{ x.isoformat() }} {{ x.timestamp() }}',
    SET + '{{ dt(2021, 6, 7, tzinfo=paris) }} {{ dt(2021, 6, 7, tzinfo=' + P + ".timezone('Asia/Kolkata')) }} {{ dt(2021, 6, 7, tzinfo=" + P + ".timezone('Europe/London')) }} {{ dt(2021, 6, 7, tzinfo=" + P + ".timezone('Australia/Sydney')) }}",
    SET + '{{ dt(2021, 6, 7, 12).replace(tzinfo=ny) }} {{ dt(2021, 6, 7, 12, tzinfo=utc).replace(tzinfo=ny) }} {{ dt(2021, 6, 7, 12, tzinfo=ny).replace(tzinfo=none) }}',
    SET + '{{ dt(2021, 6, 7, 12, tzinfo=' + P + ".timezone('Etc/GMT+5')) }} {{ dt(2021, 6, 7, 12, tzinfo=" + P + ".timezone('EST5EDT')) }} {{ dt(2021, 6, 7, 12, tzinfo=" + P + ".timezone('Antarctica/Casey')) }}",
    # localize and normalize
    SET + '{{ la.localize(dt(1997, 9, 29, 6, 14)) }} {{ la.localize(dt(1997, 12, 29, 6, 14)) }} {{ [la.localize(dt(1997, 9, 29, 6, 14))] }}',
    SET + '{% set x = la.localize(dt(2021, 3, 13, 12)) + td(days=1) %}{{ x }} {{ la.normalize(x) }} {{ x.tzname() }} {{ la.normalize(x).tzname() }}',
    SET + '{{ la.normalize(dt(2021, 6, 7, 6, 14, tzinfo=la)) }} {{ ny.normalize(dt(2021, 6, 7, 6, 14, tzinfo=la)) }} {{ la.normalize(dt(2021, 6, 7, 6, 14, tzinfo=utc)) }}',
    SET + '{{ ny.localize(dt(2021, 11, 7, 1, 30)) }} {{ ny.localize(dt(2021, 11, 7, 1, 30), is_dst=True) }} {{ ny.localize(dt(2021, 11, 7, 1, 30), is_dst=False) }}',
    SET + '{{ ny.localize(dt(2021, 11, 7, 1, 30), is_dst=None) }}',
    SET + '{{ ny.localize(dt(2021, 3, 14, 2, 30)) }} {{ ny.localize(dt(2021, 3, 14, 2, 30), is_dst=True) }} {{ ny.localize(dt(2021, 3, 14, 2, 30), True) }}',
    SET + '{{ ny.localize(dt(2021, 3, 14, 2, 30), is_dst=None) }}',
    SET + '{{ ny.normalize(ny.localize(dt(2021, 3, 14, 2, 30))) }} {{ ny.normalize(ny.localize(dt(2021, 3, 14, 2, 30), is_dst=True)) }}',
    SET + '{{ ny.localize(dt(2021, 6, 7, tzinfo=utc)) }}',
    SET + '{{ ny.normalize(dt(2021, 6, 7)) }}',
    SET + '{{ utc.localize(dt(2021, 6, 7, 14, 35)) }} {{ utc.localize(dt(2021, 6, 7, 14, 35)).astimezone(ny) }} {{ utc.normalize(ny.localize(dt(2021, 6, 7, 10, 35))) }}',
    SET + '{{ ny.localize(dt(2050, 7, 1)) }} {{ ny.localize(dt(1890, 7, 1)) }} {{ ny.localize(dt(1920, 7, 1)) }} {{ dt(2040, 7, 1, tzinfo=utc).astimezone(paris) }}',
    SET + '{{ ny.localize(dt(1929, 5, 18)).tzname() }} {{ paris.localize(dt(1950, 1, 1)).tzname() }} {{ ' + P + ".timezone('Asia/Tokyo').localize(dt(1960, 1, 1)).tzname() }} {{ " + P + ".timezone('Asia/Dubai').localize(dt(1960, 1, 1)).tzname() }}",
    SET + '{{ ny.utcoffset(dt(2021, 6, 7)) }} {{ ny.dst(dt(2021, 6, 7)) }} {{ ny.tzname(dt(2021, 1, 7)) }} {{ ny.utcoffset(none) }} {{ ny.tzname(none) }}',
    SET + '{{ ny.utcoffset(dt(2021, 11, 7, 1, 30)) }}',
    SET + '{{ utc.utcoffset(none) }} {{ utc.dst(none) }} {{ utc.tzname(none) }} {{ ' + P + ".timezone('Etc/GMT+5').utcoffset(none) }} {{ " + P + ".timezone('Etc/GMT+5').tzname(none) }}",
    SET + '{{ ny.fromutc(dt(2021, 6, 7, 14, 35)) }} {{ [ny.localize(dt(2021, 6, 7)).tzinfo] }} {{ ny.localize(dt(2021, 6, 7)).tzinfo }}',
    # comparisons and subtraction across zones
    SET + '{% set x = dt(2021, 6, 7, 14, 35, tzinfo=utc) %}{{ x == x.astimezone(ny) }} {{ x.astimezone(ny) - x.astimezone(paris) }} {{ x.astimezone(ny) == x.astimezone(paris) }}',
    SET + '{% set a = ny.localize(dt(2021, 6, 7, 10, 35)) %}{% set b = paris.localize(dt(2021, 6, 7, 16, 0)) %}{{ a < b }} {{ a > b }} {{ a - b }} {{ b - a }} {{ [a, b] | sort | first }} {{ [a, b] | max }}',
    SET + '{{ ny.localize(dt(2021, 6, 7)) == dt(2021, 6, 7) }} {{ ny.localize(dt(2021, 6, 7)) != dt(2021, 6, 7) }}',
    SET + '{{ ny.localize(dt(2021, 6, 7)) - dt(2021, 6, 7) }}',
    SET + '{{ ny.localize(dt(2021, 6, 7)) < dt(2021, 6, 7) }}',
    SET + '{{ ny.localize(dt(2021, 3, 13, 12)) + td(hours=24) }} {{ (ny.localize(dt(2021, 3, 14, 12)) - ny.localize(dt(2021, 3, 13, 12))) }}',
    SET + '{{ ny.localize(dt(2021, 6, 7)) - run_started_at }} {{ run_started_at > ny.localize(dt(2021, 6, 7)) }}',
    SET + '{{ dt(2021, 6, 7, tzinfo=la) - la.localize(dt(2021, 6, 7)) }} {{ dt(2021, 6, 7, tzinfo=la) == la.localize(dt(2021, 6, 7)) }}',
    # datetime.timezone
    SET + '{{ tz(td(hours=2)) }} {{ [tz(td(hours=2))] }} {{ tz(td(hours=-5, minutes=-30), "X") }} {{ [tz(td(hours=-5, minutes=-30), "X")] }}',
    SET + '{{ [tz(td(0)), tz.utc, tz(td(0), "UTC"), tz(td(seconds=30))] }} {{ tz(td(seconds=30)) }} {{ tz(td(0)) }}',
    SET + '{{ tz(td(hours=24)) }}',
    SET + '{{ tz(2) }}',
    SET + '{{ tz(td(hours=2)) == tz(td(hours=2), "X") }} {{ tz(td(hours=2)) == tz(td(hours=3)) }} {{ tz.utc == tz(td(0)) }}',
    SET + '{% set x = dt(2021, 6, 7, 14, 35, tzinfo=tz(td(hours=2))) %}{{ x }} {{ [x] }} {{ x.isoformat() }} {{ x.strftime("%z %Z") }} {{ x.tzname() }} {{ x.dst() }} {{ x.utcoffset() }} {{ x.astimezone(utc) }} {{ x.timestamp() }}',
    SET + '{% set x = dt(2021, 6, 7, 14, 35, tzinfo=tz(td(hours=-3, seconds=-15))) %}{{ x }} {{ x.strftime("%z") }} {{ x.tzname() }}',
    SET + '{{ dt(2021, 6, 7, 14, 35, tzinfo=tz(td(hours=2))).astimezone(ny) }} {{ ny.localize(dt(2021, 6, 7)).astimezone(tz(td(hours=5, minutes=30))) }}',
    SET + '{{ dt(2021, 6, 7, 14, 35, tzinfo=tz(td(hours=2))) == dt(2021, 6, 7, 12, 35, tzinfo=utc) }} {{ dt(2021, 6, 7, 14, 35, tzinfo=tz(td(hours=2))) - dt(2021, 6, 7, 14, 35, tzinfo=tz.utc) }}',
    SET + '{{ dt(2021, 6, 7, tzinfo="Europe/Paris") }}',
    "{{ " + D + ".datetime.fromisoformat('2024-05-06T07:08:09+02:00') }} {{ [" + D + ".datetime.fromisoformat('2024-05-06T07:08:09+02:00')] }} {{ " + D + ".datetime.fromisoformat('2024-05-06T07:08:09-0330').tzinfo }}",
    "{{ [" + D + ".datetime.fromisoformat('2024-05-06T07:08:09+00:00')] }} {{ " + D + ".datetime.fromisoformat('2024-05-06T07:08:09Z') }}",
    "{{ " + D + ".datetime.strptime('2024-01-05 10:11:12 +0530', '%Y-%m-%d %H:%M:%S %z') }} {{ [" + D + ".datetime.strptime('2024-01-05 +0000', '%Y-%m-%d %z')] }}",
    "{{ " + D + ".datetime.strptime('2024-01-05 10:11 UTC', '%Y-%m-%d %H:%M %Z') }}",
    # pytz.FixedOffset
    SET + '{{ [' + P + '.FixedOffset(-300)] }} {{ ' + P + '.FixedOffset(-300) }} {{ dt(2021, 6, 7, tzinfo=' + P + '.FixedOffset(330)) }} {{ [' + P + '.FixedOffset(0)] }}',
    SET + '{% set x = dt(2021, 6, 7, tzinfo=' + P + '.FixedOffset(-300)) %}{{ x.tzname() }} {{ x.dst() }} {{ x.strftime("%z|%Z") }} {{ ' + P + '.FixedOffset(-300).localize(dt(2021, 6, 7)) }}',
    # now() and fromtimestamp() in a zone
    SET + '{{ ' + D + '.datetime.now(ny).tzinfo.zone }} {{ (' + D + '.datetime.now(ny) - ' + D + '.datetime.now(utc)).total_seconds() < 5 }} {{ ' + D + '.datetime.now(ny).utcoffset() in [td(hours=-4), td(hours=-5)] }}',
    SET + '{{ ' + D + '.datetime.fromtimestamp(0, ny) }} {{ ' + D + '.datetime.fromtimestamp(1623076500, paris) }} {{ ' + D + '.datetime.fromtimestamp(1623076500) }} {{ ' + D + '.datetime.fromtimestamp(1623076500, tz=tz(td(hours=1))) }}',
    SET + '{{ ' + D + '.datetime.now("UTC") }}',
    # time
    SET + '{{ ' + D + '.time(14, 35) }} {{ [' + D + '.time(14, 35)] }} {{ ' + D + '.time(1, 2, 3, 4) }} {{ [' + D + '.time(1, 2, 3, 4)] }} {{ ' + D + '.time() }} {{ [' + D + '.time(1, 2, 3)] }}',
    SET + '{% set t = ' + D + '.time(14, 35, 7, 123456) %}{{ t.hour }}:{{ t.minute }}:{{ t.second }}.{{ t.microsecond }} {{ t.isoformat() }} {{ t.isoformat("minutes") }} {{ t.isoformat(timespec="milliseconds") }} {{ t.strftime("%H:%M:%S.%f %I%p") }} {{ t.tzinfo }}',
    SET + '{{ ' + D + '.time(14, 35, tzinfo=tz(td(hours=2))) }} {{ [' + D + '.time(14, 35, tzinfo=tz(td(hours=2)))] }} {{ ' + D + '.time(14, 35, tzinfo=utc) }} {{ ' + D + '.time(14, 35, tzinfo=ny) }} {{ [' + D + '.time(14, 35, tzinfo=ny)] }}',
    SET + '{% set t = ' + D + '.time(14, 35, tzinfo=tz(td(hours=2))) %}{{ t.utcoffset() }} {{ t.tzname() }} {{ t.dst() }} {{ t.strftime("%H:%M %z %Z") }} {{ ' + D + '.time(14, 35, tzinfo=ny).utcoffset() }} {{ ' + D + '.time(14, 35, tzinfo=ny).tzname() }}',
    SET + '{{ ' + D + '.time(1) < ' + D + '.time(2) }} {{ ' + D + '.time(1) == ' + D + '.time(1, 0) }} {{ ' + D + '.time(14, tzinfo=tz(td(hours=2))) == ' + D + '.time(12, tzinfo=utc) }} {{ ' + D + '.time(1) == ' + D + '.time(1, tzinfo=utc) }}',
    SET + '{{ ' + D + '.time(1) < ' + D + '.time(1, tzinfo=utc) }}',
    SET + '{{ ' + D + '.time(24) }}',
    SET + '{{ ' + D + '.time(14, 35).replace(minute=0) }} {{ ' + D + '.time(14, 35).replace(tzinfo=utc) }}',
    SET + '{% set x = ny.localize(dt(2021, 6, 7, 14, 35, 1, 2)) %}{{ x.time() }} {{ [x.time()] }} {{ x.timetz() }} {{ [x.timetz()] }}',
    SET + '{{ dt.combine(' + D + '.date(2021, 6, 7), ' + D + '.time(14, 35)) }} {{ dt.combine(' + D + '.date(2021, 6, 7), ' + D + '.time(14, 35, tzinfo=utc)) }} {{ dt.combine(' + D + '.date(2021, 6, 7), ' + D + '.time(14, 35), tzinfo=ny) }} {{ dt.combine(' + D + '.date(2021, 6, 7), ' + D + '.time(14, 35), utc) }}',
    SET + '{{ dt.combine(dt(2021, 6, 7, 9), ' + D + '.time(14, 35)) }} {{ dt.combine(' + D + '.date(2021, 6, 7), ' + D + '.time(14, 35, tzinfo=utc), tzinfo=none) }}',
    SET + '{{ dt.combine(' + D + '.date(2021, 6, 7), "14:35") }}',
    # isocalendar
    '{{ ' + D + '.date(2021, 1, 1).isocalendar() }} {{ ' + D + '.date(2021, 1, 1).isocalendar()[0] }} {{ ' + D + '.date(2021, 1, 1).isocalendar()[1] }} {{ ' + D + '.date(2021, 1, 1).isocalendar()[2] }}',
    '{% set y, w, d = ' + D + '.date(2024, 12, 30).isocalendar() %}{{ y }}-W{{ w }}-{{ d }} {{ ' + D + '.date(2024, 12, 30).isocalendar() == (2025, 1, 1) }} {{ ' + D + '.date(2024, 12, 30).isocalendar() | list }}',
    '{{ ' + D + '.datetime(2027, 1, 3, 23, 59).isocalendar() }} {{ ' + D + '.date(2026, 12, 31).isocalendar() }} {{ ' + D + '.date(2020, 12, 31).isocalendar()[1] }} {{ ' + D + '.date(1, 1, 1).isocalendar() }}',
    '{% set c = ' + D + '.date(2021, 1, 1).isocalendar() %}{{ c.year }}-W{{ c.week }}-{{ c.weekday }} {{ c[-1] }} {{ c | length }} {{ c[1:] }} {{ [c] }} {{ 2020 in c }} {{ c | join("/") }} {{ c < (2021, 1, 1) }} {{ c == ' + D + '.date(2021, 1, 1).isocalendar() }}',
    '{{ ' + D + '.date.fromisocalendar(2020, 53, 5) }} {{ ' + D + '.datetime.fromisocalendar(2025, 1, 1) }} {{ ' + D + '.date.fromisocalendar(2021, 52, 7) }}',
    '{{ ' + D + '.date.fromisocalendar(2021, 53, 1) }}',
    '{{ ' + D + '.date.fromisocalendar(2021, 1, 8) }}',
    "{% for d in [" + D + ".date(2021, 1, 1), " + D + ".date(2024, 12, 30), " + D + ".date(2027, 1, 3), " + D + ".date(2023, 1, 1), " + D + ".date(2018, 12, 31)] %}{{ d.strftime('%G-%V-%u %U %W %j %e|%F') }} {% endfor %}",
    SET + "{{ ny.localize(dt(2021, 6, 7, 14, 35)).strftime('%F %T %z %Z %G %V') }}",
    "{{ " + D + ".date(753, 7, 5).strftime('%F %Y %G') }}",
]

# Zones people use: each one's first offset, its offsets in January and July, localize() and repr.
ZONES = '''America/New_York America/Chicago America/Denver America/Phoenix America/Los_Angeles America/Anchorage
Pacific/Honolulu America/Toronto America/Vancouver America/Halifax America/St_Johns America/Mexico_City
America/Sao_Paulo America/Argentina/Buenos_Aires America/Bogota America/Lima America/Santiago America/Caracas
Europe/London Europe/Dublin Europe/Lisbon Europe/Paris Europe/Berlin Europe/Madrid Europe/Rome Europe/Amsterdam
Europe/Brussels Europe/Zurich Europe/Stockholm Europe/Oslo Europe/Helsinki Europe/Warsaw Europe/Prague
Europe/Athens Europe/Istanbul Europe/Moscow Europe/Kiev Europe/Kyiv Africa/Cairo Africa/Johannesburg Africa/Lagos
Africa/Nairobi Africa/Casablanca Asia/Dubai Asia/Karachi Asia/Kolkata Asia/Calcutta Asia/Kathmandu Asia/Dhaka
Asia/Bangkok Asia/Jakarta Asia/Singapore Asia/Hong_Kong Asia/Shanghai Asia/Taipei Asia/Manila Asia/Seoul
Asia/Tokyo Asia/Jerusalem Asia/Tehran Asia/Riyadh Australia/Perth Australia/Adelaide Australia/Darwin
Australia/Brisbane Australia/Sydney Australia/Melbourne Australia/Lord_Howe Pacific/Auckland Pacific/Chatham
Pacific/Fiji US/Eastern US/Pacific Canada/Eastern Etc/GMT+5 Etc/UTC GMT EST5EDT CET EST'''.split()

ZONE_TEMPLATE = (
    "{% set z = modules.pytz.timezone(ZONE) %}{% set dt = modules.datetime.datetime %}"
    "{{ z }} {{ [z] }} | {{ dt(2021, 6, 7, 12, tzinfo=z) }} {{ dt(2021, 6, 7, 12, tzinfo=z).tzname() }}"
    "{% for m in [1, 7] %} | {% set x = modules.pytz.utc.localize(dt(2021, m, 15, 12)).astimezone(z) %}"
    "{{ x.strftime('%Y-%m-%d %H:%M:%S%z %Z') }} {{ x.dst() }} {{ [x.tzinfo] }}"
    " {{ z.localize(dt(2021, m, 15, 12)).isoformat() }} {{ z.localize(dt(2021, m, 15, 12)).tzname() }}{% endfor %}"
)
TEMPLATES += [ZONE_TEMPLATE.replace('ZONE', repr(z)) for z in ZONES]


def main():
    write_cases(OUT, TEMPLATES, CTX)


if __name__ == '__main__':
    main()
