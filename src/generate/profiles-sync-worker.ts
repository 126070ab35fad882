/**
 * Worker-thread entry of the Profiles Sync generator: receives blocks of people to
 * simulate ({@link BlockRequest}) and answers each with its packed rows
 * ({@link SimulatedBlock}, buffers transferred). A `null` request ends the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PersonSettings } from './profiles-sync-person.js';
import { simulateBlock } from './profiles-sync-block.js';

/** One block to simulate: people [from, to). */
export interface BlockRequest {
  block: number;
  from: number;
  to: number;
}

const settings = workerData as PersonSettings;
const port = parentPort;
if (port) {
  port.on('message', (request: BlockRequest | null) => {
    if (request === null) {
      port.close();
      return;
    }
    const result = simulateBlock(settings, request.block, request.from, request.to);
    port.postMessage(result, result.data.map((d) => d.buffer as ArrayBuffer));
  });
}
