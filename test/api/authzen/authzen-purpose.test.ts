/**
 * AuthZEN naming the purpose of the call (context.purpose): the answer is the gateway's for a
 * route that serves that purpose — allowed only when the access the partner acts through holds
 * it, refused with purpose_required otherwise, and refused from the next question once the
 * customer revokes it. The same partner, customer and consent are asked at the gateway and at
 * AuthZEN, over HTTP, and the answers are compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { consentClaims, ends, gw, link, loginAs, mintToken } from '../gateway/helpers.ts';
import { Client, type Problem } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let pdp: RegisteredApp;
let token: string;
const asTestApp = () => t as unknown as TestApp;
const SCOPES = ['orders.read', 'billing.invoices.read'];

beforeAll(async () => {
  t = await startOAuthApp();
  pdp = await partnerWithApp(t, { capabilities: ['delegated', 'managed_services'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
  const r = await tokenRequest(t, pdp, { grant_type: 'client_credentials', scope: 'authzen.evaluate' });
  expect(r.status).toBe(200);
  token = String(r.body.access_token);
  const operator = await loginAs(asTestApp(), await t.world.operator());
  const route = await operator.put<'/api/v1/gateway-routes/purpose'>('/api/v1/gateway-routes/purpose', { method: 'GET', pattern: '/resources/v1/invoices', purpose_id: 'billing_management' });
  expect([route.status, route.body.purpose]).toEqual([200, 'billing_management']);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

function pep(): Client {
  const c = new Client(t.app);
  c.bearer = token;
  return c;
}

const ask = (tenant: TestTenant, purpose?: unknown) => ({
  subject: { type: 'partner', id: pdp.partner.id },
  action: { name: 'billing.invoices.read' },
  resource: { type: 'tenant', id: tenant.id },
  ...(purpose === undefined ? {} : { context: { purpose } }),
});

async function evaluate(body: unknown): Promise<{ decision: boolean; context?: { code: string; reason: string } }> {
  const r = await pep().post('/access/v1/evaluation', body);
  expect(r.status).toBe(200);
  return r.body as { decision: boolean; context?: { code: string; reason: string } };
}

/** The customer's consent to an app of the PDP's partner, for these purposes, and a token bound to it. */
async function consent(tenant: TestTenant, purposes: string[]): Promise<{ delegationId: string; token: string }> {
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: pdp.partner.id } };
  const { app } = await t.services.apps.create(ctx, pdp.partner.id, { name: `Ordering ${tenant.id.slice(-4)}`, grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scopes: SCOPES });
  const d = await t.services.delegations.create(t.world.ctx, {
    partnerId: pdp.partner.id,
    tenantId: tenant.id,
    origin: 'consent',
    role: 'DELEGATE',
    scopes: SCOPES,
    overrides: { grant: SCOPES, deny: [] },
    banIds: [tenant.bans[0].id],
    billToBanId: tenant.bans[0].id,
    clientId: app.id,
    endsAt: ends(),
    purposes,
  });
  await t.services.feed.drain();
  const claims = consentClaims({ partner: pdp.partner, clientId: app.id, delegationId: d.id, scopes: SCOPES }, tenant);
  return { delegationId: d.id, token: await mintToken(asTestApp(), { ...claims, purpose: purposes }) };
}

describe('AuthZEN with the purpose of the call', () => {
  it('answers as the gateway does on a route for that purpose, and follows the customer revoking it', async () => {
    const tenant = await t.world.tenant();
    const c = await consent(tenant, ['billing_management', 'ordering_on_behalf']);
    // the gateway admits the consent's token on the route for billing management; AuthZEN agrees
    expect((await gw(asTestApp(), 'GET', '/resources/v1/invoices', { token: c.token })).status).toBe(200);
    expect(await evaluate(ask(tenant, 'billing_management'))).toEqual({ decision: true });
    // a purpose the customer never granted: refused, in the purpose rule's words
    expect(await evaluate(ask(tenant, 'fraud_prevention'))).toEqual({
      decision: false,
      context: { code: 'purpose_required', reason: 'The access was not granted for the purpose this route requires' },
    });

    const admin = await loginAs(asTestApp(), tenant.admin);
    const r = await admin.post<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/purposes/{purpose_id}/revoke'>(`/api/v1/tenants/${tenant.id}/delegations/${c.delegationId}/purposes/billing_management/revoke`);
    expect([r.status, r.body.purposes]).toEqual([200, ['ordering_on_behalf']]);
    await t.services.feed.drain();
    // from the next request: the gateway refuses the same token, AuthZEN refuses the purpose, the rest stands
    const refused = await gw(asTestApp(), 'GET', '/resources/v1/invoices', { token: c.token });
    expect([refused.status, refused.body.code]).toEqual([403, 'purpose_revoked']);
    expect((await evaluate(ask(tenant, 'billing_management'))).decision).toBe(false);
    expect((await evaluate(ask(tenant, 'ordering_on_behalf'))).decision).toBe(true);
    // without a purpose the question is the reach question, as before
    expect((await evaluate(ask(tenant))).decision).toBe(true);
  });

  it('a link granted for no purpose reaches the customer, but not for a purpose; the searches say the same', async () => {
    const held = await t.world.tenant();
    const bare = await t.world.tenant();
    await consent(held, ['billing_management']);
    await link(asTestApp(), pdp.partner, bare, { role: 'MSP_FULL' });
    expect((await evaluate(ask(bare))).decision).toBe(true);
    expect(await evaluate(ask(bare, 'billing_management'))).toMatchObject({ decision: false, context: { code: 'purpose_required' } });

    const search = async (context?: Record<string, unknown>) => {
      const s = await pep().post('/access/v1/search/resource', { subject: { type: 'partner', id: pdp.partner.id }, action: { name: 'billing.invoices.read' }, resource: { type: 'tenant' }, ...(context ? { context } : {}), page: { limit: 1000 } });
      expect(s.status).toBe(200);
      return (s.body.results as { id: string }[]).map((x) => x.id);
    };
    const all = await search();
    expect(all).toEqual(expect.arrayContaining([held.id, bare.id]));
    const forBilling = await search({ purpose: 'billing_management' });
    expect(forBilling).toContain(held.id);
    expect(forBilling).not.toContain(bare.id);

    // many evaluations: the top-level context is each item's default, an item's own context wins
    const many = await pep().post('/access/v1/evaluations', {
      subject: { type: 'partner', id: pdp.partner.id },
      action: { name: 'billing.invoices.read' },
      context: { purpose: 'billing_management' },
      evaluations: [{ resource: { type: 'tenant', id: held.id } }, { resource: { type: 'tenant', id: bare.id } }, { resource: { type: 'tenant', id: bare.id }, context: {} }],
    });
    expect(many.status).toBe(200);
    expect((many.body.evaluations as { decision: boolean }[]).map((e) => e.decision)).toEqual([true, false, true]);
  });

  it('a purpose that is not in the catalog is a bad request (problem+json), not a denial', async () => {
    const tenant = await t.world.tenant();
    for (const purpose of ['not_a_purpose', 42, ['billing_management'], 'dpv:FraudPreventionAndDetection']) {
      const r = await pep().post('/access/v1/evaluation', ask(tenant, purpose));
      expect(r.status).toBe(400);
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
      const p = r.body as unknown as Problem;
      expect(p.code).toBe('authzen_purpose_unknown');
      expect(p.errors?.map((e) => e.pointer)).toEqual(['/body/context/purpose']);
    }
    const item = await pep().post('/access/v1/evaluations', { subject: { type: 'partner', id: pdp.partner.id }, action: { name: 'billing.invoices.read' }, evaluations: [{ resource: { type: 'tenant', id: tenant.id }, context: { purpose: 'nope' } }] });
    const ip = item.body as unknown as Problem;
    expect([item.status, ip.code, ip.errors?.map((e) => e.pointer)]).toEqual([400, 'authzen_purpose_unknown', ['/body/evaluations/0/context/purpose']]);
  });
});
