/**
 * The partner program: referral codes, referred customers, agreements, earnings,
 * payouts and the public sign-up — wire types and calls. Shapes follow the shared contract
 * (PROGRAM-API.md): money is integer minor units next to a currency.
 */
import { http } from './client.ts';
import type { Body, Schemas } from './schema.ts';

const enc = encodeURIComponent;

export type EarningState = Schemas['Earning']['state'];
export const EARNING_STATES: EarningState[] = ['pending', 'approved', 'paid', 'reversed'];

export type ProgramSummary = Schemas['ProgramSummary'];
export type MonthTotals = ProgramSummary['by_month'][number];
export type ReferralCode = Schemas['ReferralCode'];
export type Referral = Schemas['Referral'];
/** a partner's line, or the operator's (which names the partner) */
export type Earning = Schemas['Earning'] & { partner?: Schemas['OperatorEarning']['partner'] };
export type EarningDetail = Schemas['EarningDetail'];
export type Agreement = Schemas['Agreement'];
export type Commission = Agreement['commission'];
export type PartnerAgreements = Schemas['PartnerAgreements'];
export type ProgramPartnerRow = Schemas['ProgramPartner'];
export type ProgramTotals = Schemas['ProgramTotals'];
export type Payout = Schemas['Payout'];
export type SignupResult = Schemas['SignupResult'];
export type ReferralLanding = Schemas['ReferralLanding'];
export type EarningsComputation = Schemas['EarningsComputation'];

export interface List<T> {
  items: T[];
  total: number;
}

export type SignupBody = Body<'/api/v1/signup', 'post'>;

const partnerBase = (pid: string) => `/api/v1/partners/${enc(pid)}/program`;

export const programApi = {
  // ---- partner plane ----
  summary: (pid: string) => http.get<ProgramSummary>(`${partnerBase(pid)}/summary`),
  codes: (pid: string) => http.get<List<ReferralCode>>(`${partnerBase(pid)}/codes`),
  createCode: (pid: string, body: { label?: string; landing_note?: string }) => http.post<ReferralCode>(`${partnerBase(pid)}/codes`, body),
  setCodeActive: (pid: string, code: string, active: boolean) => http.patch<ReferralCode>(`${partnerBase(pid)}/codes/${enc(code)}`, { active }),
  referrals: (pid: string, q: { q?: string; limit?: number; offset?: number }) => http.get<List<Referral>>(`${partnerBase(pid)}/referrals`, q),
  earnings: (pid: string, q: { period?: string; state?: string; limit?: number; offset?: number }) => http.get<List<Earning>>(`${partnerBase(pid)}/earnings`, q),
  earning: (pid: string, id: string) => http.get<EarningDetail>(`${partnerBase(pid)}/earnings/${enc(id)}`),
  /** a plain link: the browser downloads every line as a file, with the session cookie */
  exportUrl: (pid: string) => `${partnerBase(pid)}/earnings/export`,
  agreements: (pid: string) => http.get<PartnerAgreements>(`${partnerBase(pid)}/agreements`),
  sign: (pid: string, agreementId: string, full_name: string) => http.post<Agreement>(`${partnerBase(pid)}/agreements/${enc(agreementId)}/sign`, { full_name, accept: true }),

  // ---- operator ----
  partners: () => http.get<{ items: ProgramPartnerRow[] }>('/api/v1/program/partners'),
  totals: () => http.get<ProgramTotals>('/api/v1/program/totals'),
  partnerAgreements: (pid: string) => http.get<{ items: Agreement[] }>(`/api/v1/program/partners/${enc(pid)}/agreements`),
  draftAgreement: (pid: string, body: { title: string; terms_markdown: string; commission: Commission; effective_date: string }) =>
    http.post<Agreement>(`/api/v1/program/partners/${enc(pid)}/agreements`, body),
  approveAgreement: (agreementId: string) => http.post<Agreement>(`/api/v1/program/agreements/${enc(agreementId)}/approve`),
  compute: (period?: string) => http.post<EarningsComputation>('/api/v1/program/earnings/compute', period ? { period } : {}),
  allEarnings: (q: { partner_id?: string; state?: string; period?: string; limit?: number; offset?: number }) => http.get<List<Schemas['OperatorEarning']>>('/api/v1/program/earnings', q),
  earningDetail: (id: string) => http.get<EarningDetail>(`/api/v1/program/earnings/${enc(id)}`),
  approveEarnings: (earning_ids: string[]) => http.post<{ approved: number }>('/api/v1/program/earnings/approve', { earning_ids }),
  recordPayout: (body: { partner_id: string; reference: string; paid_date: string; earning_ids?: string[] }) => http.post<Payout>('/api/v1/program/payouts', body),
  payouts: (partner_id?: string) => http.get<{ items: Payout[] }>('/api/v1/program/payouts', { partner_id }),

  // ---- public ----
  signup: (body: SignupBody) => http.post<SignupResult>('/api/v1/signup', body),
  referralInfo: (code: string) => http.get<ReferralLanding>(`/api/v1/signup/referral/${enc(code)}`, undefined, { quiet401: true }),
};
