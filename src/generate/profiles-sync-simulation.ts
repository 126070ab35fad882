/**
 * Runs the simulation of all people in blocks, in this thread or in worker threads, and
 * hands the blocks to the caller strictly in block order. Blocks depend only on the seed
 * and their people, and are delivered in the same order whatever the threads' timing, so
 * the staging tables receive the same rows in the same order with any number of workers.
 * At most a few blocks per worker wait in memory, so memory stays flat.
 */
import { Worker } from 'node:worker_threads';
import type { PersonSettings } from './profiles-sync-person.js';
import { simulateBlock, type SimulatedBlock } from './profiles-sync-block.js';
import type { BlockRequest } from './profiles-sync-worker.js';

/** People per block. */
export const BLOCK_PEOPLE = 1024;
/** Blocks each worker may run ahead of the next block to deliver. */
const AHEAD_PER_WORKER = 3;

/** Totals of a simulation. */
export interface SimulationTotals {
  profiles: number;
  merges: number;
}

/**
 * Simulates people [0, people) and calls `onBlock` with each block in order. With
 * `workers` > 1 the blocks are simulated in that many worker threads.
 */
export async function simulatePeople(
  settings: PersonSettings,
  people: number,
  workers: number,
  onBlock: (block: SimulatedBlock) => void,
): Promise<SimulationTotals> {
  const blocks = Math.ceil(people / BLOCK_PEOPLE);
  const range = (b: number): [number, number] => [b * BLOCK_PEOPLE, Math.min(people, (b + 1) * BLOCK_PEOPLE)];
  const totals: SimulationTotals = { profiles: 0, merges: 0 };
  const deliver = (block: SimulatedBlock): void => {
    totals.profiles += block.profiles;
    totals.merges += block.merges;
    onBlock(block);
  };
  if (workers <= 1 || blocks <= 1) {
    for (let b = 0; b < blocks; b++) {
      deliver(simulateBlock(settings, b, ...range(b)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return totals;
  }

  const pool = Array.from({ length: Math.min(workers, blocks) }, () => startWorker(settings));
  try {
    await new Promise<void>((resolve, reject) => {
      const waiting = new Map<number, SimulatedBlock>();
      const idle: Worker[] = [];
      let nextToSend = 0;
      let nextToDeliver = 0;
      const feed = (worker: Worker): void => {
        if (nextToSend < blocks && nextToSend < nextToDeliver + AHEAD_PER_WORKER * pool.length) {
          const [from, to] = range(nextToSend);
          worker.postMessage({ block: nextToSend, from, to } satisfies BlockRequest);
          nextToSend++;
        } else {
          idle.push(worker);
        }
      };
      for (const worker of pool) {
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (nextToDeliver < blocks) reject(new Error(`a generator worker stopped early (exit code ${code})`));
        });
        worker.on('message', (block: SimulatedBlock) => {
          try {
            waiting.set(block.block, block);
            while (waiting.has(nextToDeliver)) {
              const next = waiting.get(nextToDeliver)!;
              waiting.delete(nextToDeliver);
              nextToDeliver++;
              deliver(next);
            }
            if (nextToDeliver === blocks) {
              resolve();
              return;
            }
            feed(worker);
            for (let n = idle.length; n > 0; n--) feed(idle.shift()!);
          } catch (e) {
            reject(e);
          }
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return totals;
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
