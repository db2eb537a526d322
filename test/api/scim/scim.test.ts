/**
 * SCIM 2.0 provisioning of a partner's people (RFC 7643/7644): the request sequences Entra ID and
 * Okta document — create, get by filter, patch, deactivate, reactivate, delete; groups created,
 * members added and removed, renamed — answered in the RFC's shapes; the token names the
 * organization (another's token sees nothing of this one); bad filters and bodies are SCIM errors
 * with a scimType; deactivation ends the person's session, API token and OAuth access at the next
 * request. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../helpers/http.ts';
import { codeFlowTokens, partnerWithApp, startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { gw, loginAs } from '../gateway/helpers.ts';
import type { TestPartner } from '../../helpers/world.ts';
import { activeLink } from '../delegations/helpers.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { ERROR, GROUP, PATCH, USER, email, scimClient } from './scim-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t.close());

async function tokenFor(p: TestPartner): Promise<string> {
  const owner = await loginAs(t, p.owner);
  const r = await owner.post(`/api/v1/partners/${p.id}/scim/token`);
  expect(r.status).toBe(201);
  expect(r.body.token).toMatch(/^pgscim_/);
  return r.body.token as string;
}

const scim = (token: string) => scimClient(t, token);

describe('SCIM Users as Entra ID sends them', () => {
  it('creates, finds by filter, patches, deactivates, reactivates and deletes a person', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    const upn = email('ada');

    // Entra first looks the person up by userName
    const none = await s('GET', `/Users?filter=${encodeURIComponent(`userName eq "${upn}"`)}`);
    expect(none.status).toBe(200);
    expect(none.headers['content-type']).toContain('application/scim+json');
    expect(none.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = await s('POST', '/Users', {
      schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: 'ada-object-id',
      userName: upn,
      active: true,
      displayName: 'Ada Lovelace',
      emails: [{ primary: true, type: 'work', value: upn }],
      name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schemas: [USER], userName: upn, externalId: 'ada-object-id', active: true, displayName: 'Ada Lovelace', name: { givenName: 'Ada', familyName: 'Lovelace' }, meta: { resourceType: 'User', version: 'W/"1"' } });
    const id = created.body.id as string;
    expect(created.headers.location).toBe(created.body.meta.location);
    expect(created.headers.etag).toBe('W/"1"');
    // a partner member, PARTNER_STAFF, audited with the SCIM connection as the actor
    const members = await t.services.partners.listMembers(p.id);
    expect(members.find((m) => m.user_id === id)).toMatchObject({ role: 'PARTNER_STAFF', member_status: 'active' });
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'actor_type', 'actor_client_id', 'partner_id']).where('target_id', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['partner.user_added', 'scim.user_provisioned']);
    expect(audit[1]).toMatchObject({ actor_type: 'system', actor_client_id: expect.stringMatching(/^scim_/), partner_id: p.id });

    const byName = await s('GET', `/Users?filter=${encodeURIComponent(`userName eq "${upn.toUpperCase()}"`)}`);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].id).toBe(id);
    const byExternal = await s('GET', `/Users?filter=${encodeURIComponent('externalId eq "ada-object-id"')}`);
    expect(byExternal.body.Resources.map((u: { id: string }) => u.id)).toEqual([id]);
    expect((await s('POST', '/Users', { schemas: [USER], userName: upn })).body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });

    // Entra's attribute update: capitalised op, a path, then a value object without a path
    const patched = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'name.familyName', value: 'King' }, { op: 'Replace', value: { displayName: 'Ada King' } }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: { familyName: 'King' }, displayName: 'Ada King', meta: { version: 'W/"2"' } });
    // If-Match with a stale version is refused
    const stale = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'X' }] }, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ schemas: [ERROR], status: '412' });

    // deactivate as Entra does: "False" as a string
    const off = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, { 'if-match': 'W/"2"' });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await t.services.identity.findUserById(id))?.status).toBe('disabled');
    const on = await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(on.body.active).toBe(true);
    expect((await t.services.identity.findUserById(id))?.status).toBe('active');
    expect((await t.services.partners.listMembers(p.id)).find((m) => m.user_id === id)?.member_status).toBe('active');

    expect((await s('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await s('GET', `/Users/${id}`)).body).toMatchObject({ schemas: [ERROR], status: '404' });
    expect((await t.services.partners.listMembers(p.id)).some((m) => m.user_id === id)).toBe(false);
    // the account and its history stay
    expect((await t.services.identity.findUserById(id))?.status).toBe('disabled');
    const after = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', id).orderBy('seq').execute();
    expect(after.map((a) => a.action)).toEqual(expect.arrayContaining(['scim.user_provisioned', 'scim.user_updated', 'scim.user_deactivated', 'user.disabled', 'scim.user_reactivated', 'partner.user_removed', 'scim.user_deleted']));

    // the portal's log, in words
    const owner = await loginAs(t, p.owner);
    const view = await owner.get(`/api/v1/partners/${p.id}/scim`);
    expect(view.body).toMatchObject({ status: 'on', base_url: expect.stringMatching(/\/scim\/v2$/) });
    expect(view.body.requests.find((r: { method: string }) => r.method === 'DELETE')).toMatchObject({ status: 204, result: expect.stringContaining('Removed Ada King') });
    expect(view.body.requests.find((r: { method: string; status: number }) => r.method === 'POST' && r.status === 201)).toMatchObject({ result: `Provisioned Ada Lovelace (${upn}).` });
  });

  it('Okta: deactivates with a value object and reactivates with PUT; pages with startIndex and count', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    const ids: string[] = [];
    for (const n of ['one', 'two', 'three']) {
      const e = email(n);
      const r = await s('POST', '/Users', { schemas: [USER], userName: e, name: { givenName: n, familyName: 'Okta' }, emails: [{ primary: true, value: e, type: 'work' }], active: true });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const page = await s('GET', '/Users?startIndex=2&count=1');
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(page.body.Resources[0].id).toBe(ids[1]);
    const off = await s('PATCH', `/Users/${ids[0]}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.body.active).toBe(false);
    const doc = (await s('GET', `/Users/${ids[0]}`)).body;
    const put = await s('PUT', `/Users/${ids[0]}`, { ...doc, active: true, name: { givenName: 'uno', familyName: 'Okta' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ active: true, name: { givenName: 'uno' } });
  });
});

describe('SCIM Groups', () => {
  it('creates a group, adds and removes members (Entra\'s and Okta\'s forms of each), renames it; a role group gives its member role', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    const a = (await s('POST', '/Users', { schemas: [USER], userName: email('grace') })).body.id as string;
    const b = (await s('POST', '/Users', { schemas: [USER], userName: email('alan') })).body.id as string;

    const g = await s('POST', '/Groups', { schemas: [GROUP], displayName: 'Billing', externalId: 'grp-1', members: [] });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ schemas: [GROUP], displayName: 'Billing', externalId: 'grp-1', members: [], meta: { resourceType: 'Group', version: 'W/"1"' } });
    const gid = g.body.id as string;
    expect((await s('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Billing"')}`)).body.Resources.map((x: { id: string }) => x.id)).toEqual([gid]);

    // Entra: Add with a path and a list of values
    const added = await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: a }, { value: b }] }] });
    expect(added.status).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
    const roleOf = async (id: string) => (await t.services.partners.listMembers(p.id)).find((m) => m.user_id === id)?.member_role;
    expect(await roleOf(a)).toBe('partner_msp_billing');
    expect((await s('GET', `/Users/${a}`)).body.groups).toEqual([expect.objectContaining({ value: gid, display: 'Billing' })]);

    // Okta: remove by a filtered path
    const removed = await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${b}"]` }] });
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([a]);
    // leaving every role group: read-only, never full access
    expect(await roleOf(b)).toBe('partner_auditor');

    // Entra: Remove with a path and a list of values (each an object with the member's id)
    await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: b }] }] });
    expect(await roleOf(b)).toBe('partner_msp_billing');
    const entraRemoved = await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ value: b }] }] });
    expect(entraRemoved.status).toBe(200);
    expect(entraRemoved.body.members.map((m: { value: string }) => m.value)).toEqual([a]);
    expect(await roleOf(b)).toBe('partner_auditor');
    const malformed = await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ display: 'no id' }] }] });
    expect(malformed.body).toMatchObject({ status: '400', scimType: 'invalidValue' });

    // rename (Okta sends a value object with id and displayName)
    const renamed = await s('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { id: gid, displayName: 'Support' } }] });
    expect(renamed.body.displayName).toBe('Support');
    expect(await roleOf(a)).toBe('partner_msp_support');
    expect((await s('DELETE', `/Groups/${gid}`)).status).toBe(204);
    expect((await s('GET', `/Groups/${gid}`)).status).toBe(404);
  });
});

describe('the token is the organization', () => {
  it('refuses a missing or bad token with 401, and another organization sees and touches nothing of this one', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const other = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    const o = scim(await tokenFor(other));
    const id = (await s('POST', '/Users', { schemas: [USER], userName: email('mine') })).body.id as string;

    const anon = new Client(t.app);
    const r = await anon.request('GET', '/scim/v2/Users');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ schemas: [ERROR], status: '401' });
    expect((await scim('pgscim_not-a-real-token')('GET', '/Users')).status).toBe(401);

    expect((await o('GET', '/Users')).body.totalResults).toBe(0);
    expect((await o('GET', `/Users/${id}`)).status).toBe(404);
    expect((await o('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(404);
    expect((await o('DELETE', `/Users/${id}`)).status).toBe(404);
    expect((await o('POST', '/Groups', { schemas: [GROUP], displayName: 'Theirs', members: [{ value: id }] })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await s('GET', `/Users/${id}`)).body.active).toBe(true);

    // the operator sees any organization's connection and switches it off: the token stops working at once
    const operator = await loginAs(t, await t.world.operator());
    expect((await operator.get(`/api/v1/partners/${p.id}/scim`)).body).toMatchObject({ status: 'on', token_prefix: expect.stringMatching(/^pgscim_/) });
    expect((await operator.delete(`/api/v1/partners/${p.id}/scim/token`)).body).toMatchObject({ status: 'off', token_prefix: null });
    // the partner's staff may not manage it
    expect((await (await loginAs(t, p.staff)).post(`/api/v1/partners/${p.id}/scim/token`)).status).toBe(403);
    expect((await s('GET', '/Users')).status).toBe(401);
  });

  it('never links a member of another organization, and never turns off the last owner', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const other = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    expect((await s('POST', '/Users', { schemas: [USER], userName: other.staff.email })).body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    expect((await t.services.partners.listMembers(other.id)).find((m) => m.user_id === other.staff.id)?.member_status).toBe('active');

    const owner = await s('POST', '/Users', { schemas: [USER], userName: p.owner.email });
    expect(owner.status).toBe(201);
    const off = await s('PATCH', `/Users/${owner.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(off.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'mutability' });
    expect((await t.services.identity.findUserById(p.owner.id))?.status).toBe('active');
    expect((await s('DELETE', `/Users/${owner.body.id}`)).body).toMatchObject({ status: '400', scimType: 'mutability' });
  });

  it('one person per address: a trailing dot or other case is the same person, an address with two @ is nobody', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    const addr = email('dot');
    const first = await s('POST', '/Users', { schemas: [USER], userName: addr });
    expect(first.status).toBe(201);
    const [local, domain] = addr.split('@');
    const again = await s('POST', '/Users', { schemas: [USER], userName: `${local.toUpperCase()}@${domain}.` });
    expect(again.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const users = await t.services.db.kysely.selectFrom('users').select('email').where('email', 'like', `${local}%`).execute();
    expect(users.map((u) => u.email)).toEqual([addr]);
    expect((await s('POST', '/Users', { schemas: [USER], userName: `a@b@${domain}` })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });

  it('answers malformed filters and bodies with a SCIM error and its scimType', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const s = scim(await tokenFor(p));
    const bad = await s('GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    expect((await s('POST', '/Users', '{"userName": ')).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await s('POST', '/Users', { schemas: [USER], userName: 'no-email-here' })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await s('POST', '/Users', { schemas: [USER], userName: email('x'), active: 'maybe' })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const id = (await s('POST', '/Users', { schemas: [USER], userName: email('y') })).body.id as string;
    expect((await s('PATCH', `/Users/${id}`, { Operations: 'nope' })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await s('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'jump', path: 'active', value: true }] })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await s('GET', '/Nothing')).body).toMatchObject({ schemas: [ERROR], status: '404' });
    const spc = await s('GET', '/ServiceProviderConfig');
    expect(spc.body).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true }, bulk: { supported: false } });
    expect((await s('GET', '/ResourceTypes')).body.Resources.map((x: { id: string }) => x.id)).toEqual(['User', 'Group']);
    expect((await s('GET', '/Schemas')).body.Resources.map((x: { id: string }) => x.id)).toEqual([USER, GROUP]);
  });
});

describe('deactivation ends access', () => {
  it('refuses the person’s session cookie, API token and OAuth access token on the next request', async () => {
    const app = await partnerWithApp(t, { capabilities: ['managed_services'], scopes: ['openid', 'orders.read'], name: 'MSP console' });
    const staff = app.partner.staff;
    const s = scim(await tokenFor(app.partner));
    // the directory takes over an existing member by e-mail
    const linked = await s('POST', '/Users', { schemas: [USER], userName: staff.email, externalId: 'staff-1' });
    expect(linked.status).toBe(201);
    expect(linked.body.id).toBe(staff.id);

    const session = await loginAs(t, staff);
    const pat = (await session.post('/api/v1/me/api-tokens', { name: 'ci' })).body.token as string;
    const oauth = await codeFlowTokens(t, app.clientId, app.secret, staff, 'openid orders.read');
    const api = new Client(t.app);
    api.bearer = pat;
    expect((await session.get('/api/v1/me')).status).toBe(200);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    expect((await gw(t, 'GET', '/resources/v1/context', { token: oauth.access_token })).status).not.toBe(401);

    expect((await s('PATCH', `/Users/${staff.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })).status).toBe(200);
    expect((await session.get('/api/v1/me')).status).toBe(401);
    const byToken = await api.get('/api/v1/me');
    expect([byToken.status, byToken.body.code]).toEqual([403, 'user_inactive']);
    const refused = await gw(t, 'GET', '/resources/v1/context', { token: oauth.access_token });
    expect([refused.status, refused.body.code]).toEqual([403, 'user_inactive']);
  });
});

describe('deactivation ends just-in-time access', () => {
  it('ends the person’s active and pending activations, so the account’s return does not bring them back', async () => {
    const [tenant, second] = [await t.world.tenant(), await t.world.tenant()];
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await loginAs(t, partner.owner);
    const endsAt = { ends_at: new Date(Date.now() + 30 * 86_400_000).toISOString() };
    const linkA = await activeLink(owner, await loginAs(t, tenant.admin), partner.id, tenant, endsAt);
    const linkB = await activeLink(owner, await loginAs(t, second.admin), partner.id, second, endsAt);
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 4 * 3_600_000).toISOString();
    // the world: one activation running for four hours, one waiting for the tenant
    const row = (id: string, delegation: string, status: 'active' | 'pending') => ({
      id,
      delegation_id: delegation,
      tenant_id: delegation === linkA ? tenant.id : second.id,
      partner_id: partner.id,
      user_id: partner.staff.id,
      status,
      justification: 'incident on the fibre line',
      duration_minutes: 240,
      requested_at: now,
      mfa_at: now,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      starts_at: status === 'active' ? now : null,
      ends_at: status === 'active' ? later : null,
    });
    const ids = [`act_scim${Date.now().toString(36)}a`, `act_scim${Date.now().toString(36)}p`];
    await asSystem(() => t.services.db.kysely.insertInto('delegation_activations').values([row(ids[0], linkA, 'active'), row(ids[1], linkB, 'pending')]).execute());

    const s = scim(await tokenFor(partner));
    expect((await s('POST', '/Users', { schemas: [USER], userName: partner.staff.email })).status).toBe(201);
    expect((await s('PATCH', `/Users/${partner.staff.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })).status).toBe(200);

    const after = await asSystem(() => t.services.db.kysely.selectFrom('delegation_activations').select(['id', 'status', 'ends_at']).where('id', 'in', ids).orderBy('id').execute());
    const byId = Object.fromEntries(after.map((a) => [a.id, a]));
    expect(byId[ids[0]].ends_at! <= new Date().toISOString()).toBe(true);
    expect(byId[ids[1]].status).toBe('cancelled');
  });
});

