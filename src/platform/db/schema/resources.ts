/**
 * Row shapes of the reference resource service: orders, provisioned services, invoices, support
 * tickets, usage and SLA records, and exports (modules/resources). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

// ---- reference resource service (0004) ------------------------------------------------------

export interface OrdersTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  bill_to_ban_id: string;
  product_code: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: number;
  currency: string;
  status: 'submitted' | 'in_progress' | 'completed' | 'cancelled';
  notes: string | null;
  placed_by_type: 'user' | 'app' | 'system';
  placed_by_user_id: string | null;
  placed_by_client_id: string | null;
  placed_by_partner_id: string | null;
  delegation_id: string | null;
  persona: string;
  idempotency_key: string | null;
  request_id: string | null;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  /** a record sent to the provider's system (migration 0038): provisional until its source sends it back, then confirmed; null: never sent */
  write_state: 'provisional' | 'confirmed' | null;
  /** the data source's name it was sent to */
  write_sent_to: string | null;
  write_sent_at: string | null;
  /** when the portal starts saying to check with the provider */
  write_confirm_by: string | null;
}

export interface ProvisionedServicesTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  order_id: string | null;
  product_code: string;
  name: string;
  status: 'pending' | 'active' | 'suspended' | 'terminated';
  location: string | null;
  bandwidth_mbps: number | null;
  monthly_price_cents: number;
  currency: string;
  activated_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The provider's end-customer records under a customer (0121), synced like its other records. */
export interface SubscribersTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  /** the provider's number for the subscriber (its account or line number) */
  number: string;
  name: string;
  email: string | null;
  phone: string | null;
  plan: string | null;
  service_address: string | null;
  status: 'active' | 'suspended' | 'terminated';
  activated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InvoicesTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  number: string;
  period: string;
  issued_at: string;
  due_at: string;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  balance_cents: number;
  status: 'open' | 'paid' | 'overdue' | 'void';
  paid_at: string | null;
  created_at: string;
  /** refunded, credited or lost in a dispute after issue (migration 0065); the commission base shrinks in proportion */
  credited_cents: Generated<number>;
}

/**
 * Invoice sums per customer, currency, month and billing account, kept by triggers as invoices
 * are written (migration 0045): what the MSP views read instead of summing every invoice.
 * PostgreSQL returns the bigint amounts as strings; readers convert.
 */
export interface InvoiceTotalsTable {
  tenant_id: string;
  currency: string;
  period: string;
  ban_id: string;
  /** 0: every invoice of the row went (the row stays; readers skip it) */
  invoices: number;
  invoiced_cents: number;
  outstanding_cents: number;
  overdue_cents: number;
  paid_cents: number;
  open_count: number;
  paid_count: number;
  overdue_count: number;
}

/** A customer a partner's month totals are kept over (migration 0046). */
export interface PartnerTotalMembersTable {
  tenant_id: string;
  partner_id: string;
}

/** Open tickets per customer and billing account (migration 0047); ban_id '' counts the tickets about no account. */
export interface TicketTotalsTable {
  tenant_id: string;
  ban_id: string;
  /** tickets open, in progress or waiting on the customer (0: none left; the row stays) */
  open: number;
}

/** One stripe of a partner's totals for a month and currency; readers add the stripes. */
export interface PartnerMonthTotalsTable {
  partner_id: string;
  period: string;
  currency: string;
  stripe: number;
  invoices: number;
  invoiced_cents: number;
  outstanding_cents: number;
  overdue_cents: number;
  paid_cents: number;
}

/** Which customers a partner's month totals are over: how many, and a digest of their ids. */
export interface PartnerTotalStateTable {
  partner_id: string;
  members: number;
  digest: string;
  built_at: string;
}

export interface SupportTicketsTable {
  id: string;
  tenant_id: string;
  ban_id: string | null;
  number: string;
  subject: string;
  description: string;
  category: 'billing' | 'technical' | 'service_request' | 'other';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: 'open' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed';
  assignee: string | null;
  /** JSON array of {at, by, text} */
  comments: string;
  opened_by_type: 'user' | 'app' | 'system';
  opened_by_user_id: string | null;
  opened_by_client_id: string | null;
  opened_by_partner_id: string | null;
  delegation_id: string | null;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  /** a record sent to the provider's system (migration 0038): provisional until its source sends it back, then confirmed; null: never sent */
  write_state: 'provisional' | 'confirmed' | null;
  /** the data source's name it was sent to */
  write_sent_to: string | null;
  write_sent_at: string | null;
  /** when the portal starts saying to check with the provider */
  write_confirm_by: string | null;
  /** the Idempotency-Key a new ticket was sent to the provider with (once per tenant) */
  write_key: string | null;
}

export interface UsageRecordsTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  service_id: string | null;
  period: string;
  metric: 'data_gb' | 'voice_minutes' | 'sms_count';
  quantity: number;
  amount_cents: number;
  currency: string;
  recorded_at: string;
}

export interface SlaRecordsTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  service_id: string | null;
  period: string;
  target_pct: number;
  achieved_pct: number;
  downtime_minutes: number;
  incidents: number;
  status: 'met' | 'breached';
  recorded_at: string;
}

export interface ExportJobsTable {
  id: string;
  partner_id: string;
  user_id: string;
  format: 'csv' | 'pdf';
  filters: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total_rows: number;
  rows_done: number;
  file_path: string | null;
  token_hash: string | null;
  /** why a job failed, in English (also written for the release before; the only reason a job that failed before migration 0128 has) */
  error: string | null;
  /** why a job failed, as a stable code (migration 0128); its sentence is written in the reader's language when read */
  error_code: string | null;
  /** the figures of that sentence (JSON object; migration 0128) */
  error_values: string | null;
  created_at: string;
  finished_at: string | null;
  expires_at: string | null;
  /** the customers the export drew on (JSON array of tenant ids; migration 0029), checked again at download */
  tenant_ids: string | null;
}

/** A finished export's file, in chunks (the resources module; migration 0028). */
export interface ExportFileChunksTable {
  job_id: string;
  seq: number;
  data: Uint8Array;
  expires_at: string;
}
