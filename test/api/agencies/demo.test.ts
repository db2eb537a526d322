/** The demo world's agencies: a working token per demo tenant, printable again on every run, stored only as a hash. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../src/modules/demo/demo.seed.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('seed demo: agencies', () => {
  it('lists {tenant_slug, agency_id, name, token}; the same working token on a re-run, nothing written twice', { timeout: 120_000 }, async () => {
    const first = await seedDemo(t.services);
    const agencies = first.agencies as { tenant_slug: string; agency_id: string; name: string; token: string }[];
    expect(agencies.map((a) => a.tenant_slug).sort()).toEqual(['acme-fiber', 'beta-networks']);
    for (const a of agencies) {
      expect(a).toEqual({ tenant_slug: expect.any(String), agency_id: expect.stringMatching(/^agy_/), name: expect.any(String), token: expect.stringMatching(/^pgagt_[0-9A-Za-z]{49}$/) });
      const c = t.client();
      c.bearer = a.token;
      const form = await c.get('/embed/v1/form');
      expect(form.status).toBe(200);
      expect(form.body.agency).toEqual({ id: a.agency_id, name: a.name });
    }
    const rows = async () => t.services.db.kysely.selectFrom('partner_tokens').select(['id', 'token_hash']).orderBy('id').execute();
    const before = await rows();
    expect(before).toHaveLength(2);
    for (const a of agencies) expect(before.map((r) => r.token_hash)).toContain(t.services.hasher.hash(a.token));

    const second = await seedDemo(t.services);
    expect(second.agencies).toEqual(agencies);
    expect(await rows()).toEqual(before);
  });
});
