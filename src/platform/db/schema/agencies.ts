/**
 * Row shapes of agencies, their embed tokens, and the vouchers issued by tenant users, partners or
 * agencies (modules/agencies, modules/vouchers). Conventions: schema.ts.
 */

/** 0005: agencies — tenant-scoped, no user accounts */
export interface PartnerAgenciesTable {
  id: string;
  tenant_id: string;
  name: string;
  status: 'active' | 'inactive';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** 0005: an agency's form-specific embed token; only its keyed hash is stored */
export interface PartnerTokensTable {
  id: string;
  tenant_id: string;
  partner_agency_id: string;
  label: string;
  token_hash: string;
  token_prefix: string;
  status: 'active' | 'revoked';
  /** JSON {"allowed_voucher_types": string[], "intro_text": string, "rules_list": string[]} */
  form_config: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  rotated_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** 0005: vouchers, issued by tenant users, partners (gateway) or agencies (embedded form) */
export interface VouchersTable {
  id: string;
  tenant_id: string;
  code: string;
  type: string;
  description: string;
  /** minor units; null for non-monetary vouchers */
  amount: number | null;
  currency: string | null;
  status: 'issued' | 'redeemed' | 'void';
  partner_agency_id: string | null;
  billing_account_id: string | null;
  issued_by_type: 'user' | 'api_token' | 'app' | 'agency' | 'system';
  issued_by_user_id: string | null;
  issued_by_partner_id: string | null;
  issued_by_client_id: string | null;
  issued_by_token_id: string | null;
  recipient_name: string | null;
  recipient_email: string | null;
  reference: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  redeemed_at: string | null;
  voided_at: string | null;
}
