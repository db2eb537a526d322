/**
 * A Redis connection through Sentinel that is reconnecting — its master was killed, and it is asking
 * a Sentinel where the master is — when the Sentinels announce the new master (`+switch-master`).
 * ioredis's failover detector, left over from the connection's previous life, then closes the
 * connector under the pending attempt, and ioredis ends the connection for good: every limit
 * answered 503 rate_limiter_unavailable on that instance until it was replaced (the failover suite,
 * kill -9 of the Redis master, about one run in four). The connections the one factory makes
 * (platform/redis.ts) connect again by themselves.
 *
 * Made certain here rather than left to timing: the Sentinel the connection asks first is frozen
 * (SIGSTOP: it holds the question), the connection is dropped by the master, the failover is made
 * through another Sentinel, and the frozen one is thawed once the new master is announced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisFactory, whenReady } from '../../../src/platform/redis.ts';
import { startSentinelRedis, type SentinelRedis } from '../../helpers/redis-sentinel.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: SentinelRedis;
let dir: string;

async function until(what: string, probe: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms\n${redis.logs()}`);
    await sleep(20);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'partnergate-sentinel-reconnect-'));
  redis = await startSentinelRedis(dir);
  await redis.waitHealthy();
}, 90_000);

afterAll(async () => {
  await redis?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a Redis connection through Sentinel', () => {
  it('cut short by the failover announcement while it reconnects, connects again and writes to the new master', async () => {
    const target = { sentinels: redis.sentinels.split(',').map((s) => ({ host: '127.0.0.1', port: Number(s.split(':')[1]) })), masterName: redis.masterName, username: null, password: redis.password, sentinelUsername: null, sentinelPassword: redis.sentinelPassword };
    // the frozen Sentinel is waited on for 20 s rather than 1 s: the announcement lands while the attempt waits, every time
    const client = redisFactory(target, { sentinelCommandTimeout: 20_000 }, { commandTimeoutMs: 1000 })();
    const errors: string[] = [];
    client.on('error', (e: Error) => errors.push(e.message));
    try {
      expect(await whenReady(client, 10_000)).toBe(true);
      const old = (await redis.agreedMasterPort())!;
      expect(client.stream.remotePort).toBe(old);
      // the first Sentinel, which it asked, stops answering; the master drops the connection
      redis.freezeSentinel(0);
      await redis.say(old, ['CLIENT KILL TYPE normal']);
      await until('the connection reconnects', () => client.status !== 'ready', 5000);
      await redis.failoverThrough(1);
      const promoted = redis.nodePorts.find((p) => p !== old)!;
      await until('the other Sentinels announce the new master', async () => (await redis.masterNamedBy(1)) === promoted && (await redis.masterNamedBy(2)) === promoted, 15_000);
      await sleep(0);
      redis.thawSentinel(0);
      // within 10 s: the connection is on the new master and writes there
      await until(
        `the connection writes to the new master (status ${client.status}; errors: ${errors.slice(-3).join(' | ')})`,
        async () => client.status === 'ready' && client.stream.remotePort === promoted && (await client.set('planned', 'yes').catch(() => null)) === 'OK',
        10_000,
      );
      expect(await redis.say(promoted, ['GET planned'])).toContain('yes');
    } finally {
      redis.thawSentinel(0);
      client.disconnect();
    }
  }, 60_000);
});
