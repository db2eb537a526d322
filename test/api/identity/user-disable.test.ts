/**
 * Disabling a user ends what the account could use, for good: their personal
 * API tokens are revoked (reason `user_disabled`, audited with the disable), their sessions end,
 * their OAuth member grants (a partner's own app, for their own account) are revoked and the
 * invitations addressed to them are withdrawn. Re-enabling the account lets the user sign in
 * again and brings none of it back — as GitHub and Keycloak do. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../helpers/http.ts';
import { codeFlowTokens, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import type { TestTenant, TestUser } from '../../helpers/world.ts';
import { gw, loginAs } from '../gateway/helpers.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { mutate } from '../../../src/platform/db/database.ts';

let t: OAuthTestApp;
let operator: Client;

beforeAll(async () => {
  // a listening app: the OAuth code flow runs over HTTP
  t = await startOAuthApp();
  operator = await loginAs(t, await t.world.operator());
});
afterAll(() => t.close());

async function withTokens(u: TestUser, names: string[]) {
  const c = await loginAs(t, u);
  const tokens: { id: string; token: string }[] = [];
  for (const name of names) {
    const r = await c.post('/api/v1/me/api-tokens', { name });
    expect(r.status).toBe(201);
    tokens.push({ id: r.body.api_token.id, token: r.body.token });
  }
  return { c, tokens };
}

/** The token on the portal API and through the gateway: [status, code] of each. */
async function answers(token: string) {
  const api = new Client(t.app);
  api.bearer = token;
  const portal = await api.get('/api/v1/me');
  const gateway = await gw(t, 'GET', '/resources/v1/context', { token });
  return { portal: [portal.status, portal.body.code ?? null], gateway: [gateway.status, gateway.body.code ?? null] };
}

const disable = (u: TestUser) => operator.post(`/api/v1/users/${u.id}/disable`);
const enable = (u: TestUser) => operator.post(`/api/v1/users/${u.id}/enable`);

describe('disabling a user', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await t.world.tenant();
  });

  it('revokes their API tokens: user_inactive while disabled, invalid_token once enabled again — on the portal API and the gateway', async () => {
    const { tokens } = await withTokens(tenant.user, ['ci', 'backup script']);
    for (const { token } of tokens) expect(await answers(token)).toEqual({ portal: [200, null], gateway: [200, null] });

    expect((await disable(tenant.user)).status).toBe(200);
    for (const { token } of tokens) expect(await answers(token)).toEqual({ portal: [403, 'user_inactive'], gateway: [403, 'user_inactive'] });

    expect((await enable(tenant.user)).status).toBe(200);
    for (const { token } of tokens) expect(await answers(token)).toEqual({ portal: [401, 'invalid_token'], gateway: [401, 'invalid_token'] });
  });

  it('shows the tokens as revoked with the reason, keeps the reason of one its owner revoked, and audits each with the disable', async () => {
    const u = await t.world.user();
    const { c, tokens } = await withTokens(u, ['kept', 'revoked by me']);
    expect((await c.delete(`/api/v1/me/api-tokens/${tokens[1].id}`)).status).toBe(204);
    const disabled = await disable(u);
    expect(disabled.status).toBe(200);
    expect((await enable(u)).status).toBe(200);

    const me = await loginAs(t, u);
    const list = (await me.get('/api/v1/me/api-tokens')).body.data as { id: string; revoked_at: string | null; revoked_reason: string | null }[];
    const byId = Object.fromEntries(list.map((x) => [x.id, x]));
    expect(byId[tokens[0].id]).toMatchObject({ revoked_at: expect.any(String), revoked_reason: 'user_disabled' });
    expect(byId[tokens[1].id]).toMatchObject({ revoked_at: expect.any(String), revoked_reason: 'owner' });

    const events = await t.services.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'target_id', 'request_id', 'details'])
      .where((eb) => eb.or([eb('target_id', 'in', tokens.map((x) => x.id)), eb.and([eb('target_id', '=', u.id), eb('action', '=', 'user.disabled')])]))
      .orderBy('seq')
      .execute();
    const disableEvent = events.find((e) => e.action === 'user.disabled')!;
    expect(JSON.parse(disableEvent.details)).toEqual({ api_tokens_revoked: [tokens[0].id], invitations_withdrawn: [] });
    const revokedWithUser = events.filter((e) => e.action === 'api_token.revoked' && e.target_id === tokens[0].id);
    expect(revokedWithUser).toHaveLength(1);
    expect(JSON.parse(revokedWithUser[0].details)).toEqual({ reason: 'user_disabled', user_id: u.id });
    // the same request — the same transaction — as the disable
    expect(revokedWithUser[0].request_id).toBe(disableEvent.request_id);
    expect(JSON.parse(events.find((e) => e.action === 'api_token.revoked' && e.target_id === tokens[1].id)!.details)).toEqual({ reason: 'owner', user_id: u.id });
  });

  it('lets the user, enabled again, sign in and make a new token that works', async () => {
    const u = await t.world.user();
    const { tokens } = await withTokens(u, ['old']);
    expect((await disable(u)).status).toBe(200);
    expect((await enable(u)).status).toBe(200);
    const { tokens: fresh } = await withTokens(u, ['new']);
    const api = new Client(t.app);
    api.bearer = fresh[0].token;
    expect((await api.get('/api/v1/me')).status).toBe(200);
    api.bearer = tokens[0].token;
    expect((await api.get('/api/v1/me')).body.code).toBe('invalid_token');
  });

  it('withdraws the invitations addressed to the user: they do not come back when the account is enabled again', async () => {
    const u = await t.world.user();
    const admin = await loginAs(t, tenant.admin);
    const inv = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    expect(inv.status).toBe(201);
    expect((await (await loginAs(t, u)).get('/api/v1/me/invitations')).body.data).toHaveLength(1);

    const disabled = await disable(u);
    expect(disabled.status).toBe(200);
    expect((await enable(u)).status).toBe(200);
    const me = await loginAs(t, u);
    expect((await me.get('/api/v1/me/invitations')).body.data).toEqual([]);
    const accept = await me.post(`/api/v1/me/invitations/${inv.body.invitation.id}/accept`, {});
    expect(accept.status).toBe(404);
    expect((await admin.get(`/api/v1/tenants/${tenant.id}/invitations`)).body.data.map((i: { id: string }) => i.id)).not.toContain(inv.body.invitation.id);
  });

  it('revokes their OAuth member grants: neither the refresh token nor the access token comes back with the account', async () => {
    const app = await partnerWithApp(t, { capabilities: ['managed_services'], scopes: ['openid', 'orders.read'], name: 'MSP console' });
    const staff = app.partner.staff;
    const tokens = await codeFlowTokens(t, app.clientId, app.secret, staff, 'openid orders.read');
    const refreshed = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.status).toBe(200);
    const access = refreshed.body.access_token as string;
    expect((await gw(t, 'GET', '/resources/v1/context', { token: access })).status).not.toBe(401);

    expect((await disable(staff)).status).toBe(200);
    const meanwhile = await gw(t, 'GET', '/resources/v1/context', { token: access });
    expect([meanwhile.status, meanwhile.body.code]).toEqual([403, 'user_inactive']);
    expect((await enable(staff)).status).toBe(200);

    const again = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token as string });
    expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    const r = await gw(t, 'GET', '/resources/v1/context', { token: access });
    expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
    const disabled = await t.services.db.kysely.selectFrom('audit_events').select('details').where('action', '=', 'user.disabled').where('target_id', '=', staff.id).executeTakeFirstOrThrow();
    expect(JSON.parse(disabled.details)).toMatchObject({ oauth_grants_revoked: [expect.any(String)] });
    // the partner's app works for the user again once they sign in and approve it anew
    const fresh = await codeFlowTokens(t, app.clientId, app.secret, staff, 'openid orders.read');
    expect((await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: fresh.refresh_token! })).status).toBe(200);
  });

  it("removing one partner membership ends that partner's member grants for good; the account stays", async () => {
    const app = await partnerWithApp(t, { capabilities: ['managed_services'], scopes: ['openid', 'orders.read'], name: 'MSP console' });
    const staff = app.partner.staff;
    const tokens = await codeFlowTokens(t, app.clientId, app.secret, staff, 'openid orders.read');
    const access = tokens.access_token as string;
    expect((await gw(t, 'GET', '/resources/v1/context', { token: access })).status).not.toBe(401);
    // what a partner's directory (SCIM DELETE) or its owner does: the membership goes
    await t.services.partners.removeMember(systemContext('test'), app.partner.id, staff.id);
    // and comes back later: the grants do not
    await mutate(t.services.db, (trx) => t.services.partners.addMember(trx, { scopeId: app.partner.id, userId: staff.id, role: 'PARTNER_STAFF', invitedBy: null, invitationId: null }, systemContext('test')));
    await t.services.feed.drain();
    const again = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    const r = await gw(t, 'GET', '/resources/v1/context', { token: access });
    expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
    const event = await t.services.db.kysely.selectFrom('audit_events').select('details').where('action', '=', 'partner.user_removed').where('target_id', '=', staff.id).executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ oauth_grants_revoked: [expect.any(String)] });
    // the account itself stays: the person still signs in
    expect((await (await loginAs(t, staff)).get('/api/v1/me')).status).toBe(200);
  });

  it('refuses a token asked for by a user disabled meanwhile (the check sits under the write lock, with the insert)', async () => {
    const u = await t.world.user();
    const c = await loginAs(t, u);
    const principal = (await c.get('/api/v1/me')).body;
    expect((await disable(u)).status).toBe(200);
    await expect(
      t.services.identity.createApiToken(systemContext('test'), { kind: 'session', userId: u.id, email: u.email, name: principal.user.name, userStatus: 'active', platformRole: null, tenants: [], partner: null, sessionId: null, csrfToken: null, tokenId: null }, 'late', null),
    ).rejects.toMatchObject({ code: 'user_inactive' });
    expect(await t.services.db.kysely.selectFrom('api_tokens').select('id').where('user_id', '=', u.id).execute()).toEqual([]);
  });
});
