/**
 * An MSP user and the partner's own app (the MSP link flow, with a token from the authorization
 * server): a member (owner or staff) of a managed_services partner signs in to the partner's app
 * and approves it for their own account — no tenant, no billing account, no delegation. The
 * access token says who acts (sub = the user, act = the partner and app, persona msp) and names
 * no customer. Refresh works like any grant; revoking the refresh token, deactivating the user,
 * removing them from the partner or suspending the partner ends it (refresh fails, introspection
 * says inactive). A tenant admin signing in to an app of a partner that also has `delegated` gets
 * the customer consent as before; to an MSP-only app, a refusal; anyone else, the refusal page.
 * Driven by openid-client over HTTP; the sign-in and consent pages by a cookie-keeping user agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  CALLBACK,
  UserAgent,
  authorizeViaHttp,
  customer,
  formValue,
  introspect,
  oidcClient,
  partnerWithApp,
  pkce,
  revoke,
  startOAuthApp,
  tokenRequest,
  type OAuthTestApp,
  type RegisteredApp,
} from './oauth-helpers.ts';
import type { TestUser } from '../../helpers/world.ts';

const SCOPES = ['openid', 'email', 'orders.read', 'orders.create', 'billing.invoices.read'];

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t?.close());

/** An MSP (managed_services only, unless told) with an app its owner registered. */
function mspApp(capabilities: ('managed_services' | 'delegated')[] = ['managed_services'], name = 'Fabrikam Console'): Promise<RegisteredApp> {
  return partnerWithApp(t, { capabilities, name, scopes: SCOPES });
}

async function authorize(app: RegisteredApp, user: { email: string; password: string }, scope = 'openid email orders.read billing.invoices.read') {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, user);
  const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  return { config, tokens };
}

/** Sign in through the authorization request and return the page shown after sign-in. */
async function pageAfterSignIn(app: RegisteredApp, user: { email: string; password: string }, scope = 'orders.read'): Promise<{ status: number; body: string; url: string; ua: UserAgent }> {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const ua = new UserAgent();
  let next: string | null = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }).href;
  for (let step = 0; step < 10 && next; step++) {
    const page = await ua.request(next);
    if (page.status === 302 || page.status === 303) {
      next = page.location;
      continue;
    }
    if (!page.body.includes('name="password"')) return { status: page.status, body: page.body, url: next, ua };
    const r = await ua.request(`${next.split('?')[0]}/login`, { form: { csrf: formValue(page.body, 'csrf') ?? '', email: user.email, password: user.password } });
    expect(r.status).toBe(303);
    next = r.location;
  }
  throw new Error('no page after sign-in');
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

async function removeFromPartner(app: RegisteredApp, user: TestUser) {
  const owner = await app.partner.owner.login();
  expect((await owner.delete(`/api/v1/partners/${app.partner.id}/members/${user.id}`)).status).toBe(204);
}

describe('a member of a managed_services partner authorizes its app for their own account', () => {
  let app: RegisteredApp;
  let tokens: Awaited<ReturnType<typeof authorize>>['tokens'];
  let config: oidc.Configuration;
  let refreshed: oidc.TokenEndpointResponse;

  beforeAll(async () => {
    app = await mspApp();
  });

  it('shows "<App> by <Partner> wants to act as you" with the permissions — no organisation, no billing account', async () => {
    const page = await pageAfterSignIn(app, app.partner.staff, 'openid email orders.read billing.invoices.read');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<strong>Fabrikam Console</strong> by <strong>${app.partner.name}</strong> wants to act as you, with these permissions:`);
    expect(page.body).toContain('billing.invoices.read');
    expect(page.body).toContain('orders.read');
    expect(page.body).toContain('See your email address');
    expect(page.body).not.toContain('name="ban_ids"');
    expect(page.body).not.toContain('name="tenant_id"');
    expect(page.body).not.toContain('name="duration_days"');
  });

  it('issues a token that acts as the user for the partner: sub, client_id, partner_id, persona msp, act — and no tenant, BAN or delegation', async () => {
    ({ config, tokens } = await authorize(app, app.partner.staff));
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: app.partner.staff.id, client_id: app.clientId, partner_id: app.partner.id, persona: 'msp', act: { sub: app.partner.id, client_id: app.clientId } });
    // every granted scope: the identity ones make it good at userinfo; the audience is the gateway's
    expect(String(payload.scope).split(' ').sort()).toEqual(['billing.invoices.read', 'email', 'openid', 'orders.read']);
    for (const claim of ['tenant_id', 'customer_ban', 'dlg', 'bill_to']) expect(payload).not.toHaveProperty(claim);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.claims()?.sub).toBe(app.partner.staff.id);
    // No delegation: the user picks the tenant per request, decided through the partner's links.
    const delegations = await t.testDb.db.kysely.selectFrom('delegations').select('id').where('partner_id', '=', app.partner.id).execute();
    expect(delegations).toEqual([]);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'actor_user_id', 'partner_id']).where('target_id', '=', app.clientId).where('action', '=', 'oauth.member_authorized').execute();
    expect(audit).toEqual([{ action: 'oauth.member_authorized', actor_user_id: app.partner.staff.id, partner_id: app.partner.id }]);
  });

  it('refreshes (rotated) with the same claims, and introspects active with them', async () => {
    refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(claimsOf(refreshed.access_token)).toMatchObject({ sub: app.partner.staff.id, partner_id: app.partner.id, persona: 'msp' });
    const at = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(at).toMatchObject({ active: true, sub: app.partner.staff.id, partner_id: app.partner.id, persona: 'msp', client_id: app.clientId });
    expect(at).not.toHaveProperty('tenant_id');
    const rt = await oidc.tokenIntrospection(config, refreshed.refresh_token!);
    expect(rt).toMatchObject({ active: true, partner_id: app.partner.id, persona: 'msp' });
  });

  it('the app revokes the refresh token (RFC 7009): the refresh fails and it introspects inactive; a revoked access token too', async () => {
    expect((await revoke(t, app, refreshed.refresh_token!, 'refresh_token')).status).toBe(200);
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await introspect(t, app, refreshed.refresh_token!)).body).toEqual({ active: false });
    expect((await revoke(t, app, refreshed.access_token)).status).toBe(200);
    expect((await introspect(t, app, refreshed.access_token)).body).toEqual({ active: false });
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', app.clientId).where('action', '=', 'oauth.member_grant_revoked').execute();
    expect(audit).toHaveLength(1);
  });

  it('the partner owner may authorize it too', async () => {
    const { tokens: own } = await authorize(app, app.partner.owner);
    expect(claimsOf(own.access_token)).toMatchObject({ sub: app.partner.owner.id, persona: 'msp', partner_id: app.partner.id });
  });

  it('sends access_denied when the user denies', async () => {
    const c = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(c, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const back = await authorizeViaHttp(t, url, app.partner.staff, { decision: 'deny' });
    expect(back.searchParams.get('error')).toBe('access_denied');
  });
});

describe('the member grant ends with the membership, the user and the partner', () => {
  it('removed from the partner: the refresh fails and both tokens introspect inactive', async () => {
    const app = await mspApp();
    const { config, tokens } = await authorize(app, app.partner.staff);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await removeFromPartner(app, app.partner.staff);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await introspect(t, app, tokens.access_token)).body).toEqual({ active: false });
    expect((await introspect(t, app, tokens.refresh_token!)).body).toEqual({ active: false });
  });

  it('membership deactivated: the same, and reactivation restores it', async () => {
    const app = await mspApp();
    const { config, tokens } = await authorize(app, app.partner.staff);
    const owner = await app.partner.owner.login();
    expect((await owner.patch(`/api/v1/partners/${app.partner.id}/members/${app.partner.staff.id}`, { status: 'inactive' })).status).toBe(204);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await introspect(t, app, tokens.access_token)).body).toEqual({ active: false });
    expect((await owner.patch(`/api/v1/partners/${app.partner.id}/members/${app.partner.staff.id}`, { status: 'active' })).status).toBe(204);
    expect((await introspect(t, app, tokens.access_token)).body.active).toBe(true);
    expect((await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).status).toBe(200);
  });

  it('user deactivated by the operator: the refresh fails and the access token introspects inactive', async () => {
    const app = await mspApp();
    const { config, tokens } = await authorize(app, app.partner.staff);
    const operator = await (await t.world.operator()).login();
    expect((await operator.post(`/api/v1/users/${app.partner.staff.id}/disable`)).status).toBe(200);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await introspect(t, app, tokens.access_token)).body).toEqual({ active: false });
  });

  it('partner suspended: the app no longer authenticates, its tokens are inactive; reactivation restores them', async () => {
    const app = await mspApp();
    const { tokens } = await authorize(app, app.partner.staff);
    const operator = await (await t.world.operator()).login();
    expect((await operator.post(`/api/v1/partners/${app.partner.id}/suspend`, { reason: 'compliance review' })).status).toBe(200);
    const refresh = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect([refresh.status, refresh.body.error]).toEqual([401, 'invalid_client']);
    expect(await t.services.oauth.introspectJwt(tokens.access_token, app.clientId)).toEqual({ active: false });
    expect((await operator.post(`/api/v1/partners/${app.partner.id}/reactivate`, {})).status).toBe(200);
    expect((await introspect(t, app, tokens.access_token)).body.active).toBe(true);
    expect((await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).status).toBe(200);
  });
});

describe('who else signs in to an MSP app', () => {
  it('a tenant admin, on the app of a partner that also acts for customers: the customer consent as before', async () => {
    const app = await mspApp(['managed_services', 'delegated'], 'Contoso Connect');
    const tenant = await customer(t);
    const page = await pageAfterSignIn(app, tenant.admin);
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="ban_ids"');
    expect(page.body).not.toContain('wants to act as you');
    const { tokens } = await authorize(app, tenant.admin, 'orders.read');
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: tenant.admin.id, persona: 'partner', tenant_id: tenant.id, dlg: expect.stringMatching(/^dlg_/) });
    // …while the partner's own staff get the member consent on the same app.
    const { tokens: own } = await authorize(app, app.partner.staff, 'orders.read');
    expect(claimsOf(own.access_token)).toMatchObject({ sub: app.partner.staff.id, persona: 'msp' });
    expect(claimsOf(own.access_token)).not.toHaveProperty('dlg');
  });

  it('a tenant admin, on an MSP-only app: refused (the partner does not act for customers), and the form cannot force it', async () => {
    const app = await mspApp();
    const tenant = await customer(t);
    const page = await pageAfterSignIn(app, tenant.admin);
    expect(page.status).toBe(403);
    expect(page.body).toContain(`Fabrikam Console is for ${app.partner.name}`);
    expect(page.body).not.toContain('name="ban_ids"');
    // A hand-made customer consent post is refused by the service too.
    const forced = await page.ua.request(`${page.url.split('?')[0]}/consent`, {
      form: { csrf: formValue(page.body, 'csrf') ?? '', decision: 'approve', tenant_id: tenant.id, ban_ids: tenant.bans[0].id, bill_to: tenant.bans[0].id, duration_days: '30' },
    });
    expect(forced.status).toBe(403);
    const delegations = await t.testDb.db.kysely.selectFrom('delegations').select('id').where('partner_id', '=', app.partner.id).execute();
    expect(delegations).toEqual([]);
  });

  it('a member of another partner, or a plain tenant user: the existing refusal page', async () => {
    const app = await mspApp();
    const other = await t.world.partner({ capabilities: ['managed_services'] });
    const tenant = await customer(t);
    for (const who of [other.staff, tenant.user]) {
      const page = await pageAfterSignIn(app, who);
      expect(page.status).toBe(403);
      expect(page.body).toContain('An administrator must approve Fabrikam Console');
    }
  });

  it('a member whose membership is deactivated: the refusal page, not the member consent', async () => {
    const app = await mspApp();
    const owner = await app.partner.owner.login();
    expect((await owner.patch(`/api/v1/partners/${app.partner.id}/members/${app.partner.staff.id}`, { status: 'inactive' })).status).toBe(204);
    const page = await pageAfterSignIn(app, app.partner.staff);
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('wants to act as you');
  });
});
