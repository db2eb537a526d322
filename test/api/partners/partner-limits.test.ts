/**
 * The partner configuration manager, enforcement of `session`, `limits` and `api` (one instance;
 * the two-instance proof is partner-limits-instances.test.ts): each setting changed through the
 * operator's API is enforced on the partner's next request, and each check has a test here that
 * fails without it. Runs on SQLite, or on PostgreSQL + Redis when DATABASE_URL / REDIS_URL say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { apiToken, link } from '../gateway/helpers.ts';

let t: TestApp;
let operator: Client;
// The day's last minutes: a daily quota then resets within a few minutes, which the Retry-After shows.
const clock = new ManualClock(new Date(new Date().toISOString().slice(0, 10) + 'T23:50:00.000Z'));

beforeAll(async () => {
  t = await startTestApp({ clock, config: { RATE_LIMITS: JSON.stringify({ read: 100, write: 100, partner: 1000 }) } });
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

function randomIp(): string {
  return `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
}

async function signIn(u: TestUser, ip = randomIp()): Promise<Client> {
  const c = new Client(t.app);
  c.ip = ip;
  return c.login(u.email, u.password);
}

async function mspWorld(): Promise<{ msp: TestPartner; tenant: TestTenant; token: string; read: (token: string, ip?: string) => Promise<{ status: number; headers: Record<string, unknown>; body: any }>; write: (token: string) => Promise<{ status: number; headers: Record<string, unknown>; body: any }> }> {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  const token = await apiToken(t, msp.staff);
  const call = async (method: 'GET' | 'POST', url: string, token: string, ip = '127.0.0.1', body?: object) => {
    const r = await t.app.inject({ method, url, remoteAddress: ip, headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenant.id }, ...(body ? { payload: body } : {}) });
    return { status: r.statusCode, headers: r.headers as Record<string, unknown>, body: r.body ? JSON.parse(r.body) : null };
  };
  return {
    msp,
    tenant,
    token,
    read: (tk, ip) => call('GET', '/resources/v1/orders', tk, ip),
    write: (tk) => call('POST', '/resources/v1/tickets', tk, '127.0.0.1', { subject: 's', description: 'd' }),
  };
}

async function configure(partnerId: string, section: string, value: unknown) {
  const r = await operator.put(`/api/v1/partners/${partnerId}/configuration/${section}`, { value });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r;
}

describe('rate limits and quotas', () => {
  it("a partner's per-minute limit for a route class replaces RATE_LIMITS on the next request", async () => {
    const w = await mspWorld();
    expect((await w.read(w.token)).headers['ratelimit-policy']).toBe('"read";q=100;w=60');
    await configure(w.msp.id, 'limits', { per_minute: { read: 2 } });
    const first = await w.read(w.token);
    expect(first.headers['ratelimit-policy']).toBe('"read";q=2;w=60');
    // the request before the change counts too: 2 in the last minute
    const r = await w.read(w.token);
    expect([r.status, r.body.code]).toEqual([429, 'rate_limited']);
    // another class keeps the default
    expect((await w.write(w.token)).status).toBe(201);
    // the partner-wide limit too (3 admitted in this minute: two reads and the write)
    await configure(w.msp.id, 'limits', { per_minute: { read: 50, partner: 3 } });
    const r2 = await w.read(w.token);
    expect([r2.status, r2.body.code, r2.headers['ratelimit-policy']]).toEqual([429, 'rate_limited', '"partner";q=3;w=60']);
    // removing the section returns to the defaults
    await configure(w.msp.id, 'limits', null);
    expect((await w.read(w.token)).headers['ratelimit-policy']).toBe('"read";q=100;w=60');
  });

  it('a daily quota used up: 429 quota_exceeded with Retry-After to midnight UTC, RateLimit headers, counted by day', async () => {
    const w = await mspWorld();
    await configure(w.msp.id, 'limits', { daily_quota: 3, monthly_quota: 1000 });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await w.read(w.token);
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-policy']).toBe(`"read";q=100;w=60, "daily";q=3;w=86400, "monthly";q=1000;w=${monthSeconds()}`);
      seen.push(/"daily";r=(\d+)/.exec(String(r.headers.ratelimit))![1]);
    }
    expect(seen).toEqual(['2', '1', '0']);
    const refused = await w.read(w.token);
    expect([refused.status, refused.body.code]).toEqual([429, 'quota_exceeded']);
    const untilMidnight = Math.ceil((Date.parse(clock.now().toISOString().slice(0, 10) + 'T00:00:00Z') + 86_400_000 - clock.nowMs()) / 1000);
    expect(Number(refused.headers['retry-after'])).toBe(untilMidnight);
    expect(refused.body.retry_after).toBe(untilMidnight);
    expect(refused.body.detail).toContain('daily quota of 3 requests');
    expect(refused.headers.ratelimit).toBe(`"daily";r=0;t=${untilMidnight}`);
    // a write is refused as well: the quota is the partner's, whatever the class
    expect((await w.write(w.token)).body.code).toBe('quota_exceeded');

    // usage by day, for the operator and for the partner's own members
    const usage = await operator.get(`/api/v1/partners/${w.msp.id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.today).toMatchObject({ requests: 3, limit: 3 });
    expect(usage.body.days.at(-1)).toMatchObject({ day: clock.now().toISOString().slice(0, 10), requests: 3, refused: 2 });
    const own = await signIn(w.msp.staff);
    expect((await own.get(`/api/v1/partners/${w.msp.id}/usage`)).body.today.requests).toBe(3);
    const other = await t.world.partner();
    expect((await own.get(`/api/v1/partners/${other.id}/usage`)).status).toBe(404);

    // raising the quota admits again on the next request
    await configure(w.msp.id, 'limits', { daily_quota: 10 });
    expect((await w.read(w.token)).status).toBe(200);
  });

  it('a monthly quota counts across days', async () => {
    const w = await mspWorld();
    await configure(w.msp.id, 'limits', { monthly_quota: 2 });
    expect((await w.read(w.token)).status).toBe(200);
    expect((await w.read(w.token)).status).toBe(200);
    const r = await w.read(w.token);
    expect([r.status, r.body.code]).toEqual([429, 'quota_exceeded']);
    expect(r.body.detail).toContain('monthly quota of 2 requests');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('API access policy', () => {
  it('a route class the partner may not call: 403 route_class_not_allowed; the others still pass', async () => {
    const w = await mspWorld();
    await configure(w.msp.id, 'api', { route_classes: ['read'] });
    expect((await w.read(w.token)).status).toBe(200);
    const r = await w.write(w.token);
    expect([r.status, r.body.code]).toEqual([403, 'route_class_not_allowed']);
    await configure(w.msp.id, 'api', { route_classes: null });
    expect((await w.write(w.token)).status).toBe(201);
  });

  it('an address outside the allow-list: 403 ip_not_allowed for tokens and sessions; inside it passes', async () => {
    const w = await mspWorld();
    await configure(w.msp.id, 'api', { ip_allow: ['203.0.113.0/24', '2001:db8::/32'] });
    const r = await w.read(w.token, '198.51.100.7');
    expect([r.status, r.body.code]).toEqual([403, 'ip_not_allowed']);
    expect((await w.read(w.token, '203.0.113.9')).status).toBe(200);
    expect((await w.read(w.token, '2001:db8::1')).status).toBe(200);
    // a portal session of a member, through the gateway
    const outside = await signIn(w.msp.staff, '198.51.100.8');
    const s = await outside.get('/resources/v1/orders', { 'x-active-tenant-id': w.tenant.id });
    expect([s.status, s.body.code]).toEqual([403, 'ip_not_allowed']);
    await configure(w.msp.id, 'api', { ip_allow: [] });
    expect((await w.read(w.token, '198.51.100.7')).status).toBe(200);
  });
});

describe('session policy', () => {
  it('over the concurrent limit, signing in ends the oldest session (audited)', async () => {
    const p = await t.world.partner();
    await configure(p.id, 'session', { max_sessions: 2 });
    const first = await signIn(p.staff);
    clock.advance(1000);
    const second = await signIn(p.staff);
    clock.advance(1000);
    const third = await signIn(p.staff);
    expect((await first.get('/api/v1/me')).status).toBe(401);
    expect((await second.get('/api/v1/me')).status).toBe(200);
    expect((await third.get('/api/v1/me')).status).toBe(200);
    const events = await operator.get(`/api/v1/audit-events?action=user.session_ended&target_id=${p.staff.id}`);
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].details).toMatchObject({ reason: 'max_sessions', max_sessions: 2 });
    // a user of no such partner keeps every session
    const q = await t.world.partner();
    const a = await signIn(q.staff);
    await signIn(q.staff);
    await signIn(q.staff);
    expect((await a.get('/api/v1/me')).status).toBe(200);
  });

  it("an idle timeout stricter than the platform's ends the session on the next request (portal API and gateway)", async () => {
    const w = await mspWorld();
    const s = await signIn(w.msp.staff);
    const other = await signIn(w.msp.owner);
    await configure(w.msp.id, 'session', { idle_minutes: 5 });
    clock.advance(4 * 60_000);
    expect((await s.get('/api/v1/me')).status).toBe(200); // activity (noted once a minute)
    clock.advance(6 * 60_000); // 6 minutes idle: over 5, well under the platform's 30
    const r = await s.get('/api/v1/me');
    expect([r.status, r.body.code]).toEqual([401, 'session_expired']);
    const g = await other.get('/resources/v1/orders', { 'x-active-tenant-id': w.tenant.id });
    expect([g.status, g.body.code]).toEqual([401, 'session_expired']);
  });

  it('an absolute timeout ends the session however active it is', async () => {
    const p = await t.world.partner();
    await configure(p.id, 'session', { absolute_minutes: 10 });
    const s = await signIn(p.staff);
    for (let i = 0; i < 4; i++) {
      clock.advance(2 * 60_000);
      expect((await s.get('/api/v1/me')).status).toBe(200);
    }
    clock.advance(3 * 60_000);
    expect((await s.get('/api/v1/me')).status).toBe(401);
  });
});

describe('bad input: 4xx with a code, nothing written', () => {
  it('refuses negative and absurd limits, malformed CIDRs, a looser session policy, inconsistent quotas', async () => {
    const p = await t.world.partner();
    for (const [section, value, code] of [
      ['limits', { per_minute: { read: -5 } }, 'validation_failed'],
      ['limits', { per_minute: { read: 10_000_000 } }, 'validation_failed'],
      ['limits', { daily_quota: 0 }, 'validation_failed'],
      ['limits', { daily_quota: 5_000_000_000 }, 'validation_failed'],
      ['limits', { daily_quota: 100, monthly_quota: 10 }, 'quota_inconsistent'],
      ['api', { ip_allow: ['10.0.0.0/33'] }, 'cidr_invalid'],
      ['api', { ip_allow: ['300.1.2.3'] }, 'cidr_invalid'],
      ['api', { ip_allow: ['10.0.0.1/8'] }, 'cidr_invalid'],
      ['api', { ip_allow: ['2001:db8::/129'] }, 'cidr_invalid'],
      ['api', { ip_allow: ['example.com'] }, 'cidr_invalid'],
      ['api', { route_classes: ['READ ALL'] }, 'validation_failed'],
      ['session', { idle_minutes: 31 }, 'session_policy_looser'], // the platform's is 30 minutes
      ['session', { absolute_minutes: 12 * 60 + 1 }, 'session_policy_looser'], // the platform's is 12 hours
      ['session', { idle_minutes: 20, absolute_minutes: 10 }, 'session_policy_looser'],
      ['session', { max_sessions: 0 }, 'validation_failed'],
    ] as const) {
      const r = await operator.put(`/api/v1/partners/${p.id}/configuration/${section}`, { value });
      expect([r.status, r.body.code], JSON.stringify(value)).toEqual([400, code]);
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration`)).body).toEqual({ partner_id: p.id, version: 0, config: {} });
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration/versions`)).body.data).toEqual([]);
    // the usage period must run forwards
    const r = await operator.get(`/api/v1/partners/${p.id}/usage?from=2026-02-01&to=2026-01-01`);
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
  });
});

function monthSeconds(): number {
  const d = clock.now();
  return Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)) / 1000);
}
