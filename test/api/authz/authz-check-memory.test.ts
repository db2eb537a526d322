/**
 * POST /api/v1/authz/check and /explain resolve their caller from memory — the API-token and
 * session indexes and the authz snapshot — as the gateway does, so they keep answering while the
 * database is away (they once answered 500, because authentication read the
 * database). Memory never admits what the database would refuse: a revoked token, a disabled user,
 * a logged-out session and a missing CSRF token are refused as before. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { apiToken, loginAs, withoutTables } from '../gateway/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** every table authentication used to read: a pass proves the caller came from memory */
const AUTH_TABLES = ['api_tokens', 'sessions', 'users', 'tenant_members', 'partner_members'];

async function check(headers: Record<string, string>, body: unknown = {}) {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/authz/check', headers, payload: body as object });
  return { status: r.statusCode, body: r.json() };
}

describe('the decision API from memory', () => {
  it('answers a personal API token and a session with the authentication tables gone', async () => {
    const tenant = await t.world.tenant();
    const pat = await apiToken(t, tenant.admin);
    const session = await loginAs(t, tenant.admin);
    const ask = { action: 'billing.invoices.read', tenant_id: tenant.id };
    const [byToken, bySession, explained] = await withoutTables(t, AUTH_TABLES, async () => [
      await check({ authorization: `Bearer ${pat}` }, ask),
      await session.post('/api/v1/authz/check', ask),
      await session.post('/api/v1/authz/explain', ask),
    ]);
    expect([byToken.status, byToken.body.allow]).toEqual([200, true]);
    expect([bySession.status, bySession.body.allow]).toEqual([200, true]);
    expect([explained.status, explained.body.allow]).toEqual([200, true]);
    // the same answers the database path gives
    expect((await check({ authorization: `Bearer ${pat}` }, { action: 'billing.invoices.read', tenant_id: (await t.world.tenant()).id })).body.allow).toBe(false);
  });

  it('refuses a revoked token, a disabled user, a logged-out session and a missing CSRF token', async () => {
    const tenant = await t.world.tenant();
    const ask = { action: 'billing.invoices.read', tenant_id: tenant.id };
    const me = await loginAs(t, tenant.user);
    const created = await me.post('/api/v1/me/api-tokens', { name: 'memory' });
    const pat = created.body.token as string;
    expect((await check({ authorization: `Bearer ${pat}` }, ask)).status).toBe(200);
    expect((await me.post('/api/v1/authz/check', ask, { 'x-csrf-token': 'wrong' })).body.code).toBe('csrf_token_invalid');

    const operator = await loginAs(t, await t.world.operator());
    expect((await operator.post(`/api/v1/users/${tenant.user.id}/disable`, {})).status).toBe(200);
    const disabled = await check({ authorization: `Bearer ${pat}` }, ask);
    expect([disabled.status, disabled.body.code]).toEqual([403, 'user_inactive']);
    expect((await me.post('/api/v1/authz/check', ask)).status).toBe(401);
    expect((await operator.post(`/api/v1/users/${tenant.user.id}/enable`, {})).status).toBe(200);

    expect((await me.delete(`/api/v1/me/api-tokens/${created.body.api_token.id}`)).status).toBe(401); // its session ended with the disable
    const again = await loginAs(t, tenant.user);
    expect((await again.delete(`/api/v1/me/api-tokens/${created.body.api_token.id}`)).status).toBe(204);
    const revoked = await check({ authorization: `Bearer ${pat}` }, ask);
    expect([revoked.status, revoked.body.code]).toEqual([401, 'invalid_token']);

    expect((await again.post('/api/v1/auth/logout', {})).status).toBeLessThan(300);
    expect((await again.post('/api/v1/authz/check', ask)).status).toBe(401);
  });
});
