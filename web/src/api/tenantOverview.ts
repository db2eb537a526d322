/**
 * What the tenant's overview reads, from endpoints other pages use too: the self-service summary and
 * lists (/api/v1/tenants/:id/self/…), the alerts partners see about the tenant, and the key factory
 * the overview and its sidebar badge share with the pages where each waiting item is answered (so an
 * approval there refreshes the count here).
 */
import { http } from './client.ts';
import type { Answer, Schemas } from './schema.ts';

const enc = encodeURIComponent;
type Query = Record<string, string | number | undefined>;

export type TenantSelfSummary = Schemas['TenantSelfSummary'];
export type TenantAlertPage = Answer<'/api/v1/tenants/{tenant_id}/alerts', 'get'>;

export const overviewApi = {
  /** open orders and tickets, receivables per currency (null where the role does not show them) */
  summary: (tenantId: string) => http.get<TenantSelfSummary>(`/api/v1/tenants/${enc(tenantId)}/self/summary`),
  invoices: (tenantId: string, q: Query) => http.get<Answer<'/api/v1/tenants/{tenant_id}/self/invoices', 'get'>>(`/api/v1/tenants/${enc(tenantId)}/self/invoices`, q),
  tickets: (tenantId: string, q: Query) => http.get<Answer<'/api/v1/tenants/{tenant_id}/self/tickets', 'get'>>(`/api/v1/tenants/${enc(tenantId)}/self/tickets`, q),
  /** alerts the tenant's partners see about it (SLA breaches, overdue invoices, a billing threshold) */
  alerts: (tenantId: string, q: Query = {}) => http.get<TenantAlertPage>(`/api/v1/tenants/${enc(tenantId)}/alerts`, q),
};
