/** Access templates, access requests and the tenant's approval policy (wire types and calls). */
import { http } from './client.ts';
import type { Body, Schemas } from './schema.ts';

export type AccessTemplate = Schemas['AccessTemplate'];
export type AccessRequest = Schemas['AccessRequest'];
export type ApprovalPolicy = Schemas['ApprovalPolicy'];
export type TemplateBody = Body<'/api/v1/access-templates', 'post'>;
export type TemplatePatch = Body<'/api/v1/access-templates/{template_id}', 'patch'>;
export type AccessRequestBody = Body<'/api/v1/partners/{partner_id}/access-requests', 'post'>;
export type ApprovalPolicyBody = Body<'/api/v1/tenants/{tenant_id}/approval-policy', 'put'>;
type RequestPage = Schemas['AccessRequestPage'];

const enc = encodeURIComponent;
const partnerPath = (partnerId: string) => `/api/v1/partners/${enc(partnerId)}`;
const tenantPath = (tenantId: string) => `/api/v1/tenants/${enc(tenantId)}`;

export const accessTemplatesApi = {
  platform: () => http.get<{ data: AccessTemplate[] }>('/api/v1/access-templates'),
  createPlatform: (body: TemplateBody) => http.post<AccessTemplate>('/api/v1/access-templates', body),
  updatePlatform: (id: string, body: TemplatePatch) => http.patch<AccessTemplate>(`/api/v1/access-templates/${enc(id)}`, body),
  /** the templates the partner may ask with: the platform's and its own, active */
  usable: (partnerId: string) => http.get<{ data: AccessTemplate[] }>(`${partnerPath(partnerId)}/access-templates`),
  own: (partnerId: string, status: 'active' | 'archived') => http.get<{ data: AccessTemplate[] }>(`${partnerPath(partnerId)}/access-templates`, { status }),
  createOwn: (partnerId: string, body: TemplateBody) => http.post<AccessTemplate>(`${partnerPath(partnerId)}/access-templates`, body),
  updateOwn: (partnerId: string, id: string, body: TemplatePatch) => http.patch<AccessTemplate>(`${partnerPath(partnerId)}/access-templates/${enc(id)}`, body),
};

export const accessRequestsApi = {
  partnerList: (partnerId: string) => http.get<RequestPage>(`${partnerPath(partnerId)}/access-requests`),
  ask: (partnerId: string, body: AccessRequestBody) => http.post<AccessRequest>(`${partnerPath(partnerId)}/access-requests`, body),
  withdraw: (partnerId: string, id: string) => http.post<AccessRequest>(`${partnerPath(partnerId)}/access-requests/${enc(id)}/withdraw`),
  tenantList: (tenantId: string, status?: string) => http.get<RequestPage>(`${tenantPath(tenantId)}/access-requests`, status ? { status } : {}),
  approve: (tenantId: string, id: string) => http.post<AccessRequest>(`${tenantPath(tenantId)}/access-requests/${enc(id)}/approve`),
  reject: (tenantId: string, id: string, reason?: string) => http.post<AccessRequest>(`${tenantPath(tenantId)}/access-requests/${enc(id)}/reject`, { reason: reason ?? null }),
  policy: (tenantId: string) => http.get<ApprovalPolicy>(`${tenantPath(tenantId)}/approval-policy`),
  setPolicy: (tenantId: string, body: ApprovalPolicyBody) => http.put<ApprovalPolicy>(`${tenantPath(tenantId)}/approval-policy`, body),
};
