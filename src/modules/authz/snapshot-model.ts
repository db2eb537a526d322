/**
 * The snapshot's vocabulary (snapshot.ts holds the state): the small integers the decision path
 * compares (statuses, origins, capabilities), the entries it reads (tenants, partners, users,
 * roles, billing accounts, delegations), the plain inputs a loader or a test world hands in, and
 * the time parsing every delegation's start and end go through.
 */
import type { GrantSet } from './grant-set.ts';
import type { PartnerConfig } from './partner-config.ts';
// ---- enumerations (small integers on the hot path) ----------------------------------------------

export const D_REQUESTED = 0;
export const D_ACTIVE = 1;
export const D_EXPIRED = 2;
export const D_REVOKED = 3;
export const D_REJECTED = 4;
export const DELEGATION_STATUSES = ['requested', 'active', 'expired', 'revoked', 'rejected'] as const;
export type DelegationStatusName = (typeof DELEGATION_STATUSES)[number];

export const O_LINK = 0;
export const O_CONSENT = 1;
export const O_WHOLESALE = 2;
export const ORIGINS = ['link', 'consent', 'wholesale'] as const;
export type OriginName = (typeof ORIGINS)[number];

/** Capability bits; the bit an origin needs is CAP_FOR_ORIGIN[origin]. */
export const CAP_MANAGED_SERVICES = 1;
export const CAP_DELEGATED = 2;
export const CAP_WHOLESALE = 4;
export const CAP_REFERRAL = 8;
export const CAPABILITY_BITS: Record<string, number> = { managed_services: CAP_MANAGED_SERVICES, delegated: CAP_DELEGATED, wholesale: CAP_WHOLESALE, referral: CAP_REFERRAL };
export const CAP_FOR_ORIGIN = [CAP_MANAGED_SERVICES, CAP_DELEGATED, CAP_WHOLESALE] as const;
export const CAP_NAME_FOR_ORIGIN = ['managed_services', 'delegated', 'wholesale'] as const;

/** The tenant role an approver of a link or consent must keep for the delegation to stay effective. */
export const TENANT_ADMIN = 'TENANT_ADMIN';

// ---- entries ------------------------------------------------------------------------------------

export interface SnapRole {
  readonly id: string;
  /** replaced in place when the role changes */
  grants: GrantSet;
}

export interface SnapTenant {
  readonly id: string;
  active: boolean;
  status: string;
  /** the approver of the last delegation of this tenant the snapshot took in (snapshot.ts: a shortcut of the build, never read by decide()) */
  lastApprover: Approver | null;
  /** the one-account BAN list of the last delegation of this tenant that had one (snapshot-shared.ts: a shortcut of the build, never read by decide()) */
  lastBans: readonly string[] | null;
}

/** A partner's delegation(s) on one tenant: one slot, or an array when several. */
export type DelegationSlots = number | number[];

export interface SnapPartner {
  readonly id: string;
  active: boolean;
  status: string;
  caps: number;
  capabilities: readonly string[];
  /** feature toggles set to false: a permission equal to or under one of these is disabled */
  disabled: readonly string[];
  homeTenantId: string | null;
  /** the partner's configuration (partner-config.ts): only the sections set for it */
  config: PartnerConfig;
  /** tenant id → the partner's delegation slot(s) on that tenant (read them with AuthzSnapshot.at) */
  readonly byTenant: Map<string, DelegationSlots>;
  /**
   * Two-tier partners: the distributor this partner resells under (null: none). A partner acts
   * through its resellers' links only while it has no parent itself, so a chain is two tiers at most.
   */
  parent: SnapPartner | null;
  /**
   * A distributor's view of its resellers' links the customer let it act through (distributor
   * access on), by tenant: the slots of those delegations. Null until the first one.
   */
  chain: Map<string, DelegationSlots> | null;
}

export interface SnapUser {
  readonly id: string;
  readonly active: boolean;
  readonly status: string;
  readonly platformRole: string | null;
  /** tenant id → tenant role */
  readonly tenants: ReadonlyMap<string, string> | null;
  /** the user's partner organization (membership fields kept flat: one object less to fetch per decision) */
  readonly partner: SnapPartner | null;
  /** the partner's delegations by tenant (the same Map as partner.byTenant): read in parallel with the partner */
  readonly byTenant: ReadonlyMap<string, DelegationSlots> | null;
  readonly partnerRole: string | null;
  readonly partnerMemberActive: boolean;
  /**
   * The member role inside the partner (partner_msp_full, …): the user acts on a
   * customer with the delegation's permissions ∩ this role's grants. Null = no member role (full).
   */
  readonly memberRole: SnapRole | null;
}

/**
 * An approver of link and consent delegations: its user as the users map holds it (undefined while
 * unknown or removed), the first slot of the delegations it approved (linked through the ints
 * column, -1 = none), and whether it counted for the last tenant asked (#stands).
 */
export interface Approver {
  readonly id: string;
  user: SnapUser | undefined;
  head: number;
  tenant: SnapTenant | null;
  stands: boolean;
}

export interface SnapBan {
  readonly id: string;
  readonly tenantId: string;
  readonly accountNumber: string;
  readonly status: string;
  /**
   * `[id]`, the BAN list of every delegation that covers this account alone: made by the first
   * such delegation and kept with the account (one lookup per delegation instead of two maps).
   */
  list: readonly string[] | null;
}

/**
 * A delegation as decide() and callers read it: a copy out of the snapshot's columns, made when
 * asked for (`at(slot)`, `delegations.get(id)`). It does not follow later changes: read it again.
 */
export interface SnapDelegation {
  readonly id: string;
  readonly partnerId: string;
  readonly tenantId: string;
  readonly tenant: SnapTenant;
  readonly origin: number;
  readonly role: SnapRole;
  /** consent: the permission grants the customer approved; null = no scope limit */
  readonly scopes: GrantSet | null;
  /** billing account ids covered; null = all of the tenant's */
  readonly banIds: readonly string[] | null;
  readonly grant: GrantSet;
  readonly deny: GrantSet;
  readonly status: number;
  readonly startsMs: number;
  readonly endsMs: number;
  readonly clientId: string | null;
  /** the tenant admin who approved a link or consented (decided_by); null = no tenant approver (wholesale, or created by the platform itself) */
  readonly approverId: string | null;
  /**
   * Is the approver still an active TENANT_ADMIN of the tenant? Kept current by the snapshot when
   * the approver's user entry or the delegation changes (an index approver → delegations), so
   * decide() pays one field read for it. Always true when there is no approver.
   */
  readonly approverActive: boolean;
  /** the customer lets the partner's distributor act through this link (two-tier partners) */
  readonly distributorAccess: boolean;
  /** the partner that holds the delegation (the reseller, when a distributor acts through it) */
  readonly owner: SnapPartner;
  /**
   * For the engine's answers (decide.ts): the id when it is already a string; otherwise null, with its packed
   * words copied into ID_WORDS (read them before the next call).
   */
  idOrWords(): string | null;
}

/** What delegations share by identity: one object per distinct role, overrides, consented scopes and client. */
export interface Policy {
  /** its key in the policies map, and how many delegations use it: dropped when the last one goes */
  readonly key: string;
  uses: number;
  readonly role: SnapRole;
  readonly grant: GrantSet;
  readonly deny: GrantSet;
  readonly scopes: GrantSet | null;
  readonly clientId: string | null;
}

/** Plain input shapes (what a loader or a test world hands to the snapshot). */
export interface DelegationInput {
  id: string;
  partnerId: string;
  tenantId: string;
  origin: OriginName;
  role: string;
  scopes?: readonly string[] | null;
  banIds?: readonly string[] | null;
  grant?: readonly string[];
  deny?: readonly string[];
  status: DelegationStatusName;
  startsAt: string | number;
  endsAt: string | number;
  clientId?: string | null;
  /** decided_by: the user who approved a link or consented; ignored for wholesale; null/absent = no tenant approver */
  approvedBy?: string | null;
  /** the customer lets the partner's distributor act through this link (ignored for consent) */
  distributorAccess?: boolean;
}

export interface UserInput {
  id: string;
  status: string;
  platformRole?: string | null;
  tenants?: Iterable<[string, string]>;
  partner?: { partnerId: string; role: string; status: string; memberRole?: string | null } | null;
}

/** What the gateway enforces of a customer's current plan (modules/plans; subscription-suspensions.ts reads it). */
export interface CustomerPlan {
  readonly planName: string;
  /** the plan's `api_requests_per_day` limit: requests a day by everyone acting for the customer; null: none */
  readonly requestsPerDay: number | null;
}

export interface PartnerInput {
  id: string;
  status: string;
  capabilities: readonly string[];
  featureToggles?: Record<string, boolean>;
  homeTenantId?: string | null;
  config?: PartnerConfig;
  /** the distributor this partner resells under (two-tier partners); null/absent = none */
  parentId?: string | null;
}

/** Shared empties: one frozen object each, never one per entry. */
export const EMPTY: readonly string[] = Object.freeze([]);
export const EMPTY_DELEGATIONS: readonly SnapDelegation[] = Object.freeze([]);
export const EMPTY_CONFIG: PartnerConfig = Object.freeze({});

/** epoch ms of a time as the database or an input gives it (exported for its test) */
export function toMs(t: string | number): number {
  if (typeof t === 'number') return t;
  return t.length === 24 && t.charCodeAt(23) === 90 /* Z */ ? isoUtcMs(t) : Date.parse(t);
}

/** The two digits of s at i and i + 1 as a number, or NaN when either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? Number.NaN : a * 10 + b;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12), as Date.UTC counts them (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes, and what the database hands back) read with
 * integer arithmetic — no Date.parse, no Date.UTC — two million of them at every 1M-delegation
 * build. Anything else, or any field out of range (Feb 30, hour 24, …), goes to Date.parse, so the
 * answer is always Date.parse's (a property test compares them).
 */
function isoUtcMs(t: string): number {
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 46) return Date.parse(t);
  const y = two(t, 0) * 100 + two(t, 2);
  const mo = two(t, 5);
  const d = two(t, 8);
  const h = two(t, 11);
  const mi = two(t, 14);
  const sec = two(t, 17);
  const c = t.charCodeAt(22) - 48;
  const ms = two(t, 20) * 10 + (c >>> 0 > 9 ? Number.NaN : c);
  // NaN fails every comparison: a character that is not a digit takes the slow path too
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && sec <= 59 && ms >= 0)) return Date.parse(t);
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > MONTH_DAYS[mo] + (leap ? 1 : 0)) return Date.parse(t);
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}
