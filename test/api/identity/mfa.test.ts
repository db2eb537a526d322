/**
 * Strong authentication, over HTTP: an authenticator app (codes made with otpauth at
 * the manual clock's time), recovery codes (single use), the sign-in second step, bad codes as
 * problem+json, throttling, step-up, and MFA policies enforced at the gateway and by decide() on
 * the next request — a session or token without "mfa" refused with mfa_required, one with it
 * admitted. Password reset through a real SMTP server in this test (smtp-server), following the
 * e-mailed link.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client, type Problem, type Schemas } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { TestUser } from '../../helpers/world.ts';
import { gw, link, loginAs, mintToken, until } from '../gateway/helpers.ts';

let t: TestApp;
const clock = new ManualClock(new Date().toISOString());
const inbox: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  t = await startTestApp({ clock, config: { LOGIN_MAX_ATTEMPTS: '4', SMTP_URL: smtpUrl, MAIL_FROM: 'Partnergate <no-reply@partners.example.com>' } });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const codeFor = (secret: string, atMs = clock.nowMs()) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: atMs });

/** Sets up the authenticator app for a signed-in client; its key and recovery codes. */
async function enrolTotp(c: Client): Promise<{ secret: string; recovery: string[] }> {
  const start = await c.post<'/api/v1/me/mfa/totp'>('/api/v1/me/mfa/totp');
  expect(start.status).toBe(201);
  expect(start.body.qr_svg).toMatch(/^<svg/);
  expect(start.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/Partnergate:/);
  const confirm = await c.post<'/api/v1/me/mfa/totp/confirm'>('/api/v1/me/mfa/totp/confirm', { code: codeFor(start.body.secret) });
  expect(confirm.status).toBe(200);
  expect(confirm.body.recovery_codes).toHaveLength(10);
  clock.advance(30_000); // the next code is a new time step
  return { secret: start.body.secret, recovery: confirm.body.recovery_codes };
}

function fresh(): Client {
  const c = new Client(t.app);
  c.ip = `10.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  return c;
}

async function passwordStep(u: TestUser, c = fresh()) {
  const r = await c.post<'/api/v1/auth/login'>('/api/v1/auth/login', { email: u.email, password: u.password });
  return { c, r };
}

describe('authenticator app and the sign-in second step', () => {
  it('once set up, sign-in asks for a code; a right code opens a session that counts as MFA', async () => {
    const u = await t.world.user();
    const c = await loginAs(t, u);
    const { secret } = await enrolTotp(c);
    const sec = await c.get<'/api/v1/me/security'>('/api/v1/me/security');
    expect(sec.body.totp.enabled).toBe(true);
    expect(sec.body.recovery_codes).toEqual({ total: 10, unused: 10 });
    expect(sec.body.session.mfa).toBe(true);

    const { c: c2, r } = await passwordStep(u);
    expect(r.status).toBe(202);
    const step = r.body as unknown as Schemas['LoginSecondStep'];
    expect(step.methods).toEqual(['totp', 'recovery_code']);
    expect(c2.cookie).toBeNull();
    const ok = await c2.post<'/api/v1/auth/login/second-factor'>('/api/v1/auth/login/second-factor', { mfa_token: step.mfa_token, code: codeFor(secret) });
    expect(ok.status).toBe(200);
    expect(ok.body.me.mfa).toBe(true);
    c2.csrf = ok.body.csrf_token;
    expect((await c2.get<'/api/v1/me'>('/api/v1/me')).body.mfa).toBe(true);

    // the same code again (a replay, even in a new sign-in) is refused
    const again = await passwordStep(u);
    const replay = await again.c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: (again.r.body as unknown as Schemas['LoginSecondStep']).mfa_token, code: codeFor(secret) });
    expect([replay.status, replay.body.code]).toEqual([401, 'mfa_code_invalid']);
    expect(replay.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('bad codes are problem+json; five on one sign-in end it; the account is throttled', async () => {
    const u = await t.world.user();
    const { secret } = await enrolTotp(await loginAs(t, u));
    const { c, r } = await passwordStep(u);
    const token = (r.body as unknown as Schemas['LoginSecondStep']).mfa_token;
    const malformed = await c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: token, code: 'abcdef' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'validation_failed']);
    const both = await c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: token, code: '123456', recovery_code: 'abcd-efgh' });
    expect([both.status, both.body.code]).toEqual([400, 'validation_failed']);
    const unknown = await c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: 'x'.repeat(43), code: '123456' });
    expect([unknown.status, unknown.body.code]).toEqual([401, 'mfa_challenge_expired']);

    const wrong = String((Number(codeFor(secret)) + 1) % 1_000_000).padStart(6, '0');
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: token, code: wrong });
      answers.push(`${b.status} ${b.body.code}`);
    }
    // LOGIN_MAX_ATTEMPTS=4 failures per account: the fifth is throttled with Retry-After
    expect(answers.slice(0, 4)).toEqual(Array(4).fill('401 mfa_code_invalid'));
    expect(answers[4]).toBe('429 login_throttled');
    // the right code now: throttled too (a guesser cannot tell)
    const right = await c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: token, code: codeFor(secret) });
    expect(right.status).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
    // once the window has passed, this sign-in is spent (too many wrong answers): start again
    clock.advance(16 * 60_000);
    const spent = await c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: token, code: codeFor(secret) });
    expect([spent.status, spent.body.code]).toEqual([401, 'mfa_challenge_expired']);
    const again = await passwordStep(u);
    const ok = await again.c.post('/api/v1/auth/login/second-factor', { mfa_token: (again.r.body as unknown as Schemas['LoginSecondStep']).mfa_token, code: codeFor(secret) });
    expect(ok.status).toBe(200);
  });

  it('a recovery code works once', async () => {
    const u = await t.world.user();
    const { recovery } = await enrolTotp(await loginAs(t, u));
    const first = await passwordStep(u);
    const ok = await first.c.post('/api/v1/auth/login/second-factor', { mfa_token: (first.r.body as unknown as Schemas['LoginSecondStep']).mfa_token, recovery_code: recovery[0].toUpperCase() });
    expect(ok.status).toBe(200);
    const second = await passwordStep(u);
    const reused = await second.c.post<Problem>('/api/v1/auth/login/second-factor', { mfa_token: (second.r.body as unknown as Schemas['LoginSecondStep']).mfa_token, recovery_code: recovery[0] });
    expect([reused.status, reused.body.code]).toEqual([401, 'mfa_code_invalid']);
    first.c.csrf = ok.body.csrf_token;
    expect((await first.c.get<'/api/v1/me/security'>('/api/v1/me/security')).body.recovery_codes).toEqual({ total: 10, unused: 9 });
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'outcome']).where('target_id', '=', u.id).execute();
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.mfa_totp_enabled', 'user.mfa_recovery_code_used', 'user.mfa_failed']));
    // no secret in any audit event
    const details = await t.services.db.kysely.selectFrom('audit_events').select('details').where('target_id', '=', u.id).execute();
    expect(JSON.stringify(details)).not.toContain(recovery[1]);
  });

  it('removing the app needs a fresh step-up; a step-up with a code allows it', async () => {
    const u = await t.world.user();
    const c = await loginAs(t, u);
    const { secret } = await enrolTotp(c);
    clock.advance(11 * 60_000); // the confirmation's proof is no longer fresh
    const refused = await c.delete<Problem>('/api/v1/me/mfa/totp');
    expect([refused.status, refused.body.code]).toEqual([403, 'step_up_required']);
    const bad = await c.post<Problem>('/api/v1/me/step-up', { code: '000000' });
    expect([bad.status, bad.body.code]).toEqual([401, 'mfa_code_invalid']);
    const up = await c.post<'/api/v1/me/step-up'>('/api/v1/me/step-up', { code: codeFor(secret) });
    expect(up.status).toBe(200);
    expect(up.body.amr).toContain('mfa');
    expect((await c.delete('/api/v1/me/mfa/totp')).status).toBe(204);
    expect((await c.get<'/api/v1/me/security'>('/api/v1/me/security')).body.enabled).toBe(false);
    // no factor: the password alone signs in again
    expect((await passwordStep(u)).r.status).toBe(200);
  });
});

describe('MFA policies at the gateway and in decide()', () => {
  it('a tenant requiring MFA refuses a partner person’s non-MFA session on the next request, and admits an MFA one', async () => {
    const tenant = await t.world.tenant();
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, tenant, { role: 'MSP_FULL' });
    const staff = await loginAs(t, msp.staff);
    const orders = (c: Client) => c.get<Problem>('/resources/v1/orders', { 'x-active-tenant-id': tenant.id });
    expect((await orders(staff)).status).toBe(200);

    const admin = await loginAs(t, tenant.admin);
    const set = await admin.put<'/api/v1/tenants/{tenant_id}/mfa-policy'>(`/api/v1/tenants/${tenant.id}/mfa-policy`, { partner_people_required: true });
    expect(set.status).toBe(200);
    const refused = await orders(staff);
    expect([refused.status, refused.body.code]).toEqual([403, 'mfa_required']);
    // the decision API says the same
    const explain = t.services.authz.decide({ type: 'user', userId: msp.staff.id }, 'orders.read', { tenantId: tenant.id });
    expect(explain.allow ? 'allowed' : explain.code).toBe('mfa_required');
    // another tenant without the policy is not affected
    const other = await t.world.tenant();
    await link(t, msp, other, { role: 'MSP_FULL' });
    expect((await staff.get('/resources/v1/orders', { 'x-active-tenant-id': other.id })).status).toBe(200);

    // the staff member sets up the app in this session: the session now counts as MFA
    await enrolTotp(staff);
    expect((await orders(staff)).status).toBe(200);

    // a plain staff member may not change the tenant's policy; the audit has the change
    const notAdmin = await (await loginAs(t, tenant.user)).put<Problem>(`/api/v1/tenants/${tenant.id}/mfa-policy`, { partner_people_required: false });
    expect(notAdmin.status).toBe(403);
    const ev = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id']).where('action', '=', 'mfa_policy.changed').where('tenant_id', '=', tenant.id).execute();
    expect(ev).toHaveLength(1);
  });

  it('the operator requires MFA of one partner: its MSP token without amr "mfa" is refused, one with it admitted', async () => {
    const tenant = await t.world.tenant();
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, tenant, { role: 'MSP_FULL' });
    const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: msp.id } };
    const { app } = await t.services.apps.create(ctx, msp.id, { name: 'Console ' + msp.slug, grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scopes: ['orders.read'] });
    const base = { sub: msp.staff.id, client_id: app.id, partner_id: msp.id, persona: 'msp', scope: 'orders.read' };
    // issued at the manual clock's time (the gateway checks exp against it)
    const at = { issuedAtSec: Math.floor(clock.nowMs() / 1000) };
    const pwdOnly = await mintToken(t, { ...base, amr: ['pwd'], acr: 'urn:partnergate:aal1' }, at);
    const withMfa = await mintToken(t, { ...base, amr: ['pwd', 'otp', 'mfa'], acr: 'urn:partnergate:aal2' }, at);
    const call = (token: string) => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': tenant.id } });
    const before = await call(pwdOnly);
    expect([before.status, before.body?.code]).toEqual([200, undefined]);

    const op = await loginAs(t, await t.world.operator());
    const bad = await op.put<Problem>('/api/v1/mfa-policies/partners/ptr_nonexistent0000000000000', { required: true });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const set = await op.put<'/api/v1/mfa-policies/partners/{partner_id}'>(`/api/v1/mfa-policies/partners/${msp.id}`, { required: true });
    expect(set.status).toBe(200);
    expect(set.body.partners.map((p) => p.partner_id)).toContain(msp.id);
    const refused = await call(pwdOnly);
    expect([refused.status, refused.body.code]).toEqual([403, 'mfa_required']);
    expect((await call(withMfa)).status).toBe(200);

    // platform-wide: every partner's people
    const other = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, other, tenant, { role: 'MSP_FULL' });
    const otherStaff = await loginAs(t, other.staff);
    expect((await otherStaff.get('/resources/v1/orders', { 'x-active-tenant-id': tenant.id })).status).toBe(200);
    expect((await op.put(`/api/v1/mfa-policies/platform`, { required: true })).status).toBe(200);
    const now = await otherStaff.get<Problem>('/resources/v1/orders', { 'x-active-tenant-id': tenant.id });
    expect([now.status, now.body.code]).toEqual([403, 'mfa_required']);
    // tenant members on their own tenant are not partner people: unaffected
    expect((await (await loginAs(t, tenant.admin)).get('/resources/v1/orders')).status).toBe(200);
    expect((await op.put(`/api/v1/mfa-policies/platform`, { required: false })).status).toBe(200);
    expect((await otherStaff.get('/resources/v1/orders', { 'x-active-tenant-id': tenant.id })).status).toBe(200);
    // only the operator sets these
    const denied = await otherStaff.put<Problem>('/api/v1/mfa-policies/platform', { required: true });
    expect(denied.status).toBe(403);
  });
});

describe('password reset by e-mail link', () => {
  it('the link in the e-mail sets a new password once and ends every session', async () => {
    const u = await t.world.user();
    const old = await loginAs(t, u);
    const anon = fresh();
    const unknown = await anon.post('/api/v1/auth/password-reset', { email: 'nobody-' + u.email });
    const known = await anon.post('/api/v1/auth/password-reset', { email: u.email });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);
    // the mail goes out after the answer
    await until('the reset mail', async () => inbox.some((m) => m.to.includes(u.email)), 10_000);
    const mail = inbox.filter((m) => m.to.includes(u.email)).at(-1)!;
    expect(mail).toBeDefined();
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('Reset your Partnergate password');
    const url = new URL(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_%-]+/.exec(parsed.text ?? '')![0]);
    const token = url.searchParams.get('token')!;
    // the stored row holds no token
    const rows = await t.services.db.kysely.selectFrom('password_resets').selectAll().where('user_id', '=', u.id).execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    const check = await anon.post<'/api/v1/auth/password-reset/check'>('/api/v1/auth/password-reset/check', { token });
    expect(check.body.email).toBe(u.email);
    const weak = await anon.post<Problem>('/api/v1/auth/password-reset/complete', { token, password: 'short' });
    expect([weak.status, weak.body.code]).toEqual([400, 'password_too_weak']);
    const done = await anon.post('/api/v1/auth/password-reset/complete', { token, password: 'a brand new passphrase 42' });
    expect(done.status).toBe(204);
    const twice = await anon.post<Problem>('/api/v1/auth/password-reset/complete', { token, password: 'another new passphrase 43' });
    expect([twice.status, twice.body.code]).toEqual([400, 'password_reset_invalid']);
    // the old session ended; the new password signs in, the old one does not
    expect((await old.get<Problem>('/api/v1/me')).status).toBe(401);
    expect((await fresh().post('/api/v1/auth/login', { email: u.email, password: 'a brand new passphrase 42' })).status).toBe(200);
    expect((await fresh().post('/api/v1/auth/login', { email: u.email, password: u.password })).status).toBe(401);
  });

  it('asking for links is throttled per address, whether or not it has an account', async () => {
    const anon = fresh();
    const email = `nobody-${Date.now()}@example.test`;
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await anon.post('/api/v1/auth/password-reset', { email })).status);
    expect(answers).toEqual([202, 202, 202, 202, 202, 429]);
    const r = await anon.post<Problem>('/api/v1/auth/password-reset', { email });
    expect([r.status, r.body.code]).toEqual([429, 'password_reset_throttled']);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('an expired link is refused; the operator can send one', async () => {
    const u = await t.world.user();
    const op = await loginAs(t, await t.world.operator());
    const sent = await op.post<'/api/v1/users/{user_id}/password-reset'>(`/api/v1/users/${u.id}/password-reset`);
    expect(sent.status).toBe(200);
    expect(sent.body.sent_to).toBe(u.email);
    const parsed = await simpleParser(inbox.filter((m) => m.to.includes(u.email)).at(-1)!.raw);
    expect(parsed.text).toContain('An administrator');
    const token = new URL(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_%-]+/.exec(parsed.text ?? '')![0]).searchParams.get('token')!;
    clock.advance(31 * 60_000);
    const late = await fresh().post<Problem>('/api/v1/auth/password-reset/complete', { token, password: 'a brand new passphrase 42' });
    expect([late.status, late.body.code]).toEqual([400, 'password_reset_invalid']);
    const notOp = await (await loginAs(t, u)).post<Problem>(`/api/v1/users/${u.id}/password-reset`);
    expect(notOp.status).toBe(403);
    const ev = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', u.id).where('action', '=', 'user.password_reset_sent').execute();
    expect(ev).toHaveLength(1);
  });
});
