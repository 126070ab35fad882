import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter } from '../../src/adapters/adapter.js';
import { materialize } from '../../src/materializations/index.js';
import { exec, modelContext, openDuckDB, rows, tempProject, type RenderCall } from './helpers.js';

const lit = (t: Date) => `TIMESTAMP '${t.toISOString().replace('T', ' ').replace('Z', '')}'`;
/** A microbatch model over `events`, filtering upstream to the batch window as the lead's ref() would. */
const model = (c: RenderCall) =>
  `select id, ts, amount * 10 as amount10 from events${c.batch ? ` where ts >= ${lit(c.batch.start)} and ts < ${lit(c.batch.end)}` : ''}`;
const config = { materialized: 'incremental', incremental_strategy: 'microbatch', event_time: 'ts', begin: '2024-03-10', batch_size: 'day' };

describe('microbatch on DuckDB', () => {
  const project = tempProject();
  let adapter: Adapter;
  before(async () => {
    adapter = await openDuckDB(project.dir);
    await exec(adapter, `create table events as select * from (values
      (1, TIMESTAMP '2024-03-10 05:00:00', 1), (2, TIMESTAMP '2024-03-11 06:00:00', 2),
      (3, TIMESTAMP '2024-03-12 07:00:00', 3), (4, TIMESTAMP '2024-03-13 23:59:59', 4),
      (5, TIMESTAMP '2024-03-14 01:00:00', 5)) t(id, ts, amount)`);
  });
  after(async () => {
    await adapter.close();
    project.cleanup();
  });

  it('first run builds every batch from begin, atomically swapped in', async () => {
    const ctx = modelContext(adapter, 'mb', config, model, { now: new Date('2024-03-14T10:00:00Z') });
    const r = await materialize('incremental', ctx);
    assert.equal(ctx.calls.length, 5);
    assert.ok(ctx.calls.every((c) => !c.isIncremental));
    assert.equal(r.batches?.length, 5);
    assert.equal(r.rowsAffected, 5);
    assert.deepEqual(await rows(adapter, 'select id, amount10 from mb order by id'), [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]);
  });

  it('an incremental run rebuilds only the lookback windows', async () => {
    // Change rows inside and outside the window: only the window's changes land.
    await exec(adapter, "update events set amount = 100 where id in (1, 4, 5); insert into events values (6, TIMESTAMP '2024-03-14 02:00:00', 6)");
    const ctx = modelContext(adapter, 'mb', config, model, { now: new Date('2024-03-14T10:00:00Z') });
    const r = await materialize('incremental', ctx);
    assert.deepEqual(ctx.calls.map((c) => c.batch?.start.toISOString()), ['2024-03-13T00:00:00.000Z', '2024-03-14T00:00:00.000Z']);
    assert.ok(ctx.calls.every((c) => c.isIncremental));
    assert.equal(r.rowsAffected, 3);
    assert.deepEqual(await rows(adapter, 'select id, amount10 from mb order by id'), [[1, 10], [2, 20], [3, 30], [4, 1000], [5, 1000], [6, 60]]);
  });

  it('--event-time-start/end reprocess an older range; lookback 0 with hours', async () => {
    const ctx = modelContext(adapter, 'mb', config, model, {
      now: new Date('2024-03-14T10:00:00Z'),
      eventTimeStart: new Date('2024-03-10T00:00:00Z'),
      eventTimeEnd: new Date('2024-03-11T00:00:00Z'),
    });
    await materialize('incremental', ctx);
    assert.equal(ctx.calls.length, 1);
    assert.deepEqual(await rows(adapter, 'select amount10 from mb where id = 1'), [[1000]]);
  });

  it('inserts only the rows inside each window, as dbt-duckdb does', async () => {
    // A model that ignores the window: rows outside the batch must not be added again.
    const ctx = modelContext(adapter, 'mb', config, () => 'select id, ts, amount * 10 as amount10 from events', { now: new Date('2024-03-14T10:00:00Z') });
    await materialize('incremental', ctx);
    assert.deepEqual(await rows(adapter, 'select count(*), count(distinct id) from mb'), [[6, 6]]);
  });

  it('deletes rows that vanished from a window', async () => {
    await exec(adapter, 'delete from events where id = 6');
    await materialize('incremental', modelContext(adapter, 'mb', config, model, { now: new Date('2024-03-14T10:00:00Z') }));
    assert.deepEqual(await rows(adapter, 'select count(*) from mb where id = 6'), [[0]]);
  });

  it('full refresh rebuilds from begin', async () => {
    const ctx = modelContext(adapter, 'mb', config, model, { now: new Date('2024-03-14T10:00:00Z'), fullRefresh: true });
    await materialize('incremental', ctx);
    assert.equal(ctx.calls.length, 5);
    assert.deepEqual(await rows(adapter, 'select count(*) from mb'), [[5]]);
  });

  it('a missing event_time or batch_size is a config error', async () => {
    await assert.rejects(materialize('incremental', modelContext(adapter, 'mb2', { ...config, event_time: undefined }, model)), { code: 'config-error' });
    await assert.rejects(materialize('incremental', modelContext(adapter, 'mb2', { ...config, batch_size: 'week' }, model)), { code: 'config-error' });
    await assert.rejects(materialize('incremental', modelContext(adapter, 'mb2', { ...config, begin: undefined }, model)), { code: 'config-error' });
    await assert.rejects(materialize('incremental', modelContext(adapter, 'mb2', { ...config, unique_key: 'id' }, model)), { code: 'config-error' });
  });
});
