/** Login, sessions (idle + absolute timeouts), CSRF, throttling, personal API tokens, invitations. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

let t: TestApp;
const clock = new ManualClock('2026-11-22T10:00:00Z');

beforeAll(async () => {
  t = await startTestApp({ clock, config: { SESSION_IDLE_TIMEOUT: '600', SESSION_ABSOLUTE_TIMEOUT: '3600', LOGIN_MAX_ATTEMPTS: '3' } });
});
afterAll(() => t.close());

describe('login and sessions', () => {
  it('logs in: httpOnly SameSite cookie, csrf token, /me with memberships', async () => {
    const tenant = await t.world.tenant();
    const c = new Client(t.app);
    const r = await c.post('/api/v1/auth/login', { email: tenant.admin.email.toUpperCase(), password: tenant.admin.password });
    expect(r.status).toBe(200);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/partnergate_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(r.body.csrf_token).toEqual(expect.any(String));
    const me = await c.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(tenant.admin.email);
    expect(me.body.tenants).toEqual([expect.objectContaining({ tenant_id: tenant.id, role: 'TENANT_ADMIN' })]);
    expect(me.body.partner).toBeNull();
  });

  it('knows a user who belongs to two tenants and a partner, by session and by API token', async () => {
    const [first, second] = [await t.world.tenant(), await t.world.tenant()];
    const partner = await t.world.partner();
    const u = await t.world.user();
    await t.world.joinTenant(second.id, u.id, 'TENANT_ADMIN');
    await t.world.joinTenant(first.id, u.id, 'TENANT_USER');
    await t.world.joinPartner(partner.id, u.id, 'PARTNER_STAFF');
    const byName = [first, second].sort((a, b) => (a.name < b.name ? -1 : 1));
    const session = await u.login();
    const created = await session.post('/api/v1/me/api-tokens', { name: 'both' });
    const api = new Client(t.app);
    api.bearer = created.body.token;
    for (const c of [session, api]) {
      const me = (await c.get('/api/v1/me')).body;
      expect(me.user).toEqual(expect.objectContaining({ id: u.id, email: u.email, status: 'active' }));
      expect(me.tenants.map((x: { name: string; role: string }) => [x.name, x.role])).toEqual(byName.map((x) => [x.name, x.id === second.id ? 'TENANT_ADMIN' : 'TENANT_USER']));
      expect(me.partner).toEqual(expect.objectContaining({ partner_id: partner.id, name: partner.name, role: 'PARTNER_STAFF', member_status: 'active', partner_status: 'active' }));
      // the walls let the user into each organization it belongs to, and no further
      expect((await c.get(`/api/v1/tenants/${first.id}`)).status).toBe(200);
      expect((await c.get(`/api/v1/tenants/${second.id}`)).status).toBe(200);
      expect((await c.get(`/api/v1/partners/${partner.id}`)).status).toBe(200);
      expect((await c.get(`/api/v1/tenants/${(await t.world.tenant()).id}`)).status).toBe(404);
    }
  });

  it('refuses a wrong password and an unknown email the same way', async () => {
    const u = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.1';
    const wrong = await c.post('/api/v1/auth/login', { email: u.email, password: 'not the password' });
    const unknown = await c.post('/api/v1/auth/login', { email: 'nobody-' + u.email, password: 'not the password' });
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('invalid_credentials');
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('tells a disabled user (who knows the password) that the account is disabled', async () => {
    const u = await t.world.user();
    const op = await (await t.world.operator()).login();
    expect((await op.post(`/api/v1/users/${u.id}/disable`)).status).toBe(200);
    const c = new Client(t.app);
    c.ip = '10.0.0.2';
    const r = await c.post('/api/v1/auth/login', { email: u.email, password: u.password });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('user_inactive');
  });

  it('throttles repeated failures per email with 429 login_throttled and Retry-After', async () => {
    const u = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.3';
    for (let i = 0; i < 3; i++) expect((await c.post('/api/v1/auth/login', { email: u.email, password: 'wrong-password-' + i })).status).toBe(401);
    const r = await c.post('/api/v1/auth/login', { email: u.email, password: u.password });
    expect(r.status).toBe(429);
    expect(r.body.code).toBe('login_throttled');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    // from another address the same account is still throttled (per-email counter)
    const c2 = new Client(t.app);
    c2.ip = '10.0.0.4';
    expect((await c2.post('/api/v1/auth/login', { email: u.email, password: u.password })).status).toBe(429);
  });

  it('throttles repeated failures from one address, whatever the emails, with 429 login_throttled', async () => {
    const tried = [await t.world.user(), await t.world.user()];
    const target = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.9';
    // one failure per email — no account reaches its own limit — plus an unknown email
    for (const u of tried) expect((await c.post('/api/v1/auth/login', { email: u.email, password: 'wrong password' })).status).toBe(401);
    expect((await c.post('/api/v1/auth/login', { email: `nobody-${Date.now()}@example.test`, password: 'wrong password' })).status).toBe(401);
    // the next attempt from that address is refused, even with the right password of a fresh account
    const r = await c.post('/api/v1/auth/login', { email: target.email, password: target.password });
    expect([r.status, r.body.code]).toEqual([429, 'login_throttled']);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.body.retry_after).toBe(Number(r.headers['retry-after']));
    // the accounts are not locked: from another address the right password works
    const other = new Client(t.app);
    other.ip = '10.0.0.10';
    expect((await other.post('/api/v1/auth/login', { email: target.email, password: target.password })).status).toBe(200);
  });

  it('signs in simultaneous logins with the right password, more of them than LOGIN_MAX_ATTEMPTS: failures count, not attempts', async () => {
    const u = await t.world.user();
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => {
        const c = new Client(t.app);
        c.ip = '10.0.0.20';
        return c.post('/api/v1/auth/login', { email: u.email, password: u.password });
      }),
    );
    expect(rs.map((r) => r.status)).toEqual(Array(8).fill(200));
  });

  it('after LOGIN_MAX_ATTEMPTS wrong passwords refuses the right one too, with Retry-After, until the window has passed', async () => {
    const u = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.21';
    for (let i = 0; i < 3; i++) {
      expect((await c.post('/api/v1/auth/login', { email: u.email, password: 'wrong-password-' + i })).status).toBe(401);
      clock.advance(1_000);
    }
    // failures at 0, 1 and 2 s; now 3 s: the first leaves the 900 s window at 900 s
    const r = await c.post('/api/v1/auth/login', { email: u.email, password: u.password });
    expect([r.status, r.body.code, r.headers['retry-after'], r.body.retry_after]).toEqual([429, 'login_throttled', '897', 897]);
    clock.advance(896_999);
    const almost = await c.post('/api/v1/auth/login', { email: u.email, password: u.password });
    expect([almost.status, almost.headers['retry-after']]).toEqual([429, '1']);
    clock.advance(1);
    expect((await c.post('/api/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
  });

  it('checks at most LOGIN_MAX_ATTEMPTS passwords when wrong logins for one email arrive concurrently', async () => {
    const u = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.11';
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => c.post('/api/v1/auth/login', { email: u.email, password: 'wrong-password-' + i })));
    const refused = rs.filter((r) => r.status === 401);
    const throttled = rs.filter((r) => r.status === 429);
    expect(refused.length).toBeLessThanOrEqual(3);
    expect(refused.length + throttled.length).toBe(12);
    for (const r of refused) expect(r.body.code).toBe('invalid_credentials');
    for (const r of throttled) {
      expect(r.body.code).toBe('login_throttled');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    // only the checked attempts were recorded as failed logins
    const failed = await t.services.audit.list({ action: 'user.login_failed', targetId: u.id, limit: 20 });
    expect(failed.data).toHaveLength(refused.length);
    // and the account stays throttled, the right password too
    const r = await c.post('/api/v1/auth/login', { email: u.email, password: u.password });
    expect([r.status, r.body.code]).toEqual([429, 'login_throttled']);
  });

  it('checks at most LOGIN_MAX_ATTEMPTS passwords when wrong logins for many emails arrive concurrently from one address', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => t.world.user()));
    const c = new Client(t.app);
    c.ip = '10.0.0.12';
    const rs = await Promise.all(users.map((u) => c.post('/api/v1/auth/login', { email: u.email, password: 'wrong password' })));
    expect(rs.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
    expect(rs.filter((r) => r.status === 429 && r.body.code === 'login_throttled').length).toBeGreaterThanOrEqual(5);
    // the refusals by address took nothing from the accounts: from elsewhere the right password works
    const other = new Client(t.app);
    other.ip = '10.0.0.13';
    for (const u of users) expect((await other.post('/api/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
  });

  it('does not count successful logins against the address', async () => {
    const u = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.14';
    const other = await t.world.user();
    const wrong = (email: string) => c.post('/api/v1/auth/login', { email, password: 'wrong password' });
    // two of the three failures the address may spend, then more successful logins than the limit
    expect((await wrong(u.email)).status).toBe(401);
    expect((await wrong(u.email)).status).toBe(401);
    for (let i = 0; i < 4; i++) expect((await c.post('/api/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
    // the address still has its third failure left, and no more
    expect((await wrong(other.email)).status).toBe(401);
    expect((await c.post('/api/v1/auth/login', { email: other.email, password: other.password })).status).toBe(429);
  });

  it('records failed and successful logins in the audit log', async () => {
    const u = await t.world.user();
    const c = new Client(t.app);
    c.ip = '10.0.0.5';
    await c.post('/api/v1/auth/login', { email: u.email, password: 'definitely-wrong' });
    await c.login(u.email, u.password);
    const failed = await t.services.audit.list({ action: 'user.login_failed', targetId: u.id, limit: 5 });
    const ok = await t.services.audit.list({ action: 'user.logged_in', targetId: u.id, limit: 5 });
    expect(failed.data).toHaveLength(1);
    expect(failed.data[0]).toMatchObject({ outcome: 'failure', ip: '10.0.0.5' });
    expect(ok.data).toHaveLength(1);
  });

  it('requires the CSRF token on cookie-authenticated mutations', async () => {
    const u = await t.world.user();
    const c = await u.login();
    const csrf = c.csrf!;
    c.csrf = null;
    const r = await c.post('/api/v1/me/api-tokens', { name: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('csrf_token_invalid');
    const wrong = await c.post('/api/v1/me/api-tokens', { name: 'x' }, { 'x-csrf-token': 'forged' });
    expect(wrong.body.code).toBe('csrf_token_invalid');
    c.csrf = csrf;
    expect((await c.post('/api/v1/me/api-tokens', { name: 'x' })).status).toBe(201);
  });

  it('logout ends the session', async () => {
    const u = await t.world.user();
    const c = await u.login();
    const cookie = c.cookie;
    expect((await c.post('/api/v1/auth/logout')).status).toBe(204);
    c.cookie = cookie;
    const r = await c.get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('session_expired');
  });

  it('ends a session after the idle timeout', async () => {
    const u = await t.world.user();
    const c = await u.login();
    clock.advance(9 * 60 * 1000);
    expect((await c.get('/api/v1/me')).status).toBe(200); // activity keeps it alive
    clock.advance(9 * 60 * 1000);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    clock.advance(11 * 60 * 1000);
    const r = await c.get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('session_expired');
  });

  it('ends a session at the absolute timeout even when active', async () => {
    const u = await t.world.user();
    const c = await u.login();
    for (let i = 0; i < 6; i++) {
      clock.advance(9 * 60 * 1000);
      expect((await c.get('/api/v1/me')).status).toBe(200);
    }
    clock.advance(9 * 60 * 1000); // 63 minutes after login
    const r = await c.get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('session_expired');
  });

  it('a changed password ends the other sessions, not the current one', async () => {
    const u = await t.world.user();
    const a = await u.login();
    const b = await u.login();
    const r = await a.post('/api/v1/me/password', { current_password: u.password, new_password: 'a brand new passphrase' });
    expect(r.status).toBe(204);
    expect((await a.get('/api/v1/me')).status).toBe(200);
    expect((await b.get('/api/v1/me')).status).toBe(401);
    const bad = await a.post('/api/v1/me/password', { current_password: 'a brand new passphrase', new_password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('password_too_weak');
    expect(bad.body.errors[0].pointer).toBe('/body/new_password');
  });

  it('an unauthenticated request is 401 authentication_required', async () => {
    const r = await new Client(t.app).get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('authentication_required');
  });
});

describe('personal API tokens', () => {
  it('shows the secret once, stores only a hash, needs no CSRF, and dies on revocation', async () => {
    const u = await t.world.user();
    const c = await u.login();
    const created = await c.post('/api/v1/me/api-tokens', { name: 'ci', expires_in_days: 30 });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^pgpat_[A-Za-z0-9_-]{43}$/);

    // the plaintext is nowhere in the database
    const rows = await sql<{ token_hash: string; token_prefix: string }>`select token_hash, token_prefix from api_tokens where user_id = ${u.id}`.execute(t.services.db.kysely);
    expect(rows.rows[0].token_hash).not.toContain(token.slice(6));
    expect(token.startsWith(rows.rows[0].token_prefix)).toBe(true);
    const list = await c.get('/api/v1/me/api-tokens');
    expect(JSON.stringify(list.body)).not.toContain(token);

    const api = new Client(t.app);
    api.bearer = token;
    expect((await api.get('/api/v1/me')).body.auth).toBe('api_token');
    // a bearer-authenticated mutation needs no CSRF token
    expect((await api.patch('/api/v1/me', { name: 'Automation' })).status).toBe(200);

    expect((await c.delete(`/api/v1/me/api-tokens/${created.body.api_token.id}`)).status).toBe(204);
    const r = await api.get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('invalid_token');
    expect(String(r.headers['www-authenticate'] ?? '')).toBe('');
  });

  it('refuses a garbage or malformed bearer token', async () => {
    const api = new Client(t.app);
    api.bearer = 'pgpat_' + 'A'.repeat(43);
    expect((await api.get('/api/v1/me')).body.code).toBe('invalid_token');
    const r = await api.get('/api/v1/me', { authorization: 'Basic Zm9vOmJhcg==' });
    expect(r.status).toBe(401);
  });

  it("a disabled user's token is refused at once with user_inactive", async () => {
    const u = await t.world.user();
    const c = await u.login();
    const token = (await c.post('/api/v1/me/api-tokens', { name: 'x' })).body.token;
    const op = await (await t.world.operator()).login();
    await op.post(`/api/v1/users/${u.id}/disable`);
    const api = new Client(t.app);
    api.bearer = token;
    const r = await api.get('/api/v1/me');
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('user_inactive');
  });

  it('an expired token is refused', async () => {
    const u = await t.world.user();
    const c = await u.login();
    const token = (await c.post('/api/v1/me/api-tokens', { name: 'x', expires_in_days: 1 })).body.token;
    const api = new Client(t.app);
    api.bearer = token;
    expect((await api.get('/api/v1/me')).status).toBe(200);
    clock.advance(25 * 3600 * 1000);
    expect((await api.get('/api/v1/me')).body.code).toBe('invalid_token');
  });
});

describe('invitations', () => {
  it('a tenant admin invites an unknown email; the link sets a password once; the member can log in', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const email = `newcomer-${Date.now()}@example.test`;
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_USER' });
    expect(r.status).toBe(201);
    const url: string = r.body.invitation.url;
    const token = url.split('/invite/')[1];
    const anon = new Client(t.app);
    const info = await anon.get(`/api/v1/invitations/${token}`);
    expect(info.body).toMatchObject({ email, scope_type: 'tenant', scope_name: tenant.name, role: 'TENANT_USER' });
    // no account exists before the invitee accepts
    expect((await anon.post('/api/v1/auth/login', { email, password: 'anything at all' })).status).toBe(401);
    expect(await t.services.identity.findUserByEmail(email)).toBeUndefined();
    const weak = await anon.post('/api/v1/invitations/accept', { token, name: 'New Comer', password: 'short' });
    expect(weak.body.code).toBe('password_too_weak');
    expect((await anon.post('/api/v1/invitations/accept', { token, name: 'New Comer', password: 'a long enough passphrase' })).status).toBe(200);
    const again = await anon.post('/api/v1/invitations/accept', { token, name: 'Again', password: 'another passphrase!' });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('invitation_invalid');
    const member = await new Client(t.app).login(email, 'a long enough passphrase');
    const me = await member.get('/api/v1/me');
    expect(me.body.tenants[0]).toMatchObject({ tenant_id: tenant.id, role: 'TENANT_USER' });
  });

  it('an expired invitation is refused', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: `late-${Date.now()}@example.test`, role: 'TENANT_USER' });
    const token = r.body.invitation.url.split('/invite/')[1];
    clock.advance(8 * 86400 * 1000);
    const res = await new Client(t.app).post('/api/v1/invitations/accept', { token, name: 'Late', password: 'a long enough passphrase' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('invitation_invalid');
  });
});
