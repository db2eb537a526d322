/**
 * The authenticated caller of a portal/admin API request, resolved once per request from a
 * session cookie or a personal API token.
 */
export interface TenantMembership {
  tenantId: string;
  role: 'TENANT_ADMIN' | 'TENANT_USER';
  tenantStatus: string;
}

export interface PartnerMembership {
  partnerId: string;
  role: 'PARTNER_OWNER' | 'PARTNER_STAFF';
  memberStatus: 'active' | 'inactive';
  partnerStatus: 'applied' | 'active' | 'suspended' | 'terminated' | 'rejected';
  capabilities: string[];
}

export interface Principal {
  kind: 'session' | 'api_token';
  userId: string;
  email: string;
  name: string;
  userStatus: 'active' | 'disabled' | 'invited';
  platformRole: string | null;
  tenants: TenantMembership[];
  partner: PartnerMembership | null;
  sessionId: string | null;
  csrfToken: string | null;
  tokenId: string | null;
  /** how the session was established (RFC 8176 amr values); absent for API tokens */
  amr?: readonly string[];
  /** the session proved a second factor (amr has "mfa") */
  mfa?: boolean;
  /**
   * The person's language preferences as the read that authenticated them found them (their choice, their
   * organization's default): what the request's answers, problems included, are written in before the
   * browser's Accept-Language. Absent when the principal came from the in-memory indexes.
   */
  locale?: { person: string | null; organization: string | null };
}
