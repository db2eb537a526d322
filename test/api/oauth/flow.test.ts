/**
 * The Partner persona end to end (customer consent: authorization code + PKCE), driven by a real OAuth client
 * library (openid-client) against the running server, with the customer's sign-in and consent in
 * a real browser (Debian Chromium through playwright-core):
 * PKCE → sign in at Partnergate → consent (partner's verified name, permissions in plain words,
 * billing accounts, duration) → code exchange → access token checked against the JWKS (RFC 9068
 * claims for both parties) → refresh rotation → introspection → the customer revokes under
 * "Connected partners" → refresh fails, introspection says inactive. Also through openid-client:
 * refresh-token reuse detection (a replayed refresh token revokes the whole family and the
 * consent). A restart between code and exchange: in-process here, real processes in
 * restart.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../e2e/helpers/portal.ts';
import { CALLBACK, authorizeViaHttp, customer, introspect, oidcClient, partnerWithApp, pkce, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../artifacts/screenshots');

let t: OAuthTestApp;
let browser: Browser;
let app: RegisteredApp;
let tenant: TestTenant;
let config: oidc.Configuration;

beforeAll(async () => {
  t = await startOAuthApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  app = await partnerWithApp(t, { name: 'Northwind Ordering' });
  tenant = await customer(t);
  config = await oidcClient(t, app.clientId, app.secret);
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await t?.close();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  // The app's redirect URI: the browser lands there with the code; nothing needs to listen.
  await page.route(`${new URL(CALLBACK).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the partner app' }));
  return page;
}

describe('partner persona: authorization code + PKCE with customer consent in a browser', () => {
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  let refreshed: oidc.TokenEndpointResponse;
  let delegationId: string;

  it('signs the customer admin in at Partnergate and shows who asks for what, in plain words', async () => {
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email orders.create billing.invoices.read',
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      state: p.state,
    });
    const page = await newPage();
    await page.goto(url.href);
    await expect.poll(() => page.title()).toContain('Sign in');
    await page.getByLabel('Email').fill(tenant.admin.email);
    await page.getByLabel('Password').fill(tenant.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Northwind Ordering' }).waitFor();
    const partnerName = await page.getByTestId('partner-name').innerText();
    expect(partnerName).toBe(app.partner.name);
    await expect.poll(() => page.getByText('Verified partner').isVisible()).toBe(true);
    const scopes = await page.getByTestId('scopes').innerText();
    expect(scopes).toContain('Place orders');
    expect(scopes).toContain('Read invoices');
    expect(scopes).toContain('See your email address');
    // Share only the first billing account, bill it, for 30 days.
    await page.getByRole('checkbox', { name: new RegExp(tenant.bans[1].account_number) }).uncheck();
    await page.getByLabel('Bill what it orders to').selectOption(tenant.bans[0].id);
    await page.getByLabel('For how long').selectOption('30');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-consent.png'), fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));

    const callback = new URL(page.url());
    // RFC 9207: the issuer is in the authorization response.
    expect(callback.searchParams.get('iss')).toBe(t.issuer);
    tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.id_token).toBeTruthy();
    await page.context().close();
  });

  it('issues an RFC 9068 access token with distinct claims for the partner and the customer, verifiable against the JWKS', async () => {
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt' });
    expect(protectedHeader.alg).toBe('ES256');
    const d = await t.testDb.db.kysely.selectFrom('delegations').selectAll().where('client_id', '=', app.clientId).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    delegationId = d.id;
    expect(d.origin).toBe('consent');
    expect(d.status).toBe('active');
    expect(JSON.parse(d.ban_ids!)).toEqual([tenant.bans[0].id]);
    expect(Date.parse(d.ends_at) - Date.now()).toBeGreaterThan(29 * 86400_000);
    expect(Date.parse(d.ends_at) - Date.now()).toBeLessThanOrEqual(30 * 86400_000);
    expect(payload).toMatchObject({
      sub: tenant.admin.id,
      client_id: app.clientId,
      partner_id: app.partner.id,
      act: { sub: app.partner.id, client_id: app.clientId },
      tenant_id: tenant.id,
      customer_ban: [tenant.bans[0].account_number],
      bill_to: tenant.bans[0].account_number,
      persona: 'partner',
      dlg: d.id,
    });
    // Every granted scope: the resource's, and openid and email, which make it good at userinfo
    // too (the gateway reads only the resource scopes; the audience is the gateway's alone).
    expect(String(payload.scope).split(' ').sort()).toEqual(['billing.invoices.read', 'email', 'openid', 'orders.create']);
    expect(payload.aud).toBe(t.audience);
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
    const idToken = tokens.claims();
    expect(idToken?.sub).toBe(tenant.admin.id);
  });

  it('rotates the refresh token and keeps the claims', async () => {
    refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const claims = JSON.parse(Buffer.from(refreshed.access_token.split('.')[1], 'base64url').toString());
    expect(claims.dlg).toBe(delegationId);
    expect(claims.bill_to).toBe(tenant.bans[0].account_number);
  });

  it('introspects the access token with the same claims (RFC 7662)', async () => {
    const r = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(r.active).toBe(true);
    expect(r).toMatchObject({ client_id: app.clientId, sub: tenant.admin.id, partner_id: app.partner.id, tenant_id: tenant.id, dlg: delegationId, persona: 'partner', token_type: 'Bearer' });
    const rt = await oidc.tokenIntrospection(config, refreshed.refresh_token!);
    expect(rt.active).toBe(true);
    expect(rt.dlg).toBe(delegationId);
  });

  it('lists the app under Connected partners with its last use, and lets the customer revoke it', async () => {
    const admin = await tenant.admin.login();
    const list = await admin.get(`/api/v1/tenants/${tenant.id}/connected-apps`);
    expect(list.status).toBe(200);
    const row = list.body.data.find((x: { delegation_id: string }) => x.delegation_id === delegationId);
    expect(row).toMatchObject({ status: 'active', app: { client_id: app.clientId, name: 'Northwind Ordering' }, partner: { id: app.partner.id }, bill_to: tenant.bans[0].account_number, approved_by: tenant.admin.email });
    expect(row.permissions.map((p: { scope: string }) => p.scope).sort()).toEqual(['billing.invoices.read', 'orders.create']);
    expect(row.last_used_at).not.toBeNull();

    // A plain tenant user may look but not revoke.
    const user = await tenant.user.login();
    const denied = await user.post(`/api/v1/tenants/${tenant.id}/connected-apps/${delegationId}/revoke`, { reason: 'no' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');

    const revoke = await admin.post(`/api/v1/tenants/${tenant.id}/connected-apps/${delegationId}/revoke`, { reason: 'we switched vendors' });
    expect(revoke.status).toBe(204);
  });

  it('after revocation the refresh token fails and the access token introspects inactive', async () => {
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const r = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(r).toEqual({ active: false });
    const admin = await tenant.admin.login();
    const list = await admin.get(`/api/v1/tenants/${tenant.id}/connected-apps?include_ended=true`);
    const row = list.body.data.find((x: { delegation_id: string }) => x.delegation_id === delegationId);
    expect(row).toMatchObject({ status: 'revoked', revoke_reason: 'we switched vendors' });
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action']).where('target_id', '=', delegationId).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['delegation.created', 'oauth.consent_granted', 'delegation.revoked']);
  });

  it('sends the app access_denied when the customer denies', async () => {
    const p = await pkce();
    const page = await newPage();
    await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.create', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }).href);
    await page.getByLabel('Email').fill(tenant.admin.email);
    await page.getByLabel('Password').fill(tenant.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const back = new URL(page.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(p.state);
    await page.context().close();
  });

  it('keeps the customer password from a wrong guess: a bad password stays on the sign-in page', async () => {
    const p = await pkce();
    const page = await newPage();
    await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.create', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }).href);
    await page.getByLabel('Email').fill(tenant.admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/email or password/i);
    await page.context().close();
  });
});

describe('identity scopes only', () => {
  it('gives an opaque token the userinfo endpoint accepts', async () => {
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email profile', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const callback = await authorizeViaHttp(t, url, tenant.admin);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tenant.admin.id);
    expect(info).toMatchObject({ sub: tenant.admin.id, email: tenant.admin.email });
  });
});

describe('refresh-token reuse detection, through openid-client', () => {
  it('refuses a replayed refresh token and revokes the whole family and the consent', async () => {
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const callback = await authorizeViaHttp(t, url, tenant.admin);
    const first = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const dlg = JSON.parse(Buffer.from(first.access_token.split('.')[1], 'base64url').toString()).dlg as string;
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await oidc.tokenIntrospection(config, second.access_token)).active).toBe(true);

    // The rotated-out token comes back (stolen, or replayed by a confused client): refused…
    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // …and the whole family is gone: the current refresh token and the access tokens it issued.
    await expect(oidc.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await oidc.tokenIntrospection(config, second.access_token)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(config, second.refresh_token!)).toEqual({ active: false });
    // The consent behind it ended too: the customer sees the connection revoked, with the reason.
    const admin = await tenant.admin.login();
    const list = await admin.get(`/api/v1/tenants/${tenant.id}/connected-apps?include_ended=true`);
    const row = list.body.data.find((x: { delegation_id: string }) => x.delegation_id === dlg);
    expect(row.status).toBe('revoked');
    expect(row.revoke_reason).toMatch(/redeemed twice|grant revoked/);
  });
});

describe('a restart in the middle of a flow (in process; real processes: restart.test.ts)', () => {
  it('exchanges a code issued before the restart, and refreshes after another one', async () => {
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const callback = await authorizeViaHttp(t, url, tenant.admin);
    const kidBefore = t.services.oauth.keys.current.kid;
    await t.restart();
    expect(t.services.oauth.keys.current.kid).toBe(kidBefore);
    const fresh = await oidcClient(t, app.clientId, app.secret);
    const tokens = await oidc.authorizationCodeGrant(fresh, callback, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    expect(tokens.access_token).toBeTruthy();
    await t.restart();
    const again = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(again.status).toBe(200);
    const intro = await introspect(t, app, String(again.body.access_token));
    expect(intro.body.active).toBe(true);
  });
});
