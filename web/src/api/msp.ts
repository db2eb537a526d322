/**
 * The consolidated views for an MSP (the caller's own partner, /api/v1/partner/…) and a
 * customer's own data (its orders, services, invoices, tickets, usage and SLA): wire types and calls.
 *
 * Fields marked optional arrive with the MSP workspace's additions to the API; the
 * pages show them when present and fall back to what today's answers hold.
 */
import { http, requestFile } from './client.ts';
import type { WriteConfirmationDto } from './writeRoutes.ts';

const enc = encodeURIComponent;
type Query = Record<string, string | number | undefined>;

/** A person named in an answer: who placed an order, opened or handles a ticket. */
export interface Person {
  user_id: string;
  name: string;
  email: string;
  partner_id: string | null;
  partner_name: string | null;
}

export interface Actor {
  type: string;
  user_id: string | null;
  client_id: string | null;
  partner_id: string | null;
}

export interface ListPage<T> {
  data: T[];
  next_cursor: string | null;
  total?: number;
  limit?: number;
  offset?: number;
}

export interface Invoice {
  id: string;
  tenant_id: string;
  tenant_name?: string;
  ban_id: string;
  ban_account_number?: string;
  number: string;
  period: string;
  issued_at: string;
  due_at: string;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  balance_cents: number;
  status: string;
  paid_at: string | null;
}

export interface Comment {
  at: string;
  by: string;
  by_name?: string;
  by_partner_name?: string | null;
  text: string;
}

export interface Ticket {
  id: string;
  tenant_id: string;
  tenant_name?: string;
  ban_id: string | null;
  number: string;
  subject: string;
  description: string;
  category: string;
  priority: string;
  status: string;
  assignee: string | null;
  assignee_person?: Person | null;
  comments: Comment[];
  opened_by: Actor;
  opened_by_person?: Person | null;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  /** sent to the provider's system: waiting, not confirmed, or confirmed; null when written here directly */
  confirmation?: WriteConfirmationDto | null;
}

export interface Order {
  id: string;
  tenant_id: string;
  ban_id: string;
  product_code: string;
  product_name: string;
  quantity: number;
  total_cents: number;
  currency: string;
  status: string;
  placed_by: Actor;
  placed_by_person?: Person | null;
  created_at: string;
  /** sent to the provider's system: waiting, not confirmed, or confirmed; null when placed here directly */
  confirmation?: WriteConfirmationDto | null;
}

export interface Service {
  id: string;
  ban_id: string;
  name: string;
  status: string;
  location: string | null;
  bandwidth_mbps: number | null;
  monthly_price_cents: number;
  currency: string;
  activated_at: string | null;
}

export interface UsageRecord {
  id?: string;
  tenant_id?: string;
  tenant_name?: string;
  period: string;
  metric: string;
  quantity: number;
  amount_cents: number;
  currency: string;
}

export interface SlaRecord {
  id: string;
  ban_id: string;
  service_id: string | null;
  period: string;
  target_pct: number;
  achieved_pct: number;
  downtime_minutes: number;
  incidents: number;
  status: string;
}

export interface MoneyTotals {
  currency: string;
  invoiced_cents: number;
  outstanding_cents: number;
  overdue_cents: number;
  paid_cents: number;
}

export interface BillingSummary {
  period_from: string | null;
  period_to: string | null;
  totals: (MoneyTotals & { tenants: number })[];
  tenants: (MoneyTotals & { tenant_id: string; tenant_name: string; open_invoices: number; overdue_invoices: number })[];
}

export interface SlaRow {
  tenant_id: string;
  tenant_name: string;
  records: number;
  breached: number;
  compliance_pct: number;
  avg_achieved_pct: number;
  min_achieved_pct: number;
  downtime_minutes: number;
}

export interface Alert {
  id?: string;
  kind: string;
  severity: string;
  status?: string;
  tenant_id: string;
  tenant_name: string;
  ban_id?: string | null;
  subject_id: string | null;
  period: string | null;
  message: string;
  amount_cents: number | null;
  currency: string | null;
  opened_at?: string;
  acknowledged_by?: Person | null;
  resolved_by?: Person | null;
}

export interface ExportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'expired';
  format: string;
  total_rows: number;
  rows_done: number;
  progress_pct: number;
  created_at: string;
  finished_at: string | null;
  download_url: string | null;
  expires_at: string | null;
  error: string | null;
}

export interface CustomerMetrics {
  outstanding_cents: number;
  overdue_cents: number;
  currency: string;
  open_tickets: number;
  sla_compliance_pct: number | null;
  open_alerts: number;
}

export interface NewTicket {
  tenant_id: string;
  subject: string;
  description: string;
  category?: string;
  priority?: string;
}

export interface TicketChange {
  status?: string;
  priority?: string;
  assignee?: string | null;
  comment?: string;
}

export interface ExportRequest {
  format: 'csv' | 'pdf';
  tenant_id?: string;
  status?: string;
  period_from?: string;
  period_to?: string;
  q?: string;
}

export interface Dashboard {
  tiles: {
    customers: number;
    receivables: { currency: string; amount_cents: number }[];
    overdue: { currency: string; amount_cents: number }[];
    open_tickets: number;
    sla_compliance_pct: number | null;
  };
  revenue_by_month: { period: string; currency: string; invoiced_cents: number; outstanding_cents: number; paid_cents: number }[];
  sla_by_customer: { tenant_id: string; tenant_name: string; compliance_pct: number }[];
  customers: {
    tenant_id: string;
    tenant_name: string;
    currency: string | null;
    outstanding_cents: number | null;
    overdue_cents: number | null;
    open_tickets: number | null;
    sla_compliance_pct: number | null;
  }[];
}

/** What a link commits to: SLA, alert settings and the billing threshold, with who changed it last. */
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export interface Commitments {
  sla: { availability_pct: number; response_minutes: Record<Priority, number>; resolution_minutes: Record<Priority, number> };
  alerts: { sla_breach: boolean; receivables_threshold: boolean; invoice_overdue: boolean; recipients: string[]; channels: ('in_app' | 'email')[] };
  billing_threshold: { amount_cents: number; currency: string };
}
export interface LinkCommitments extends Commitments {
  delegation_id: string;
  tenant_id: string;
  tenant_name: string;
  partner_id: string;
  partner_name: string;
  updated_at: string | null;
  updated_by: Person | null;
  /** whether the signed-in person may change them */
  can_edit: boolean;
}

export const mspApi = {
  /** the commitments of the link with one managed customer */
  commitments: (tenantId: string) => http.get<LinkCommitments>(`/api/v1/partner/customers/${enc(tenantId)}/commitments`),
  setCommitments: (tenantId: string, body: Partial<Commitments>) => http.put<LinkCommitments>(`/api/v1/partner/customers/${enc(tenantId)}/commitments`, body),
  /** every managed customer at once: tiles, revenue by month, SLA by customer, per-customer figures */
  dashboard: (q: Query = {}) => http.get<Dashboard>('/api/v1/partner/dashboard', q),
  billingSummary: (q: Query = {}) => http.get<BillingSummary>('/api/v1/partner/billing/summary', q),
  invoices: (q: Query = {}) => http.get<ListPage<Invoice>>('/api/v1/partner/billing/invoices', { limit: 200, ...q }),
  /** the file itself (small sets), or a job to follow (large ones) */
  exportInvoices: async (body: ExportRequest): Promise<{ file: Blob; filename: string } | { job: ExportJob }> => {
    const r = await requestFile('POST', '/api/v1/partner/billing/invoices/export', body.format === 'csv' ? { ...body, format: undefined } : body);
    if ('file' in r) return r;
    return { job: (r.json as { job: ExportJob }).job };
  },
  exportJobs: () => http.get<{ data: ExportJob[] }>('/api/v1/partner/exports'),
  exportJob: (id: string) => http.get<ExportJob>(`/api/v1/partner/exports/${enc(id)}`),
  downloadExport: (url: string) => requestFile('GET', url),
  tickets: (q: Query = {}) => http.get<ListPage<Ticket>>('/api/v1/partner/support/tickets', { limit: 200, ...q }),
  openTicket: (body: NewTicket) => http.post<Ticket>('/api/v1/partner/support/tickets', body),
  updateTicket: (id: string, body: TicketChange) => http.patch<Ticket>(`/api/v1/partner/support/tickets/${enc(id)}`, body),
  comment: (id: string, text: string) => http.post<Ticket>(`/api/v1/partner/support/tickets/${enc(id)}/comments`, { text }),
  assign: (id: string, userId: string | null) => http.post<Ticket>(`/api/v1/partner/support/tickets/${enc(id)}/assign`, { assignee_user_id: userId }),
  assignable: () => http.get<{ data: Person[] }>('/api/v1/partner/members/assignable'),
  usage: (q: Query = {}) => http.get<{ data: UsageRecord[] }>('/api/v1/partner/reports/usage', q),
  sla: (q: Query = {}) => http.get<{ data: SlaRow[] }>('/api/v1/partner/reports/sla', q),
  slaAlerts: (q: Query = {}) => http.get<{ data: Alert[] }>('/api/v1/partner/alerts/sla', q),
  billingAlerts: (q: Query = {}) => http.get<{ threshold_cents: number; data: Alert[] }>('/api/v1/partner/alerts/billing', q),
  /** the alerts inbox: open and acknowledged alerts kept by the server */
  inbox: (q: Query = {}) => http.get<ListPage<Alert> & { counts?: { open: number; acknowledged: number } }>('/api/v1/partner/alerts', q),
  acknowledge: (id: string) => http.post<Alert>(`/api/v1/partner/alerts/${enc(id)}/acknowledge`),
  resolve: (id: string) => http.post<Alert>(`/api/v1/partner/alerts/${enc(id)}/resolve`),
  permissions: () => http.get<{ data: { name: string; description: string }[] }>('/api/v1/permissions'),
};

/** A customer's own data, read through the gateway as a member of the tenant. */
const asTenant = (tenantId: string) => ({ headers: { 'X-Active-Tenant-Id': tenantId } });
export const selfApi = {
  /** what each linked partner committed to */
  commitments: (tenantId: string) => http.get<{ data: LinkCommitments[] }>(`/api/v1/tenants/${enc(tenantId)}/commitments`),
  setCommitments: (tenantId: string, delegationId: string, body: Partial<Commitments>) => http.put<LinkCommitments>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(delegationId)}/commitments`, body),
  read: <T>(tenantId: string, what: 'orders' | 'services' | 'invoices' | 'tickets' | 'usage' | 'sla', q: Query = {}) =>
    http.get<ListPage<T>>(`/resources/v1/${what}`, { limit: 200, ...q }, asTenant(tenantId)),
};

/** Triggers the browser's download of a file the server answered. */
export function saveFile(file: Blob, filename: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Rows as a CSV file (RFC 4180), with cells that a spreadsheet would run as a formula neutralised. */
export function toCsvFile(header: string[], rows: (string | number | null | undefined)[][]): Blob {
  const cell = (v: string | number | null | undefined) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return new Blob([[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
}
