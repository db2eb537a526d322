/**
 * Whose budget an app's access token spends at the gateway: its grant's, not its own. Every token
 * issued from one consent (however often refreshed) shares one per-class window, so an app cannot
 * reset its limit by asking for a new token; another customer's consent is another budget. Tokens
 * of no grant (client credentials) share their app's budget for the same customer. Real tokens
 * from the token endpoint (authorization code with PKCE, refresh, client credentials) over HTTP,
 * both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, customer, decodeJwt, oidcClient, partnerWithApp, pkce, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let app: RegisteredApp;

beforeAll(async () => {
  t = await startOAuthApp({ config: { RATE_LIMITS: JSON.stringify({ read: 3, partner: 1000 }) } });
  app = await partnerWithApp(t, { name: 'Billing Insights' });
});
afterAll(() => t?.close());

async function consent(tenant: TestTenant) {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, tenant.admin);
  return { config, tokens: await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state }) };
}

async function read(token: string, tenantId?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (tenantId) headers['x-active-tenant-id'] = tenantId;
  const res = await fetch(`${t.url}/resources/v1/context`, { headers });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code, ratelimit: res.headers.get('ratelimit') };
}

describe('an access token spends its grant’s budget', () => {
  it('a refreshed token continues the budget; another customer’s consent has its own', async () => {
    const tenant = await customer(t);
    const { config, tokens } = await consent(tenant);
    for (let i = 0; i < 3; i++) expect((await read(tokens.access_token)).status).toBe(200);
    expect((await read(tokens.access_token)).code).toBe('rate_limited');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(refreshed.access_token).payload.gid).toBe(decodeJwt(tokens.access_token).payload.gid);
    const again = await read(refreshed.access_token);
    expect([again.status, again.code]).toEqual([429, 'rate_limited']);

    const other = await consent(await customer(t));
    const first = await read(other.tokens.access_token);
    expect(first.status).toBe(200);
    expect(first.ratelimit).toMatch(/^"read";r=2;/);
  });

  it('tokens of no grant (client credentials) share their app’s budget', async () => {
    const wholesaler = await partnerWithApp(t, { name: 'Reseller Console', capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const auth = { clientId: wholesaler.clientId, secret: wholesaler.secret };
    const token = async () => {
      const r = await tokenRequest(t, auth, { grant_type: 'client_credentials', scope: 'orders.read' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.access_token as string;
    };
    const one = await token();
    const two = await token();
    expect(one).not.toBe(two);
    expect((await read(one)).ratelimit).toMatch(/^"read";r=2;/);
    expect((await read(two)).ratelimit).toMatch(/^"read";r=1;/);
    expect((await read(one)).status).toBe(200);
    expect((await read(two)).code).toBe('rate_limited');
  });
});
