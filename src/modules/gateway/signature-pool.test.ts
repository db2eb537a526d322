import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SignaturePool } from './signature-pool.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signed = (input: string) => sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');

describe('SignaturePool', () => {
  let pool: SignaturePool;
  afterEach(() => pool.close());

  it('checks signatures on a worker, and says "check it yourself" for a key it was not given', async () => {
    pool = new SignaturePool({ threads: 1 });
    pool.setKeys([['k1', { alg: 'ES256', key: publicKey }]]);
    const jobs = Array.from({ length: 10 }, (_, i) => `h.p${i}`);
    const answers = await Promise.all(jobs.map((input, i) => pool.verify('k1', `${input}.${i % 2 ? signed(input) : signed('other')}`)));
    expect(answers).toEqual(jobs.map((_, i) => i % 2 === 1));
    expect(await pool.verify('k-unknown', `h.p.${signed('h.p')}`)).toBeNull();
    expect(pool.threads).toBe(1);
  });

  it('answers null for what a dying worker held, and for everything once workers keep dying', async () => {
    const errors: unknown[] = [];
    const crashing = new URL('./signature-pool.crashing-worker.ts', import.meta.url);
    pool = new SignaturePool({ threads: 1, onError: (e) => errors.push(e), workerUrl: crashing });
    pool.setKeys([['k1', { alg: 'ES256', key: publicKey }]]);
    for (let round = 0; round < 4; round++) {
      // the worker dies holding the batch: its jobs come back as null (the caller verifies), and the next job starts another worker
      expect(await pool.verify('k1', `a.b.${signed('a.b')}`)).toBeNull();
      expect(errors.length).toBe(round + 1);
      expect(String(errors[round])).toMatch(/exited with code 3/);
    }
    expect(pool.verify('k1', `a.b.${signed('a.b')}`)).toBeNull(); // given up: no more workers
    expect(pool.threads).toBe(0);
  });

  it('answers every job of a burst larger than a batch, the ones that waited for an answer too', async () => {
    pool = new SignaturePool({ threads: 1, maxBatch: 4 });
    pool.setKeys([['k1', { alg: 'ES256', key: publicKey }]]);
    // 4 per message, at most two messages out: 30 jobs leave in eight messages, as answers come back
    const inputs = Array.from({ length: 30 }, (_, i) => `h.p${i}`);
    const answers = await Promise.all(inputs.map((input, i) => pool.verify('k1', `${input}.${i % 3 ? signed(input) : signed('other')}`)));
    expect(answers).toEqual(inputs.map((_, i) => i % 3 !== 0));
  });

  it('answers null for the jobs waiting behind a worker that dies (none is left hanging)', async () => {
    const crashing = new URL('./signature-pool.crashing-worker.ts', import.meta.url);
    pool = new SignaturePool({ threads: 1, maxBatch: 2, workerUrl: crashing });
    pool.setKeys([['k1', { alg: 'ES256', key: publicKey }]]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => pool.verify('k1', `a.b.${signed('a.b')}`)));
    expect(answers).toEqual(Array.from({ length: 10 }, () => null));
  });

  it('refuses more than maxPending jobs at once (the caller verifies the rest)', async () => {
    pool = new SignaturePool({ threads: 1, maxPending: 3 });
    pool.setKeys([['k1', { alg: 'ES256', key: publicKey }]]);
    const taken = [0, 1, 2].map(() => pool.verify('k1', `a.b.${signed('a.b')}`));
    expect(pool.verify('k1', `a.b.${signed('a.b')}`)).toBeNull();
    expect(await Promise.all(taken)).toEqual([true, true, true]);
    expect(pool.verify('k1', `a.b.${signed('a.b')}`)).not.toBeNull();
  });
});
