import { describe, expect, it } from 'vitest';
import { billingTotalsByCurrency, compliancePct, defaultAlertFrom, overdueInvoiceAlert, receivablesAlert, slaAlert } from './msp-views.service.ts';

describe('defaultAlertFrom: the first month of the last three, from the clock', () => {
  it.each([
    ['2026-05-17T12:00:00Z', '2026-02'],
    ['2026-01-01T00:00:00Z', '2025-10'],
    ['2026-03-31T23:59:59Z', '2025-12'],
  ])('%s → %s', (now, month) => {
    expect(defaultAlertFrom(new Date(now))).toBe(month);
  });
});

describe('compliancePct', () => {
  it.each([
    [0, 0, 100],
    [4, 1, 75],
    [3, 1, 66.67],
    [7, 7, 0],
  ])('%i records, %i breached → %d', (records, breached, pct) => {
    expect(compliancePct(records, breached)).toBe(pct);
  });
});

describe('billingTotalsByCurrency', () => {
  it('sums per currency and counts tenants', () => {
    const row = (currency: string, n: number) => ({ currency, invoiced_cents: n, outstanding_cents: n, overdue_cents: 0, paid_cents: 1 });
    expect(billingTotalsByCurrency([row('USD', 100), row('EUR', 5), row('USD', 50)])).toEqual([
      { currency: 'USD', invoiced_cents: 150, outstanding_cents: 150, overdue_cents: 0, paid_cents: 2, tenants: 2 },
      { currency: 'EUR', invoiced_cents: 5, outstanding_cents: 5, overdue_cents: 0, paid_cents: 1, tenants: 1 },
    ]);
  });
});

describe('alerts', () => {
  const sla = { id: 'sla_1', tenant_id: 'tnt_1', ban_id: 'ban_1', period: '2026-02', target_pct: 99.9, achieved_pct: 99.85, downtime_minutes: 65, incidents: 1 };
  it('an SLA breach is a warning below a tenth of a point, critical from it', () => {
    expect(slaAlert(sla, 'Acme')).toMatchObject({ kind: 'sla_breach', severity: 'warning', tenant_name: 'Acme', subject_id: 'sla_1', message: 'Availability 99.85% against a 99.9% target (65 min down, 1 incident).' });
    expect(slaAlert({ ...sla, achieved_pct: 99.8, incidents: 2 }, 'Acme')).toMatchObject({ severity: 'critical', message: 'Availability 99.8% against a 99.9% target (65 min down, 2 incidents).' });
  });
  it('receivables above the threshold: critical when some of it is overdue', () => {
    const t = { tenant_id: 'tnt_1', currency: 'USD', outstanding_cents: 600_000, overdue_cents: 0 };
    expect(receivablesAlert(t, 500_000, 'Acme')).toMatchObject({ severity: 'warning', amount_cents: 600_000, message: 'Outstanding 6000.00 USD exceeds the 5000.00 USD threshold.' });
    expect(receivablesAlert({ ...t, overdue_cents: 1 }, 500_000, 'Acme').severity).toBe('critical');
  });
  it('an overdue invoice names its number, balance and due date', () => {
    const i = { id: 'inv_1', tenant_id: 'tnt_1', ban_id: 'ban_1', period: '2026-01', number: 'INV-7', balance_cents: 12_345, currency: 'EUR', due_at: '2026-02-15T00:00:00.000Z' };
    expect(overdueInvoiceAlert(i, 'Acme')).toEqual({ kind: 'invoice_overdue', severity: 'critical', tenant_id: 'tnt_1', tenant_name: 'Acme', ban_id: 'ban_1', subject_id: 'inv_1', period: '2026-01', message: 'Invoice INV-7 (123.45 EUR) was due 2026-02-15.', amount_cents: 12_345, currency: 'EUR' });
  });
});
