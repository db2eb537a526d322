/** The provider's data sources (operator) and where the records a person sees come from (freshness). */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type DataSourceDto = Schemas['DataSource'];
export type DataSourceDetailDto = Schemas['DataSourceDetail'];
export type DataSourceIssuedDto = Schemas['DataSourceTokenIssued'];
export type DataFreshnessDto = Schemas['DataFreshness'];
export type EarningsFreshnessDto = Schemas['EarningsFreshness'];
export type SourceKind = DataSourceDto['kinds'][number];

const enc = encodeURIComponent;

export const dataSourcesApi = {
  list: () => http.get<{ data: DataSourceDto[] }>('/api/v1/data-sources'),
  get: (id: string) => http.get<DataSourceDetailDto>(`/api/v1/data-sources/${enc(id)}`),
  create: (body: { name: string; kinds: SourceKind[]; scope: { all: boolean; tenant_ids?: string[]; partner_ids?: string[] } }) => http.post<DataSourceIssuedDto>('/api/v1/data-sources', body),
  rotate: (id: string) => http.post<DataSourceIssuedDto>(`/api/v1/data-sources/${enc(id)}/token`, {}),
  revoke: (id: string) => http.delete<DataSourceDto>(`/api/v1/data-sources/${enc(id)}/token`),
  retryHeld: (id: string) => http.post<{ applied: number; still_held: number; rejected: number }>(`/api/v1/data-sources/${enc(id)}/held/retry`, {}),
  dismissHeld: (id: string, heldId: string) => http.delete(`/api/v1/data-sources/${enc(id)}/held/${enc(heldId)}`),
  tenantFreshness: (tenantId: string) => http.get<DataFreshnessDto>(`/api/v1/tenants/${enc(tenantId)}/data-freshness`),
  partnerFreshness: () => http.get<DataFreshnessDto>('/api/v1/partner/data-freshness'),
  /** where the billing data behind a referral partner's earnings comes from (its referred customers' invoices) */
  earningsFreshness: (partnerId: string) => http.get<EarningsFreshnessDto>(`/api/v1/partners/${enc(partnerId)}/program/data-freshness`),
};
