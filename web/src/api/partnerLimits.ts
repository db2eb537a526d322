/** A partner's session policy, limits and quotas, API access policy and usage. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';
import type { PartnerConfigDto } from './features.ts';

export type PartnerUsageDto = Schemas['PartnerUsage'];
export type { PartnerConfigDto };
export type SessionSection = NonNullable<PartnerConfigDto['config']['session']>;
export type LimitsSection = NonNullable<PartnerConfigDto['config']['limits']>;
export type ApiSection = NonNullable<PartnerConfigDto['config']['api']>;

const enc = encodeURIComponent;
const p = (partnerId: string) => `/api/v1/partners/${enc(partnerId)}`;

export const partnerLimitsApi = {
  setSection: (partnerId: string, section: 'session' | 'limits' | 'api', value: unknown, expectedVersion?: number) =>
    http.put<PartnerConfigDto>(`${p(partnerId)}/configuration/${section}`, { value, ...(expectedVersion !== undefined ? { expected_version: expectedVersion } : {}) }),
  usage: (partnerId: string, q: { from?: string; to?: string } = {}) => http.get<PartnerUsageDto>(`${p(partnerId)}/usage`, q),
};
