/** Delegations (partner ↔ tenant access), the MSP's customer views and the X-Active-Tenant-Id context (wire types and calls). */
import type { Answer, Body, Params, paths, Schemas } from './schema.ts';
import { http } from './client.ts';

export type Overrides = DelegationDto['overrides'];

export type DelegationDto = Schemas['Delegation'];

export type DelegationPage = Answer<'/api/v1/tenants/{tenant_id}/delegations', 'get'>;

export type CustomerDetail = Answer<'/api/v1/partner/customers/{tenant_id}', 'get'>;
export type CustomerTenant = CustomerDetail['tenant'];
/** A managed customer in the list: a distributor's reached through a reseller's link say which (through_reseller). */
export type CustomerRow = Answer<'/api/v1/partner/customers', 'get'>['data'][number];

export type LinkRequest = Body<'/api/v1/partners/{partner_id}/delegations', 'post'>;

/** What the delegation lists filter on (the operator's list takes the most; a partner's or tenant's list is already scoped). */
export type DelegationFilter = Params<'/api/v1/delegations', 'get'>;

/** A role of the catalog (GET /api/v1/roles): the portal shows its name, description and grants as the server seeds them. */
export type RoleDto = Schemas['Role'];

/** GET /api/v1/partner/context: what X-Active-Tenant-Id resolves to for the signed-in user. */
export type PartnerContext = Answer<'/api/v1/partner/context', 'get'>;

/** A link's relationship details (contract reference, contacts, notes), kept by both sides. */
export type RelationshipDto = paths['/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/relationship']['get']['responses'][200]['content']['application/json'];
export type RelationshipBody = NonNullable<paths['/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/relationship']['put']['requestBody']>['content']['application/json'];
/** The customer's own limits on a link: addresses, hours, an end. */
export type LinkLimitsDto = paths['/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/limits']['get']['responses'][200]['content']['application/json'];
export type LinkLimitsBody = NonNullable<paths['/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/limits']['put']['requestBody']>['content']['application/json'];

/** The header with which a partner user names the managed customer a request acts on. */
export const ACTIVE_TENANT_HEADER = 'X-Active-Tenant-Id';
const asTenant = (tenantId: string) => ({ headers: { [ACTIVE_TENANT_HEADER]: tenantId } });

const enc = encodeURIComponent;

export const delegationsApi = {
  // partner side
  partnerList: (partnerId: string, f: DelegationFilter = {}) => http.get<DelegationPage>(`/api/v1/partners/${enc(partnerId)}/delegations`, { ...f }),
  requestLink: (partnerId: string, body: LinkRequest) => http.post<DelegationDto>(`/api/v1/partners/${enc(partnerId)}/delegations`, body),
  renew: (partnerId: string, id: string, ends_at: string) => http.post<DelegationDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/renew`, { ends_at }),
  relinquish: (partnerId: string, id: string, reason: string) => http.post<DelegationDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/relinquish`, { reason }),
  customers: (status?: string, offset?: number) => http.get<{ data: CustomerRow[]; next_cursor: string | null }>('/api/v1/partner/customers', { status, limit: 200, offset }),
  customer: (tenantId: string) => http.get<CustomerDetail>(`/api/v1/partner/customers/${enc(tenantId)}`),
  /** the effective context the server resolves for the active customer */
  context: (tenantId: string) => http.get<PartnerContext>('/api/v1/partner/context', undefined, asTenant(tenantId)),
  /** a read of the managed customer's resources through the gateway, with the portal session and the active customer */
  resource: <T>(tenantId: string, path: string, query?: Record<string, string | number>) => http.get<T>(`/resources/v1${path}`, query, asTenant(tenantId)),

  relationship: (partnerId: string, id: string) => http.get<RelationshipDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/relationship`),
  setRelationship: (partnerId: string, id: string, body: RelationshipBody) => http.put<RelationshipDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/relationship`, body),
  limits: (partnerId: string, id: string) => http.get<LinkLimitsDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(id)}/limits`),

  // catalog
  roles: () => http.get<{ data: RoleDto[] }>('/api/v1/roles', { catalog: 'delegation' }),

  // tenant side
  tenantList: (tenantId: string, f: DelegationFilter = {}) => http.get<DelegationPage>(`/api/v1/tenants/${enc(tenantId)}/delegations`, { limit: 200, ...f }),
  approve: (tenantId: string, id: string, body: { ban_ids?: string[] | null; overrides?: Partial<Overrides> } = {}) =>
    http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/approve`, body),
  reject: (tenantId: string, id: string, reason?: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/reject`, reason ? { reason } : {}),
  revoke: (tenantId: string, id: string, reason: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/revoke`, { reason }),
  /** one purpose of an access, the others stay */
  revokePurpose: (tenantId: string, id: string, purposeId: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/purposes/${enc(purposeId)}/revoke`),
  updateAccess: (tenantId: string, id: string, body: { overrides?: Partial<Overrides>; ban_ids?: string[] | null }) =>
    http.patch<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}`, body),
  confirm: (tenantId: string, id: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/confirm`),
  approveRenewal: (tenantId: string, id: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/renewal/approve`),
  rejectRenewal: (tenantId: string, id: string) => http.post<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/renewal/reject`),
  breakGlass: (tenantId: string, partner_id: string, reason: string) => http.post<{ revoked: string[] }>(`/api/v1/tenants/${enc(tenantId)}/delegations/break-glass`, { partner_id, reason }),
  tenantGet: (tenantId: string, id: string) => http.get<DelegationDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}`),
  tenantRelationship: (tenantId: string, id: string) => http.get<RelationshipDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/relationship`),
  setTenantRelationship: (tenantId: string, id: string, body: RelationshipBody) => http.put<RelationshipDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/relationship`, body),
  tenantLimits: (tenantId: string, id: string) => http.get<LinkLimitsDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/limits`),
  setTenantLimits: (tenantId: string, id: string, body: LinkLimitsBody) => http.put<LinkLimitsDto>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(id)}/limits`, body),
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
