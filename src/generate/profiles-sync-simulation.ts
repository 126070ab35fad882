/**
 * Runs the simulation of all people in blocks, in this thread or in worker threads, and
 * yields the blocks strictly in block order. Blocks depend only on the seed and their
 * people, and are delivered in the same order whatever the threads' timing, so the
 * staging tables receive the same rows in the same order with any number of workers.
 * At most a few blocks per worker wait in memory, so memory stays flat.
 */
import { Worker } from 'node:worker_threads';
import type { PersonSettings } from './profiles-sync-person.js';
import { BlockSimulator, type SimulatedBlock } from './profiles-sync-block.js';
import type { BlockRequest } from './profiles-sync-worker.js';

/** People per block. */
export const BLOCK_PEOPLE = 1024;
/** Blocks each worker may run ahead of the next block to deliver. */
const AHEAD_PER_WORKER = 3;

/**
 * Simulates people [0, people) and yields each block in order. With `workers` > 1 the
 * blocks are simulated in that many worker threads. In this thread, a block shares the
 * simulator's buffers: it is valid until the consumer asks for the next one.
 */
export async function* simulateBlocks(settings: PersonSettings, people: number, workers: number): AsyncGenerator<SimulatedBlock> {
  const blocks = Math.ceil(people / BLOCK_PEOPLE);
  const range = (b: number): [number, number] => [b * BLOCK_PEOPLE, Math.min(people, (b + 1) * BLOCK_PEOPLE)];
  if (workers <= 1 || blocks <= 1) {
    const simulator = new BlockSimulator(settings);
    for (let b = 0; b < blocks; b++) yield simulator.simulate(b, ...range(b));
    return;
  }

  const pool = Array.from({ length: Math.min(workers, blocks) }, () => startWorker(settings));
  const waiting = new Map<number, SimulatedBlock>();
  let failure: unknown;
  let wake: (() => void) | undefined;
  let nextToSend = 0;
  let nextToDeliver = 0;
  const idle: Worker[] = [];
  const feed = (worker: Worker): void => {
    if (nextToSend < blocks && nextToSend < nextToDeliver + AHEAD_PER_WORKER * pool.length) {
      const [from, to] = range(nextToSend);
      worker.postMessage({ block: nextToSend, from, to } satisfies BlockRequest);
      nextToSend++;
    } else {
      idle.push(worker);
    }
  };
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  try {
    for (const worker of pool) {
      worker.on('error', (e) => {
        failure ??= e;
        notify();
      });
      worker.on('exit', (code) => {
        if (nextToDeliver < blocks) failure ??= new Error(`a generator worker stopped early (exit code ${code})`);
        notify();
      });
      worker.on('message', (block: SimulatedBlock) => {
        waiting.set(block.block, block);
        feed(worker);
        notify();
      });
      feed(worker);
    }
    while (nextToDeliver < blocks) {
      const next = waiting.get(nextToDeliver);
      if (next === undefined) {
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      waiting.delete(nextToDeliver);
      nextToDeliver++;
      for (let n = idle.length; n > 0; n--) feed(idle.shift()!);
      yield next;
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/**
 * Starts a simulation worker. From the compiled JavaScript it is the worker module itself;
 * when this module runs as TypeScript source (tests, benchmarks through tsx), the worker
 * registers tsx first so that it can load the TypeScript worker module.
 */
function startWorker(settings: PersonSettings): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./profiles-sync-worker.ts', here).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(code, { eval: true, workerData: settings });
  }
  return new Worker(new URL('./profiles-sync-worker.js', here), { workerData: settings });
}
