/**
 * dbt.dateadd on DuckDB adds what dbt-duckdb adds: a whole number of units (a count of 1.5
 * days is rounded to 2 days), quarters as 3 months, weeks as 7 days, and a column as the count.
 * The expected values were read from a table dbt-duckdb built from the same model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';
import { writeFiles } from '../helpers/files.js';

test('dateadd on DuckDB adds whole units, as dbt-duckdb does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-dateadd-'));
  const db = join(dir, 'da.duckdb');
  writeFiles(dir, {
    'dbt_project.yml': 'name: da\nversion: "1.0"\nconfig-version: 2\nprofile: da\nmodels:\n  da:\n    +materialized: table\n',
    'profiles.yml': `da:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "${db}"\n`,
    'models/m.sql': [
      'select',
      `  cast({{ dbt.dateadd('day', 1.5, "timestamp '2024-01-01'") }} as varchar) as frac_day,`,
      `  cast({{ dbt.dateadd('hour', '2.5', "timestamp '2024-01-01'") }} as varchar) as frac_hour,`,
      `  cast({{ dbt.dateadd('quarter', 1, "date '2024-01-31'") }} as varchar) as quarter,`,
      `  cast({{ dbt.dateadd('week', -2, "date '2024-01-15'") }} as varchar) as week,`,
      `  cast({{ dbt.dateadd('month', -1, "date '2024-03-31'") }} as varchar) as month,`,
      `  cast({{ dbt.dateadd('day', 'n', "date '2024-03-31'") }} as varchar) as from_column`,
      'from (select 3 as n) t',
      '',
    ].join('\n'),
  });
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  assert.equal(await main(['run', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink }), 0, chunks.join(''));
  const rows = await queryDuckDb(db, 'select * from main.m');
  assert.deepEqual(rows, [['2024-01-03 00:00:00', '2024-01-01 03:00:00', '2024-04-30 00:00:00', '2024-01-01 00:00:00', '2024-02-29 00:00:00', '2024-04-03 00:00:00']]);
});
