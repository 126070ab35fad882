/**
 * Crash test on PostgreSQL through the CLI: `strata run` is killed (SIGKILL, SIGTERM or
 * SIGINT) at random moments while it rebuilds tables and an incremental model. After each
 * kill every relation holds the old version or the new one, whole; no temporary relation
 * is left (the build and the swap are one transaction, which the server rolls back when
 * the client dies); and the next run succeeds with the right data. Also: two runs started
 * at once on the same target both succeed, one after the other (the run lock).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { RUN_LOCK_CLASS } from '../../src/adapters/postgres/index.js';
import { SKIP_POSTGRES, dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../helpers/pg-server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'run-cli.ts');
const ROWS = 150_000;
const TRIALS = Number(process.env.STRATA_CRASH_TRIALS ?? 10);

function makeProject(dir: string, db: PgDatabase): void {
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), `name: crash\nversion: '1.0'\nconfig-version: 2\nprofile: crash\nmodels:\n  crash:\n    +materialized: table\n`);
  writeFileSync(
    join(dir, 'profiles.yml'),
    `crash:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      password: ''\n      dbname: ${db.database}\n      schema: main\n      threads: 2\n`,
  );
  writeFileSync(join(dir, 'models', 'sources.yml'), `version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables: [{name: version}, {name: events}]\n`);
  for (let i = 0; i < 4; i++) {
    writeFileSync(join(dir, 'models', `t_${i}.sql`), `select g as i, md5(g::text || ${i}) as h, (select max(v) from {{ source('raw', 'version') }}) as v\nfrom generate_series(1, ${ROWS}) g\n`);
  }
  writeFileSync(join(dir, 'models', 'chain.sql'), `{{ config(materialized='view') }}\nselect t.i, t.v from {{ ref('t_0') }} t join {{ ref('t_1') }} u using (i)\n`);
  writeFileSync(
    join(dir, 'models', 'inc.sql'),
    `{{ config(materialized='incremental', unique_key='id') }}\nselect id, v from {{ source('raw', 'events') }}\n{% if is_incremental() %}where id > (select coalesce(max(id), 0) from {{ this }}){% endif %}\n`,
  );
}

/** The output of the last runs, shown when an assertion on their exit code fails. */
let output = '';

function runCli(dir: string, killAfterMs?: number, signal: NodeJS.Signals = 'SIGKILL', onChild?: (child: ChildProcess) => void): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    onChild?.(child);
    const chunks: string[] = [];
    child.stdout.on('data', (d) => chunks.push(String(d)));
    child.stderr.on('data', (d) => chunks.push(String(d)));
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill(signal), killAfterMs);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      output += `--- run (exit ${code}) ---\n${chunks.join('')}`;
      resolve(code);
    });
  });
}

describe('PostgreSQL crash test', { skip: SKIP_POSTGRES && 'STRATA_SKIP_POSTGRES=1', timeout: 180_000 }, () => {
  let db: PgDatabase;
  let dir: string;
  before(async () => {
    db = await freshDatabase('crash');
    dir = mkdtempSync(join(tmpdir(), 'strata-pgcrash-'));
    makeProject(dir, db);
    await pgQuery(db, 'create schema raw; create table raw.version as select 1 as v; create table raw.events as select g as id, 1 as v from generate_series(1, 100) g');
  });
  after(async () => {
    if (db) await dropDatabase(db).catch(() => undefined);
  });

  it(`strata run killed at random moments (${TRIALS} trials) never leaves a relation missing, half-built or temporary`, async () => {
    output = '';
    assert.equal(await runCli(dir), 0, output);
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const signals: NodeJS.Signals[] = ['SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGINT'];
    const started = Date.now();
    let trials = 0;
    for (let trial = 0; trial < TRIALS && Date.now() - started < 60_000; trial++, trials++) {
      const v = trial + 2;
      await pgQuery(db, `update raw.version set v = ${v}; insert into raw.events select g + (select max(id) from raw.events), ${v} from generate_series(1, 50) g`);
      const before = (await pgQuery(db, 'select count(*)::int from raw.events'))[0]![0] as number;
      await runCli(dir, 700 + Math.floor(rand() * 2500), signals[trial % signals.length]);
      for (let i = 0; i < 4; i++) {
        const [[n, versions, lo]] = (await pgQuery(db, `select count(*)::int, count(distinct v)::int, min(v)::int from main.t_${i}`)) as [[number, number, number]];
        assert.equal(n, ROWS, `t_${i} is whole after trial ${trial}`);
        assert.equal(versions, 1, `t_${i} holds one version after trial ${trial}`);
        assert.ok(lo <= v, `t_${i} holds an old or the new version`);
      }
      assert.deepEqual(await pgQuery(db, 'select count(*)::int from main.chain'), [[ROWS]], `chain answers after trial ${trial}`);
      const [[incRows, incMax]] = (await pgQuery(db, 'select count(*)::int, max(id)::int from main.inc')) as [[number, number]];
      assert.equal(incRows, incMax, 'the incremental model has no gap and no duplicate');
      assert.ok(incRows <= before);
      // Wait for the killed client's server sessions to end, then nothing temporary may remain.
      for (let w = 0; w < 100; w++) {
        const busy = await pgQuery(db, `select count(*)::int from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name = 'strata'`);
        if (busy[0]![0] === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(await pgQuery(db, `select relname from pg_class where relname like '%\\_\\_strata\\_tmp\\_%' and relpersistence = 'p'`), [], `no temporary relation after trial ${trial}`);
    }
    assert.ok(trials >= 3, 'several trials ran');
    output = '';
    assert.equal(await runCli(dir), 0, `the run after the crashes succeeds\n${output}`);
    const last = (await pgQuery(db, 'select v from raw.version'))[0]![0];
    for (let i = 0; i < 4; i++) assert.deepEqual(await pgQuery(db, `select count(*)::int, min(v), max(v) from main.t_${i}`), [[ROWS, last, last]]);
    const total = (await pgQuery(db, 'select count(*)::int from raw.events'))[0]![0];
    assert.deepEqual(await pgQuery(db, 'select count(*)::int, count(distinct id)::int from main.inc'), [[total, total]]);
  });

  it('two runs started at once on the same target both succeed, one after the other', async () => {
    // Two checkouts of the project (their target/ folders apart), one database target.
    const dir2 = mkdtempSync(join(tmpdir(), 'strata-pgcrash2-'));
    cpSync(dir, dir2, { recursive: true, filter: (src) => !src.startsWith(join(dir, 'target')) });
    // Hold the target's run lock as another run would, so both must wait for it.
    const holder = new pg.Client({ host: db.host, port: db.port, user: db.user, database: db.database });
    await holder.connect();
    await holder.query(`select pg_advisory_lock(${RUN_LOCK_CLASS}, hashtext('main'))`);
    output = '';
    const both = Promise.all([runCli(dir), runCli(dir2)]);
    await new Promise((r) => setTimeout(r, 2500));
    await holder.end();
    const [a, b] = await both;
    assert.equal(a, 0, output);
    assert.equal(b, 0, output);
    for (let i = 0; i < 4; i++) assert.deepEqual(await pgQuery(db, `select count(*)::int from main.t_${i}`), [[ROWS]]);
    assert.match(output, /Waiting for another run on schema "main"/, 'a run says what it waits for');
  });

  it('Ctrl-C cancels the running statements on the server, not only the client', async () => {
    const slow = mkdtempSync(join(tmpdir(), 'strata-pgcancel-'));
    cpSync(dir, slow, { recursive: true, filter: (src) => !src.startsWith(join(dir, 'target')) });
    writeFileSync(join(slow, 'models', 't_0.sql'), `select g as i, md5(g::text) as h, 1 as v, pg_sleep(30) is null as slept\nfrom generate_series(1, 1) g\n`);
    const keeps = `select to_regclass('main.t_0') is not null, (select count(*)::int from pg_class where relname like 't\\_0\\_\\_%')`;
    const before = await pgQuery(db, keeps);
    let child: ChildProcess | undefined;
    const exit = runCli(slow, undefined, 'SIGINT', (c) => (child = c));
    const active = `select count(*)::int from pg_stat_activity where query like '%pg_sleep(30)%' and state = 'active' and pid <> pg_backend_pid()`;
    // Press Ctrl-C once the statement runs on the server.
    for (let w = 0; w < 200 && (await pgQuery(db, active))[0]![0] === 0; w++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await pgQuery(db, active), [[1]], 'the slow statement runs');
    const t0 = Date.now();
    child!.kill('SIGINT');
    const code = await exit;
    assert.ok(Date.now() - t0 < 10_000, `the run stopped soon after Ctrl-C (${Date.now() - t0} ms)`);
    assert.notEqual(code, 0);
    assert.deepEqual(await pgQuery(db, active), [[0]], 'no statement still runs on the server');
    assert.deepEqual(await pgQuery(db, keeps), before, 't_0 is as it was');
  });
});
