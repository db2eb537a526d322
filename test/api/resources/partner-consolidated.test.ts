/**
 * The consolidated MSP API: every answer is limited to the tenants the caller's partner
 * holds an effective delegation for, to the billing accounts each covers, and to the
 * permissions each grants; every tenant sees the partner's reads in its own audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let partner: TestPartner;
let other: TestPartner;
let staff: Client;
/** A: MSP_FULL, all accounts · B: MSP_SUPPORT · C: MSP_BILLING on its first account only · D: no delegation · E: revoked · F: AUDITOR */
let A: TestTenant, B: TestTenant, C: TestTenant, D: TestTenant, E: TestTenant, F: TestTenant;
const ends = () => new Date(Date.now() + 90 * 86_400_000).toISOString();

async function link(p: TestPartner, tenant: TestTenant, role: string, banIds?: string[]) {
  return t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role, banIds: banIds ?? null, endsAt: ends(), status: 'active' });
}

async function invoicesOf(tenantId: string, banIds?: string[]) {
  let q = t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId);
  if (banIds) q = q.where('ban_id', 'in', banIds);
  return q.execute();
}

beforeAll(async () => {
  t = await startTestApp();
  partner = await t.world.partner({ capabilities: ['managed_services'] });
  other = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B, C, D, E, F] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => t.world.tenant()));
  for (const x of [A, B, C, D, E, F]) {
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
  }
  await link(partner, A, 'MSP_FULL');
  await link(partner, B, 'MSP_SUPPORT');
  await link(partner, C, 'MSP_BILLING', [C.bans[0].id]);
  const e = await link(partner, E, 'MSP_FULL');
  await t.services.delegations.revoke(t.world.ctx, e.id, { side: 'tenant', tenantId: E.id, reason: 'contract ended' });
  await link(partner, F, 'AUDITOR');
  await link(other, D, 'MSP_FULL');
  await t.services.feed.drain();
  staff = await loginAs(t, partner.staff);
});
afterAll(() => t.close());

const tenantsIn = (rows: { tenant_id: string }[]) => [...new Set(rows.map((r) => r.tenant_id))].sort();
const sorted = (...xs: TestTenant[]) => xs.map((x) => x.id).sort();

describe('billing', () => {
  it('summarises receivables of the tenants whose delegation grants billing, counting only covered accounts', async () => {
    const r = await staff.get('/api/v1/partner/billing/summary');
    expect(r.status).toBe(200);
    expect(tenantsIn(r.body.tenants)).toEqual(sorted(A, C, F));
    const c = r.body.tenants.find((x: { tenant_id: string }) => x.tenant_id === C.id);
    const cInvoices = await invoicesOf(C.id, [C.bans[0].id]);
    expect(c.invoiced_cents).toBe(cInvoices.reduce((s, i) => s + i.total_cents, 0));
    expect(c.outstanding_cents).toBe(cInvoices.filter((i) => i.status !== 'paid').reduce((s, i) => s + i.balance_cents, 0));
    expect(c.tenant_name).toBe(C.name);
    const usd = r.body.totals.find((x: { currency: string }) => x.currency === 'USD');
    expect(usd.tenants).toBe(3);
    expect(usd.invoiced_cents).toBe(r.body.tenants.reduce((s: number, x: { invoiced_cents: number }) => s + x.invoiced_cents, 0));
  });

  it('lists invoices across tenants, newest first, paginated, never beyond the covered accounts', async () => {
    const all: { id: string; tenant_id: string; ban_id: string; issued_at: string }[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: { data: typeof all; next_cursor: string | null } } = await staff.get(`/api/v1/partner/billing/invoices?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      all.push(...r.body.data);
      cursor = r.body.next_cursor;
    } while (cursor);
    const expected = (await invoicesOf(A.id)).length + (await invoicesOf(C.id, [C.bans[0].id])).length + (await invoicesOf(F.id)).length;
    expect(all.length).toBe(expected);
    expect(new Set(all.map((i) => i.id)).size).toBe(expected);
    expect(tenantsIn(all)).toEqual(sorted(A, C, F));
    expect(all.filter((i) => i.tenant_id === C.id).every((i) => i.ban_id === C.bans[0].id)).toBe(true);
  });

  it('filters by one tenant, and refuses a tenant it cannot see like a missing one', async () => {
    const r = await staff.get(`/api/v1/partner/billing/invoices?tenant_id=${C.id}&status=paid`);
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    expect(r.body.data.every((i: { tenant_id: string; status: string }) => i.tenant_id === C.id && i.status === 'paid')).toBe(true);
    for (const [tenant, status, code] of [
      [D, 404, 'delegation_not_found'],
      [E, 403, 'delegation_revoked'],
      [B, 403, 'permission_denied'],
    ] as const) {
      const x = await staff.get(`/api/v1/partner/billing/invoices?tenant_id=${tenant.id}`);
      expect([x.status, x.body.code]).toEqual([status, code]);
    }
  });

  it('exports the invoices as CSV (not the auditor’s: no export permission) and records the export in each tenant’s audit log', async () => {
    const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv' });
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/csv/);
    // named after the partner and the day, not an id
    expect(String(r.headers['content-disposition'])).toMatch(/attachment; filename="?[a-z0-9-]+-invoices-\d{4}-\d{2}-\d{2}\.csv/);
    expect(String(r.headers['content-disposition'])).not.toMatch(/ptr_/);
    const lines = String(r.body).trim().split('\r\n');
    // headed in words a spreadsheet reader knows; no internal ids, no cents next to the amounts
    expect(lines[0]).toBe('Customer,Invoice number,Billing account,Billing account name,Period,Issued on,Due on,Status,Currency,Subtotal,Tax,Total,Balance,Paid on');
    expect(String(r.body)).not.toMatch(/\b(tnt|inv|ban)_[0-9a-z]{6,}/);
    expect(lines.length - 1).toBe((await invoicesOf(A.id)).length + (await invoicesOf(C.id, [C.bans[0].id])).length);
    await t.services.gateway.auditBuffer.flush();
    const admin = await loginAs(t, C.admin);
    const log = await admin.get(`/api/v1/tenants/${C.id}/audit-events?action=billing.invoices_exported`);
    expect(log.status).toBe(200);
    expect(log.body.data[0].actor.user_id).toBe(partner.staff.id);
    expect(log.body.data[0].partner_id).toBe(partner.id);
  });
});

describe('support', () => {
  it('feeds the tickets of the tenants whose delegation grants support', async () => {
    const r = await staff.get('/api/v1/partner/support/tickets?limit=200');
    expect(r.status).toBe(200);
    expect(tenantsIn(r.body.data)).toEqual(sorted(A, B, F));
  });

  it('opens a ticket on behalf of a tenant, recorded as opened by the partner user through the delegation', async () => {
    const r = await staff.post('/api/v1/partner/support/tickets', { tenant_id: B.id, subject: 'Router flapping at HQ', description: 'Seen by our NOC since 09:00.', priority: 'high' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ tenant_id: B.id, status: 'open', priority: 'high', opened_by: { type: 'user', user_id: partner.staff.id, partner_id: partner.id } });
    expect(r.body.delegation_id).toMatch(/^dlg_/);
    const admin = await loginAs(t, B.admin);
    const log = await admin.get(`/api/v1/tenants/${B.id}/audit-events?action=ticket.opened`);
    expect(log.body.data.some((e: { target: { id: string } }) => e.target.id === r.body.id)).toBe(true);

    const u = await staff.patch(`/api/v1/partner/support/tickets/${r.body.id}`, { status: 'in_progress', comment: 'Engineer dispatched.' });
    expect(u.status).toBe(200);
    expect(u.body.status).toBe('in_progress');
    expect(u.body.comments[0]).toMatchObject({ by: partner.staff.id, text: 'Engineer dispatched.' });
    const closed = await staff.patch(`/api/v1/partner/support/tickets/${r.body.id}`, { status: 'closed' });
    expect(closed.status).toBe(200);
    const again = await staff.patch(`/api/v1/partner/support/tickets/${r.body.id}`, { status: 'open' });
    expect([again.status, again.body.code]).toEqual([409, 'invalid_ticket_transition']);
  });

  it.each([
    ['a tenant without delegation', () => D, 404, 'delegation_not_found'],
    ['a revoked delegation', () => E, 403, 'delegation_revoked'],
    ['a billing-only delegation', () => C, 403, 'permission_denied'],
    ['a read-only auditor delegation', () => F, 403, 'permission_denied'],
  ])('refuses to open a ticket through %s', async (_n, tenant, status, code) => {
    const r = await staff.post('/api/v1/partner/support/tickets', { tenant_id: tenant().id, subject: 's', description: 'd' });
    expect([r.status, r.body.code]).toEqual([status, code]);
  });

  it("answers an update of another partner's tenant's ticket like a missing ticket", async () => {
    const theirs = await t.services.db.kysely.selectFrom('support_tickets').select('id').where('tenant_id', '=', D.id).executeTakeFirstOrThrow();
    const r = await staff.patch(`/api/v1/partner/support/tickets/${theirs.id}`, { status: 'closed' });
    expect([r.status, r.body.code]).toEqual([404, 'ticket_not_found']);
  });
});

describe('reports and alerts', () => {
  it('aggregates usage over the tenants allowed to read usage, counting covered accounts only', async () => {
    const r = await staff.get('/api/v1/partner/reports/usage?metric=data_gb');
    expect(r.status).toBe(200);
    expect(tenantsIn(r.body.data)).toEqual(sorted(A, C, F));
    const cRows = await t.services.db.kysely.selectFrom('usage_records').selectAll().where('tenant_id', '=', C.id).where('ban_id', '=', C.bans[0].id).where('metric', '=', 'data_gb').execute();
    const cSum = r.body.data.filter((x: { tenant_id: string }) => x.tenant_id === C.id).reduce((s: number, x: { amount_cents: number }) => s + x.amount_cents, 0);
    expect(cSum).toBe(cRows.reduce((s, x) => s + x.amount_cents, 0));
  });

  it('reports SLA compliance per tenant', async () => {
    const r = await staff.get('/api/v1/partner/reports/sla');
    expect(r.status).toBe(200);
    expect(tenantsIn(r.body.data)).toEqual(sorted(A, B, F));
    for (const row of r.body.data) {
      expect(row.compliance_pct).toBeCloseTo(((row.records - row.breached) / row.records) * 100, 1);
    }
  });

  it('raises SLA breach alerts and billing alerts only for the tenants allowed to see them', async () => {
    const sla = await staff.get('/api/v1/partner/alerts/sla?period_from=2000-01');
    expect(sla.status).toBe(200);
    // a breach is a month below the availability the link commits to: here every link's default, 99.5 %
    const breached = await t.services.db.kysely.selectFrom('sla_records').select(['tenant_id']).where('achieved_pct', '<', 99.5).where('tenant_id', 'in', [A.id, B.id, F.id]).execute();
    // one page of them (the world's random records can hold more breaches than a page)
    expect(sla.body.total).toBe(breached.length);
    expect(sla.body.data.length).toBe(Math.min(breached.length, sla.body.limit));
    expect(sla.body.data.every((a: { kind: string }) => a.kind === 'sla_breach')).toBe(true);

    const billing = await staff.get('/api/v1/partner/alerts/billing?threshold_cents=0');
    expect(billing.status).toBe(200);
    expect(tenantsIn(billing.body.data)).toEqual(sorted(A, C, F));
    const kinds = new Set(billing.body.data.map((a: { kind: string }) => a.kind));
    expect(kinds.has('receivables_threshold')).toBe(true);
  });
});

describe('who may call', () => {
  it('refuses the unauthenticated and people outside any partner', async () => {
    const anon = await t.client().get('/api/v1/partner/billing/summary');
    expect([anon.status, anon.body.code]).toEqual([401, 'authentication_required']);
    const tenantAdmin = await loginAs(t, A.admin);
    const r = await tenantAdmin.get('/api/v1/partner/billing/summary');
    expect([r.status, r.body.code]).toEqual([403, 'not_partner_member']);
  });

  it('shows another partner only its own tenants', async () => {
    const theirStaff = await loginAs(t, other.staff);
    const r = await theirStaff.get('/api/v1/partner/support/tickets?limit=200');
    expect(r.status).toBe(200);
    expect(tenantsIn(r.body.data)).toEqual([D.id]);
  });

  it('puts every consolidated read in the audit log of each tenant it touched', async () => {
    await staff.get('/api/v1/partner/reports/sla');
    await t.services.gateway.auditBuffer.flush();
    const admin = await loginAs(t, B.admin);
    const log = await admin.get(`/api/v1/tenants/${B.id}/audit-events?action=partner.consolidated_read`);
    expect(log.status).toBe(200);
    expect(log.body.data.some((e: { target: { id: string }; partner_id: string }) => e.target.id === 'GET /api/v1/partner/reports/sla' && e.partner_id === partner.id)).toBe(true);
    const dAdmin = await loginAs(t, D.admin);
    const dLog = await dAdmin.get(`/api/v1/tenants/${D.id}/audit-events?action=partner.consolidated_read`);
    expect(dLog.body.data.filter((e: { partner_id: string }) => e.partner_id === partner.id)).toEqual([]);
  });
});
