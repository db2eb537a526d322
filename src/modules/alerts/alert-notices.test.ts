import { describe, expect, it } from 'vitest';
import type { AuthzService } from '../authz/index.ts';
import { type ALERT_READS, FIGURES_HIDDEN, memberSight, partnerSight, withoutFigures } from './alert-notices.ts';

/** An authz that allows exactly the permissions given (for a member, or for the partner's link). */
function allowing(perms: string[]): Pick<AuthzService, 'memberAccess' | 'partnerAccess'> {
  const answer = (action: string | null) => (action !== null && perms.includes(action) ? ({ allow: true } as never) : ({ allow: false, code: 'permission_denied', reason: 'no' } as never));
  return { memberAccess: (_u, _p, _t, action) => answer(action ?? null), partnerAccess: (_p, _t, action) => answer(action ?? null) };
}

describe('what a recipient reads of an alert: the alert’s read, then its figures’ read', () => {
  // [kind, permissions held, sight]
  const cases: [keyof typeof ALERT_READS, string[], 'full' | 'summary' | 'none'][] = [
    ['sla_breach', ['alerts.sla.read', 'reports.sla.read'], 'full'],
    ['sla_breach', ['alerts.sla.read'], 'summary'],
    ['sla_breach', ['reports.sla.read'], 'none'],
    ['sla_breach', ['alerts.billing.read', 'billing.invoices.read', 'billing.summary.read'], 'none'],
    ['invoice_overdue', ['alerts.billing.read', 'billing.invoices.read'], 'full'],
    ['invoice_overdue', ['alerts.billing.read', 'billing.summary.read'], 'summary'],
    ['invoice_overdue', ['billing.invoices.read'], 'none'],
    ['receivables_threshold', ['alerts.billing.read', 'billing.summary.read'], 'full'],
    ['receivables_threshold', ['alerts.billing.read', 'billing.invoices.read'], 'summary'],
    ['receivables_threshold', ['alerts.sla.read', 'reports.sla.read'], 'none'],
  ];
  it.each(cases)('%s with %j → %s', (kind, perms, sight) => {
    expect(memberSight(allowing(perms), kind, 'usr_1', 'ptr_1', 'tnt_1')).toBe(sight);
    expect(partnerSight(allowing(perms), kind, 'ptr_1', 'tnt_1')).toBe(sight);
  });

  it('an alert without its figures names neither the amount nor the record nor the message quoting them', () => {
    const a = { kind: 'invoice_overdue', message: 'Invoice INV-7 (USD 79,418.42) was due 2026-11-10 and is unpaid.', amount_cents: 7_941_842, currency: 'USD', subject_id: 'ivc_1', period: '2026-10' };
    expect(withoutFigures(a)).toEqual({ kind: 'invoice_overdue', message: FIGURES_HIDDEN, amount_cents: null, currency: null, subject_id: null, period: '2026-10', facts: null });
  });
});
