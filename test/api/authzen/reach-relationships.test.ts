/**
 * Every relationship the gateway lets act on a customer counts in AuthZEN and in the access reviews,
 * and the reviews say which one: a distributor reading Beta's invoices through its reseller's link
 * (Beta's "Who has access", the operator's review of Beta and of the distributor), and a partner
 * whose app holds Acme's consent (AuthZEN evaluation and both searches with that partner as the
 * subject, Acme's review, the operator's review of the partner). Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { apiToken, consentClaims, consentedApp, gw, link, loginAs, mintToken } from '../gateway/helpers.ts';
import { Client } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let operator: Client;
let dist: RegisteredApp;
let holder: RegisteredApp;
let reseller: TestPartner;
let beta: TestTenant;
let acme: TestTenant;
let resellerLink: string;
let consent: Awaited<ReturnType<typeof consentedApp>>;
const tokens = new Map<string, string>();

const asTestApp = () => t as unknown as TestApp;

interface Through {
  kind: string;
  delegation_id: string;
  reseller: { id: string; name: string } | null;
  app: { id: string; name: string } | null;
}
interface PartnerEntry {
  partner: { id: string };
  permissions: string[];
  through: Through[];
}

async function pdpToken(a: RegisteredApp): Promise<string> {
  const r = await tokenRequest(t, a, { grant_type: 'client_credentials', scope: 'authzen.evaluate' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return String(r.body.access_token);
}

function pdp(a: RegisteredApp): Client {
  const c = new Client(t.app);
  c.bearer = tokens.get(a.partner.id)!;
  return c;
}

beforeAll(async () => {
  t = await startOAuthApp();
  operator = await loginAs(asTestApp(), await t.world.operator());
  dist = await partnerWithApp(t, { capabilities: ['managed_services', 'wholesale'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
  holder = await partnerWithApp(t, { capabilities: ['delegated'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
  reseller = await t.world.partner({ capabilities: ['managed_services'] });
  [beta, acme] = await Promise.all([t.world.tenant({ bans: 1 }), t.world.tenant({ bans: 1 })]);
  const placed = await operator.put(`/api/v1/partners/${reseller.id}/distributor`, { distributor_id: dist.partner.id });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  resellerLink = (await link(asTestApp(), reseller, beta, { role: 'MSP_FULL' })).id;
  const admin = await loginAs(asTestApp(), beta.admin);
  const on = await admin.put(`/api/v1/tenants/${beta.id}/reseller-links/${resellerLink}/distributor-access`, { allowed: true });
  expect(on.status, JSON.stringify(on.body)).toBe(200);
  consent = await consentedApp(asTestApp(), { tenant: acme, partner: holder.partner, scopes: ['orders.read', 'billing.invoices.read'], banIds: null });
  await t.services.feed.drain();
  for (const a of [dist, holder]) tokens.set(a.partner.id, await pdpToken(a));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('a distributor reading through its reseller', () => {
  it("the gateway lets the distributor's people read Beta's invoices", async () => {
    const token = await apiToken(asTestApp(), dist.partner.owner);
    const r = await gw(asTestApp(), 'GET', '/resources/v1/invoices', { token, headers: { 'x-active-tenant-id': beta.id } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it("is on Beta's own page and on the operator's review of Beta, through its reseller, named", async () => {
    const admin = await loginAs(asTestApp(), beta.admin);
    const own = await admin.get<{ data: PartnerEntry[] }>(`/api/v1/tenants/${beta.id}/access-review`);
    expect(own.status).toBe(200);
    const entry = own.body.data.find((x) => x.partner.id === dist.partner.id);
    expect(entry, JSON.stringify(own.body)).toBeDefined();
    expect(entry!.permissions).toContain('billing.invoices.read');
    expect(entry!.through).toEqual([{ kind: 'link', delegation_id: resellerLink, reseller: { id: reseller.id, name: reseller.name }, app: null }]);
    // the reseller itself, through its own link
    expect(own.body.data.find((x) => x.partner.id === reseller.id)?.through).toEqual([{ kind: 'link', delegation_id: resellerLink, reseller: null, app: null }]);
    const op = await operator.get<{ data: PartnerEntry[] }>(`/api/v1/access-review/tenants/${beta.id}`);
    expect(op.body).toEqual(own.body);
  });

  it("the operator's review of the distributor lists Beta with the same words", async () => {
    const r = await operator.get<{ data: { tenant: { id: string }; through: Through[] }[] }>(`/api/v1/access-review/partners/${dist.partner.id}`);
    expect(r.body.data.map((x) => x.tenant.id)).toEqual([beta.id]);
    expect(r.body.data[0].through[0].reseller).toEqual({ id: reseller.id, name: reseller.name });
  });
});

describe("a partner holding the customer's consent", () => {
  it("the gateway lets its app's token read Acme's orders", async () => {
    const token = await mintToken(asTestApp(), consentClaims(consent, acme, [0], null));
    const r = await gw(asTestApp(), 'GET', '/resources/v1/orders', { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('AuthZEN with the partner as the subject: allowed on Acme within the consent, found by both searches', async () => {
    const c = pdp(holder);
    const subject = { type: 'partner', id: holder.partner.id };
    const resource = { type: 'tenant', id: acme.id };
    const yes = await c.post('/access/v1/evaluation', { subject, action: { name: 'orders.read' }, resource });
    expect([yes.status, yes.body]).toEqual([200, { decision: true }]);
    // beyond what the consent grants: the consent's own refusal (as the gateway answers its app), not "no delegation"
    const no = await c.post<{ decision: boolean; context: { code: string } }>('/access/v1/evaluation', { subject, action: { name: 'orders.create' }, resource });
    expect([no.body.decision, no.body.context.code]).toEqual([false, 'permission_denied']);
    const found = await c.post<{ results: { id: string }[] }>('/access/v1/search/resource', { subject, action: { name: 'orders.read' }, resource: { type: 'tenant' } });
    expect(found.body.results.map((x) => x.id)).toEqual([acme.id]);
    const who = await c.post<{ results: { id: string }[] }>('/access/v1/search/subject', { subject: { type: 'partner' }, action: { name: 'orders.read' }, resource });
    expect(who.body.results.map((x) => x.id)).toEqual([holder.partner.id]);
  });

  it("is on Acme's review by the customer's consent to its app, and the operator's review of the partner shows Acme", async () => {
    const admin = await loginAs(asTestApp(), acme.admin);
    const own = await admin.get<{ data: PartnerEntry[] }>(`/api/v1/tenants/${acme.id}/access-review`);
    const entry = own.body.data.find((x) => x.partner.id === holder.partner.id);
    expect(entry, JSON.stringify(own.body)).toBeDefined();
    expect(entry!.permissions).toEqual(['billing.invoices.read', 'orders.read']);
    expect(entry!.through).toEqual([{ kind: 'consent', delegation_id: consent.delegationId, reseller: null, app: { id: consent.clientId, name: `App ${holder.partner.slug}` } }]);
    expect((await operator.get(`/api/v1/access-review/tenants/${acme.id}`)).body).toEqual(own.body);
    const op = await operator.get<{ data: { tenant: { id: string }; permissions: string[] }[]; total: number }>(`/api/v1/access-review/partners/${holder.partner.id}`);
    expect(op.body.total).toBe(1);
    expect(op.body.data[0]).toMatchObject({ tenant: { id: acme.id }, permissions: ['billing.invoices.read', 'orders.read'] });
  });

  it('a revoked consent is gone from AuthZEN and the reviews on the next request', async () => {
    const admin = await loginAs(asTestApp(), acme.admin);
    const revoke = await admin.post(`/api/v1/tenants/${acme.id}/delegations/${consent.delegationId}/revoke`, { reason: 'app retired' });
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(200);
    const r = await pdp(holder).post<{ decision: boolean; context: { code: string } }>('/access/v1/evaluation', { subject: { type: 'partner', id: holder.partner.id }, action: { name: 'orders.read' }, resource: { type: 'tenant', id: acme.id } });
    expect([r.body.decision, r.body.context.code]).toEqual([false, 'delegation_revoked']);
    const own = await admin.get<{ data: PartnerEntry[] }>(`/api/v1/tenants/${acme.id}/access-review`);
    expect(own.body.data.map((x) => x.partner.id)).not.toContain(holder.partner.id);
  });
});
