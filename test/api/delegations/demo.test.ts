/** The demo world's MSP links: Fabrikam MSP manages Acme Fiber, and waits for Beta Networks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { seedDemo } from '../../../src/demo/demo.seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('seed demo: delegations', () => {
  it('gives Fabrikam MSP an active MSP_FULL link to acme-fiber (among its customers) and a pending request to beta-networks, idempotently', async () => {
    const first = await seedDemo(t.services);
    const again = await seedDemo(t.services);
    expect(again.delegations).toEqual(first.delegations);
    // (the MSP workspace's demo adds more managed customers, each with an active link of its own)
    expect(first.delegations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ partner: 'fabrikam-msp', tenant: 'acme-fiber', role: 'MSP_FULL', status: 'active' }),
        expect.objectContaining({ partner: 'fabrikam-msp', tenant: 'beta-networks', status: 'requested' }),
      ]),
    );
    const links = first.delegations as { tenant: string; status: string }[];
    expect(links.filter((d) => d.status !== 'active').map((d) => d.tenant)).toEqual(['beta-networks']);

    const fabrikam = first.partners.find((p) => p.slug === 'fabrikam-msp')!;
    const acme = first.tenants.find((x) => x.slug === 'acme-fiber')!;
    const beta = first.tenants.find((x) => x.slug === 'beta-networks')!;
    const staff = await t.client().login(fabrikam.staff.email, fabrikam.staff.password);
    const ok = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': acme.id });
    expect(ok.body).toMatchObject({ tenant_id: acme.id, via: 'delegation', role: 'MSP_FULL' });
    const pending = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': beta.id });
    expect([pending.status, pending.body.code]).toEqual([403, 'delegation_pending']);
    const bianca = await t.client().login(beta.admin.email, beta.admin.password);
    const list = await bianca.get(`/api/v1/tenants/${beta.id}/delegations?status=requested`);
    expect(list.body.data.map((d: { partner: { slug: string } }) => d.partner.slug)).toEqual(['fabrikam-msp']);
  });
});
