/**
 * Each managed customer's figures, a page at a time, and the dashboard's customers that need
 * attention: the pages together are every customer the member may act on, each once; the figures
 * are what the customer's invoices add up to; the customers that need attention are the ones with
 * something overdue, most overdue first; another partner's customer never appears; a bad page
 * window is a problem, not a page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { invoiceRow } from '../resources/invoice-rows.ts';

let t: TestApp;
let p: TestPartner;
let A: TestTenant, B: TestTenant, C: TestTenant, D: TestTenant, other: TestTenant;
type Figures = { tenant_id: string; tenant_name: string; outstanding_cents: number | null; overdue_cents: number | null };

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  const rival = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B, C, D, other] = await Promise.all([t.world.tenant(), t.world.tenant(), t.world.tenant(), t.world.tenant(), t.world.tenant()]);
  for (const x of [A, B, C]) await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  // D: support only — its billing is not the partner's to see (its figures null there)
  await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: D.id, origin: 'link', role: 'MSP_SUPPORT', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.delegations.create(t.world.ctx, { partnerId: rival.id, tenantId: other.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.feed.drain();
  await asSystem(() =>
    mutate(t.services.db, async (trx) => {
      await trx.insertInto('invoices').values([invoiceRow(A, 0, '2026-09', 'overdue', 1_500), invoiceRow(A, 0, '2026-10', 'open', 200), invoiceRow(B, 0, '2026-09', 'overdue', 9_000), invoiceRow(C, 0, '2026-10', 'paid', 4_000), invoiceRow(D, 0, '2026-09', 'overdue', 99_000), invoiceRow(other, 0, '2026-09', 'overdue', 50_000)]).execute();
    }),
  );
});
afterAll(() => t.close());

describe('each managed customer’s figures', () => {
  it('come a page at a time, together every customer once, with what their invoices add up to', async () => {
    const staff = await loginAs(t, p.staff);
    const first = await staff.get('/api/v1/partner/customers/figures?limit=2');
    const second = await staff.get('/api/v1/partner/customers/figures?limit=2&offset=2');
    expect([first.status, first.body.total, first.body.data.length, second.status, second.body.data.length]).toEqual([200, 4, 2, 200, 2]);
    const all = [...first.body.data, ...second.body.data] as Figures[];
    expect(all.map((f) => f.tenant_id)).toEqual([A.id, B.id, C.id, D.id].sort());
    expect(all.find((f) => f.tenant_id === D.id)).toMatchObject({ outstanding_cents: null, overdue_cents: null });
    const of = (x: TestTenant) => all.find((f) => f.tenant_id === x.id)!;
    expect(of(A)).toMatchObject({ tenant_name: A.name, outstanding_cents: 1_700, overdue_cents: 1_500 });
    expect(of(B)).toMatchObject({ outstanding_cents: 9_000, overdue_cents: 9_000 });
    expect(of(C)).toMatchObject({ outstanding_cents: 0, overdue_cents: 0 });
    // another partner's customer is in no page
    expect(all.some((f) => f.tenant_id === other.id)).toBe(false);
  });

  it('the dashboard names the customers that need attention, most overdue first', async () => {
    const staff = await loginAs(t, p.staff);
    const dash = await staff.get('/api/v1/partner/dashboard');
    expect(dash.status).toBe(200);
    expect((dash.body.attention as Figures[]).map((f) => [f.tenant_name, f.overdue_cents])).toEqual([
      [B.name, 9_000],
      [A.name, 1_500],
    ]);
    expect(dash.body.attention_total).toBe(2);
    expect(dash.body.tiles.customers).toBe(4);
  });

  it('sort by a figure or the name across every page, a figure not shown last in either direction', async () => {
    const staff = await loginAs(t, p.staff);
    const order = async (sort: string, limit = 2) => {
      const ids: string[] = [];
      for (let offset = 0; offset < 4; offset += limit) {
        const r = await staff.get(`/api/v1/partner/customers/figures?sort=${sort}&limit=${limit}&offset=${offset}`);
        expect([sort, r.status, r.body.total]).toEqual([sort, 200, 4]);
        ids.push(...(r.body.data as Figures[]).map((f) => f.tenant_id));
      }
      return ids;
    };
    // D owes 99,000 overdue, but the partner's access shows none of its billing: last, not first
    expect(await order('-overdue_cents')).toEqual([B.id, A.id, C.id, D.id]);
    expect(await order('overdue_cents')).toEqual([C.id, A.id, B.id, D.id]);
    expect(await order('-outstanding_cents', 3)).toEqual([B.id, A.id, C.id, D.id]);
    const byName = [A, B, C, D].sort((x, y) => x.name.localeCompare(y.name)).map((x) => x.id);
    expect(await order('tenant_name')).toEqual(byName);
    expect(await order('-tenant_name')).toEqual([...byName].reverse());
    // every customer's tickets are shown (MSP_SUPPORT shows tickets): all 0, in the customers' ids
    expect(await order('-open_tickets')).toEqual([A.id, B.id, C.id, D.id].sort());
  });

  it('a page window out of bounds is a problem with its code', async () => {
    const staff = await loginAs(t, p.staff);
    for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc', 'tenant_id=x', 'sort=balance', 'sort=-', 'order=desc']) {
      const r = await staff.get(`/api/v1/partner/customers/figures?${q}`);
      expect([q, r.status, r.headers['content-type']]).toEqual([q, 400, expect.stringContaining('application/problem+json')]);
      expect(typeof r.body.code).toBe('string');
    }
  });
});
