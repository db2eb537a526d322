/**
 * A customer acting on its own records: one ticket with its conversation, a reply, a new ticket;
 * one invoice with its lines, and its PDF. Wire types from the generated schema (api/schema.ts);
 * query keys under ['self', tenantId] so the lists on the page read again after a change.
 */
import { http, requestFile } from './client.ts';
import type { Schemas } from './schema.ts';

const enc = encodeURIComponent;
const base = (tenantId: string) => `/api/v1/tenants/${enc(tenantId)}/self`;

export type OwnTicket = Schemas['TenantTicket'];
export type OwnInvoice = Schemas['TenantInvoice'];
export type TicketMessage = OwnTicket['comments'][number];

export interface NewOwnTicket {
  subject: string;
  description: string;
  category?: 'billing' | 'technical' | 'service_request' | 'other';
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  ban_id?: string;
}

export const selfRecordsApi = {
  /** one of the tenant's own lists (orders, services, invoices, tickets, usage, SLA records), first 200 */
  list: <T>(tenantId: string, what: string) => http.get<{ data: T[] }>(`${base(tenantId)}/${enc(what)}`, { limit: 200 }),
  ticket: (tenantId: string, id: string) => http.get<OwnTicket>(`${base(tenantId)}/tickets/${enc(id)}`),
  /** `key`: the same for a retry of the same ticket (sent to the provider once) */
  openTicket: (tenantId: string, body: NewOwnTicket, key?: string) => http.post<OwnTicket>(`${base(tenantId)}/tickets`, body, key ? { headers: { 'idempotency-key': key } } : {}),
  reply: (tenantId: string, id: string, text: string) => http.post<OwnTicket>(`${base(tenantId)}/tickets/${enc(id)}/comments`, { text }),
  invoice: (tenantId: string, id: string) => http.get<OwnInvoice>(`${base(tenantId)}/invoices/${enc(id)}`),
  /** the invoice's PDF and its file name ("Invoice INV-….pdf") */
  invoicePdf: async (tenantId: string, id: string): Promise<{ file: Blob; filename: string }> => {
    const r = await requestFile('GET', `${base(tenantId)}/invoices/${enc(id)}/pdf`);
    if (!('file' in r)) throw new Error('The server did not answer a file.');
    return r;
  },
};
