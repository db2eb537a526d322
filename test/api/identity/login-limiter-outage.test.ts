/**
 * Login throttling counts attempts in Redis when REDIS_URL is set. When Redis cannot be reached,
 * a sign-in is not checked at all (its attempt could not be counted): 503
 * rate_limiter_unavailable with Retry-After — never a 429, never a 500. Always with Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ redis: true });
});
afterAll(() => t.close());

describe('login throttling with Redis down', () => {
  it('answers 503 rate_limiter_unavailable, for the right password too, and signs in again once Redis is back', async () => {
    const tenant = await t.world.tenant();
    const c = t.client();
    const ok = await c.post('/api/v1/auth/login', { email: tenant.admin.email, password: tenant.admin.password });
    expect(ok.status).toBe(200);
    for (const r of t.services.redisClients) r.disconnect();
    for (const password of ['wrong password entirely', tenant.admin.password]) {
      const r = await t.client().post('/api/v1/auth/login', { email: tenant.admin.email, password });
      expect([r.status, r.body.code]).toEqual([503, 'rate_limiter_unavailable']);
      expect(r.headers['retry-after']).toBe('1');
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    // a closed connection may still be closing (the refusals above did not wait for it)
    for (const r of t.services.redisClients) {
      if (r.status !== 'end') await new Promise((resolve) => r.once('end', resolve));
      await r.connect();
    }
    expect((await t.client().post('/api/v1/auth/login', { email: tenant.admin.email, password: tenant.admin.password })).status).toBe(200);
  });
});
