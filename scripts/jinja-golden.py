#!/usr/bin/env python3
"""Regenerate test/jinja/golden/cases.jsonl: templates and contexts rendered by Python's
Jinja2 3.x (with the `do` and `loopcontrols` extensions), the oracle for src/jinja.

Run: python3 scripts/jinja-golden.py
Each line: {"id", "template", "context", "options", "templates", "expected" | "error"}.
The TypeScript test (test/jinja/golden.test.ts) reads the file without Python.
"""
import json
import os
import sys

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'jinja', 'golden', 'cases.jsonl')

CTX = {
    'name': 'World',
    'n': 7,
    'f': 2.5,
    'neg': -3,
    'zero': 0,
    'empty': '',
    's': 'Hello, World',
    'words': 'the quick brown fox',
    'items': [3, 1, 2],
    'strs': ['b', 'a', 'C'],
    'nested': [[1, 2], [3, 4]],
    'd': {'a': 1, 'b': 2, 'c': 3},
    'users': [
        {'name': 'ann', 'age': 31, 'active': True, 'team': 'red'},
        {'name': 'bob', 'age': 25, 'active': False, 'team': 'blue'},
        {'name': 'cid', 'age': 40, 'active': True, 'team': 'red'},
    ],
    'cols': ['id', 'amount', 'created_at'],
    'flag': True,
    'nothing': None,
    'tree': [
        {'name': 'a', 'children': [{'name': 'a1', 'children': []}, {'name': 'a2', 'children': []}]},
        {'name': 'b', 'children': []},
    ],
}

LIB = {
    'macros.sql': (
        "{% macro cents(col, scale=2) %}({{ col }} / 100)::numeric(16, {{ scale }}){% endmacro %}"
        "{% macro wrap(x) %}[{{ caller(x) }}]{% endmacro %}"
        "{% set answer = 42 %}"
        "{% macro _private() %}p{% endmacro %}"
        "{% macro uses_ctx() %}{{ name }}{% endmacro %}"
    ),
    'header.sql': "-- header for {{ name }}",
    'loop_item.sql': "<{{ x }}>",
    'with_vars.sql': "{% set local_v = 'L' %}{{ local_v }}{{ name }}",
}

cases = []


def add(template, context=None, options=None, templates=None, group='misc'):
    cases.append({'group': group, 'template': template, 'context': context, 'options': options or {}, 'templates': templates})


def many(group, templates, context=None, options=None):
    for t in templates:
        add(t, context, options, group=group)


# ---------------------------------------------------------------- literals and printing
many('literals', [
    '{{ 1 }}', '{{ -1 }}', '{{ 1.0 }}', '{{ 1.5 }}', '{{ 1e3 }}', '{{ 1_000 }}', '{{ 0.1 + 0.2 }}',
    '{{ "a" }}', "{{ 'b' }}", '{{ "a" "b" }}', r'{{ "tab\there" }}', r'{{ "q\"q" }}', r"{{ 'it\'s' }}",
    '{{ True }}', '{{ true }}', '{{ False }}', '{{ false }}', '{{ None }}', '{{ none }}',
    '{{ [1, 2, 3] }}', '{{ ["a", "b"] }}', '{{ [] }}', '{{ (1, 2) }}', '{{ (1,) }}', '{{ () }}',
    '{{ {"a": 1} }}', '{{ {"a": [1, {"b": None}]} }}', '{{ {} }}', '{{ [1.0, 2.5, True, None, "x"] }}',
    "{{ ['it\\'s'] }}", '{{ 1, 2 }}', '{{ [1, 2,] }}', '{{ {"a": 1,} }}', '{{ 1e-7 }}', '{{ 1e20 }}', '{{ 123456789012 }}',
    '{{ 0x1F }}', '{{ 0o17 }}', '{{ 0b101 }}', '{{ 3.0 * 2 }}', '{{ 10 / 4 }}', '{{ 2.50 }}',
])

# ---------------------------------------------------------------- operators
many('operators', [
    '{{ 1 + 2 }}', '{{ 5 - 7 }}', '{{ 3 * 4 }}', '{{ 7 / 2 }}', '{{ 8 / 2 }}', '{{ 7 // 2 }}', '{{ -7 // 2 }}',
    '{{ 7 % 3 }}', '{{ -7 % 3 }}', '{{ 7 % -3 }}', '{{ 2 ** 10 }}', '{{ 2 ** -1 }}', '{{ 2 ** 3 ** 2 }}',
    '{{ 1 + 2 * 3 }}', '{{ (1 + 2) * 3 }}', '{{ -2 ** 2 }}', '{{ "a" + "b" }}', '{{ "ab" * 3 }}', '{{ [1] + [2] }}',
    '{{ [0] * 3 }}', '{{ 1 ~ 2 }}', '{{ "x" ~ none ~ true }}', '{{ n ~ "-" ~ f }}', '{{ f * 2 }}', '{{ f + 0.5 }}',
    '{{ 1 == 1.0 }}', '{{ 1 != 2 }}', '{{ 1 < 2 < 3 }}', '{{ 3 > 2 > 2 }}', '{{ 1 <= 1 }}', '{{ "a" < "b" }}',
    '{{ [1, 2] < [1, 3] }}', '{{ 2 in [1, 2] }}', '{{ 5 not in [1, 2] }}', '{{ "ell" in "hello" }}', '{{ "a" in d }}',
    '{{ "z" in d }}', '{{ not true }}', '{{ not not 0 }}', '{{ 0 or "x" }}', '{{ 1 and "y" }}', '{{ "" and "y" }}',
    '{{ none or [] }}', '{{ 1 if true else 2 }}', '{{ 1 if false else 2 }}', '{{ "x" if false }}', '{{ true + 1 }}',
    '{{ n // 2 * 2 }}', '{{ n % 2 == 1 }}', '{{ 10 - 2 - 3 }}', '{{ 2 * -3 }}', '{{ +n }}', '{{ -f }}', '{{ 1.5 // 1 }}',
    '{{ 5.5 % 2 }}', '{{ 3 * 0.1 }}', '{{ [1, 2] == [1, 2] }}', '{{ {"a": 1} == {"a": 1} }}', '{{ (1, 2) == [1, 2] }}',
    '{{ "%s and %s" % ("a", "b") }}', '{{ "%d items" % 3 }}', '{{ "%.2f" % 3.14159 }}', '{{ "%5s|" % "ab" }}',
    '{{ "%-5s|" % "ab" }}', '{{ "%05d" % 42 }}', '{{ "%x %o %X" % (255, 8, 255) }}', '{{ "%(a)s-%(b)s" % {"a": 1, "b": 2} }}',
    '{{ "%r" % "q" }}', '{{ "100%%" % () }}', '{{ "%s" % none }}', '{{ "%s" % [1, 2] }}', '{{ "%+d" % 5 }}', '{{ "%e" % 12345.678 }}',
    '{{ "%g" % 0.0001 }}', '{{ "%g" % 123456789 }}', '{{ "%.3g" % 3.14159 }}', '{{ "%s" % 1.0 }}', '{{ "%i" % 3.9 }}',
])

# ---------------------------------------------------------------- variables, attributes, items
many('access', [
    '{{ name }}', '{{ missing }}', '{{ d.a }}', '{{ d["b"] }}', '{{ d.zz }}', '{{ users[0].name }}', '{{ users[-1]["age"] }}',
    '{{ users[5] }}', '{{ items[0] }}', '{{ items[-1] }}', '{{ nested[1][0] }}', '{{ items[1:] }}', '{{ items[:2] }}',
    '{{ items[::-1] }}', '{{ items[::2] }}', '{{ s[0:5] }}', '{{ s[-5:] }}', '{{ s[::-1] }}', '{{ s[1] }}', '{{ items[1:-1] }}',
    '{{ cols[5:] }}', '{{ items[-10:2] }}', '{{ nothing.attr }}', '{{ missing is defined }}',
    '{{ users.0.name }}', '{{ nested.1.1 }}', '{{ d["a"] + d.b }}', '{{ s[100:] }}', '{{ (1, 2, 3)[1:] }}',
])

# ---------------------------------------------------------------- string methods
many('str-methods', [
    '{{ s.upper() }}', '{{ s.lower() }}', '{{ "  x  ".strip() }}', '{{ "xxaxx".strip("x") }}', '{{ "  x ".lstrip() }}',
    '{{ "  x ".rstrip() }}', '{{ "--a--".lstrip("-") }}', '{{ "--a--".rstrip("-") }}', '{{ "a,b,c".split(",") }}',
    '{{ "a b  c".split() }}', '{{ "a,b,c".split(",", 1) }}', '{{ "a,b,c".rsplit(",", 1) }}', '{{ " a b c ".split(None, 1) }}',
    '{{ s.replace("l", "L") }}', '{{ s.replace("l", "L", 2) }}', '{{ s.startswith("Hell") }}', '{{ s.startswith(("x", "H")) }}',
    '{{ s.endswith("ld") }}', '{{ s.endswith(("x", "y")) }}', '{{ "{} + {} = {}".format(1, 2, 3) }}', '{{ "{0}{1}{0}".format("a", "b") }}',
    '{{ "{x}-{y}".format(x=1, y="z") }}', '{{ "{:>6}|".format("ab") }}', '{{ "{:<6}|".format("ab") }}', '{{ "{:^6}|".format("ab") }}',
    '{{ "{:.2f}".format(3.14159) }}', '{{ "{:,}".format(1234567) }}', '{{ "{:05d}".format(42) }}', '{{ "{!r}".format("a") }}',
    '{{ "{:*^9}".format("mid") }}', '{{ "{:+.1f}".format(2) }}', '{{ "{:x}".format(255) }}', '{{ "{:.1%}".format(0.256) }}',
    '{{ "{0[0]}-{1[a]}".format([5], {"a": 6}) }}', '{{ "{{literal}}".format() }}', '{{ ", ".join(cols) }}', '{{ "-".join("abc") }}',
    '{{ words.title() }}', '{{ words.capitalize() }}', '{{ s.find("o") }}', '{{ s.find("z") }}', '{{ s.rfind("o") }}',
    '{{ s.count("l") }}', '{{ "123".isdigit() }}', '{{ "12a".isdigit() }}', '{{ "abc".isalpha() }}', '{{ "ab1".isalnum() }}',
    '{{ "  ".isspace() }}', '{{ "ABC".isupper() }}', '{{ "abc".islower() }}', '{{ "42".zfill(5) }}', '{{ "-42".zfill(5) }}',
    '{{ "ab".center(6, "*") }}', '{{ "ab".ljust(4, ".") }}', '{{ "ab".rjust(4) }}', '{{ "a\\nb\\n".splitlines() }}',
    '{{ "k=v".partition("=") }}', '{{ "a.b.c".rpartition(".") }}', '{{ "Hello".swapcase() }}', '{{ "prefix_x".removeprefix("prefix_") }}',
    '{{ "x.sql".removesuffix(".sql") }}', '{{ s.index("W") }}', '{{ "Title Case".istitle() }}', '{{ "aaa".replace("a", "b", 0) }}',
    '{{ "a b".split(" ") }}', '{{ "".split(",") }}', '{{ "".split() }}', '{{ "x".upper().lower() }}', '{{ "%s!" % s.split(",")[0] }}',
])

# ---------------------------------------------------------------- list and dict methods
many('collection-methods', [
    '{% set l = [1] %}{% do l.append(2) %}{{ l }}', '{% set l = [1] %}{% do l.extend([2, 3]) %}{{ l }}',
    '{% set l = [1, 2, 3] %}{{ l.pop() }}{{ l }}', '{% set l = [1, 2, 3] %}{{ l.pop(0) }}{{ l }}',
    '{% set l = [1, 3] %}{% do l.insert(1, 2) %}{{ l }}', '{% set l = [1, 2, 1] %}{% do l.remove(1) %}{{ l }}',
    '{{ [5, 6, 7].index(6) }}', '{{ [1, 1, 2].count(1) }}', '{% set l = [3, 1, 2] %}{% do l.sort() %}{{ l }}',
    '{% set l = [3, 1, 2] %}{% do l.sort(reverse=true) %}{{ l }}', '{% set l = [1, 2] %}{% do l.reverse() %}{{ l }}',
    '{% set l = [1] %}{% set m = l.copy() %}{% do m.append(2) %}{{ l }}{{ m }}',
    '{{ d.items() }}', '{{ d.keys() }}', '{{ d.values() }}', '{{ d.items()|list }}', '{{ d.keys()|list }}', '{{ d.get("a") }}',
    '{{ d.get("zz") }}', '{{ d.get("zz", 0) }}', '{% set x = {"a": 1} %}{% do x.update({"b": 2}) %}{{ x }}',
    '{% set x = {"a": 1} %}{% do x.update(c=3) %}{{ x }}', '{% set x = {"a": 1, "b": 2} %}{{ x.pop("a") }}{{ x }}',
    '{% set x = {"a": 1} %}{{ x.pop("z", "dflt") }}', '{% set x = {} %}{{ x.setdefault("k", []) }}{{ x }}',
    '{% set x = {"k": 1} %}{{ x.setdefault("k", 2) }}', '{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}',
    '{% for k in d %}{{ k }}{% endfor %}', '{% for v in d.values() %}{{ v }}{% endfor %}', '{% set x = {"a": 1} %}{% set x2 = x.copy() %}{{ x2 }}',
    '{% set l = [] %}{% for i in range(3) %}{% do l.append(i * i) %}{% endfor %}{{ l }}',
    '{% set x = {} %}{% for u in users %}{% do x.update({u.name: u.age}) %}{% endfor %}{{ x }}',
    '{% set l = [1, 2] %}{% do l.clear() %}{{ l }}', '{{ {"b": 1, "a": 2} }}', '{{ [[1, 2], [3]] }}',
])

# ---------------------------------------------------------------- filters
many('filters', [
    '{{ neg|abs }}', '{{ -2.5|abs }}', '{{ users[0]|attr("name") }}', '{{ items|batch(2)|list }}', '{{ items|batch(2, 0)|list }}',
    '{{ "hello WORLD"|capitalize }}', '{{ "ab"|center(6) }}|', '{{ missing|default("dflt") }}', '{{ empty|default("dflt") }}',
    '{{ empty|default("dflt", true) }}', '{{ missing|d("x") }}', '{{ nothing|default("x") }}', '{{ d|dictsort }}',
    '{{ d|dictsort(reverse=true) }}', '{{ {"b": 1, "A": 2}|dictsort }}', '{{ {"b": 1, "A": 2}|dictsort(true) }}', '{{ d|dictsort(by="value") }}',
    '{{ items|first }}', '{{ []|first }}', '{{ "abc"|first }}', '{{ items|last }}', '{{ "3.5"|float }}', '{{ "x"|float }}', '{{ 3|float }}',
    '{{ "%s-%s"|format("a", 1) }}', '{{ "%(x)s"|format(x="y") }}', '{{ "3"|int }}', '{{ "3.9"|int }}', '{{ "x"|int }}', '{{ "x"|int(5) }}',
    '{{ 4.7|int }}', '{{ "0x1F"|int(0, 16) }}', '{{ "a\\nb"|indent }}', '{{ "a\\nb\\n\\nc"|indent(2, true) }}', '{{ "a\\n\\nb"|indent(2, blank=true) }}',
    '{{ "a\\nb"|indent("> ") }}', '{{ d|items|list }}', '{{ items|join }}', '{{ items|join(", ") }}', '{{ users|join(",", attribute="name") }}',
    '{{ items|length }}', '{{ "abc"|length }}', '{{ d|length }}', '{{ d|count }}', '{{ "abc"|list }}', '{{ d|list }}', '{{ "ABC"|lower }}',
    '{{ users|map(attribute="name")|list }}', '{{ strs|map("upper")|list }}', '{{ items|map("string")|join("|") }}',
    '{{ users|map(attribute="zip", default="-")|list }}', '{{ items|max }}', '{{ items|min }}', '{{ strs|max }}', '{{ strs|min }}',
    '{{ strs|max(case_sensitive=true) }}', '{{ users|max(attribute="age")|attr("name") }}', '{{ s|replace("o", "0") }}',
    '{{ s|replace("o", "0", 1) }}', '{{ items|reject("odd")|list }}', '{{ items|select("odd")|list }}', '{{ items|select|list }}',
    '{{ [0, 1, "", "a"]|select|list }}', '{{ users|selectattr("active")|map(attribute="name")|list }}',
    '{{ users|rejectattr("active")|map(attribute="name")|list }}', '{{ users|selectattr("age", "gt", 30)|map(attribute="name")|join(",") }}',
    '{{ users|selectattr("team", "equalto", "red")|list|length }}', '{{ items|reverse|list }}', '{{ "abc"|reverse }}',
    '{{ 2.5|round }}', '{{ 3.5|round }}', '{{ 2.675|round(2) }}', '{{ 3.14159|round(2) }}', '{{ 3.1|round(method="ceil") }}',
    '{{ 3.9|round(method="floor") }}', '{{ 3|round }}', '{{ 1234.5678|round(-2) }}', '{{ items|slice(2)|list }}', '{{ range(7)|slice(3)|list }}',
    '{{ range(5)|slice(3, "x")|list }}', '{{ items|sort }}', '{{ items|sort(reverse=true) }}', '{{ strs|sort }}', '{{ strs|sort(case_sensitive=true) }}',
    '{{ users|sort(attribute="age")|map(attribute="name")|list }}', '{{ users|sort(attribute="team,name")|map(attribute="name")|list }}',
    '{{ 1|string ~ 2 }}', '{{ [1]|string }}', '{{ items|sum }}', '{{ users|sum(attribute="age") }}', '{{ [1.5, 2]|sum }}', '{{ items|sum(start=10) }}',
    '{{ words|title }}', '{{ {"b": 1, "a": [1, 2, None, true]}|tojson }}', '{{ "<&\'>"|tojson }}', '{{ {"a": 1}|tojson(indent=2) }}',
    '{{ [1.0, 2.5]|tojson }}', '{{ "  x  "|trim }}|', '{{ "xxhixx"|trim("x") }}', '{{ words|truncate(9) }}', '{{ words|truncate(9, true) }}',
    '{{ words|truncate(12, false, "!!") }}', '{{ words|truncate(100) }}', '{{ "a b c d e f g h i j k l m n o"|truncate(10) }}',
    '{{ [1, 2, 1, 3]|unique|list }}', '{{ ["a", "A", "b"]|unique|list }}', '{{ ["a", "A", "b"]|unique(true)|list }}', '{{ "abc"|upper }}',
    '{{ words|wordcount }}', '{{ "<a>&"|e }}', '{{ "<a>&"|escape }}', '{{ "<b>bold</b> text"|striptags }}', '{{ "a b&c"|urlencode }}',
    '{{ {"a": "x y", "b": 1}|urlencode }}', '{{ 1500|filesizeformat }}', '{{ 1048576|filesizeformat(true) }}', '{{ "x"|safe }}',
    '{{ users|groupby("team")|list|length }}', '{% for g in users|groupby("team") %}{{ g.grouper }}:{{ g.list|map(attribute="name")|join(",") }};{% endfor %}',
    '{% for team, us in users|groupby("team") %}{{ team }}={{ us|length }};{% endfor %}', '{{ d|pprint }}', '{{ 42|pprint }}',
    '{{ "%s"|format(none) }}', '{{ items|map("abs")|list }}', '{{ [-1, 2]|map("abs")|sum }}', '{{ users|map(attribute="name")|map("upper")|join }}',
    '{{ ["x", "y"]|map("replace", "x", "z")|list }}', '{{ items|select("greaterthan", 1)|list }}', '{{ items|select("in", [1, 3])|list }}',
    '{{ ["a", none, "b"]|reject("none")|list }}', '{{ missing|list }}', '{{ missing|length }}', '{{ missing|upper }}|',
    '{{ "a-b"|replace("-", "_")|upper }}', '{{ (items|sort)[0] }}', '{{ -items|length }}', '{{ nested|map("sum")|list }}', '{{ nested|map("first")|list }}',
    '{{ "x" ~ items|join(",") }}', '{{ items|batch(5)|list }}', '{{ {"a": 1}|items|list }}', '{{ "%.1f%%"|format(12.345) }}',
    '{{ 3.0|int }}', '{{ true|int }}', '{{ "12"|int + 1 }}', '{{ 0.5|string }}', '{{ none|string }}', '{{ true|string }}',
])

# ---------------------------------------------------------------- tests
many('tests', [
    '{{ name is defined }}', '{{ missing is undefined }}', '{{ nothing is none }}', '{{ 1 is none }}', '{{ name is string }}', '{{ 1 is string }}',
    '{{ 1 is number }}', '{{ 1.5 is number }}', '{{ "1" is number }}', '{{ 1 is integer }}', '{{ 1.0 is integer }}', '{{ 1.0 is float }}',
    '{{ 1 is float }}', '{{ d is mapping }}', '{{ items is mapping }}', '{{ items is iterable }}', '{{ "x" is iterable }}', '{{ 1 is iterable }}',
    '{{ items is sequence }}', '{{ d is sequence }}', '{{ 1 is sequence }}', '{{ range is callable }}', '{{ 1 is callable }}',
    '{{ nothing is sameas none }}', '{{ true is sameas true }}', '{{ 2 is in [1, 2] }}', '{{ 9 is divisibleby 3 }}', '{{ 10 is divisibleby(3) }}',
    '{{ 2 is even }}', '{{ 3 is odd }}', '{{ -3 is odd }}', '{{ 1 is eq 1 }}', '{{ 1 is ne 1 }}', '{{ 1 is lt 2 }}', '{{ 2 is le 2 }}', '{{ 3 is gt 2 }}',
    '{{ 2 is ge 3 }}', '{{ 1 is equalto 1 }}', '{{ 5 is greaterthan 2 }}', '{{ 5 is lessthan 2 }}', '{{ true is true }}', '{{ 1 is true }}',
    '{{ false is false }}', '{{ "abc" is lower }}', '{{ "aBc" is lower }}', '{{ "ABC" is upper }}', '{{ name is not none }}', '{{ 1 is not string }}',
    '{{ true is boolean }}', '{{ 1 is boolean }}', '{{ "upper" is filter }}', '{{ "nope" is filter }}', '{{ "odd" is test }}', '{{ missing is not defined }}',
    '{% if items is sequence and items|length > 2 %}long{% endif %}', '{{ users[0] is mapping }}', '{{ none is defined }}', '{{ true is number }}',
])

# ---------------------------------------------------------------- if / for / loop
many('control', [
    '{% if n > 5 %}big{% endif %}', '{% if n > 10 %}big{% else %}small{% endif %}', '{% if n < 0 %}neg{% elif n == 7 %}seven{% else %}other{% endif %}',
    '{% if missing %}yes{% else %}no{% endif %}', '{% if [] %}yes{% else %}no{% endif %}', '{% if {} %}y{% else %}n{% endif %}',
    '{% for x in items %}{{ x }}{% endfor %}', '{% for x in [] %}{{ x }}{% else %}empty{% endfor %}', '{% for x in missing %}{{ x }}{% else %}none{% endfor %}',
    '{% for c in "abc" %}{{ c }}.{% endfor %}', '{% for a, b in nested %}{{ a }}+{{ b }};{% endfor %}', '{% for (a, b) in nested %}{{ a * b }}{% endfor %}',
    '{% for x in items if x > 1 %}{{ x }}{{ loop.index }}{% endfor %}', '{% for x in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }} {% endfor %}',
    '{% for x in items %}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}', '{% for x in items %}{{ loop.cycle("odd", "even") }} {% endfor %}',
    '{% for x in items %}{{ loop.previtem }}/{{ loop.nextitem }} {% endfor %}', '{% for x in items %}{% for y in "ab" %}{{ loop.depth }}{{ x }}{{ y }}{% endfor %}{% endfor %}',
    '{% for x in items %}{% if x == 1 %}{% break %}{% endif %}{{ x }}{% endfor %}', '{% for x in items %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}',
    '{% for x in range(10) %}{% if x is odd %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}',
    '{% for n in tree recursive %}{{ n.name }}{% if n.children %}({{ loop(n.children) }}){% endif %}{% endfor %}',
    '{% for n in tree recursive %}{{ loop.depth }}{{ n.name }} {{ loop(n.children) }}{% endfor %}',
    '{% for x in items %}{% set y = x * 2 %}{{ y }}{% endfor %}[{{ y }}]', '{% set x = 1 %}{% for i in items %}{% set x = i %}{% endfor %}{{ x }}',
    '{% for x in range(3) %}{{ x }}{% endfor %}', '{% for x in range(1, 10, 3) %}{{ x }}{% endfor %}', '{% for x in range(5, 0, -2) %}{{ x }}{% endfor %}',
    '{% for k, v in d|dictsort %}{{ k }}{{ v }}{% endfor %}', '{% for u in users %}{{ u.name }}{{ "," if not loop.last }}{% endfor %}',
    '{% for x in items %}{{ loop.changed(x > 1) }}{% endfor %}', '{% for i in range(2) %}{% for j in range(2) %}{{ i }}{{ j }} {% endfor %}{% endfor %}',
    '{% for i in range(3) %}{% set outer = loop %}{% for j in range(1) %}{{ outer.index }}{% endfor %}{% endfor %}', '{{ range(3)|list }}',
    '{% for x in items %}{% if loop.first %}[{% endif %}{{ x }}{% if loop.last %}]{% endif %}{% endfor %}', '{% if 1 %}{% if 0 %}a{% else %}b{% endif %}{% endif %}',
    '{% for c in cols %}{{ c }}{% if not loop.last %},\n{% endif %}{% endfor %}', '{% for x, y in [(1, "a"), (2, "b")] %}{{ x }}{{ y }}{% endfor %}',
    '{% for x in items %}{% else %}never{% endfor %}', '{% for i in range(3) %}{% if i == 1 %}{% break %}{% endif %}{% else %}E{% endfor %}',
])

# ---------------------------------------------------------------- set / with / namespace / do
many('assign', [
    '{% set x = 5 %}{{ x }}', '{% set a, b = 1, 2 %}{{ a }}{{ b }}', '{% set a, b = [3, 4] %}{{ b }}{{ a }}', '{% set x %}block {{ n }}{% endset %}[{{ x }}]',
    '{% set x | upper %}shout{% endset %}{{ x }}', '{% set x | trim | upper %}  spaced  {% endset %}[{{ x }}]', '{% set ns = namespace(total=0) %}{% for u in users %}{% set ns.total = ns.total + u.age %}{% endfor %}{{ ns.total }}',
    '{% set ns = namespace() %}{% set ns.x = "v" %}{{ ns.x }}', '{% set ns = namespace(a=1, b=2) %}{{ ns.a + ns.b }}', '{% with x = 1, y = 2 %}{{ x + y }}{% endwith %}[{{ x }}]',
    '{% with %}{% set inner = 1 %}{{ inner }}{% endwith %}{{ inner }}', '{% do items.append(9) %}{{ items }}', '{% set x = [1, 2] %}{% set y = x %}{% do y.append(3) %}{{ x }}',
    '{% set x = d.a if d.a > 0 else 0 %}{{ x }}', '{% if true %}{% set leak = 1 %}{% endif %}{{ leak }}', '{% set x = 1 %}{% set x = x + 1 %}{{ x }}',
    '{% set t = (1, 2, 3) %}{{ t[0] }}{{ t|length }}', '{% set s2 = "abc" %}{% set s2 = s2 ~ "d" %}{{ s2 }}', '{% set x = none %}{{ x is none }}',
    '{% set d2 = dict(a=1, b=2) %}{{ d2 }}', '{% set d2 = dict(d, z=26) %}{{ d2|length }}', '{% set c = cycler("a", "b") %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}',
    '{% set j = joiner(" | ") %}{% for x in items %}{{ j() }}{{ x }}{% endfor %}', '{% set j = joiner() %}{{ j() }}{{ j() }}{{ j() }}',
    '{% set x = [1, 2, 3] %}{{ x|sum }}{{ x[1:]|sum }}', '{% set x = {"k": {"n": 1}} %}{{ x.k.n }}{{ x["k"]["n"] }}',
])

# ---------------------------------------------------------------- macros, call, caller
many('macros', [
    '{% macro m() %}hi{% endmacro %}{{ m() }}', '{% macro m(a, b="B") %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(b=3, a=4) }}',
    '{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m() }}', '{% macro m() %}{{ varargs }}{% endmacro %}{{ m(1, 2) }}', '{% macro m(a) %}{{ a }}{{ varargs }}{% endmacro %}{{ m(1, 2, 3) }}',
    '{% macro m() %}{{ kwargs }}{% endmacro %}{{ m(x=1, y="z") }}', '{% macro m(a) %}{{ a }}{{ kwargs|dictsort }}{% endmacro %}{{ m(1, b=2) }}',
    '{% macro m(a, b=a ~ "!") %}{{ b }}{% endmacro %}{{ m("x") }}', '{% macro m(x) %}{{ x * 2 }}{% endmacro %}{% for i in items %}{{ m(i) }}{% endfor %}',
    '{% macro outer() %}<{{ caller() }}>{% endmacro %}{% call outer() %}inside{% endcall %}', '{% macro list(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) list([1, 2]) %}({{ x }}){% endcall %}',
    '{% macro m() %}{{ caller.__name__ }}{% endmacro %}{% call m() %}{% endcall %}', '{% macro a() %}A{{ b() }}{% endmacro %}{% macro b() %}B{% endmacro %}{{ a() }}',
    '{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1)|int }}{% endif %}{% endmacro %}{{ fact(5) }}', '{% macro m() %}{{ name }}{% endmacro %}{{ m() }}',
    '{% set g = "G" %}{% macro m() %}{{ g }}{% endmacro %}{{ m() }}', '{% macro m() %}{% set inner = 1 %}{{ inner }}{% endmacro %}{{ m() }}{{ inner }}',
    '{% macro m(a) %}{{ a }}{% endmacro %}{{ m.name }}', '{% macro m(a, b) %}{% endmacro %}{{ m.arguments }}', '{% macro m() %}x{% endmacro %}{{ m }}',
    '{% macro m() %}  spaced  {% endmacro %}[{{ m() }}]', '{% macro m() %}{{ caller() }}{{ caller() }}{% endmacro %}{% call m() %}c{% endcall %}',
    '{% macro m(x) %}{{ x }}{% endmacro %}{{ m(*[1]) }}', '{% macro m(a, b) %}{{ a }}{{ b }}{% endmacro %}{{ m(**{"a": 1, "b": 2}) }}',
    '{% macro m() %}{{ kwargs.x }}{% endmacro %}{{ m(**d, x=9) }}', '{% macro m(x) %}{{ x|upper }}{% endmacro %}{{ m("a") ~ m("b") }}',
    '{% macro m(a=1, b=2) %}{{ a }}{{ b }}{% endmacro %}{{ m(b=5) }}', '{% macro m() %}{% for x in varargs %}{{ x }}{% endfor %}{% endmacro %}{{ m("a", "b") }}',
    '{% macro t(v) %}{{ v }}{% endmacro %}{{ items|map("string")|join(t(",")) }}', '{% macro m() %}{{ caller(1, 2) }}{% endmacro %}{% call(a, b) m() %}{{ a + b }}{% endcall %}',
    '{% macro m() %}{% for x in [1, 2] %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(v) m() %}{% if v > 1 %}big{% else %}small{% endif %}{% endcall %}',
])

# ---------------------------------------------------------------- filter blocks, raw, comments, misc statements
many('blocks', [
    '{% filter upper %}hello {{ name }}{% endfilter %}', '{% filter replace("a", "b")|upper %}banana{% endfilter %}', '{% raw %}{{ not rendered }}{% endraw %}',
    '{% raw %}{% if %}{% endraw %}', 'a{# comment #}b', 'a{# multi\nline #}b', '{# {{ x }} #}ok', '{% autoescape false %}<{{ "<b>" }}>{% endautoescape %}',
    '{% do [1, 2] %}done', '{{ "{{" }}', '{{ "}}" }}', '{{ "{%" }}x{{ "%}" }}', 'plain text only', '', '{% if true %}{% endif %}', 'a {{ "" }} b',
    'line1\nline2\n', 'line1\n\n', '{{ name }}\n', '{% block b %}blk{% endblock %}', '{% block b %}{{ name }}{% endblock b %}',
])

# ---------------------------------------------------------------- whitespace
WS = [
    '{% if true %}\n  yes\n{% endif %}\n', '  {% if true %}\n  x\n  {% endif %}\nafter', '<{%- if true %} x {% endif -%}>', 'a  {{- name -}}  b',
    'a\n  {%- if true -%}\n  b\n  {%- endif -%}\n  c', '{% for x in items %}\n  {{ x }}\n{% endfor %}', '{% for x in items -%}\n  {{ x }}\n{%- endfor %}',
    'x {#- c -#} y', '{% raw -%}  r  {%- endraw %}', '  {%+ if true %}x{% endif %}', 'a\n{% set x = 1 %}\nb', 'a\n    {% set x = 1 %}\nb',
    '<ul>\n{% for u in users %}\n  <li>{{ u.name }}</li>\n{% endfor %}\n</ul>', '{% macro m() %}\n  body\n{% endmacro %}\n{{ m() }}',
    'select\n  {% for c in cols %}\n  {{ c }}{% if not loop.last %},{% endif %}\n  {% endfor %}\nfrom t', '{{ 1 }}\n{{ 2 }}\n\n', 'a\r\nb\r\n', '\n\n',
    '{% if true %}  \n{% endif %}', '{%- if true %}\n\n{% endif -%}\n', '{% if true +%}\nkeep\n{% endif %}', '  {# c #}\nx',
]
for opts in ({}, {'trim_blocks': True}, {'lstrip_blocks': True}, {'trim_blocks': True, 'lstrip_blocks': True}, {'keep_trailing_newline': True}):
    many('whitespace', WS, options=opts)

# ---------------------------------------------------------------- include / import
for t in [
    '{% include "header.sql" %}', '{% include "header.sql" without context %}', '{% include "nope.sql" ignore missing %}ok',
    '{% include ["nope.sql", "header.sql"] %}', '{% for x in items %}{% include "loop_item.sql" %}{% endfor %}', '{% include "with_vars.sql" %}[{{ local_v }}]',
    '{% import "macros.sql" as m %}{{ m.cents("amount") }}', '{% import "macros.sql" as m %}{{ m.cents("amount", scale=4) }}', '{% import "macros.sql" as m %}{{ m.answer }}',
    '{% from "macros.sql" import cents %}{{ cents("x") }}', '{% from "macros.sql" import cents as c, answer %}{{ c("y", 0) }}{{ answer }}',
    '{% from "macros.sql" import wrap %}{% call(v) wrap(5) %}v={{ v }}{% endcall %}', '{% import "macros.sql" as m %}{{ m.uses_ctx() }}|',
    '{% import "macros.sql" as m with context %}{{ m.uses_ctx() }}', '{% from "macros.sql" import uses_ctx with context %}{{ uses_ctx() }}',
    '{% import "macros.sql" as m %}{{ m.nothing_here }}|', '{% from "macros.sql" import nothing_here %}{{ nothing_here is defined }}',
]:
    add(t, templates=LIB, group='include')

# ---------------------------------------------------------------- dbt-style snippets
many('dbt-style', [
    "select\n{% for c in cols %}    {{ c }}{{ ',' if not loop.last }}\n{% endfor %}from {{ 'raw' ~ '.' ~ 'orders' }}",
    "{% set payment_methods = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] %}\nselect\n    order_id,\n    {% for payment_method in payment_methods -%}\n    sum(case when payment_method = '{{ payment_method }}' then amount else 0 end) as {{ payment_method }}_amount{% if not loop.last %},{% endif %}\n    {% endfor -%}\nfrom payments\ngroup by 1",
    "{%- set cols_csv = cols | join(', ') -%}\nselect {{ cols_csv }} from t where {{ cols[0] }} is not null",
    "{% macro star(cols, alias=none) -%}\n{%- for c in cols %}{{ alias ~ '.' if alias }}{{ c }}{{ ', ' if not loop.last }}{% endfor -%}\n{%- endmacro %}select {{ star(cols, 'o') }}, {{ star(['x']) }}",
    "{% set ns = namespace(first=true) %}{% for u in users %}{% if u.active %}{% if not ns.first %} or {% endif %}name = '{{ u.name }}'{% set ns.first = false %}{% endif %}{% endfor %}",
    "{% set cfg = {'materialized': 'table', 'tags': ['a', 'b']} %}{{ cfg.materialized }} {{ cfg.tags | join(',') }} {{ cfg.get('schema', 'public') }}",
    "{%- macro safe_divide(n, d) -%}\n    case when {{ d }} = 0 then null else {{ n }} / {{ d }} end\n{%- endmacro -%}\nselect {{ safe_divide('a', 'b') }} as ratio",
    "{% for u in users | sort(attribute='age') | reverse %}{{ u.name }}:{{ '%03d' | format(u.age) }} {% endfor %}",
    "{{ 'select * from ' ~ cols | map('upper') | join('_') }}",
    "{%- set parts = 'db.schema.table'.split('.') -%}\n{{ parts[0] }}/{{ parts[1] }}/{{ parts[-1] }}",
    "{% if n is divisibleby 7 and name.startswith('W') %}ok{% endif %}",
    "{%- set x = [] -%}{%- for c in cols if c != 'id' -%}{%- do x.append('max(' ~ c ~ ')') -%}{%- endfor -%}{{ x | join(', ') }}",
    "{{ {'a': 1, 'b': 2} | tojson }}", "{{ users | selectattr('age', 'ge', 30) | map(attribute='name') | join(', ') }}",
    "{% set q %}\n  select 1\n{% endset %}{{ q | trim }}", "{{ \"'\" ~ cols | join(\"', '\") ~ \"'\" }}",
])

# ---------------------------------------------------------------- edge cases
# Known differences kept out of the corpus: range() is a list (prints [0, 1], not range(0, 2));
# ints beyond 2**53 lose precision (JS numbers); dict views print as lists when sliced.
many('edge', [
    '{{ "héllo"|upper }}', '{{ "naïve café"|title }}', '{{ "ß"|length }}', '{{ {1: "a", 2: "b"} }}', '{{ {1: "a"}[1] }}', '{{ {"a": 1}["a"] }}',
    '{{ {(1, 2): "t"} }}', '{{ {"x": {"y": [1, {"z": "deep"}]}}.x.y[1].z }}', '{{ [3, 1, 2]|sort|first }}', '{{ "b" > "a" }}', '{{ "B" < "a" }}',
    '{{ "abc"[::-2] }}', '{{ [1, 2, 3, 4, 5][-2:] }}', '{{ [1, 2, 3, 4, 5][4:1:-1] }}', '{{ "x" * 0 }}|', '{{ [] * 3 }}',
    '{{ [{"a": {"b": 2}}, {"a": {"b": 1}}]|sort(attribute="a.b")|map(attribute="a.b")|list }}', '{{ users|selectattr("age", "defined")|list|length }}',
    '{{ users|map(attribute="name")|select("ne", "bob")|list }}', '{{ [1.5, 2.25]|sum }}', '{{ [0.1, 0.2]|sum }}', '{{ 0.5|round }}', '{{ 1.5|round }}',
    '{{ -2.5|round }}', '{{ 2.345|round(2) }}', '{{ 7|round(1) }}', '{{ " 42 "|int }}', '{{ "4_2"|int }}', '{{ 5|float }}', '{{ "1e3"|float }}', '{{ "-0.5"|float }}',
    '{{ "{:>8.3f}|{:<6d}|{:^7s}|".format(3.14159, 42, "mid") }}', '{{ "{:08.2f}".format(-3.5) }}', '{{ "{:e}".format(12345.6789) }}', '{{ "{:g}".format(0.00001234) }}',
    '{{ "{:%}".format(0.5) }}', '{{ "{:b}".format(10) }}', '{{ "{:#x}".format(255) }}', '{{ "{0}{1}".format(*["a", "b"]) }}', '{{ "{a}".format(**{"a": 5}) }}',
    '{{ "%(a)05d|%(b)-4s|" % {"a": 7, "b": "x"} }}', '{{ "%c%c" % (72, "i") }}', '{{ "%.3s" % "abcdef" }}', '{{ "%5.1f%%" % 99.44 }}', '{{ "%s" % (1, 2)|string }}',
    '{% macro row(cells) %}<tr>{% for c in cells %}{{ caller(c) }}{% endfor %}</tr>{% endmacro %}{% call(c) row(["a", "b"]) %}<td>{{ c|upper }}</td>{% endcall %}',
    '{% macro m(x) %}{% if x > 0 %}{{ x }}{{ m(x - 1) }}{% endif %}{% endmacro %}{{ m(3) }}',
    '{% set ns = namespace(items=[]) %}{% for a in range(2) %}{% for b in range(2) %}{% do ns.items.append((a, b)) %}{% endfor %}{% endfor %}{{ ns.items }}',
    '{% set ns = namespace(found=false) %}{% for u in users %}{% if u.name == "bob" %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}',
    '{% for row in nested %}{% for v in row %}{{ loop.cycle("a", "b") }}{{ v }}{% endfor %};{% endfor %}', '{% for x in items|sort %}{{ x }}{% endfor %}',
    '{% with a = 1 %}{% with b = a + 1 %}{{ a }}{{ b }}{% endwith %}{% endwith %}', '{% filter indent(2, true) %}a\nb{% endfilter %}',
    '{% filter truncate(8) %}{{ words }}{% endfilter %}', '{% set x = "a" %}{% if x in ["a", "b"] %}in{% endif %}', '{{ "a" in {"a": 1}.keys() }}',
    '{{ 1 in [1.0] }}', '{{ none in [none] }}', '{{ "" in "abc" }}', '{% if not missing and not nothing %}both falsy{% endif %}', '{{ missing or "fallback" }}',
    '{{ nothing if nothing is not none else "was none" }}', '{{ (n > 5) and "big" or "small" }}', '{{ [1, 2] if true }}', '{{ n if n is odd }}',
    '{{ 10 // 3 }}{{ 10 % 3 }}{{ -10 // 3 }}{{ 10.0 // 3 }}', '{{ 2 ** 0.5 }}', '{{ 1 / 3 * 3 }}', '{{ 1e3|int }}', '{{ (0.1 * 3)|round(10) }}',
    '{{ 1.0 == 1 }}{{ 1.0 is sameas 1 }}', '{{ items is not none and items|length }}', '{{ [1, [2, [3]]]|tojson }}', '{{ "é"|tojson }}',
    '{{ {"z": 1, "a": {"c": 1, "b": 2}}|tojson }}', '{{ nothing|tojson }}', '{{ ""|tojson }}', '{{ true|tojson }}', '{{ 1.5|tojson }}',
    '{{ d.items()|map("first")|list }}', '{{ d|dictsort|map("last")|list }}', '{{ users|groupby("active")|map("first")|list }}',
    '{{ users|map(attribute="team")|unique|list }}', '{{ users|rejectattr("team", "eq", "red")|map(attribute="name")|first }}',
    '{{ items|min }}{{ items|max }}{{ []|max }}|', '{{ strs|map("lower")|sort|join }}', '{{ cols|map("length")|list }}', '{{ cols|select("string")|list|length }}',
    '{{ "%-10s|" % "left" }}{{ "%10s|" % "right" }}', '{{ "a,b,,c".split(",") }}', '{{ "  lead".split(" ") }}', '{{ "x".join(["1", "2", "3"]) }}',
    '{{ "CamelCaseString".lower() }}', '{{ "snake_case_here".split("_")|map("capitalize")|join }}', '{{ "abc".startswith("") }}', '{{ "aaa".count("aa") }}',
    '{{ "%s" % "%s" }}', '{{ "{}".format("{}") }}', '{{ "tab\tsep".split("\t") }}', '{{ "line\nbreak"|wordcount }}', '{{ "a-b_c d"|wordcount }}',
    '{{ loop is defined }}', '{% for i in range(2) %}{{ loop.length }}{{ loop.revindex }}{% endfor %}', '{% for x in items %}{{ loop.index0 * 10 + x }} {% endfor %}',
    '{% for k, v in {"b": 1, "a": 2}.items()|sort %}{{ k }}{{ v }}{% endfor %}', '{% for a, (b, c) in [(1, (2, 3))] %}{{ a }}{{ b }}{{ c }}{% endfor %}',
    '{% for x in [none, 0, false, ""] %}{{ x is none }}{% endfor %}', '{% for x in range(3) if x != 1 %}{{ loop.last }}{% endfor %}',
    '{% set a = 1 %}{% macro m() %}{% set a = 2 %}{{ a }}{% endmacro %}{{ m() }}{{ a }}', '{% set l = [1] %}{% macro m() %}{% do l.append(2) %}{% endmacro %}{{ m() }}{{ l }}',
    '{% macro m(a, b) %}{{ a }}|{{ b }}{% endmacro %}{{ m(b=1) }}', '{% macro m(items=[]) %}{{ items|length }}{% endmacro %}{{ m() }}{{ m([1]) }}',
    '{% macro m() %}{{ varargs|length }}-{{ kwargs|length }}{% endmacro %}{{ m(1, 2, a=3) }}', '{% macro m(x) -%}\n  {{ x }}\n{%- endmacro %}[{{ m(1) }}]',
    '{% set x %}{% for i in range(3) %}{{ i }}{% endfor %}{% endset %}{{ x|list }}', '{% set a = b = 1 %}', '{{ [1, 2, 3]|join(", ") ~ "." }}',
])

# ---------------------------------------------------------------- dbt-package-like macros (pure Jinja parts)
DBT_MACROS = [
    # pivot, as in dbt_utils
    """{% macro pivot(column, values, alias=True, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=True, distinct=False) %}
  {% for value in values %}
    {{ agg }}(
      {% if distinct %} distinct {% endif %}
      case
      when {{ column }} {{ cmp }} '{{ value | replace("'", "''") }}'
        then {{ then_value }}
      else {{ else_value }}
      end
    )
    {% if alias %}
      {% if quote_identifiers %}
            as "{{ prefix ~ value ~ suffix }}"
      {% else %}
        as {{ prefix ~ value ~ suffix }}
      {% endif %}
    {% endif %}
    {% if not loop.last %},{% endif %}
  {% endfor %}
{% endmacro %}
select size, {{ pivot('size', ['S', "M'L"], prefix='n_', quote_identifiers=false) }} from t group by size""",
    # generate_series, as in dbt_utils
    """{% macro get_powers_of_two(upper_bound) %}
    {% if upper_bound <= 0 %}
    {{ return_value_error }}
    {% endif %}
    {% for _ in range(1, 100) %}
       {% if upper_bound <= 2 ** loop.index %}{{ loop.index }}{% break %}{% endif %}
    {% endfor %}
{% endmacro %}
{% macro generate_series(upper_bound) %}
    {% set n = get_powers_of_two(upper_bound) | trim | int %}
    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (
    select
    {% for i in range(n) %}
    p{{i}}.generated_number * power(2, {{i}})
    {% if not loop.last %} + {% endif %}
    {% endfor %}
    + 1
    as generated_number
    from
    {% for i in range(n) %}
    p as p{{i}}
    {% if not loop.last %} cross join {% endif %}
    {% endfor %}
    )
    select * from unioned where generated_number <= {{upper_bound}} order by generated_number
{% endmacro %}
{{ generate_series(10) }}""",
    # star with except, as in dbt_utils
    """{%- macro star(cols, relation_alias=False, except=[], prefix='', suffix='', quote_identifiers=True) -%}
    {%- set include_cols = [] %}
    {%- set except = except | map("lower") | list %}
    {%- for col in cols -%}
        {%- if col|lower not in except -%}
            {% do include_cols.append(col) %}
        {%- endif %}
    {%- endfor %}
    {%- for col in include_cols %}
        {%- if relation_alias %}{{ relation_alias }}.{% else %}{%- endif -%}
            {%- if quote_identifiers -%}
                "{{ col }}"
            {%- else -%}
                {{ col }}
            {%- endif %}
            {%- if prefix!='' or suffix!='' %} as "{{ prefix ~ col ~ suffix }}" {%- endif -%}
        {%- if not loop.last %},{{ '\n  ' }}{%- endif -%}
    {%- endfor -%}
{%- endmacro -%}
select
  {{ star(cols, relation_alias='o', except=['AMOUNT']) }},
  {{ star(['x', 'y'], quote_identifiers=false, suffix='_2') }}
from orders o""",
    # surrogate key field list
    """{%- macro surrogate_key(field_list) -%}
{%- set fields = [] -%}
{%- for field in field_list -%}
    {%- do fields.append(
        "coalesce(cast(" ~ field ~ " as varchar), '_dbt_utils_surrogate_key_null_')"
    ) -%}
    {%- if not loop.last %}
        {%- do fields.append("'-'") -%}
    {%- endif -%}
{%- endfor -%}
md5(concat({{ fields|join(', ') }}))
{%- endmacro -%}
{{ surrogate_key(['order_id', 'customer_id']) }}""",
    # config dict handling and incremental predicate building
    """{%- set config = {'unique_key': ['id', 'day'], 'incremental_predicates': none, 'partition_by': {'field': 'day', 'data_type': 'date'}} -%}
{%- set unique_key = config.get('unique_key') -%}
{%- if unique_key is string -%}{%- set unique_key = [unique_key] -%}{%- endif -%}
{%- set predicates = [] if config.get('incremental_predicates') is none else config.get('incremental_predicates') -%}
{%- for key in unique_key -%}
  {%- do predicates.append('DBT_INTERNAL_SOURCE.' ~ key ~ ' = DBT_INTERNAL_DEST.' ~ key) -%}
{%- endfor %}
merge into t as DBT_INTERNAL_DEST using s as DBT_INTERNAL_SOURCE
on ({{ predicates | join(') and (') }})
{% if config.partition_by is mapping %}-- partitioned by {{ config.partition_by.field }} ({{ config.partition_by['data_type'] | upper }}){% endif %}""",
    # date spine style arithmetic and string building
    """{% set datepart = 'day' %}{% set start, end = '2024-01-01', '2024-01-31' %}
{%- set parts = start.split('-') | map('int') | list -%}
select {{ parts }} as p, {{ (parts[0] * 12 + parts[1]) % 7 }} as m,
  {{ "dateadd(%s, %d, cast('%s' as date))" % (datepart, 30, start) }} as d,
  {{ '{:%}'.format(0.25) }} as pct""",
    # recursion through caller and namespace state
    """{% macro render_list(items, sep=', ') -%}
{%- set ns = namespace(out=[]) -%}
{%- for i in items -%}{%- do ns.out.append(caller(i) | trim) -%}{%- endfor -%}
{{ ns.out | join(sep) }}
{%- endmacro %}
{% call(c) render_list(cols) %}
   sum({{ c }}) as {{ c }}_total
{% endcall %}""",
    # whitespace-heavy model
    """{{ '{{' }} config(materialized='view') {{ '}}' }}

{%- set metrics = {
    'revenue': 'sum(amount)',
    'orders': 'count(*)',
    'aov': 'sum(amount) / nullif(count(*), 0)',
} %}

select
    date_trunc('month', created_at) as month,
    {%- for name, expr in metrics.items() %}
    {{ expr }} as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ 'orders' }}
group by 1
""",
]
for t in DBT_MACROS:
    for opts in ({}, {'trim_blocks': True, 'lstrip_blocks': True}):
        add(t, options=opts, group='dbt-macros')

# ---------------------------------------------------------------- less common filters
many('more-filters', [
    '{{ "the quick brown fox jumps over the lazy dog"|wordwrap(10) }}', '{{ "a verylongwordhere b"|wordwrap(6) }}', '{{ "one two three"|wordwrap(7, wrapstring="|") }}',
    '{{ "a verylongwordhere b"|wordwrap(6, false) }}', '{{ {"class": "x", "id": 1, "skip": none}|xmlattr }}', '{{ {"a": "<q>"}|xmlattr(false) }}',
    '{{ 0|filesizeformat }}', '{{ 1|filesizeformat }}', '{{ 999|filesizeformat }}', '{{ 123456789|filesizeformat }}', '{{ 5000000000|filesizeformat(true) }}',
    '{{ "<p>a</p>\n<p>b  c</p>"|striptags }}', '{{ "a &amp; b"|striptags }}', '{{ "x/y?z=1&w"|urlencode }}', '{{ [("a", 1), ("b", 2)]|urlencode }}',
    '{{ "they\'re bill\'s"|title }}', '{{ "hello-world foo_bar"|title }}', '{{ "ABC def"|capitalize }}', '{{ "x"|center(4) }}|', '{{ "xy"|center(5) }}|',
    '{{ [1, 2, 3, 4, 5]|batch(2, "-")|list }}', '{{ "abc"|batch(2)|list }}', '{{ [1, 2, 3]|slice(4)|list }}', '{{ "%s=%s"|format("k", "v") }}',
    '{{ [3, 1, 2]|sort(reverse=true)|first }}', '{{ ["b", "A", "c"]|sort|join }}', '{{ users|map(attribute="age")|max }}', '{{ [["b", 1], ["a", 2]]|sort|first }}',
    '{{ {"b": 2, "a": 1}|dictsort|first }}', '{{ ["x", "y"]|join(attribute=0) }}', '{{ "  a  b  "|trim|replace("  ", " ") }}', '{{ 12.0|int }}{{ -3.7|int }}',
    '{{ "abc"|truncate(3) }}', '{{ "abcdefghij klmno"|truncate(8, leeway=0) }}', '{{ "abcdef"|truncate(5, true, "") }}', '{{ "a b"|wordcount }}',
    '{{ range(3)|map("string")|map("int")|sum }}', '{{ [1, "a", none]|map("string")|join("/") }}', '{{ [none, 1]|select("none")|list }}',
    '{{ [1, 2, 3]|select("divisibleby", 2)|list }}', '{{ ["a", 1, [], {}]|select("string")|list }}', '{{ users|map(attribute="name")|reject("in", ["ann"])|list }}',
    '{{ [{"a": 1}, {"b": 2}]|selectattr("a")|list }}', '{{ [{"a": 1}, {"a": 0}]|rejectattr("a")|list }}', '{{ [1, 2]|reverse|join }}',
])

# ---------------------------------------------------------------- runtime errors (Jinja2 raises)
many('runtime-errors', [
    '{{ missing.attr }}', '{{ missing() }}', '{{ 1 + "a" }}', '{{ "a" < 1 }}', '{{ 1 / 0 }}', '{{ 1 // 0 }}', '{{ missing + 1 }}',
    '{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}', '{% macro m() %}{% endmacro %}{{ m(x=1) }}', '{{ [].x() }}', '{{ 1() }}',
    '{% for x in 5 %}{% endfor %}', '{% set a, b = [1] %}', '{% set ns = 1 %}{% set ns.x = 2 %}', '{{ "%d" % "x" }}', '{{ [1, 2].pop(5) }}',
    '{{ "a".index("z") }}', '{{ [1].remove(9) }}', '{{ {}.pop("k") }}', '{{ "%s %s" % ("a",) }}', '{{ "{}".format() }}',
    '{{ "abc"|sum }}', '{{ none|abs }}', '{{ -"a" }}', '{{ "x" in 1 }}', '{{ ["a", 1]|join }}xx', '{{ d.items().x() }}',
])

# ---------------------------------------------------------------- more per-filter/test coverage with context values
for v in ['n', 'f', 'neg', 'zero', 'empty', 's', 'items', 'strs', 'd', 'nothing', 'flag', 'missing']:
    add('{{ ' + v + ' }}|{{ ' + v + '|string }}|{{ ' + v + '|length if ' + v + ' is sequence else "-" }}|{{ ' + v + ' is defined }}|{{ ' + v + '|default("D") }}', group='values')
    add('{{ ' + v + '|tojson }}', group='values')
    add('{% if ' + v + ' %}T{% else %}F{% endif %}|{{ ' + v + ' is none }}|{{ ' + v + ' is string }}|{{ ' + v + ' is number }}|{{ ' + v + ' is mapping }}', group='values')

# ---------------------------------------------------------------- loop filters are tested as the loop reaches each item
many('loopfilter', [
    '{% set ns = namespace(n=1) %}{% for _ in range(100) if 2 ** ns.n < 5 %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}',
    '{% set ns = namespace(k=0) %}{% for x in range(6) if x >= ns.k %}{{ x }}{% set ns.k = x + 2 %}{% endfor %}',
    '{% set ns = namespace(k=0) %}{% for x in range(6) if x >= ns.k %}{{ x }}{{ loop.last }}{% set ns.k = x + 2 %}{% endfor %}',
    '{% set ns = namespace(k=0) %}{% for x in range(6) if x >= ns.k %}{{ x }}/{{ loop.length }}{% set ns.k = x + 2 %}{% endfor %}',
    '{% set ns = namespace(k=0) %}{% for x in range(6) if x >= ns.k %}{{ x }}>{{ loop.nextitem }}{% set ns.k = x + 2 %} {% endfor %}',
    '{% for x in items if x > 5 %}{{ x }}{% else %}none{% endfor %}',
    '{% for x in range(10) if x is odd %}{% if x > 5 %}{% break %}{% endif %}{{ x }}{{ loop.revindex }}{% endfor %}',
    '{% for x in range(4) if x is even %}{{ loop.index }}{{ loop.first }}{{ loop.previtem }}{% endfor %}',
])

# ---------------------------------------------------------------- map/select/reject on a false value
# Jinja2 guards these with `if value:`: None, 0, '' and Undefined give nothing (before the filter or
# test named is looked up); a true value that is not iterable is still an error. dbt_utils.equality
# runs `exclude_columns | map('lower')` on None.
many('falsyfilters', [
    '{{ nothing|map("lower")|list }}', '{{ nothing|map(attribute="a")|list }}', '{{ nothing|map|list }}', '{{ nothing|map("nosuchfilter")|list }}',
    '{{ nothing|select|list }}', '{{ nothing|select("odd")|list }}', '{{ nothing|reject("none")|list }}', '{{ nothing|select("nosuchtest")|list }}',
    '{{ nothing|selectattr("a")|list }}', '{{ nothing|rejectattr("a", "eq", 1)|list }}', '{{ nothing|selectattr("a")|map(attribute="b")|join(",") }}|',
    '{{ "x" in nothing|map("lower") }}', '{{ "x" not in nothing|map("lower")|list }}', '{{ nothing|map("lower")|list|length }}',
    '{{ zero|map("upper")|list }}', '{{ empty|select|list }}', '{{ flag is false or false|reject|list }}', '{{ missing|selectattr("a")|list }}',
    '{{ missing|map("lower")|list }}', '{{ missing|rejectattr("a")|list }}', '{{ []|map|list }}', '{{ {}|select|list }}',
    '{%- set exclude = nothing | map("lower") | list -%}{% for c in cols if c|lower not in exclude %}{{ c }},{% endfor %}',
    '{{ n|map("lower")|list }}', '{{ flag|select|list }}', '{{ f|reject|list }}', '{{ items|map|list }}',
])


def render(case):
    env = jinja2.Environment(
        extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'],
        loader=jinja2.DictLoader(case['templates'] or {}),
        **case['options'],
    )
    ctx = json.loads(json.dumps(CTX if case['context'] is None else case['context']))
    try:
        return {'expected': env.from_string(case['template']).render(**ctx)}
    except Exception as e:  # noqa: BLE001 - the oracle's error is the expectation
        return {'error': f'{type(e).__name__}: {e}'}


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    seen = set()
    n = 0
    with open(OUT, 'w') as fh:
        for case in cases:
            key = (case['template'], json.dumps(case['options'], sort_keys=True), case['templates'] is not None)
            if key in seen:
                continue
            seen.add(key)
            n += 1
            rec = {
                'id': f"{case['group']}-{n}",
                'template': case['template'],
                'context': case['context'],
                'options': case['options'],
                'templates': case['templates'],
            }
            rec.update(render(case))
            fh.write(json.dumps(rec) + '\n')
    with open(os.path.join(os.path.dirname(OUT), 'context.json'), 'w') as fh:
        json.dump(CTX, fh, indent=1)
        fh.write('\n')
    print(f'wrote {n} cases to {os.path.relpath(OUT)} (jinja2 {jinja2.__version__})', file=sys.stderr)


if __name__ == '__main__':
    main()
