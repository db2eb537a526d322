/**
 * The program end to end over HTTP: a code → an attributed sign-up → the limited view → an
 * agreement drafted, signed and approved → earnings → approval → payout → CSV.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { Problem } from '../../helpers/http.ts';
import { addInvoices, approvedAgreement, createCode, programWorld, signup } from './program-world.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: new ManualClock('2026-01-15T10:00:00Z') });
});
afterAll(() => t.close());

describe('the partner program, end to end', () => {
  it('runs code → sign-up → agreement → earnings → payout', async () => {
    const w = await programWorld(t);
    const code = await createCode(w.owner, w.p.id, { label: 'Newsletter', landing_note: 'Welcome from Tailspin' });
    expect(code).toMatch(/^[A-Z0-9]+-[A-Z2-9]{4}$/);

    const landing = await t.client().get(`/api/v1/signup/referral/${code}`);
    expect(landing.status).toBe(200);
    expect(landing.body).toEqual({ partner_name: w.p.name, landing_note: 'Welcome from Tailspin' });

    const bad = await t.client().post<Problem>('/api/v1/signup', { organization_name: 'Nope', admin_name: 'N', email: 'nope@example.test', password: 'a long enough passphrase 42', referral_code: 'NOPE-0000' });
    expect([bad.status, bad.body.code]).toEqual([400, 'referral_code_invalid']);

    const tenant = await signup(t, code);
    const list = await w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['currency', 'id', 'monthly_revenue_minor', 'name', 'signup_date', 'slug', 'status', 'subscription_tier']);

    await approvedAgreement(w, { percent_bps: 1000, bounty_minor: 5000 });
    await addInvoices(t, tenant.id, [
      { period: '2026-01', subtotal: 10_000 },
      { period: '2026-02', subtotal: 12_345 },
      { period: '2026-03', subtotal: 9_999, status: 'open' },
    ]);
    const run = await w.operator.post('/api/v1/program/earnings/compute', {});
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ created: 3, reversed: 0 });
    const again = await w.operator.post('/api/v1/program/earnings/compute', {});
    expect(again.body).toMatchObject({ created: 0, reversed: 0, unchanged: 3 });

    const lines = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings`);
    expect(lines.status).toBe(200);
    expect(lines.body.items.map((l: { amount_minor: number }) => l.amount_minor).sort((a: number, b: number) => a - b)).toEqual([1000, 1235, 5000]);

    const appr = await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: lines.body.items.map((l: { id: string }) => l.id) });
    expect(appr.body).toEqual({ approved: 3 });
    const pay = await w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'SEPA-1', paid_date: '2026-11-01' });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ amount_minor: 7235, currency: 'EUR', lines: 3 });

    const sum = await w.staff.get(`/api/v1/partners/${w.p.id}/program/summary`);
    expect(sum.status).toBe(200);
    expect(sum.body.totals).toEqual({ pending_minor: 0, approved_minor: 0, paid_minor: 7235, reversed_minor: 0, clawback_minor: 0 });

    const csv = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings/export`);
    expect(csv.status).toBe(200);
    // the columns are the ones the guide lists, by name and in order
    const guide = readFileSync(new URL('../../../docs/partners-and-customers/referral-program.md', import.meta.url), 'utf8');
    const listed = /exports CSV, headed in words \(`([^`]+)`\)/.exec(guide.replace(/\s+/g, ' '))?.[1].split(', ');
    expect(listed).toHaveLength(13);
    const rows = csv.raw.body.trimEnd().split('\r\n').map((r) => r.split(','));
    expect(rows[0]).toEqual(listed);
    // every paid line names the payout that paid it, and its day
    const col = (row: string[], name: string) => row[rows[0].indexOf(name)];
    expect(rows.slice(1)).toHaveLength(3);
    for (const row of rows.slice(1)) expect([col(row, 'State'), col(row, 'Paid in payout'), col(row, 'Payout date')]).toEqual(['Paid', 'SEPA-1', '2026-11-01']);
    expect(rows.slice(1).some((row) => col(row, 'Commission') === '12.35')).toBe(true);
  });
});
