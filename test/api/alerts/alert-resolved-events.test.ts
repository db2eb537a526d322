/**
 * `alert.resolved` is delivered like every other catalog event: an alert that resolves itself
 * (its condition cleared at the next evaluation) and one a person resolves in the inbox are each
 * posted once to the endpoints subscribed to it, under the alert's own id, audited, and shown in
 * the bell of the people who were told of the alert.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

type Posted = { type: string; data: { alert: { id: string; kind: string; title: string; detail: string | null }; tenant: { id: string } } };
const hooks: { path: string; body: Posted }[] = [];
let receiver: Server;
let hookBase: string;
const clock = new ManualClock(Date.now());
let t: TestApp;
let p: TestPartner;
let owner: Client;
let tenant: TestTenant;
let invoiceId: string;

const DAY = 86_400_000;
const lastMonth = () => {
  const n = clock.now();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};

async function evaluateAndDeliver() {
  await asSystem(() => t.services.alerts.evaluate(systemContext('test-alerts')));
  await t.services.notifications.worker.tick();
  await t.services.notifications.worker.deliverDue();
}
const posted = (type: string) => hooks.filter((h) => h.path === `/${p.id}` && h.body.type === type && h.body.data.tenant.id === tenant.id).map((h) => h.body);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '/', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Posted });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await startTestApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  t.services.alertScheduler.stop();

  p = await t.world.partner({ capabilities: ['managed_services'] });
  owner = await loginAs(t, p.owner);
  const hook = await owner.post(`/api/v1/partners/${p.id}/webhooks`, { url: `${hookBase}/${p.id}`, description: 'NOC', event_types: ['alert.raised', 'alert.resolved'] });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);

  // a customer with one invoice 15 days overdue and a month below its SLA
  tenant = await t.world.tenant();
  const now = clock.now();
  const day = (d: number) => new Date(now.getTime() + d * DAY).toISOString();
  invoiceId = newId('ivc');
  const db = t.services.db.kysely;
  await db
    .insertInto('invoices')
    .values({ id: invoiceId, tenant_id: tenant.id, ban_id: tenant.bans[0].id, number: `OVD-${invoiceId.slice(-6)}`, period: lastMonth(), issued_at: day(-45), due_at: day(-15), currency: 'USD', subtotal_cents: 120_000, tax_cents: 0, total_cents: 120_000, balance_cents: 120_000, status: 'overdue', paid_at: null, created_at: day(-45) })
    .execute();
  await db.insertInto('sla_records').values({ id: newId('sla'), tenant_id: tenant.id, ban_id: tenant.bans[0].id, service_id: null, period: lastMonth(), target_pct: 99.9, achieved_pct: 97.5, downtime_minutes: 1080, incidents: 2, status: 'breached', recorded_at: now.toISOString() }).execute();
  const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: true, receivables_threshold: false, invoice_overdue: true, recipients: [], channels: ['in_app'] } }, { userId: p.owner.id, side: 'partner' });
  await t.services.feed.drain();
  await evaluateAndDeliver();
});
afterAll(async () => {
  await t?.close();
  receiver.closeAllConnections();
  receiver.close();
});

describe('alert.resolved', () => {
  it('is posted once when an alert resolves itself, with the alert’s id, and audited', async () => {
    const raised = posted('alert.raised');
    expect(raised.map((r) => r.data.alert.kind).sort()).toEqual(['invoice_overdue', 'sla_breach']);
    const overdue = raised.find((r) => r.data.alert.kind === 'invoice_overdue')!;

    // the invoice is paid: the next evaluation resolves its alert
    await t.services.db.kysely.updateTable('invoices').set({ status: 'paid', balance_cents: 0, paid_at: clock.now().toISOString() }).where('id', '=', invoiceId).execute();
    clock.advance(60_000);
    await evaluateAndDeliver();
    const resolved = posted('alert.resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0].data.alert).toMatchObject({ id: overdue.data.alert.id, kind: 'invoice_overdue', title: overdue.data.alert.title });
    const inbox = await owner.get(`/api/v1/partner/alerts?tenant_id=${tenant.id}&status=resolved`);
    expect(inbox.body.data.map((a: { id: string }) => a.id)).toEqual([overdue.data.alert.id]);
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', overdue.data.alert.id).where('action', '=', 'alert.resolved').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(String(audit[0].details))).toMatchObject({ kind: 'invoice_overdue', resolution: 'auto' });

    // later evaluations tell of it no more
    clock.advance(60_000);
    await evaluateAndDeliver();
    expect(posted('alert.resolved')).toHaveLength(1);
  });

  it('is posted once when a person resolves an alert in the inbox, and the bell says so', async () => {
    const sla = posted('alert.raised').find((r) => r.data.alert.kind === 'sla_breach')!;
    const r = await owner.post(`/api/v1/partner/alerts/${sla.data.alert.id}/resolve`, { note: 'The provider credited the month.' });
    expect(r.status).toBe(200);
    await t.services.notifications.worker.tick();
    await t.services.notifications.worker.deliverDue();
    const resolved = posted('alert.resolved').filter((x) => x.data.alert.id === sla.data.alert.id);
    expect(resolved).toHaveLength(1);
    expect(resolved[0].data.alert.detail).toContain('97.5');
    const bell = (await owner.get('/api/v1/me/notifications?limit=100')).body.data as { type: string; title: string }[];
    expect(bell.filter((n) => n.type === 'alert.resolved' && n.title.includes('availability below the SLA'))).toHaveLength(1);
  });
});
