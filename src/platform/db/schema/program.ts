/**
 * Row shapes of the partner program: referral codes and attributions, agreements, earnings and payouts
 * (modules/program). Conventions: schema.ts.
 */

/** The partner program (migration 0013). */
export interface ReferralCodesTable {
  code: string;
  partner_id: string;
  label: string | null;
  landing_note: string | null;
  status: 'active' | 'inactive';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Written once, never changed (triggers refuse UPDATE and DELETE). */
export interface ReferralAttributionsTable {
  tenant_id: string;
  partner_id: string;
  code: string;
  attributed_at: string;
  source: 'signup' | 'operator';
}

export interface ProgramAgreementsTable {
  id: string;
  partner_id: string;
  version: number;
  title: string;
  terms_markdown: string;
  percent_bps: number | null;
  bounty_minor: number | null;
  months: number;
  payout_threshold_minor: number;
  currency: string;
  effective_date: string;
  status: 'draft' | 'signed' | 'approved' | 'superseded';
  created_by: string | null;
  created_at: string;
  signed_by: string | null;
  signed_full_name: string | null;
  signed_at: string | null;
  signed_ip: string | null;
  signed_user_agent: string | null;
  signed_sha256: string | null;
  approved_by: string | null;
  approved_at: string | null;
  superseded_at: string | null;
}

export interface ProgramEarningsTable {
  id: string;
  partner_id: string;
  tenant_id: string;
  agreement_id: string;
  /** month of payment, 'YYYY-MM' */
  period: string;
  kind: 'commission' | 'bounty' | 'clawback';
  source_key: string;
  base_minor: number;
  amount_minor: number;
  currency: string;
  invoice_count: number;
  state: 'pending' | 'approved' | 'paid' | 'reversed';
  payout_id: string | null;
  clawback_of: string | null;
  refund_invoice_id: string | null;
  refund_invoice_number: string | null;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  approved_by: string | null;
  reversed_at: string | null;
}

/** The invoices a program earnings line came from (migration 0021). */
export interface ProgramEarningInvoicesTable {
  earning_id: string;
  invoice_id: string;
  invoice_number: string;
  paid_at: string | null;
  base_minor: number;
  partner_id: string;
  tenant_id: string;
}

export interface ProgramPayoutsTable {
  id: string;
  partner_id: string;
  amount_minor: number;
  currency: string;
  reference: string;
  paid_date: string;
  lines: number;
  created_by: string | null;
  created_at: string;
}
