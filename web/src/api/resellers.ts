/** Two-tier partners: a distributor's resellers, the distributor a reseller sells under, and a customer's switch per reseller link. */
import type { Answer, Schemas } from './schema.ts';
import { http } from './client.ts';

export type Reseller = Schemas['Reseller'];
export type ResellerLink = Schemas['ResellerLink'];
export type OnboardedReseller = Answer<'/api/v1/partners/{partner_id}/resellers', 'post'>;
export type ResellerBilling = Schemas['ResellerBilling'];

const enc = encodeURIComponent;

export const resellersApi = {
  list: (partnerId: string) => http.get<{ data: Reseller[] }>(`/api/v1/partners/${enc(partnerId)}/resellers`),
  onboard: (partnerId: string, body: { name: string; contact_email: string; owner_email: string }) => http.post<OnboardedReseller>(`/api/v1/partners/${enc(partnerId)}/resellers`, body),
  suspend: (partnerId: string, resellerId: string, reason: string) => http.post<Reseller>(`/api/v1/partners/${enc(partnerId)}/resellers/${enc(resellerId)}/suspend`, { reason }),
  resume: (partnerId: string, resellerId: string) => http.post<Reseller>(`/api/v1/partners/${enc(partnerId)}/resellers/${enc(resellerId)}/resume`),
  distributor: (partnerId: string) => http.get<Schemas['Distributor']>(`/api/v1/partners/${enc(partnerId)}/distributor`),
  /** a distributor's billing per reseller, for the months asked (YYYY-MM, inclusive) */
  billing: (period: { period_from?: string; period_to?: string }) => http.get<ResellerBilling>('/api/v1/partner/resellers/billing', period),
  links: (tenantId: string) => http.get<{ data: ResellerLink[] }>(`/api/v1/tenants/${enc(tenantId)}/reseller-links`),
  setDistributorAccess: (tenantId: string, delegationId: string, allowed: boolean) =>
    http.put<ResellerLink>(`/api/v1/tenants/${enc(tenantId)}/reseller-links/${enc(delegationId)}/distributor-access`, { allowed }),
};
