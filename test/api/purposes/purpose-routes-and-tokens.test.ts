/**
 * Purpose-bound consent, the rest of the way:
 *  - a route of the route table (GATEWAY_ROUTES, from the config file) declares the purpose its
 *    calls serve: a partner's call is checked against it without naming one; a call naming
 *    another purpose (X-Purpose) is refused (purpose_mismatch); a route that declares none checks
 *    the purpose a call names; the operator's choice in the catalog wins over the declaration;
 *  - tokens from the token exchange (a wholesaler acting for a resold customer) and an MSP
 *    member's tokens carry the `purpose` claim, and the gateway holds them to it — a purpose the
 *    customer withdraws is refused on the very next request.
 * Tokens come from the authorization server over HTTP (openid-client), but for the first part,
 * whose consent tokens are minted with the server's own key as in purpose-bound-access.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../helpers/http.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { consentClaims, ends, gw, mintToken } from '../gateway/helpers.ts';
import { CALLBACK, authorizeViaHttp, decodeJwt, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';

const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const CONTACTS = '/resources/v1/crm/contacts';
const NOTES = '/resources/v1/crm/notes';

let t: OAuthTestApp;
let upstream: http.Server;
let operator: Client;

beforeAll(async () => {
  // the operator's upstream: answers whatever the gateway lets through
  upstream = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const port = (upstream.address() as net.AddressInfo).port;
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-purpose-routes-'));
  const configFile = path.join(dir, 'partnergate.json');
  const rules = [
    { method: 'GET', path: '/contacts', permission: 'support.tickets.read', purpose: 'support' },
    { method: 'GET', path: '/notes', permission: 'support.tickets.read' },
  ];
  writeFileSync(configFile, JSON.stringify({ GATEWAY_ROUTES: [{ name: 'crm', prefix: '/resources/v1/crm', upstream: `http://127.0.0.1:${port}`, tenant_scoped: true, rules }] }));
  t = await startOAuthApp({ config: { CONFIG_FILE: configFile } });
  operator = await (await t.world.operator()).login();
  // the reference service's orders route is for ordering on the customer's behalf (the operator's choice)
  const r = await operator.put('/api/v1/gateway-routes/purpose', { method: 'GET', pattern: '/resources/v1/orders', purpose_id: 'ordering_on_behalf' });
  expect(r.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await new Promise((r) => upstream?.close(() => r(undefined)));
});

/** A partner app the customer connected for `purposes`, and tokens as the authorization server issues them. */
async function connected(tenant: TestTenant, purposes: string[]) {
  const partner = await t.world.partner({ capabilities: ['delegated'] });
  const scopes = ['support.tickets.read', 'orders.read'];
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
  const token = await mintToken(t, { ...consentClaims({ partner, clientId: app.id, delegationId: d.id, scopes }, tenant), purpose: purposes });
  return { partner, delegationId: d.id, token };
}

/** The customer's admin withdraws one purpose of an access, through the API. */
async function withdraw(tenant: TestTenant, delegationId: string, purposeId: string) {
  const admin = await tenant.admin.login();
  const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${delegationId}/purposes/${purposeId}/revoke`);
  expect(r.status).toBe(200);
  await t.services.feed.drain();
}

describe('a route that declares its purpose in the route table', () => {
  it('checks a call against it without the caller naming one; a withdrawn purpose is refused on the next request', async () => {
    const tenant = await t.world.tenant();
    const yes = await connected(tenant, ['support']);
    const ok = await gw(t, 'GET', CONTACTS, { token: yes.token });
    expect([ok.status, ok.body.path]).toEqual([200, '/contacts']);

    const other = await connected(await t.world.tenant(), ['billing_management']);
    const no = await gw(t, 'GET', CONTACTS, { token: other.token });
    expect([no.status, no.body.code]).toEqual([403, 'purpose_required']);
    expect(no.body.detail).toContain('Customer support');

    await withdraw(tenant, yes.delegationId, 'support');
    const after = await gw(t, 'GET', CONTACTS, { token: yes.token });
    expect([after.status, after.body.code]).toEqual([403, 'purpose_revoked']);
  });

  it('refuses a call naming another purpose (purpose_mismatch), admits one naming its own, and refuses a malformed or unknown one', async () => {
    const tenant = await t.world.tenant();
    const c = await connected(tenant, ['support', 'billing_management']);
    const mismatch = await gw(t, 'GET', CONTACTS, { token: c.token, headers: { 'x-purpose': 'billing_management' } });
    expect([mismatch.status, mismatch.body.code]).toEqual([403, 'purpose_mismatch']);
    expect(String(mismatch.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(mismatch.body.detail).toContain('Customer support');
    expect((await gw(t, 'GET', CONTACTS, { token: c.token, headers: { 'x-purpose': 'support' } })).status).toBe(200);
    for (const bad of ['Support!', 'made_up_purpose', 'support, billing_management']) {
      const r = await gw(t, 'GET', CONTACTS, { token: c.token, headers: { 'x-purpose': bad } });
      expect([bad, r.status, r.body.code]).toEqual([bad, 400, 'purpose_invalid']);
    }
  });

  it('on a route that declares none, checks the purpose a call names against the access', async () => {
    const tenant = await t.world.tenant();
    const c = await connected(tenant, ['support']);
    expect((await gw(t, 'GET', NOTES, { token: c.token })).status).toBe(200);
    expect((await gw(t, 'GET', NOTES, { token: c.token, headers: { 'x-purpose': 'support' } })).status).toBe(200);
    const r = await gw(t, 'GET', NOTES, { token: c.token, headers: { 'x-purpose': 'fraud_prevention' } });
    expect([r.status, r.body.code]).toEqual([403, 'purpose_required']);
    // the customer's log names the purpose each call was for
    await t.services.gateway.auditBuffer.flush();
    const admin = await tenant.admin.login();
    const log = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=gateway.request`);
    const events = log.body.data as { details: { path: string; decision: string; purpose: string | null } }[];
    expect(events.find((e) => e.details.decision === 'purpose_required')).toMatchObject({ details: { path: NOTES, purpose: 'fraud_prevention' } });
  });

  it("lists the declared purpose on the operator's routes; the operator's choice wins, and dropping it restores the declaration", async () => {
    const routes = await operator.get('/api/v1/gateway-routes');
    const route = (routes.body.data as { method: string; pattern: string; purpose: string | null; upstream: string }[]).filter((r) => r.upstream === 'crm');
    expect(route).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'GET', pattern: CONTACTS, purpose: 'support' }), expect.objectContaining({ method: 'GET', pattern: NOTES, purpose: null })]),
    );
    const c = await connected(await t.world.tenant(), ['support']);
    const set = await operator.put('/api/v1/gateway-routes/purpose', { method: 'GET', pattern: CONTACTS, purpose_id: 'billing_management' });
    expect([set.status, set.body.purpose]).toEqual([200, 'billing_management']);
    await t.services.feed.drain();
    expect((await gw(t, 'GET', CONTACTS, { token: c.token })).body.code).toBe('purpose_required');
    const dropped = await operator.put('/api/v1/gateway-routes/purpose', { method: 'GET', pattern: CONTACTS, purpose_id: null });
    expect([dropped.status, dropped.body.purpose]).toEqual([200, 'support']);
    await t.services.feed.drain();
    expect((await gw(t, 'GET', CONTACTS, { token: c.token })).status).toBe(200);
  });
});

describe('token exchange: a wholesaler acting for its resold customer', () => {
  it('gets a token carrying the wholesale access’s purposes; the gateway holds it to them, and to a withdrawal on the next request', async () => {
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read'], name: 'Wholesale ordering' });
    const config = await oidcClient(t, w.clientId, w.secret);
    const own = (await oidc.clientCredentialsGrant(config, { scope: 'orders.read' })).access_token;
    const exchange = async (tenant: TestTenant, purposes: string[]) => {
      const d = await t.services.delegations.create(t.world.ctx, { partnerId: w.partner.id, tenantId: tenant.id, origin: 'wholesale', role: 'WHOLESALE', endsAt: ends(), purposes });
      await t.services.feed.drain();
      const r = await oidc.genericGrantRequest(config, TE, { subject_token: own, subject_token_type: AT, tenant_id: tenant.id, scope: 'orders.read' });
      return { delegationId: d.id, token: r.access_token };
    };
    const tenant = await t.world.tenant();
    const ordering = await exchange(tenant, ['ordering_on_behalf', 'usage_reporting']);
    expect(decodeJwt(ordering.token).payload).toMatchObject({ persona: 'wholesaler', tenant_id: tenant.id, dlg: ordering.delegationId, purpose: ['ordering_on_behalf', 'usage_reporting'] });
    expect((await gw(t, 'GET', '/resources/v1/orders', { token: ordering.token })).status).toBe(200);

    const support = await exchange(await t.world.tenant(), ['support']);
    expect(decodeJwt(support.token).payload.purpose).toEqual(['support']);
    const refused = await gw(t, 'GET', '/resources/v1/orders', { token: support.token });
    expect([refused.status, refused.body.code]).toEqual([403, 'purpose_required']);

    await withdraw(tenant, ordering.delegationId, 'ordering_on_behalf');
    const after = await gw(t, 'GET', '/resources/v1/orders', { token: ordering.token });
    expect([after.status, after.body.code]).toEqual([403, 'purpose_revoked']);
    // a token exchanged from now on no longer carries it
    const again = await oidc.genericGrantRequest(config, TE, { subject_token: own, subject_token_type: AT, tenant_id: tenant.id, scope: 'orders.read' });
    expect(decodeJwt(again.access_token).payload.purpose).toEqual(['usage_reporting']);
  });
});

describe("an MSP member's token", () => {
  it('carries the purposes its app asked for; the gateway wants both the token’s purpose and the link’s, and a withdrawal refuses the next request', async () => {
    const msp = await partnerWithApp(t, { capabilities: ['managed_services'], scopes: ['openid', 'orders.read'], name: 'Fabrikam Console' });
    const tenant = await t.world.tenant();
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: msp.partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active', purposes: ['ordering_on_behalf'] });
    await t.services.feed.drain();
    const config = await oidcClient(t, msp.clientId, msp.secret);
    const signIn = async (extra: Record<string, string>) => {
      const p = await pkce();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state, ...extra });
      const cb = await authorizeViaHttp(t, url, msp.partner.owner);
      return (await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state })).access_token;
    };
    const call = (token: string) => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': tenant.id } });

    const withPurpose = await signIn({ purpose: 'ordering_on_behalf not_a_purpose' });
    expect(decodeJwt(withPurpose).payload).toMatchObject({ persona: 'msp', sub: msp.partner.owner.id, purpose: ['ordering_on_behalf'] });
    expect((await call(withPurpose)).status).toBe(200);

    const without = await signIn({});
    expect(decodeJwt(without).payload.purpose).toBeUndefined();
    const refused = await call(without);
    expect([refused.status, refused.body.code]).toEqual([403, 'purpose_required']);

    await withdraw(tenant, d.id, 'ordering_on_behalf');
    const after = await call(withPurpose);
    expect([after.status, after.body.code]).toEqual([403, 'purpose_revoked']);
  });
});
