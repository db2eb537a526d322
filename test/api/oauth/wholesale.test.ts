/**
 * The Wholesaler persona: client credentials for its own resources
 * (its home tenant, billed to its own BAN); provisioning of a resold end-customer tenant (a
 * wholesale delegation); RFC 8693 token exchange to act for that customer, still billed to the
 * wholesaler; and every refusal on the way. Both databases, through openid-client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { decodeJwt, introspect, oidcClient, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import { unique } from '../../helpers/world.ts';

const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';

let t: OAuthTestApp;
let w: RegisteredApp;
let config: oidc.Configuration;
let ownToken: string;
let resoldTenantId: string;
let resoldDelegation: string;
let homeBan: string;

beforeAll(async () => {
  t = await startOAuthApp();
  w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read', 'orders.create', 'services.read'], name: 'Contoso provisioning' });
  config = await oidcClient(t, w.clientId, w.secret);
});
afterAll(async () => {
  await t?.close();
});

describe('wholesaler on its own resources', () => {
  it('gets a home tenant with a billing account when it registers a client-credentials app', async () => {
    const p = await t.testDb.db.kysely.selectFrom('partners').select('home_tenant_id').where('id', '=', w.partner.id).executeTakeFirstOrThrow();
    expect(p.home_tenant_id).toMatch(/^tnt_/);
    const bans = await t.testDb.db.kysely.selectFrom('billing_accounts').select('account_number').where('tenant_id', '=', p.home_tenant_id!).execute();
    expect(bans).toHaveLength(1);
    homeBan = bans[0].account_number;
  });

  it('client credentials give a token for its home tenant, billed to its own BAN', async () => {
    const r = await oidc.clientCredentialsGrant(config, { scope: 'orders.read orders.create' });
    ownToken = r.access_token;
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(ownToken, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt' });
    const home = await t.testDb.db.kysely.selectFrom('partners').select('home_tenant_id').where('id', '=', w.partner.id).executeTakeFirstOrThrow();
    expect(payload).toMatchObject({ sub: w.clientId, client_id: w.clientId, partner_id: w.partner.id, persona: 'wholesaler', tenant_id: home.home_tenant_id, bill_to: homeBan, customer_ban: [homeBan], scope: 'orders.read orders.create' });
    expect(payload.act).toBeUndefined();
    expect(payload.dlg).toBeUndefined();
    const intro = await oidc.tokenIntrospection(config, ownToken);
    expect(intro).toMatchObject({ active: true, persona: 'wholesaler', tenant_id: home.home_tenant_id });
  });

  it('never gets a scope it did not register (invalid_scope)', async () => {
    const r = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.cancel' });
    expect(r.body.error).toBe('invalid_scope');
  });

  it('binds tokens to a DPoP key when the client sends a proof (RFC 9449)', async () => {
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const r = await oidc.clientCredentialsGrant(config, { scope: 'orders.read' }, { DPoP: oidc.getDPoPHandle(config, keyPair) });
    expect(r.token_type.toLowerCase()).toBe('dpop');
    const { payload } = decodeJwt(r.access_token);
    expect((payload.cnf as { jkt: string }).jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('resold end customers', () => {
  it('provisions an end customer with its first admin invited (the invitation and its event are the new tenant’s)', async () => {
    const owner = await w.partner.owner.login();
    const slug = unique('resoldx');
    const r = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'X Bakery', slug, admin: { email: `admin@${slug}.example` } });
    expect(r.status).toBe(201);
    expect(r.body.invitation.url).toContain('/invite/');
  });

  it('provisions an end-customer tenant with a wholesale delegation billed to the wholesaler', async () => {
    const owner = await w.partner.owner.login();
    const slug = unique('resold');
    const r = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Fabrikam Bakery', slug, billing_account_name: 'Bakery main' });
    expect(r.status).toBe(201);
    expect(r.body.resold).toMatchObject({ tenant: { slug, name: 'Fabrikam Bakery', status: 'active' }, delegation_status: 'active', bill_to_ban: homeBan });
    resoldTenantId = r.body.resold.tenant.id;
    resoldDelegation = r.body.resold.delegation_id;
    const d = await t.testDb.db.kysely.selectFrom('delegations').selectAll().where('id', '=', resoldDelegation).executeTakeFirstOrThrow();
    expect(d).toMatchObject({ origin: 'wholesale', role: 'WHOLESALE', partner_id: w.partner.id, tenant_id: resoldTenantId, status: 'active' });
    const list = await owner.get(`/api/v1/partners/${w.partner.id}/resold-tenants`);
    expect(list.body.data.map((x: { tenant: { id: string } }) => x.tenant.id)).toContain(resoldTenantId);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select('action').where('tenant_id', '=', resoldTenantId).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['tenant.created', 'billing_account.created', 'delegation.created', 'partner.customer_provisioned']);
  });

  it('refuses provisioning to a partner without the wholesale capability (403)', async () => {
    const d = await partnerWithApp(t, { capabilities: ['delegated'] });
    const owner = await d.partner.owner.login();
    const r = await owner.post(`/api/v1/partners/${d.partner.id}/resold-tenants`, { name: 'Nope', slug: unique('nope') });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('partner_capability_missing');
  });

  it('refuses provisioning to partner staff (permission_denied)', async () => {
    const staff = await w.partner.staff.login();
    const r = await staff.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Nope', slug: unique('nope') });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('permission_denied');
  });
});

describe('token exchange (RFC 8693)', () => {
  it('turns the own token into one acting for the resold customer, still billed to the wholesaler', async () => {
    const r = await oidc.genericGrantRequest(config, TE, { subject_token: ownToken, subject_token_type: AT, tenant_id: resoldTenantId, scope: 'orders.create' });
    expect(r.issued_token_type).toBe(AT);
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(r.access_token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt' });
    const customerBans = await t.testDb.db.kysely.selectFrom('billing_accounts').select('account_number').where('tenant_id', '=', resoldTenantId).execute();
    expect(payload).toMatchObject({
      client_id: w.clientId,
      partner_id: w.partner.id,
      act: { sub: w.partner.id, client_id: w.clientId },
      tenant_id: resoldTenantId,
      customer_ban: customerBans.map((b) => b.account_number),
      bill_to: homeBan,
      persona: 'wholesaler',
      dlg: resoldDelegation,
      scope: 'orders.create',
    });
    const intro = await oidc.tokenIntrospection(config, r.access_token);
    expect(intro).toMatchObject({ active: true, dlg: resoldDelegation, tenant_id: resoldTenantId });
  });

  it('refuses a tenant without a wholesale delegation (invalid_grant)', async () => {
    const stranger = await t.world.tenant();
    const r = await tokenRequest(t, w, { grant_type: TE, subject_token: ownToken, subject_token_type: AT, tenant_id: stranger.id });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
  });

  it("refuses another client's subject token (invalid_grant)", async () => {
    const w2 = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read'] });
    const r = await tokenRequest(t, w2, { grant_type: TE, subject_token: ownToken, subject_token_type: AT, tenant_id: resoldTenantId });
    expect(r.body.error).toBe('invalid_grant');
  });

  it('refuses a forged or exchanged subject token, a wrong token type and a wider scope', async () => {
    const forged = ownToken.slice(0, -4) + (ownToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await tokenRequest(t, w, { grant_type: TE, subject_token: forged, subject_token_type: AT, tenant_id: resoldTenantId })).body.error).toBe('invalid_grant');
    const exchanged = await tokenRequest(t, w, { grant_type: TE, subject_token: ownToken, subject_token_type: AT, tenant_id: resoldTenantId });
    const again = await tokenRequest(t, w, { grant_type: TE, subject_token: String(exchanged.body.access_token), subject_token_type: AT, tenant_id: resoldTenantId });
    expect(again.body.error).toBe('invalid_grant');
    const wrongType = await tokenRequest(t, w, { grant_type: TE, subject_token: ownToken, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token', tenant_id: resoldTenantId });
    expect(wrongType.body.error).toBe('invalid_request');
    const wider = await tokenRequest(t, w, { grant_type: TE, subject_token: ownToken, subject_token_type: AT, tenant_id: resoldTenantId, scope: 'services.read' });
    expect(wider.body.error).toBe('invalid_scope');
  });

  it('stops working for a customer once its wholesale delegation is revoked', async () => {
    const exchanged = await oidc.genericGrantRequest(config, TE, { subject_token: ownToken, subject_token_type: AT, tenant_id: resoldTenantId });
    await t.services.delegations.revoke(t.world.ctx, resoldDelegation, { side: 'operator', reason: 'contract ended' });
    expect((await introspect(t, w, exchanged.access_token)).body).toEqual({ active: false });
    const r = await tokenRequest(t, w, { grant_type: TE, subject_token: ownToken, subject_token_type: AT, tenant_id: resoldTenantId });
    expect(r.body.error).toBe('invalid_grant');
  });
});

describe('a suspended wholesaler', () => {
  it('stops at once: the token endpoint refuses the client and issued tokens are no longer live', async () => {
    const s = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const issued = await tokenRequest(t, s, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(issued.status).toBe(200);
    const claims = decodeJwt(String(issued.body.access_token)).payload;
    expect((await t.services.oauth.tokenIsLive(claims)).ok).toBe(true);
    await t.services.partners.transition(t.world.ctx, s.partner.id, 'suspend', { reason: 'unpaid invoices' });
    const refused = await tokenRequest(t, s, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await introspect(t, s, String(issued.body.access_token))).status).toBe(401);
    expect(await t.services.oauth.tokenIsLive(claims)).toEqual({ ok: false, reason: 'the partner is not active' });
  });
});
