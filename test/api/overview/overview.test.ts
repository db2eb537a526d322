/**
 * The operator's overview: every figure matches the world the test made (partners by capability,
 * tenants, active access by origin, people; arrivals and access granted per week; what waits;
 * delivery health), an answered application leaves the count and the bell tells operators of a
 * new one; nobody but the operator reads it. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

const DAY = 86_400_000;
const NOW = Date.now();

interface Overview {
  totals: {
    partners_active: { total: number; by_capability: Record<string, number> };
    tenants: { total: number; active: number; suspended: number; closed: number };
    delegations_active: { total: number; by_origin: Record<string, number> };
    people: { active: number; invited: number; disabled: number };
  };
  trends: { weeks: { week_start: string; new_partners: number; new_tenants: number; access_granted: number }[] };
  waiting: {
    partner_applications: { count: number; oldest: { id: string; name: string; applied_at: string }[] };
    access_requests: { count: number; waiting_days: number; older: number };
    agreements_to_approve: number;
    earnings_to_approve: unknown[];
    mail_failed: number;
  };
  health: { webhooks: { owner_type: string; disabled: number; failing: number }[]; change_feed_lag: number | null; audit_backlog: { pending: number; spool_broken: boolean } };
}

let t: TestApp;
const clock = new ManualClock(NOW - 20 * DAY);
let operator: Client;
let early: TestTenant;
let tenants: TestTenant[];
let msp: TestPartner;
let applicant: TestPartner;
let users = 0;

/** The week (by its Monday) an instant falls in, worked out here without the server's code. */
function mondayOf(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  // twenty days ago: one tenant and one MSP partner arrive
  early = await t.world.tenant();
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  // ten days ago: the MSP asks the early tenant for access (still waiting)
  clock.set(NOW - 10 * DAY);
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: early.id, origin: 'link', role: 'MSP_FULL', banIds: null, startsAt: null, endsAt: new Date(NOW + 90 * DAY).toISOString(), status: 'requested' });
  // now: two tenants, a partner with two capabilities, an application, a suspended partner, one active link, one fresh request
  clock.set(NOW);
  tenants = [await t.world.tenant(), await t.world.tenant()];
  await t.world.partner({ capabilities: ['delegated', 'referral'] });
  applicant = await t.world.partner({ status: 'applied' });
  await t.world.partner({ capabilities: ['wholesale'], status: 'suspended' });
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: tenants[0].id, origin: 'link', role: 'MSP_FULL', banIds: null, startsAt: null, endsAt: new Date(NOW + 90 * DAY).toISOString(), status: 'active' });
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: tenants[1].id, origin: 'link', role: 'MSP_SUPPORT', banIds: null, startsAt: null, endsAt: new Date(NOW + 90 * DAY).toISOString(), status: 'requested' });
  operator = await (await t.world.operator()).login();
  // 3 tenants × (admin, user), 4 partners × (owner, staff), the operator
  users = 3 * 2 + 4 * 2 + 1;
  await t.services.feed.drain();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the operator overview', () => {
  it('counts what the world holds: active partners by capability, tenants, active access by origin, people', async () => {
    const r = await operator.get<Overview>('/api/v1/overview');
    expect(r.status).toBe(200);
    const o = r.body;
    // the suspended wholesaler and the applicant are not active partners
    expect(o.totals.partners_active).toEqual({ total: 2, by_capability: { delegated: 1, wholesale: 0, managed_services: 1, referral: 1 } });
    expect(o.totals.tenants).toEqual({ total: 3, active: 3, suspended: 0, closed: 0 });
    expect(o.totals.delegations_active).toEqual({ total: 1, by_origin: { link: 1, consent: 0, wholesale: 0 } });
    expect(o.totals.people).toEqual({ active: users, invited: 0, disabled: 0 });
  });

  it('trends: twelve weeks, each arrival and each grant in the week it happened', async () => {
    const o = (await operator.get<Overview>('/api/v1/overview')).body;
    expect(o.trends.weeks).toHaveLength(12);
    expect(o.trends.weeks[11].week_start).toBe(mondayOf(NOW));
    const week = (ms: number) => o.trends.weeks.find((w) => w.week_start === mondayOf(ms))!;
    const sum = (k: 'new_partners' | 'new_tenants' | 'access_granted') => o.trends.weeks.reduce((a, w) => a + w[k], 0);
    expect(sum('new_partners')).toBe(4);
    expect(sum('new_tenants')).toBe(3);
    // one grant (the active link; a request is not granted; approving a partner is not access)
    expect(sum('access_granted')).toBe(1);
    expect(week(NOW).access_granted).toBe(1);
    if (mondayOf(NOW - 20 * DAY) !== mondayOf(NOW)) {
      expect(week(NOW - 20 * DAY).new_partners).toBe(1);
      expect(week(NOW - 20 * DAY).new_tenants).toBe(1);
    }
    expect(week(NOW).new_partners).toBe(3);
    expect(week(NOW).new_tenants).toBe(2);
  });

  it('what waits: the application, access requests and those waiting longer than the days asked for', async () => {
    const o = (await operator.get<Overview>('/api/v1/overview')).body;
    expect(o.waiting.partner_applications.count).toBe(1);
    expect(o.waiting.partner_applications.oldest.map((a) => a.name)).toEqual([applicant.name]);
    expect(o.waiting.access_requests).toEqual({ count: 2, waiting_days: 7, older: 1 });
    expect((await operator.get<Overview>('/api/v1/overview?waiting_days=30')).body.waiting.access_requests).toEqual({ count: 2, waiting_days: 30, older: 0 });
    expect(o.waiting.agreements_to_approve).toBe(0);
    expect(o.waiting.earnings_to_approve).toEqual([]);
    expect(o.waiting.mail_failed).toBe(0);
    expect(o.health.webhooks).toEqual([]);
    expect(o.health.change_feed_lag).not.toBeNull();
    expect(o.health.audit_backlog).toEqual({ pending: 0, spool_broken: false });
  });

  it('a new application tells every operator in the bell; answered, it leaves the count', async () => {
    await t.services.notifications.worker.tick();
    const bell = await operator.get<{ data: { title: string; link: string | null }[] }>('/api/v1/me/notifications');
    expect(bell.status).toBe(200);
    const notice = bell.body.data.find((n) => n.title === `${applicant.name} applied to become a partner`);
    expect(notice?.link).toBe(`/operator/partners/${applicant.id}`);
    // the partners approved before their notice went out are no news: only the waiting application is told
    expect(bell.body.data.filter((n) => n.title.endsWith('applied to become a partner'))).toHaveLength(1);
    // partner people are not told of applications
    const owner = await msp.owner.login();
    const theirs = await owner.get<{ data: { title: string }[] }>('/api/v1/me/notifications');
    expect(theirs.body.data.some((n) => n.title.includes('applied to become a partner'))).toBe(false);

    const r = await operator.post(`/api/v1/partners/${applicant.id}/reject`, { reason: 'not a fit' });
    expect(r.status).toBe(200);
    const o = (await operator.get<Overview>('/api/v1/overview')).body;
    expect(o.waiting.partner_applications).toEqual({ count: 0, oldest: [] });
  });

  it('refuses everyone but the operator, and bad input in the problem envelope', async () => {
    expect((await t.client().get('/api/v1/overview')).status).toBe(401);
    for (const who of [early.admin, msp.owner, msp.staff]) {
      const c = await who.login();
      const r = await c.get<{ code: string }>('/api/v1/overview');
      expect(r.status).toBe(403);
    }
    const bad = await operator.get<{ code: string }>('/api/v1/overview?waiting_days=0');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });
});
