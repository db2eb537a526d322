/**
 * The MSP dashboard's revenue and receivables by month read the partner's own month totals when the
 * person sees the billing of every customer the partner's links show whole: the totals follow every
 * invoice written (kept by the database, no rebuild), are rebuilt once when the partner's customers
 * change (a link ended), are never used for a person or link that sees less (summed from their own
 * customers instead), and a rebuild that meets an invoice being written counts it once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { invoiceRow } from './invoice-rows.ts';

let t: TestApp;
let p: TestPartner;
let A: TestTenant, B: TestTenant, C: TestTenant, D: TestTenant;
let linkOfC: string;
let linkOfD: string;

const invoice = invoiceRow;
const write = <T>(fn: Parameters<typeof mutate<T>>[1]) => asSystem(() => mutate(t.services.db, fn));

/** Revenue and receivables by month summed here from the invoices of `who` (a customer, or one account of it). */
async function expected(who: { tenant: TestTenant; ban?: string }[]) {
  const out = new Map<string, { invoiced_cents: number; outstanding_cents: number; paid_cents: number }>();
  for (const w of who) {
    let q = t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', w.tenant.id);
    if (w.ban) q = q.where('ban_id', '=', w.ban);
    for (const r of await q.execute()) {
      const k = `${r.period}|${r.currency}`;
      const x = out.get(k) ?? { invoiced_cents: 0, outstanding_cents: 0, paid_cents: 0 };
      if (r.status !== 'void') x.invoiced_cents += r.total_cents;
      if (r.status === 'open' || r.status === 'overdue') x.outstanding_cents += r.balance_cents;
      if (r.status === 'paid') x.paid_cents += r.total_cents;
      out.set(k, x);
    }
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => ({ period: k.split('|')[0], currency: k.split('|')[1], ...v }));
}

interface Dashboard {
  revenue_by_month: { period: string; currency: string; invoiced_cents: number; outstanding_cents: number; paid_cents: number }[];
  tiles: { receivables: { currency: string; amount_cents: number }[]; overdue: { currency: string; amount_cents: number }[] };
  attention: { tenant_id: string; overdue_cents: number }[];
}

async function dashboard(): Promise<Dashboard> {
  const staff = await loginAs(t, p.staff);
  const dash = await staff.get('/api/v1/partner/dashboard?period_from=2000-01');
  expect(dash.status).toBe(200);
  return dash.body as Dashboard;
}
const shown = async () => (await dashboard()).revenue_by_month;

/** What the tiles show, per currency (in currency order), summed here from the customers' invoices. */
async function expectedTiles(who: TestTenant[]) {
  const by = new Map<string, { receivables: number; overdue: number }>();
  for (const w of who) {
    for (const r of await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', w.id).execute()) {
      const x = by.get(r.currency) ?? { receivables: 0, overdue: 0 };
      if (r.status === 'open' || r.status === 'overdue') x.receivables += r.balance_cents;
      if (r.status === 'overdue') x.overdue += r.balance_cents;
      by.set(r.currency, x);
    }
  }
  const sorted = [...by].sort(([a], [b]) => a.localeCompare(b));
  return { receivables: sorted.map(([currency, v]) => ({ currency, amount_cents: v.receivables })), overdue: sorted.map(([currency, v]) => ({ currency, amount_cents: v.overdue })) };
}
const tilesOf = (d: Dashboard) => ({ receivables: [...d.tiles.receivables].sort((a, b) => a.currency.localeCompare(b.currency)), overdue: [...d.tiles.overdue].sort((a, b) => a.currency.localeCompare(b.currency)) });

const state = () => t.services.db.kysely.selectFrom('partner_total_state').selectAll().where('partner_id', '=', p.id).executeTakeFirst();

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B, C, D] = await Promise.all([t.world.tenant({ bans: 2 }), t.world.tenant(), t.world.tenant(), t.world.tenant({ bans: 2 })]);
  for (const x of [A, B, C]) {
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    if (x === C) linkOfC = d.id;
  }
  await t.services.feed.drain();
  await write(async (trx) => {
    await trx.insertInto('invoices').values([invoice(A, 0, '2026-08', 'open', 10_000), invoice(A, 1, '2026-09', 'paid', 2_500), invoice(B, 0, '2026-09', 'overdue', 700), invoice(C, 0, '2026-09', 'open', 1_000, 'EUR'), invoice(C, 0, '2026-10', 'paid', 9_900)]).execute();
  });
});
afterAll(() => t.close());

describe('a partner’s month totals on the MSP dashboard', () => {
  it('are kept over the customers the partner sees whole and show what their invoices add up to', async () => {
    const d = await dashboard();
    expect(d.revenue_by_month).toEqual(await expected([{ tenant: A }, { tenant: B }, { tenant: C }]));
    expect(tilesOf(d)).toEqual(await expectedTiles([A, B, C]));
    const s = await state();
    expect(s?.members).toBe(3);
    const kept = await t.services.db.kysely.selectFrom('partner_month_totals').select('period').where('partner_id', '=', p.id).execute();
    expect(kept.length).toBeGreaterThan(0);
  });

  it('follow invoices written, paid, moved and deleted afterwards — without being rebuilt', async () => {
    const before = await state();
    await write(async (trx) => {
      await trx.insertInto('invoices').values([invoice(A, 0, '2026-10', 'open', 300), invoice(B, 0, '2026-10', 'open', 40_000), invoice(B, 0, '2026-11', 'void', 5)]).execute();
      await trx.updateTable('invoices').set({ status: 'paid', balance_cents: 0 }).where('tenant_id', '=', A.id).where('status', '=', 'open').execute();
      await trx.updateTable('invoices').set({ period: '2026-11' }).where('tenant_id', '=', B.id).where('total_cents', '=', 700).execute();
      await trx.deleteFrom('invoices').where('tenant_id', '=', C.id).where('currency', '=', 'EUR').execute();
    });
    expect(await shown()).toEqual(await expected([{ tenant: A }, { tenant: B }, { tenant: C }]));
    expect(await state()).toEqual(before);
  });

  it('give the tiles when the customers are invoiced in one currency, and the customers with something overdue', async () => {
    // C's euro invoices went in the test before: one currency left
    const d = await dashboard();
    expect(tilesOf(d)).toEqual(await expectedTiles([A, B, C]));
    expect(d.tiles.overdue).toEqual([{ currency: 'USD', amount_cents: 700 }]);
    expect(d.attention.filter((x) => x.overdue_cents > 0).map((x) => [x.tenant_id, x.overdue_cents])).toEqual([[B.id, 700]]);
    // read from the partner's own totals: a cent added there shows
    const bump = (n: number) => write(async (trx) => void (await sql`update partner_month_totals set overdue_cents = overdue_cents + ${n} where partner_id = ${p.id} and period = '2026-11' and stripe = (select min(stripe) from partner_month_totals where partner_id = ${p.id} and period = '2026-11')`.execute(trx)));
    await bump(1);
    expect((await dashboard()).tiles.overdue).toEqual([{ currency: 'USD', amount_cents: 701 }]);
    await bump(-1);
  });

  it('are rebuilt once over the new set when a link ends, and leave the ended customer out', async () => {
    await t.services.delegations.revoke(t.world.ctx, linkOfC, { side: 'tenant', tenantId: C.id, reason: 'contract ended' });
    await t.services.feed.drain();
    expect(await shown()).toEqual(await expected([{ tenant: A }, { tenant: B }]));
    const s = await state();
    expect(s?.members).toBe(2);
    // C's invoices no longer move the partner's totals
    await write(async (trx) => {
      await trx.insertInto('invoices').values(invoice(C, 0, '2026-10', 'open', 123_456)).execute();
    });
    expect(await shown()).toEqual(await expected([{ tenant: A }, { tenant: B }]));
    expect(await state()).toEqual(s);
  });

  it('are not used for a link restricted to some accounts: the chart sums what the person sees', async () => {
    linkOfD = (await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: D.id, origin: 'link', role: 'MSP_FULL', banIds: [D.bans[0].id], endsAt: ends(), status: 'active' })).id;
    await t.services.feed.drain();
    await write(async (trx) => {
      await trx.insertInto('invoices').values([invoice(D, 0, '2026-10', 'open', 8_000), invoice(D, 1, '2026-10', 'open', 99_000)]).execute();
    });
    const before = await state();
    expect(await shown()).toEqual(await expected([{ tenant: A }, { tenant: B }, { tenant: D, ban: D.bans[0].id }]));
    expect(await state()).toEqual(before);
  });

  it('count an invoice being written while they are rebuilt once (on PostgreSQL the rebuild waits for the writer’s commit)', async () => {
    // the restricted link ends and a new customer comes: the partner's whole set is A, B and E
    await t.services.delegations.revoke(t.world.ctx, linkOfD, { side: 'tenant', tenantId: D.id, reason: 'contract ended' });
    const E = await t.world.tenant();
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: E.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.feed.drain();
    let inserted!: () => void;
    let release!: () => void;
    const wrote = new Promise<void>((r) => (inserted = r));
    const held = new Promise<void>((r) => (release = r));
    const writer = write(async (trx) => {
      await trx.insertInto('invoices').values(invoice(E, 0, '2026-10', 'open', 555)).execute();
      inserted();
      await held;
    });
    await wrote;
    const dashboard = shown();
    // the rebuild (E is a new customer) is waiting for the writer's transaction before it sums
    // (SQLite has one writer: the rebuild's transaction simply comes after the writer's)
    for (; t.services.db.dialect === 'postgres'; ) {
      const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'lock table invoice_totals%'`.execute(t.services.db.kysely);
      if (r.rows[0].n > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    release();
    await writer;
    expect(await dashboard).toEqual(await expected([{ tenant: A }, { tenant: B }, { tenant: E }]));
    expect((await state())?.members).toBe(3);
  });
});
