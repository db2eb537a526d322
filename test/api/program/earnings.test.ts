/**
 * Earnings: one line per (partner, referred tenant, month of payment) carrying the commission on
 * the sum of that month's paid invoices (rounded once, on the sum, integer minor units), one line
 * per qualified-sign-up bounty; recomputed while pending or approved, reversed when nothing is
 * left, a clawback once paid; idempotent, never double-counted by two instances computing at
 * once; approval, payouts (threshold, one currency, never below zero), the drill-down to the
 * invoices, the owner's CSV and the staff's summary.
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
import { unique } from '../../helpers/world.ts';
import { addInvoices, approvedAgreement, createCode, programWorld, signup, type ProgramWorld } from './program-world.ts';

let t: TestApp;
const clock = new ManualClock('2026-01-15T10:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

interface Line {
  id: string;
  tenant: { id: string; name: string };
  kind: string;
  period: string;
  base_minor: number;
  amount_minor: number;
  invoice_count: number;
  state: string;
  refunded_invoice: { id: string; number: string } | null;
  clawback_of: string | null;
  payout_id: string | null;
}
async function lines(w: ProgramWorld, query = ''): Promise<Line[]> {
  const r = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?limit=200${query}`);
  expect(r.status).toBe(200);
  return r.body.items;
}
/** [month, kind, invoices, base, amount, state] of every line, sorted */
const shape = (ls: Line[]) => ls.map((l) => [l.period, l.kind, l.invoice_count, l.base_minor, l.amount_minor, l.state]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const totals = async (w: ProgramWorld) => (await w.staff.get(`/api/v1/partners/${w.p.id}/program/summary`)).body.totals;
const compute = async (w: ProgramWorld, period?: string) => (await w.operator.post('/api/v1/program/earnings/compute', period ? { period } : {})).body;
const refund = (id: string) => sql`update invoices set status = 'void' where id = ${id}`.execute(t.services.db.kysely);

describe('computation', () => {
  it('is exact to the cent on a fixture with refunds before and after payment, and re-running changes nothing', async () => {
    const w = await programWorld(t);
    const tenant = await signup(t, await createCode(w.owner, w.p.id));
    await approvedAgreement(w, { percent_bps: 1_000, bounty_minor: 2_500, months: 3 });
    const n = unique('INV');
    const [jan1, jan2, feb, lateFeb, mar] = await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 10_005, number: `${n}-1` }, // January: 100.05 + 100.05, 10 % on the sum = 20.01 (per invoice it would be 10.01 + 10.01)
      { period: '2026-01', subtotal: 10_005, number: `${n}-2` },
      { period: '2026-02', subtotal: 20_005, number: `${n}-3` }, // February: 2000.5 → 2001 (half up)
      { period: '2026-02', subtotal: 333, paid_at: '2026-03-03T09:00:00.000Z', number: `${n}-4` }, // billed in February, paid in March: March's
      { period: '2026-03', subtotal: 1_000, number: `${n}-5` }, // March: 13.33 on the sum → 133
      { period: '2026-04', subtotal: 50_000 }, // 3 months after the sign-up: outside the agreement's window
      { period: '2026-02', subtotal: 7_777, status: 'void' }, // never paid
      { period: '2026-02', subtotal: 9_000, status: 'open' }, // not paid yet
      { period: '2026-03', subtotal: 8_000, currency: 'USD' }, // not the agreement's currency
      { period: '2025-12', subtotal: 8_000 }, // before the sign-up
    ]);
    expect(await compute(w)).toMatchObject({ created: 4, updated: 0, reversed: 0 });
    const got = await lines(w);
    expect(shape(got)).toEqual(
      shape([
        { period: '2026-01', kind: 'bounty', invoice_count: 1, base_minor: 0, amount_minor: 2_500, state: 'pending' },
        { period: '2026-01', kind: 'commission', invoice_count: 2, base_minor: 20_010, amount_minor: 2_001, state: 'pending' },
        { period: '2026-02', kind: 'commission', invoice_count: 1, base_minor: 20_005, amount_minor: 2_001, state: 'pending' },
        { period: '2026-03', kind: 'commission', invoice_count: 2, base_minor: 1_333, amount_minor: 133, state: 'pending' },
      ] as Line[]),
    );
    expect(got.every((l) => l.tenant.name === tenant.name)).toBe(true);
    expect(await totals(w)).toEqual({ pending_minor: 6_635, approved_minor: 0, paid_minor: 0, reversed_minor: 0, clawback_minor: 0 });

    // the drill-down: March's line came from the late February invoice and March's
    const marLine = got.find((l) => l.period === '2026-03')!;
    const detail = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings/${marLine.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.invoices).toEqual([
      { number: `${n}-4`, paid_at: '2026-03-03T09:00:00.000Z', base_minor: 333 },
      { number: `${n}-5`, paid_at: '2026-03-28T00:00:00.000Z', base_minor: 1_000 },
    ]);
    const bounty = got.find((l) => l.kind === 'bounty')!;
    expect((await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings/${bounty.id}`)).body.invoices.map((i: { number: string }) => i.number)).toEqual([`${n}-1`]);

    // re-running (all, or one month) creates nothing and changes nothing
    expect(await compute(w)).toMatchObject({ created: 0, updated: 0, reversed: 0, unchanged: 4 });
    expect(await compute(w, '2026-02')).toMatchObject({ created: 0, updated: 0, reversed: 0, unchanged: 1 });
    expect(await lines(w)).toEqual(got);

    // refunds before payment: one of January's invoices (the line is recomputed: 100.05 → 10.01), all of February (reversed)
    await refund(jan2);
    await refund(feb);
    expect(await compute(w)).toMatchObject({ created: 0, updated: 1, reversed: 1 });
    expect(await totals(w)).toEqual({ pending_minor: 2_500 + 1_001 + 133, approved_minor: 0, paid_minor: 0, reversed_minor: 2_001, clawback_minor: 0 });
    expect(await compute(w)).toMatchObject({ created: 0, updated: 0, reversed: 0 });
    const janLine = (await lines(w)).find((l) => l.period === '2026-01' && l.kind === 'commission')!;
    expect([janLine.id, janLine.invoice_count, janLine.base_minor, janLine.amount_minor]).toEqual([got.find((l) => l.period === '2026-01' && l.kind === 'commission')!.id, 1, 10_005, 1_001]);

    // everything pending is approved and paid
    const open = (await lines(w)).filter((l) => l.state === 'pending');
    expect((await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: open.map((l) => l.id) })).body).toEqual({ approved: 3 });
    const pay = await w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'SEPA-1', paid_date: '2026-04-02' });
    expect([pay.status, pay.body.amount_minor]).toEqual([201, 3_634]);

    // a refund after payment: March's own invoice. The paid line stays; a clawback (pending) takes back
    // the difference to the commission on what is still paid — 13.33 → 3.33 on the sum: 133 → 33
    await refund(mar);
    expect(await compute(w, '2026-04')).toMatchObject({ created: 1, reversed: 0 }); // a later month's run finds it (the refund sweep)
    const claw = (await lines(w)).find((l) => l.kind === 'clawback')!;
    expect(claw).toMatchObject({ period: '2026-03', base_minor: -1_000, amount_minor: -100, state: 'pending', refunded_invoice: { id: mar, number: `${n}-5` }, clawback_of: marLine.id, invoice_count: 1 });
    expect((await lines(w)).find((l) => l.id === marLine.id)).toMatchObject({ state: 'paid', amount_minor: 133 });
    // the summary (staff too) shows it as a refund to take back, not as a negative pending amount
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 0, paid_minor: 3_634, reversed_minor: 2_001, clawback_minor: -100 });
    expect(await compute(w)).toMatchObject({ created: 0, updated: 0, reversed: 0 });
    expect(await compute(w, '2026-03')).toMatchObject({ created: 0, updated: 0, reversed: 0 });

    // the next payout nets the clawback, and never goes below zero
    const none = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'SEPA-2', paid_date: '2026-05-02' });
    expect([none.status, none.body.code]).toEqual([409, 'payout_nothing_to_pay']);
    const [late1] = await addInvoices(t, tenant.id, [{ period: '2026-03', subtotal: 500, paid_at: '2026-03-30T00:00:00.000Z' }]); // paid in March after its line was paid: a second March line
    expect(await compute(w)).toMatchObject({ created: 1 });
    const second = (await lines(w)).find((l) => l.period === '2026-03' && l.kind === 'commission' && l.state === 'pending')!;
    expect([second.base_minor, second.amount_minor]).toEqual([500, 50]);
    await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: [second.id] });
    const negative = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'SEPA-2', paid_date: '2026-05-02' });
    expect([negative.status, negative.body.code]).toEqual([409, 'payout_net_not_positive']);
    expect((await lines(w)).filter((l) => l.state === 'paid')).toHaveLength(3); // nothing half-written
    await addInvoices(t, tenant.id, [{ period: '2026-03', subtotal: 2_000, paid_at: '2026-03-31T00:00:00.000Z' }]);
    expect(await compute(w)).toMatchObject({ created: 0, updated: 1 }); // the approved second line follows its invoices: 25.00 → 250
    const net = await w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'SEPA-2', paid_date: '2026-05-02' });
    expect([net.status, net.body.amount_minor, net.body.lines]).toEqual([201, 150, 2]);
    const final = await lines(w);
    expect(final.find((l) => l.kind === 'clawback')).toMatchObject({ state: 'paid', payout_id: net.body.id });
    // March nets to the commission on the sums still paid, to the cent: 133 − 100 + 250 = 33 + 250
    expect(final.filter((l) => l.period === '2026-03' && l.state !== 'reversed').reduce((s, l) => s + l.amount_minor, 0)).toBe(33 + 250);
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 0, paid_minor: 3_634 + 150, reversed_minor: 2_001, clawback_minor: 0 });
    expect(await compute(w)).toMatchObject({ created: 0, updated: 0, reversed: 0 });
    void [jan1, lateFeb, late1];
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
    expect(await compute(w, '2026-02')).toMatchObject({ created: 0, updated: 0, reversed: 0 });
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
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 1_234, paid_minor: 6_000, reversed_minor: 0, clawback_minor: 0 });
    const paidAgain = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'R2', paid_date: '2026-02-05', earning_ids: [jan.id] });
    expect([paidAgain.status, paidAgain.body.code]).toEqual([409, 'payout_lines_invalid']);

    // a refund of a paid invoice: the paid line stays, a clawback (pending) takes its commission back
    await refund(feb);
    expect(await compute(w)).toMatchObject({ created: 1, reversed: 0 });
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 1_234, paid_minor: 6_000, reversed_minor: 0, clawback_minor: -3_000 });
    // the operator sees the same lines, and the invoices behind one
    const op = await w.operator.get(`/api/v1/program/earnings?partner_id=${w.p.id}&limit=200`);
    const claw = op.body.items.find((l: Line) => l.kind === 'clawback');
    expect(claw).toMatchObject({ partner: { id: w.p.id }, amount_minor: -3_000, clawback_of: febLine.id, state: 'pending' });
    const opDetail = await w.operator.get(`/api/v1/program/earnings/${claw.id}`);
    expect(opDetail.body).toMatchObject({ line: { id: claw.id }, invoices: [{ base_minor: 30_000 }] });
    // the next payout (March, 12.34) would be below zero with it: refused, nothing changes
    const negative = await w.operator.post<Problem>('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'R3', paid_date: '2026-03-05' });
    expect([negative.status, negative.body.code]).toEqual([409, 'payout_net_not_positive']);
    expect(await totals(w)).toEqual({ pending_minor: 0, approved_minor: 1_234, paid_minor: 6_000, reversed_minor: 0, clawback_minor: -3_000 });

    const list = await w.operator.get(`/api/v1/program/payouts?partner_id=${w.p.id}`);
    expect(list.body.items).toHaveLength(1);
    const overview = (await w.operator.get('/api/v1/program/partners')).body.items.find((x: { partner: { id: string } }) => x.partner.id === w.p.id);
    expect(overview).toMatchObject({ sign_ups: 1, referred_tenants: 1, approved_minor: 1_234, paid_minor: 6_000, current_agreement_version: 1, waiting: null });
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
    // headed in words, no internal ids; the file is named after the partner and the day
    expect(rows[0]).toBe('Month,Customer,Kind,Invoices,Invoice numbers,Base amount,Commission,Currency,State,Refunded invoice,Paid in payout,Payout date,Recorded on');
    expect(rows[1]).toMatch(/^2026-01,"'=HYPERLINK\(""http:\/\/evil""\)",Commission,1,INV-[^,]+,999\.99,125\.00,EUR,Pending,,,,\d{4}-\d{2}-\d{2}$/);
    expect(csv.raw.body).not.toMatch(/ern_|pay_|ptr_/);
    expect(String(csv.headers['content-disposition'])).toMatch(/filename="?[a-z0-9-]+-earnings-\d{4}-\d{2}-\d{2}\.csv/);
    expect(String(csv.headers['content-disposition'])).not.toContain(w.p.id);
    // a documented column contract (docs/contributors/languages.md): the same English headings and words whatever the reader's language
    for (const headers of [{ 'accept-language': 'fr-FR,fr;q=0.9' }, { 'accept-language': 'de' }]) {
      const again = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings/export`, headers);
      expect(again.raw.body.trimEnd().split('\r\n')).toEqual(rows);
    }
    const lineId = (await lines(w))[0].id;
    for (const [path, code] of [
      [`/api/v1/partners/${w.p.id}/program/earnings`, 'line_items_forbidden'],
      [`/api/v1/partners/${w.p.id}/program/earnings/export`, 'export_forbidden'],
      [`/api/v1/partners/${w.p.id}/program/earnings/${lineId}`, 'line_items_forbidden'],
    ]) {
      const r = await w.staff.get<Problem>(path);
      expect([r.status, r.body.code]).toEqual([403, code]);
    }
    const sum = await w.staff.get(`/api/v1/partners/${w.p.id}/program/summary`);
    expect(sum.body.totals.pending_minor).toBe(12_500);
    expect(JSON.stringify(sum.body)).not.toContain('inv_');
    // another partner's owner: the line is not theirs to see
    const other = await programWorld(t);
    const r = await other.owner.get<Problem>(`/api/v1/partners/${other.p.id}/program/earnings/${lineId}`);
    expect([r.status, r.body.code]).toEqual([404, 'earning_not_found']);
  });
});
