/**
 * The partner configuration manager across two instances (`node src/main.ts serve` ×2, one
 * PostgreSQL, one Redis): the operator changes a partner's quota, API policy, allowed roles or session policy
 * through instance 1, and instance 2 enforces it within 1 s — from its decision snapshot, which
 * only the change feed's Redis fan-out can have updated that fast (the outbox poll is 30 s). The
 * quota's counter is shared: requests on both instances count against one quota.
 * Always PostgreSQL + Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { apiToken, link } from '../gateway/helpers.ts';

const CHANGE_FEED_POLL_MS = '30000';

let pair: InstancePair;
let one: ServerProcess;
let two: ServerProcess;
let op: HttpClient;

beforeAll(async () => {
  pair = await startInstancePair({ name: 'plim', env: { CHANGE_FEED_POLL_MS } });
  ({ one, two } = pair);
  const operator = await pair.world.operator();
  op = await new HttpClient(one.base).login(operator.email, operator.password);
}, 180_000);

afterAll(() => pair?.close());

async function read(i: ServerProcess, auth: { token?: string; cookie?: string }, tenantId: string) {
  const headers: Record<string, string> = { 'x-active-tenant-id': tenantId };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  const r = await fetch(`${i.base}/resources/v1/orders`, { headers });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: (text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : {}) as { code?: string } };
}

/** A managed-services partner linked to a tenant, its staff member's API token served by instance 2. */
async function msp(): Promise<{ partner: TestPartner; tenant: TestTenant; token: string }> {
  const partner = await pair.world.partner({ capabilities: ['managed_services'] });
  const tenant = await pair.world.tenant();
  await link(pair.t, partner, tenant);
  const token = await apiToken(pair.t, partner.staff);
  const t0 = performance.now();
  let r = await read(two, { token }, tenant.id);
  while (r.status !== 200 && performance.now() - t0 < 10_000) {
    await new Promise((res) => setTimeout(res, 20));
    r = await read(two, { token }, tenant.id);
  }
  expect(r.status).toBe(200);
  return { partner, tenant, token };
}

async function configure(partnerId: string, section: string, value: unknown) {
  const r = await op.req('PUT', `/api/v1/partners/${partnerId}/configuration/${section}`, { value });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Poll `probe` on instance 2 every ~20 ms (up to 3 s) until `done`; the elapsed ms. */
async function within<T>(probe: () => Promise<T>, done: (v: T) => boolean): Promise<{ ms: number; last: T }> {
  const t0 = performance.now();
  let last = await probe();
  while (!done(last) && performance.now() - t0 < 3000) {
    await new Promise((r) => setTimeout(r, 20));
    last = await probe();
  }
  return { ms: performance.now() - t0, last };
}

/** Instance 2's answers to the MSP's read until one has `status` (the change made through instance 1 arrived). */
function untilTwoAnswers(w: { token: string; tenant: TestTenant }, status: number) {
  return within(
    () => read(two, { token: w.token }, w.tenant.id),
    (x) => x.status === status,
  );
}

describe('partner limits across two instances', () => {
  it('a daily quota set through instance 1 is enforced by instance 2 within 1 s, counted across both: 429 quota_exceeded with Retry-After', async () => {
    const w = await msp();
    await configure(w.partner.id, 'limits', { daily_quota: 3 });
    // instance 2 announces the quota on its next requests
    const seen = await within(
      () => read(two, { token: w.token }, w.tenant.id),
      (r) => (r.headers.get('ratelimit-policy') ?? '').includes('"daily";q=3'),
    );
    process.stdout.write(`quota set on instance 1, applied by instance 2 after ${seen.ms.toFixed(1)} ms\n`);
    expect(seen.ms).toBeLessThan(1000);
    // the polling above may have taken up to three requests of the quota: spend the rest on instance 1
    let admitted = 0;
    for (let i = 0; i < 3; i++) if ((await read(one, { token: w.token }, w.tenant.id)).status === 200) admitted++;
    expect(admitted).toBeLessThan(3);
    const r = await read(two, { token: w.token }, w.tenant.id);
    expect([r.status, r.body.code]).toEqual([429, 'quota_exceeded']);
    const retry = Number(r.headers.get('retry-after'));
    const untilMidnight = (Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000;
    expect(Math.abs(retry - untilMidnight)).toBeLessThan(5);
    expect((await read(one, { token: w.token }, w.tenant.id)).body.code).toBe('quota_exceeded');
  }, 60_000);

  it('an IP allow-list set through instance 1: instance 2 refuses a token from outside it with 403 ip_not_allowed within 1 s', async () => {
    const w = await msp();
    await configure(w.partner.id, 'api', { ip_allow: ['203.0.113.0/24'] });
    const r = await untilTwoAnswers(w, 403);
    process.stdout.write(`allow-list set on instance 1, applied by instance 2 after ${r.ms.toFixed(1)} ms\n`);
    expect([r.last.status, r.last.body.code]).toEqual([403, 'ip_not_allowed']);
    expect(r.ms).toBeLessThan(1000);
    await configure(w.partner.id, 'api', { ip_allow: ['127.0.0.0/8', '::1/128'] });
    const back = await untilTwoAnswers(w, 200);
    expect(back.last.status).toBe(200);
  }, 60_000);

  it('a route class not allowed, set through instance 1: instance 2 refuses it with 403 route_class_not_allowed within 1 s', async () => {
    const w = await msp();
    await configure(w.partner.id, 'api', { route_classes: ['write'] });
    const r = await untilTwoAnswers(w, 403);
    process.stdout.write(`route classes set on instance 1, applied by instance 2 after ${r.ms.toFixed(1)} ms\n`);
    expect([r.last.status, r.last.body.code]).toEqual([403, 'route_class_not_allowed']);
    expect(r.ms).toBeLessThan(1000);
  }, 60_000);

  it('a delegation role no longer allowed, set through instance 1: instance 2 refuses the MSP_FULL link with 403 role_not_allowed within 1 s', async () => {
    const w = await msp(); // its link is MSP_FULL
    await configure(w.partner.id, 'roles', { delegation_roles: ['MSP_SUPPORT'] });
    const r = await untilTwoAnswers(w, 403);
    process.stdout.write(`allowed roles set on instance 1, applied by instance 2 after ${r.ms.toFixed(1)} ms\n`);
    expect([r.last.status, r.last.body.code]).toEqual([403, 'role_not_allowed']);
    expect(r.ms).toBeLessThan(1000);
    await configure(w.partner.id, 'roles', { delegation_roles: ['MSP_SUPPORT', 'MSP_FULL'] });
    const back = await untilTwoAnswers(w, 200);
    expect(back.last.status).toBe(200);
  }, 60_000);

  it('over the concurrent-session limit: a sign-in on instance 1 ends the oldest session, refused by instance 2 within 1 s', async () => {
    const w = await msp();
    await configure(w.partner.id, 'session', { max_sessions: 1 });
    const first = await new HttpClient(two.base).login(w.partner.staff.email, w.partner.staff.password);
    const ok = await within(
      () => read(two, { cookie: first.cookie }, w.tenant.id),
      (x) => x.status === 200,
    );
    expect(ok.last.status).toBe(200);
    await new HttpClient(one.base).login(w.partner.staff.email, w.partner.staff.password);
    const r = await within(
      () => read(two, { cookie: first.cookie }, w.tenant.id),
      (x) => x.status === 401,
    );
    process.stdout.write(`second sign-in on instance 1, first session refused by instance 2 after ${r.ms.toFixed(1)} ms\n`);
    expect([r.last.status, r.last.body.code]).toEqual([401, 'session_expired']);
    expect(r.ms).toBeLessThan(1000);
  }, 60_000);
});
