/**
 * The snapshot's people and organizations — users, partners, tenants, roles, billing accounts —
 * with the policies and catalogs decide() reads beside them (MFA, just-in-time links, features,
 * suspended customers and their plans): their maps, how a loader puts and removes them, and the
 * lookups that hand out one object per id. AuthzSnapshot (snapshot.ts) adds the delegations.
 */
import { compileGrants, NO_GRANTS } from './grant-set.ts';
import { LinkLimitsIndex } from './link-limits.ts';
import { JitIndex } from './jit-index.ts';
import { FeatureCatalogIndex, effectiveFeature } from './feature-catalog.ts';
import { CAPABILITY_BITS, EMPTY, EMPTY_CONFIG, type CustomerPlan, type PartnerInput, type SnapBan, type SnapPartner, type SnapRole, type SnapTenant, type SnapUser, type UserInput } from './snapshot-model.ts';
import { GROUP, SmallMap } from './snapshot-store.ts';
import { PackedIndex } from './packed-index.ts';

/**
 * MFA policies, kept whole in memory so decide() reads no database: the operator's
 * platform-wide and per-partner requirement, and each tenant's "partner people acting on us must
 * have used MFA". Two set lookups per partner-person decision, none when no policy is set.
 */
export class MfaPolicies {
  platform = false;
  readonly partners = new Set<string>();
  readonly tenants = new Set<string>();
  /** any policy at all: the common no-policy case is one field read */
  #any = false;

  requiredFor(partnerId: string, tenantId: string): boolean {
    if (!this.#any) return false;
    return this.platform || this.partners.has(partnerId) || this.tenants.has(tenantId);
  }

  /** the platform's or this partner's own requirement, which holds before any tenant is named */
  requiredForPartner(partnerId: string): boolean {
    return this.#any && (this.platform || this.partners.has(partnerId));
  }

  set(scopeType: 'platform' | 'partner' | 'tenant', scopeId: string, required: boolean): void {
    if (scopeType === 'platform') this.platform = required;
    else {
      const s = scopeType === 'partner' ? this.partners : this.tenants;
      if (required) s.add(scopeId);
      else s.delete(scopeId);
    }
    this.#any = this.platform || this.partners.size > 0 || this.tenants.size > 0;
  }
}

/** The entries every decision starts from; AuthzSnapshot extends it with the delegation columns. */
export class SnapshotEntities {
  /** MFA requirements for partner people */
  readonly mfa = new MfaPolicies();
  /** eligible (just-in-time) links and their open activations (jit-index.ts) */
  readonly jit = new JitIndex();
  /** customers' own limits on their links: addresses and hours (link-limits.ts) */
  readonly linkLimits = new LinkLimitsIndex();
  /** the platform's feature catalog (feature-catalog.ts) */
  readonly features = new FeatureCatalogIndex();
  readonly users = new Map<string, SnapUser>();
  /** includes inactive placeholders for ids referenced but unknown */
  readonly partners = new Map<string, SnapPartner>();
  /** includes inactive placeholders for ids referenced but unknown */
  readonly tenants = new Map<string, SnapTenant>();
  /** the same tenants by packed id (the build's lookups of a group of rows: packed-index.ts) */
  protected readonly tenantIndex = new PackedIndex<SnapTenant>('tnt_', GROUP);
  readonly bans = new Map<string, SnapBan>();
  readonly bansByNumber = new Map<string, SnapBan>();
  /** customers whose subscription is suspended (modules/plans): the gateway refuses them (subscription-suspensions.ts fills it) */
  readonly suspendedTenants = new Set<string>();
  /** customers' current plans, for the limits the gateway enforces (subscription-suspensions.ts fills it) */
  readonly customerPlans = new Map<string, CustomerPlan>();
  /** includes empty placeholders for roles referenced but unknown */
  readonly roles = new Map<string, SnapRole>();
  readonly #strings = new Map<string, string>();
  /** bumped on every change (tests and diagnostics) */
  version = 0;

  /** A user changed (or went): AuthzSnapshot re-evaluates the delegations it approved. */
  protected userChanged(_userId: string, _user: SnapUser | undefined): void {}

  /** A partner's distributor changed: AuthzSnapshot moves its links with distributor access to the new one's chain. */
  protected parentChanged(_p: SnapPartner, _from: SnapPartner | null, _to: SnapPartner | null): void {}

  /** One string object per distinct value (statuses, roles, client and approver ids). */
  protected intern(s: string): string {
    const v = this.#strings.get(s);
    if (v !== undefined) return v;
    this.#strings.set(s, s);
    return s;
  }

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
    let tenants: ReadonlyMap<string, string> | null = null;
    if (u.tenants) {
      // later entries win, as `new Map(entries)` did
      const kv: string[] = [];
      for (const [t, role] of u.tenants) {
        const tenantId = this.tenants.get(t)?.id ?? t;
        let i = 0;
        while (i < kv.length && kv[i] !== tenantId) i += 2;
        kv[i] = tenantId;
        kv[i + 1] = this.intern(role);
      }
      if (kv.length > 0 && kv.length <= 8) tenants = new SmallMap(kv);
      else if (kv.length > 0) {
        const m = new Map<string, string>();
        for (let i = 0; i < kv.length; i += 2) m.set(kv[i], kv[i + 1]);
        tenants = m;
      }
    }
    const partner = u.partner ? this.partner(u.partner.partnerId) : null;
    const user: SnapUser = {
      id: u.id,
      active: u.status === 'active',
      status: this.intern(u.status),
      platformRole: u.platformRole ? this.intern(u.platformRole) : (u.platformRole ?? null),
      tenants,
      partner,
      byTenant: partner ? partner.byTenant : null,
      partnerRole: u.partner ? this.intern(u.partner.role) : null,
      partnerMemberActive: u.partner ? u.partner.status === 'active' : false,
      memberRole: u.partner?.memberRole ? this.role(u.partner.memberRole) : null,
    };
    this.users.set(u.id, user);
    this.userChanged(u.id, user);
    this.version++;
  }

  removeUser(id: string): void {
    this.users.delete(id);
    this.userChanged(id, undefined);
    this.version++;
  }

  // ---- partners and tenants -----------------------------------------------------------------

  /** The partner object for an id (an inactive placeholder when unknown). */
  partner(id: string): SnapPartner {
    let p = this.partners.get(id);
    if (!p) {
      p = { id, active: false, status: 'unknown', caps: 0, capabilities: EMPTY, disabled: EMPTY, homeTenantId: null, config: EMPTY_CONFIG, byTenant: new Map(), parent: null, chain: null };
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
    p.status = this.intern(input.status);
    p.caps = caps;
    p.capabilities = input.capabilities.map((c) => this.intern(c));
    p.disabled = disabled.length > 0 ? disabled : EMPTY;
    p.homeTenantId = input.homeTenantId ? (this.tenants.get(input.homeTenantId)?.id ?? input.homeTenantId) : null;
    p.config = input.config && Object.keys(input.config).length > 0 ? input.config : EMPTY_CONFIG;
    this.#setParent(p, input.parentId ? this.partner(input.parentId) : null);
    this.version++;
  }

  #setParent(p: SnapPartner, parent: SnapPartner | null): void {
    if (p.parent === parent) return;
    const from = p.parent;
    p.parent = parent;
    this.parentChanged(p, from, parent);
  }

  /** A partner row that is gone: its object stays (delegations and users point at it), inactive. */
  removePartner(id: string): void {
    const p = this.partners.get(id);
    if (p) {
      p.active = false;
      p.status = 'unknown';
      p.caps = 0;
      // a partner that is gone resells under nobody: its links leave its distributor's chain
      this.#setParent(p, null);
    }
    this.version++;
  }

  /** The tenant object for an id (an inactive placeholder when unknown). */
  tenant(id: string): SnapTenant {
    let t = this.tenants.get(id);
    if (!t) {
      this.tenants.set(id, (t = { id, active: false, status: 'unknown', lastApprover: null, lastBans: null }));
      this.tenantIndex.add(id, t);
    }
    return t;
  }

  /**
   * Is the feature on for the partner: the catalog default overlaid by the partner's
   * configuration `features` section; unknown or retired features are off. Gated code asks this.
   */
  featureEnabled(partnerId: string, key: string): boolean {
    return effectiveFeature(this.features.get(key), this.partners.get(partnerId)?.config);
  }

  setSubscriptionSuspended(tenantId: string, suspended: boolean): void {
    if (suspended) this.suspendedTenants.add(tenantId);
    else this.suspendedTenants.delete(tenantId);
    this.version++;
  }

  setCustomerPlan(tenantId: string, plan: CustomerPlan | null): void {
    if (plan) this.customerPlans.set(tenantId, plan);
    else this.customerPlans.delete(tenantId);
    this.version++;
  }

  putTenant(input: { id: string; status: string }): void {
    const t = this.tenant(input.id);
    t.active = input.status === 'active';
    t.status = this.intern(input.status);
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
    const entry: SnapBan = { id: old?.id ?? b.id, tenantId: this.tenant(b.tenantId).id, accountNumber: b.accountNumber, status: this.intern(b.status), list: old?.list ?? null };
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
}
