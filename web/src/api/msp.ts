/**
 * The consolidated views for an MSP (the caller's own partner, /api/v1/partner/…) and a
 * customer's own data (its orders, services, invoices, tickets, usage and SLA): calls, and their wire
 * types named from the generated client (api/schema.ts), so a changed answer breaks the typecheck.
 */
import { http, requestFile } from './client.ts';
import type { Answer, Body, paths, Schemas } from './schema.ts';

const enc = encodeURIComponent;
type Query = Record<string, string | number | undefined>;

/** A person named in an answer: who placed an order, opened or handles a ticket. */
export type Person = Schemas['Person'];
/** Who placed an order or opened a ticket: a person, an app, or a partner acting for the customer. */
export type Actor = Schemas['Ticket']['opened_by'];
/** One invoice of the consolidated billing view, with its customer's name. */
export type Invoice = Schemas['PartnerInvoice'];
/** A ticket as the MSP reads it: its customer and people named. */
export type Ticket = Schemas['PartnerTicket'];
/** An alert of the inbox (kept by the server: it has an id, a status and who acknowledged it). */
export type Alert = Schemas['PartnerAlert'];
/** A missed SLA or an amount over the threshold, computed for today (not kept: no id, no status). */
export type ComputedAlert = Schemas['Alert'];
export type ExportJob = Schemas['ExportJob'];
export type ExportRequest = Body<'/api/v1/partner/billing/invoices/export', 'post'>;
export type Dashboard = Schemas['PartnerDashboard'];
export type CustomerFiguresRow = Schemas['CustomerFiguresRow'];
/** A customer's figures without its link (the dashboard's customers that need attention). */
export type CustomerFiguresOnly = Schemas['CustomerFigures'];
export type UsageRow = Answer<'/api/v1/partner/reports/usage', 'get'>['data'][number];
export type NewTicket = Body<'/api/v1/partner/support/tickets', 'post'>;
export type TicketChange = Body<'/api/v1/partner/support/tickets/{ticket_id}', 'patch'>;

/** What a link commits to: SLA, alert settings and the billing threshold, with who changed it last and whether the reader may change it. */
export type LinkCommitments = Schemas['LinkCommitmentsView'];
/** The answer to a change: the commitments as saved (without can_edit: the one who saved them may). */
export type SavedCommitments = Schemas['LinkCommitments'];
/** The commitments themselves (what the edit form sends whole). */
export type Commitments = Pick<Schemas['LinkCommitments'], 'sla' | 'alerts' | 'billing_threshold'>;
/** A change of the commitments: any of their three parts. */
export type CommitmentsChange = Body<'/api/v1/partner/customers/{tenant_id}/commitments', 'put'>;
export type Priority = keyof Commitments['sla']['response_minutes'];

/** The customer's own records read through the resource API, by kind. */
export type ResourceKind = 'orders' | 'services' | 'invoices' | 'tickets' | 'usage' | 'sla';
export type ResourcePage<K extends ResourceKind> = Answer<`/resources/v1/${K}`, 'get'>;
export type ResourceLists = { [K in ResourceKind]: Answer<`/resources/v1/${K}`, 'get'>['data'] };
export type ResourceRecord<K extends ResourceKind> = ResourceLists[K][number];

type Get<P extends keyof paths> = Answer<P, 'get'>;

export const mspApi = {
  /** the commitments of the link with one managed customer */
  commitments: (tenantId: string) => http.get<LinkCommitments>(`/api/v1/partner/customers/${enc(tenantId)}/commitments`),
  setCommitments: (tenantId: string, body: CommitmentsChange) => http.put<SavedCommitments>(`/api/v1/partner/customers/${enc(tenantId)}/commitments`, body),
  /** every managed customer at once: tiles, revenue by month, the customers lowest in SLA and those that need attention */
  dashboard: (q: Query = {}) => http.get<Dashboard>('/api/v1/partner/dashboard', q),
  /** each managed customer's figures, a page (up to 200) at a time */
  customerFigures: (q: Query = {}) => http.get<Schemas['CustomerFiguresPage']>('/api/v1/partner/customers/figures', q),
  billingSummary: (q: Query = {}) => http.get<Schemas['BillingSummaryPage']>('/api/v1/partner/billing/summary', q),
  invoices: (q: Query = {}) => http.get<Get<'/api/v1/partner/billing/invoices'>>('/api/v1/partner/billing/invoices', { limit: 200, ...q }),
  /** the file itself (small sets), or a job to follow (large ones) */
  exportInvoices: async (body: ExportRequest): Promise<{ file: Blob; filename: string } | { job: ExportJob }> => {
    const r = await requestFile('POST', '/api/v1/partner/billing/invoices/export', body.format === 'csv' ? { ...body, format: undefined } : body);
    if ('file' in r) return r;
    return { job: (r.json as { job: ExportJob }).job };
  },
  exportJobs: () => http.get<Get<'/api/v1/partner/exports'>>('/api/v1/partner/exports'),
  exportJob: (id: string) => http.get<ExportJob>(`/api/v1/partner/exports/${enc(id)}`),
  downloadExport: (url: string) => requestFile('GET', url),
  tickets: (q: Query = {}) => http.get<Get<'/api/v1/partner/support/tickets'>>('/api/v1/partner/support/tickets', { limit: 200, ...q }),
  openTicket: (body: NewTicket) => http.post<Ticket>('/api/v1/partner/support/tickets', body),
  updateTicket: (id: string, body: TicketChange) => http.patch<Ticket>(`/api/v1/partner/support/tickets/${enc(id)}`, body),
  comment: (id: string, text: string) => http.post<Ticket>(`/api/v1/partner/support/tickets/${enc(id)}/comments`, { text }),
  assign: (id: string, userId: string | null) => http.post<Ticket>(`/api/v1/partner/support/tickets/${enc(id)}/assign`, { assignee_user_id: userId }),
  assignable: () => http.get<Get<'/api/v1/partner/members/assignable'>>('/api/v1/partner/members/assignable'),
  usage: (q: Query = {}) => http.get<Get<'/api/v1/partner/reports/usage'>>('/api/v1/partner/reports/usage', q),
  sla: (q: Query = {}) => http.get<Get<'/api/v1/partner/reports/sla'>>('/api/v1/partner/reports/sla', q),
  slaAlerts: (q: Query = {}) => http.get<Get<'/api/v1/partner/alerts/sla'>>('/api/v1/partner/alerts/sla', q),
  billingAlerts: (q: Query = {}) => http.get<Get<'/api/v1/partner/alerts/billing'>>('/api/v1/partner/alerts/billing', q),
  /** the alerts inbox: open and acknowledged alerts kept by the server */
  inbox: (q: Query = {}) => http.get<Get<'/api/v1/partner/alerts'>>('/api/v1/partner/alerts', q),
  acknowledge: (id: string) => http.post<Alert>(`/api/v1/partner/alerts/${enc(id)}/acknowledge`),
  resolve: (id: string) => http.post<Alert>(`/api/v1/partner/alerts/${enc(id)}/resolve`),
  permissions: () => http.get<Get<'/api/v1/permissions'>>('/api/v1/permissions'),
};

/** A customer's own data, read through the gateway as a member of the tenant. */
const asTenant = (tenantId: string) => ({ headers: { 'X-Active-Tenant-Id': tenantId } });
export const selfApi = {
  /** what each linked partner committed to */
  commitments: (tenantId: string) => http.get<Get<'/api/v1/tenants/{tenant_id}/commitments'>>(`/api/v1/tenants/${enc(tenantId)}/commitments`),
  setCommitments: (tenantId: string, delegationId: string, body: CommitmentsChange) =>
    http.put<SavedCommitments>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(delegationId)}/commitments`, body),
  read: <K extends ResourceKind>(tenantId: string, what: K, q: Query = {}) => http.get<{ data: ResourceLists[K] }>(`/resources/v1/${what}`, { limit: 200, ...q }, asTenant(tenantId)),
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
