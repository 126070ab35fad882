/**
 * Guessing seed column types for engines loaded through COPY: the narrowest type holding
 * every value, empty fields as NULL, quoted fields, overrides by column_types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eachCsvRecord, inferSeedTypes } from '../../src/materializations/seed-types.js';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'strata-seedtypes-')), 'x.csv');
  writeFileSync(p, text);
  return p;
}

test('each column gets the narrowest type that holds all its values', () => {
  const p = file('i,d,mixed,b,day,ts,tz,t,empty,date_ts,big\n1,1.5,1,true,2024-01-02,2024-01-02 03:04:05,2024-01-02 03:04:05+02,x,,2024-01-01,7\n-2,3,2.25,FALSE,2024-12-31,2024-01-02T03:04,2024-01-02 03:04:05Z,7,,2024-01-01 10:00:00,-3000000000\n,,,,,,,,,,\n');
  const header = ['i', 'd', 'mixed', 'b', 'day', 'ts', 'tz', 't', 'empty', 'date_ts', 'big'];
  assert.deepEqual(
    inferSeedTypes(p, ',', header, {}).map((c) => c.type),
    ['integer', 'numeric', 'numeric', 'boolean', 'date', 'timestamp', 'timestamptz', 'text', 'text', 'timestamp', 'bigint'],
  );
});

test('column_types override the guess, matched case-insensitively; a quoted empty string is text', () => {
  const p = file('Id,code,n\n1,"",5\n2,"007",6\n');
  assert.deepEqual(inferSeedTypes(p, ',', ['Id', 'code', 'n'], { id: 'integer', N: 'smallint' }), [
    { name: 'Id', type: 'integer' },
    { name: 'code', type: 'text' },
    { name: 'n', type: 'smallint' },
  ]);
});

test('records with quotes, doubled quotes, delimiters and newlines inside quotes', () => {
  const out: string[][] = [];
  eachCsvRecord('\ufeffa;b\r\n"x;y";"say ""hi"""\n"multi\nline";2\nplain;3', ';', (f) => out.push([...f]));
  assert.deepEqual(out, [['a', 'b'], ['x;y', 'say "hi"'], ['multi\nline', '2'], ['plain', '3']]);
});
