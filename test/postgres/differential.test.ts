/**
 * Differential test against dbt on PostgreSQL: the Catwalk-style project, the jaffle
 * fixture and the snap fixture are built by dbt-core with dbt-postgres (the harness
 * virtual environment `.venv-dbt`, with `pip install dbt-postgres` added) and by Strata,
 * each into its own database on the test server, and every resulting table is compared
 * row by row (values normalised; snapshot meta columns and run times left out).
 *
 * When dbt-postgres is missing the test says so loudly and skips, unless
 * STRATA_REQUIRE_DBT_POSTGRES=1, when it fails (CI sets it once its harness installs
 * dbt-postgres: `.venv-dbt/bin/pip install "dbt-postgres>=1.9,<1.11"`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';
import { normalise } from './matrix-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DBT = join(ROOT, '.venv-dbt', 'bin', 'dbt');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const hasDbtPostgres = existsSync(DBT) && spawnSync(join(ROOT, '.venv-dbt', 'bin', 'python'), ['-c', 'import dbt.adapters.postgres'], { stdio: 'ignore' }).status === 0;
if (!hasDbtPostgres) process.stderr.write(`!! differential test against dbt-postgres: .venv-dbt with dbt-postgres is missing (test/harness/dbt/setup.sh, then .venv-dbt/bin/pip install "dbt-postgres>=1.9,<1.11")\n`);

interface Case {
  name: string;
  fixture: string;
  /** Changes to the copied project before building (the same for both tools). */
  patch?: (dir: string) => void;
  raw?: string;
  /** Commands (`{dir}` in an argument is the project's folder), and folders of the project copied between them. */
  commands: (string[] | { copy: [string, string] } | { sql: string })[];
  /** The profile's targets: one schema each (the first is the default); else one target `pg` in `main`. */
  targets?: string[];
  /** Schemas whose tables are compared. */
  schemas: string[];
  /** Compare the tables' constraints too (their definitions; their names follow the tools' temporary names). */
  constraints?: boolean;
  /** Compare the indexes too (their definitions, names left out). */
  indexes?: boolean;
  /** Compare the comments on relations and columns, and the privileges granted on them, too. */
  docsAndGrants?: boolean;
  /** Compare the columns' types too. */
  types?: boolean;
  skip?: string[];
}

const pgProfile = (name: string, db: PgDatabase, targets = ['pg']) =>
  `${name}:\n  target: ${targets[0]}\n  outputs:\n` +
  targets.map((t) => `    ${t}:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      password: ''\n      dbname: ${db.database}\n      schema: ${t === 'pg' ? 'main' : t}\n      threads: 2\n`).join('');

const CASES: Case[] = [
  {
    name: 'catwalk',
    fixture: join(FIXTURES, 'run', 'catwalk'),
    commands: [['seed', '--full-refresh', '--target', 'prod'], ['run', '--target', 'prod'], ['snapshot', '--target', 'prod', '--vars', "schema_suffix: ''"], ['test', '--target', 'prod']],
    schemas: ['analytics', 'archive'],
  },
  {
    name: 'jaffle',
    fixture: join(FIXTURES, 'projects', 'jaffle'),
    patch: (dir) => {
      const cal = join(dir, 'local_pkgs', 'util_pkg', 'models', 'util_calendar.sql');
      writeFileSync(cal, `select cast(d as date) as date_day\nfrom generate_series(cast('{{ var("calendar_start") }}' as timestamp), cast('{{ var("calendar_end") }}' as timestamp) - interval '1 day', interval '1 day') as d\n`);
    },
    commands: [['deps'], ['seed'], ['build']],
    schemas: ['main', 'main_util', 'snapshots'],
    skip: ['run_log'],
  },
  {
    name: 'snap',
    fixture: join(FIXTURES, 'run', 'snap'),
    raw: `create schema raw; create table raw.customers as select * from (values
      (1, 'ann', 'gold', timestamp '2024-01-01'), (2, 'bob', 'free', timestamp '2024-01-01')) t(id, name, tier, updated_at)`,
    commands: [['snapshot']],
    schemas: ['snapshots'],
  },
  {
    // enforced contracts with model-level constraints and foreign keys, declared on PostgreSQL; built
    // twice, so the referenced table is rebuilt under the key
    name: 'contracts',
    fixture: join(FIXTURES, 'run', 'contracts'),
    raw: readFileSync(join(FIXTURES, 'run', 'contracts', 'raw.sql'), 'utf8'),
    patch: (dir) => {
      const yml = join(dir, 'models', 'schema.yml');
      writeFileSync(yml, readFileSync(yml, 'utf8')
        .replace("          - type: not_null\n      - name: line", "          - type: not_null\n          - type: foreign_key\n            to: ref('orders')\n            to_columns: [order_id]\n      - name: line")
        .replace('      - type: check\n        name: positive_cents', "      - type: foreign_key\n        name: lines_orders\n        columns: [order_id]\n        to: ref('orders')\n        to_columns: [order_id]\n      - type: check\n        name: positive_cents"));
    },
    commands: [['build'], ['build']],
    schemas: ['main'],
    constraints: true,
  },
  {
    // a materialized view: created with its index, refreshed, dropped with the table it reads
    // when only that table is rebuilt (CASCADE, in both: a materialized view is not re-created),
    // created again, replaced on --full-refresh
    name: 'matview',
    fixture: join(FIXTURES, 'run', 'matview'),
    raw: readFileSync(join(FIXTURES, 'run', 'matview', 'raw.sql'), 'utf8'),
    commands: [
      ['build'],
      { sql: `insert into raw.orders values (4, date '2024-01-02', 50)` },
      ['run', '-s', 'daily'],
      ['run', '-s', 'orders'],
      ['run', '-s', 'daily+'],
      { sql: `insert into raw.orders values (5, date '2024-01-03', 70)` },
      // dbt's replace drops big_days with the old materialized view (CASCADE); Strata keeps the views
      // built on a replaced relation: big_days is built again so both end alike
      ['run', '-s', 'daily', '--full-refresh'],
      ['run', '-s', 'big_days'],
    ],
    schemas: ['main'],
    indexes: true,
  },
  {
    // persist_docs and grants: comments on relations and columns; privileges granted on each build,
    // and on an incremental run the ones the config no longer lists revoked
    name: 'docsgrants',
    fixture: join(FIXTURES, 'run', 'docsgrants'),
    raw: readFileSync(join(FIXTURES, 'run', 'docsgrants', 'raw-pg.sql'), 'utf8'),
    commands: [
      ['build'],
      { sql: `insert into raw.orders values (3, 'eu', 40)` },
      ['build', '--vars', '{grantees: [strata_bi]}'],
    ],
    schemas: ['main'],
    docsAndGrants: true,
  },
  {
    // --sample and microbatch: refs and sources with an event_time read as named subqueries, as PostgreSQL needs
    name: 'sample',
    fixture: join(FIXTURES, 'run', 'inc'),
    raw: readFileSync(join(FIXTURES, 'run', 'inc', 'raw-sample.sql'), 'utf8'),
    commands: [
      ['build', '--sample', "{'start': '2024-03-02 00:00:00', 'end': '2024-03-03 00:00:00'}", '--event-time-start', '2024-03-01', '--event-time-end', '2024-03-04'],
      ['run', '-s', 'appended', '--sample', "{'start': '2024-03-03 00:00:00', 'end': '2024-03-04 00:00:00'}"],
      ['build', '--empty', '-s', 'replaced_by_day', '--full-refresh'],
    ],
    schemas: ['main'],
  },
  {
    // seed column types as dbt infers them and the values dbt-postgres inserts (agate's: a text
    // `null` is NULL, `$5` is 5, a timestamp with an offset is the session's local time), with a
    // seed of values dbt-duckdb cannot load; the second seed replaces the rows in place
    name: 'seedtypes',
    fixture: join(FIXTURES, 'run', 'seedtypes'),
    patch: (dir) => cpSync(join(dir, 'pg-only.csv'), join(dir, 'seeds', 'pg_only.csv')),
    commands: [['build'], ['seed']],
    schemas: ['main'],
    types: true,
  },
  {
    // --defer and clone (as in the DuckDB differential test): prod built whole, dev reads or clones it
    name: 'defer',
    fixture: join(FIXTURES, 'run', 'defer'),
    raw: readFileSync(join(FIXTURES, 'run', 'defer', 'raw.sql'), 'utf8'),
    targets: ['dev', 'prod'],
    commands: [
      ['build', '--target', 'prod'],
      { copy: ['target', 'prod-state'] },
      ['run', '-s', 'by_country', '--defer', '--state', '{dir}/prod-state'],
      ['build', '-s', 'orders', 'big_orders', '--defer', '--state', '{dir}/prod-state'],
      ['run', '-s', 'enriched', 'by_country_favored', '--defer', '--favor-state', '--state', '{dir}/prod-state'],
      ['clone', '--state', '{dir}/prod-state'],
    ],
    schemas: ['dev', 'prod'],
  },
];

/**
 * Every table, view and materialized view of `schemas` (with its kind) as sorted JSON rows,
 * snapshot meta columns and load times left out.
 */
async function contents(db: PgDatabase, schemas: string[], skip: string[], types = false): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const rels = await pgQuery(db, `select n.nspname, c.relname, c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm') and n.nspname in (${schemas.map((s) => `'${s}'`).join(', ')}) order by 1, 2`);
  for (const [schema, name, kind] of rels as [string, string, string][]) {
    if (skip.includes(name) || name.includes('__dbt_backup') || name.includes('__dbt_tmp')) continue;
    const cols = (await pgQuery(db, `select a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relname = '${name}' and a.attnum > 0 and not a.attisdropped order by a.attnum`)).map((r) => String(r[0]));
    const keep = cols.filter((c) => !/^dbt_(scd_id|updated_at|valid_from|valid_to)$/.test(c));
    const rows = await pgQuery(db, `select ${keep.map((c) => `"${c}"`).join(', ')} from "${schema}"."${name}"`);
    const described = types ? (await pgQuery(db, `select format_type(a.atttypid, a.atttypmod) from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relname = '${name}' and a.attnum > 0 and not a.attisdropped order by a.attnum`)).map((r) => String(r[0])) : [];
    out[`${schema}.${name}`] = [`kind ${kind === 'p' ? 'r' : kind}`, ...(types ? [`(${cols.map((c, i) => `${c} ${described[i]}`).join(', ')})`] : []), ...rows.map((r) => JSON.stringify(r.map(normalise))).sort()];
  }
  return out;
}

describe('dbt-postgres and Strata build the same tables', { skip: SKIP_POSTGRES ? 'STRATA_SKIP_POSTGRES=1' : !hasDbtPostgres && process.env.STRATA_REQUIRE_DBT_POSTGRES !== '1' ? 'dbt-postgres harness not installed' : false, timeout: 900_000 }, () => {
  const dbs: PgDatabase[] = [];
  before(() => assert.ok(hasDbtPostgres, 'dbt-postgres in .venv-dbt is required (STRATA_REQUIRE_DBT_POSTGRES=1)'));
  after(async () => {
    for (const db of dbs) await dropDatabase(db).catch(() => undefined);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const results: Record<string, Record<string, string[]>> = {};
      for (const tool of ['dbt', 'strata'] as const) {
        const db = await freshDatabase(`diff_${c.name}_${tool}`);
        dbs.push(db);
        const dir = mkdtempSync(join(tmpdir(), `strata-pgdiff-${c.name}-${tool}-`));
        cpSync(c.fixture, dir, { recursive: true, filter: (src) => !src.startsWith(join(c.fixture, 'target')) });
        mkdirSync(join(dir, 'target'), { recursive: true });
        c.patch?.(dir);
        const profile = /^profile:\s*['"]?([\w-]+)/m.exec(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'))![1]!;
        if (c.name !== 'catwalk') writeFileSync(join(dir, 'profiles.yml'), pgProfile(profile, db, c.targets));
        const env = { PGHOST: db.host, PGPORT: String(db.port), PGUSER: db.user, CATWALK_DBNAME: db.database };
        if (c.raw) await pgQuery(db, c.raw);
        for (const step of c.commands) {
          if ('copy' in step) {
            cpSync(join(dir, step.copy[0]), join(dir, step.copy[1]), { recursive: true });
            continue;
          }
          if ('sql' in step) {
            await pgQuery(db, step.sql);
            continue;
          }
          const cmd = step.map((a) => a.replaceAll('{dir}', dir));
          if (tool === 'strata' && cmd[0] === 'deps') continue;
          if (tool === 'dbt') {
            const r = spawnSync(DBT, [...cmd, '--project-dir', dir, '--profiles-dir', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
            assert.equal(r.status, 0, `dbt ${cmd.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
          } else {
            Object.assign(process.env, env);
            const chunks: string[] = [];
            const sink = new Writable({ write: (x, _e, done) => (chunks.push(String(x)), done()) });
            const code = await main([...cmd, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
            assert.equal(code, 0, `strata ${cmd.join(' ')} failed:\n${chunks.join('')}`);
          }
        }
        results[tool] = await contents(db, c.schemas, c.skip ?? [], c.types);
        if (c.constraints) {
          const defs = await pgQuery(db, `select rel.relname, con.contype, pg_get_constraintdef(con.oid) from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace n on n.oid = rel.relnamespace where n.nspname in (${c.schemas.map((x) => `'${x}'`).join(', ')}) order by 1, 2, 3`);
          results[tool]!['constraints'] = defs.map((r) => JSON.stringify(r));
          assert.ok(defs.some((r) => r[1] === 'f'), `${tool} declared the foreign keys: ${JSON.stringify(defs)}`);
        }
        if (c.docsAndGrants) {
          const inSchemas = `in (${c.schemas.map((x) => `'${x}'`).join(', ')})`;
          const comments = await pgQuery(db, `select c.relname, pg_catalog.obj_description(c.oid, 'pg_class') from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname ${inSchemas} and pg_catalog.obj_description(c.oid, 'pg_class') is not null
            union all select c.relname || '.' || a.attname, pg_catalog.col_description(a.attrelid, a.attnum) from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname ${inSchemas} and a.attnum > 0 and pg_catalog.col_description(a.attrelid, a.attnum) is not null order by 1, 2`);
          const grants = await pgQuery(db, `select table_name, grantee, privilege_type from information_schema.role_table_grants where table_schema ${inSchemas} and grantee <> current_role order by 1, 2, 3`);
          results[tool]!['comments'] = comments.map((r) => JSON.stringify(r));
          results[tool]!['grants'] = grants.map((r) => JSON.stringify(r));
          assert.ok(comments.length > 0 && grants.length > 0, `${tool} left comments and grants: ${JSON.stringify({ comments, grants })}`);
        }
        if (c.indexes) {
          const defs = await pgQuery(db, `select tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON') from pg_indexes where schemaname in (${c.schemas.map((x) => `'${x}'`).join(', ')}) order by 1, 2`);
          results[tool]!['indexes'] = defs.map((r) => JSON.stringify(r));
          assert.ok(defs.length > 0, `${tool} created the indexes`);
        }
      }
      assert.deepEqual(Object.keys(results.strata!).sort(), Object.keys(results.dbt!).sort(), 'the same relations');
      for (const rel of Object.keys(results.dbt!)) assert.deepEqual(results.strata![rel], results.dbt![rel], `rows of ${rel}`);
    });
  }
});
