/** A signature worker that takes its keys and then dies on the first batch (signature-pool.test.ts). */
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (m: object) => {
  if ('id' in m) process.exit(3);
});
