/**
 * GET /api/v1/partners/:id/home, on SQLite and (with DATABASE_URL) PostgreSQL:
 *   - a delegated partner sees the customers connected to its apps by name, with their accounts by
 *     number, and its apps' admitted gateway requests per day, customer and app — never another
 *     partner's customers or requests; another partner reads nothing of it (404)
 *   - a wholesaler sees its own account and customers; a staff member whose member role reads no
 *     billing gets no money figure at all (billing null, no amount anywhere in the answer)
 * And the notices: the bell counts a waiting link request once and the request's notice stops being
 * new when it is answered; an approved referral partner is not told it can ask customers for access;
 * the program summary's next payout is the operator overview's payout due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthApp, partnerWithApp, customer, codeFlowTokens, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { requestLink } from '../delegations/helpers.ts';
import { provisionCustomer } from '../plans/helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** `n` admitted gateway requests of the app's token for its customer. */
async function requests(token: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
  }
}

describe("a delegated partner's home", () => {
  it("lists its connected customers by name and counts its apps' requests, never another partner's", async () => {
    const a = await partnerWithApp(t, { name: 'Alpha Orders', scopes: ['openid', 'orders.read'] });
    const b = await partnerWithApp(t, { name: 'Beta Orders', scopes: ['openid', 'orders.read'] });
    const [c1, c2, c3] = [await customer(t), await customer(t), await customer(t)];
    await requests((await codeFlowTokens(t, a.clientId, a.secret, c1.admin, 'openid orders.read')).access_token, 3);
    await requests((await codeFlowTokens(t, a.clientId, a.secret, c2.admin, 'openid orders.read')).access_token, 2);
    await requests((await codeFlowTokens(t, b.clientId, b.secret, c3.admin, 'openid orders.read')).access_token, 4);
    await t.services.gateway.auditBuffer.flush();

    const owner = await a.partner.owner.login();
    const r = await owner.get(`/api/v1/partners/${a.partner.id}/home`);
    expect(r.status).toBe(200);
    expect(r.body.partner).toEqual({ name: a.partner.name, capabilities: ['delegated'] });
    expect(r.body.wholesale).toBeNull();
    const names = r.body.delegated.customers.map((c: { tenant_name: string }) => c.tenant_name).sort();
    expect(names).toEqual([c1.name, c2.name].sort());
    for (const c of r.body.delegated.customers) {
      expect(c).toMatchObject({ app_name: 'Alpha Orders', status: 'active' });
      expect(c.billing_accounts.every((n: string) => /^BAN-/.test(n))).toBe(true);
      expect(c.last_used_at === null || typeof c.last_used_at === 'string').toBe(true);
    }
    const usage = r.body.delegated.usage;
    expect(usage.total).toBe(5);
    expect(usage.days).toHaveLength(30);
    expect(usage.days.at(-1)).toMatchObject({ day: new Date().toISOString().slice(0, 10), requests: 5 });
    expect(usage.by_app).toEqual([{ name: 'Alpha Orders', requests: 5 }]);
    expect(usage.by_customer).toEqual([
      { name: c1.name, requests: 3 },
      { name: c2.name, requests: 2 },
    ]);
    // no id leaves: customers and apps by name only
    expect(JSON.stringify(r.body)).not.toMatch(/\b(?:tnt|ban|dlg|app)_[0-9a-z]{10,}/);
    expect(JSON.stringify(r.body)).not.toContain(c3.name);

    // the staff member reads the same; the other partner reads nothing of it
    const staff = await a.partner.staff.login();
    const s = await staff.get(`/api/v1/partners/${a.partner.id}/home`);
    expect(s.status).toBe(200);
    expect(s.body.delegated.usage.total).toBe(5);
    const other = await b.partner.owner.login();
    expect((await other.get(`/api/v1/partners/${a.partner.id}/home`)).status).toBe(404);
    const theirs = await other.get(`/api/v1/partners/${b.partner.id}/home`);
    expect(theirs.body.delegated.customers.map((c: { tenant_name: string }) => c.tenant_name)).toEqual([c3.name]);
    expect(theirs.body.delegated.usage.total).toBe(4);
    // and nobody signed out reads it
    expect((await t.client().get(`/api/v1/partners/${a.partner.id}/home`)).status).toBe(401);
  });
});

describe("a wholesaler's home", () => {
  it('shows its own account and customers; a member role without billing gets no money figure', async () => {
    const w = await t.world.partner({ capabilities: ['wholesale'] });
    const other = await t.world.partner({ capabilities: ['wholesale'] });
    const mine = await provisionCustomer(t, w);
    const theirs = await provisionCustomer(t, other);

    const owner = await w.owner.login();
    const r = await owner.get(`/api/v1/partners/${w.id}/home`);
    expect(r.status).toBe(200);
    expect(r.body.delegated).toBeNull();
    expect(r.body.wholesale.billing.accounts).toEqual([expect.objectContaining({ number: expect.stringMatching(/^BAN-/), name: `${w.name} — own account` })]);
    expect(r.body.wholesale.billing.invoices).toEqual([]);
    expect(r.body.wholesale.customers).toMatchObject({ total: 1, subscriptions: { none: 1, signing: 0, signed: 0, active: 0, suspended: 0 }, kyc_waiting: [], suspended: [] });
    expect(JSON.stringify(r.body)).not.toContain(theirs.name);
    expect(mine.name).toBeTruthy();

    // staff without a member role do the partner's full customer work, billing included
    const staff = await w.staff.login();
    expect((await staff.get(`/api/v1/partners/${w.id}/home`)).body.wholesale.billing).not.toBeNull();
    // a support member role reads no billing: no money at all, not zeros
    const set = await owner.put(`/api/v1/partners/${w.id}/members/${w.staff.id}/member-role`, { member_role: 'partner_msp_support' });
    expect([200, 204]).toContain(set.status);
    await t.services.feed.kick();
    const s = await staff.get(`/api/v1/partners/${w.id}/home`);
    expect(s.status).toBe(200);
    expect(s.body.wholesale.billing).toBeNull();
    expect(JSON.stringify(s.body)).not.toMatch(/cents|currency|BAN-/);
    expect(s.body.wholesale.customers.total).toBe(1);
  });
});

describe('notices', () => {
  it('the bell counts a waiting link request once, and its notice stops being new once answered', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const admin = await tenant.admin.login();
    const d = await requestLink(owner, partner.id, { tenant_slug: tenant.slug, justification: 'we run your network' });
    await t.services.notifications.worker.tick();
    const before = (await admin.get('/api/v1/me/notifications/counts')).body;
    expect(before.unread).toBe(1);
    expect(before.waiting.reduce((n: number, w: { count: number }) => n + w.count, 0)).toBe(1);
    expect(before.bell).toBe(1);

    expect((await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/approve`, {})).status).toBe(200);
    const after = (await admin.get('/api/v1/me/notifications/counts')).body;
    expect(after).toMatchObject({ unread: 0, waiting: [], bell: 0 });
  });

  it('an approved partner is told what its kinds can do: only those that ask customers for access hear that they can', async () => {
    const referral = await t.world.partner({ capabilities: ['referral'] });
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await t.services.notifications.worker.tick();
    const body = async (p: typeof referral) => ((await (await p.owner.login()).get('/api/v1/me/notifications')).body.data as { type: string; body: string; link: string }[]).find((n) => n.type === 'partner.approved');
    const r = await body(referral);
    expect(r?.body).toContain('share referral codes');
    expect(r?.body).not.toContain('ask customers for access');
    expect((await body(msp))?.body).toContain('ask customers for access');
  });
});
