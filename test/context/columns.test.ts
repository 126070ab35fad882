/**
 * dbt-duckdb's column for a STRUCT: its members as `fields`, is_struct() and flatten(). The
 * expected values are what dbt-core 1.10 with dbt-duckdb 1.10 gives for the same DuckDB types
 * (checked with the reference venv through adapter.get_columns_in_relation).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnValue } from '../../src/context/node-context.js';
import { pyRepr } from '../../src/jinja/index.js';

test('a DuckDB STRUCT column has its members as fields, and flatten() names them parent.member down nested structs', () => {
  const flat = columnValue({ name: 'struct_col', dtype: 'STRUCT(a INTEGER, b VARCHAR)' }, 'duckdb');
  assert.equal(flat.is_struct!(), true);
  assert.deepEqual(flat.fields!.map((f) => [f.name, f.dtype]), [['a', 'INTEGER'], ['b', 'VARCHAR']]);
  assert.equal(
    pyRepr(flat),
    "DuckDBColumn(column='struct_col', dtype='STRUCT(a INTEGER, b VARCHAR)', char_size=None, numeric_precision=None, numeric_scale=None, fields=[DuckDBColumn(column='a', dtype='INTEGER', char_size=None, numeric_precision=None, numeric_scale=None, fields=[]), DuckDBColumn(column='b', dtype='VARCHAR', char_size=None, numeric_precision=None, numeric_scale=None, fields=[])])",
  );
  assert.equal((flat.fields![0] as unknown as { is_integer(): boolean }).is_integer(), true);

  const nested = columnValue({ name: 'nested_col', dtype: 'STRUCT("outer" STRUCT("inner" INTEGER, x INTEGER[]), d DECIMAL(10,2), l STRUCT(q INTEGER)[])' }, 'duckdb');
  assert.deepEqual(nested.fields!.map((f) => [f.name, f.dtype]), [['"outer"', 'STRUCT("inner" INTEGER, x INTEGER[])'], ['d', 'DECIMAL(10,2)'], ['l', 'STRUCT(q INTEGER)[]']]);
  assert.deepEqual(
    (nested.flatten!() as { name: string; dtype: string }[]).map((f) => [f.name, f.dtype]),
    [['nested_col."outer"."inner"', 'INTEGER'], ['nested_col."outer".x', 'INTEGER[]'], ['nested_col.d', 'DECIMAL(10,2)'], ['nested_col.l.q', 'INTEGER']],
  );
});

test('other DuckDB columns have no fields and flatten to themselves; other engines have no STRUCT parts', () => {
  const list = columnValue({ name: 'list_col', dtype: 'INTEGER[]' }, 'duckdb');
  assert.equal(list.is_struct!(), false);
  assert.deepEqual(list.fields, []);
  assert.deepEqual(list.flatten!(), [list]);
  const pg = columnValue({ name: 'c', dtype: 'integer' }, 'postgres');
  assert.equal(pg.fields, undefined);
  assert.equal(pg.is_struct, undefined);
});
