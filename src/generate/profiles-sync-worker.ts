/**
 * Worker-thread entry of the Profiles Sync generator: receives blocks of people to
 * simulate ({@link BlockRequest}) and answers each with its staging columns
 * ({@link SimulatedBlock}, buffers transferred). A `null` request ends the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PersonSettings } from './profiles-sync-person.js';
import { BlockSimulator, blockBuffers, detach } from './profiles-sync-block.js';

/** One block to simulate: people [from, to). */
export interface BlockRequest {
  block: number;
  from: number;
  to: number;
}

const simulator = new BlockSimulator(workerData as PersonSettings);
const port = parentPort;
if (port) {
  port.on('message', (request: BlockRequest | null) => {
    if (request === null) {
      port.close();
      return;
    }
    const result = detach(simulator.simulate(request.block, request.from, request.to));
    port.postMessage(result, blockBuffers(result));
  });
}
