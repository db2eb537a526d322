/**
 * "Last use" under Connected partners moves with gateway use, not only at token issuance: the
 * gateway notes the delegation of each admitted request in memory (nothing written on the
 * response path) and a batched flush — periodic, and when the app closes — writes
 * delegations.last_used_at. A manual clock tells the times apart. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { ManualClock } from '../../../src/platform/clock.ts';
import { CALLBACK, authorizeViaHttp, customer, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  t = await startOAuthApp({ clock });
});
afterAll(async () => {
  await t?.close();
});

async function connect(tenant: TestTenant) {
  const app = await partnerWithApp(t, { name: 'Used app' });
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, tenant.admin);
  const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  return { app, token: tokens.access_token, dlg: JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()).dlg as string };
}

async function lastUsed(tenant: TestTenant, delegationId: string): Promise<string | null> {
  const admin = await t.client().login(tenant.admin.email, tenant.admin.password); // the current app, also after a restart
  const r = await admin.get(`/api/v1/tenants/${tenant.id}/connected-apps`);
  expect(r.status).toBe(200);
  const row = r.body.data.find((x: { delegation_id: string }) => x.delegation_id === delegationId);
  return row.last_used_at as string | null;
}

const gateway = (token: string) => fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${token}` } });

describe('last use of a connected partner', () => {
  it('moves when the gateway admits a request, once the batch is flushed', async () => {
    const tenant = await customer(t);
    const issuedAt = clock.now().toISOString();
    const c = await connect(tenant);
    expect(await lastUsed(tenant, c.dlg)).toBe(issuedAt); // token issuance counts too

    clock.advance(5 * 60_000);
    const usedAt = clock.now().toISOString();
    expect((await gateway(c.token)).status).toBe(200);
    // Noted in memory, not written on the response path…
    expect(t.services.oauth.lastUse.pending).toBeGreaterThan(0);
    expect(await lastUsed(tenant, c.dlg)).toBe(issuedAt);
    // …written by the flush.
    await t.services.oauth.lastUse.flush();
    expect(t.services.oauth.lastUse.pending).toBe(0);
    expect(await lastUsed(tenant, c.dlg)).toBe(usedAt);

    // A refused request is not a use.
    clock.advance(60_000);
    const refused = await fetch(`${t.url}/resources/v1/orders?ban=NOT-COVERED`, { headers: { authorization: `Bearer ${c.token}` } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await t.services.oauth.lastUse.flush();
    expect(await lastUsed(tenant, c.dlg)).toBe(usedAt);
  });

  it('writes many delegations in one flush, never moves a value backwards, and flushes when the app closes', async () => {
    const tenant = await customer(t);
    const [a, b] = [await connect(tenant), await connect(tenant)];
    clock.advance(60_000);
    const at = clock.now().toISOString();
    expect((await gateway(a.token)).status).toBe(200);
    expect((await gateway(b.token)).status).toBe(200);
    await t.services.oauth.lastUse.flush();
    expect([await lastUsed(tenant, a.dlg), await lastUsed(tenant, b.dlg)]).toEqual([at, at]);

    // An older time noted later (e.g. by an instance whose clock lags) does not win.
    t.services.oauth.lastUse.note(a.dlg);
    await t.testDb.db.kysely.updateTable('delegations').set({ last_used_at: new Date(clock.now().getTime() + 3_600_000).toISOString() }).where('id', '=', a.dlg).execute();
    await t.services.oauth.lastUse.flush();
    expect(await lastUsed(tenant, a.dlg)).toBe(new Date(clock.now().getTime() + 3_600_000).toISOString());

    // Pending uses are written when the app closes.
    clock.advance(60_000);
    const closing = clock.now().toISOString();
    expect((await gateway(b.token)).status).toBe(200);
    await t.restart();
    expect(await lastUsed(tenant, b.dlg)).toBe(closing);
  });
});
