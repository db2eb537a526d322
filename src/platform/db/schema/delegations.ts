/**
 * Row shapes of delegations between partners and tenants, and their just-in-time settings, activations
 * and notices (modules/delegations). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

export interface DelegationsTable {
  id: string;
  partner_id: string;
  tenant_id: string;
  origin: 'link' | 'consent' | 'wholesale';
  role: string;
  /** JSON array of granted OAuth scopes, or null */
  scopes: string | null;
  /** JSON array of covered billing account ids, or null for all */
  ban_ids: string | null;
  /** JSON {"grant": string[], "deny": string[]} */
  overrides: string;
  status: 'requested' | 'active' | 'expired' | 'revoked' | 'rejected';
  justification: string | null;
  starts_at: string;
  ends_at: string;
  client_id: string | null;
  bill_to_ban_id: string | null;
  requested_by: string | null;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  revoked_by: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  renewal_ends_at: string | null;
  /** 0026: who asked for the pending renewal (never its approver); null with no renewal pending */
  renewal_requested_by: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
  /** 0040: 1 when the customer lets the partner's distributor act through this link (two-tier partners) */
  distributor_access: Generated<number>;
  /** 0042: JSON array of the purpose catalog ids granted (and not revoked); null = none recorded */
  purposes: string | null;
}

export interface DelegationJitSettingsTable {
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  /** 1: the link's role is eligible — it grants nothing until a partner member activates it */
  eligible: number;
  max_activation_minutes: number;
  approval_required: number;
  auto_extend: number;
  auto_extend_days: number;
  /** JSON array of role ids the tenant calls privileged: a link with one never auto-extends */
  privileged_roles: string;
  /** JSON array of role ids that are eligible on top of the link's standing role (0022) */
  eligible_roles: string;
  updated_at: string;
  updated_by: string | null;
}

export interface DelegationActivationsTable {
  id: string;
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  user_id: string;
  status: 'pending' | 'active' | 'rejected' | 'cancelled';
  justification: string;
  duration_minutes: number;
  requested_at: string;
  mfa_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  starts_at: string | null;
  ends_at: string | null;
}

export interface DelegationNoticesTable {
  delegation_id: string;
  ends_at: string;
  threshold_days: number;
  tenant_id: string;
  partner_id: string;
  sent_at: string;
}

/** The business side of a link, kept by both sides (modules/delegations relationship.ts). */
export interface DelegationRelationshipsTable {
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  contract_reference: string | null;
  /** JSON array of {name, role, email, phone} */
  contacts: string;
  notes: string | null;
  version: number;
  updated_at: string;
  updated_by: string | null;
  updated_by_side: 'partner' | 'tenant' | null;
}

/** A customer's own limits on one link (0120): where from, when, and until when its partner may reach it. */
export interface DelegationLimitsTable {
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  /** JSON array of CIDRs the partner's requests on this link may come from; [] = anywhere */
  ip_allow: string;
  /** JSON { days: number[] (1 = Monday … 7 = Sunday), from: 'HH:MM', to: 'HH:MM', time_zone: IANA name } or null = any time */
  hours: string | null;
  /** the end the customer chose (applied to delegations.ends_at) */
  expires_at: string | null;
  /** the link's end before the customer's, restored when the customer removes theirs */
  link_ends_at: string | null;
  updated_at: string;
  updated_by: string | null;
}
