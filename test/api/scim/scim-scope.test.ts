/**
 * An account is governed only by the organizations it belongs to: a customer's directory that
 * switches a person off (Entra's and Okta's PATCH, DELETE) ends their membership of that customer
 * alone when they belong to another one too — even one they joined after the directory linked
 * them: their session and API token keep working there, the first customer refuses them on the
 * next request — and disables the account only when it was their last organization. Reactivation
 * brings the membership back. An address of another organization's account is refused with
 * account_conflict. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../helpers/http.ts';
import type { TestTenant, TestUser } from '../../helpers/world.ts';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { gw, loginAs } from '../gateway/helpers.ts';
import { ERROR, GROUP, PATCH, USER, email, entraDeactivate, scimClient, until } from './scim-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t?.close());

const oktaDeactivate = { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] };
const entraReactivate = { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] };
const oktaReactivate = { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] };
const FORMS = [
  ['Entra ID', entraDeactivate, entraReactivate],
  ['Okta', oktaDeactivate, oktaReactivate],
] as const;

async function tenantToken(tn: TestTenant): Promise<string> {
  const r = await (await loginAs(t, tn.admin)).post(`/api/v1/tenants/${tn.id}/scim/token`);
  expect(r.status).toBe(201);
  return r.body.token as string;
}

const roleIn = async (tn: TestTenant, userId: string) => (await t.services.tenants.listMembers(tn.id)).find((m) => m.user_id === userId)?.role;
const status = async (id: string) => (await t.services.identity.findUserById(id))?.status;

/** Customer A's person, linked by A's directory, who later joins customer B by invitation; a session and an API token. */
async function personOfTwo() {
  const a = await t.world.tenant();
  const b = await t.world.tenant();
  const person: TestUser = a.user;
  const s = scimClient(t, await tenantToken(a));
  const linked = await s('POST', '/Users', { schemas: [USER], userName: person.email, emails: [{ primary: true, value: person.email }] });
  expect([linked.status, linked.body.id]).toEqual([201, person.id]);
  const inv = await (await loginAs(t, b.admin)).post(`/api/v1/tenants/${b.id}/members`, { email: person.email, role: 'TENANT_USER' });
  expect(inv.status).toBe(201);
  const session = await loginAs(t, person);
  expect((await session.post(`/api/v1/me/invitations/${inv.body.invitation.id}/accept`, {})).status).toBeLessThan(300);
  const api = new Client(t.app);
  api.bearer = (await session.post('/api/v1/me/api-tokens', { name: 'ci' })).body.token as string;
  for (const c of [session, api]) {
    expect((await c.get(`/api/v1/tenants/${a.id}`)).status).toBe(200);
    expect((await c.get(`/api/v1/tenants/${b.id}`)).status).toBe(200);
  }
  return { a, b, person, session, api, s };
}

/** The person's access to customer A ends on the next request, within 0.4 s; customer B keeps them. */
async function refusedInAOnly(w: Awaited<ReturnType<typeof personOfTwo>>) {
  for (const c of [w.session, w.api]) {
    const { value, elapsed } = await until(() => c.get(`/api/v1/tenants/${w.a.id}`), (r) => r.status !== 200, 400);
    expect(value.status).toBe(404);
    expect(elapsed).toBeLessThan(400);
    expect((await c.get(`/api/v1/tenants/${w.b.id}`)).status).toBe(200);
    expect((await c.get('/api/v1/me')).status).toBe(200);
  }
  expect(await status(w.person.id)).toBe('active');
  expect(await roleIn(w.a, w.person.id)).toBeUndefined();
  expect(await roleIn(w.b, w.person.id)).toBe('TENANT_USER');
  // a fresh sign-in works, and works in B
  expect((await (await loginAs(t, w.person)).get(`/api/v1/tenants/${w.b.id}`)).status).toBe(200);
}

describe('a person of two customers, switched off by one customer’s directory', () => {
  for (const [idp, off, on] of FORMS) {
    it(`${idp}: deactivation ends their membership of that customer alone; reactivation restores it`, async () => {
      const w = await personOfTwo();
      const r = await w.s('PATCH', `/Users/${w.person.id}`, off);
      expect([r.status, r.body.active]).toEqual([200, false]);
      await refusedInAOnly(w);
      // still in the directory's reach, switched off
      expect((await w.s('GET', `/Users/${w.person.id}`)).body).toMatchObject({ id: w.person.id, active: false });
      const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id', 'details']).where('target_id', '=', w.person.id).orderBy('seq').execute();
      const actions = audit.map((x) => x.action);
      expect(actions).toEqual(expect.arrayContaining(['tenant.member_removed', 'scim.user_deactivated']));
      expect(actions).not.toContain('user.disabled');
      expect(audit.find((x) => x.action === 'tenant.member_removed')?.tenant_id).toBe(w.a.id);

      const back = await w.s('PATCH', `/Users/${w.person.id}`, on);
      expect([back.status, back.body.active]).toEqual([200, true]);
      expect(await roleIn(w.a, w.person.id)).toBe('TENANT_USER');
      const { value } = await until(() => w.session.get(`/api/v1/tenants/${w.a.id}`), (x) => x.status === 200, 400);
      expect(value.status).toBe(200);
      expect((await w.api.get(`/api/v1/tenants/${w.a.id}`)).status).toBe(200);
      const after = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', w.person.id).where('tenant_id', '=', w.a.id).orderBy('seq').execute();
      expect(after.map((x) => x.action)).toEqual(expect.arrayContaining(['scim.user_reactivated', 'tenant.member_added']));
    });
  }

  it('the access they approved for an app in that customer stops; their session in the other customer works', async () => {
    const app = await partnerWithApp(t, { scopes: ['openid', 'profile', 'orders.read'], name: 'Customer console' });
    const w = await personOfTwo();
    // the directory's admin group makes them an admin of A, who connects the app for A
    expect((await w.s('POST', '/Groups', { schemas: [GROUP], displayName: 'Admins', members: [{ value: w.person.id }] })).status).toBe(201);
    expect(await roleIn(w.a, w.person.id)).toBe('TENANT_ADMIN');
    const config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const cb = await authorizeViaHttp(t, url, w.person, { tenantId: w.a.id });
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    expect((await gw(t, 'GET', '/resources/v1/context', { token: tokens.access_token })).status).not.toBe(401);

    expect((await w.s('PATCH', `/Users/${w.person.id}`, entraDeactivate)).status).toBe(200);
    const { value, elapsed } = await until(() => gw(t, 'GET', '/resources/v1/context', { token: tokens.access_token }), (r) => r.status === 403, 400);
    expect([value.status, value.body.code]).toEqual([403, 'delegation_approver_inactive']);
    expect(elapsed).toBeLessThan(400);
    expect((await w.session.get(`/api/v1/tenants/${w.b.id}`)).status).toBe(200);
    expect(await status(w.person.id)).toBe('active');
    // turned on again: back with the role the directory's groups give
    expect((await w.s('PATCH', `/Users/${w.person.id}`, entraReactivate)).body.active).toBe(true);
    expect(await roleIn(w.a, w.person.id)).toBe('TENANT_ADMIN');
  });

  it('DELETE ends their membership of that customer alone', async () => {
    const w = await personOfTwo();
    expect((await w.s('DELETE', `/Users/${w.person.id}`)).status).toBe(204);
    await refusedInAOnly(w);
    expect((await w.s('GET', `/Users/${w.person.id}`)).body).toMatchObject({ schemas: [ERROR], status: '404' });
  });
});

describe('a partner’s person who is also a customer’s member, switched off by the partner’s directory', () => {
  it('their partner membership turns off; the customer keeps them and the account stays', async () => {
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const tn = await t.world.tenant();
    const person = partner.staff;
    const token = (await (await loginAs(t, partner.owner)).post(`/api/v1/partners/${partner.id}/scim/token`)).body.token as string;
    const p = scimClient(t, token);
    expect((await p('POST', '/Users', { schemas: [USER], userName: person.email })).body.id).toBe(person.id);
    const inv = await (await loginAs(t, tn.admin)).post(`/api/v1/tenants/${tn.id}/members`, { email: person.email, role: 'TENANT_USER' });
    expect(inv.status).toBe(201);
    const session = await loginAs(t, person);
    expect((await session.post(`/api/v1/me/invitations/${inv.body.invitation.id}/accept`, {})).status).toBeLessThan(300);
    expect((await session.get(`/api/v1/partners/${partner.id}`)).status).toBe(200);

    expect((await p('PATCH', `/Users/${person.id}`, oktaDeactivate)).body.active).toBe(false);
    const { value } = await until(() => session.get(`/api/v1/partners/${partner.id}`), (r) => r.status !== 200, 400);
    expect(value.status).toBe(403);
    expect((await session.get(`/api/v1/tenants/${tn.id}`)).status).toBe(200);
    expect(await status(person.id)).toBe('active');
    expect((await p('PATCH', `/Users/${person.id}`, oktaReactivate)).body.active).toBe(true);
    expect((await session.get(`/api/v1/partners/${partner.id}`)).status).toBe(200);
  });
});

describe('a person whose only organization is the customer', () => {
  for (const [idp, off, on] of FORMS) {
    it(`${idp}: deactivation disables the account as before; reactivation enables it`, async () => {
      const tn = await t.world.tenant();
      const s = scimClient(t, await tenantToken(tn));
      expect((await s('POST', '/Users', { schemas: [USER], userName: tn.user.email })).status).toBe(201);
      const session = await loginAs(t, tn.user);
      expect((await s('PATCH', `/Users/${tn.user.id}`, off)).body.active).toBe(false);
      expect(await status(tn.user.id)).toBe('disabled');
      expect((await session.get('/api/v1/me')).status).toBe(401);
      expect(await roleIn(tn, tn.user.id)).toBe('TENANT_USER');
      expect((await s('PATCH', `/Users/${tn.user.id}`, on)).body.active).toBe(true);
      expect(await status(tn.user.id)).toBe('active');
      expect((await (await loginAs(t, tn.user)).get(`/api/v1/tenants/${tn.id}`)).status).toBe(200);
    });
  }

  it('DELETE disables the account as before', async () => {
    const tn = await t.world.tenant();
    const s = scimClient(t, await tenantToken(tn));
    expect((await s('POST', '/Users', { schemas: [USER], userName: tn.user.email })).status).toBe(201);
    expect((await s('DELETE', `/Users/${tn.user.id}`)).status).toBe(204);
    expect(await status(tn.user.id)).toBe('disabled');
    expect(await roleIn(tn, tn.user.id)).toBeUndefined();
  });
});

describe('an address of another organization’s account', () => {
  it('is refused on create and on update with account_conflict; nothing changes', async () => {
    const a = await t.world.tenant();
    const b = await t.world.tenant();
    const s = scimClient(t, await tenantToken(a));
    // the canonical address is the one looked up: case and spaces do not make another person
    const shouted = ` ${b.user.email.toUpperCase()} `;
    const created = await s('POST', '/Users', { schemas: [USER], userName: shouted, emails: [{ primary: true, value: shouted }] });
    expect(created.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness', code: 'account_conflict' });

    const mine = email('mine');
    const id = (await s('POST', '/Users', { schemas: [USER], userName: mine })).body.id as string;
    const put = await s('PUT', `/Users/${id}`, { schemas: [USER], userName: mine, emails: [{ primary: true, value: b.user.email }] });
    expect(put.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness', code: 'account_conflict' });
    const patch = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { emails: [{ primary: true, value: b.user.email }] } }] });
    expect(patch.body).toMatchObject({ status: '409', code: 'account_conflict' });
    expect(await roleIn(b, b.user.id)).toBe('TENANT_USER');
    expect(await roleIn(a, b.user.id)).toBeUndefined();
    expect(await status(b.user.id)).toBe('active');
  });
});
