/**
 * Differential test against dbt itself: the same fixture projects are built by dbt-core
 * with dbt-duckdb (in the harness virtual environment `.venv-dbt`, made by
 * test/harness/dbt/setup.sh from PyPI) and by Strata, each into its own DuckDB file, and
 * every resulting table is compared row by row. Columns that hold run times or ids by
 * design (dbt_* snapshot meta columns, invocation ids) are left out.
 *
 * Differences that are dbt's defects, written down here and left out of the comparison:
 * - dbt-duckdb leaves `<model>__dbt_backup` behind after `run --full-refresh` of an
 *   incremental model (a relation users did not ask for); Strata drops its backups.
 *
 * When the virtual environment is missing the test says so loudly and skips, unless
 * STRATA_REQUIRE_DBT=1 (CI sets it where PyPI is reachable), when it fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { withDuckDb } from '../helpers/duckdb.js';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DBT = join(ROOT, '.venv-dbt', 'bin', 'dbt');
const FIXTURES = join(ROOT, 'test', 'fixtures');

interface Case {
  name: string;
  dir: string;
  /** Env var the fixture's profile reads the DuckDB path from (else target/<name>.duckdb). */
  dbVar?: string;
  raw?: string;
  /**
   * CLI commands that succeed (`{dir}` in an argument is the project's folder), or `{ cmd, exit }`
   * that end with that exit code, and between them SQL run on the warehouse (`{ sql }`: new
   * landing data) or a folder of the project copied (`{ copy }`).
   */
  commands: (string[] | { sql: string } | { copy: [string, string] } | { cmd: string[]; exit: number })[];
  /** Tables left out of the comparison (they hold run ids by design). */
  skip?: string[];
  /** Columns left out: they hold the time of the run by design. */
  volatile?: string[];
  /** Compare the comments on relations and columns too (persist_docs). */
  comments?: boolean;
}

/** The defer fixture with its landing table, and prod built whole with its artifacts kept aside (defer, clone). */
const DEFER_PROJECT = { dir: join(FIXTURES, 'run', 'defer'), dbVar: 'DEFER_DB', raw: readFileSync(join(FIXTURES, 'run', 'defer', 'raw.sql'), 'utf8') };
const PROD_BUILT: Case['commands'] = [['build', '--target', 'prod'], { copy: ['target', 'prod-state'] }, { sql: `update raw.orders set amount = amount * 2` }];

const CASES: Case[] = [
  {
    name: 'shop',
    dir: join(FIXTURES, 'run', 'shop'),
    dbVar: 'SHOP_DB',
    raw: `create schema raw; create table raw.events as select * from (values
      (1, 'click', timestamp '2024-01-01 10:00:00', 5), (2, 'view', timestamp '2024-01-01 11:00:00', 1),
      (3, 'click', timestamp '2024-01-02 09:00:00', 7), (4, 'buy', timestamp '2024-01-03 09:00:00', 30)) t(id, kind, ts, amount)`,
    commands: [['build'], ['run', '--full-refresh']],
    skip: ['run_log'],
  },
  {
    name: 'snap',
    dir: join(FIXTURES, 'run', 'snap'),
    dbVar: 'SNAP_DB',
    raw: `create schema raw; create table raw.customers as select * from (values
      (1, 'ann', 'gold', timestamp '2024-01-01'), (2, 'bob', 'free', timestamp '2024-01-01'), (4, 'dee', 'free', timestamp '2024-01-01')) t(id, name, tier, updated_at)`,
    // a change, a hard delete and a new row between two builds (dee does not change)
    commands: [
      ['build'],
      { sql: `update raw.customers set tier = 'gold', updated_at = timestamp '2024-02-01' where id = 2; delete from raw.customers where id = 1; insert into raw.customers values (3, 'cid', 'free', timestamp '2024-02-01')` },
      ['build'],
    ],
  },
  {
    // packages.yml names a hub package; both build what `dbt deps` left in dbt_packages/
    name: 'installed',
    dir: join(FIXTURES, 'run', 'installed'),
    dbVar: 'INSTALLED_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'installed', 'raw.sql'), 'utf8'),
    commands: [['build']],
  },
  {
    // idioms of widely used packages: columns of a relation, keys from hashes, unions aligned
    // by column, pivots over queried values, cross-database macros, modules, custom tests
    name: 'compat',
    dir: join(FIXTURES, 'run', 'compat'),
    dbVar: 'COMPAT_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'compat', 'raw.sql'), 'utf8'),
    commands: [['build']],
  },
  {
    // enforced model contracts: tables built from the declared columns and constraints
    name: 'contracts',
    dir: join(FIXTURES, 'run', 'contracts'),
    dbVar: 'CONTRACTS_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'contracts', 'raw.sql'), 'utf8'),
    commands: [['build'], ['build']],
  },
  {
    // --empty: every ref and source read as no rows, so the relations are built with their columns but empty
    name: 'contracts-empty',
    dir: join(FIXTURES, 'run', 'contracts'),
    dbVar: 'CONTRACTS_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'contracts', 'raw.sql'), 'utf8'),
    commands: [['build', '--empty']],
  },
  {
    // data tests' configs and their stored failures (tables, a view, one not stored)
    name: 'testcfg',
    dir: join(FIXTURES, 'run', 'testcfg'),
    dbVar: 'TESTCFG_DB',
    commands: [['build']],
  },
  {
    // --warn-error: a test that would warn fails (and a selection of nothing is an error)
    name: 'warn-error',
    dir: join(FIXTURES, 'run', 'testcfg'),
    dbVar: 'TESTCFG_DB',
    commands: [
      // the models first: the failing build skips the models downstream of failed tests
      ['run'],
      { cmd: ['build', '--warn-error'], exit: 1 },
      { cmd: ['test', '--warn-error-options', '{"error": ["LogTestResult"]}'], exit: 1 },
      ['test', '--warn-error-options', '{"error": "all", "warn": ["LogTestResult"]}'],
      { cmd: ['run', '-s', 'no_such_model', '--warn-error'], exit: 2 },
    ],
  },
  {
    // persist_docs: the descriptions of models, a view, an incremental model and a seed, and of
    // their columns, become comments (grants: dbt-duckdb and Strata warn that DuckDB has none)
    name: 'docs',
    dir: join(FIXTURES, 'run', 'docsgrants'),
    dbVar: 'DOCSGRANTS_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'docsgrants', 'raw.sql'), 'utf8'),
    commands: [['build'], { sql: `insert into raw.orders values (3, 'eu', 40)` }, ['build']],
    comments: true,
  },
  {
    // dbt-duckdb's external models and sources: files written and read back through views
    name: 'external',
    dir: join(FIXTURES, 'run', 'external'),
    dbVar: 'EXTERNAL_DB',
    commands: [['build'], ['build']],
  },
  {
    // incremental strategies across runs: new rows, a late row for a day already built, a new column
    name: 'inc',
    dir: join(FIXTURES, 'run', 'inc'),
    dbVar: 'INC_DB',
    raw: `create schema raw; create table raw.events as select * from (values
      (1, 'click', timestamp '2024-03-01 10:00:00', 5), (2, 'view', timestamp '2024-03-01 11:00:00', 1),
      (3, 'click', timestamp '2024-03-02 09:00:00', 7)) t(id, kind, ts, amount)`,
    commands: [
      ['build', '--exclude', 'by_hour'],
      { sql: `insert into raw.events values (4, 'click', timestamp '2024-03-02 12:00:00', 2), (5, 'buy', timestamp '2024-03-03 08:00:00', 30)` },
      ['build', '--exclude', 'by_hour'],
      ['build', '--exclude', 'by_hour', '--vars', '{extra: true}'],
    ],
  },
  {
    // --sample: refs and sources with an event_time read only the window's rows (events, and what reads it)
    name: 'sample',
    dir: join(FIXTURES, 'run', 'inc'),
    dbVar: 'INC_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'inc', 'raw-sample.sql'), 'utf8'),
    commands: [
      // by_hour is a microbatch model: each day's batch is read within the sample
      ['build', '--sample', "{'start': '2024-03-02 00:00:00', 'end': '2024-03-03 00:00:00'}", '--event-time-start', '2024-03-01', '--event-time-end', '2024-03-04'],
      ['run', '-s', 'appended', '--sample', "{'start': '2024-03-03 00:00:00', 'end': '2024-03-04 00:00:00'}"],
    ],
  },
  {
    // --defer: prod is built whole, then dev builds a few models whose refs read prod's relations
    // where dev has none (or always for unselected nodes, with --favor-state); tests too
    name: 'defer',
    ...DEFER_PROJECT,
    commands: [
      ...PROD_BUILT,
      // enriched (a view) and orders are not in dev: by_country reads prod's
      ['run', '--target', 'dev', '-s', 'by_country', '--defer', '--state', '{dir}/prod-state'],
      // now orders is in dev: big_orders reads it; its test's ref to the seed reads prod's
      ['build', '--target', 'dev', '-s', 'orders', 'big_orders', '--defer', '--state', '{dir}/prod-state'],
      ['build', '--target', 'dev', '-s', 'enriched', '--defer', '--state', '{dir}/prod-state'],
      // enriched exists in dev, but --favor-state reads prod's; favored_copy is selected, so dev's
      ['run', '--target', 'dev', '-s', 'by_country_favored', 'favored_copy', '--defer', '--favor-state', '--state', '{dir}/prod-state'],
      ['test', '--target', 'dev', '-s', 'by_country', '--defer', '--state', '{dir}/prod-state'],
    ],
  },
  {
    // --target-path: prod's artifacts go to a folder of their own, which dev then defers to
    name: 'target-path',
    ...DEFER_PROJECT,
    commands: [
      ['build', '--target', 'prod', '--target-path', 'prod-state'],
      ['run', '--target', 'dev', '-s', 'by_country', '--defer', '--state', '{dir}/prod-state'],
    ],
  },
  {
    // clone: dev's missing relations become views of prod's; one that exists stays, unless --full-refresh
    name: 'clone',
    ...DEFER_PROJECT,
    commands: [
      ...PROD_BUILT,
      ['run', '--target', 'dev', '-s', 'orders', 'big_orders'],
      ['clone', '--target', 'dev', '--state', '{dir}/prod-state'],
      ['clone', '--target', 'dev', '--state', '{dir}/prod-state', '-s', 'big_orders', 'countries', '--full-refresh'],
    ],
  },
  {
    // retry: what failed or was skipped is built again with the failed build's vars
    name: 'retry',
    dir: join(FIXTURES, 'run', 'retry'),
    dbVar: 'RETRY_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'retry', 'raw.sql'), 'utf8'),
    commands: [
      { cmd: ['build', '--vars', '{factor: 3}'], exit: 1 },
      { sql: 'create table raw.prices as select 2 as rate' },
      ['retry'],
      ['retry'],
    ],
  },
  {
    // model versions: a relation per version, refs to the latest and to given versions, and each
    // version's tests and unit tests
    name: 'versions',
    dir: join(FIXTURES, 'run', 'versions'),
    dbVar: 'VERSIONS_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'versions', 'raw.sql'), 'utf8'),
    commands: [['build'], ['run', '-s', 'version:old']],
  },
  {
    // dbt's own macros as projects call them: date spines, series, the columns of a query,
    // relations, sql_header, hooks outside the transaction (seeds and snapshots too), a custom
    // incremental strategy and a materialization of the project's own; the second run is the
    // strategy's incremental one and the materialization's rebuild
    name: 'globals',
    dir: join(FIXTURES, 'run', 'globals'),
    dbVar: 'GLOBALS_DB',
    raw: readFileSync(join(FIXTURES, 'run', 'globals', 'raw.sql'), 'utf8'),
    commands: [['build'], ['run', '-s', 'topped_up', 'gridded']],
  },
  {
    // seed column types as dbt infers them (t/f and US dates stay text, 1e5 and 00123 are
    // integers…) and the values dbt-duckdb loads; the second seed replaces the rows in place
    name: 'seedtypes',
    dir: join(FIXTURES, 'run', 'seedtypes'),
    dbVar: 'SEEDTYPES_DB',
    commands: [['build'], ['seed']],
  },
  {
    name: 'jaffle',
    dir: join(FIXTURES, 'projects', 'jaffle'),
    commands: [['deps'], ['seed'], ['build']],
    skip: ['run_log'],
    volatile: ['_loaded_at', 'loaded_at'],
  },
];

async function withDb<T>(file: string, fn: (q: (sql: string) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
  return withDuckDb(file, (con) => fn(async (sql) => (await con.runAndReadAll(sql)).getRowsJS() as unknown[][]));
}

/** Every user table and view with its rows (sorted, as JSON), meta columns left out. */
async function snapshotOf(file: string, skip: string[], volatile: string[], projectDir: string): Promise<Record<string, string[]>> {
  return withDb(file, async (q) => {
    // views over files with relative paths (dbt-duckdb's external models) read them from the project
    await q(`set file_search_path = '${projectDir}'`);
    const out: Record<string, string[]> = {};
    const rels = await q(`select table_schema, table_name from information_schema.tables where table_catalog = current_database() and table_schema not in ('information_schema', 'pg_catalog') and table_name not like '%__strata_%' order by 1, 2`);
    for (const [schema, name] of rels as [string, string][]) {
      if (skip.includes(name) || schema === 'raw' || name.endsWith('__dbt_backup')) continue;
      const described = await q(`select column_name, data_type from information_schema.columns where table_catalog = current_database() and table_schema = '${schema}' and table_name = '${name}' order by ordinal_position`);
      const keep = described.map((r) => String(r[0])).filter((c) => !/^dbt_(scd_id|updated_at|valid_from|valid_to)$/.test(c) && !volatile.includes(c));
      const rows = await q(`select ${keep.map((c) => `"${c}"`).join(', ')} from "${schema}"."${name}"`);
      // the columns with their types first, then the rows
      const types = described.filter((r) => keep.includes(String(r[0]))).map((r) => `${String(r[0])} ${String(r[1])}`).join(', ');
      out[`${schema}.${name}`] = [`(${types})`, ...rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort()];
    }
    return out;
  });
}

const available = existsSync(DBT);
if (!available) {
  const msg = `!! differential test against dbt: ${DBT} is missing; run test/harness/dbt/setup.sh (needs PyPI) to enable it`;
  process.stderr.write(msg + '\n');
}

for (const c of CASES) {
  test(`dbt-core and Strata build the same tables: ${c.name}`, { skip: !available && process.env.STRATA_REQUIRE_DBT !== '1' ? 'dbt harness not installed' : false, timeout: 240_000 }, async () => {
    assert.ok(available, `${DBT} is required (STRATA_REQUIRE_DBT=1)`);
    const results: Record<string, Record<string, string[]>> = {};
    for (const engine of ['dbt', 'strata'] as const) {
      const dir = mkdtempSync(join(tmpdir(), `strata-diff-${c.name}-${engine}-`));
      cpSync(c.dir, dir, { recursive: true });
      mkdirSync(join(dir, 'target'), { recursive: true });
      const db = join(dir, 'target', `${c.name}.duckdb`);
      if (c.raw) await withDb(db, async (q) => void (await q(c.raw!)));
      for (const step of c.commands) {
        if ('copy' in step) {
          cpSync(join(dir, step.copy[0]), join(dir, step.copy[1]), { recursive: true });
          continue;
        }
        if ('sql' in step) {
          await withDb(db, async (q) => void (await q(step.sql)));
          continue;
        }
        const [args, exit] = 'cmd' in step ? [step.cmd, step.exit] : [step, 0];
        const cmd = args.map((a) => a.replaceAll('{dir}', dir));
        if (engine === 'strata' && cmd[0] === 'deps') continue; // Strata reads local packages where they are
        if (engine === 'dbt') {
          const r = spawnSync(DBT, [...cmd, '--project-dir', dir, '--profiles-dir', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...(c.dbVar ? { [c.dbVar]: db } : {}), DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
          assert.equal(r.status, exit, `dbt ${cmd.join(' ')} exited ${r.status}, not ${exit}:\n${r.stdout}\n${r.stderr}`);
        } else {
          if (c.dbVar) process.env[c.dbVar] = db;
          const chunks: string[] = [];
          const sink = new Writable({ write: (x, _e, done) => (chunks.push(String(x)), done()) });
          const code = await main([...cmd, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
          assert.equal(code, exit, `strata ${cmd.join(' ')} exited ${code}, not ${exit}:\n${chunks.join('')}`);
        }
      }
      results[engine] = await snapshotOf(db, c.skip ?? [], c.volatile ?? [], dir);
      if (c.comments) {
        results[engine]!['comments'] = await withDb(db, async (q) =>
          (await q(`select 'table', schema_name, table_name, comment from duckdb_tables() where database_name = current_database() and comment is not null
            union all select 'view', schema_name, view_name, comment from duckdb_views() where not internal and database_name = current_database() and comment is not null
            union all select 'column', schema_name, table_name || '.' || column_name, comment from duckdb_columns() where database_name = current_database() and comment is not null
            order by all`)).map((r) => JSON.stringify(r)),
        );
        assert.ok(results[engine]!['comments']!.length > 0, `${engine} left comments`);
      }
    }
    assert.deepEqual(Object.keys(results.strata!).sort(), Object.keys(results.dbt!).sort(), 'the same relations');
    for (const rel of Object.keys(results.dbt!)) assert.deepEqual(results.strata![rel], results.dbt![rel], `rows of ${rel}`);
  });
}
