/**
 * The invoice totals the MSP views read are kept by the database as invoices are written: after
 * any mix of inserts, status and balance changes, moves between months and accounts, and deletions
 * — one row at a time or many in one statement — each customer's totals equal the sums over its
 * invoices, and the billing summary an MSP reads shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { invoiceRow } from './invoice-rows.ts';

let t: TestApp;
let p: TestPartner;
let A: TestTenant, B: TestTenant;

const key = (r: { tenant_id: string; currency: string; period: string; ban_id: string }) => `${r.tenant_id}|${r.currency}|${r.period}|${r.ban_id}`;

/** The totals summed here from the invoices, per key (rows with no invoice left out). */
async function recomputed() {
  const rows = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', 'in', [A.id, B.id]).execute();
  const out = new Map<string, Record<string, number>>();
  // each invoice counts in its month's row and in the row over every month ('*')
  for (const r of rows.flatMap((i) => [i, { ...i, period: '*' }])) {
    const k = key(r);
    const x = out.get(k) ?? { invoices: 0, invoiced_cents: 0, outstanding_cents: 0, overdue_cents: 0, paid_cents: 0, open_count: 0, paid_count: 0, overdue_count: 0 };
    x.invoices++;
    if (r.status !== 'void') x.invoiced_cents += r.total_cents;
    if (r.status === 'open' || r.status === 'overdue') x.outstanding_cents += r.balance_cents;
    if (r.status === 'overdue') {
      x.overdue_cents += r.balance_cents;
      x.overdue_count++;
    }
    if (r.status === 'paid') {
      x.paid_cents += r.total_cents;
      x.paid_count++;
    }
    if (r.status === 'open') x.open_count++;
    out.set(k, x);
  }
  return out;
}

async function kept() {
  const rows = await t.services.db.kysely.selectFrom('invoice_totals').selectAll().where('tenant_id', 'in', [A.id, B.id]).where('invoices', '>', 0).execute();
  return new Map(rows.map((r) => [key(r), { invoices: Number(r.invoices), invoiced_cents: Number(r.invoiced_cents), outstanding_cents: Number(r.outstanding_cents), overdue_cents: Number(r.overdue_cents), paid_cents: Number(r.paid_cents), open_count: Number(r.open_count), paid_count: Number(r.paid_count), overdue_count: Number(r.overdue_count) }]));
}

const invoice = invoiceRow;

const write = <T>(fn: Parameters<typeof mutate<T>>[1]) => asSystem(() => mutate(t.services.db, fn));

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B] = await Promise.all([t.world.tenant({ bans: 2 }), t.world.tenant()]);
  for (const x of [A, B]) await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.feed.drain();
});
afterAll(() => t.close());

describe('invoice totals kept by the database', () => {
  it('follow inserts one by one and many at once, across months, accounts and currencies', async () => {
    await write(async (trx) => {
      await trx.insertInto('invoices').values(invoice(A, 0, '2026-09', 'open', 12_345)).execute();
      await trx.insertInto('invoices').values(invoice(A, 1, '2026-09', 'paid', 5_000)).execute();
      await trx
        .insertInto('invoices')
        .values([invoice(A, 0, '2026-09', 'overdue', 700), invoice(A, 0, '2026-10', 'void', 999), invoice(A, 0, '2026-10', 'open', 1, 'EUR'), invoice(B, 0, '2026-10', 'paid', 42_000), invoice(B, 0, '2026-10', 'open', 3)])
        .execute();
    });
    const want = await recomputed();
    // five months × customer × currency × account, and four of them over every month
    expect(want.size).toBe(9);
    expect(await kept()).toEqual(want);
  });

  it('follow payments, voids, moves between months and accounts, and deletions', async () => {
    const ids = (await t.services.db.kysely.selectFrom('invoices').select(['id', 'status', 'tenant_id']).where('tenant_id', 'in', [A.id, B.id]).orderBy('id').execute()).map((r) => r);
    const open = ids.filter((r) => r.status === 'open').map((r) => r.id);
    await write(async (trx) => {
      // one statement paying every open invoice
      await trx.updateTable('invoices').set({ status: 'paid', balance_cents: 0 }).where('id', 'in', open).execute();
      // part of a balance paid, then the invoice moved to another month and account
      const overdue = ids.find((r) => r.status === 'overdue')!.id;
      await trx.updateTable('invoices').set({ balance_cents: 200 }).where('id', '=', overdue).execute();
      await trx.updateTable('invoices').set({ period: '2026-11', ban_id: A.bans[1].id }).where('id', '=', overdue).execute();
      // a paid invoice voided; a voided one deleted
      await trx.updateTable('invoices').set({ status: 'void' }).where('tenant_id', '=', B.id).where('total_cents', '=', 42_000).execute();
      await trx.deleteFrom('invoices').where('tenant_id', '=', A.id).where('total_cents', '=', 999).execute();
      // a change that moves no total
      await trx.updateTable('invoices').set({ issued_at: '2026-10-03T00:00:00Z' }).where('tenant_id', '=', B.id).execute();
    });
    expect(await kept()).toEqual(await recomputed());
    // a month whose every invoice went is not shown
    const rows = await t.services.db.kysely.selectFrom('invoice_totals').select(['period', 'currency', 'invoices']).where('tenant_id', '=', A.id).where('period', '=', '2026-10').where('currency', '=', 'USD').execute();
    expect(rows.every((r) => Number(r.invoices) === 0)).toBe(true);
  });

  it('leave the totals untouched when the writing transaction rolls back', async () => {
    const before = await kept();
    await expect(
      write(async (trx) => {
        await trx.insertInto('invoices').values(invoice(A, 0, '2026-12', 'open', 77_777)).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await kept()).toEqual(before);
  });

  it('are what the MSP billing summary and dashboard show', async () => {
    const staff = await loginAs(t, p.staff);
    const want = await recomputed();
    const perTenant = new Map<string, { invoiced: number; outstanding: number; overdue: number; paid: number }>();
    for (const [k, v] of want) {
      const [tenant, currency, period] = k.split('|');
      if (period !== '*') continue;
      const id = `${tenant}|${currency}`;
      const x = perTenant.get(id) ?? { invoiced: 0, outstanding: 0, overdue: 0, paid: 0 };
      x.invoiced += v.invoiced_cents;
      x.outstanding += v.outstanding_cents;
      x.overdue += v.overdue_cents;
      x.paid += v.paid_cents;
      perTenant.set(id, x);
    }
    const summary = await staff.get('/api/v1/partner/billing/summary?limit=100');
    expect(summary.status).toBe(200);
    const shown = new Map((summary.body.tenants as { tenant_id: string; currency: string; invoiced_cents: number; outstanding_cents: number; overdue_cents: number; paid_cents: number }[]).map((r) => [`${r.tenant_id}|${r.currency}`, { invoiced: r.invoiced_cents, outstanding: r.outstanding_cents, overdue: r.overdue_cents, paid: r.paid_cents }]));
    expect(shown).toEqual(perTenant);
    const dash = await staff.get('/api/v1/partner/dashboard');
    expect(dash.status).toBe(200);
    const usdOutstanding = [...perTenant].filter(([k]) => k.endsWith('|USD')).reduce((a, [, v]) => a + v.outstanding, 0);
    // the invoice list's totals, whole and by status, are the invoices' own counts
    const all = await t.services.db.kysely.selectFrom('invoices').select(['status', 'period']).where('tenant_id', 'in', [A.id, B.id]).execute();
    for (const [query, n] of [['', all.length], ['?status=paid', all.filter((r) => r.status === 'paid').length], ['?status=void', all.filter((r) => r.status === 'void').length], ['?status=overdue&period_from=2026-11', all.filter((r) => r.status === 'overdue' && r.period >= '2026-11').length]] as const) {
      const list = await staff.get(`/api/v1/partner/billing/invoices${query}`);
      expect(list.status).toBe(200);
      expect([query, list.body.total, list.body.data.length]).toEqual([query, n, n]);
    }
    expect(all.some((r) => r.status === 'void')).toBe(true);
    expect((dash.body.tiles.receivables as { currency: string; amount_cents: number }[]).find((r) => r.currency === 'USD')?.amount_cents).toBe(usdOutstanding);
  });
});
