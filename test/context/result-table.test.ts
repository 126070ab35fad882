/**
 * `run_query`'s table against dbt's: every template in result-table-golden.jsonl (made by
 * scripts/result-table-golden.py: dbt's own table_from_data_flat over the Python values the
 * duckdb and psycopg2 drivers return, rendered by Python's Jinja2) renders here to the same
 * text, and prints (print_table, print_structure) the same lines, from a ResultTable built
 * out of the JavaScript values Strata's adapters return for the same queries (as
 * src/adapters/duckdb and src/adapters/postgres give them: numbers, Dates, interval objects,
 * bigint text, Buffers). Then the Decimal's text, checked against Python's `str(Decimal)`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Environment } from '../../src/jinja/index.js';
import { ResultTable, type ColumnInfo } from '../../src/context/table.js';
import { PyDecimal } from '../../src/context/py-decimal.js';
import { datetimeModule, pytzModule } from '../../src/context/py-datetime.js';
import { goldenMismatches, readGolden, type GoldenCase } from '../helpers/golden.js';

const cases = readGolden<GoldenCase & { table: string }>(join(import.meta.dirname, 'result-table-golden.jsonl'));

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const at = (iso: string) => new Date(`${iso}Z`);
/** `name:TYPE;…` (the type may hold a colon: PostgreSQL's `oid:1182`). */
const columns = (spec: string): ColumnInfo[] => spec.split(';').map((c) => ({ name: c.slice(0, c.indexOf(':')), dataType: c.slice(c.indexOf(':') + 1) }));
const nulls = (n: number) => Array.from({ length: n }, () => null);

/** The adapters' values for the queries in scripts/result-table-golden.py. */
const TABLES: Record<string, () => ResultTable> = {
  duck: () => ResultTable.fromQuery(
    columns('k:VARCHAR;v:INTEGER;d:DECIMAL(10,2);f:DOUBLE;b:BOOLEAN;n:INTEGER;dt:DATE;ts:TIMESTAMP;tstz:TIMESTAMP WITH TIME ZONE;tm:TIME;iv:INTERVAL;' +
      'l:INTEGER[];st:STRUCT("a" INTEGER, "b" VARCHAR);bl:BLOB;f2:DOUBLE;f3:DOUBLE;f4:DOUBLE;d4:DECIMAL(18,0);d5:DECIMAL(18,9);f5:DOUBLE;f6:DOUBLE;' +
      'l2:DATE[];iv2:INTERVAL;d6:DECIMAL(10,1);u:VARCHAR'),
    [
      ['a', 1, 1.5, 1, true, null, day('2017-01-02'), at('2017-01-01T10:11:12'), at('2017-01-01T08:11:12'), '10:11:12', { months: 0, days: 3, micros: 0 },
        [1, 2], { a: 1, b: 'x' }, Buffer.from('ab'), 0.1, 1e20, 1e-5, 100, 1e-7, -0, NaN, [day('2017-01-01')], { months: 14, days: 0, micros: 0 }, 2.5, 'é"\n'],
      ['b', 2, 2, 2.5, false, 3, ...nulls(19)],
    ],
    'duckdb',
  ),
  pg: () => ResultTable.fromQuery(
    columns('f4:float4;iv:interval;iv2:interval;ld:oid:1182;lt:oid:1115;tstz:timestamptz;big:int8;d4:numeric;j:json;sm:int2'),
    [[1.5, { months: 0, days: 3, micros: 14_706_000_000 }, { months: 14, days: 0, micros: 0 }, [day('2017-01-01')], [day('2017-01-01')], at('2017-01-01T08:11:12'),
      '9007199254740993', 100, { a: 1, b: ['é'] }, 5]],
    'postgres',
  ),
  dup: () => ResultTable.fromQuery(columns('a:INTEGER;a:INTEGER;b:INTEGER'), [[1, 2, 3]], 'duckdb'),
  print: () => ResultTable.fromQuery(
    columns('k:VARCHAR;v:INTEGER;d:DECIMAL(10,4);b:BOOLEAN;n:INTEGER;dt:DATE;x:VARCHAR'),
    [
      ['a', 1234567, 1234.5, true, null, day('2017-01-02'), 'x'],
      ['b'.repeat(54), -2, -0.001, false, 3, null, null],
      ['c', 3, 0.0005, null, null, null, 'z'],
    ],
    'duckdb',
  ),
  empty: () => ResultTable.fromQuery(columns('a:INTEGER'), [], 'duckdb'),
};

/** Render `template` with `q`, and what it wrote to standard output meanwhile. */
async function renderCapturing(env: Environment, template: string, q: ResultTable): Promise<{ text: string; stdout: string }> {
  const write = process.stdout.write;
  let stdout = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    const text = await env.compile(template, 'golden').render({ q, modules: { datetime: datetimeModule, pytz: pytzModule } });
    return { text, stdout };
  } finally {
    process.stdout.write = write;
  }
}

test("run_query's table renders and prints as dbt's agate table does", async () => {
  const env = new Environment();
  assert.ok(cases.length >= 40);
  const wrong = await goldenMismatches(cases, (c) => renderCapturing(env, c.template, TABLES[c.table]!()), 'dbt', (c) => `[${c.table}] ${c.template}`);
  assert.deepEqual(wrong, []);
});

test('a row has its values by column name: a missing name is Undefined, never an empty value that looks found', async () => {
  const q = TABLES.duck!();
  const env = new Environment();
  const render = (t: string) => env.compile(t, 't').render({ q });
  assert.equal(await render('{{ q.rows[0].k }}-{{ q.rows[0]["v"] }}'), 'a-1');
  await assert.rejects(render('{{ q.rows[0].nope.x }}'), /agate\.Row object' has no attribute 'nope'/);
  await assert.rejects(render('{{ q.rows[0]["nope"] ~ q.rows[0].nope.upper() }}'), /has no attribute 'nope'/);
});

test("a Decimal prints as Python's str(Decimal)", () => {
  // python3 -c "from decimal import Decimal as D; print(D('0.0000000'), D('12e2'), D('-0.00'), D('123.456').quantize(D('0.01')), D('2.5').quantize(D('1')), D('3.5').quantize(D('1')))"
  assert.deepEqual(
    [PyDecimal.parse('0.0000000'), PyDecimal.parse('12e2'), PyDecimal.parse('-0.00'), PyDecimal.parse('123.456')!.quantize(2), PyDecimal.parse('2.5')!.quantize(0), PyDecimal.parse('3.5')!.quantize(0)].map(String),
    ['0E-7', '1.2E+3', '-0.00', '123.46', '2', '4'],
  );
  assert.equal(String(PyDecimal.withScale(12345678901234.123, 6)), '12345678901234.123000', 'a DECIMAL(38,6) keeps its scale (its digits beyond a double were lost by the driver)');
  assert.equal(PyDecimal.parse('x'), undefined);
});
