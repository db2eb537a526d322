/**
 * SCIM 2.0 provisioning of a customer tenant's people: the tenant admin switches it on (the token
 * shown once) and the tenant's Entra ID or Okta replays the sequences the partner suite replays —
 * create, find by filter, patch, deactivate, reactivate, delete; groups whose members become
 * TENANT_ADMIN or TENANT_USER. The walls: a tenant's token reaches its own members only (never a
 * partner's people or another tenant's, and the reverse), a person's membership — not the payload —
 * decides, and deactivation ends the person's session, API token and OAuth access. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../helpers/http.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { codeFlowTokens, partnerWithApp, startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { gw, loginAs } from '../gateway/helpers.ts';
import { activeSubscription, planWorld, verifiedCompany } from '../plans/helpers.ts';
import { ERROR, GROUP, PATCH, USER, email, entraDeactivate, scimClient } from './scim-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t?.close());

async function tenantToken(tn: TestTenant): Promise<string> {
  const admin = await loginAs(t, tn.admin);
  const r = await admin.post(`/api/v1/tenants/${tn.id}/scim/token`);
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ token: expect.stringMatching(/^pgscim_/), connection: { status: 'on', tenant_id: tn.id, partner_id: null } });
  return r.body.token as string;
}

const scim = (token: string) => scimClient(t, token);
const roleIn = async (tn: TestTenant, userId: string) => (await t.services.tenants.listMembers(tn.id)).find((m) => m.user_id === userId)?.role;

describe('a tenant’s SCIM Users as Entra ID sends them', () => {
  it('provisions a TENANT_USER, patches, deactivates, reactivates and deletes — access ends, history stays', async () => {
    const tn = await t.world.tenant();
    const s = scim(await tenantToken(tn));
    const upn = email('grace');

    expect((await s('GET', `/Users?filter=${encodeURIComponent(`userName eq "${upn}"`)}`)).body).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await s('POST', '/Users', {
      schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: 'grace-object-id',
      userName: upn,
      active: true,
      displayName: 'Grace Hopper',
      emails: [{ primary: true, type: 'work', value: upn }],
      name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schemas: [USER], userName: upn, externalId: 'grace-object-id', active: true, displayName: 'Grace Hopper', meta: { resourceType: 'User', version: 'W/"1"' } });
    const id = created.body.id as string;
    expect(await roleIn(tn, id)).toBe('TENANT_USER');
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'actor_type', 'actor_client_id', 'tenant_id', 'partner_id']).where('target_id', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['tenant.member_added', 'scim.user_provisioned']);
    expect(audit[1]).toMatchObject({ actor_type: 'system', actor_client_id: expect.stringMatching(/^scim_/), tenant_id: tn.id, partner_id: null });

    expect((await s('GET', `/Users?filter=${encodeURIComponent('externalId eq "grace-object-id"')}`)).body.Resources.map((u: { id: string }) => u.id)).toEqual([id]);
    const patched = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'name.familyName', value: 'Murray' }, { op: 'Replace', value: { displayName: 'Grace Murray' } }] });
    expect(patched.body).toMatchObject({ name: { familyName: 'Murray' }, displayName: 'Grace Murray', meta: { version: 'W/"2"' } });
    expect((await s('PATCH', `/Users/${id}`, entraDeactivate, { 'if-match': 'W/"1"' })).status).toBe(412);

    const off = await s('PATCH', `/Users/${id}`, entraDeactivate, { 'if-match': 'W/"2"' });
    expect([off.status, off.body.active]).toEqual([200, false]);
    expect((await t.services.identity.findUserById(id))?.status).toBe('disabled');
    // the membership stays, so a reactivation brings the person back with their role
    expect(await roleIn(tn, id)).toBe('TENANT_USER');
    const on = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(on.body.active).toBe(true);
    expect((await t.services.identity.findUserById(id))?.status).toBe('active');

    expect((await s('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await s('GET', `/Users/${id}`)).body).toMatchObject({ schemas: [ERROR], status: '404' });
    expect(await roleIn(tn, id)).toBeUndefined();
    expect((await t.services.identity.findUserById(id))?.status).toBe('disabled');
    const after = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id']).where('target_id', '=', id).orderBy('seq').execute();
    expect(after.map((a) => a.action)).toEqual(expect.arrayContaining(['scim.user_provisioned', 'scim.user_updated', 'scim.user_deactivated', 'user.disabled', 'scim.user_reactivated', 'tenant.member_removed', 'scim.user_deleted']));
    expect(after.filter((a) => a.action.startsWith('scim.')).every((a) => a.tenant_id === tn.id)).toBe(true);

    // the tenant admin's page: the connection and the directory's last requests in words
    const view = await (await loginAs(t, tn.admin)).get(`/api/v1/tenants/${tn.id}/scim`);
    expect(view.body).toMatchObject({ status: 'on', tenant_id: tn.id, base_url: expect.stringMatching(/\/scim\/v2$/) });
    expect(view.body.requests.find((r: { method: string }) => r.method === 'DELETE')).toMatchObject({ status: 204, result: expect.stringContaining('Removed Grace Murray') });
    expect(view.body.requests.find((r: { status: number }) => r.status === 412)).toMatchObject({ method: 'PATCH', result: expect.stringContaining('Refused') });
  });

  it('Okta: pages, deactivates with a value object and reactivates with PUT', async () => {
    const tn = await t.world.tenant();
    const s = scim(await tenantToken(tn));
    const ids: string[] = [];
    for (const n of ['one', 'two', 'three']) {
      const e = email(n);
      const r = await s('POST', '/Users', { schemas: [USER], userName: e, name: { givenName: n, familyName: 'Okta' }, emails: [{ primary: true, value: e, type: 'work' }], active: true });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    expect((await s('GET', '/Users?startIndex=2&count=1')).body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ id: ids[1] }] });
    expect((await s('PATCH', `/Users/${ids[0]}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] })).body.active).toBe(false);
    expect((await t.services.identity.findUserById(ids[0]))?.status).toBe('disabled');
    const doc = (await s('GET', `/Users/${ids[0]}`)).body;
    const put = await s('PUT', `/Users/${ids[0]}`, { ...doc, active: true, name: { givenName: 'uno', familyName: 'Okta' } });
    expect(put.body).toMatchObject({ active: true, name: { givenName: 'uno' } });
    expect((await t.services.identity.findUserById(ids[0]))?.status).toBe('active');
  });
});

describe('a tenant’s SCIM Groups', () => {
  it('an admin group makes its members TENANT_ADMIN; leaving it falls back to TENANT_USER; the last admin is never turned off', async () => {
    const tn = await t.world.tenant();
    const s = scim(await tenantToken(tn));
    const a = (await s('POST', '/Users', { schemas: [USER], userName: email('ada') })).body.id as string;
    const b = (await s('POST', '/Users', { schemas: [USER], userName: email('alan') })).body.id as string;

    const g = await s('POST', '/Groups', { schemas: [GROUP], displayName: 'Portal Admins', externalId: 'grp-1', members: [] });
    expect(g.status).toBe(201);
    const gid = g.body.id as string;
    // Entra: Add with a path and a list of values
    expect((await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: a }, { value: b }] }] })).status).toBe(200);
    expect([await roleIn(tn, a), await roleIn(tn, b)]).toEqual(['TENANT_ADMIN', 'TENANT_ADMIN']);
    const groupAudit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id']).where('target_id', '=', gid).orderBy('seq').execute();
    expect(groupAudit).toEqual([
      { action: 'scim.group_created', tenant_id: tn.id },
      { action: 'scim.group_updated', tenant_id: tn.id },
    ]);
    // Okta: remove by a filtered path
    expect((await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${b}"]` }] })).body.members.map((m: { value: string }) => m.value)).toEqual([a]);
    expect(await roleIn(tn, b)).toBe('TENANT_USER');
    // a rename to a users group: its members are plain members
    expect((await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { id: gid, displayName: 'Portal Users' } }] })).body.displayName).toBe('Portal Users');
    expect(await roleIn(tn, a)).toBe('TENANT_USER');
    expect((await s('DELETE', `/Groups/${gid}`)).status).toBe(204);

    // the tenant's only admin, taken over by the directory, cannot be turned off or removed by it
    const admin = await s('POST', '/Users', { schemas: [USER], userName: tn.admin.email });
    expect([admin.status, admin.body.id]).toEqual([201, tn.admin.id]);
    expect((await s('PATCH', `/Users/${tn.admin.id}`, entraDeactivate)).body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'mutability' });
    expect((await s('DELETE', `/Users/${tn.admin.id}`)).body).toMatchObject({ status: '400', scimType: 'mutability' });
    expect((await t.services.identity.findUserById(tn.admin.id))?.status).toBe('active');
    expect(await roleIn(tn, tn.admin.id)).toBe('TENANT_ADMIN');
  });
});

describe('the customer’s plan', () => {
  it('caps the people the directory provisions at the plan’s users limit: refused with 403, nothing written', async () => {
    const w = await planWorld(t, { limits: { users: 2, api_requests_per_day: 1000 } });
    await verifiedCompany(w);
    await activeSubscription(w);
    const r = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/scim/token`);
    expect(r.status).toBe(201);
    const s = scim(r.body.token as string);
    // the admin and one provisioned person make two
    expect((await s('POST', '/Users', { schemas: [USER], userName: email('second') })).status).toBe(201);
    const upn = email('third');
    const refused = await s('POST', '/Users', { schemas: [USER], userName: upn });
    expect(refused.body).toMatchObject({ schemas: [ERROR], status: '403', detail: expect.stringContaining('allows 2 people') });
    expect((await s('GET', '/Users')).body.totalResults).toBe(1);
    expect(await t.services.identity.findUserByEmail(upn)).toBeUndefined();
  });
});

describe('the walls between organizations', () => {
  it('a tenant’s token reaches its own members only: never a partner’s people or another tenant’s, and the reverse', async () => {
    const tn = await t.world.tenant();
    const other = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tenantToken(tn));
    const o = scim(await tenantToken(other));
    const pt = (await (await loginAs(t, partner.owner)).post(`/api/v1/partners/${partner.id}/scim/token`)).body.token as string;
    const p = scim(pt);
    const mine = (await s('POST', '/Users', { schemas: [USER], userName: email('mine') })).body.id as string;
    const theirs = (await o('POST', '/Users', { schemas: [USER], userName: email('theirs') })).body.id as string;
    const staff = (await p('POST', '/Users', { schemas: [USER], userName: partner.staff.email })).body.id as string;
    expect(staff).toBe(partner.staff.id);

    for (const [who, id] of [
      [s, theirs],
      [s, staff],
      [o, mine],
      [p, mine],
    ] as const) {
      expect((await who('GET', `/Users/${id}`)).status).toBe(404);
      expect((await who('PATCH', `/Users/${id}`, entraDeactivate)).status).toBe(404);
      expect((await who('PUT', `/Users/${id}`, { schemas: [USER], userName: email('x'), active: false })).status).toBe(404);
      expect((await who('DELETE', `/Users/${id}`)).status).toBe(404);
      expect((await who('POST', '/Groups', { schemas: [GROUP], displayName: `Admins ${id}`, members: [{ value: id }] })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    }
    expect((await s('GET', '/Users')).body.Resources.map((u: { id: string }) => u.id)).toEqual([mine]);
    expect((await p('GET', '/Users')).body.Resources.map((u: { id: string }) => u.id)).toEqual([staff]);

    // an e-mail address of another organization's person is never linked, whatever the payload says
    for (const taken of [partner.staff.email, other.admin.email, other.user.email]) {
      expect((await s('POST', '/Users', { schemas: [USER], userName: taken, tenant_id: tn.id, 'urn:partnergate:tenant': tn.id })).body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    }
    expect((await p('POST', '/Users', { schemas: [USER], userName: tn.user.email })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    // all of them still active, in their own organizations
    for (const u of [partner.staff.id, other.admin.id, other.user.id, tn.user.id, theirs, mine]) expect((await t.services.identity.findUserById(u))?.status).toBe('active');
    expect(await roleIn(tn, mine)).toBe('TENANT_USER');
    expect(await roleIn(other, theirs)).toBe('TENANT_USER');
  });

  it('the person’s membership decides: someone the tenant admin removed is out of the directory’s reach', async () => {
    const tn = await t.world.tenant();
    const s = scim(await tenantToken(tn));
    const linked = await s('POST', '/Users', { schemas: [USER], userName: tn.user.email, externalId: 'user-1' });
    expect([linked.status, linked.body.id]).toEqual([201, tn.user.id]);
    const admin = await loginAs(t, tn.admin);
    expect((await admin.delete(`/api/v1/tenants/${tn.id}/members/${tn.user.id}`)).status).toBeLessThan(300);
    expect((await s('GET', `/Users/${tn.user.id}`)).status).toBe(404);
    expect((await s('GET', '/Users')).body.totalResults).toBe(0);
    expect((await s('PATCH', `/Users/${tn.user.id}`, entraDeactivate)).status).toBe(404);
    expect((await t.services.identity.findUserById(tn.user.id))?.status).toBe('active');
  });

  it('only the tenant’s admin manages the token; another tenant sees nothing; the operator sees it and switches it off', async () => {
    const tn = await t.world.tenant();
    const other = await t.world.tenant();
    const s = scim(await tenantToken(tn));
    expect((await (await loginAs(t, tn.user)).post(`/api/v1/tenants/${tn.id}/scim/token`)).status).toBe(403);
    expect((await (await loginAs(t, tn.user)).get(`/api/v1/tenants/${tn.id}/scim`)).status).toBe(403);
    expect((await (await loginAs(t, other.admin)).get(`/api/v1/tenants/${tn.id}/scim`)).status).toBe(404);
    expect((await (await loginAs(t, other.admin)).delete(`/api/v1/tenants/${tn.id}/scim/token`)).status).toBe(404);
    expect((await s('GET', '/Users')).status).toBe(200);

    const operator = await loginAs(t, await t.world.operator());
    expect((await operator.get(`/api/v1/tenants/${tn.id}/scim`)).body).toMatchObject({ status: 'on', token_prefix: expect.stringMatching(/^pgscim_/) });
    expect((await operator.delete(`/api/v1/tenants/${tn.id}/scim/token`)).body).toMatchObject({ status: 'off', token_prefix: null });
    expect((await s('GET', '/Users')).status).toBe(401);
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id']).where('tenant_id', '=', tn.id).where('action', 'like', 'scim.token%').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['scim.token_created', 'scim.token_revoked']);
  });
});

describe('deactivating a tenant’s person ends access', () => {
  it('refuses their session cookie, API token and OAuth access token on the next request', async () => {
    const app = await partnerWithApp(t, { scopes: ['openid', 'profile', 'orders.read'], name: 'Customer console' });
    const tn = await t.world.tenant();
    const person = tn.user;
    const s = scim(await tenantToken(tn));
    expect((await s('POST', '/Users', { schemas: [USER], userName: person.email })).status).toBe(201);

    const session = await loginAs(t, person);
    const pat = (await session.post('/api/v1/me/api-tokens', { name: 'ci' })).body.token as string;
    // a customer's admin connects apps: the directory's admin group makes the person one
    expect((await s('POST', '/Groups', { schemas: [GROUP], displayName: 'Admins', members: [{ value: person.id }] })).status).toBe(201);
    expect(await roleIn(tn, person.id)).toBe('TENANT_ADMIN');
    const oauth = await codeFlowTokens(t, app.clientId, app.secret, person, 'openid orders.read');
    const api = new Client(t.app);
    api.bearer = pat;
    expect((await session.get('/api/v1/me')).status).toBe(200);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    const before = await gw(t, 'GET', '/resources/v1/context', { token: oauth.access_token });
    expect(before.status).not.toBe(401);

    expect((await s('PATCH', `/Users/${person.id}`, entraDeactivate)).status).toBe(200);
    expect((await session.get('/api/v1/me')).status).toBe(401);
    const byToken = await api.get('/api/v1/me');
    expect([byToken.status, byToken.body.code]).toEqual([403, 'user_inactive']);
    // the app's access the person approved for the tenant ends with them
    const refused = await gw(t, 'GET', '/resources/v1/context', { token: oauth.access_token });
    expect([refused.status, refused.body.code]).toEqual([403, 'delegation_approver_inactive']);
  });
});
