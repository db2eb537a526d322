/**
 * A Redis restarted without persistence forgets every rate-limit window:
 * without more, one agency token got 40 requests against its 20 per minute. The limiter notices
 * the reset (its epoch key is gone) and writes back what each instance admitted before deciding
 * again, so the window keeps its bound across the restart — with one instance, and with two that
 * each served part of the traffic. A warning is logged once per reset. The Redis is this suite's
 * own (test/helpers/own-redis.ts), restarted with --save "" --appendonly no; the clock is a
 * ManualClock, so every request falls in one window. Both databases.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '../../../src/app/build-app.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { Client } from '../../helpers/http.ts';
import { World } from '../../helpers/world.ts';
import type { TestApp } from '../../helpers/app.ts';
import { startOwnRedis, type OwnRedis } from '../../helpers/own-redis.ts';
import { agencyWithToken } from '../agencies/helpers.ts';

let redis: OwnRedis;
let db: TestDb;
const clock = new ManualClock('2026-12-01T10:00:00Z');
const instances: FastifyInstance[] = [];
const warnings: string[] = [];

/** An instance on the shared database and own Redis; its warnings are collected. */
async function instance(): Promise<FastifyInstance> {
  const config = testConfig({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'pgt:reset:' }, db.dataDir);
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number; msg: string };
        if (entry.level === 40) warnings.push(entry.msg);
      }
      done();
    },
  });
  // the test apps' command bound (helpers/app.ts): at load average 8 the default 500 ms refused a sign-in with 503 before any restart
  const app = await buildApp({ config, db: db.db, clock, redis: redisFactory(redis.url, {}, { commandTimeoutMs: config.redisCommandTimeoutMs }), logger: { level: 'warn', stream } });
  await app.ready();
  instances.push(app);
  return app;
}

beforeAll(async () => {
  redis = await startOwnRedis();
  db = await createTestDb();
}, 60_000);

afterAll(async () => {
  for (const app of instances) await app.close();
  await db?.drop();
  await redis?.stop();
});

/** Sends `n` embed requests round robin over `apps` (waiting out 503s while Redis comes back); counts the answers. */
async function send(apps: FastifyInstance[], token: string, n: number): Promise<{ admitted: number; refused: number }> {
  let admitted = 0;
  let refused = 0;
  const deadline = Date.now() + 30_000;
  for (let i = 0; admitted + refused < n; i++) {
    const r = await apps[i % apps.length].inject({ method: 'GET', url: '/embed/v1/form', headers: { authorization: `Bearer ${token}` } });
    if (r.statusCode === 200) admitted++;
    else if (r.statusCode === 429) refused++;
    else {
      expect([r.statusCode, r.json().code]).toEqual([503, 'rate_limiter_unavailable']);
      if (Date.now() > deadline) throw new Error('Redis did not come back');
      await new Promise((res) => setTimeout(res, 20));
    }
  }
  return { admitted, refused };
}

function asTestApp(app: FastifyInstance): TestApp {
  return { app, services: app.services, world: new World(app), client: () => new Client(app) } as unknown as TestApp;
}

describe('an agency token (20 per minute) across a Redis restart without persistence', () => {
  it('one instance: 10 before the restart, 10 after, never more than 20 in the window', async () => {
    const app = await instance();
    const a = await agencyWithToken(asTestApp(app));
    expect(await send([app], a.token, 10)).toEqual({ admitted: 10, refused: 0 });

    await redis.restart();
    expect(await send([app], a.token, 30)).toEqual({ admitted: 10, refused: 20 });
    expect(warnings.filter((w) => /Redis was reset/.test(w))).toHaveLength(1);
  }, 60_000);

  it('two instances that each served part of the window: both shares count after the restart', async () => {
    const [one, two] = [instances[0], await instance()];
    const a = await agencyWithToken(asTestApp(one));
    await two.services.feed.drain();
    expect(await send([one, two], a.token, 10)).toEqual({ admitted: 10, refused: 0 });
    const before = warnings.length;

    await redis.restart();
    // Each instance writes its share back as soon as it has reconnected; wait until both have.
    const probe = new Redis(redis.url);
    try {
      const deadline = Date.now() + 30_000;
      while ((await probe.zcard(`pgt:reset:rl:agency-token:${a.tokenId}`)) < 10) {
        if (Date.now() > deadline) throw new Error('the instances did not write their windows back');
        await new Promise((res) => setTimeout(res, 20));
      }
    } finally {
      probe.disconnect();
    }
    expect(await send([one, two], a.token, 30)).toEqual({ admitted: 10, refused: 20 });
    // once per reset and instance
    expect(warnings.slice(before).filter((w) => /Redis was reset/.test(w))).toHaveLength(2);
  }, 60_000);
});
