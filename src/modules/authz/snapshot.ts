/**
 * The in-memory state the decision engine reads: users (status, platform role, memberships),
 * partners (status, capabilities, feature toggles), tenants (status), billing accounts,
 * delegations and roles. No I/O here: the loader (snapshot-loader.ts) fills it from the database
 * and keeps it current from the change feed.
 *
 * Shaped for 1M delegations and a few hundred nanoseconds per decision:
 *  - entries point at each other instead of naming each other: a user holds its partner object,
 *    a partner holds its delegations by tenant, a delegation holds its tenant and role objects.
 *    Partner, tenant and role objects keep their identity when they change (updated in place), so
 *    those references never go stale, and a decision follows pointers instead of hashing ids
 *    into maps of 100,000 entries. An id that is referenced before it is known (or after it is
 *    gone) gets an inactive placeholder, which every check treats as "not active".
 *  - statuses and origins are small integers; identical grant lists (overrides, consented
 *    scopes) are compiled once and shared; role ids, client ids and BAN ids are kept once.
 */
import { compileGrants, NO_GRANTS, type GrantSet } from './grant-set.ts';

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
}

export interface SnapPartner {
  readonly id: string;
  active: boolean;
  status: string;
  caps: number;
  capabilities: readonly string[];
  /** feature toggles set to false: a permission equal to or under one of these is disabled */
  disabled: readonly string[];
  homeTenantId: string | null;
  /** tenant id → the partner's delegation(s) on that tenant: one entry, or an array when several */
  readonly byTenant: Map<string, SnapDelegation | SnapDelegation[]>;
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
  readonly byTenant: ReadonlyMap<string, SnapDelegation | SnapDelegation[]> | null;
  readonly partnerRole: string | null;
  readonly partnerMemberActive: boolean;
}

export interface SnapBan {
  readonly id: string;
  readonly tenantId: string;
  readonly accountNumber: string;
  readonly status: string;
}

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
  approverActive: boolean;
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
}

export interface UserInput {
  id: string;
  status: string;
  platformRole?: string | null;
  tenants?: Iterable<[string, string]>;
  partner?: { partnerId: string; role: string; status: string } | null;
}

export interface PartnerInput {
  id: string;
  status: string;
  capabilities: readonly string[];
  featureToggles?: Record<string, boolean>;
  homeTenantId?: string | null;
}

const EMPTY: readonly string[] = Object.freeze([]);
const EMPTY_DELEGATIONS: readonly SnapDelegation[] = Object.freeze([]);

function toMs(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

export class AuthzSnapshot {
  readonly users = new Map<string, SnapUser>();
  /** includes inactive placeholders for ids referenced but unknown */
  readonly partners = new Map<string, SnapPartner>();
  /** includes inactive placeholders for ids referenced but unknown */
  readonly tenants = new Map<string, SnapTenant>();
  readonly bans = new Map<string, SnapBan>();
  readonly bansByNumber = new Map<string, SnapBan>();
  readonly delegations = new Map<string, SnapDelegation>();
  /** includes empty placeholders for roles referenced but unknown */
  readonly roles = new Map<string, SnapRole>();
  /** compiled grant lists shared by every delegation with the same list */
  readonly #grantSets = new Map<string, GrantSet>();
  readonly #strings = new Map<string, string>();
  /** approver user id → the delegations it approved (link and consent only) */
  readonly #byApprover = new Map<string, Set<SnapDelegation>>();
  /** bumped on every change (tests and diagnostics) */
  version = 0;

  // ---- roles --------------------------------------------------------------------------------

  putRole(id: string, grants: readonly string[]): void {
    const r = this.roles.get(id);
    if (r) r.grants = compileGrants(grants);
    else this.roles.set(id, { id, grants: compileGrants(grants) });
    this.version++;
  }

  /** A role row that is gone: its object stays (delegations point at it) and grants nothing. */
  removeRole(id: string): void {
    const r = this.roles.get(id);
    if (r) r.grants = NO_GRANTS;
    this.version++;
  }

  role(id: string): SnapRole {
    let r = this.roles.get(id);
    if (!r) this.roles.set(id, (r = { id, grants: NO_GRANTS }));
    return r;
  }

  // ---- users --------------------------------------------------------------------------------

  putUser(u: UserInput): void {
    const tenants = u.tenants ? new Map(u.tenants) : null;
    const partner = u.partner ? this.partner(u.partner.partnerId) : null;
    this.users.set(u.id, {
      id: u.id,
      active: u.status === 'active',
      status: u.status,
      platformRole: u.platformRole ?? null,
      tenants: tenants && tenants.size > 0 ? tenants : null,
      partner,
      byTenant: partner ? partner.byTenant : null,
      partnerRole: u.partner ? u.partner.role : null,
      partnerMemberActive: u.partner ? u.partner.status === 'active' : false,
    });
    this.#refreshApprover(u.id);
    this.version++;
  }

  removeUser(id: string): void {
    this.users.delete(id);
    this.#refreshApprover(id);
    this.version++;
  }

  /** An approver counts while its account is active and it is TENANT_ADMIN of the delegation's tenant. */
  #approverActive(userId: string, tenantId: string): boolean {
    const u = this.users.get(userId);
    return u !== undefined && u.active && u.tenants?.get(tenantId) === TENANT_ADMIN;
  }

  /** A user changed: re-evaluate every delegation it approved (off the decision path). */
  #refreshApprover(userId: string): void {
    const ds = this.#byApprover.get(userId);
    if (ds) for (const d of ds) d.approverActive = this.#approverActive(userId, d.tenantId);
  }

  // ---- partners and tenants -----------------------------------------------------------------

  /** The partner object for an id (an inactive placeholder when unknown). */
  partner(id: string): SnapPartner {
    let p = this.partners.get(id);
    if (!p) {
      p = { id, active: false, status: 'unknown', caps: 0, capabilities: EMPTY, disabled: EMPTY, homeTenantId: null, byTenant: new Map() };
      this.partners.set(id, p);
    }
    return p;
  }

  putPartner(input: PartnerInput): void {
    let caps = 0;
    for (const c of input.capabilities) caps |= CAPABILITY_BITS[c] ?? 0;
    const disabled = Object.entries(input.featureToggles ?? {})
      .filter(([, on]) => on === false)
      .map(([k]) => k);
    const p = this.partner(input.id);
    p.active = input.status === 'active';
    p.status = input.status;
    p.caps = caps;
    p.capabilities = [...input.capabilities];
    p.disabled = disabled.length > 0 ? disabled : EMPTY;
    p.homeTenantId = input.homeTenantId ?? null;
    this.version++;
  }

  /** A partner row that is gone: its object stays (delegations and users point at it), inactive. */
  removePartner(id: string): void {
    const p = this.partners.get(id);
    if (p) {
      p.active = false;
      p.status = 'unknown';
      p.caps = 0;
    }
    this.version++;
  }

  /** The tenant object for an id (an inactive placeholder when unknown). */
  tenant(id: string): SnapTenant {
    let t = this.tenants.get(id);
    if (!t) this.tenants.set(id, (t = { id, active: false, status: 'unknown' }));
    return t;
  }

  putTenant(input: { id: string; status: string }): void {
    const t = this.tenant(input.id);
    t.active = input.status === 'active';
    t.status = input.status;
    this.version++;
  }

  removeTenant(id: string): void {
    const t = this.tenants.get(id);
    if (t) {
      t.active = false;
      t.status = 'unknown';
    }
    this.version++;
  }

  putBan(b: { id: string; tenantId: string; accountNumber: string; status: string }): void {
    const old = this.bans.get(b.id);
    if (old && old.accountNumber !== b.accountNumber) this.bansByNumber.delete(old.accountNumber);
    const entry: SnapBan = { id: old?.id ?? b.id, tenantId: this.tenant(b.tenantId).id, accountNumber: b.accountNumber, status: b.status };
    this.bans.set(entry.id, entry);
    this.bansByNumber.set(b.accountNumber, entry);
    this.version++;
  }

  removeBan(id: string): void {
    const old = this.bans.get(id);
    if (old) this.bansByNumber.delete(old.accountNumber);
    this.bans.delete(id);
    this.version++;
  }

  /** A billing account by id or by account number. */
  ban(ref: string): SnapBan | undefined {
    return this.bans.get(ref) ?? this.bansByNumber.get(ref);
  }

  // ---- delegations --------------------------------------------------------------------------

  putDelegation(d: DelegationInput): void {
    this.#unindex(d.id);
    const partner = this.partner(d.partnerId);
    const tenant = this.tenant(d.tenantId);
    const origin = ORIGINS.indexOf(d.origin);
    const approverId = origin !== O_WHOLESALE && d.approvedBy ? this.#intern(d.approvedBy) : null;
    // Field order is memory order: what every decision reads comes first, so it spans two
    // cache lines rather than three (at 1M delegations each line is a trip to memory).
    const entry: SnapDelegation = {
      status: DELEGATION_STATUSES.indexOf(d.status),
      startsMs: toMs(d.startsAt),
      endsMs: toMs(d.endsAt),
      approverActive: approverId === null || this.#approverActive(approverId, tenant.id),
      origin,
      tenant,
      role: this.role(d.role),
      deny: d.deny && d.deny.length > 0 ? this.#grants(d.deny) : NO_GRANTS,
      grant: d.grant && d.grant.length > 0 ? this.#grants(d.grant) : NO_GRANTS,
      banIds: d.banIds ? (d.banIds.length > 0 ? d.banIds.map((b) => this.bans.get(b)?.id ?? b) : EMPTY) : null,
      scopes: d.scopes ? this.#grants(d.scopes) : null,
      id: d.id,
      clientId: d.clientId ? this.#intern(d.clientId) : null,
      partnerId: partner.id,
      tenantId: tenant.id,
      approverId,
    };
    this.delegations.set(d.id, entry);
    if (approverId !== null) {
      let set = this.#byApprover.get(approverId);
      if (!set) this.#byApprover.set(approverId, (set = new Set()));
      set.add(entry);
    }
    const prev = partner.byTenant.get(tenant.id);
    if (prev === undefined) partner.byTenant.set(tenant.id, entry);
    else if (Array.isArray(prev)) prev.push(entry);
    else partner.byTenant.set(tenant.id, [prev, entry]);
    this.version++;
  }

  removeDelegation(id: string): void {
    this.#unindex(id);
    this.version++;
  }

  #unindex(id: string): void {
    const old = this.delegations.get(id);
    if (!old) return;
    this.delegations.delete(id);
    if (old.approverId !== null) {
      const set = this.#byApprover.get(old.approverId);
      set?.delete(old);
      if (set?.size === 0) this.#byApprover.delete(old.approverId);
    }
    const byTenant = this.partners.get(old.partnerId)?.byTenant;
    const prev = byTenant?.get(old.tenantId);
    if (!byTenant || prev === undefined) return;
    if (!Array.isArray(prev)) {
      if (prev === old) byTenant.delete(old.tenantId);
      return;
    }
    const rest = prev.filter((x) => x !== old);
    if (rest.length === 0) byTenant.delete(old.tenantId);
    else byTenant.set(old.tenantId, rest.length === 1 ? rest[0] : rest);
  }

  /** Tenants the partner holds any delegation for (any status; decide() says which are effective). */
  partnerTenantIds(partnerId: string): Iterable<string> {
    return this.partners.get(partnerId)?.byTenant.keys() ?? EMPTY;
  }

  /** @deprecated use partnerTenantIds(partnerId) — kept so `byPair.get(partnerId)?.keys()` keeps working. */
  readonly byPair = { get: (partnerId: string): ReadonlyMap<string, unknown> | undefined => this.partners.get(partnerId)?.byTenant };

  /** The delegations between a partner and a tenant (empty when none). Allocates; decide() reads byTenant directly. */
  pair(partnerId: string, tenantId: string): readonly SnapDelegation[] {
    const v = this.partners.get(partnerId)?.byTenant.get(tenantId);
    return v === undefined ? EMPTY_DELEGATIONS : Array.isArray(v) ? v : [v];
  }

  #grants(list: readonly string[]): GrantSet {
    const key = list.join('\n');
    let g = this.#grantSets.get(key);
    if (!g) this.#grantSets.set(key, (g = compileGrants(list)));
    return g;
  }

  #intern(s: string): string {
    const v = this.#strings.get(s);
    if (v !== undefined) return v;
    this.#strings.set(s, s);
    return s;
  }
}
