/** The operator's partner making (one by the form, many by a file) and partners' brands. */
import type { Answer, Body, Schemas } from './schema.ts';
import { http } from './client.ts';

export type CreatedPartner = Answer<'/api/v1/partners', 'post'>;
export type PartnerImportReport = Schemas['PartnerImportReport'];
export type PartnerBrand = Schemas['PartnerBrand'];
export type ShownBrand = Schemas['ShownBrand'];

export type NewPartnerBody = Body<'/api/v1/partners', 'post'>;

const enc = encodeURIComponent;

export const partnerOpsApi = {
  create: (body: NewPartnerBody) => http.post<CreatedPartner>('/api/v1/partners', body),
  previewImport: (format: 'csv' | 'ndjson', content: string) => http.post<PartnerImportReport>('/api/v1/partner-imports/preview', { format, content }),
  applyImport: (format: 'csv' | 'ndjson', content: string) => http.post<PartnerImportReport>('/api/v1/partner-imports', { format, content, confirm: true }),
  templateUrl: '/api/v1/partner-imports/template',
};

export const brandingApi = {
  get: (partnerId: string) => http.get<PartnerBrand>(`/api/v1/partners/${enc(partnerId)}/branding`),
  update: (partnerId: string, body: { display_name?: string | null; primary_color?: string | null; accent_color?: string | null }) => http.patch<PartnerBrand>(`/api/v1/partners/${enc(partnerId)}/branding`, body),
  uploadLogo: (partnerId: string, contentBase64: string) => http.put<PartnerBrand>(`/api/v1/partners/${enc(partnerId)}/branding/logo`, { content_base64: contentBase64 }),
  removeLogo: (partnerId: string) => http.delete<PartnerBrand>(`/api/v1/partners/${enc(partnerId)}/branding/logo`),
  setCustomerBranding: (partnerId: string, allowed: boolean, reason?: string) => http.put<PartnerBrand>(`/api/v1/partners/${enc(partnerId)}/branding/customers`, { allowed, ...(reason ? { reason } : {}) }),
  mine: () => http.get<{ brand: ShownBrand | null }>('/api/v1/me/brand'),
  ofTenant: (tenantId: string) => http.get<{ brand: ShownBrand | null }>(`/api/v1/tenants/${enc(tenantId)}/brand`),
};
