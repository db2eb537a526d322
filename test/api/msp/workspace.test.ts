/**
 * The MSP workspace API: the common list features on the consolidated endpoints,
 * tickets on behalf of a customer as the customer sees them, the customer's own views and
 * audit log, per-link commitments and alerts (one alert per condition, pushed once by e-mail
 * through notify(), resolved when the condition clears), and invoice exports (CSV with a formula
 * name neutralised, a PDF statement read back with pdftotext, a 50,000-invoice job).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { AlertsService, createNotifier } from '../../../src/modules/alerts/index.ts';
import { Mailer } from '../../../src/platform/mail/mailer.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import { INVOICE_EXPORT_COLUMNS } from '../../../src/modules/resources/invoice-csv.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

const clock = new ManualClock(Date.now());

let t: TestApp;
let p: TestPartner;
let A: TestTenant;
let B: TestTenant;
let staff: Client;
const mails: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let smtpUrl: string;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

  t = await startTestApp({ clock });
  // this file evaluates alerts itself, with an e-mail channel to the test's SMTP server
  t.services.alertScheduler.stop();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B] = await Promise.all([t.world.tenant(), t.world.tenant()]);
  for (const x of [A, B]) {
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  }
  // PDF invoice export is a beta feature: this partner is in the beta
  await t.services.partners.updateConfigSection(t.world.ctx, p.id, 'features', { 'exports.pdf': true });
  await t.services.feed.drain();
  staff = await loginAs(t, p.staff);
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('common list features', () => {
  it('pages invoices with limit/offset and a total, the same rows as the cursor', async () => {
    const first = await staff.get('/api/v1/partner/billing/invoices?limit=5&offset=0');
    const second = await staff.get('/api/v1/partner/billing/invoices?limit=5&offset=5');
    const byCursor = await staff.get(`/api/v1/partner/billing/invoices?limit=5&cursor=${first.body.next_cursor}`);
    expect(first.status).toBe(200);
    const all = await t.services.db.kysely.selectFrom('invoices').select('id').where('tenant_id', 'in', [A.id, B.id]).execute();
    expect(first.body.total).toBe(all.length);
    expect([first.body.limit, second.body.offset]).toEqual([5, 5]);
    expect(second.body.data.map((i: { id: string }) => i.id)).toEqual(byCursor.body.data.map((i: { id: string }) => i.id));
    expect(first.body.data[0].tenant_name).toMatch(/^Tenant /);
  });

  it("names each invoice's billing account (BAN) and finds invoices by it", async () => {
    const bans = await t.services.tenants.listBillingAccounts(A.id);
    const r = await staff.get(`/api/v1/partner/billing/invoices?tenant_id=${A.id}&limit=200`);
    expect(r.status).toBe(200);
    for (const i of r.body.data) expect(i).toMatchObject({ ban_account_number: bans.find((b) => b.id === i.ban_id)!.account_number, ban_name: bans.find((b) => b.id === i.ban_id)!.name });
    const byBan = await staff.get(`/api/v1/partner/billing/invoices?q=${encodeURIComponent(bans[0].account_number)}&limit=200`);
    expect(byBan.body.total).toBe(r.body.data.filter((i: { ban_id: string }) => i.ban_id === bans[0].id).length);
    expect(byBan.body.data.every((i: { ban_account_number: string }) => i.ban_account_number === bans[0].account_number)).toBe(true);
    const sorted = await staff.get('/api/v1/partner/billing/invoices?sort=ban_account_number&limit=50');
    const numbers = sorted.body.data.map((i: { ban_account_number: string }) => i.ban_account_number);
    expect(numbers).toEqual([...numbers].sort());
    // the customer's own list names the account too
    const admin = await loginAs(t, A.admin);
    const own = await admin.get(`/api/v1/tenants/${A.id}/self/invoices?limit=5`);
    expect(own.body.data[0].ban_account_number).toBe(bans.find((b) => b.id === own.body.data[0].ban_id)!.account_number);
  });

  it('sorts by named fields, searches with q and bounds by ISO 8601 dates', async () => {
    const r = await staff.get('/api/v1/partner/billing/invoices?sort=-total_cents,number&limit=200');
    const totals = r.body.data.map((i: { total_cents: number }) => i.total_cents);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const one = r.body.data[3];
    const q = await staff.get(`/api/v1/partner/billing/invoices?q=${encodeURIComponent(one.number.toLowerCase())}`);
    expect(q.body.data.map((i: { id: string }) => i.id)).toEqual([one.id]);
    const day = one.issued_at.slice(0, 10);
    const ranged = await staff.get(`/api/v1/partner/billing/invoices?from=${day}&to=${day}&limit=200`);
    expect(ranged.body.data.length).toBeGreaterThan(0);
    expect(ranged.body.data.every((i: { issued_at: string }) => i.issued_at.startsWith(day))).toBe(true);
    const byName = await staff.get(`/api/v1/partner/support/tickets?q=${encodeURIComponent(A.name)}&sort=tenant_name`);
    expect(new Set(byName.body.data.map((x: { tenant_id: string }) => x.tenant_id))).toEqual(new Set([A.id]));
    const customers = await staff.get(`/api/v1/partner/customers?q=${encodeURIComponent(B.name)}&sort=-tenant_name&limit=1&offset=0`);
    expect([customers.status, customers.body.total, customers.body.data[0].tenant.id]).toEqual([200, 1, B.id]);
  });

  it('refuses each bad input with its code', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/partner/billing/invoices?sort=-password', 400, 'sort_field_unknown'],
      ['/api/v1/partner/support/tickets?sort=subject', 400, 'sort_field_unknown'],
      ['/api/v1/partner/customers?sort=secret', 400, 'sort_field_unknown'],
      ['/api/v1/partner/billing/invoices?from=2026-03-01&to=2026-01-01', 400, 'date_range_invalid'],
      ['/api/v1/partner/billing/invoices?from=2026-02-30', 400, 'validation_failed'],
      ['/api/v1/partner/billing/invoices?from=yesterday', 400, 'validation_failed'],
      ['/api/v1/partner/billing/invoices?cursor=ivc_x&offset=10', 400, 'pagination_conflict'],
      ['/api/v1/partner/billing/invoices?cursor=ivc_x&sort=number', 400, 'pagination_conflict'],
      ['/api/v1/partner/reports/sla?sort=-nope', 400, 'sort_field_unknown'],
      ['/api/v1/partner/billing/summary?limit=0', 400, 'validation_failed'],
      ['/api/v1/partner/alerts?sort=dedup_key', 400, 'sort_field_unknown'],
      ['/api/v1/partner/billing/invoices?period_from=2026-13', 400, 'validation_failed'],
    ];
    for (const [url, status, code] of cases) {
      const r = await staff.get(url);
      expect([url, r.status, r.body.code]).toEqual([url, status, code]);
    }
  });

  it('pages and sorts the aggregate views (summary, SLA, usage)', async () => {
    const s = await staff.get('/api/v1/partner/billing/summary?sort=-outstanding_cents&limit=1');
    expect([s.status, s.body.total, s.body.tenants.length]).toEqual([200, 2, 1]);
    const sla = await staff.get('/api/v1/partner/reports/sla?sort=compliance_pct');
    expect(sla.body.data.map((x: { compliance_pct: number }) => x.compliance_pct)).toEqual([...sla.body.data.map((x: { compliance_pct: number }) => x.compliance_pct)].sort((a, b) => a - b));
    const dash = await staff.get('/api/v1/partner/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.body.tiles.customers).toBe(2);
    const figures = await staff.get('/api/v1/partner/customers/figures');
    expect(figures.status).toBe(200);
    expect(figures.body.data.map((c: { tenant_name: string }) => c.tenant_name).sort()).toEqual([A.name, B.name].sort());
    expect(figures.body.total).toBe(2);
    expect(dash.body.revenue_by_month.length).toBeGreaterThan(0);
  });
});

describe('rate limits on every consolidated endpoint', () => {
  it('answers 429 with Retry-After on /partner/customers and /partner/context too', async () => {
    const small = await startTestApp({ config: { RATE_LIMITS: JSON.stringify({ read: 2, write: 2, export: 2, default: 2 }) } });
    try {
      const q = await small.world.partner({ capabilities: ['managed_services'] });
      const c = await loginAs(small, q.staff);
      for (const url of ['/api/v1/partner/customers', '/api/v1/partner/customers']) expect((await c.get(url)).status).toBe(200);
      const limited = await c.get('/api/v1/partner/customers');
      expect([limited.status, limited.body.code]).toEqual([429, 'rate_limited']);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const ctx = await c.get('/api/v1/partner/context');
      expect(ctx.status).toBe(429);
      const dash = await (await loginAs(small, q.owner)).get('/api/v1/partner/dashboard');
      expect(dash.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('tickets on behalf of a customer', () => {
  it('opens, comments, assigns; the customer sees the partner and the person by name', async () => {
    const opened = await staff.post('/api/v1/partner/support/tickets', { tenant_id: A.id, subject: 'Fiber cut at HQ', description: 'Our NOC sees loss of light.', priority: 'urgent' });
    expect(opened.status).toBe(201);
    expect(opened.body.opened_by_person).toMatchObject({ user_id: p.staff.id, email: p.staff.email, partner_id: p.id, partner_name: p.name });
    const commented = await staff.post(`/api/v1/partner/support/tickets/${opened.body.id}/comments`, { text: 'Technician dispatched.' });
    expect(commented.status).toBe(201);
    expect(commented.body.comments.at(-1)).toMatchObject({ text: 'Technician dispatched.', by_partner_name: p.name });
    const assignable = await staff.get('/api/v1/partner/members/assignable');
    expect(assignable.body.data.map((m: { user_id: string }) => m.user_id)).toContain(p.owner.id);
    const assigned = await staff.post(`/api/v1/partner/support/tickets/${opened.body.id}/assign`, { assignee_user_id: p.owner.id });
    expect([assigned.status, assigned.body.assignee_person?.email]).toEqual([200, p.owner.email]);
    const notMember = await staff.post(`/api/v1/partner/support/tickets/${opened.body.id}/assign`, { assignee_user_id: A.admin.id });
    expect([notMember.status, notMember.body.code]).toEqual([400, 'assignee_not_member']);
    const status = await staff.patch(`/api/v1/partner/support/tickets/${opened.body.id}`, { status: 'in_progress' });
    expect(status.body.status).toBe('in_progress');

    // the customer's own view
    const user = await loginAs(t, A.user);
    const mine = await user.get(`/api/v1/tenants/${A.id}/self/tickets?q=fiber%20cut`);
    expect(mine.status).toBe(200);
    expect(mine.body.data[0]).toMatchObject({ id: opened.body.id, status: 'in_progress', opened_by_person: { name: expect.any(String), email: p.staff.email, partner_name: p.name }, assignee_person: { email: p.owner.email } });
    // another tenant's ticket is not there, and another tenant's member cannot read A's
    const otherTenant = await (await loginAs(t, B.user)).get(`/api/v1/tenants/${A.id}/self/tickets`);
    expect(otherTenant.status).toBe(404);

    // the tenant admin filters its audit log by the partner and sees the person named
    await t.services.gateway.auditBuffer.flush();
    const admin = await loginAs(t, A.admin);
    const log = await admin.get(`/api/v1/tenants/${A.id}/audit-events?partner_id=${p.id}&action=ticket.*`);
    expect(log.status).toBe(200);
    expect(log.body.data.length).toBeGreaterThanOrEqual(3);
    expect(log.body.data[0]).toMatchObject({ partner_name: p.name, actor_email: p.staff.email });
    const none = await admin.get(`/api/v1/tenants/${A.id}/audit-events?partner_id=ptr_00000000000000000000000000`);
    expect(none.body.data).toEqual([]);
  });

  it('shows the customer its orders, services, invoices, usage and SLA, per role', async () => {
    const user = await loginAs(t, A.user);
    for (const kind of ['orders', 'services', 'invoices', 'usage', 'sla']) {
      const r = await user.get(`/api/v1/tenants/${A.id}/self/${kind}?limit=3`);
      expect([kind, r.status]).toEqual([kind, 200]);
      expect(r.body.total).toBeGreaterThan(0);
      expect(r.body.data.every((x: { tenant_id: string }) => x.tenant_id === A.id)).toBe(true);
    }
    const orders = await user.get(`/api/v1/tenants/${A.id}/self/orders?limit=200`);
    expect(orders.body.data.some((o: { placed_by_person: unknown }) => o.placed_by_person !== null)).toBe(true);
    const summary = await user.get(`/api/v1/tenants/${A.id}/self/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body.partners).toEqual([expect.objectContaining({ partner_id: p.id, partner_name: p.name, role: 'MSP_FULL' })]);
  });
});

describe('commitments and alerts', () => {
  it('stores per-link commitments both sides see; changes are audited', async () => {
    const put = await staff.put(`/api/v1/partner/customers/${A.id}/commitments`, {
      sla: { availability_pct: 99.99, response_minutes: { low: 600, normal: 240, high: 60, urgent: 15 }, resolution_minutes: { low: 5000, normal: 2000, high: 400, urgent: 120 } },
      alerts: { sla_breach: true, receivables_threshold: true, invoice_overdue: false, recipients: ['noc@fabrikam.example'], channels: ['in_app', 'email'] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ tenant_id: A.id, partner_name: p.name, sla: { availability_pct: 99.99 }, updated_by: { email: p.staff.email } });
    const admin = await loginAs(t, A.admin);
    const seen = await admin.get(`/api/v1/tenants/${A.id}/commitments`);
    expect(seen.body.data[0].sla.availability_pct).toBe(99.99);
    // who may change them, as the portal offers the form: the partner's full-access member and the tenant's admin
    expect((await staff.get(`/api/v1/partner/customers/${A.id}/commitments`)).body.can_edit).toBe(true);
    expect(seen.body.data[0].can_edit).toBe(true);
    const user = await loginAs(t, A.user);
    // (a tenant user does not see partner access at all: neither the links nor their terms)
    expect((await user.get(`/api/v1/tenants/${A.id}/commitments`)).status).toBe(403);
    const bad = await staff.put(`/api/v1/partner/customers/${A.id}/commitments`, { alerts: { sla_breach: true, receivables_threshold: true, invoice_overdue: true, recipients: ['not-an-email'], channels: ['in_app'] } });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    const pct = await staff.put(`/api/v1/partner/customers/${A.id}/commitments`, { sla: { availability_pct: 120, response_minutes: { low: 1, normal: 1, high: 1, urgent: 1 }, resolution_minutes: { low: 1, normal: 1, high: 1, urgent: 1 } } });
    expect(pct.status).toBe(400);
    const foreign = await staff.put(`/api/v1/partner/customers/tnt_00000000000000000000000000/commitments`, { billing_threshold: { amount_cents: 1, currency: 'USD' } });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'delegation_not_found']);
    await t.services.gateway.auditBuffer.flush();
    const log = await admin.get(`/api/v1/tenants/${A.id}/audit-events?action=link.commitments_changed`);
    expect(log.body.data.length).toBe(1);
    expect(log.body.data[0]).toMatchObject({ partner_name: p.name, details: { side: 'partner', changed: ['sla', 'alerts'] } });
  });

  it('opens one alert per breach (not one per evaluation), pushes it once, resolves it when the commitment no longer is breached', async () => {
    const mailer = new Mailer({ smtpUrl, from: 'alerts@partnergate.test', outboxDir: mkdtempSync(path.join(tmpdir(), 'pg-alerts-')) });
    const alerts = new AlertsService({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, authz: t.services.authz, notifier: createNotifier({ mailer }) });
    // a breach against A's 99.99 % commitment, this month
    const period = t.services.clock.now().toISOString().slice(0, 7);
    const ban = A.bans[0].id;
    await t.services.db.kysely.insertInto('sla_records').values({ id: newId('sla'), tenant_id: A.id, ban_id: ban, service_id: null, period, target_pct: 99.9, achieved_pct: 99.95, downtime_minutes: 21, incidents: 1, status: 'met', recorded_at: new Date().toISOString() }).execute();
    const ctx = systemContext('test-alerts');
    const first = await asSystem(() => alerts.evaluate(ctx));
    const again = await asSystem(() => Promise.all([alerts.evaluate(ctx), alerts.evaluate(ctx)]));
    expect(first.opened).toBeGreaterThan(0);
    expect(again.map((x) => x.opened)).toEqual([0, 0]);
    // the demo's history opens many breaches in the same evaluation: read every page, not only the first
    const everyAlert = async (query: string) => {
      const all: { id: string; message: string; status: string }[] = [];
      for (let offset = 0; ; offset += 200) {
        const page = await staff.get(`/api/v1/partner/alerts?${query}&limit=200&offset=${offset}`);
        all.push(...page.body.data);
        if (offset + 200 >= page.body.total) return all;
      }
    };
    const mine = (await everyAlert(`tenant_id=${A.id}&kind=sla_breach`)).filter((a) => a.message.includes('99.95%'));
    expect(mine.length).toBe(1);
    expect(mine[0]).toMatchObject({ status: 'open', tenant_name: A.name, severity: 'warning' });
    const all = await staff.get('/api/v1/partner/alerts?limit=1');
    expect(all.body.counts).toEqual({ open: all.body.total, acknowledged: 0 });
    const pushed = mails.filter((m) => m.raw.includes('99.95%'));
    expect(pushed.length).toBe(1);
    expect(pushed[0].to).toEqual(['noc@fabrikam.example']);

    const ack = await staff.post(`/api/v1/partner/alerts/${mine[0].id}/acknowledge`, {});
    expect([ack.status, ack.body.status, ack.body.acknowledged_by.email]).toEqual([200, 'acknowledged', p.staff.email]);
    // the tenant sees it too (read-only); the demo's history may fill the first page with open breaches
    const tenantView = await (await loginAs(t, A.admin)).get(`/api/v1/tenants/${A.id}/alerts?kind=sla_breach&status=acknowledged&limit=200`);
    expect(tenantView.body.data.some((a: { id: string }) => a.id === mine[0].id)).toBe(true);

    // the commitment is lowered below what was achieved: the condition cleared
    await staff.put(`/api/v1/partner/customers/${A.id}/commitments`, { sla: { availability_pct: 90, response_minutes: { low: 600, normal: 240, high: 60, urgent: 15 }, resolution_minutes: { low: 5000, normal: 2000, high: 400, urgent: 120 } } });
    const after = await asSystem(() => alerts.evaluate(ctx));
    expect(after.resolved).toBeGreaterThan(0);
    const resolved = await everyAlert(`status=resolved&tenant_id=${A.id}&kind=sla_breach`);
    expect(resolved.find((a) => a.id === mine[0].id)).toMatchObject({ status: 'resolved', resolution: 'auto' });
    const twice = await staff.post(`/api/v1/partner/alerts/${mine[0].id}/resolve`, {});
    expect([twice.status, twice.body.code]).toEqual([409, 'alert_already_resolved']);
    const unknown = await staff.post(`/api/v1/partner/alerts/alr_00000000000000000000000000/resolve`, {});
    expect([unknown.status, unknown.body.code]).toEqual([404, 'alert_not_found']);
    expect(mails.filter((m) => m.raw.includes('99.95%')).length).toBe(1);
    mailer.close();
  });
});

describe('invoice exports', () => {
  it('exports CSV with a formula-injection customer name neutralised', async () => {
    const evil = await t.world.tenant();
    await t.services.db.kysely.updateTable('tenants').set({ name: '=HYPERLINK("http://evil.example","Click")' }).where('id', '=', evil.id).execute();
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: evil.id, userIds: [evil.user.id] });
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: evil.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.feed.drain();
    const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: evil.id });
    expect(r.status).toBe(200);
    const lines = String(r.body).trim().split('\r\n');
    const n = await t.services.db.kysely.selectFrom('invoices').select('id').where('tenant_id', '=', evil.id).execute();
    expect(lines.length - 1).toBe(n.length);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""Click"")"`);
    expect(lines.some((l) => /(^|,)=/.test(l))).toBe(false);
    // the billing account by number and name, and money as decimal amounts (headed in words, no cents)
    const cols = lines[0].split(',');
    expect(cols).toEqual([...INVOICE_EXPORT_COLUMNS]);
    const bans = await t.services.tenants.listBillingAccounts(evil.id);
    const inv = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', evil.id).execute();
    const row = lines.slice(1).find((l) => l.includes(inv[0].number))!.split(',');
    const at = (c: string) => row[row.length - cols.length + cols.indexOf(c)];
    expect(at('Billing account')).toBe(bans.find((b) => b.id === inv[0].ban_id)!.account_number);
    expect(at('Total')).toBe((inv[0].total_cents / 100).toFixed(2));
    expect(cols).not.toContain('total_cents');
  });

  it('exports a PDF statement: customers, their invoices and totals, readable as text', async () => {
    const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'pdf' });
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toBe('application/pdf');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pg-pdf-')), 's.pdf');
    writeFileSync(file, r.raw.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
    expect(text).toContain('Invoice statement');
    expect(text).toContain(A.name);
    expect(text).toContain(B.name);
    // customers in the order of their names (A and B are made at once: either may sort first)
    const [first, second] = [A, B].sort((x, y) => x.name.localeCompare(y.name));
    expect(text.indexOf(first.name)).toBeLessThan(text.indexOf(second.name));
    const inv = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', A.id).orderBy('id', 'desc').execute();
    expect(text).toContain(inv[0].number);
    const total = inv.filter((i) => i.status !== 'void').reduce((s, i) => s + i.total_cents, 0);
    expect(text).toContain((total / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }));
    expect(text).toContain('Grand total');
    expect(text).toMatch(/Page 2/);
  });

  it('the PDF statement is in the requesting person’s language: French from the browser, German once chosen, with their money, dates and file name', async () => {
    const read = async (headers: Record<string, string>) => {
      const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'pdf', tenant_id: A.id }, headers);
      expect(r.status).toBe(200);
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'pg-pdf-')), 's.pdf');
      writeFileSync(file, r.raw.rawPayload);
      // pdftotext gives a (narrow) no-break space as a plain one
      return { disposition: String(r.headers['content-disposition']), language: r.headers['content-language'], text: execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8').replace(/\s+/g, ' ') };
    };
    const inv = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', A.id).orderBy('id', 'desc').execute();
    const total = inv.filter((i) => i.status !== 'void').reduce((s, i) => s + i.total_cents, 0);
    const money = (locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: inv[0].currency }).format(total / 100).replace(/\s/g, ' ');
    const due = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone: 'UTC' }).format(new Date(inv[0].due_at));
    const fr = await read({ 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(fr.language).toBe('fr');
    expect(fr.disposition).toMatch(/filename="?[a-z0-9-]*-factures-\d{4}-\d{2}-\d{2}\.pdf/);
    for (const words of [`Relevé de factures — ${A.name}`, 'Échéance', 'Solde', 'Total général', 'Tous les clients', money('fr'), due('fr'), inv[0].number]) expect(fr.text).toContain(words);
    expect(fr.text).not.toContain('Grand total');
    await t.services.db.kysely.updateTable('users').set({ locale: 'de' }).where('id', '=', p.staff.id).execute();
    try {
      const de = await read({ 'accept-language': 'fr' });
      expect(de.language).toBe('de');
      expect(de.disposition).toMatch(/-rechnungen-\d{4}-\d{2}-\d{2}\.pdf/);
      for (const words of [`Rechnungsübersicht — ${A.name}`, 'Fällig', 'Gesamtsumme', 'Seite 1', money('de'), due('de')]) expect(de.text).toContain(words);
    } finally {
      await t.services.db.kysely.updateTable('users').set({ locale: null }).where('id', '=', p.staff.id).execute();
    }
  });

  // 50,000 rows written and exported: the volume is the point, so it gets the time volume takes on a busy machine
  it('runs 50,000 invoices as a job: 202, progress, a download link that expires; every row exported', { timeout: 180_000 }, async () => {
    const big = await t.world.tenant({ bans: 1 });
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: big.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.feed.drain();
    const rows = [];
    for (let i = 0; i < 50_000; i++) {
      rows.push({ id: `ivc_${String(i).padStart(26, '0')}`, tenant_id: big.id, ban_id: big.bans[0].id, number: `BIG-${i}`, period: '2026-01', issued_at: '2026-01-05T00:00:00.000Z', due_at: '2026-02-04T00:00:00.000Z', currency: 'USD', subtotal_cents: 1000, tax_cents: 100, total_cents: 1100, balance_cents: 0, status: 'paid' as const, paid_at: '2026-01-20T00:00:00.000Z', created_at: '2026-01-05T00:00:00.000Z' });
      if (rows.length === 1000) await t.services.db.kysely.insertInto('invoices').values(rows.splice(0)).execute();
    }
    const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: big.id });
    expect(r.status).toBe(202);
    expect(r.body.job).toMatchObject({ status: 'queued', total_rows: 50_000, rows_done: 0, progress_pct: 0, download_url: null });
    await t.services.invoiceExports.settle();
    const job = await staff.get(`/api/v1/partner/exports/${r.body.job.id}`);
    expect(job.body).toMatchObject({ status: 'done', total_rows: 50_000, rows_done: 50_000, progress_pct: 100 });
    const other = await (await loginAs(t, p.owner)).get(`/api/v1/partner/exports/${r.body.job.id}`);
    expect(other.status).toBe(404);
    const file = await staff.get(job.body.download_url);
    expect(file.status).toBe(200);
    const lines = String(file.body).trim().split('\r\n');
    expect(lines.length).toBe(50_001);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(50_000);
    const wrong = await staff.get(`/api/v1/partner/exports/${r.body.job.id}/download?token=${'x'.repeat(32)}`);
    expect([wrong.status, wrong.body.code]).toEqual([403, 'export_link_invalid']);
    const list = await staff.get('/api/v1/partner/exports');
    expect(list.body.data[0].id).toBe(r.body.job.id);
    // an hour later the link has expired
    clock.advance(61 * 60_000);
    const again = await loginAs(t, p.staff);
    const late = await again.get(job.body.download_url);
    expect([late.status, late.body.code]).toEqual([410, 'export_expired']);
    expect((await again.get(`/api/v1/partner/exports/${r.body.job.id}`)).body).toMatchObject({ status: 'expired', download_url: null });
  });
});
