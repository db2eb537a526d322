/**
 * 20 requests per token in any rolling minute (counted in Redis when REDIS_URL is set), driven by
 * a ManualClock instead of sleeping: the 21st is a 429 with the exact Retry-After, a request after
 * that wait is admitted again, and refused requests do not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { FallbackRateLimiter, MemoryRateLimiter } from '../../../src/platform/ratelimit/index.ts';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';
import { REDIS_URL, startTestApp, type TestApp } from '../../helpers/app.ts';
import { TEST_SECRET } from '../../helpers/config.ts';
import { agencyWithToken } from './helpers.ts';

let t: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  clock = new ManualClock('2026-02-09T09:00:00.000Z');
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

describe('20 requests per minute per token', () => {
  it('refuses the 21st inside a rolling minute with 429 + Retry-After, and admits again once the wait has passed', async () => {
    const a = await agencyWithToken(t);
    // 20 requests, one every 1.5 s: at 0 s … 28.5 s, of every kind the form makes
    for (let i = 0; i < 20; i++) {
      const r = i % 3 === 0 ? await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' }) : i % 3 === 1 ? await a.embed.get('/embed/v1/form') : await a.embed.get('/embed/v1/vouchers/VCH-0000-0000-0000');
      expect(r.status, `request ${i + 1}`).toBe(i % 3 === 0 ? 201 : i % 3 === 1 ? 200 : 404);
      expect(r.headers['ratelimit-policy']).toBe('"agency";q=20;w=60');
      expect(r.headers['ratelimit']).toMatch(new RegExp(`^"agency";r=${19 - i};t=\\d+$`));
      clock.advance(1_500);
    }
    // now = 30 s; the first request (0 s) leaves the window at 60 s → 30 s to wait
    const refused = await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429, retry_after: 30 });
    expect(refused.body.detail).toMatch(/20 requests per minute.*30 seconds/);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.headers['ratelimit']).toBe('"agency";r=0;t=30');
    expect(refused.headers['access-control-allow-origin']).toBe('*');

    // refused requests are not counted: hammering does not push the reopening further away
    clock.advance(10_000);
    for (let i = 0; i < 5; i++) {
      const r = await a.embed.get('/embed/v1/form');
      expect(r.status).toBe(429);
      expect(r.headers['retry-after']).toBe('20');
    }
    // nor are they a "use": last_used_at is the last admitted request (28.5 s), not the refusals (40 s)
    const lastUsed = async () => {
      await t.services.agencies.usage.flush();
      return (await t.services.db.kysely.selectFrom('partner_tokens').select('last_used_at').where('id', '=', a.tokenId).executeTakeFirstOrThrow()).last_used_at;
    };
    expect(await lastUsed()).toBe('2026-02-09T09:00:28.500Z');
    // one millisecond before the wait ends: still refused, with a 1 s wait
    clock.advance(19_999);
    const almost = await a.embed.get('/embed/v1/form');
    expect(almost.status).toBe(429);
    expect(almost.headers['retry-after']).toBe('1');
    // the wait has passed: admitted again — exactly one slot freed
    clock.advance(1);
    const again = await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' });
    expect(again.status).toBe(201);
    expect(await lastUsed()).toBe('2026-02-09T09:01:00.000Z');
    expect(again.headers['ratelimit']).toBe('"agency";r=0;t=2'); // the next slot frees when the 1.5 s request leaves
    clock.advance(500);
    const next = await a.embed.get('/embed/v1/form');
    expect(next.status).toBe(429);
    expect(next.headers['retry-after']).toBe('1'); // at 61.5 s
    expect(await lastUsed()).toBe('2026-02-09T09:01:00.000Z');

    // only the admitted issuances were written
    const n = await t.services.db.kysely.selectFrom('vouchers').select((eb) => eb.fn.countAll<number>().as('n')).where('partner_agency_id', '=', a.agencyId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(7 + 1);
  });

  it('is a rolling window, not a fixed one: a burst at the end of one minute and the start of the next cannot exceed 20', async () => {
    const a = await agencyWithToken(t);
    clock.set('2026-02-09T10:00:50.000Z'); // 10 s before a minute boundary
    let admitted = 0;
    for (let i = 0; i < 20; i++) if ((await a.embed.get('/embed/v1/form')).status === 200) admitted++;
    clock.set('2026-02-09T10:01:05.000Z'); // a "new minute" for a fixed-window counter
    for (let i = 0; i < 20; i++) if ((await a.embed.get('/embed/v1/form')).status === 200) admitted++;
    expect(admitted).toBe(20);
  });

  it('counts each token on its own; the admin API is not limited by it', async () => {
    const a = await agencyWithToken(t);
    const b = await agencyWithToken(t, { tenant: a.tenant, admin: a.admin });
    for (let i = 0; i < 20; i++) expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
    expect((await a.embed.get('/embed/v1/form')).status).toBe(429);
    if (process.env.REDIS_URL) {
      // shared by every instance: the admitted requests are in Redis, one sorted-set member each
      expect(t.services.rateLimiter).toBeInstanceOf(FallbackRateLimiter);
      const r = redisFactory(REDIS_URL)();
      try {
        expect(await r.zcard(`${t.services.config.redisKeyPrefix}rl:agency-token:${a.tokenId}`)).toBe(20);
      } finally {
        r.disconnect();
      }
    } else {
      expect(t.services.rateLimiter).toBeInstanceOf(MemoryRateLimiter);
    }
    expect((await b.embed.get('/embed/v1/form')).status).toBe(200);
    expect((await a.admin.get(`/api/v1/tenants/${a.tenant.id}/agencies`)).status).toBe(200);
    // rotation keeps the token id, so it does not reset the count
    const rotated = await a.admin.post(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/rotate`);
    a.embed.bearer = rotated.body.token;
    expect((await a.embed.get('/embed/v1/form')).status).toBe(429);
  });

  it('does not count requests it could not authenticate', async () => {
    const a = await agencyWithToken(t);
    const bad = t.client();
    bad.bearer = a.token.slice(0, -1) + (a.token.endsWith('a') ? 'b' : 'a');
    for (let i = 0; i < 30; i++) expect((await bad.get('/embed/v1/form')).status).toBe(401);
    expect((await a.embed.get('/embed/v1/form')).headers['ratelimit']).toMatch(/^"agency";r=19;/);
  });
});

describe('the limit is fixed by the agency embed requirement, not a setting', () => {
  it('refuses RATE_LIMITS that try to change it, naming the setting; the other classes stay configurable', () => {
    const env = { SECRET_KEY: TEST_SECRET };
    for (const limits of ['{"agency": 1000}', '{"agency": 20}', '{"read": 100, "agency": 5}', '{"ptr_01jd9x0a8q4m7w2k3v5b6c8d9e:agency": 50}']) {
      let err: unknown;
      try {
        loadConfig({ ...env, RATE_LIMITS: limits });
      } catch (e) {
        err = e;
      }
      expect(err, limits).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).toMatch(/RATE_LIMITS.*agency embed tokens are fixed at 20 requests per minute/);
    }
    const cfg = loadConfig({ ...env, RATE_LIMITS: '{"read": 100}' });
    expect(cfg.rateLimits.read).toBe(100);
    expect(cfg.rateLimits).not.toHaveProperty('agency');
  });

  it('is 20 whatever the configuration says about other classes', async () => {
    const generous = await startTestApp({ config: { RATE_LIMITS: JSON.stringify({ read: 100_000, write: 100_000, default: 100_000, partner: 100_000 }) } });
    try {
      const a = await agencyWithToken(generous);
      const form = await a.embed.get('/embed/v1/form');
      expect(form.body.rate_limit).toEqual({ limit: 20, window_seconds: 60 });
      expect(form.headers['ratelimit-policy']).toBe('"agency";q=20;w=60');
    } finally {
      await generous.close();
    }
  });
});
