/**
 * Shorter lifetimes for tokens that act across tenants: the operator's policy for a partner and a
 * customer's own policy cut the access and refresh tokens of a consent grant (the shortest of the
 * default and both wins); the partner's own client-credentials token keeps the default; a refresh
 * token past its policy lifetime is refused — time moved with the system clock faked (no sleep).
 * Through the real authorization code flow (openid-client) and the real token endpoint. Both databases.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { unique, type TestTenant, type TestUser } from '../../helpers/world.ts';
import { codeFlowTokens, customer, decodeJwt, introspect, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let strict: TestTenant;
let relaxed: TestTenant;
let operator: TestUser;
const SCOPE = 'openid offline_access orders.read';
const lifetime = (jwt: string) => {
  const p = decodeJwt(jwt).payload as { exp: number; iat: number };
  return p.exp - p.iat;
};

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t);
  strict = await customer(t);
  relaxed = await customer(t);
  operator = await t.world.operator();
}, 120_000);
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('cross-tenant token lifetimes', () => {
  it('without policies, a consent grant gets the operator defaults', async () => {
    const tokens = await codeFlowTokens(t, app.clientId, app.secret, strict.admin, SCOPE);
    expect(lifetime(tokens.access_token)).toBe(t.config.accessTokenTtlSec);
  });

  it('the partner policy (operator) and the customer policy (its admin) are set in words and audited; refusals are problem+json', async () => {
    const op = await operator.login();
    const p = await op.put(`/api/v1/partners/${app.partner.id}/configuration/lifetimes`, { access_ttl_sec: 300, refresh_ttl_sec: null });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ access_ttl_sec: 300, refresh_ttl_sec: null, summary: expect.stringContaining('Access by partners expires after 5 minutes') });
    const admin = await strict.admin.login();
    const c = await admin.put(`/api/v1/tenants/${strict.id}/partner-token-lifetimes`, { access_ttl_sec: 120, refresh_ttl_sec: 600 });
    expect(c.status).toBe(200);
    expect(c.body.summary).toBe('Access by partners expires after 2 minutes; a partner app can renew it without the customer for 10 minutes at most.');
    expect((await admin.get(`/api/v1/tenants/${strict.id}/partner-token-lifetimes`)).body.access_ttl_sec).toBe(120);
    // bad input, another customer, a partner owner on the operator's setting
    const bad = await admin.put(`/api/v1/tenants/${strict.id}/partner-token-lifetimes`, { access_ttl_sec: 5, refresh_ttl_sec: null });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    expect((await admin.get(`/api/v1/tenants/${relaxed.id}/partner-token-lifetimes`)).status).toBe(404);
    const owner = await app.partner.owner.login();
    expect((await owner.put(`/api/v1/partners/${app.partner.id}/configuration/lifetimes`, { access_ttl_sec: 3600, refresh_ttl_sec: null })).status).toBe(403);
    expect((await op.get('/api/v1/partners/ptr_nope/configuration/lifetimes')).status).toBe(404);
    const audit = await t.services.audit.list({ action: 'token_policy.changed', limit: 10 } as Parameters<typeof t.services.audit.list>[0]);
    expect(audit.data.map((e) => e.target_id).sort()).toEqual([app.partner.id, strict.id].sort());
  });

  it("a consent grant's tokens live the shortest of default, partner and customer policy", async () => {
    await t.services.feed.drain();
    const forStrict = await codeFlowTokens(t, app.clientId, app.secret, strict.admin, SCOPE);
    expect(lifetime(forStrict.access_token)).toBe(120);
    expect(forStrict.expires_in).toBeLessThanOrEqual(120);
    const rt = await introspect(t, app, String(forStrict.refresh_token));
    expect(rt.body.active).toBe(true);
    expect(Number(rt.body.exp) - Number(rt.body.iat)).toBe(600);
    // the other customer has no policy of its own: the partner's applies
    const forRelaxed = await codeFlowTokens(t, app.clientId, app.secret, relaxed.admin, SCOPE);
    expect(lifetime(forRelaxed.access_token)).toBe(300);
    const rt2 = await introspect(t, app, String(forRelaxed.refresh_token));
    expect(Number(rt2.body.exp) - Number(rt2.body.iat)).toBe(t.config.refreshTokenTtlSec);
  });

  it("the partner's own first-party token (client credentials) keeps the default", async () => {
    const own = await partnerWithApp(t, { capabilities: ['managed_services'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
    await (await operator.login()).put(`/api/v1/partners/${own.partner.id}/configuration/lifetimes`, { access_ttl_sec: 60, refresh_ttl_sec: 60 });
    await t.services.feed.drain();
    const r = await tokenRequest(t, own, { grant_type: 'client_credentials', scope: 'authzen.evaluate' });
    expect(r.status).toBe(200);
    expect(lifetime(String(r.body.access_token))).toBe(t.config.accessTokenTtlSec);
  });

  it("a wholesaler's exchanged token (acting for its resold customer) is cut to the customer's policy too; its own token is not", async () => {
    const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read'] });
    const owner = await w.partner.owner.login();
    const resold = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Fabrikam Bakery', slug: unique('resold'), billing_account_name: 'Bakery main' });
    expect(resold.status).toBe(201);
    const tenantId = String(resold.body.resold.tenant.id);
    // the resold customer's admin is still an invitee: its policy is set through the service, as its page would
    await t.services.tokenLifetimes.set(systemContext('test-resold-policy'), { type: 'tenant', id: tenantId }, { access_ttl_sec: 90, refresh_ttl_sec: null });
    await t.services.feed.drain();
    const own = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(lifetime(String(own.body.access_token))).toBe(t.config.accessTokenTtlSec);
    const exchanged = await tokenRequest(t, w, { grant_type: TE, subject_token: String(own.body.access_token), subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', tenant_id: tenantId, scope: 'orders.read' });
    expect(exchanged.status).toBe(200);
    expect(lifetime(String(exchanged.body.access_token))).toBe(90);
    expect(exchanged.body.expires_in).toBeLessThanOrEqual(90);
  });

  it("an MSP member's token (the partner's own app, acting on the customers its links reach) lives the partner's policy", async () => {
    const msp = await partnerWithApp(t, { capabilities: ['managed_services'], scopes: ['openid', 'orders.read'] });
    await (await operator.login()).put(`/api/v1/partners/${msp.partner.id}/configuration/lifetimes`, { access_ttl_sec: 180, refresh_ttl_sec: 900 });
    await t.services.feed.drain();
    const tokens = await codeFlowTokens(t, msp.clientId, msp.secret, msp.partner.owner, 'openid offline_access orders.read');
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ persona: 'msp' });
    expect(lifetime(tokens.access_token)).toBe(180);
    const rt = await introspect(t, msp, String(tokens.refresh_token));
    expect(Number(rt.body.exp) - Number(rt.body.iat)).toBe(900);
  });

  it('a refresh token is refused once its policy lifetime has passed (the clock moved, no sleep)', async () => {
    const tokens = await codeFlowTokens(t, app.clientId, app.secret, strict.admin, SCOPE);
    // within its lifetime: refreshed, and the new access token is still cut to the policy
    const ok = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
    expect(ok.status).toBe(200);
    expect(lifetime(String(ok.body.access_token))).toBe(120);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 601_000);
    const late = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: String(ok.body.refresh_token) });
    expect([late.status, late.body.error]).toEqual([400, 'invalid_grant']);
  });
});
