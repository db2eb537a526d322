/**
 * Row shapes of link commitments and the alerts raised on them (modules/alerts). Conventions:
 * schema.ts.
 */

export interface LinkCommitmentsTable {
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  sla: string;
  alerts: string;
  threshold_cents: number;
  threshold_currency: string;
  updated_at: string;
  updated_by: string | null;
}

export interface PartnerAlertsTable {
  id: string;
  dedup_key: string;
  partner_id: string;
  tenant_id: string;
  delegation_id: string;
  kind: 'sla_breach' | 'receivables_threshold' | 'invoice_overdue';
  severity: 'warning' | 'critical';
  status: 'open' | 'acknowledged' | 'resolved';
  subject_id: string | null;
  period: string | null;
  message: string;
  /** the alert's figures as JSON (kind, amounts, dates), said in each reader's language; null on rows stored before 0100 */
  facts: string | null;
  amount_cents: number | null;
  currency: string | null;
  opened_at: string;
  last_seen_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: 'auto' | 'manual' | null;
  notified_at: string | null;
}
