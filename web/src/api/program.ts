/**
 * The partner program (issue 14, seed 003): referral codes, referred customers, agreements, earnings,
 * payouts and the public sign-up — wire types and calls. Shapes follow the shared contract
 * (PROGRAM-API.md): money is integer minor units next to a currency.
 */
import { http } from './client.ts';

const enc = encodeURIComponent;

export type EarningState = 'pending' | 'approved' | 'paid' | 'reversed';
export const EARNING_STATES: EarningState[] = ['pending', 'approved', 'paid', 'reversed'];

export interface PersonRef {
  id: string;
  name: string;
}

export interface MonthTotals {
  month: string;
  pending_minor: number;
  approved_minor: number;
  paid_minor: number;
  reversed_minor?: number;
}

export interface AgreementRef {
  id: string;
  version: number;
  title: string;
}

export interface ProgramSummary {
  sign_ups: number;
  active_referred_tenants: number;
  currency: string;
  totals: { pending_minor: number; approved_minor: number; paid_minor: number; reversed_minor: number };
  by_month: MonthTotals[];
  current_agreement: AgreementRef | null;
  agreement_to_sign: AgreementRef | null;
}

export interface ReferralCode {
  code: string;
  label: string | null;
  landing_note: string | null;
  active: boolean;
  created_at: string;
  created_by: PersonRef | null;
  signup_url: string;
  sign_ups: number;
}

export interface Referral {
  id: string;
  name: string;
  slug: string;
  status: string;
  signup_date: string;
  subscription_tier: string | null;
  monthly_revenue_minor: number;
  currency: string;
}

export interface Earning {
  id: string;
  tenant: PersonRef;
  period: string;
  kind: 'commission' | 'bounty';
  amount_minor: number;
  currency: string;
  state: EarningState;
  source_invoice_id: string | null;
  payout_id: string | null;
  created_at: string;
  partner?: PersonRef;
}

export interface Commission {
  percent_bps: number | null;
  bounty_minor: number | null;
  months: number;
  payout_threshold_minor: number;
  currency: string;
}

export interface Agreement {
  id: string;
  version: number;
  title: string;
  terms_markdown: string;
  commission: Commission;
  effective_date: string;
  status: 'draft' | 'signed' | 'approved' | 'superseded';
  signed: { by: PersonRef; full_name: string; at: string; sha256: string } | null;
  approved: { by: PersonRef; at: string } | null;
}

export interface PartnerAgreements {
  current: Agreement | null;
  to_sign: Agreement | null;
  history: Agreement[];
}

export interface ProgramPartnerRow {
  partner: PersonRef;
  sign_ups: number;
  referred_tenants: number;
  currency: string;
  pending_minor: number;
  approved_minor: number;
  paid_minor: number;
  current_agreement_version: number | null;
  waiting: 'sign' | 'approve' | null;
}

export interface Payout {
  id: string;
  partner: PersonRef;
  amount_minor: number;
  currency: string;
  reference: string;
  paid_date: string;
  lines: number;
  created_at: string;
}

export interface List<T> {
  items: T[];
  total: number;
}

export interface SignupBody {
  organization_name: string;
  admin_name: string;
  email: string;
  password: string;
  referral_code?: string;
}

const partnerBase = (pid: string) => `/api/v1/partners/${enc(pid)}/program`;

export const programApi = {
  // ---- partner plane ----
  summary: (pid: string) => http.get<ProgramSummary>(`${partnerBase(pid)}/summary`),
  codes: (pid: string) => http.get<List<ReferralCode>>(`${partnerBase(pid)}/codes`),
  createCode: (pid: string, body: { label?: string; landing_note?: string }) => http.post<ReferralCode>(`${partnerBase(pid)}/codes`, body),
  setCodeActive: (pid: string, code: string, active: boolean) => http.patch<ReferralCode>(`${partnerBase(pid)}/codes/${enc(code)}`, { active }),
  referrals: (pid: string, q: { q?: string; limit?: number; offset?: number }) => http.get<List<Referral>>(`${partnerBase(pid)}/referrals`, q),
  earnings: (pid: string, q: { period?: string; state?: string; limit?: number; offset?: number }) => http.get<List<Earning>>(`${partnerBase(pid)}/earnings`, q),
  /** a plain link: the browser downloads every line as a file, with the session cookie */
  exportUrl: (pid: string) => `${partnerBase(pid)}/earnings/export`,
  agreements: (pid: string) => http.get<PartnerAgreements>(`${partnerBase(pid)}/agreements`),
  sign: (pid: string, agreementId: string, full_name: string) => http.post<Agreement>(`${partnerBase(pid)}/agreements/${enc(agreementId)}/sign`, { full_name, accept: true }),

  // ---- operator ----
  partners: () => http.get<{ items: ProgramPartnerRow[] }>('/api/v1/program/partners'),
  totals: () => http.get<{ currency: string; by_month: MonthTotals[] }>('/api/v1/program/totals'),
  partnerAgreements: (pid: string) => http.get<{ items: Agreement[] }>(`/api/v1/program/partners/${enc(pid)}/agreements`),
  draftAgreement: (pid: string, body: { title: string; terms_markdown: string; commission: Commission; effective_date: string }) =>
    http.post<Agreement>(`/api/v1/program/partners/${enc(pid)}/agreements`, body),
  approveAgreement: (agreementId: string) => http.post<Agreement>(`/api/v1/program/agreements/${enc(agreementId)}/approve`),
  compute: (period?: string) => http.post<{ periods: string[] | 'all'; created: number; reversed: number; unchanged: number }>('/api/v1/program/earnings/compute', period ? { period } : {}),
  allEarnings: (q: { partner_id?: string; state?: string; period?: string; limit?: number; offset?: number }) => http.get<List<Earning>>('/api/v1/program/earnings', q),
  approveEarnings: (earning_ids: string[]) => http.post<{ approved: number }>('/api/v1/program/earnings/approve', { earning_ids }),
  recordPayout: (body: { partner_id: string; reference: string; paid_date: string; earning_ids?: string[] }) => http.post<Payout>('/api/v1/program/payouts', body),
  payouts: (partner_id?: string) => http.get<{ items: Payout[] }>('/api/v1/program/payouts', { partner_id }),

  // ---- public ----
  signup: (body: SignupBody) => http.post<{ tenant: { id: string; name: string; slug: string }; next: 'login' }>('/api/v1/signup', body),
  referralInfo: (code: string) => http.get<{ partner_name: string; landing_note: string | null }>(`/api/v1/signup/referral/${enc(code)}`, undefined, { quiet401: true }),
};
