/**
 * Row shapes of plans and subscriptions: plans, partner plans, customer accounts, KYC cases and
 * documents (modules/plans). Conventions: schema.ts.
 */

/** Plans and subscriptions (migration 0017, modules/plans). */
export interface PlansTable {
  id: string;
  name: string;
  description: string;
  features: string;
  limits: string;
  price_minor: number;
  currency: string;
  segments: string;
  grace_days: number;
  terms: string;
  status: 'active' | 'retired';
  created_at: string;
  updated_at: string;
}

export interface PartnerPlansTable {
  id: string;
  partner_id: string;
  plan_id: string;
  min_price_minor: number;
  max_price_minor: number;
  price_minor: number;
  status: 'allowed' | 'offered' | 'revoked';
  created_at: string;
  updated_at: string;
}

export interface CustomerAccountsTable {
  tenant_id: string;
  partner_id: string;
  segment: 'basic' | 'company' | 'advanced';
  kyc_status: 'guest' | 'pending' | 'verified' | 'rejected';
  created_at: string;
  updated_at: string;
}

export interface KycCasesTable {
  id: string;
  tenant_id: string;
  partner_id: string;
  kind: 'individual' | 'company';
  details_enc: string;
  status: 'submitted' | 'verified' | 'rejected';
  reason: string | null;
  submitted_by: string;
  submitted_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export interface KycDocumentsTable {
  id: string;
  case_id: string;
  tenant_id: string;
  partner_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content_enc: string;
  created_at: string;
}

export interface SubscriptionsTable {
  id: string;
  tenant_id: string;
  partner_id: string;
  plan_id: string;
  partner_plan_id: string;
  status: 'signing' | 'signed' | 'active' | 'suspended' | 'cancelled';
  price_minor: number;
  currency: string;
  terms_sha256: string;
  signed_by: string | null;
  signed_at: string | null;
  activated_at: string | null;
  suspended_at: string | null;
  suspension_kind: 'non_payment' | 'policy' | null;
  suspension_reason: string | null;
  cancelled_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}
