/**
 * A signed-in person's requests after the first are answered from the in-memory indexes (the
 * session, the authz snapshot) with their name and languages as last read — no read of the session
 * or the memberships. What they may do is never remembered: a member removed, a partner suspended
 * or a session ended is refused on the very next request, and a name or a language they change is
 * what the next request sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client, type Problem } from '../../helpers/http.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('a person answered from memory', () => {
  it("the sign-in's answer describes the person as /me does right after: their customers, their organization's language", async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    expect((await admin.patch(`/api/v1/tenants/${tenant.id}`, { locale: 'fr' })).status).toBe(200);
    type Me = { user: { id: string; name: string }; tenants: { tenant_id: string; name: string; role: string }[]; partner: unknown; locale: { current: string; organization: string | null } };
    const signIn = await new Client(t.app).post<{ csrf_token: string; me: Me }>('/api/v1/auth/login', { email: tenant.user.email, password: tenant.user.password });
    expect(signIn.status).toBe(200);
    const { me } = signIn.body;
    expect(me.tenants.map((x) => x.tenant_id)).toEqual([tenant.id]);
    expect(me.locale).toMatchObject({ current: 'fr', organization: 'fr' });
    const user = await tenant.user.login();
    const after = (await user.get<Me>('/api/v1/me')).body;
    const { csrf_token: _a, ...fromSignIn } = me as Me & { csrf_token?: string };
    const { csrf_token: _b, ...fromMe } = after as Me & { csrf_token?: string };
    expect(fromSignIn).toEqual(fromMe);
  });

  it('a member removed is refused on the very next request, though their earlier requests were answered from memory', async () => {
    const tenant = await t.world.tenant();
    const user = await tenant.user.login();
    const accounts = `/api/v1/tenants/${tenant.id}/billing-accounts`;
    for (let i = 0; i < 3; i++) expect((await user.get(accounts)).status).toBe(200);
    const admin = await tenant.admin.login();
    expect((await admin.delete(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`)).status).toBe(204);
    const refused = await user.get<Problem>(accounts);
    // a customer they no longer belong to is not theirs to know of
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('tenant_not_found');
  });

  it("a partner suspended: its owner's next request is refused", async () => {
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const members = `/api/v1/partners/${partner.id}/members`;
    for (let i = 0; i < 3; i++) expect((await owner.get(members)).status).toBe(200);
    const op = await (await t.world.operator()).login();
    expect((await op.post(`/api/v1/partners/${partner.id}/suspend`, { reason: 'overdue' })).status).toBe(200);
    expect((await owner.get(members)).status).toBe(403);
  });

  it('a name and a language changed are what the next request sees', async () => {
    const tenant = await t.world.tenant();
    const user = await tenant.user.login();
    const missing = `/api/v1/tenants/${tenant.id}/billing-accounts/ban_00000000000000000000000000`;
    expect((await user.get<Problem>(missing)).headers['content-language']).toBe('en');
    expect((await user.patch('/api/v1/me', { name: 'Renamed Person', locale: 'de' })).status).toBe(200);
    expect((await user.get<{ user: { name: string } }>('/api/v1/me')).body.user.name).toBe('Renamed Person');
    expect((await user.get<Problem>(missing)).headers['content-language']).toBe('de');
    // the organization's default, for a person who has not chosen: read again once the tenant changes
    await user.patch('/api/v1/me', { locale: null });
    expect((await (await tenant.admin.login()).patch(`/api/v1/tenants/${tenant.id}`, { locale: 'fr' })).status).toBe(200);
    expect((await user.get<Problem>(missing)).headers['content-language']).toBe('fr');
  });

  it('a session ended by logout is refused on the next request', async () => {
    const tenant = await t.world.tenant();
    const user = await tenant.user.login();
    expect((await user.get('/api/v1/me')).status).toBe(200);
    const cookie = user.cookie;
    expect((await user.post('/api/v1/auth/logout')).status).toBeLessThan(300);
    user.cookie = cookie;
    expect((await user.get(`/api/v1/tenants/${tenant.id}/billing-accounts`)).status).toBe(401);
  });
});
