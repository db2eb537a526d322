/**
 * Purpose-bound consent at the gateway: the operator marks routes as requiring a purpose of the
 * catalog; a partner app's token is admitted on such a route only when the customer granted the
 * access for that purpose (the token's `purpose` claim) and has not revoked it since (the
 * delegation's purposes, followed by every instance through the change feed). Revoking one
 * purpose leaves the others; each access event names the purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { consentClaims, ends, gw, loginAs, mintToken } from '../gateway/helpers.ts';

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp();
  operator = await loginAs(t, await t.world.operator());
  for (const [pattern, purpose_id] of [
    ['/resources/v1/invoices', 'billing_management'],
    ['/resources/v1/orders', 'ordering_on_behalf'],
  ]) {
    const r = await operator.put<'/api/v1/gateway-routes/purpose'>('/api/v1/gateway-routes/purpose', { method: 'GET', pattern, purpose_id });
    expect([r.status, r.body.purpose]).toEqual([200, purpose_id]);
  }
});
afterAll(() => t.close());

/** A partner app the customer connected for the purposes given, and a token as the authorization server issues it. */
async function connected(tenant: TestTenant, purposes: string[]): Promise<{ partner: TestPartner; delegationId: string; token: (claimed?: string[] | null) => Promise<string> }> {
  const partner = await t.world.partner({ capabilities: ['delegated'] });
  const scopes = ['orders.read', 'billing.invoices.read'];
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: partner.id } };
  const { app } = await t.services.apps.create(ctx, partner.id, { name: 'App ' + partner.slug, grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scopes });
  const d = await t.services.delegations.create(t.world.ctx, {
    partnerId: partner.id,
    tenantId: tenant.id,
    origin: 'consent',
    role: 'DELEGATE',
    scopes,
    overrides: { grant: scopes, deny: [] },
    banIds: [tenant.bans[0].id],
    billToBanId: tenant.bans[0].id,
    clientId: app.id,
    endsAt: ends(),
    purposes,
  });
  await t.services.feed.drain();
  const a = { partner, clientId: app.id, delegationId: d.id, scopes };
  return { partner, delegationId: d.id, token: (claimed = purposes) => mintToken(t, { ...consentClaims(a, tenant), ...(claimed === null ? {} : { purpose: claimed }) }) };
}

describe('a route that requires a purpose', () => {
  it('refuses a token without the purpose (problem+json purpose_required) and admits one with it', async () => {
    const tenant = await t.world.tenant();
    const c = await connected(tenant, ['billing_management']);
    const without = await gw(t, 'GET', '/resources/v1/invoices', { token: await c.token(null) });
    expect([without.status, without.body.code]).toEqual([403, 'purpose_required']);
    expect(String(without.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(without.body.detail).toContain('Billing management');
    const other = await gw(t, 'GET', '/resources/v1/invoices', { token: await c.token(['support']) });
    expect([other.status, other.body.code]).toEqual([403, 'purpose_required']);
    const withIt = await gw(t, 'GET', '/resources/v1/invoices', { token: await c.token() });
    expect(withIt.status).toBe(200);
    // a route that requires no purpose is as before
    const usage = await gw(t, 'GET', '/resources/v1/usage', { token: await c.token(null) });
    expect(String(usage.body.code ?? '')).not.toMatch(/^purpose_/);
  });

  it('a purpose the token claims but the consent never granted is refused', async () => {
    const tenant = await t.world.tenant();
    const c = await connected(tenant, ['billing_management']);
    const r = await gw(t, 'GET', '/resources/v1/orders', { token: await c.token(['billing_management', 'ordering_on_behalf']) });
    expect([r.status, r.body.code]).toEqual([403, 'purpose_revoked']);
  });
});

describe('the customer revokes one purpose', () => {
  it('leaves the other: its route still admits, the revoked one refuses on the very next request — with the same token', async () => {
    const tenant = await t.world.tenant();
    const c = await connected(tenant, ['billing_management', 'ordering_on_behalf']);
    const token = await c.token();
    expect((await gw(t, 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    expect((await gw(t, 'GET', '/resources/v1/invoices', { token })).status).toBe(200);

    const admin = await loginAs(t, tenant.admin);
    const r = await admin.post<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/purposes/{purpose_id}/revoke'>(`/api/v1/tenants/${tenant.id}/delegations/${c.delegationId}/purposes/ordering_on_behalf/revoke`);
    expect([r.status, r.body.purposes]).toEqual([200, ['billing_management']]);

    const refused = await gw(t, 'GET', '/resources/v1/orders', { token });
    expect([refused.status, refused.body.code]).toEqual([403, 'purpose_revoked']);
    expect((await gw(t, 'GET', '/resources/v1/invoices', { token })).status).toBe(200);

    // revoking it again: nothing left to revoke
    const again = await admin.post<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/purposes/{purpose_id}/revoke'>(`/api/v1/tenants/${tenant.id}/delegations/${c.delegationId}/purposes/ordering_on_behalf/revoke`);
    expect([again.status, (again.body as unknown as { code: string }).code]).toEqual([409, 'purpose_not_granted']);

    // the revocation and each access are in the customer's log, the access events naming the purpose
    await t.services.gateway.auditBuffer.flush();
    const revoked = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=delegation.purpose_revoked`);
    expect(revoked.body.data[0]).toMatchObject({ partner_id: c.partner.id, details: { purpose: 'ordering_on_behalf', remaining: ['billing_management'] } });
    const log = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=gateway.request`);
    const events = log.body.data as { outcome: string; details: { path: string; decision: string; purpose: string | null; purposes: string[] | null } }[];
    expect(events.find((e) => e.details.decision === 'purpose_revoked')).toMatchObject({ outcome: 'denied', details: { path: '/resources/v1/orders', purpose: 'ordering_on_behalf' } });
    expect(events.find((e) => e.details.decision === 'allowed' && e.details.path === '/resources/v1/invoices')).toMatchObject({ details: { purpose: 'billing_management', purposes: ['billing_management', 'ordering_on_behalf'] } });
  });

  it('another customer cannot revoke it, nor can the partner (404: behind the tenant wall)', async () => {
    const tenant = await t.world.tenant();
    const stranger = await t.world.tenant();
    const c = await connected(tenant, ['billing_management']);
    const other = await loginAs(t, stranger.admin);
    const r = await other.post(`/api/v1/tenants/${stranger.id}/delegations/${c.delegationId}/purposes/billing_management/revoke`);
    expect(r.status).toBe(404);
    const owner = await loginAs(t, c.partner.owner);
    expect((await owner.post(`/api/v1/tenants/${tenant.id}/delegations/${c.delegationId}/purposes/billing_management/revoke`)).status).toBe(404);
  });
});

describe('the catalog', () => {
  it('lists built-in purposes in plain words; the operator adds one, which a consent may then name', async () => {
    const tenant = await t.world.tenant();
    const admin = await loginAs(t, tenant.admin);
    const list = await admin.get<'/api/v1/purposes'>('/api/v1/purposes');
    expect(list.body.data.map((p) => p.id)).toEqual(expect.arrayContaining(['billing_management', 'support', 'ordering_on_behalf', 'fraud_prevention']));
    const id = `network_${Date.now().toString(36)}`;
    const made = await operator.post<'/api/v1/purposes'>('/api/v1/purposes', { id, name: 'Network diagnostics', description: 'Test your lines and equipment to find faults.' });
    expect(made.status).toBe(201);
    expect((await operator.post('/api/v1/purposes', { id, name: 'Twice', description: 'Again.' })).body.code).toBe('purpose_exists');
    const c = await connected(tenant, [id]);
    expect((await t.services.delegations.get(c.delegationId)).purposes).toBe(JSON.stringify([id]));
    // a purpose not in the catalog is refused
    await expect(connected(tenant, ['made_up'])).rejects.toMatchObject({ code: 'purpose_invalid' });
    // a tenant admin may not change the catalog
    expect((await admin.post('/api/v1/purposes', { id: 'x_y', name: 'X', description: 'Y' })).status).toBe(403);
    // a retired purpose still required by a route cannot be retired
    expect((await operator.post('/api/v1/purposes/billing_management/retire')).body.code).toBe('purpose_retired');
  });

  it('names each route and what it requires; an unknown route is refused', async () => {
    const routes = await operator.get<'/api/v1/gateway-routes'>('/api/v1/gateway-routes');
    expect(routes.body.data.find((r) => r.pattern === '/resources/v1/invoices' && r.method === 'GET')).toMatchObject({ purpose: 'billing_management', upstream: 'reference-resources' });
    const r = await operator.put('/api/v1/gateway-routes/purpose', { method: 'GET', pattern: '/resources/v1/nothing', purpose_id: 'support' });
    expect([r.status, r.body.code]).toEqual([404, 'gateway_route_not_found']);
  });
});
