/** The partner configuration manager: the feature catalog, a partner's configuration and its history, a partner's own features. */
import { http } from './client.ts';

export type Lifecycle = 'beta' | 'general' | 'retired';
export interface FeatureDto {
  key: string;
  name: string;
  description: string;
  default_on: boolean;
  lifecycle: Lifecycle;
  opt_in: boolean;
  created_at: string;
  updated_at: string;
}
export interface FeatureInput {
  key: string;
  name: string;
  description: string;
  default_on: boolean;
  lifecycle?: 'beta' | 'general';
  opt_in: boolean;
}
export interface PartnerFeatureDto {
  key: string;
  name: string;
  description: string;
  lifecycle: Lifecycle;
  opt_in: boolean;
  enabled: boolean;
  source: 'default' | 'partner';
  can_switch: boolean;
}
export interface RolesSection {
  member_roles?: string[];
  delegation_roles?: string[];
}
export interface PartnerConfigDto {
  partner_id: string;
  version: number;
  config: { features?: Record<string, boolean>; roles?: RolesSection; [section: string]: unknown };
}
export interface ConfigVersionDto {
  version: number;
  section: string;
  before: unknown;
  after: unknown;
  changes: { path: string; from: unknown; to: unknown }[];
  changed_by: { id: string; name: string; email: string } | null;
  changed_at: string;
}

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

export const LIFECYCLE_LABELS: Record<Lifecycle, string> = { beta: 'Beta (early access)', general: 'Generally available', retired: 'Retired' };

export const MEMBER_ROLE_LABELS: Record<string, string> = {
  partner_msp_full: 'Full access',
  partner_msp_billing: 'Billing',
  partner_msp_support: 'Support',
  partner_auditor: 'Auditor (read-only)',
};
