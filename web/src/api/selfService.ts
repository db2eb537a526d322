/**
 * A customer acting on its own records: one ticket with its conversation, a reply, a new ticket;
 * one invoice with its lines, and its PDF. Wire types from the generated schema (api/schema.ts);
 * query keys under ['self', tenantId] so the lists on the page read again after a change.
 */
import { http, requestFile } from './client.ts';
import type { Answer, Body, Schemas } from './schema.ts';

const enc = encodeURIComponent;
const base = (tenantId: string) => `/api/v1/tenants/${enc(tenantId)}/self`;

export type OwnTicket = Schemas['TenantTicket'];
export type OwnOrder = Schemas['Order'];
export type NewOwnOrder = Body<'/api/v1/tenants/{tenant_id}/self/orders', 'post'>;
/** The tenant's own lists, by kind, as the self-service endpoints answer them (people and names given). */
export type OwnKind = 'orders' | 'services' | 'invoices' | 'tickets' | 'usage' | 'sla' | 'subscribers';
export type OwnLists = { [K in OwnKind]: Answer<`/api/v1/tenants/{tenant_id}/self/${K}`, 'get'>['data'] };

/** What the reference catalog sells (the product codes the API takes; the names as the orders show them). */
export const ORDERABLE_PRODUCTS: readonly { code: string; name: string }[] = [
  { code: 'FIBER-1G', name: 'Dedicated Internet Access — 1 Gbps fiber' },
  { code: 'FIBER-10G', name: 'Dedicated Internet Access — 10 Gbps fiber' },
  { code: 'SDWAN-BRANCH', name: 'SD-WAN branch edge' },
  { code: 'SIP-TRUNK-20', name: 'SIP trunk, 20 channels' },
  { code: 'MOBILE-5G-LINE', name: '5G mobile line, unlimited data' },
  { code: 'STATIC-IP-29', name: 'Static IPv4 block /29' },
];
export type OwnInvoice = Schemas['TenantInvoice'];
export type TicketMessage = OwnTicket['comments'][number];

export type NewOwnTicket = Body<'/api/v1/tenants/{tenant_id}/self/tickets', 'post'>;

export const selfRecordsApi = {
  /** one of the tenant's own lists (orders, services, invoices, tickets, usage, SLA records), first 200 */
  list: <K extends OwnKind>(tenantId: string, what: K) => http.get<{ data: OwnLists[K] }>(`${base(tenantId)}/${enc(what)}`, { limit: 200 }),
  ticket: (tenantId: string, id: string) => http.get<OwnTicket>(`${base(tenantId)}/tickets/${enc(id)}`),
  /** `key`: the same for a retry of the same ticket (sent to the provider once) */
  openTicket: (tenantId: string, body: NewOwnTicket, key?: string) => http.post<OwnTicket>(`${base(tenantId)}/tickets`, body, key ? { headers: { 'idempotency-key': key } } : {}),
  /** `key`: the same for a retry of the same order (sent to the provider once) */
  placeOrder: (tenantId: string, body: NewOwnOrder, key: string) => http.post<OwnOrder>(`${base(tenantId)}/orders`, body, { headers: { 'idempotency-key': key } }),
  cancelOrder: (tenantId: string, id: string) => http.post<OwnOrder>(`${base(tenantId)}/orders/${enc(id)}/cancel`, {}),
  reply: (tenantId: string, id: string, text: string) => http.post<OwnTicket>(`${base(tenantId)}/tickets/${enc(id)}/comments`, { text }),
  invoice: (tenantId: string, id: string) => http.get<OwnInvoice>(`${base(tenantId)}/invoices/${enc(id)}`),
  /** the invoice's PDF and its file name ("Invoice INV-….pdf") */
  invoicePdf: async (tenantId: string, id: string): Promise<{ file: Blob; filename: string }> => {
    const r = await requestFile('GET', `${base(tenantId)}/invoices/${enc(id)}/pdf`);
    if (!('file' in r)) throw new Error('The server did not answer a file.');
    return r;
  },
};
