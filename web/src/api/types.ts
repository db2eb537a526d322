/** Wire types of the Partnergate API (snake_case, as the server sends them; see /openapi.json). */

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface TenantMembershipDto {
  tenant_id: string;
  slug: string;
  name: string;
  status: string;
  role: 'TENANT_ADMIN' | 'TENANT_USER' | string;
  /** what this membership's role allows (`tenant.members.manage`, …) */
  permissions: string[];
}

export interface PartnerMembershipDto {
  partner_id: string;
  slug: string;
  name: string;
  role: 'PARTNER_OWNER' | 'PARTNER_STAFF' | string;
  member_status: string;
  partner_status: string;
  capabilities: string[];
  /** what this membership's role allows (`partner.members.manage`, …) */
  permissions: string[];
}

export interface Me {
  user: { id: string; email: string; name: string; status: string; platform_role: string | null };
  platform_roles: string[];
  /** what the platform role allows (`platform.tenants.manage`, …); empty for everyone but the operator */
  permissions: string[];
  tenants: TenantMembershipDto[];
  partner: PartnerMembershipDto | null;
  auth: string;
  csrf_token: string | null;
}

export interface LoginResponse {
  csrf_token: string;
  expires_at: string;
  me: Me;
}

export interface ApiTokenDto {
  id: string;
  name: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

/** What an invitation link is for (it does not say whether the email has an account). */
export interface InvitationDto {
  id: string;
  email: string;
  scope_type: 'tenant' | 'partner' | string;
  scope_id: string;
  scope_name: string;
  role: string;
  expires_at: string;
}

/** The answer to an inviter, the same whether or not the email has an account: the one-time link, shown once. */
export interface InvitationLink {
  id: string;
  email: string;
  role: string;
  url: string;
  expires_at: string;
}

/** An invitation that waits for an answer, as the tenant's or partner's admins see it. */
export interface PendingInvitationDto {
  id: string;
  email: string;
  role: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

/** One of your own invitations. */
export interface MyInvitationDto {
  id: string;
  scope_type: 'tenant' | 'partner' | string;
  scope_id: string;
  scope_name: string;
  role: string;
  expires_at: string;
}

export interface AcceptedInvitation {
  user_id: string;
  scope_type: 'tenant' | 'partner' | string;
  scope_id: string;
  role: string;
}

export interface UserDto {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled' | 'invited' | string;
  platform_role: string | null;
  created_at: string;
  last_login_at: string | null;
}

export interface TenantDto {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended' | 'closed' | string;
  tier: string;
  created_at: string;
  updated_at: string;
}

export interface TenantMemberDto {
  user_id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  created_at: string;
}

export interface BillingAccountDto {
  id: string;
  tenant_id: string;
  account_number: string;
  name: string;
  status: 'active' | 'closed' | string;
  currency: string;
  created_at: string;
}

export const CAPABILITIES = ['delegated', 'wholesale', 'managed_services', 'referral'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const PARTNER_STATUSES = ['applied', 'active', 'suspended', 'terminated', 'rejected'] as const;

export interface PartnerDto {
  id: string;
  slug: string;
  name: string;
  website: string | null;
  contact_email: string;
  description: string | null;
  status: (typeof PARTNER_STATUSES)[number] | string;
  status_reason: string | null;
  capabilities: string[];
  requested_capabilities: string[];
  feature_toggles: Record<string, boolean>;
  home_tenant_id: string | null;
  applied_at: string;
  approved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PartnerMemberDto {
  user_id: string;
  email: string;
  name: string;
  role: string;
  member_status: 'active' | 'inactive' | string;
  status: string;
  created_at: string;
}

export interface AuditEventDto {
  id: string;
  seq: number;
  occurred_at: string;
  action: string;
  outcome: 'success' | 'denied' | 'failure' | string;
  actor: { type: string; user_id: string | null; partner_id: string | null; client_id: string | null; agency_id: string | null };
  tenant_id: string | null;
  partner_id: string | null;
  ban: string | null;
  target: { type: string | null; id: string | null };
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export interface AuditQuery {
  action?: string;
  actor_user_id?: string;
  target_id?: string;
  outcome?: string;
  since?: string;
  until?: string;
  tenant_id?: string;
  partner_id?: string;
  limit?: number;
  cursor?: string;
}
