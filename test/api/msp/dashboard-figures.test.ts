/**
 * The dashboard adds its figures up in the database; they must be what every customer's own figures
 * say. Sixty customers (more than the dashboard lists, and enough that PostgreSQL gets the customers
 * as one array) with overdue invoices in two currencies, open tickets and SLA months met and missed:
 * the customers that need attention, their order and count, the ones lowest in SLA and the tiles
 * equal what the customers' figures list and the rows themselves add up to — for the partner's staff
 * and for a partner whose link covers one account of a few customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { invoiceRow } from '../resources/invoice-rows.ts';
import { slaRow, ticketRow } from '../resources/ticket-rows.ts';

type Figures = { tenant_id: string; tenant_name: string; currency: string | null; outstanding_cents: number | null; overdue_cents: number | null; open_tickets: number | null; sla_compliance_pct: number | null };

let t: TestApp;
let p: TestPartner;
let narrow: TestPartner;
let customers: TestTenant[];
/** per customer: SLA months recorded and missed in the window */
const sla = new Map<string, { records: number; breached: number }>();
const outstanding = new Map<string, number>();
/** per currency: the first customer (by id) invoiced in it */
const firstInvoiced = new Map<string, string>();
const overdue = new Map<string, number>();

const month = (back: number) => {
  const now = t.services.clock.now();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};

beforeAll(async () => {
  t = await startTestApp();
  [p, narrow] = await Promise.all([t.world.partner({ capabilities: ['managed_services'] }), t.world.partner({ capabilities: ['managed_services'] })]);
  customers = [];
  for (let i = 0; i < 60; i += 10) customers.push(...(await Promise.all(Array.from({ length: 10 }, () => t.world.tenant({ bans: 2 })))));
  for (const x of customers) await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  // the second account of every fourth customer only
  for (const x of customers.filter((_, i) => i % 4 === 0)) await t.services.delegations.create(t.world.ctx, { partnerId: narrow.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: [x.bans[1].id], endsAt: ends(), status: 'active' });
  await t.services.feed.drain();
  await asSystem(() =>
    mutate(t.services.db, async (trx) => {
      for (const [i, x] of customers.entries()) {
        const inv = [invoiceRow(x, 0, month(1), 'paid', 5_000)];
        if (i % 3 === 0) inv.push(invoiceRow(x, 0, month(2), 'overdue', 1_000 + 10 * i));
        if (i % 5 === 0) inv.push(invoiceRow(x, 1, month(1), 'overdue', 700, 'EUR'));
        if (i % 7 === 0) inv.push(invoiceRow(x, 1, month(0), 'open', 300));
        await trx.insertInto('invoices').values(inv).execute();
        for (const r of inv) {
          const k = `${x.id}|${r.currency}`;
          if (!firstInvoiced.has(r.currency) || x.id < firstInvoiced.get(r.currency)!) firstInvoiced.set(r.currency, x.id);
          if (r.status === 'overdue' || r.status === 'open') outstanding.set(k, (outstanding.get(k) ?? 0) + r.balance_cents);
          if (r.status === 'overdue') overdue.set(k, (overdue.get(k) ?? 0) + r.balance_cents);
        }
        if (i % 4 === 0) await trx.insertInto('support_tickets').values(Array.from({ length: (i % 7) + 1 }, (_, n) => ticketRow(x, n % 2 === 0 ? 1 : null, 'open'))).execute();
        if (i % 6 === 1) {
          const missed = ((i - 1) / 6) % 4;
          await trx.insertInto('sla_records').values([0, 1, 2, 3].map((m) => slaRow(x, month(m), m < missed ? 99.1 : 99.95))).execute();
          sla.set(x.id, { records: 4, breached: missed });
        }
      }
    }),
  );
});
afterAll(() => t.close());

/** Every customer's figures, from the list (a page at a time). */
async function figures(who: TestPartner): Promise<Figures[]> {
  const staff = await loginAs(t, who.staff);
  const out: Figures[] = [];
  for (let offset = 0; ; offset += 25) {
    const r = await staff.get(`/api/v1/partner/customers/figures?limit=25&offset=${offset}`);
    expect(r.status).toBe(200);
    // each row's link details are the customer list's own; the dashboard's rows are the figures
    out.push(...(r.body.data as (Figures & { link?: unknown })[]).map(({ link: _link, ...f }) => f));
    if (offset + 25 >= r.body.total) return out;
  }
}

const needsAttention = (f: Figures) => (f.overdue_cents ?? 0) > 0 || (f.open_tickets ?? 0) > 0 || (f.sla_compliance_pct ?? 100) < 95;
const order = (a: Figures, b: Figures) => (b.overdue_cents ?? 0) - (a.overdue_cents ?? 0) || (b.open_tickets ?? 0) - (a.open_tickets ?? 0) || (a.sla_compliance_pct ?? 100) - (b.sla_compliance_pct ?? 100) || (a.tenant_id < b.tenant_id ? -1 : 1);
const pct = (s: { records: number; breached: number }) => Math.round(((s.records - s.breached) / s.records) * 10_000) / 100;

describe('the dashboard’s figures', () => {
  it('are what every customer’s figures and rows add up to', async () => {
    const all = await figures(p);
    expect(all).toHaveLength(60);
    const want = all.filter(needsAttention).sort(order);
    expect(want.length).toBeGreaterThan(20);
    const staff = await loginAs(t, p.staff);
    const dash = await staff.get('/api/v1/partner/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.body.attention).toEqual(want.slice(0, 20));
    expect(dash.body.attention_total).toBe(want.length);
    // some need attention for their SLA alone, some for tickets alone
    expect(want.some((f) => f.overdue_cents === 0 && f.open_tickets === 0)).toBe(true);
    expect(want.some((f) => f.overdue_cents === 0 && (f.open_tickets ?? 0) > 0)).toBe(true);
    const lowest = [...sla].map(([id, s]) => ({ tenant_id: id, compliance_pct: pct(s) })).sort((a, b) => a.compliance_pct - b.compliance_pct || (a.tenant_id < b.tenant_id ? -1 : 1)).slice(0, 10);
    expect((dash.body.sla_by_customer as { tenant_id: string; compliance_pct: number; tenant_name: string }[]).map(({ tenant_id, compliance_pct }) => ({ tenant_id, compliance_pct }))).toEqual(lowest);
    const records = [...sla.values()].reduce((a, s) => a + s.records, 0);
    const breached = [...sla.values()].reduce((a, s) => a + s.breached, 0);
    expect(dash.body.tiles.sla_compliance_pct).toBe(pct({ records, breached }));
    const sum = (m: Map<string, number>, c: string) => [...m].filter(([k]) => k.endsWith(`|${c}`)).reduce((a, [, v]) => a + v, 0);
    // per currency, in the order of the first customer invoiced in each (the same customer: by currency)
    const currencies = [...firstInvoiced].sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : x[0] < y[0] ? -1 : 1)).map(([c]) => c);
    expect(currencies).toHaveLength(2);
    expect(dash.body.tiles.receivables).toEqual(currencies.map((c) => ({ currency: c, amount_cents: sum(outstanding, c) })));
    expect(dash.body.tiles.overdue).toEqual(currencies.map((c) => ({ currency: c, amount_cents: sum(overdue, c) })));
    expect(dash.body.tiles.open_tickets).toBe(all.reduce((a, f) => a + (f.open_tickets ?? 0), 0));
  });

  it('cover only the account a link covers', async () => {
    const all = await figures(narrow);
    expect(all).toHaveLength(15);
    const want = all.filter(needsAttention).sort(order);
    const staff = await loginAs(t, narrow.staff);
    const dash = await staff.get('/api/v1/partner/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.body.attention).toEqual(want.slice(0, 20));
    expect(dash.body.attention_total).toBe(want.length);
    // the second account's tickets only: those about no account are the customer's own
    expect(dash.body.tiles.open_tickets).toBe(customers.filter((_, i) => i % 4 === 0).reduce((a, _, j) => a + Math.ceil(((j * 4) % 7 + 1) / 2), 0));
    // SLA months are recorded on the first account, which this link does not cover
    expect(dash.body.sla_by_customer).toEqual([]);
  });
});
