/**
 * A signature worker thread (see signature-pool.ts): holds the published public keys and checks
 * batches of access-token signatures. It sees signing inputs and signatures only — every claim
 * check stays on the gateway's thread.
 *
 * Messages in: `{ keys: [kid, alg, KeyObject][] }` (the whole key set, replacing the last one), or
 * `{ id, kids, tokens }` (one batch: the compact JWSs joined by newlines, one kid each). Out: `{ id, results }`, a Uint8Array with per job
 * 1 (valid), 0 (invalid) or 2 (no such key here: the gateway checks it itself).
 */
import { parentPort } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { checkJwsSignature, type JwsAlg } from './jws-signature.ts';

interface Batch {
  id: number;
  kids: string[];
  tokens: string;
}

let keys = new Map<string, { alg: JwsAlg; key: KeyObject }>();

parentPort!.on('message', (m: { keys: [string, JwsAlg, KeyObject][] } | Batch) => {
  if ('keys' in m) {
    keys = new Map(m.keys.map(([kid, alg, key]) => [kid, { alg, key }]));
    return;
  }
  const results = new Uint8Array(m.kids.length);
  let at = 0;
  for (let i = 0; i < results.length; i++) {
    const nl = m.tokens.indexOf('\n', at);
    const end = nl < 0 ? m.tokens.length : nl;
    const dot = m.tokens.lastIndexOf('.', end - 1);
    const k = keys.get(m.kids[i]);
    // the signing input is everything before the last dot (RFC 7515 §5.2), the signature after it
    results[i] = k === undefined || dot < at ? 2 : checkJwsSignature(k.alg, k.key, m.tokens.slice(at, dot), Buffer.from(m.tokens.slice(dot + 1, end), 'base64url')) ? 1 : 0;
    at = end + 1;
  }
  parentPort!.postMessage({ id: m.id, results });
});
