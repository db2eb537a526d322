/**
 * What each recipient of an alert's notice may read of it — decided exactly as an API read of the
 * same data by the same recipient at that moment (decide(), through the authz service: the link ∩
 * the member's member role for a person, the link alone for the partner's own webhook endpoints).
 *
 * Per alert kind, two permissions:
 *  - `alert`: may the recipient see that the alert exists at all (the inbox's and the computed
 *    alert views' permission). Without it: no notice at all.
 *  - `figures`: the read that shows the alert's figures (amounts, invoice numbers, availability) —
 *    the permission of the API read of those figures. Without it (but with `alert`): a notice
 *    without them ("An alert was raised for <customer>; open Alerts to see it").
 */
import type { AuthzService } from '../authz/index.ts';
import type { AlertKind } from './alert-conditions.ts';

export const ALERT_READS: Record<AlertKind, { alert: string; figures: readonly string[] }> = {
  // GET /api/v1/partner/alerts/sla · GET /api/v1/partner/reports/sla
  sla_breach: { alert: 'alerts.sla.read', figures: ['reports.sla.read'] },
  // GET /api/v1/partner/alerts/billing · GET /api/v1/partner/billing/invoices (the invoice, its number and balance)
  invoice_overdue: { alert: 'alerts.billing.read', figures: ['billing.invoices.read'] },
  // GET /api/v1/partner/alerts/billing · GET /api/v1/partner/billing/summary (what the customer owes)
  receivables_threshold: { alert: 'alerts.billing.read', figures: ['billing.summary.read'] },
};

/** full: the alert with its figures · summary: that an alert was raised, without them · none: not told. */
export type Sight = 'full' | 'summary' | 'none';

type Authz = Pick<AuthzService, 'memberAccess' | 'partnerAccess'>;

/**
 * What one partner member may read of an alert on a customer, now. `mfa`: the member's credential
 * proved a second factor (a request's); a notice has none, so a customer whose policy asks for one
 * is decided as a read without it would be.
 */
export function memberSight(authz: Authz, kind: AlertKind, userId: string, partnerId: string, tenantId: string, mfa = false): Sight {
  const r = ALERT_READS[kind];
  if (!authz.memberAccess(userId, partnerId, tenantId, r.alert, undefined, mfa).allow) return 'none';
  return r.figures.every((p) => authz.memberAccess(userId, partnerId, tenantId, p, undefined, mfa).allow) ? 'full' : 'summary';
}

/**
 * What the partner organization's own API read shows of an alert on a customer (its link role on
 * that tenant): for an endpoint of the partner, which is no person, and for a listed address that
 * is no member of the partner.
 */
export function partnerSight(authz: Authz, kind: AlertKind, partnerId: string, tenantId: string): Sight {
  const r = ALERT_READS[kind];
  if (!authz.partnerAccess(partnerId, tenantId, r.alert).allow) return 'none';
  return r.figures.every((p) => authz.partnerAccess(partnerId, tenantId, p).allow) ? 'full' : 'summary';
}

/** What an alert says in place of its figures to a reader who may see the alert but not them. */
export const FIGURES_HIDDEN = 'An alert was raised for this customer; its figures are not shown to you (your access to this customer does not include reading them).';

/** The alert without its figures (amount, the invoice or SLA record it names, the message that quotes them). */
export function withoutFigures<T extends { message: string; amount_cents: number | null; currency: string | null; subject_id: string | null }>(a: T): T {
  return { ...a, message: FIGURES_HIDDEN, facts: null, amount_cents: null, currency: null, subject_id: null };
}
