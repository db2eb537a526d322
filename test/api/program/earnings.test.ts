/**
 * Earnings: computed from the referred tenants' paid invoices under the agreement in force,
 * exact to the cent (integer minor units, half up), idempotent, reversed when the source invoice
 * is refunded or voided, never double-counted by two instances computing at once; approval,
 * payouts (threshold, one currency), the owner's CSV and the staff's summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem } from '../../helpers/http.ts';
import { testConfig } from '../../helpers/config.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, type Db } from '../../../src/platform/db/database.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { addInvoices, approvedAgreement, createCode, programWorld, signup, type ProgramWorld } from './program-world.ts';

let t: TestApp;
const clock = new ManualClock('2026-01-15T10:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

async function lines(w: ProgramWorld, query = '') {
  const r = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?limit=200${query}`);
  expect(r.status).toBe(200);
  return r.body.items as { id: string; kind: string; period: string; amount_minor: number; state: string; source_invoice_id: string; payout_id: string | null }[];
}
const totals = async (w: ProgramWorld) => (await w.staff.get(`/api/v1/partners/${w.p.id}/program/summary`)).body.totals;
const compute = async (w: ProgramWorld, period?: string) => (await w.operator.post('/api/v1/program/earnings/compute', period ? { period } : {})).body;

describe('computation', () => {
  it('is exact to the cent on a fixture with refunds, and re-running changes nothing', async () => {
    const w = await programWorld(t);
    const tenant = await signup(t, await createCode(w.owner, w.p.id));
    await approvedAgreement(w, { percent_bps: 1_000, bounty_minor: 2_500, months: 3 });
    const [jan, feb] = await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 10_001 }, // 1000.1 → 1000
      { period: '2026-02', subtotal: 20_005 }, // 2000.5 → 2001 (half up)
      { period: '2026-03', subtotal: 333 }, // 33.3 → 33
      { period: '2026-04', subtotal: 50_000 }, // 3 months after the sign-up: outside the agreement's window
      { period: '2026-02', subtotal: 7_777, status: 'void' }, // never paid
      { period: '2026-02', subtotal: 9_000, status: 'open' }, // not paid yet
      { period: '2026-03', subtotal: 8_000, currency: 'USD' }, // not the agreement's currency
      { period: '2025-12', subtotal: 8_000 }, // before the sign-up
    ]);
    expect(await compute(w)).toMatchObject({ created: 4, reversed: 0 });
    const got = await lines(w);
    expect(got.map((l) => [l.period, l.kind, l.amount_minor, l.state]).sort()).toEqual(
      [
        ['2026-01', 'bounty', 2_500, 'pending'],
        ['2026-01', 'commission', 1_000, 'pending'],
        ['2026-02', 'commission', 2_001, 'pending'],
        ['2026-03', 'commission', 33, 'pending'],
      ].sort(),
    );
    expect(got.find((l) => l.kind === 'bounty')?.source_invoice_id).toBe(jan);
    expect(await totals(w)).toEqual({ pending_minor: 5_534, approved_minor: 0, paid_minor: 0, reversed_minor: 0 });

    // re-running (all, or one month) creates nothing and changes nothing
    expect(await compute(w)).toMatchObject({ created: 0, reversed: 0, unchanged: 4 });
    expect(await compute(w, '2026-02')).toMatchObject({ created: 0, reversed: 0, unchanged: 1 });
    expect((await lines(w)).map((l) => l.id).sort()).toEqual(got.map((l) => l.id).sort());

    // February is refunded (voided in the resource data): its line is reversed, to the cent
    await sql`update invoices set status = 'void' where id = ${feb}`.execute(t.services.db.kysely);
    expect(await compute(w)).toMatchObject({ created: 0, reversed: 1 });
    expect(await totals(w)).toEqual({ pending_minor: 3_533, approved_minor: 0, paid_minor: 0, reversed_minor: 2_001 });
    expect(await compute(w)).toMatchObject({ created: 0, reversed: 0 });

    const summary = (await w.owner.get(`/api/v1/partners/${w.p.id}/program/summary`)).body;
    expect(summary.by_month).toEqual([
      { month: '2026-01', pending_minor: 3_500, approved_minor: 0, paid_minor: 0, reversed_minor: 0 },
      { month: '2026-02', pending_minor: 0, approved_minor: 0, paid_minor: 0, reversed_minor: 2_001 },
      { month: '2026-03', pending_minor: 33, approved_minor: 0, paid_minor: 0, reversed_minor: 0 },
    ]);
  });

  it('one month at a time computes only that month', async () => {
    const w = await programWorld(t);
    const tenant = await signup(t, await createCode(w.owner, w.p.id));
    await approvedAgreement(w, { percent_bps: 500 });
    await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 1_000 },
      { period: '2026-02', subtotal: 2_000 },
    ]);
    expect(await compute(w, '2026-02')).toMatchObject({ periods: ['2026-02'], created: 1 });
    expect((await lines(w)).map((l) => [l.period, l.amount_minor])).toEqual([['2026-02', 100]]);
  });

  it('a partner with no approved agreement accrues nothing; only approved versions count, the newest effective one per month', async () => {
    const w = await programWorld(t);
    const tenant = await signup(t, await createCode(w.owner, w.p.id));
    await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 10_000 },
      { period: '2026-03', subtotal: 10_000 },
    ]);
    await compute(w);
    expect(await lines(w)).toEqual([]);
    // a draft, and a signed but unapproved version: still nothing
    const d = await w.operator.post(`/api/v1/program/partners/${w.p.id}/agreements`, { title: 'Draft', terms_markdown: 'x', commission: { percent_bps: 9_000, months: 12, payout_threshold_minor: 0, currency: 'EUR' }, effective_date: '2026-01-01' });
    await w.owner.post(`/api/v1/partners/${w.p.id}/program/agreements/${d.body.id}/sign`, { full_name: 'Olivia Owner', accept: true });
    await compute(w);
    expect(await lines(w)).toEqual([]);
    // v2 approved from January (10 %), v3 approved from March (20 %): March earns under v3
    await approvedAgreement(w, { percent_bps: 1_000 }, '2026-01-01');
    await approvedAgreement(w, { percent_bps: 2_000 }, '2026-03-01');
    await compute(w);
    expect((await lines(w)).map((l) => [l.period, l.amount_minor]).sort()).toEqual([
      ['2026-01', 1_000],
      ['2026-03', 2_000],
    ]);
    const ag = (await w.owner.get(`/api/v1/partners/${w.p.id}/program/agreements`)).body;
    expect(ag.current.commission.percent_bps).toBe(2_000);
    // v1 was signed but never approved: it never counted
    expect(ag.history.map((a: { version: number; status: string }) => [a.version, a.status])).toEqual([
      [3, 'approved'],
      [2, 'superseded'],
      [1, 'signed'],
    ]);
  });
});

describe('the schedule', () => {
  it('computes last month and this month by the project clock', async () => {
    const w = await programWorld(t);
    const tenant = await signup(t, await createCode(w.owner, w.p.id));
    await approvedAgreement(w, { percent_bps: 1_000 });
    await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 1_000 },
      { period: '2026-02', subtotal: 2_000 },
      { period: '2026-03', subtotal: 3_000 },
    ]);
    clock.set('2026-03-20T00:00:00Z');
    try {
      const runs = await t.services.program.runScheduled();
      expect(runs.map((r) => r.periods)).toEqual([['2026-02'], ['2026-03']]);
    } finally {
      clock.set('2026-01-15T10:00:00Z'); // (sessions would have expired by then)
    }
    expect((await lines(w)).map((l) => l.period).sort()).toEqual(['2026-02', '2026-03']);
  });
});

describe('two instances computing at once', () => {
  let second: { app: FastifyInstance; db: Db } | null = null;
  afterAll(async () => {
    await second?.app.close();
    await second?.db.close();
  });

  it('produce one set of lines', async () => {
    const w = await programWorld(t);
    for (let i = 0; i < 4; i++) {
      const tenant = await signup(t, await createCode(w.owner, w.p.id));
      await addInvoices(t, tenant.id, [
        { period: '2026-01', subtotal: 1_000 + i },
        { period: '2026-02', subtotal: 2_000 + i },
        { period: '2026-03', subtotal: 3_000 + i },
      ]);
    }
    await approvedAgreement(w, { percent_bps: 1_000, bounty_minor: 100 });
    // PostgreSQL: a second app with its own connection pool on the same database (a second
    // instance); SQLite has one writer per file, so its second "instance" is the same app.
    let other = t.services.program;
    if (t.testDb.databaseUrl) {
      const db = openDatabase({ databaseUrl: t.testDb.databaseUrl, dataDir: t.testDb.dataDir, poolSize: 3 });
      const app = await buildApp({ config: testConfig({ DATABASE_URL: t.testDb.databaseUrl }, t.testDb.dataDir), db, clock, logger: false });
      await app.ready();
      second = { app, db };
      other = app.services.program;
    }
    const ctx = systemContext('two-instances');
    const [a, b] = await Promise.all([t.services.program.computeEarnings(ctx, { partnerId: w.p.id }), other.computeEarnings(ctx, { partnerId: w.p.id })]);
    expect(a.created + b.created).toBe(16); // 12 commissions + 4 bounties, once
    const all = await lines(w);
    expect(all).toHaveLength(16);
    expect(all.reduce((s, l) => s + l.amount_minor, 0)).toBe(4 * 100 + 4 * (100 + 200 + 300)); // bounties + commissions (x.0–x.3 round down)
  });
});

describe('approval, payouts, export', () => {
  it('the operator approves, records a payout (threshold, all approved lines) which marks them paid', async () => {
    const w = await programWorld(t);
    const tenant = await signup(t, await createCode(w.owner, w.p.id));
    await approvedAgreement(w, { percent_bps: 1_000, payout_threshold_minor: 5_000 });
    const [, feb] = await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 30_000 },
      { period: '2026-02', subtotal: 30_000 },
      { period: '2026-03', subtotal: 12_340 },
    ]);
    await compute(w);
    const [jan, febLine, mar] = (await lines(w)).sort((x, y) => (x.period < y.period ? -1 : 1));
    const none = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'R0', paid_date: '2026-02-01' });
    expect([none.status, none.body.code]).toEqual([409, 'payout_nothing_to_pay']);

    expect((await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: [jan.id] })).body).toEqual({ approved: 1 });
    const again = await w.operator.post<Problem>('/api/v1/program/earnings/approve', { earning_ids: [jan.id] });
    expect([again.status, again.body.code]).toEqual([409, 'earnings_not_approvable']);
    const low = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'R1', paid_date: '2026-02-01' });
    expect([low.status, low.body.code]).toEqual([409, 'payout_below_threshold']);

    expect((await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: [febLine.id, mar.id] })).body).toEqual({ approved: 2 });
    const pay = await w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'SEPA-2026-02', paid_date: '2026-02-05', earning_ids: [jan.id, febLine.id] });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ partner: { id: w.p.id, name: w.p.name }, amount_minor: 6_000, currency: 'EUR', reference: 'SEPA-2026-02', paid_date: '2026-02-05', lines: 2 });
    const after = await lines(w);
    expect(after.filter((l) => l.state === 'paid').map((l) => l.payout_id)).toEqual([pay.body.id, pay.body.id]);
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 1_234, paid_minor: 6_000, reversed_minor: 0 });
    const paidAgain = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'R2', paid_date: '2026-02-05', earning_ids: [jan.id] });
    expect([paidAgain.status, paidAgain.body.code]).toEqual([409, 'payout_lines_invalid']);

    // a refund of a paid invoice reverses its line
    await sql`update invoices set status = 'void' where id = ${feb}`.execute(t.services.db.kysely);
    expect(await compute(w)).toMatchObject({ reversed: 1 });
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 1_234, paid_minor: 3_000, reversed_minor: 3_000 });

    const list = await w.operator.get(`/api/v1/program/payouts?partner_id=${w.p.id}`);
    expect(list.body.items).toHaveLength(1);
    const overview = (await w.operator.get('/api/v1/program/partners')).body.items.find((x: { partner: { id: string } }) => x.partner.id === w.p.id);
    expect(overview).toMatchObject({ sign_ups: 1, referred_tenants: 1, approved_minor: 1_234, paid_minor: 3_000, current_agreement_version: 1, waiting: null });
  });

  it('the owner exports CSV safe for spreadsheets; staff get the summary but no lines and no export', async () => {
    const w = await programWorld(t);
    const code = await createCode(w.owner, w.p.id);
    const anon = t.client();
    anon.ip = '10.55.0.1';
    const s = await anon.post('/api/v1/signup', { organization_name: '=HYPERLINK("http://evil")', admin_name: 'E', email: 'evil-csv@example.test', password: 'a long enough passphrase 42', referral_code: code });
    expect(s.status).toBe(201);
    await approvedAgreement(w, { percent_bps: 1_250 });
    await addInvoices(t, s.body.tenant.id, [{ period: '2026-01', subtotal: 99_999 }]);
    await compute(w);
    const csv = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings/export`);
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toMatch(/^text\/csv/);
    const rows = csv.raw.body.trimEnd().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^2026-01,"'=HYPERLINK\(""http:\/\/evil""\)",commission,125\.00,EUR,pending,inv_/);
    for (const [path, code] of [
      [`/api/v1/partners/${w.p.id}/program/earnings`, 'line_items_forbidden'],
      [`/api/v1/partners/${w.p.id}/program/earnings/export`, 'export_forbidden'],
    ]) {
      const r = await w.staff.get<Problem>(path);
      expect([r.status, r.body.code]).toEqual([403, code]);
    }
    const sum = await w.staff.get(`/api/v1/partners/${w.p.id}/program/summary`);
    expect(sum.body.totals.pending_minor).toBe(12_500);
    expect(JSON.stringify(sum.body)).not.toContain('inv_');
  });
});
