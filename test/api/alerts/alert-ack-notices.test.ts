/**
 * Acknowledging an alert means someone is on it: the notices that raised it stop being new for
 * everyone they were for — the partner's owner, its members and the customer's admins — so each
 * one's bell drops by them, while notices of the customer's other alerts stay unread until those are
 * handled too (resolving one by hand settles its notices the same way). Runs on SQLite and, with
 * DATABASE_URL, on PostgreSQL behind row-level security.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

const clock = new ManualClock(Date.now());
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock });
  // this file evaluates alerts itself
  t.services.alertScheduler.stop();
});
afterAll(() => t?.close());

interface Notice {
  id: string;
  type: string;
  title: string;
  read_at: string | null;
}

/** A customer with an overdue invoice and a breached SLA month: two alerts on its link, at least. */
async function troubledCustomer(x: TestTenant): Promise<void> {
  const db = t.services.db.kysely;
  const now = clock.now();
  const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
  const period = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  await db
    .insertInto('invoices')
    .values({ id: newId('ivc'), tenant_id: x.id, ban_id: x.bans[0].id, number: `OVD-${newId('n').slice(-8).toUpperCase()}`, period, issued_at: day(-45), due_at: day(-15), currency: 'USD', subtotal_cents: 250_000, tax_cents: 0, total_cents: 250_000, balance_cents: 250_000, status: 'overdue', paid_at: null, created_at: day(-45) })
    .execute();
  await db.insertInto('sla_records').values({ id: newId('sla'), tenant_id: x.id, ban_id: x.bans[0].id, service_id: null, period, target_pct: 99.9, achieved_pct: 98.5, downtime_minutes: 648, incidents: 2, status: 'breached', recorded_at: now.toISOString() }).execute();
}

async function alertNotices(c: Client, alertTitle?: string): Promise<Notice[]> {
  const r = await c.get('/api/v1/me/notifications?limit=100');
  expect(r.status).toBe(200);
  return (r.body.data as Notice[]).filter((n) => n.type === 'alert.raised' && (!alertTitle || n.title === alertTitle));
}

async function bell(c: Client): Promise<number> {
  const r = await c.get('/api/v1/me/notifications/counts');
  expect(r.status).toBe(200);
  return r.body.bell as number;
}

describe('acknowledging an alert settles its notices for everyone', () => {
  let p: TestPartner;
  let tenant: TestTenant;
  const people: Record<string, Client> = {};

  beforeAll(async () => {
    p = await t.world.partner({ capabilities: ['managed_services'] });
    tenant = await t.world.tenant();
    people.owner = await loginAs(t, p.owner);
    const member = await t.world.user({ label: 'noc' });
    await t.world.joinPartner(p.id, member.id, 'PARTNER_STAFF');
    expect((await people.owner.put(`/api/v1/partners/${p.id}/members/${member.id}/member-role`, { member_role: 'partner_msp_full' })).status).toBe(200);
    people.member = await loginAs(t, member);
    people.admin = await loginAs(t, tenant.admin);
    await troubledCustomer(tenant);
    const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: true, receivables_threshold: false, invoice_overdue: true, recipients: [], channels: ['in_app'] } }, { userId: p.owner.id, side: 'partner' });
    await t.services.feed.drain();
    await asSystem(() => t.services.alerts.evaluate(systemContext('test-alerts')));
    await t.services.notifications.worker.tick();
  });

  it('the acknowledged alert’s notices are read for the owner, the member and the customer’s admin; the others stay new; each bell drops', async () => {
    const inbox = await people.member.get(`/api/v1/partner/alerts?tenant_id=${tenant.id}`);
    expect(inbox.status).toBe(200);
    const alerts = inbox.body.data as { id: string; kind: string; title: string }[];
    expect(alerts.map((a) => a.kind).sort()).toEqual(['invoice_overdue', 'sla_breach']);
    const [first, second] = alerts;
    const before: Record<string, number> = {};
    for (const [who, c] of Object.entries(people)) {
      const mine = await alertNotices(c);
      expect(mine.length, `${who} was told of both alerts`).toBe(2);
      expect(mine.every((n) => n.read_at === null), `${who}: both new`).toBe(true);
      before[who] = await bell(c);
    }

    const ack = await people.member.post(`/api/v1/partner/alerts/${first.id}/acknowledge`, {});
    expect([ack.status, ack.body.status]).toEqual([200, 'acknowledged']);
    for (const [who, c] of Object.entries(people)) {
      const mine = await alertNotices(c);
      const unread = mine.filter((n) => n.read_at === null);
      expect(unread.length, `${who}: only the other alert's notice is still new`).toBe(1);
      expect(await bell(c), `${who}: the bell dropped by one`).toBe(before[who] - 1);
    }
    // the same notice, settled for the customer's admin too: the one left is the second alert's
    const adminLeft = (await alertNotices(people.admin)).filter((n) => n.read_at === null);
    expect(adminLeft).toHaveLength(1);

    // resolving the other by hand settles its notices the same way
    const resolved = await people.owner.post(`/api/v1/partner/alerts/${second.id}/resolve`, {});
    expect([resolved.status, resolved.body.status]).toEqual([200, 'resolved']);
    for (const [who, c] of Object.entries(people)) {
      expect((await alertNotices(c)).filter((n) => n.read_at === null), `${who}: nothing new left`).toEqual([]);
      expect(await bell(c), `${who}: the bell dropped by two`).toBe(before[who] - 2);
    }
  });

  it('an alert of another customer keeps its notices new', async () => {
    const other = await t.world.tenant();
    await troubledCustomer(other);
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: other.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.feed.drain();
    await asSystem(() => t.services.alerts.evaluate(systemContext('test-alerts')));
    await t.services.notifications.worker.tick();
    const otherAdmin = await loginAs(t, other.admin);
    const news = (await alertNotices(otherAdmin)).filter((n) => n.read_at === null);
    expect(news.length).toBeGreaterThan(0);
    // acknowledging every alert of the first customer again changes nothing for the second's
    const first = (await people.owner.get(`/api/v1/partner/alerts?tenant_id=${tenant.id}&status=acknowledged`)).body.data as { id: string }[];
    for (const a of first) expect((await people.owner.post(`/api/v1/partner/alerts/${a.id}/resolve`, {})).status).toBe(200);
    expect((await alertNotices(otherAdmin)).filter((n) => n.read_at === null)).toHaveLength(news.length);
  });
});
