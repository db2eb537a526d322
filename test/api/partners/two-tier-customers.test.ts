/**
 * Two-tier partners over HTTP, the distributor's work across its resellers' customers:
 *  - the billing roll-up per reseller (GET /api/v1/partner/resellers/billing): only its own
 *    resellers, only customers whose admin opened the chain and whose link reads billing, only the
 *    accounts the link covers, for the period asked; totals; an access event in each customer's log;
 *  - "Customers I manage" (GET /api/v1/partner/customers) with the customers it reaches through a
 *    reseller's link, each marked with the reseller and filterable by it;
 *  - a distributor not over a reseller sees nothing of its customers, a refused chain shows
 *    nothing, and the reseller's own list stays what it was.
 * The customer's switch takes effect on the very next request, both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let dist: TestPartner;
let otherDist: TestPartner;
let r1: TestPartner;
let r2: TestPartner;
let r3: TestPartner;
/** A: r1 MSP_BILLING, chain on · B: r1 MSP_SUPPORT, chain on · C: r1 MSP_FULL, chain refused · D: r2 MSP_FULL on one account, chain on · E: r3 (the other distributor's), chain on · F: the distributor's own link */
let A: TestTenant, B: TestTenant, C: TestTenant, D: TestTenant, E: TestTenant, F: TestTenant;
let distOwner: Client;
let r1Owner: Client;
const links = new Map<string, string>();

let seq = 0;
async function invoice(tenant: TestTenant, banIndex: number, period: string, totalCents: number, status: 'open' | 'paid' | 'overdue' | 'void', balanceCents = status === 'paid' || status === 'void' ? 0 : totalCents) {
  seq++;
  const at = `${period}-05T00:00:00.000Z`;
  await t.services.db.kysely
    .insertInto('invoices')
    .values({ id: `inv_tt${String(seq).padStart(3, '0')}${tenant.id.slice(-20)}`, tenant_id: tenant.id, ban_id: tenant.bans[banIndex].id, number: `TT-${seq}-${tenant.id.slice(-6)}`, period, issued_at: at, due_at: at, currency: 'EUR', subtotal_cents: totalCents, tax_cents: 0, total_cents: totalCents, balance_cents: balanceCents, status, paid_at: status === 'paid' ? at : null, created_at: at })
    .execute();
}

async function link(partner: TestPartner, tenant: TestTenant, role: string, banIds: string[] | null = null) {
  const d = await t.services.delegations.create(t.world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role, banIds, endsAt: ends(), status: 'active' });
  links.set(tenant.id, d.id);
}

/** The customer's admin turns the distributor's access through the reseller's link on or off (Connected partners). */
async function chain(tenant: TestTenant, allowed: boolean) {
  const admin = await loginAs(t, tenant.admin);
  const r = await admin.put(`/api/v1/tenants/${tenant.id}/reseller-links/${links.get(tenant.id)}/distributor-access`, { allowed });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp();
  [dist, otherDist, r1, r2, r3] = await Promise.all([
    t.world.partner({ capabilities: ['managed_services', 'wholesale'] }),
    t.world.partner({ capabilities: ['managed_services'] }),
    t.world.partner({ capabilities: ['managed_services'] }),
    t.world.partner({ capabilities: ['managed_services'] }),
    t.world.partner({ capabilities: ['managed_services'] }),
  ]);
  const operator = await loginAs(t, await t.world.operator());
  for (const [r, d] of [[r1, dist], [r2, dist], [r3, otherDist]] as const) {
    const placed = await operator.put(`/api/v1/partners/${r.id}/distributor`, { distributor_id: d.id });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  }
  [A, B, C, D, E, F] = await Promise.all(Array.from({ length: 6 }, () => t.world.tenant()));
  await link(r1, A, 'MSP_BILLING');
  await link(r1, B, 'MSP_SUPPORT');
  await link(r1, C, 'MSP_FULL');
  await link(r2, D, 'MSP_FULL', [D.bans[0].id]);
  await link(r3, E, 'MSP_FULL');
  await link(dist, F, 'MSP_FULL');
  for (const x of [A, B, D, E]) await chain(x, true);
  // A: 150.00 billed in the period (100.00 paid, 50.00 overdue), 9.99 before it, 20.00 cancelled
  await invoice(A, 0, '2026-03', 10_000, 'paid');
  await invoice(A, 1, '2026-04', 5_000, 'overdue');
  await invoice(A, 0, '2025-12', 999, 'paid');
  await invoice(A, 0, '2026-05', 2_000, 'void');
  // D: 70.00 open on the covered account; 1,000.00 on the account the link does not cover
  await invoice(D, 0, '2026-03', 7_000, 'open');
  await invoice(D, 1, '2026-03', 100_000, 'open');
  // customers whose billing the distributor must not see
  await invoice(B, 0, '2026-03', 4_000, 'open');
  await invoice(C, 0, '2026-03', 3_000, 'open');
  await invoice(E, 0, '2026-03', 6_000, 'open');
  await invoice(F, 0, '2026-03', 8_000, 'open');
  await t.services.feed.drain();
  distOwner = await loginAs(t, dist.owner);
  r1Owner = await loginAs(t, r1.owner);
});
afterAll(() => t.close());

const PERIOD = 'period_from=2026-01&period_to=2026-06';
const euros = (invoiced: number, paid: number, outstanding: number, overdue: number, customers: number) => ({ currency: 'EUR', invoiced_cents: invoiced, paid_cents: paid, outstanding_cents: outstanding, overdue_cents: overdue, customers });
type Row = { tenant: { id: string }; through_reseller: { id: string; name: string } | null };
const ids = (rows: Row[]) => rows.map((r) => r.tenant.id).sort();

describe("a distributor's billing per reseller", () => {
  it("sums, per reseller, only the customers whose admin opened the chain and whose link reads billing, on the accounts it covers", async () => {
    const r = await distOwner.get(`/api/v1/partner/resellers/billing?${PERIOD}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ period_from: '2026-01', period_to: '2026-06', customers: 2 });
    expect(r.body.resellers.map((x: { id: string }) => x.id).sort()).toEqual([r1.id, r2.id].sort());
    const by = new Map(r.body.resellers.map((x: { id: string }) => [x.id, x]));
    expect(by.get(r1.id)).toEqual({ id: r1.id, name: r1.name, status: 'active', customers: 1, currencies: [euros(15_000, 10_000, 5_000, 5_000, 1)] });
    expect(by.get(r2.id)).toEqual({ id: r2.id, name: r2.name, status: 'active', customers: 1, currencies: [euros(7_000, 0, 7_000, 0, 1)] });
    expect(r.body.totals).toEqual([euros(22_000, 10_000, 12_000, 5_000, 2)]);
  });

  it('without a period counts every month', async () => {
    const r = await distOwner.get('/api/v1/partner/resellers/billing');
    expect(r.body.totals).toEqual([euros(22_999, 10_999, 12_000, 5_000, 2)]);
  });

  it('records an access event in the log of each customer it drew on, naming the reseller', async () => {
    await distOwner.get(`/api/v1/partner/resellers/billing?${PERIOD}`);
    await t.services.gateway.auditBuffer.flush();
    const admin = await loginAs(t, A.admin);
    const log = await admin.get(`/api/v1/tenants/${A.id}/audit-events?action=partner.consolidated_read`);
    const ev = log.body.data.find((e: { target: { id: string } }) => e.target.id === 'GET /api/v1/partner/resellers/billing');
    expect(ev).toMatchObject({ partner_id: dist.id, details: { delegation_id: links.get(A.id), through_reseller: r1.id } });
    const cAdmin = await loginAs(t, C.admin);
    const cLog = await cAdmin.get(`/api/v1/tenants/${C.id}/audit-events?action=partner.consolidated_read`);
    expect(cLog.body.data.filter((e: { partner_id: string }) => e.partner_id === dist.id)).toEqual([]);
  });

  it("a distributor not over these resellers sees none of them nor their customers' billing; a reseller has no resellers", async () => {
    const other = await (await loginAs(t, otherDist.owner)).get(`/api/v1/partner/resellers/billing?${PERIOD}`);
    expect(other.status).toBe(200);
    expect(other.body.resellers).toEqual([{ id: r3.id, name: r3.name, status: 'active', customers: 1, currencies: [euros(6_000, 0, 6_000, 0, 1)] }]);
    expect(other.body.totals).toEqual([euros(6_000, 0, 6_000, 0, 1)]);
    const own = await r1Owner.get(`/api/v1/partner/resellers/billing?${PERIOD}`);
    expect([own.status, own.body.resellers, own.body.totals, own.body.customers]).toEqual([200, [], [], 0]);
  });

  it('refuses a period that runs backwards, and a member whose member role does not read billing, as problems', async () => {
    const back = await distOwner.get('/api/v1/partner/resellers/billing?period_from=2026-06&period_to=2026-01');
    expect([back.status, back.body.code, back.headers['content-type']]).toEqual([400, 'validation_failed', expect.stringContaining('application/problem+json')]);
    const bad = await distOwner.get('/api/v1/partner/resellers/billing?period_from=June');
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    // staff read it as the owner does while their member role reads billing; a support member role does not
    const staffClient = await loginAs(t, dist.staff);
    expect((await staffClient.get(`/api/v1/partner/resellers/billing?${PERIOD}`)).body.totals).toEqual([euros(22_000, 10_000, 12_000, 5_000, 2)]);
    await t.services.partners.setMemberRole(t.world.ctx, dist.id, dist.staff.id, 'partner_msp_support');
    await t.services.feed.drain();
    const support = await staffClient.get('/api/v1/partner/resellers/billing');
    expect([support.status, support.body.code]).toEqual([403, 'permission_denied']);
    const tenantAdmin = await (await loginAs(t, A.admin)).get('/api/v1/partner/resellers/billing');
    expect(tenantAdmin.status).toBe(403);
  });
});

describe("the distributor's customers", () => {
  it("lists its own customers and those it reaches through its resellers' links, each marked with the reseller", async () => {
    const r = await distOwner.get('/api/v1/partner/customers?limit=200');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ids(r.body.data)).toEqual([A.id, B.id, D.id, F.id].sort());
    expect(r.body.total).toBe(4);
    const by = new Map<string, Row>(r.body.data.map((x: Row) => [x.tenant.id, x]));
    expect(by.get(A.id)?.through_reseller).toEqual({ id: r1.id, name: r1.name });
    expect(by.get(B.id)?.through_reseller).toEqual({ id: r1.id, name: r1.name });
    expect(by.get(D.id)?.through_reseller).toEqual({ id: r2.id, name: r2.name });
    expect(by.get(F.id)?.through_reseller).toBeNull();
  });

  it('filters by reseller; a partner that is not its reseller gives nothing', async () => {
    const only = await distOwner.get(`/api/v1/partner/customers?reseller_id=${r2.id}`);
    expect([ids(only.body.data), only.body.total]).toEqual([[D.id], 1]);
    const first = await distOwner.get(`/api/v1/partner/customers?reseller_id=${r1.id}&limit=1&sort=tenant_name`);
    expect([first.body.data.length, first.body.total]).toEqual([1, 2]);
    const notMine = await distOwner.get(`/api/v1/partner/customers?reseller_id=${r3.id}`);
    expect([notMine.status, notMine.body.data, notMine.body.total]).toEqual([200, [], 0]);
    const bad = await distOwner.get('/api/v1/partner/customers?reseller_id=nope');
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
  });

  it("a distributor not over the reseller sees nothing of its customers; the reseller's own list is unchanged", async () => {
    const other = await (await loginAs(t, otherDist.owner)).get('/api/v1/partner/customers?limit=200');
    expect(ids(other.body.data)).toEqual([E.id]);
    expect(other.body.data[0].through_reseller).toEqual({ id: r3.id, name: r3.name });
    const none = await (await loginAs(t, otherDist.owner)).get(`/api/v1/partner/customers?reseller_id=${r1.id}`);
    expect(none.body.data).toEqual([]);
    // the reseller: its own three links (the refused chain's C included), none marked
    const own = await r1Owner.get('/api/v1/partner/customers?limit=200');
    expect(ids(own.body.data)).toEqual([A.id, B.id, C.id].sort());
    expect(own.body.data.every((x: Row) => x.through_reseller === null)).toBe(true);
  });

  it("the customer's switch takes the customer out of the distributor's list and figures on the next request, and back", async () => {
    await chain(A, false);
    const gone = await distOwner.get('/api/v1/partner/customers?limit=200');
    expect(ids(gone.body.data)).toEqual([B.id, D.id, F.id].sort());
    const bill = await distOwner.get(`/api/v1/partner/resellers/billing?${PERIOD}`);
    expect(bill.body.resellers.find((x: { id: string }) => x.id === r1.id)).toMatchObject({ customers: 0, currencies: [] });
    // the reseller keeps its link
    expect(ids((await r1Owner.get('/api/v1/partner/customers?limit=200')).body.data)).toContain(A.id);
    await chain(A, true);
    const back = await distOwner.get('/api/v1/partner/customers?limit=200');
    expect(ids(back.body.data)).toEqual([A.id, B.id, D.id, F.id].sort());
  });

  it("a suspended reseller's customers leave the distributor's list and figures", async () => {
    const s = await distOwner.post(`/api/v1/partners/${dist.id}/resellers/${r2.id}/suspend`, { reason: 'Unpaid' });
    expect(s.status).toBe(200);
    expect(ids((await distOwner.get('/api/v1/partner/customers?limit=200')).body.data)).not.toContain(D.id);
    const bill = await distOwner.get(`/api/v1/partner/resellers/billing?${PERIOD}`);
    expect(bill.body.resellers.find((x: { id: string }) => x.id === r2.id)).toMatchObject({ status: 'suspended', customers: 0, currencies: [] });
    expect((await distOwner.post(`/api/v1/partners/${dist.id}/resellers/${r2.id}/resume`)).status).toBe(200);
    expect(ids((await distOwner.get('/api/v1/partner/customers?limit=200')).body.data)).toContain(D.id);
  });
});
