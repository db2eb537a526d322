/** Plans and subscriptions: the operator's catalog, the partner's offer, customers, KYC and subscriptions. */
import type { Body, Schemas } from './schema.ts';
import { http } from './client.ts';

export type PlanDto = Schemas['Plan'];
export type PartnerPlanDto = Schemas['PartnerPlan'];
export type PlanCustomerDto = Schemas['PlanCustomer'];
export type KycCaseDto = Schemas['KycCase'];
export type KycCaseDetailDto = Schemas['KycCaseDetail'];
export type SubscriptionDto = Schemas['Subscription'];
export type PlanAccountDto = Schemas['PlanAccount'];
export type AvailablePlanDto = Schemas['AvailablePlan'];

export type PlanInput = Body<'/api/v1/plans', 'post'>;
export type Segment = PlanInput['segments'][number];
export type KycSubmission = Body<'/api/v1/tenants/{tenant_id}/kyc', 'post'>;
export type KycDocumentInput = KycSubmission['documents'][number];

const enc = encodeURIComponent;
const p = (partnerId: string) => `/api/v1/partners/${enc(partnerId)}`;
const t = (tenantId: string) => `/api/v1/tenants/${enc(tenantId)}`;

export const plansApi = {
  catalog: () => http.get<{ data: PlanDto[] }>('/api/v1/plans'),
  create: (body: PlanInput) => http.post<PlanDto>('/api/v1/plans', body),
  update: (id: string, body: Partial<PlanInput> & { status?: 'active' | 'retired' }) => http.patch<PlanDto>(`/api/v1/plans/${enc(id)}`, body),
  allow: (partnerId: string, planId: string, body: { min_price_minor: number; max_price_minor: number }) => http.put<PartnerPlanDto>(`${p(partnerId)}/allowed-plans/${enc(planId)}`, body),
  revoke: (partnerId: string, planId: string) => http.delete<PartnerPlanDto>(`${p(partnerId)}/allowed-plans/${enc(planId)}`),

  offers: (partnerId: string) => http.get<{ data: PartnerPlanDto[] }>(`${p(partnerId)}/plans`),
  setOffer: (partnerId: string, planId: string, body: { price_minor?: number; offered?: boolean }) => http.patch<PartnerPlanDto>(`${p(partnerId)}/plans/${enc(planId)}`, body),
  customers: (partnerId: string) => http.get<{ data: PlanCustomerDto[] }>(`${p(partnerId)}/plan-customers`),
  setSegment: (partnerId: string, tenantId: string, segment: Segment) => http.put<{ segment: string }>(`${p(partnerId)}/plan-customers/${enc(tenantId)}/segment`, { segment }),
  kycCases: (partnerId: string, status?: string) => http.get<{ data: KycCaseDto[] }>(`${p(partnerId)}/kyc-cases`, status ? { status } : undefined),
  kycCase: (partnerId: string, caseId: string) => http.get<KycCaseDetailDto>(`${p(partnerId)}/kyc-cases/${enc(caseId)}`),
  documentUrl: (partnerId: string, caseId: string, documentId: string) => `${p(partnerId)}/kyc-cases/${enc(caseId)}/documents/${enc(documentId)}`,
  review: (partnerId: string, caseId: string, body: { decision: 'verify' | 'reject'; reason?: string }) => http.post<KycCaseDto>(`${p(partnerId)}/kyc-cases/${enc(caseId)}/review`, body),
  subscriptions: (partnerId: string) => http.get<{ data: SubscriptionDto[] }>(`${p(partnerId)}/subscriptions`),
  partnerAction: (partnerId: string, id: string, action: 'activate' | 'suspend' | 'resume' | 'cancel', reason?: string) =>
    http.post<SubscriptionDto>(`${p(partnerId)}/subscriptions/${enc(id)}/${action}`, reason ? { reason } : {}),

  account: (tenantId: string) => http.get<PlanAccountDto>(`${t(tenantId)}/plan-account`),
  available: (tenantId: string) => http.get<{ data: AvailablePlanDto[] }>(`${t(tenantId)}/plans`),
  submitKyc: (tenantId: string, body: KycSubmission) => http.post<{ case: KycCaseDto }>(`${t(tenantId)}/kyc`, body),
  subscribe: (tenantId: string, planId: string) => http.post<{ subscription: SubscriptionDto; terms: string }>(`${t(tenantId)}/subscriptions`, { plan_id: planId }),
  terms: (tenantId: string, id: string) => http.get<{ terms: string; terms_sha256: string }>(`${t(tenantId)}/subscriptions/${enc(id)}/terms`),
  sign: (tenantId: string, id: string, terms_sha256: string) => http.post<SubscriptionDto>(`${t(tenantId)}/subscriptions/${enc(id)}/sign`, { accept: true, terms_sha256 }),
  cancel: (tenantId: string, id: string) => http.post<SubscriptionDto>(`${t(tenantId)}/subscriptions/${enc(id)}/cancel`, {}),
};


export const SEGMENT_LABELS: Record<Segment, string> = { basic: 'Individual (basic)', company: 'Company', advanced: 'Advanced' };
export const KYC_LABELS: Record<string, string> = { guest: 'Not verified', pending: 'Waiting for review', verified: 'Verified', rejected: 'Rejected', submitted: 'Waiting for review' };
export const SUBSCRIPTION_LABELS: Record<string, string> = { signing: 'Waiting for signature', signed: 'Signed, starting soon', active: 'Active', suspended: 'Suspended', cancelled: 'Cancelled' };
