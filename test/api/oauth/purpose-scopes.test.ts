/**
 * CAMARA's purpose-bound scopes `dpv:<Purpose>#<api-scope>`, against the real server with
 * openid-client:
 *  - the operator names the DPV term a catalog purpose answers to (one purpose per term);
 *  - a CIBA request asking `dpv:FraudPreventionAndDetection#orders.read` waits with the plain
 *    scope and the catalog purpose in words; the approval records the purpose on the consent and
 *    the tokens carry it;
 *  - the redirect flow's consent page ticks the purpose the scope named;
 *  - an unknown purpose is invalid_scope with a sentence, at both endpoints; an api-scope the app
 *    is not registered for is refused as when asked for plainly.
 * Both databases.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK, customer, decodeJwt, formValue, oidcClient, partnerWithApp, pkce, startOAuthApp, UserAgent, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(async () => {
  await t?.close();
});

async function cibaApp(): Promise<RegisteredApp> {
  const app = await partnerWithApp(t, { name: 'Fraud Shield', scopes: ['openid', 'orders.read'] });
  const owner = await app.partner.owner.login();
  const r = await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { ciba: { delivery_mode: 'poll' } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return app;
}

function cibaError(e: unknown): { error?: string; error_description?: string } {
  return ((e as { cause?: unknown }).cause ?? e) as { error?: string; error_description?: string };
}

describe('the catalog names the DPV term of a purpose', () => {
  it('built-in purposes carry theirs; the operator sets one, and no two purposes share a term', async () => {
    const operator = await (await t.world.operator()).login();
    const list = await operator.get<any>('/api/v1/purposes');
    expect(list.body.data.find((p: { id: string }) => p.id === 'fraud_prevention').dpv).toBe('FraudPreventionAndDetection');
    const set = await operator.patch<any>('/api/v1/purposes/billing_management', { dpv: 'BillingManagement' });
    expect([set.status, set.body.dpv]).toEqual([200, 'BillingManagement']);
    const taken = await operator.patch<any>('/api/v1/purposes/ordering_on_behalf', { dpv: 'FraudPreventionAndDetection' });
    expect([taken.status, taken.body.code]).toEqual([409, 'purpose_exists']);
    expect(taken.body.detail).toContain('Fraud prevention');
    const bad = await operator.patch<any>('/api/v1/purposes/ordering_on_behalf', { dpv: 'not a term' });
    expect(bad.status).toBe(400);
  });
});

describe('CIBA with a purpose-bound scope', () => {
  it('waits with the plain scope and the purpose in words; the consent and the tokens carry the purpose', async () => {
    const app = await cibaApp();
    const tenant = await customer(t);
    const config = await oidcClient(t, app.clientId, app.secret);
    const res = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid dpv:FraudPreventionAndDetection#orders.read', login_hint: tenant.id });
    const admin = await tenant.admin.login();
    const list = (await admin.get<any>(`/api/v1/tenants/${tenant.id}/ciba-requests`)).body.data;
    expect(list).toHaveLength(1);
    expect(list[0].permissions.map((p: { scope: string }) => p.scope)).toEqual(['orders.read']);
    expect(list[0].purposes).toEqual([expect.objectContaining({ id: 'fraud_prevention', name: 'Fraud prevention' })]);
    expect(list[0].purposes[0].description.length).toBeGreaterThan(10);

    const ok = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/approve`, { ban_ids: [tenant.bans[0].id], bill_to: tenant.bans[0].id, duration_days: 30 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const dlg = await t.testDb.db.kysely.selectFrom('delegations').select('purposes').where('id', '=', ok.body.delegation_id).executeTakeFirstOrThrow();
    expect(JSON.parse(dlg.purposes!)).toEqual(['fraud_prevention']);
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...res, interval: 0 });
    const claims = decodeJwt(tokens.access_token).payload;
    expect(String(claims.scope).split(' ')).toContain('orders.read');
    expect(claims.purpose).toEqual(['fraud_prevention']);
  });

  it('an unknown purpose → invalid_scope with a sentence; an api-scope the app is not registered for → invalid_scope', async () => {
    const app = await cibaApp();
    const tenant = await customer(t);
    const config = await oidcClient(t, app.clientId, app.secret);
    const unknown = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid dpv:MarketingResearch#orders.read', login_hint: tenant.id }).catch(cibaError);
    expect(unknown).toMatchObject({ error: 'invalid_scope' });
    expect(unknown.error_description).toMatch(/knows no purpose MarketingResearch/);
    const notAllowed = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid dpv:FraudPreventionAndDetection#orders.create', login_hint: tenant.id }).catch(cibaError);
    expect(notAllowed).toMatchObject({ error: 'invalid_scope' });
    const admin = await tenant.admin.login();
    expect((await admin.get<any>(`/api/v1/tenants/${tenant.id}/ciba-requests`)).body.data).toHaveLength(0);
  });
});

describe('the redirect flow with a purpose-bound scope', () => {
  it('the consent page ticks the purpose the scope named and lists the plain permission', async () => {
    const app = await partnerWithApp(t, { name: 'Fraud Shield' });
    const tenant = await customer(t);
    const config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid dpv:FraudPreventionAndDetection#orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const ua = new UserAgent();
    let page = await ua.request(url.href);
    while (page.status === 302 || page.status === 303) page = await ua.request(page.location!);
    expect(page.body).toContain('name="password"');
    const at = page.body.match(/action="([^"]+)\/login"/)?.[1];
    expect(at).toBeTruthy();
    let next = await ua.request(new URL(`${at}/login`, t.url).href, { form: { csrf: formValue(page.body, 'csrf') ?? '', email: tenant.admin.email, password: tenant.admin.password } });
    while (next.status === 302 || next.status === 303) next = await ua.request(next.location!);
    expect(next.status).toBe(200);
    expect(next.body).toMatch(/<input type="checkbox" name="purposes" value="fraud_prevention" checked/);
    expect(next.body).not.toMatch(/name="purposes" value="support" checked/);
    expect(next.body).toContain('Fraud prevention');
    expect(next.body).not.toContain('dpv:');
  });

  it('an unknown purpose → the app is sent back invalid_scope with a sentence', async () => {
    const app = await partnerWithApp(t, { name: 'Fraud Shield' });
    const config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid dpv:MarketingResearch#orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const r = await new UserAgent().request(url.href);
    expect(r.status).toBe(303);
    const back = new URL(r.location!);
    expect(back.searchParams.get('error')).toBe('invalid_scope');
    expect(back.searchParams.get('error_description')).toMatch(/knows no purpose MarketingResearch/);
  });
});

describe('the CIBA poll interval is the operator’s setting', () => {
  it('CIBA_POLL_INTERVAL is the interval the app is told', async () => {
    const other = await startOAuthApp({ config: { CIBA_POLL_INTERVAL: '7' } });
    try {
      const app = await partnerWithApp(other, { scopes: ['openid', 'orders.read'] });
      const owner = await app.partner.owner.login();
      expect((await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { ciba: { delivery_mode: 'poll' } })).status).toBe(200);
      const tenant = await other.world.tenant({ bans: 1 });
      const res = await oidc.initiateBackchannelAuthentication(await oidcClient(other, app.clientId, app.secret), { scope: 'openid orders.read', login_hint: tenant.id });
      expect(res.interval).toBe(7);
    } finally {
      await other.close();
    }
  });
});
