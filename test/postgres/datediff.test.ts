/**
 * dbt.datediff on PostgreSQL gives dbt-postgres's expressions and so its types: differences
 * of date_part (double precision) for years, quarters, months, hours and smaller units, so
 * `datediff(…, 'month') / 12` keeps its fraction; integers for days and weeks. The values
 * and types below were read from a table dbt-postgres built from the same model.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

const PARTS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'];
const A = "cast('2023-12-30 22:15:10.250' as timestamp)";
const B = "cast('2024-03-04 01:02:03.5' as timestamp)";

describe('datediff on PostgreSQL, as dbt-postgres writes it', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 60_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  before(async () => {
    db = await freshDatabase('datediff');
    dir = mkdtempSync(join(tmpdir(), 'strata-pg-datediff-'));
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'dbt_project.yml'), `name: dd\nversion: '1.0'\nconfig-version: 2\nprofile: dd\nmodels:\n  dd:\n    +materialized: table\n`);
    writeFileSync(join(dir, 'profiles.yml'), `dd:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      password: ''\n      dbname: ${db.database}\n      schema: main\n      threads: 1\n`);
    const columns = PARTS.flatMap((p) => [`{{ datediff("${A}", "${B}", '${p}') }} as fwd_${p}`, `{{ dbt.datediff("${B}", "${A}", '${p}') }} as back_${p}`]);
    columns.push(`{{ datediff("cast('2023-01-15' as date)", "cast('2024-03-20' as date)", 'month') }} / 12 as years`);
    writeFileSync(join(dir, 'models', 'diffs.sql'), `select\n  ${columns.join(',\n  ')}\n`);
  });
  after(async () => {
    if (db) await dropDatabase(db).catch(() => undefined);
  });

  it('gives dbt-postgres values and types', async () => {
    const out: string[] = [];
    const sink = new Writable({ write: (x, _e, done) => (out.push(String(x)), done()) });
    assert.equal(await main(['run', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink }), 0, out.join(''));
    const types = await pgQuery(db, `select column_name, data_type from information_schema.columns where table_schema = 'main' and table_name = 'diffs' order by ordinal_position`);
    const integer = new Set(['week', 'day']);
    assert.deepEqual(types, [...PARTS.flatMap((p) => [`fwd_${p}`, `back_${p}`].map((c) => [c, integer.has(p) ? 'integer' : 'double precision'])), ['years', 'double precision']]);
    const [row] = await pgQuery(db, 'select * from main.diffs');
    const forward = [1, 1, 3, 10, 65, 1539, 92327, 5539613, 5539613250, 5539613250000];
    assert.deepEqual(row, [...forward.flatMap((n) => [n, -n]), 14 / 12]);
  });
});
