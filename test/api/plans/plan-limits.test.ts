/**
 * A customer's plan limits apply in real time. The plan's `api_requests_per_day` is
 * counted at the gateway for everyone acting for the customer (its own people and the partners it
 * let in), in the same limiter decision as the rate limits; its `users` caps the people who may
 * join the customer. A plan change reaches the snapshot through the change feed, so the next
 * request follows it. Runs on SQLite, or on PostgreSQL + Redis when DATABASE_URL / REDIS_URL say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { apiToken, gw, link, loginAs } from '../gateway/helpers.ts';
import { activeSubscription, planWorld, provisionCustomer, verifiedCompany, type PlanWorld } from './helpers.ts';

// The day's last minutes: the plan's day ends within a few minutes, which Retry-After shows.
const clock = new ManualClock(new Date(new Date().toISOString().slice(0, 10) + 'T23:50:00.000Z'));
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, config: { RATE_LIMITS: JSON.stringify({ read: 1000, write: 1000, partner: 10_000 }) } });
});
afterAll(async () => {
  await t?.close();
});

/** A second customer of the same wholesaler on the same plan, subscribed and active. */
async function secondCustomer(w: PlanWorld): Promise<PlanWorld> {
  const customer = await provisionCustomer(t, w.wholesaler);
  const other: PlanWorld = { ...w, customer, customerAdmin: await loginAs(t, customer.admin) };
  await verifiedCompany(other);
  await activeSubscription(other);
  return other;
}

describe("a customer's plan limits", () => {
  it("counts the plan's requests a day for everyone acting for the customer: 429 quota_exceeded to midnight, other customers untouched, a raised limit on the next request", async () => {
    const w = await planWorld(t, { limits: { users: 25, api_requests_per_day: 3 } });
    await verifiedCompany(w);
    await activeSubscription(w);
    const other = await secondCustomer(w);
    const token = await apiToken(t, w.customer.admin);
    const call = (tk: string, tenantId = w.customer.id) => gw(t, 'GET', '/resources/v1/orders', { token: tk, headers: { 'x-active-tenant-id': tenantId } });

    // an MSP the customer let in acts for it: its requests count against the same plan
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, w.customer);
    const mspToken = await apiToken(t, msp.staff);

    const seen: string[] = [];
    for (const tk of [token, mspToken, token]) {
      const r = await call(tk);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(String(r.headers['ratelimit-policy'])).toContain('"plan_daily";q=3;w=86400');
      seen.push(/"plan_daily";r=(\d+)/.exec(String(r.headers.ratelimit))![1]);
    }
    expect(seen).toEqual(['2', '1', '0']);

    const untilMidnight = Math.ceil((Date.parse(clock.now().toISOString().slice(0, 10) + 'T00:00:00Z') + 86_400_000 - clock.nowMs()) / 1000);
    for (const tk of [token, mspToken]) {
      const refused = await call(tk);
      expect([refused.status, refused.body.code]).toEqual([429, 'quota_exceeded']);
      expect(Number(refused.headers['retry-after'])).toBe(untilMidnight);
      expect(refused.body.detail).toContain('allows 3 requests a day');
    }
    // the MSP's own partner-wide budget is not what refused it: its requests for another customer pass
    const elsewhere = await t.world.tenant();
    await link(t, msp, elsewhere);
    expect((await call(mspToken, elsewhere.id)).status).toBe(200);
    // another customer on the same plan has its own day
    const otherToken = await apiToken(t, other.customer.admin);
    expect((await call(otherToken, other.customer.id)).status).toBe(200);

    // the operator raises the plan's limit: the next request follows it
    const up = await w.operator.patch(`/api/v1/plans/${w.planId}`, { limits: { users: 25, api_requests_per_day: 10 } });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect((await call(token)).status).toBe(200);

    // and the next day starts again
    clock.advance(untilMidnight * 1000);
    const fresh = await call(token);
    expect(fresh.status).toBe(200);
    expect(/"plan_daily";r=(\d+)/.exec(String(fresh.headers.ratelimit))![1]).toBe('9');
  });

  it('counts nothing for a customer without a plan, or once its subscription is cancelled', async () => {
    const w = await planWorld(t, { limits: { users: 25, api_requests_per_day: 1 } });
    await verifiedCompany(w);
    const token = await apiToken(t, w.customer.admin);
    const call = () => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': w.customer.id } });
    const before = await call();
    expect(before.status).toBe(200);
    expect(String(before.headers['ratelimit-policy'])).not.toContain('plan_daily');
    const subId = await activeSubscription(w);
    expect((await call()).status).toBe(200);
    expect((await call()).body.code).toBe('quota_exceeded');
    const c = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions/${subId}/cancel`, {});
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect((await call()).status).toBe(200);
  });

  it("caps the people who may join at the plan's users limit, counting open invitations; nothing is written when refused", async () => {
    const w = await planWorld(t, { limits: { users: 2, api_requests_per_day: 1000 } });
    await verifiedCompany(w);
    await activeSubscription(w);
    const invite = (email: string) => w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/members`, { email, role: 'TENANT_USER' });
    // one member (the admin) and one invitation make two
    const first = await invite(`first-${Date.now()}@example.test`);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const invitations = async () => (await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/invitations`)).body.data.length as number;
    expect(await invitations()).toBe(1);
    const refused = await invite(`second-${Date.now()}@example.test`);
    expect([refused.status, refused.body.code]).toEqual([409, 'plan_member_limit_reached']);
    expect(refused.body.detail).toContain('allows 2 people');
    expect(await invitations()).toBe(1);

    // withdrawing the open invitation makes room again
    const del = await w.customerAdmin.delete(`/api/v1/tenants/${w.customer.id}/invitations/${first.body.invitation.id}`);
    expect(del.status).toBe(204);
    expect((await invite(`third-${Date.now()}@example.test`)).status).toBe(201);

    // a larger plan limit lets more in
    await w.operator.patch(`/api/v1/plans/${w.planId}`, { limits: { users: 5, api_requests_per_day: 1000 } });
    expect((await invite(`fourth-${Date.now()}@example.test`)).status).toBe(201);
  });

  it('refuses joining through an invitation sent before the limit was lowered', async () => {
    const w = await planWorld(t, { limits: { users: 3, api_requests_per_day: 1000 } });
    await verifiedCompany(w);
    await activeSubscription(w);
    const a = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/members`, { email: `late-${Date.now()}@example.test`, role: 'TENANT_USER' });
    expect(a.status).toBe(201);
    await w.operator.patch(`/api/v1/plans/${w.planId}`, { limits: { users: 1, api_requests_per_day: 1000 } });
    const url = new URL(a.body.invitation.url as string, 'http://localhost');
    const token = url.searchParams.get('token') ?? url.pathname.split('/').pop()!;
    const accept = await t.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, name: 'Late Person', password: 'correct horse battery staple' } });
    expect(accept.statusCode, accept.body).toBe(409);
    expect(JSON.parse(accept.body).code).toBe('plan_member_limit_reached');
    const members = await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/members`);
    expect(members.body.data).toHaveLength(1);
  });
});
