/**
 * A signature worker thread (see signature-pool.ts): holds the published public keys and checks
 * batches of access-token signatures. It sees signing inputs and signatures only — every claim
 * check stays on the gateway's thread.
 *
 * Messages in: `{ keys: [kid, alg, KeyObject][] }` (the whole key set, replacing the last one), or
 * `{ id, kids, inputs, sigs }` (one batch; each signature as its base64url segment). Out: `{ id, results }`, a Uint8Array with per job
 * 1 (valid), 0 (invalid) or 2 (no such key here: the gateway checks it itself).
 */
import { parentPort } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { checkJwsSignature, type JwsAlg } from './jws-signature.ts';

interface Batch {
  id: number;
  kids: string[];
  inputs: string[];
  sigs: string[];
}

let keys = new Map<string, { alg: JwsAlg; key: KeyObject }>();

parentPort!.on('message', (m: { keys: [string, JwsAlg, KeyObject][] } | Batch) => {
  if ('keys' in m) {
    keys = new Map(m.keys.map(([kid, alg, key]) => [kid, { alg, key }]));
    return;
  }
  const results = new Uint8Array(m.kids.length);
  for (let i = 0; i < results.length; i++) {
    const k = keys.get(m.kids[i]);
    results[i] = k === undefined ? 2 : checkJwsSignature(k.alg, k.key, m.inputs[i], Buffer.from(m.sigs[i], 'base64url')) ? 1 : 0;
  }
  parentPort!.postMessage({ id: m.id, results });
});
