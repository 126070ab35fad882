/**
 * Per-model overhead of `strata run` on PostgreSQL, as `bench/run-overhead.ts` measures
 * it on DuckDB: trivial view models and trivial table models with 4 threads, against a
 * baseline that executes the same statements (create view / create table as, each in its
 * own transaction) directly on 4 `pg` connections in the same run, on the throwaway test
 * server. Overhead per model = (Strata's time − baseline) / models. Each build starts
 * from an empty schema.
 *
 *   node --import tsx bench/pg-run-overhead.ts [models]     (default 500)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { dropDatabase, freshDatabase, pgQuery, type PgDatabase } from '../test/helpers/pg-server.js';
import { writeSection } from './lib/report.js';
import { timeStrataRun } from './lib/strata-run.js';

const ROOT = join(import.meta.dirname, '.work');

function project(dir: string, n: number, materialized: 'view' | 'table', db: PgDatabase): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), `name: overhead\nversion: '1.0'\nconfig-version: 2\nprofile: overhead\nmodels:\n  overhead:\n    +materialized: ${materialized}\n`);
  writeFileSync(
    join(dir, 'profiles.yml'),
    `overhead:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      dbname: ${db.database}\n      schema: strata\n      threads: 4\n`,
  );
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'models', `m_${i}.sql`), `select ${i} as id, 'model ${i}' as label\n`);
}

async function baseline(db: PgDatabase, n: number, materialized: 'view' | 'table'): Promise<number> {
  await pgQuery(db, 'drop schema if exists base cascade; create schema base');
  const clients = await Promise.all(
    [0, 1, 2, 3].map(async () => {
      const c = new pg.Client({ host: db.host, port: db.port, user: db.user, database: db.database });
      await c.connect();
      return c;
    }),
  );
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (next < n) {
        const i = next++;
        const body = `select ${i} as id, 'model ${i}' as label`;
        await c.query(materialized === 'view' ? `create view base.m_${i} as ${body}` : `create table base.m_${i} as ${body}`);
      }
    }),
  );
  const ms = performance.now() - t0;
  for (const c of clients) await c.end();
  return ms;
}

async function strata(dir: string, db: PgDatabase): Promise<number> {
  await pgQuery(db, 'drop schema if exists strata cascade');
  return timeStrataRun(dir);
}

const n = Number(process.argv[2] ?? 500);
const db = await freshDatabase('bench_overhead');
const rows: string[] = [];
try {
  for (const kind of ['view', 'table'] as const) {
    const dir = join(ROOT, `pg_overhead_${kind}`);
    project(dir, n, kind, db);
    const base = await baseline(db, n, kind);
    const ours = await strata(dir, db);
    const per = (ours - base) / n;
    rows.push(`| ${n} ${kind}s | ${(ours / 1000).toFixed(2)} s | ${(base / 1000).toFixed(2)} s | ${(ours / base).toFixed(1)}× | ${per.toFixed(2)} ms |`);
    console.log(rows[rows.length - 1]);
  }
} finally {
  await dropDatabase(db);
}
writeSection(
  'pg-run-overhead',
  `## Per-model overhead of \`strata run\` on PostgreSQL (\`bench/pg-run-overhead.ts\`)

Trivial models on the throwaway PostgreSQL test server (loopback, \`fsync=off\`), 4
threads. Strata's time includes parsing, rendering, the relation lookups, the atomic
build-then-swap of each relation (a first build is one \`CREATE … AS\`), artifacts and
output; the baseline executes the same \`create view\`/\`create table as\` statements
directly on 4 \`pg\` connections in the same run.

| project | strata run | baseline | ratio | overhead per model |
|---|---|---|---|---|
${rows.join('\n')}`,
);
