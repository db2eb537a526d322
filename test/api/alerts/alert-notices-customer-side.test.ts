/**
 * An alert as the customer's own people hear of it: when two partners' links cover the same customer,
 * each partner's alert reaches each of the customer's admins once, and its title names the partner it
 * came through — two notices that read alike would look like one alert sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

let mail: TestInbox;
const clock = new ManualClock(Date.now());
let t: TestApp;
let acme: TestTenant;
let northwind: TestPartner, fabrikam: TestPartner;

/** one invoice of the customer, 15 days overdue */
async function overdueInvoice(x: TestTenant, number: string) {
  const now = clock.now();
  const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  await t.services.db.kysely
    .insertInto('invoices')
    .values({ id: newId('ivc'), tenant_id: x.id, ban_id: x.bans[0].id, period: month, number, issued_at: day(-45), due_at: day(-15), currency: 'USD', subtotal_cents: 120_000, tax_cents: 0, total_cents: 120_000, balance_cents: 120_000, status: 'overdue', paid_at: null, created_at: day(-45) })
    .execute();
}

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ clock, config: { ...mail.config } });
  // this file evaluates alerts itself
  t.services.alertScheduler.stop();
  acme = await t.world.tenant();
  [northwind, fabrikam] = await Promise.all([t.world.partner({ capabilities: ['managed_services'] }), t.world.partner({ capabilities: ['managed_services'] })]);
  await overdueInvoice(acme, `OVD-${newId('n').slice(-8).toUpperCase()}`);
  for (const p of [northwind, fabrikam]) {
    const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: acme.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: false, receivables_threshold: false, invoice_overdue: true, recipients: [], channels: ['in_app', 'email'] } }, { userId: p.owner.id, side: 'partner' });
  }
  await t.services.feed.drain();
  for (let i = 0; i < 2; i++) {
    await asSystem(() => t.services.alerts.evaluate(systemContext('test-alerts')));
    await t.services.notifications.worker.tick();
  }
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
});

describe("an alert on a customer two partners look after, as the customer's admin hears of it", () => {
  it('one notice per partner’s alert, each naming its partner, and no title saying the customer twice', async () => {
    const admin = await loginAs(t, acme.admin);
    const bell = (await admin.get('/api/v1/me/notifications?limit=100')).body.data as { type?: string; title: string }[];
    const alerts = bell.filter((n) => /invoice overdue/i.test(n.title));
    expect(alerts).toHaveLength(2);
    expect(alerts.filter((n) => n.title.includes(northwind.name))).toHaveLength(1);
    expect(alerts.filter((n) => n.title.includes(fabrikam.name))).toHaveLength(1);
    for (const n of alerts) expect(n.title.split(acme.name).length - 1, n.title).toBeLessThanOrEqual(1);
  });

  it('each partner’s owner hears of its own alert once, titled without the customer said twice and without the other partner', async () => {
    for (const [p, other] of [[northwind, fabrikam], [fabrikam, northwind]] as const) {
      const owner = await loginAs(t, p.owner);
      const bell = (await owner.get('/api/v1/me/notifications?limit=100')).body.data as { title: string }[];
      const alerts = bell.filter((n) => /invoice overdue/i.test(n.title));
      expect(alerts).toHaveLength(1);
      expect(alerts[0].title.split(acme.name).length - 1, alerts[0].title).toBe(1);
      expect(alerts[0].title).not.toContain(other.name);
    }
  });

  it('the e-mails to the customer’s admin: one per partner’s alert, each naming its partner', async () => {
    const to = acme.admin.email.toLowerCase();
    const mails = mail.inbox.filter((m) => m.to.includes(to) && /invoice overdue/i.test(m.subject));
    expect(mails.map((m) => [northwind.name, fabrikam.name].filter((n) => m.subject.includes(n)).length).sort()).toEqual([1, 1]);
  });
});
