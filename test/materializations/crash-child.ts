/**
 * Child process for the crash test (not a test itself). Modes:
 * - `build <dir> <iterations>`: builds six models again and again on `<dir>/target/proj.duckdb`,
 *   printing `ack <model> <gen>` after each committed build; SIGINT/SIGTERM cancel the
 *   running statements and close the database, as the runner does on Ctrl-C.
 * - `hold <dir>`: opens the database, prints `ready`, and waits (for the lock test).
 */
import { createAdapter } from '../../src/adapters/index.js';
import { materialize } from '../../src/materializations/index.js';
import type { BatchWindow, MaterializationContext } from '../../src/materializations/index.js';
import type { Adapter } from '../../src/adapters/adapter.js';

const [mode, dir, iterations] = process.argv.slice(2);
let stopping = false;

/** The models: SQL for generation `gen` of each. */
export const MODELS: { name: string; kind: string; config: Record<string, unknown>; sql: (gen: number, batch?: BatchWindow) => string }[] = [
  { name: 'm_table', kind: 'table', config: {}, sql: (g) => `select ${g} as gen, range as i from range(20000 + (${g} % 7) * 1000)` },
  {
    name: 'm_merge',
    kind: 'incremental',
    config: { incremental_strategy: 'merge', unique_key: 'id' },
    sql: (g) => `select range as id, ${g} as gen, repeat('x', 20) as pad from range(${g} * 100, ${g} * 100 + 5000)`,
  },
  {
    name: 'm_delins',
    kind: 'incremental',
    config: { incremental_strategy: 'delete+insert', unique_key: ['id', 'part'] },
    sql: (g) => `select range as id, range % 3 as part, ${g} as gen from range(${g} * 100, ${g} * 100 + 5000)`,
  },
  { name: 'm_view', kind: 'view', config: {}, sql: (g) => `select ${g} as gen, count(*) as n from m_table` },
  {
    // Two days of minutes in hourly batches; incremental runs rebuild the last 6 hours.
    name: 'm_micro',
    kind: 'incremental',
    config: { incremental_strategy: 'microbatch', event_time: 'ts', begin: '2024-01-01', batch_size: 'hour', lookback: 5 },
    sql: (g, b) =>
      `select ts, ${g} as gen from (select TIMESTAMP '2024-01-01' + to_minutes(range) as ts from range(0, 2880))` +
      (b ? ` where ts >= TIMESTAMP '${stamp(b.start)}' and ts < TIMESTAMP '${stamp(b.end)}'` : ''),
  },
  // an external model: a Parquet file under <dir>/out, read through a view
  { name: 'm_ext', kind: 'external', config: {}, sql: (g) => `select ${g} as gen, range as i from range(3000 + (${g} % 5) * 100)` },
];

/** The run's clock for microbatch: the last half hour of the two days. */
export const MICRO_NOW = new Date('2024-01-02T23:30:00Z');

function stamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

function ctx(adapter: Adapter, m: (typeof MODELS)[number], gen: number, signal: AbortSignal): MaterializationContext {
  return {
    adapter,
    node: { uniqueId: `model.proj.${m.name}`, name: m.name, relation: adapter.relation({ identifier: m.name }), config: m.config },
    fullRefresh: false,
    render: async (opts) => m.sql(gen, opts.batch),
    now: MICRO_NOW,
    hooks: { pre: [], post: [] },
    signal,
    projectDir: dir,
    externalRoot: `${dir}/out`,
  };
}

async function main(): Promise<void> {
  const adapter = await createAdapter({ type: 'duckdb', fields: {}, threads: 2 }, { projectDir: dir!, projectName: 'proj' });
  if (mode === 'hold') {
    process.stdout.write('ready\n');
    await new Promise((r) => setTimeout(r, 30000));
    return;
  }
  const abort = new AbortController();
  const stop = () => {
    stopping = true;
    abort.abort();
    adapter.cancelAll();
    void adapter.close().finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const found = await adapter.withSession(async (s) =>
    (await s.getRelation(undefined, 'main', 'm_merge')) ? (await s.execute('select max(gen) from m_merge')).rows[0]![0] : 0,
  );
  let gen = Number(found);
  process.stdout.write('ready\n');
  for (let n = 0; n < Number(iterations); n++) {
    gen++;
    // Two models at a time, as a runner with 2 threads would; the very first generation
    // one at a time, since m_view reads m_table and a runner would wait for it.
    const lanes = gen === 1 ? [MODELS] : [0, 1].map((lane) => MODELS.filter((_, i) => i % 2 === lane));
    await Promise.all(lanes.map(async (models) => {
      for (const m of models) {
        await materialize(m.kind, ctx(adapter, m, gen, abort.signal));
        process.stdout.write(`ack ${m.name} ${gen}\n`);
      }
    }));
  }
  await adapter.close();
}

main().catch((err) => {
  if (stopping) return; // the signal handler closes the database and exits
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(process.exitCode ?? 1);
});
