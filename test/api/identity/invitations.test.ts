/**
 * Invitations: nobody joins a tenant or a partner without accepting, and inviting reveals
 * nothing about who has an account. New people accept through the one-time link (choosing a
 * name and password); people with an account accept while logged in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { unique, type TestPartner, type TestTenant } from '../../helpers/world.ts';

let t: TestApp;
let tenant: TestTenant;
let admin: Client;
let partner: TestPartner;
let owner: Client;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.world.tenant();
  admin = await tenant.admin.login();
  partner = await t.world.partner();
  owner = await partner.owner.login();
});
afterAll(() => t.close());

const tokenOf = (url: string) => url.split('/invite/')[1];
const memberIds = async (c: Client, path: string) => (await c.get(path)).body.data.map((m: { user_id: string }) => m.user_id) as string[];
const userCount = async () => Number((await t.services.db.kysely.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('inviting', () => {
  it.each([
    ['tenant', () => admin, () => `/api/v1/tenants/${tenant.id}`, 'TENANT_USER'],
    ['partner', () => owner, () => `/api/v1/partners/${partner.id}`, 'PARTNER_STAFF'],
  ] as const)('%s: the answer is the same whether or not the email has an account, and nobody joins yet', async (_scope, who, base, role) => {
    const existing = await t.world.user();
    const fresh = `${unique('fresh')}@example.test`;
    const users = await userCount();
    const before = await memberIds(who(), `${base()}/members`);
    const a = await who().post(`${base()}/members`, { email: existing.email, role });
    const b = await who().post(`${base()}/members`, { email: fresh, role });
    for (const [r, email] of [
      [a, existing.email],
      [b, fresh],
    ] as const) {
      expect(r.status).toBe(201);
      expect(Object.keys(r.body)).toEqual(['invitation']);
      expect(Object.keys(r.body.invitation).sort()).toEqual(['email', 'expires_at', 'id', 'role', 'url']);
      expect(r.body.invitation).toMatchObject({ email, role, id: expect.stringMatching(/^inv_/), url: expect.stringMatching(/\/invite\/[A-Za-z0-9_-]{20,}$/) });
    }
    // Same size but for the email itself: nothing extra for an existing account.
    expect(a.raw.body.length - existing.email.length).toBe(b.raw.body.length - fresh.length);
    // No account made, no membership added: both wait for an answer.
    expect(await userCount()).toBe(users);
    expect(await memberIds(who(), `${base()}/members`)).toEqual(before);
    const pending = (await who().get(`${base()}/invitations`)).body.data.map((i: { email: string }) => i.email);
    expect(pending).toEqual(expect.arrayContaining([existing.email, fresh]));
    // The link's description does not say either.
    const infoA = await t.client().get(`/api/v1/invitations/${tokenOf(a.body.invitation.url)}`);
    const infoB = await t.client().get(`/api/v1/invitations/${tokenOf(b.body.invitation.url)}`);
    expect(Object.keys(infoA.body).sort()).toEqual(Object.keys(infoB.body).sort());
    expect(Object.keys(infoA.body).sort()).toEqual(['email', 'expires_at', 'id', 'role', 'scope_id', 'scope_name', 'scope_type']);
  });

  it('records who invited whom, and refuses someone already in the member list', async () => {
    const email = `${unique('audited')}@example.test`;
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_USER' });
    const ev = (await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?target_id=${r.body.invitation.id}`)).body.data;
    expect(ev).toEqual([expect.objectContaining({ action: 'tenant.member_invited', actor: expect.objectContaining({ user_id: tenant.admin.id }), details: { email, role: 'TENANT_USER' } })]);
    const dup = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: tenant.user.email.toUpperCase(), role: 'TENANT_USER' });
    expect([dup.status, dup.body.code]).toEqual([409, 'already_tenant_member']);
  });
});

describe('accepting', () => {
  it('a new person accepts through the link with a name and password, once, and is then a member', async () => {
    const email = `${unique('newbie')}@example.test`;
    const r = await owner.post(`/api/v1/partners/${partner.id}/members`, { email, role: 'PARTNER_STAFF' });
    const token = tokenOf(r.body.invitation.url);
    const anon = new Client(t.app);
    const ok = await anon.post('/api/v1/invitations/accept', { token, name: 'New Bie', password: 'a long enough passphrase' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user_id: expect.stringMatching(/^usr_/), scope_type: 'partner', scope_id: partner.id, role: 'PARTNER_STAFF' });
    const again = await anon.post('/api/v1/invitations/accept', { token, name: 'Again', password: 'another long passphrase' });
    expect([again.status, again.body.code]).toEqual([404, 'invitation_invalid']);
    const me = await (await new Client(t.app).login(email, 'a long enough passphrase')).get('/api/v1/me');
    expect(me.body.partner).toMatchObject({ partner_id: partner.id, role: 'PARTNER_STAFF' });
    const actions = (await owner.get(`/api/v1/partners/${partner.id}/audit-events?target_id=${ok.body.user_id}`)).body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['invitation.accepted', 'partner.user_added']);
  });

  it('the link never takes over an existing account: 409 invitation_login_required, nothing changes', async () => {
    const u = await t.world.user();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_ADMIN' });
    const res = await t.client().post('/api/v1/invitations/accept', { token: tokenOf(r.body.invitation.url), name: 'Intruder', password: 'an attacker passphrase' });
    expect([res.status, res.body.code]).toEqual([409, 'invitation_login_required']);
    expect(await memberIds(admin, `/api/v1/tenants/${tenant.id}/members`)).not.toContain(u.id);
    // The account's own password still works; the attacker's does not.
    await u.login();
    expect((await t.client().post('/api/v1/auth/login', { email: u.email, password: 'an attacker passphrase' })).status).toBe(401);
  });

  it('someone with an account sees the invitation and accepts it while logged in', async () => {
    const u = await t.world.user();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    const me = await u.login();
    const mine = await me.get('/api/v1/me/invitations');
    expect(mine.body.data).toEqual([{ id: r.body.invitation.id, scope_type: 'tenant', scope_id: tenant.id, scope_name: tenant.name, role: 'TENANT_USER', expires_at: r.body.invitation.expires_at }]);
    const ok = await me.post(`/api/v1/me/invitations/${r.body.invitation.id}/accept`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ user_id: u.id, scope_type: 'tenant', scope_id: tenant.id, role: 'TENANT_USER' });
    expect((await me.get('/api/v1/me')).body.tenants).toEqual([expect.objectContaining({ tenant_id: tenant.id, role: 'TENANT_USER' })]);
    expect(await memberIds(admin, `/api/v1/tenants/${tenant.id}/members`)).toContain(u.id);
    expect((await me.get('/api/v1/me/invitations')).body.data).toEqual([]);
    // used up: the link and a second accept are refused
    expect((await t.client().get(`/api/v1/invitations/${tokenOf(r.body.invitation.url)}`)).body.code).toBe('invitation_invalid');
    const twice = await me.post(`/api/v1/me/invitations/${r.body.invitation.id}/accept`);
    expect([twice.status, twice.body.code]).toEqual([404, 'invitation_not_found']);
  });

  it("nobody accepts someone else's invitation: it answers like a missing one", async () => {
    const u = await t.world.user();
    const other = await t.world.user();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_ADMIN' });
    const thief = await other.login();
    const res = await thief.post(`/api/v1/me/invitations/${r.body.invitation.id}/accept`);
    expect([res.status, res.body.code]).toEqual([404, 'invitation_not_found']);
    const missing = await thief.post('/api/v1/me/invitations/inv_01jd9x0a8q4m7w2k3v5b6c8d9e/accept');
    expect([missing.status, missing.body.code, missing.body.detail]).toEqual([404, 'invitation_not_found', res.body.detail]);
    expect((await thief.get('/api/v1/me/invitations')).body.data).toEqual([]);
    expect(await memberIds(admin, `/api/v1/tenants/${tenant.id}/members`)).not.toContain(other.id);
  });

  it('accepting while logged in needs the CSRF token', async () => {
    const u = await t.world.user();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    const me = await u.login();
    const res = await me.post(`/api/v1/me/invitations/${r.body.invitation.id}/accept`, {}, { 'x-csrf-token': 'wrong' });
    expect([res.status, res.body.code]).toEqual([403, 'csrf_token_invalid']);
  });

  it('the invitee may decline', async () => {
    const u = await t.world.user();
    const r = await owner.post(`/api/v1/partners/${partner.id}/members`, { email: u.email, role: 'PARTNER_OWNER' });
    const me = await u.login();
    expect((await me.post(`/api/v1/me/invitations/${r.body.invitation.id}/decline`)).status).toBe(204);
    expect((await me.get('/api/v1/me')).body.partner).toBeNull();
    const late = await me.post(`/api/v1/me/invitations/${r.body.invitation.id}/accept`);
    expect([late.status, late.body.code]).toEqual([404, 'invitation_not_found']);
    const ev = (await owner.get(`/api/v1/partners/${partner.id}/audit-events?target_id=${r.body.invitation.id}`)).body.data.map((e: { action: string }) => e.action);
    expect(ev).toEqual(['invitation.declined', 'partner.user_invited']);
  });

  it('a tenant admin who already joined cannot join twice', async () => {
    const u = await t.world.user();
    const first = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    const me = await u.login();
    // a second invitation replaces the first
    const second = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_ADMIN' });
    expect((await me.post(`/api/v1/me/invitations/${first.body.invitation.id}/accept`)).body.code).toBe('invitation_not_found');
    expect((await me.post(`/api/v1/me/invitations/${second.body.invitation.id}/accept`)).body.role).toBe('TENANT_ADMIN');
  });
});

describe('withdrawing', () => {
  it('an admin withdraws a pending invitation; its link stops working', async () => {
    const email = `${unique('withdrawn')}@example.test`;
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_USER' });
    expect((await admin.delete(`/api/v1/tenants/${tenant.id}/invitations/${r.body.invitation.id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/tenants/${tenant.id}/invitations`)).body.data.map((i: { id: string }) => i.id)).not.toContain(r.body.invitation.id);
    const link = await t.client().post('/api/v1/invitations/accept', { token: tokenOf(r.body.invitation.url), name: 'Too Late', password: 'a long enough passphrase' });
    expect([link.status, link.body.code]).toEqual([404, 'invitation_invalid']);
    const again = await admin.delete(`/api/v1/tenants/${tenant.id}/invitations/${r.body.invitation.id}`);
    expect([again.status, again.body.code]).toEqual([404, 'invitation_not_found']);
    const ev = (await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?target_id=${r.body.invitation.id}`)).body.data.map((e: { action: string }) => e.action);
    expect(ev).toEqual(['tenant.invitation_revoked', 'tenant.member_invited']);
  });

  it("another tenant's invitation answers like a missing one; users and staff cannot see or withdraw invitations", async () => {
    const other = await t.world.tenant();
    const r = await (await other.admin.login()).post(`/api/v1/tenants/${other.id}/members`, { email: `${unique('x')}@example.test`, role: 'TENANT_USER' });
    const cross = await admin.delete(`/api/v1/tenants/${tenant.id}/invitations/${r.body.invitation.id}`);
    expect([cross.status, cross.body.code]).toEqual([404, 'invitation_not_found']);
    const user = await tenant.user.login();
    for (const res of [await user.get(`/api/v1/tenants/${tenant.id}/invitations`), await user.delete(`/api/v1/tenants/${tenant.id}/invitations/${r.body.invitation.id}`)]) {
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
    }
    const staff = await partner.staff.login();
    for (const res of [await staff.get(`/api/v1/partners/${partner.id}/invitations`), await staff.post(`/api/v1/partners/${partner.id}/members`, { email: 'x@example.test', role: 'PARTNER_STAFF' })]) {
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
    }
  });
});
