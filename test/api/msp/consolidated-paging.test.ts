/**
 * Issue 16: the consolidated usage report pages in the database in its default order (tenant,
 * month, metric, currency) and counts the groups there; the billing alerts read what is owed from
 * the open and overdue invoices alone. Each answer must be the one the in-memory path gave: the
 * same rows, order, page boundaries, totals, `q` and filters, the same BAN limits — and fresh
 * (a row written a moment ago is in the next answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { newId } from '../../../src/platform/ids.ts';

let t: TestApp;
let p: TestPartner;
/** A: MSP_FULL · B: MSP_FULL · C: MSP_BILLING on its first account only · D: another partner's */
let A: TestTenant, B: TestTenant, C: TestTenant, D: TestTenant;
let staff: Client;

interface UsageRow {
  tenant_id: string;
  tenant_name: string;
  period: string;
  metric: string;
  currency: string;
  quantity: number;
  amount_cents: number;
}

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  const other = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B, C, D] = await Promise.all([1, 2, 3, 4].map(() => t.world.tenant()));
  for (const x of [A, B, C, D]) {
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
  }
  const link = (partnerId: string, x: TestTenant, role: string, banIds: string[] | null) => t.services.delegations.create(t.world.ctx, { partnerId, tenantId: x.id, origin: 'link', role, banIds, endsAt: ends(), status: 'active' });
  await link(p.id, A, 'MSP_FULL', null);
  await link(p.id, B, 'MSP_FULL', null);
  await link(p.id, C, 'MSP_BILLING', [C.bans[0].id]);
  await link(other.id, D, 'MSP_FULL', null);
  await t.services.feed.drain();
  staff = await loginAs(t, p.staff);
});
afterAll(() => t.close());

/** What the report must answer, summed here from the rows the partner may see. */
async function expectedUsage(f: { metric?: string; periodFrom?: string } = {}): Promise<UsageRow[]> {
  const names = new Map([A, B, C].map((x) => [x.id, x.name]));
  const rows = await t.services.db.kysely.selectFrom('usage_records').selectAll().where('tenant_id', 'in', [A.id, B.id, C.id]).execute();
  const groups = new Map<string, UsageRow>();
  for (const r of rows) {
    if (r.tenant_id === C.id && r.ban_id !== C.bans[0].id) continue;
    if (f.metric && r.metric !== f.metric) continue;
    if (f.periodFrom && r.period < f.periodFrom) continue;
    const k = [r.tenant_id, r.period, r.metric, r.currency].join('|');
    const g = groups.get(k) ?? { tenant_id: r.tenant_id, tenant_name: names.get(r.tenant_id) ?? '', period: r.period, metric: r.metric, currency: r.currency, quantity: 0, amount_cents: 0 };
    g.quantity += Number(r.quantity);
    g.amount_cents += r.amount_cents;
    groups.set(k, g);
  }
  const key = (g: UsageRow) => [g.tenant_id, g.period, g.metric, g.currency];
  return [...groups.values()]
    .map((g) => ({ ...g, quantity: Math.round(g.quantity * 100) / 100 }))
    .sort((x, y) => {
      const a = key(x);
      const b = key(y);
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return 0;
    });
}

/** Every page of `url` at `limit`, in order, and the totals each page answered. */
async function allPages(url: string, limit: number): Promise<{ rows: UsageRow[]; totals: number[] }> {
  const rows: UsageRow[] = [];
  const totals: number[] = [];
  for (let offset = 0; ; offset += limit) {
    const r = await staff.get(`${url}${url.includes('?') ? '&' : '?'}limit=${limit}&offset=${offset}`);
    expect(r.status).toBe(200);
    expect([r.body.limit, r.body.offset, r.body.next_cursor]).toEqual([limit, offset, null]);
    totals.push(r.body.total);
    rows.push(...r.body.data);
    if (r.body.data.length < limit) break;
  }
  return { rows, totals };
}

describe('usage report in its default order, paged by the database', () => {
  it('answers every group once, in (tenant, month, metric, currency) order, across page boundaries, with the total on each page', async () => {
    const want = await expectedUsage();
    expect(want.length).toBeGreaterThan(60);
    expect(new Set(want.map((r) => r.tenant_id))).toEqual(new Set([A.id, B.id, C.id]));
    const { rows, totals } = await allPages('/api/v1/partner/reports/usage', 17);
    expect(rows).toEqual(want);
    expect(new Set(totals)).toEqual(new Set([want.length]));
    // a page past the end: no rows, the same total
    const past = await staff.get(`/api/v1/partner/reports/usage?offset=${want.length}`);
    expect([past.status, past.body.data.length, past.body.total]).toEqual([200, 0, want.length]);
    // the default limit is 50
    const first = await staff.get('/api/v1/partner/reports/usage');
    expect([first.body.limit, first.body.offset, first.body.data]).toEqual([50, 0, want.slice(0, 50)]);
  });

  it('filters by metric and month, and counts only the covered account of a BAN-limited link', async () => {
    const periods = [...new Set((await expectedUsage()).map((r) => r.period))].sort();
    const from = periods[Math.floor(periods.length / 2)];
    const want = await expectedUsage({ metric: 'data_gb', periodFrom: from });
    expect(want.length).toBeGreaterThan(0);
    const { rows, totals } = await allPages(`/api/v1/partner/reports/usage?metric=data_gb&period_from=${from}`, 5);
    expect(rows).toEqual(want);
    expect(totals[0]).toBe(want.length);
    expect(rows.some((r) => r.tenant_id === C.id)).toBe(true);
  });

  it('searches tenant names with q (case-insensitive), as the sorted path does', async () => {
    const want = (await expectedUsage()).filter((r) => r.tenant_id === B.id);
    const r = await staff.get(`/api/v1/partner/reports/usage?q=${encodeURIComponent(B.name.toUpperCase())}&limit=200`);
    expect([r.status, r.body.total, r.body.data]).toEqual([200, want.length, want]);
    const sorted = await staff.get(`/api/v1/partner/reports/usage?q=${encodeURIComponent(B.name.toUpperCase())}&sort=period&limit=1`);
    expect(sorted.body.total).toBe(want.length);
    const none = await staff.get('/api/v1/partner/reports/usage?q=no%20such%20customer');
    expect([none.status, none.body.total, none.body.data]).toEqual([200, 0, []]);
  });

  it('answers the same rows as a chosen sort', async () => {
    const want = await expectedUsage();
    const bySort = await staff.get('/api/v1/partner/reports/usage?sort=-amount_cents&limit=200');
    expect(bySort.body.total).toBe(want.length);
    const key = (r: UsageRow) => `${r.tenant_id}|${r.period}|${r.metric}|${r.currency}`;
    expect(want.length).toBeLessThanOrEqual(200);
    expect(bySort.body.data.map(key).sort()).toEqual(want.map(key).sort());
    expect(bySort.body.data.map((r: UsageRow) => r.amount_cents)).toEqual([...bySort.body.data.map((r: UsageRow) => r.amount_cents)].sort((a, b) => b - a));
  });

  it('shows a usage record written a moment ago in the next answer', async () => {
    const before = await staff.get('/api/v1/partner/reports/usage?limit=1');
    await t.services.db.kysely.insertInto('usage_records').values({ id: newId('usg'), tenant_id: A.id, ban_id: A.bans[0].id, service_id: null, period: '1999-01', metric: 'sms_count', quantity: 7, amount_cents: 123, currency: 'USD', recorded_at: new Date().toISOString() }).execute();
    const after = await staff.get('/api/v1/partner/reports/usage?metric=sms_count&period_to=1999-12');
    expect([after.body.total, after.body.data]).toEqual([1, [{ tenant_id: A.id, tenant_name: A.name, period: '1999-01', metric: 'sms_count', currency: 'USD', quantity: 7, amount_cents: 123 }]]);
    const all = await staff.get('/api/v1/partner/reports/usage?limit=1');
    expect(all.body.total).toBe(before.body.total + 1);
  });
});

describe('billing alerts from what is owed', () => {
  it('raises a receivables alert for exactly the tenants the billing summary shows owing more than the threshold, with the same amounts', async () => {
    for (const threshold of [0, 100_000]) {
      const summary = await staff.get('/api/v1/partner/billing/summary?limit=200');
      const owing = summary.body.tenants.filter((x: { outstanding_cents: number }) => x.outstanding_cents > threshold);
      const alerts = await staff.get(`/api/v1/partner/alerts/billing?threshold_cents=${threshold}&limit=200`);
      expect(alerts.status).toBe(200);
      const got = alerts.body.data.filter((a: { kind: string }) => a.kind === 'receivables_threshold');
      expect(got.map((a: { tenant_id: string; amount_cents: number; severity: string }) => [a.tenant_id, a.amount_cents, a.severity]).sort()).toEqual(
        owing.map((x: { tenant_id: string; outstanding_cents: number; overdue_cents: number }) => [x.tenant_id, x.outstanding_cents, x.overdue_cents > 0 ? 'critical' : 'warning']).sort(),
      );
      expect(alerts.body.data.some((a: { tenant_id: string }) => a.tenant_id === D.id)).toBe(false);
    }
  });

  it('counts a new open invoice at once, and only on a covered account', async () => {
    const owed = async (tenantId: string) => {
      const r = await staff.get('/api/v1/partner/alerts/billing?threshold_cents=0&limit=200');
      return r.body.data.find((a: { kind: string; tenant_id: string }) => a.kind === 'receivables_threshold' && a.tenant_id === tenantId)?.amount_cents ?? 0;
    };
    const template = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', C.id).executeTakeFirstOrThrow();
    const add = (banId: string) => t.services.db.kysely.insertInto('invoices').values({ ...template, id: newId('ivc'), ban_id: banId, number: `T-${newId('x').slice(-10)}`, period: '1999-02', status: 'open', total_cents: 50_000, balance_cents: 50_000, paid_at: null }).execute();
    const c0 = await owed(C.id);
    await add(C.bans[1].id); // an account the link does not cover
    expect(await owed(C.id)).toBe(c0);
    await add(C.bans[0].id);
    expect(await owed(C.id)).toBe(c0 + 50_000);
  });
});

describe('dashboard revenue by month', () => {
  it('sums invoiced, outstanding and paid per month and currency over the covered accounts', async () => {
    const rows = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', 'in', [A.id, B.id, C.id]).execute();
    const want = new Map<string, { period: string; currency: string; invoiced_cents: number; outstanding_cents: number; paid_cents: number }>();
    for (const r of rows) {
      if (r.tenant_id === C.id && r.ban_id !== C.bans[0].id) continue;
      const m = want.get(`${r.period}|${r.currency}`) ?? { period: r.period, currency: r.currency, invoiced_cents: 0, outstanding_cents: 0, paid_cents: 0 };
      if (r.status !== 'void') m.invoiced_cents += r.total_cents;
      if (r.status === 'open' || r.status === 'overdue') m.outstanding_cents += r.balance_cents;
      if (r.status === 'paid') m.paid_cents += r.total_cents;
      want.set(`${r.period}|${r.currency}`, m);
    }
    const d = await staff.get('/api/v1/partner/dashboard?period_from=1990-01');
    expect(d.status).toBe(200);
    const key = (m: { period: string; currency: string }) => `${m.period}|${m.currency}`;
    expect(d.body.revenue_by_month.map(key)).toEqual([...d.body.revenue_by_month.map(key)].sort());
    expect([...d.body.revenue_by_month].sort((x, y) => (key(x) < key(y) ? -1 : 1))).toEqual([...want.values()].sort((x, y) => (key(x) < key(y) ? -1 : 1)));
  });
});
