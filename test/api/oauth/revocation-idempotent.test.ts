/**
 * Ending a grant twice is not a server fault. A customer disconnecting an app twice (or twice at
 * once), an app revoking its refresh token again, replays of a rotated refresh token racing each
 * other, a grant revoked after its delegation ended: the second one is a clean no-op — the same
 * answer, no second revocation event — and the app logs no error-level line (error is for server
 * faults only; this case used to log "oauth grant revocation error | A revoked delegation cannot
 * be revoked" thousands of times on PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { codeFlowTokens, customer, decodeJwt, oidcClient, partnerWithApp, revoke, startOAuthApp, tokenRequest, type OAuthTestApp } from './oauth-helpers.ts';
import { captureLog } from '../../helpers/log-capture.ts';

let t: OAuthTestApp;
const log = captureLog();

beforeAll(async () => {
  t = await startOAuthApp({ logger: log.logger });
}, 60_000);
afterAll(() => t?.close());

/** A customer connects a fresh app (with refresh tokens); its tokens and the consent delegation. */
async function connected() {
  const app = await partnerWithApp(t, { scopes: ['openid', 'offline_access', 'orders.read'] });
  const tenant = await customer(t);
  const tokens = await codeFlowTokens(t, app.clientId, app.secret, tenant.admin, 'openid offline_access orders.read');
  const dlg = String(decodeJwt(tokens.access_token).payload.dlg);
  const admin = await tenant.admin.login();
  return { app, tenant, tokens, dlg, admin, disconnect: () => admin.post(`/api/v1/tenants/${tenant.id}/connected-apps/${dlg}/revoke`, { reason: 'switching provider' }) };
}

async function events(action: string, targetId: string): Promise<number> {
  const rows = await t.testDb.db.kysely.selectFrom('audit_events').select('id').where('action', '=', action).where('target_id', '=', targetId).execute();
  return rows.length;
}

async function status(dlg: string): Promise<string> {
  return (await t.testDb.db.kysely.selectFrom('delegations').select('status').where('id', '=', dlg).executeTakeFirstOrThrow()).status;
}

describe('revoking a grant twice', () => {
  it('a customer disconnecting an app twice: 204 both times, one revocation, no error logged', async () => {
    const c = await connected();
    const before = log.errors().length;
    expect((await c.disconnect()).status).toBe(204);
    const again = await c.disconnect();
    expect([again.status, again.body]).toEqual([204, '']);
    expect(await status(c.dlg)).toBe('revoked');
    expect(await events('delegation.revoked', c.dlg)).toBe(1);
    expect((await tokenRequest(t, c.app, { grant_type: 'refresh_token', refresh_token: c.tokens.refresh_token! })).body.error).toBe('invalid_grant');
    expect(log.errors().slice(before)).toEqual([]);
  });

  it('two disconnects at once: both 204, one revocation, no error logged', async () => {
    const c = await connected();
    const before = log.errors().length;
    const rs = await Promise.all([c.disconnect(), c.disconnect(), c.disconnect()]);
    expect(rs.map((r) => r.status)).toEqual([204, 204, 204]);
    expect(await events('delegation.revoked', c.dlg)).toBe(1);
    expect(log.errors().slice(before)).toEqual([]);
  });

  it('replays of a rotated refresh token racing each other revoke the grant once, and log no error', async () => {
    const c = await connected();
    const config = await oidcClient(t, c.app.clientId, c.app.secret);
    await oidc.refreshTokenGrant(config, c.tokens.refresh_token!); // rotates: the old one is now spent
    const before = log.errors().length;
    const replays = await Promise.all([1, 2, 3, 4].map(() => tokenRequest(t, c.app, { grant_type: 'refresh_token', refresh_token: c.tokens.refresh_token! })));
    expect(replays.map((r) => r.body.error)).toEqual(['invalid_grant', 'invalid_grant', 'invalid_grant', 'invalid_grant']);
    expect(await status(c.dlg)).toBe('revoked');
    expect(await events('delegation.revoked', c.dlg)).toBe(1);
    expect(log.errors().slice(before)).toEqual([]);
  });

  it('two revocations of one grant racing inside the server (both read the delegation as active) end it once, and log no error', async () => {
    const c = await connected();
    const before = log.errors().length;
    await Promise.all([1, 2, 3].map(() => t.services.oauth.consent.deleteGrantsOf(c.dlg, 'racing')));
    expect(await status(c.dlg)).toBe('revoked');
    expect(await events('delegation.revoked', c.dlg)).toBe(1);
    expect(log.errors().slice(before)).toEqual([]);
  });

  it('an app revoking its refresh token twice, and at once: 200 each time, no error logged', async () => {
    const c = await connected();
    const before = log.errors().length;
    const rs = await Promise.all([revoke(t, c.app, c.tokens.refresh_token!, 'refresh_token'), revoke(t, c.app, c.tokens.refresh_token!, 'refresh_token')]);
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    expect((await revoke(t, c.app, c.tokens.refresh_token!, 'refresh_token')).status).toBe(200);
    expect(await status(c.dlg)).toBe('revoked');
    expect(await events('delegation.revoked', c.dlg)).toBe(1);
    expect(log.errors().slice(before)).toEqual([]);
  });

  it('a grant revoked after its delegation was revoked elsewhere ends nothing more, and logs no error', async () => {
    const c = await connected();
    expect((await c.admin.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.dlg}/revoke`, { reason: 'contract ended' })).status).toBe(200);
    const before = log.errors().length;
    expect((await revoke(t, c.app, c.tokens.refresh_token!, 'refresh_token')).status).toBe(200);
    expect((await c.disconnect()).status).toBe(204);
    expect(await events('delegation.revoked', c.dlg)).toBe(1);
    expect(log.errors().slice(before)).toEqual([]);
  });

  it('the log of this whole file holds no error-level line', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.errors()).toEqual([]);
  });
});
