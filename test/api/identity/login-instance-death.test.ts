/**
 * A login in flight when its instance dies leaves nothing behind: two real
 * instances on one database and this suite's own Redis; LOGIN_MAX_ATTEMPTS logins with the right
 * password are sent to instance one and it is killed (SIGKILL) while their passwords are being
 * checked — once Redis has seen each of them look the email up. The right password then signs in
 * at instance two at once, instead of being refused for the rest of LOGIN_WINDOW by slots the dead
 * instance took and never gave back. Always PostgreSQL (startInstancePair).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { startOwnRedis, type OwnRedis } from '../../helpers/own-redis.ts';
import { HttpClient } from '../../helpers/server-process.ts';
import type { TestUser } from '../../helpers/world.ts';

let redis: OwnRedis;
let pair: InstancePair;
let user: TestUser;

beforeAll(async () => {
  redis = await startOwnRedis();
  // SCRYPT_COST 16: the user's password takes long enough to check (tens of ms at least) that
  // instance one is killed while the checks run.
  pair = await startInstancePair({
    name: 'login-death',
    env: { REDIS_URL: redis.url, LOGIN_MAX_ATTEMPTS: '3', SCRYPT_COST: '16' },
    before: async (world) => {
      user = await world.user();
    },
  });
}, 180_000);

afterAll(async () => {
  await pair?.close();
  await redis?.stop();
});

describe('an instance dies with logins in flight', () => {
  it('the right password still signs in on another instance at once', async () => {
    // MONITOR is on once this resolves: every command Redis runs from then on is seen
    const monitor = await new Redis(redis.url).monitor();
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<void>((resolve, reject) => {
      let n = 0;
      // commands the instance sent (not those a script ran inside Redis) naming the account
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua' && args.some((a) => a.includes(`login:email:${user.email}`)) && ++n === 3) resolve();
      });
      timer = setTimeout(() => reject(new Error('Redis never saw the logins')), 30_000);
    });
    const inFlight = Array.from({ length: 3 }, () => new HttpClient(pair.one.base).req('POST', '/api/v1/auth/login', { email: user.email, password: user.password }).catch(() => null));
    try {
      await seen;
    } finally {
      clearTimeout(timer);
      monitor.disconnect();
    }
    await pair.one.stop({ hard: true });
    await Promise.all(inFlight);

    const r = await new HttpClient(pair.two.base).req('POST', '/api/v1/auth/login', { email: user.email, password: user.password });
    expect(r.status).toBe(200);
  }, 60_000);
});
