/**
 * Row shapes of partner organizations: partners, their members, configuration versions, the feature
 * catalog and the gateway's daily usage counts (modules/partners). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

export interface PartnersTable {
  id: string;
  slug: string;
  name: string;
  website: string | null;
  contact_email: string;
  description: string | null;
  status: 'applied' | 'active' | 'suspended' | 'terminated' | 'rejected';
  /** JSON array of capabilities */
  capabilities: string;
  /** JSON array of capabilities asked for in the application */
  requested_capabilities: string;
  /** JSON object of feature toggles */
  feature_toggles: string;
  /** JSON object: the partner's configuration by section (partner-config.ts) */
  config: Generated<string>;
  /** bumped by every configuration change */
  config_version: Generated<number>;
  /** The partner's own tenant (wholesalers bill their own BAN there). */
  home_tenant_id: string | null;
  /** 0040: the distributor this partner resells under (two tiers at most); null = none */
  parent_partner_id: Generated<string | null>;
  /** 0040: 1 when the suspension was the distributor's (it may lift only those) */
  suspended_by_parent: Generated<number>;
  status_reason: string | null;
  applied_at: string;
  approved_at: string | null;
  approved_by: string | null;
  created_at: string;
  updated_at: string;
  /** 0090: the default language of the partner's people; null = their browser's */
  locale: Generated<string | null>;
}

export interface PartnerMembersTable {
  partner_id: string;
  user_id: string;
  role: 'PARTNER_OWNER' | 'PARTNER_STAFF';
  status: 'active' | 'inactive';
  invited_by: string | null;
  created_at: string;
  /** the member role inside the MSP (partner_msp_full, …); null = full */
  member_role: string | null;
}

export interface PartnerConfigVersionsTable {
  id: string;
  partner_id: string;
  version: number;
  section: string;
  /** JSON: the section before and after the change, and the field-level diff */
  before: string;
  after: string;
  diff: string;
  changed_by: string | null;
  changed_at: string;
}

export interface FeatureCatalogTable {
  key: string;
  name: string;
  description: string;
  /** 1 = on unless the partner's configuration switches it off */
  default_on: number;
  lifecycle: 'beta' | 'general' | 'retired';
  /** 1 = the partner's owner may switch it */
  opt_in: number;
  created_at: string;
  updated_at: string;
}

/** A partner's requests through the gateway on one UTC day, added to in batches by every instance. */
export interface PartnerUsageTable {
  partner_id: string;
  /** YYYY-MM-DD (UTC) */
  day: string;
  /** admitted requests */
  requests: number;
  /** refused for a quota or a per-minute limit */
  refused: number;
  updated_at: string;
}

/** 0075: a partner's brand (modules/branding): display name, colours, current logo, the operator's switch for customers. */
export interface PartnerBrandsTable {
  partner_id: string;
  display_name: string | null;
  /** #rrggbb, at least 4.5:1 against white */
  primary_color: string | null;
  /** #rrggbb, at least 3:1 against white */
  accent_color: string | null;
  logo_sha256: string | null;
  customer_branding: Generated<'allowed' | 'off'>;
  customer_branding_reason: string | null;
  updated_at: string;
  updated_by: string | null;
}

/** 0075: uploaded logos by the SHA-256 of their bytes (modules/branding). */
export interface BrandLogosTable {
  sha256: string;
  content_type: string;
  width: number;
  height: number;
  size: number;
  data: Uint8Array;
  created_at: string;
}
