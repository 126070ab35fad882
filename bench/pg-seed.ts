/**
 * Seed loading on PostgreSQL: `strata seed` of a 1-million-row CSV (COPY … FROM STDIN
 * after inferring the column types as dbt does, inside the build-and-swap transaction) against
 * `psql \copy` of the same file into a table created beforehand, on the throwaway test
 * server (`scripts/pg-test-server.sh`). Both load into a fresh table each time.
 *
 *   node --import tsx bench/pg-seed.ts [rows]     (default 1000000)
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { run } from '../src/api.js';
import { Reporter } from '../src/report/reporter.js';
import { dropDatabase, freshDatabase, pgQuery } from '../test/helpers/pg-server.js';
import { timeMedian, writeSection } from './lib/report.js';

const n = Number(process.argv[2] ?? 1_000_000);
const dir = join(import.meta.dirname, '.work', 'pg_seed');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'seeds'), { recursive: true });

// id, text, decimal, date, timestamp, boolean: a column of each type dbt's inference gives.
const csv = join(dir, 'seeds', 'events.csv');
const out = createWriteStream(csv);
out.write('id,name,amount,day,ts,flag\n');
for (let i = 1; i <= n; i++) {
  const d = new Date(Date.UTC(2024, 0, 1) + (i % 1000) * 3600_000);
  const line = `${i},name ${i % 977},${(i % 10007) / 100},${d.toISOString().slice(0, 10)},${d.toISOString().slice(0, 19).replace('T', ' ')},${i % 2 === 0}\n`;
  if (!out.write(line)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');

const db = await freshDatabase('bench_seed');
try {
  writeFileSync(join(dir, 'dbt_project.yml'), `name: pgseed\nversion: '1.0'\nconfig-version: 2\nprofile: pgseed\n`);
  writeFileSync(
    join(dir, 'profiles.yml'),
    `pgseed:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      dbname: ${db.database}\n      schema: main\n      threads: 1\n`,
  );
  const sink = createWriteStream('/dev/null');
  const reporter = new Reporter({ out: sink, err: sink, color: false, live: false });
  const strata = async () => {
    const r = await run({ projectDir: dir, profilesDir: dir, reporter, resourceTypes: ['seed'], which: 'seed', fullRefresh: true });
    if (r.results.some((x) => x.status !== 'success')) throw new Error(`the seed failed: ${r.results.map((x) => x.message).join('; ')}`);
  };
  const psql = () => {
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', db.host, '-p', String(db.port), '-U', db.user, '-d', db.database, '-c',
      'drop table if exists main.events_psql; create table main.events_psql (id integer, name text, amount float8, day date, ts timestamp, flag boolean)', '-c',
      `\\copy main.events_psql from '${csv}' with (format csv, header true)`], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const ours = await timeMedian(strata, runs, 1);
  const base = await timeMedian(psql, runs, 1);
  const [[count]] = (await pgQuery(db, 'select count(*)::int from main.events')) as [[number]];
  if (count !== n) throw new Error(`expected ${n} rows, found ${count}`);
  const line = `| ${n.toLocaleString('en')} rows, 6 columns | ${(ours / 1000).toFixed(2)} s | ${(base / 1000).toFixed(2)} s | ${(ours / base).toFixed(2)}× | ${Math.round(n / (ours / 1000)).toLocaleString('en')} rows/s |`;
  console.log(line);
  writeSection(
    'pg-seed',
    `## Seed loading on PostgreSQL (\`bench/pg-seed.ts\`)

\`strata seed --full-refresh\` of a generated CSV (integer, text, float8, date, timestamp,
boolean) on the throwaway test server (\`fsync=off\`), against \`psql \\copy\` of the same
file into a table created beforehand. Strata's time includes parsing the project,
checking the file and inferring the column types as dbt does (one pass over the file in
TypeScript), the staging table, \`COPY … FROM STDIN\` and the swap in one transaction.
Median of ${runs}.

| file | strata seed | psql \\copy | ratio | strata throughput |
|---|---|---|---|---|
${line}`,
  );
} finally {
  await dropDatabase(db);
}
