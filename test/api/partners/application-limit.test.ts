import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { unique } from '../../helpers/world.ts';

let t: TestApp;
const clock = new ManualClock('2026-03-02T10:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

const application = () => {
  const slug = unique('apl');
  return { name: `Partner ${slug}`, slug, contact_email: `${slug}@example.test`, owner: { name: 'Owner', email: `${slug}-o@example.test`, password: 'owner passphrase 1' } };
};

describe('partner applications are limited per address, on the shared rate limiter', () => {
  it('takes 10 in any rolling hour, refuses the 11th with 429 rate_limited and Retry-After, and takes more once the hour has passed', async () => {
    const anon = new Client(t.app);
    for (let i = 0; i < 10; i++) {
      const r = await anon.post('/api/v1/partner-applications', application());
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.headers['ratelimit-policy']).toBe('"application";q=10;w=3600');
    }
    const refused = await anon.post('/api/v1/partner-applications', application());
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.detail).toMatch(/^Too many applications from this address\. Try again in \d+ seconds\.$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);

    clock.advance(3_600_000);
    expect((await anon.post('/api/v1/partner-applications', application())).status).toBe(201);
  });
});
