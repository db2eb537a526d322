/** Delegations (partner ↔ tenant access), seed 001's customer views and the X-Active-Tenant-Id context (wire types and calls). */
import { http } from './client.ts';

export interface Overrides {
  grant: string[];
  deny: string[];
}

export interface DelegationDto {
  id: string;
  partner: { id: string; name: string | null; slug: string | null };
  tenant: { id: string; name: string | null; slug: string | null };
  origin: 'link' | 'consent' | 'wholesale' | string;
  role: string;
  scopes: string[] | null;
  ban_ids: string[] | null;
  overrides: Overrides;
  status: 'requested' | 'active' | 'expired' | 'revoked' | 'rejected' | string;
  justification: string | null;
  starts_at: string;
  ends_at: string;
  renewal_ends_at: string | null;
  client_id: string | null;
  requested_by: string | null;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  revoked_by: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface DelegationPage {
  data: DelegationDto[];
  next_cursor: string | null;
}

export interface CustomerTenant {
  id: string;
  name: string;
  slug: string;
  status: string;
  tier: string;
  created_at: string;
}

export interface CustomerDetail {
  tenant: CustomerTenant;
  delegation: DelegationDto;
  billing_accounts: { id: string; account_number: string; name: string; status: string }[];
  permissions: string[];
}

export interface LinkRequest {
  tenant_slug?: string;
  invite_code?: string;
  role: string;
  ban_ids?: string[] | null;
  overrides?: Partial<Overrides>;
  justification: string;
  ends_at: string;
}

export interface DelegationFilter {
  status?: string;
  origin?: string;
  partner_id?: string;
  tenant_id?: string;
  cursor?: string;
  limit?: number;
}

/** The delegation roles of seed 001, in the words the portal shows. */
export const LINK_ROLES = [
  { value: 'MSP_FULL', label: 'MSP — full', description: 'Every operation on billing, orders, services, support, reports, alerts and vouchers.' },
  { value: 'MSP_BILLING', label: 'MSP — billing', description: 'Billing and revenue only.' },
  { value: 'MSP_SUPPORT', label: 'MSP — support', description: 'Support tickets, service status and SLA.' },
  { value: 'MSP_PROVISIONING', label: 'MSP — provisioning', description: 'Orders, services and vouchers.' },
  { value: 'ENTERPRISE_HQ', label: 'Enterprise HQ', description: 'Subsidiary oversight: reporting, billing visibility, shared support.' },
  { value: 'AUDITOR', label: 'Auditor', description: 'Read-only access everywhere.' },
  { value: 'DELEGATE', label: 'Delegate', description: 'Nothing of its own: exactly the granted permissions.' },
];

export function roleName(role: string): string {
  return LINK_ROLES.find((r) => r.value === role)?.label ?? (role === 'WHOLESALE' ? 'Wholesaler' : role);
}

const enc = encodeURIComponent;

export const delegationsApi = {
  // partner side
  partnerList: (partnerId: string, f: DelegationFilter = {}) => http.get<DelegationPage>(`/api/v1/partners/${enc(partnerId)}/delegations`, { ...f }),
  requestLink: (partnerId: string, body: LinkRequest) => http.post<DelegationDto>(`/api/v1/partners/${enc(partnerId)}/delegations`, body),
  renew: (partnerId: string, id: string, ends_at: string) => http.post<DelegationDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/renew`, { ends_at }),
  relinquish: (partnerId: string, id: string, reason: string) => http.post<DelegationDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/relinquish`, { reason }),
  customers: (status?: string) => http.get<{ data: { tenant: CustomerTenant; delegation: DelegationDto }[]; next_cursor: string | null }>('/api/v1/partner/customers', { status, limit: 200 }),
  customer: (tenantId: string) => http.get<CustomerDetail>(`/api/v1/partner/customers/${enc(tenantId)}`),

  // tenant side
  tenantList: (tenantId: string, f: DelegationFilter = {}) => http.get<DelegationPage>(`/api/v1/tenants/${enc(tenantId)}/delegations`, { limit: 200, ...f }),
  approve: (tenantId: string, id: string, body: { ban_ids?: string[] | null; overrides?: Partial<Overrides> } = {}) =>
    http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/approve`, body),
  reject: (tenantId: string, id: string, reason?: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/reject`, reason ? { reason } : {}),
  revoke: (tenantId: string, id: string, reason: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/revoke`, { reason }),
  updateAccess: (tenantId: string, id: string, body: { overrides?: Partial<Overrides>; ban_ids?: string[] | null }) =>
    http.patch<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}`, body),
  approveRenewal: (tenantId: string, id: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/renewal/approve`),
  rejectRenewal: (tenantId: string, id: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/renewal/reject`),
  breakGlass: (tenantId: string, partner_id: string, reason: string) => http.post<{ revoked: string[] }>(`/api/v1/tenants/${enc(tenantId)}/delegations/break-glass`, { partner_id, reason }),
  inviteCode: (tenantId: string) => http.get<{ invite_code: string | null }>(`/api/v1/tenants/${enc(tenantId)}/invite-code`),
  rotateInviteCode: (tenantId: string) => http.post<{ invite_code: string | null }>(`/api/v1/tenants/${enc(tenantId)}/invite-code`),
  clearInviteCode: (tenantId: string) => http.delete(`/api/v1/tenants/${enc(tenantId)}/invite-code`),

  // operator
  all: (f: DelegationFilter = {}) => http.get<DelegationPage>('/api/v1/delegations', { limit: 50, ...f }),
  operatorRevoke: (id: string, reason: string) => http.post<DelegationDto>(`/api/v1/delegations/${enc(id)}/revoke`, { reason }),
  operatorBreakGlass: (partner_id: string, reason: string, tenant_id?: string) => http.post<{ revoked: string[] }>('/api/v1/delegations/break-glass', { partner_id, reason, tenant_id }),
};

/** "billing.invoices.read, orders.*" → ["billing.invoices.read", "orders.*"] */
export function parseList(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}
