/** The partner configuration manager: the feature catalog, a partner's configuration and its history, a partner's own features. */
import { http } from './client.ts';
import type { Answer, Body } from './schema.ts';

export type FeatureDto = Answer<'/api/v1/features', 'get'>['data'][number];
export type Lifecycle = FeatureDto['lifecycle'];
export type FeatureInput = Body<'/api/v1/features', 'post'>;
export type PartnerFeatureDto = Answer<'/api/v1/partners/{partner_id}/features', 'get'>['data'][number];
/** GET /partners/:id/configuration: only the sections set for the partner (an absent one: the platform's defaults) */
export type PartnerConfigDto = Answer<'/api/v1/partners/{partner_id}/configuration', 'get'>;
export type RolesSection = NonNullable<PartnerConfigDto['config']['roles']>;
export type ConfigVersionDto = Answer<'/api/v1/partners/{partner_id}/configuration/versions', 'get'>['data'][number];

const enc = encodeURIComponent;
const p = (partnerId: string) => `/api/v1/partners/${enc(partnerId)}`;

export const featuresApi = {
  catalog: () => http.get<{ data: FeatureDto[] }>('/api/v1/features'),
  create: (body: FeatureInput) => http.post<FeatureDto>('/api/v1/features', body),
  update: (key: string, body: Partial<Omit<FeatureDto, 'key' | 'created_at' | 'updated_at'>>) => http.patch<FeatureDto>(`/api/v1/features/${enc(key)}`, body),
  retire: (key: string) => http.post<FeatureDto>(`/api/v1/features/${enc(key)}/retire`, {}),

  config: (partnerId: string) => http.get<PartnerConfigDto>(`${p(partnerId)}/configuration`),
  putSection: (partnerId: string, section: string, value: unknown, expected_version?: number) => http.put<PartnerConfigDto>(`${p(partnerId)}/configuration/${enc(section)}`, { value, expected_version }),
  versions: (partnerId: string, before?: number) => http.get<{ data: ConfigVersionDto[]; next_before: number | null }>(`${p(partnerId)}/configuration/versions`, before ? { before } : undefined),

  mine: (partnerId: string) => http.get<{ data: PartnerFeatureDto[] }>(`${p(partnerId)}/features`),
  switchMine: (partnerId: string, key: string, enabled: boolean) => http.put<PartnerFeatureDto>(`${p(partnerId)}/features/${enc(key)}`, { enabled }),
};

/** The member roles (what a partner's person may do on its customers) an operator can limit a partner to. */
export const MEMBER_ROLE_IDS = ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor'] as const;
