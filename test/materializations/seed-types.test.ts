/**
 * Seed column types as dbt infers them: agate's casts as dbt's type tester configures them
 * (checked value by value against agate itself when the dbt harness is installed), the
 * type each column gets on DuckDB and PostgreSQL (checked by hand against dbt-duckdb and
 * dbt-postgres), and the rewritten file each engine reads when a value is in a form only
 * dbt's reader takes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DBT } from '../helpers/dbt.js';
import { eachCsvRecord } from '../../src/materializations/seed-csv.js';
import { castBoolean, castDate, castDateTime, castIsoDateTime, castNumber, isNull, planSeed, rewriteSeed, type SeedEngine } from '../../src/materializations/seed-types.js';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'strata-seedtypes-')), 'x.csv');
  writeFileSync(p, text);
  return p;
}

/** Each column of one seed: its values, and the types dbt-duckdb and dbt-postgres create (seen by running them). */
const COLUMNS: [string, string[], string, string][] = [
  ['tf', ['t', 'f'], 'VARCHAR', 'text'],
  ['upper_tf', ['T', 'F'], 'VARCHAR', 'text'],
  ['yes_no', ['yes', 'no'], 'VARCHAR', 'text'],
  ['true_false', ['True', 'FALSE'], 'BOOLEAN', 'boolean'],
  ['bool_nulls', ['true', '', 'null', 'false'], 'BOOLEAN', 'boolean'],
  ['one_zero', ['1', '0'], 'INTEGER', 'integer'],
  ['leading_zeros', ['00123', '007'], 'INTEGER', 'integer'],
  ['scientific', ['1e5', '2E3'], 'INTEGER', 'integer'],
  ['small_scientific', ['1e-5', '2'], 'DOUBLE', 'float8'],
  ['decimals', ['1.50', '2.25'], 'DOUBLE', 'float8'],
  ['zero_decimals', ['1.0', '2.00'], 'INTEGER', 'integer'],
  ['thousands', ['"1,234"', '"2,000"'], 'INTEGER', 'integer'],
  ['money', ['$5', '-$6'], 'INTEGER', 'integer'],
  ['percent', ['5%', '6.5%'], 'DOUBLE', 'float8'],
  ['nan', ['NaN', '1.5'], 'DOUBLE', 'float8'],
  ['underscores', ['1_000', '2'], 'INTEGER', 'integer'],
  ['beyond_integer', ['3000000000', '1'], 'BIGINT', 'bigint'],
  ['null_words', ['null', 'NULL', '1', ''], 'INTEGER', 'integer'],
  ['na', ['NA', 'n/a', 'none', '1'], 'VARCHAR', 'text'],
  ['hex', ['0x10', '1'], 'VARCHAR', 'text'],
  ['date', ['2020-01-02', '2020-1-2'], 'DATE', 'date'],
  ['bad_date', ['2020-02-30', '2020-01-01'], 'VARCHAR', 'text'],
  ['us_date', ['01/02/2020', '12/31/2020'], 'VARCHAR', 'text'],
  ['slash_date', ['2020/01/02', '2020/12/31'], 'VARCHAR', 'text'],
  ['compact_date', ['20200102', '20201231'], 'INTEGER', 'integer'],
  ['datetime', ['2020-01-02 03:04:05', '2020-1-2 3:4:5'], 'TIMESTAMP', 'timestamp'],
  ['datetime_fraction', ['2020-01-02 03:04:05.123', '2020-12-31 23:59:59'], 'VARCHAR', 'text'],
  ['datetime_minutes', ['2020-01-02 03:04', '2020-12-31 23:59'], 'VARCHAR', 'text'],
  ['iso', ['2020-01-01T10:00:00', '2020-01-02T11:00'], 'TIMESTAMP', 'timestamp'],
  ['iso_zoned', ['2020-01-01T10:00:00Z', '2020-01-02T11:00:00+02:00'], 'TIMESTAMP', 'timestamp'],
  ['iso_week', ['2020-W01-2T10:00:00', '20200102T110000'], 'TIMESTAMP', 'timestamp'],
  ['date_and_datetime', ['2020-01-02', '2020-01-02 03:04:05'], 'VARCHAR', 'text'],
  ['datetime_and_iso', ['2020-01-02 03:04:05', '2020-01-02T03:04:05'], 'VARCHAR', 'text'],
  ['time_of_day', ['12:30:00', '01:00:00'], 'VARCHAR', 'text'],
  ['empty', ['', ''], 'INTEGER', 'integer'],
  ['quoted_empty', ['""', 'a'], 'VARCHAR', 'text'],
  ['text_null', ['a', 'null', '"  "'], 'VARCHAR', 'text'],
];

function seed(columns: [string, string[], string, string][]): string {
  const rows = Math.max(...columns.map((c) => c[1].length));
  const lines = [columns.map((c) => c[0]).join(',')];
  for (let r = 0; r < rows; r++) lines.push(columns.map((c) => c[1][r] ?? '').join(','));
  return lines.join('\n') + '\n';
}

test('each column gets the type dbt-duckdb and dbt-postgres give it', () => {
  const p = file(seed(COLUMNS));
  for (const [engine, at] of [['duckdb', 2], ['postgres', 3]] as const) {
    const plan = planSeed(p, 'x.csv', ',', {}, engine);
    assert.deepEqual(
      plan.columns.map((c) => `${c.name} ${c.type}`),
      COLUMNS.map((c) => `${c[0]} ${c[at]}`),
      engine,
    );
  }
});

test('a file of no rows has integer columns; column_types name a type and keep the values as text', () => {
  assert.deepEqual(planSeed(file('a,b\n'), 'x.csv', ',', {}, 'postgres').columns.map((c) => c.type), ['integer', 'integer']);
  const plan = planSeed(file('Id,code,n\n1,007,null\n2,"",5\n'), 'x.csv', ',', { id: 'bigint', CODE: 'varchar(3)' }, 'duckdb');
  assert.deepEqual(plan.columns.map((c) => [c.name, c.agate, c.type]), [['Id', 'Text', 'bigint'], ['code', 'Text', 'varchar(3)'], ['n', 'Number', 'INTEGER']]);
});

/** The rewritten file's data lines. */
const rewritten = (text: string, engine: SeedEngine, delimiter = ',', offsets?: Map<string, string>) => {
  const plan = planSeed(file(text), 'x.csv', delimiter, {}, engine);
  return plan.rewrite ? rewriteSeed(plan, delimiter, engine, offsets).csv.split('\n').slice(1, -1) : 'as it is';
};

test('a file in forms both engines read as dbt does is loaded as it is', () => {
  const text = 'id,name,amount,day,ts,iso,flag\n1,"a, b",1.5,2024-01-02,2024-01-02 03:04:05,2024-01-02T03:04:05.5,true\n2,,,,,,\n';
  assert.equal(rewritten(text, 'duckdb'), 'as it is');
  assert.equal(rewritten(text, 'postgres'), 'as it is');
  // DuckDB reads a zone (and drops it, as dbt-duckdb's load does) and keeps text as it is
  assert.equal(rewritten('ts,t\n2024-01-02T03:04:05Z,null\n2024-01-02T03:04:05+02:00,"  "\n,x\n', 'duckdb'), 'as it is');
});

test('values only dbt reads are rewritten in the forms it loads', () => {
  const text = 'n,f,d,ts,iso,b,t\n"$1,234",5%,2020-1-2,2020-1-2 3:4:5,20200102T1030,TRUE ,null\nnull,1e-2,,,2020-W01-1T10:00:00.1234567,"fa,lse",x\n';
  assert.deepEqual(rewritten(text, 'duckdb'), ['1234,5e0,2020-01-02,2020-01-02 03:04:05,2020-01-02 10:30:00,true,"null"', ',1e-2,,,2019-12-30 10:00:00.123456,false,"x"']);
  // PostgreSQL loads agate's values: a text `null` is NULL
  assert.deepEqual(rewritten(text, 'postgres'), ['1234,5e0,2020-01-02,2020-01-02 03:04:05,2020-01-02 10:30:00,true,', ',1e-2,,,2019-12-30 10:00:00.123456,false,"x"']);
});

test('on PostgreSQL a quoted empty value, a blank line and a timestamp with an offset are rewritten', () => {
  assert.deepEqual(rewritten('a,b\n1,""\n\n2,x\n', 'postgres'), ['1,', '2,"x"']);
  assert.equal(rewritten('a,b\n1,""\n\n2,x\n', 'duckdb'), 'as it is');
  const offsets = new Map([['2024-01-02 03:04:05+02:00', '2024-01-02 01:04:05.000000']]);
  assert.deepEqual(rewritten('ts\n2024-01-02T03:04:05+02:00\n2024-01-02T03:04:05\n', 'postgres', ',', offsets), ['2024-01-02 01:04:05.000000', '2024-01-02 03:04:05']);
  const plan = planSeed(file('ts\n2024-01-02T03:04:05+02:00\n2024-01-02T03:04:05Z\n'), 'x.csv', ',', {}, 'postgres');
  assert.deepEqual(plan.offsets, ['2024-01-02 03:04:05+02:00', '2024-01-02 03:04:05+00:00']);
});

test('a one-column file reads a blank line as an empty value; a rewritten file maps its lines to the seed\'s', () => {
  const plan = planSeed(file('c\n1\n\nnull\n'), 'x.csv', ',', {}, 'postgres');
  assert.equal(plan.rows, 3);
  const { csv, lines } = rewriteSeed(plan, ',', 'postgres');
  assert.equal(csv, '"c"\n1\n\n\n');
  assert.deepEqual(lines, [1, 2, 3, 4]);
  const multi = planSeed(file('a;b\n"x\ny";$1\n\n"z";2\n'), 'x.csv', ';', {}, 'postgres');
  assert.deepEqual(rewriteSeed(multi, ';', 'postgres'), { csv: '"a","b"\n"x\ny",1\n"z",2\n', lines: [1, 2, 2, 5] });
});

test('records with quotes, doubled quotes, delimiters and newlines inside quotes, blank lines', () => {
  const out: string[] = [];
  const text = '\ufeffa;b\r\n"x;y";"say ""hi"""\n"multi\nline";2\n\n  \nplain;3';
  const unclosed = eachCsvRecord(text, ';', (fields, quoted, line, blank) => out.push(JSON.stringify([line, blank, fields, quoted ?? null])));
  assert.equal(unclosed, undefined);
  assert.deepEqual(out.map((x) => JSON.parse(x)), [
    [1, false, ['a', 'b'], null],
    [2, false, ['x;y', 'say "hi"'], [true, true]],
    [3, false, ['multi\nline', '2'], [true, false]],
    [5, true, [''], null],
    [6, true, ['  '], null],
    [7, false, ['plain', '3'], null],
  ]);
  assert.equal(eachCsvRecord('a\n1\n"open\n2\n', ',', () => undefined), 3, 'the line of a quote never closed');
});

// ---- agate itself as the oracle ----------------------------------------------------------

const PYTHON = join(dirname(DBT), 'python');

/** agate's casts of each value, as dbt's type tester configures them (JSON: normalized Decimal tuples, isoformat, or 'X' when the cast fails). */
const ORACLE = `
import json, sys
from dbt_common.clients.agate_helper import build_type_tester
types = {type(t).__name__: t for t in build_type_tester(())._possible_types}
out = []
for v in json.load(sys.stdin):
    r = {}
    for n in ['Number', 'Date', 'DateTime', 'ISODateTime', 'Boolean']:
        try:
            x = types[n].cast(v)
        except Exception:
            r[n] = 'X'
            continue
        if x is None: r[n] = None
        elif n == 'Number':
            if x.is_nan(): r[n] = 'nan'
            elif x.is_infinite(): r[n] = '-inf' if x < 0 else 'inf'
            else:
                s, d, e = x.normalize().as_tuple()
                r[n] = [s == 1, ''.join(map(str, d)), e]
        elif n == 'Boolean': r[n] = x
        else: r[n] = x.isoformat()
    out.append(r)
json.dump(out, sys.stdout)
`;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
type Stamp = NonNullable<ReturnType<typeof castIsoDateTime>>;
function isoformat(t: Stamp | undefined, date = false): string {
  if (!t) return 'X';
  const d = `${pad(t.y, 4)}-${pad(t.mo)}-${pad(t.d)}`;
  if (date) return d;
  const o = t.offset === undefined ? '' : `${t.offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(t.offset) / 60))}:${pad(Math.abs(t.offset) % 60)}`;
  return `${d}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}${t.us ? `.${pad(t.us, 6)}` : ''}${o}`;
}
function ours(v: string): Record<string, unknown> {
  const nul = isNull(v);
  const n = nul ? null : castNumber(v);
  return {
    Number: n === null ? null : n === undefined ? 'X' : typeof n === 'string' ? n : [n.neg, n.digits, n.exp],
    Date: nul ? null : isoformat(castDate(v), true),
    DateTime: nul ? null : isoformat(castDateTime(v)),
    ISODateTime: nul ? null : isoformat(castIsoDateTime(v)),
    Boolean: castBoolean(v) === undefined ? 'X' : castBoolean(v),
  };
}

/** Values near each rule's edges, and random strings over the characters the rules look at. */
function samples(): string[] {
  const fixed = [
    '', ' ', 'null', ' NULL ', 'Null', 'none', 'na', '.', ',', '-', '%', '$', 'nan', 'NaN', '-nan', 'sNaN', 'NaN12', 'inf', '-Infinity', 'infinity',
    '1', '-0', '+5', '--5', '-+5', '+-5', '00123', '1e5', '1E+5', '1.e5', '.e5', '1e-5', '1.50', '1.0', '.5', '5.', '1_000', '_1', '1__0', '1,234', '1,,0', ',1,', '1.2.3',
    '$5', '-$5', '$-5', '€$5', '$€5', '5%', '%5%', '-5%', '5%-', '- 5', ' 5 ', '\u00a05', '(5)', '0x10', '1 000', '12345678901234567890123456789012', '0.1234567890123456789012345678901',
    '9999999999999999999999999999.5', '99999999999999999999999999995', 't', 'f', 'T', 'F', 'yes', 'no', 'y', 'n', 'true', 'FALSE', ' true', 'tr,ue', 'fa,,lse,', '1',
    '2020-01-02', '2020-1-2', '2020-01- 2', '2020-02-29', '2019-02-29', '2020-02-30', '0000-01-01', '9999-12-31', '2020-13-01', '2020-00-10', '20200-01-02', ' 2020-01-02 ', '2020-01-02x', '2020-01-311',
    '2020-01-02 03:04:05', '2020-1-2 3:4:5', '2020-01-02   03:04:05', '2020-01-02 24:00:00', '2020-01-02 23:59:60', '2020-01-02 03:04', '2020-01-02 03:04:05.1', '2020-01-02\t03:04:05',
    '2020-01-02T03:04:05', '2020-01-02T03:04', '2020-01-02T03', '2020-01-02T03.5', '2020-01-02T03:04.25', '2020-01-02T03:04:05.1234567', '2020-01-02T03:04:05,5', '2020-01-02T03:04:05Z',
    '2020-01-02T03:04:05+02', '2020-01-02T03:04:05-0530', '2020-01-02T03:04:05+05:30', '20200102T030405', '20200102T0304', '2020-W01-1T00:00', '2020W011T00:00', '2020-W53T10', '2021-W00-7T10:00',
    '2020-001T10:00', '2020366T10:00', '2021-000T10:00', '2020-01T10:00', '202001T10:00', '2020T10:00', '20T10:00', '2020-01-02t03:04:05', '2020-01-02TT03:04', 'T10:00', '2020-01-02T', '0001-001T00:00',
    '2020-01-02T24:00', '2020-01-02T23:60', '2020-01-02T10.999999999', '2020-01-02T10:59.9999999999', '12:30:00', '01/02/2020', '2020/01/02', 'Jan 2 2020',
  ];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const alphabet = '0123456789012345678901234567890123456789-:T .,%$eE+_ZWnullNULtrufasle\t';
  const out = [...fixed];
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const len = 1 + rand(12);
    for (let k = 0; k < len; k++) s += alphabet[rand(alphabet.length)];
    out.push(s);
  }
  // well-formed dates and times with random parts, widths and separators
  for (let i = 0; i < 2000; i++) {
    const part = (w: number, max: number) => String(rand(max)).padStart(rand(3) === 0 ? 1 : w, '0');
    const date = [part(4, 10000), part(2, 14), part(2, 33)];
    const time = [part(2, 26), part(2, 62), part(2, 62)];
    const frac = rand(3) === 0 ? `.${String(rand(10 ** 7))}` : '';
    const zone = ['', 'Z', '+02:00', '-0330', '+05'][rand(5)]!;
    const forms = [date.join('-'), `${date.join('-')} ${time.join(':')}${frac}`, `${date.join('-')}T${time.join(':')}${frac}${zone}`, `${date.join('')}T${time.join('')}${zone}`, `${date.join('-')}T${time.slice(0, rand(3) + 1).join(':')}${frac}${zone}`];
    out.push(forms[rand(forms.length)]!);
  }
  return out;
}

test('agate casts values as dbt configures it: the same results as agate itself', { skip: existsSync(PYTHON) ? false : 'dbt harness not installed' }, () => {
  const values = samples();
  const r = spawnSync(PYTHON, ['-c', ORACLE], { input: JSON.stringify(values), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as Record<string, unknown>[];
  const wrong = values.flatMap((v, i) => {
    const got = ours(v);
    return Object.keys(got).filter((k) => JSON.stringify(got[k]) !== JSON.stringify(expected[i]![k])).map((k) => `${JSON.stringify(v)} as ${k}: agate ${JSON.stringify(expected[i]![k])}, ours ${JSON.stringify(got[k])}`);
  });
  assert.deepEqual(wrong, []);
});
