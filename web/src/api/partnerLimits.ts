/** A partner's session policy, limits and quotas, API access policy and usage. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type PartnerUsageDto = Schemas['PartnerUsage'];
export interface SessionSection {
  idle_minutes?: number;
  absolute_minutes?: number;
  max_sessions?: number;
}
export interface LimitsSection {
  per_minute?: Record<string, number>;
  daily_quota?: number | null;
  monthly_quota?: number | null;
}
export interface ApiSection {
  route_classes?: string[] | null;
  ip_allow?: string[];
}
export interface PartnerConfigDto {
  partner_id: string;
  version: number;
  config: { session?: SessionSection; limits?: LimitsSection; api?: ApiSection; [section: string]: unknown };
}

const enc = encodeURIComponent;
const p = (partnerId: string) => `/api/v1/partners/${enc(partnerId)}`;

export const partnerLimitsApi = {
  config: (partnerId: string) => http.get<PartnerConfigDto>(`${p(partnerId)}/configuration`),
  setSection: (partnerId: string, section: 'session' | 'limits' | 'api', value: unknown, expectedVersion?: number) =>
    http.put<PartnerConfigDto>(`${p(partnerId)}/configuration/${section}`, { value, ...(expectedVersion !== undefined ? { expected_version: expectedVersion } : {}) }),
  usage: (partnerId: string, q: { from?: string; to?: string } = {}) => http.get<PartnerUsageDto>(`${p(partnerId)}/usage`, q),
};
