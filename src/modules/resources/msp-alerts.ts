/** The alerts the consolidated MSP views answer with: an SLA breach, an overdue invoice, receivables over a threshold. */
import type { InvoiceRow, SlaRow } from './resources.repo.ts';
import type { ResourcesService } from './resources.service.ts';

/** The alert every alert view answers with. */
export interface Alert {
  kind: 'sla_breach' | 'invoice_overdue' | 'receivables_threshold';
  severity: 'warning' | 'critical';
  tenant_id: string;
  tenant_name: string;
  ban_id: string | null;
  subject_id: string | null;
  period: string | null;
  message: string;
  amount_cents: number | null;
  currency: string | null;
}

/** The default of the billing alert's receivables threshold: 5,000.00. */
export const DEFAULT_RECEIVABLES_THRESHOLD_CENTS = 500_000;

type InvoiceDto = Awaited<ReturnType<ResourcesService['listInvoices']>>['data'][number];
type SlaDto = Awaited<ReturnType<ResourcesService['listSla']>>['data'][number];

/** The first month of the default SLA alert window: three months before `now`'s. */
export function defaultAlertFrom(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1));
  return d.toISOString().slice(0, 7);
}

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** An SLA breach: critical when availability missed its target by a tenth of a point or more. */
export function slaAlert(r: Pick<SlaRow, 'id' | 'tenant_id' | 'ban_id' | 'period' | 'target_pct' | 'achieved_pct' | 'downtime_minutes' | 'incidents'> | SlaDto, tenantName: string): Alert {
  return {
    kind: 'sla_breach',
    severity: r.target_pct - r.achieved_pct >= 0.1 ? 'critical' : 'warning',
    tenant_id: r.tenant_id,
    tenant_name: tenantName,
    ban_id: r.ban_id,
    subject_id: r.id,
    period: r.period,
    message: `Availability ${r.achieved_pct}% against a ${r.target_pct}% target (${r.downtime_minutes} min down, ${r.incidents} incident${r.incidents === 1 ? '' : 's'}).`,
    amount_cents: null,
    currency: null,
  };
}

/** A tenant owing more than the threshold: critical when part of it is overdue. */
export function receivablesAlert(t: { tenant_id: string; currency: string; outstanding_cents: number; overdue_cents: number }, threshold: number, tenantName: string): Alert {
  return {
    kind: 'receivables_threshold',
    severity: t.overdue_cents > 0 ? 'critical' : 'warning',
    tenant_id: t.tenant_id,
    tenant_name: tenantName,
    ban_id: null,
    subject_id: null,
    period: null,
    message: `Outstanding ${money(t.outstanding_cents, t.currency)} exceeds the ${money(threshold, t.currency)} threshold.`,
    amount_cents: t.outstanding_cents,
    currency: t.currency,
  };
}

export function overdueInvoiceAlert(i: Pick<InvoiceRow, 'id' | 'tenant_id' | 'ban_id' | 'period' | 'number' | 'balance_cents' | 'currency' | 'due_at'> | InvoiceDto, tenantName: string): Alert {
  return {
    kind: 'invoice_overdue',
    severity: 'critical',
    tenant_id: i.tenant_id,
    tenant_name: tenantName,
    ban_id: i.ban_id,
    subject_id: i.id,
    period: i.period,
    message: `Invoice ${i.number} (${money(i.balance_cents, i.currency)}) was due ${i.due_at.slice(0, 10)}.`,
    amount_cents: i.balance_cents,
    currency: i.currency,
  };
}
