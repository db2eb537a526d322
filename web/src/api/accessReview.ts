/** Who can reach what: the tenants a partner can act on, and the partners (and their people) who can act on a tenant. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type TenantReached = Schemas['TenantReached'];
export type PartnerReaching = Schemas['PartnerReaching'];
export type PersonReaching = Schemas['PersonReaching'];

const enc = encodeURIComponent;
const page = (cursor: string | undefined) => ({ limit: 50, ...(cursor ? { cursor } : {}) });

export const accessReviewApi = {
  /** operator: which tenants the partner can reach now, with what */
  tenantsOfPartner: (partnerId: string, cursor?: string) => http.get<{ data: TenantReached[]; next_cursor: string | null; total: number }>(`/api/v1/access-review/partners/${enc(partnerId)}`, page(cursor)),
  /** operator: who can reach the tenant now, with what */
  partnersOfTenant: (tenantId: string, cursor?: string) => http.get<{ data: PartnerReaching[]; next_cursor: string | null; total: number }>(`/api/v1/access-review/tenants/${enc(tenantId)}`, page(cursor)),
  /** the tenant's own admins: who can reach this tenant now, with what */
  partnersOfOwnTenant: (tenantId: string, cursor?: string) => http.get<{ data: PartnerReaching[]; next_cursor: string | null; total: number }>(`/api/v1/tenants/${enc(tenantId)}/access-review`, page(cursor)),
};
