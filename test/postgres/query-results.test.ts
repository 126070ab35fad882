/**
 * run_query's values on PostgreSQL, where psycopg2's differ from DuckDB's driver: an INTERVAL's
 * year is 365 days (14 months print as `425 days, 0:00:00`, 420 on DuckDB), a date[] (which
 * Strata's adapter names by OID) holds dates, TIMESTAMPTZ carries datetime.timezone.utc, a BIGINT
 * beyond 2^53 is an exact int, json is dumped as Python dumps it, a float8 prints as Python's
 * float. Expected values are dbt-postgres 1.10's for the same model.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeFiles } from '../helpers/files.js';
import { SKIP_POSTGRES, dropDatabase, exportPgEnv, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

const QUERY =
  "select 1.0::float8 as f, true as b, null::int as n, 5::smallint as sm, 9007199254740993::bigint as big, 100::numeric as num, " +
  "date '2017-01-02' as dt, timestamp '2017-01-01 10:11:12' as ts, timestamptz '2017-01-01 10:11:12+02' as tstz, " +
  "interval '3 days 04:05:06' as iv, interval '14 months' as iv2, array[date '2017-01-01'] as dates, array[1, 2] as ints, " +
  "json_build_object('a', 1, 'b', json_build_array('é')) as j, 'x'::char(2) as ch, " +
  "timestamp '2017-01-01 10:11:12.123456' as tsu, timestamptz '2017-01-01 10:11:12.000007+02' as tstzu";

const FILES: Record<string, string> = {
  'dbt_project.yml': "name: results_pg\nversion: '1.0.0'\nconfig-version: 2\nprofile: results_pg\n",
  'profiles.yml': `results_pg:
  target: dev
  outputs:
    dev:
      type: postgres
      threads: 1
      host: "{{ env_var('PGHOST') }}"
      port: "{{ env_var('PGPORT') | as_number }}"
      user: "{{ env_var('PGUSER') }}"
      dbname: "{{ env_var('PGDATABASE') }}"
      schema: analytics
`,
  'models/values.sql': `{{ config(materialized='table') }}
{% set q = run_query("${QUERY}") %}
select $$
{%- if execute -%}
{%- for name in q.column_names %}{{ name }}={{ q.rows[0][name] }};{% endfor -%}
|{{ q.rows[0].ts.year }}|{{ q.rows[0].tstz.tzinfo }}|{{ q.columns['big'].values()[0] }}
{%- endif -%}
$$ as rendered
`,
};

describe('query results on PostgreSQL', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 120_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  const cli = (...a: string[]) => main([...a, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: process.stderr, err: process.stderr });

  before(async () => {
    db = await freshDatabase('results');
    exportPgEnv(db);
    dir = mkdtempSync(join(tmpdir(), 'strata-pg-results-'));
    writeFiles(dir, FILES);
  });
  after(async () => {
    if (db) await dropDatabase(db).catch(() => undefined);
  });

  it("renders the values as dbt-postgres does (psycopg2's types, cast by agate)", async () => {
    assert.equal(await cli('run'), 0);
    assert.deepEqual(await pgQuery(db, 'select rendered from analytics."values"'), [[
      'f=1.0;b=True;n=None;sm=5;big=9007199254740993;num=100;dt=2017-01-02;ts=2017-01-01 10:11:12;tstz=2017-01-01 08:11:12+00:00;' +
        'iv=3 days, 4:05:06;iv2=425 days, 0:00:00;dates=["2017-01-01"];ints=[1, 2];j={"a": 1, "b": ["\\u00e9"]};ch=x ;' +
        'tsu=2017-01-01 10:11:12.123456;tstzu=2017-01-01 08:11:12.000007+00:00;' +
        '|2017|UTC|9007199254740993',
    ]]);
  });
});
