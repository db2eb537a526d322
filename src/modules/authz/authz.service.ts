/**
 * services.authz: the decision snapshot kept current by the change feed, and the calls every
 * request path uses — decide, explain, context resolution (X-Active-Tenant-Id) and effective
 * permissions. Nothing here reads the database after load(): the feed handler does, off the
 * request path.
 */
import type { Metrics } from '../../platform/observability/metrics.ts';
import { endSpan, startSpan, tracingEnabled } from '../../platform/observability/tracing.ts';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AppError } from '../../platform/errors/app-error.ts';
import type { PartnerMembership, Principal, TenantMembership } from '../../platform/http/principal.ts';
import { isId } from '../../platform/ids.ts';
import { authzErrors } from './authz.errors.ts';
import { refusalDetail } from './authz.problem-details.ts';
import type { RoleCatalog } from './role-catalog.ts';
import { AuthzSnapshot, D_ACTIVE } from './snapshot.ts';
import { matchGrant } from './grant-set.ts';
import { SnapshotLoader, type DelegationsReread } from './snapshot-loader.ts';
import { decide, decideForPartner, explain, type Allowed, type AuthzPrincipal, type AuthzTarget, type Decision, type Explanation, type Refused, type UserPrincipal } from './decide.ts';

export const ACTIVE_TENANT_HEADER = 'x-active-tenant-id';

/** A customer a distributor reaches through one of its resellers' links (AuthzService.resellerReach). */
export interface ResellerReach {
  tenantId: string;
  /** the reseller's link the decision went through */
  delegationId: string;
  resellerId: string;
  /** billing account ids the access covers; null = every account of the tenant */
  bans: readonly string[] | null;
  decision: Allowed;
}

export interface AuthzServiceDeps {
  db: Db;
  feed: ChangeFeed;
  clock: Clock;
  roles: RoleCatalog;
  /** decide() latency, one call in SAMPLE_EVERY */
  metrics?: Metrics;
}

export class AuthzService {
  readonly snapshot = new AuthzSnapshot();
  readonly #d: AuthzServiceDeps;
  readonly #loader: SnapshotLoader;
  #unsubscribe: (() => void) | null = null;
  #loaded = false;

  constructor(d: AuthzServiceDeps) {
    this.#d = d;
    this.#loader = new SnapshotLoader(d.db, this.snapshot);
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /**
   * Load the snapshot and subscribe to the feed. Call after reading `feed.head()` and before
   * `feed.start(head)`, so changes committed during the load are replayed, not lost.
   */
  async load(): Promise<void> {
    if (!this.#unsubscribe) this.#unsubscribe = this.#d.feed.subscribe((events) => this.#loader.apply(events));
    await this.#loader.loadAll();
    this.#loaded = true;
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Be told of the delegations each change-feed batch re-reads, in the same pass (see DelegationsReread). */
  onDelegationsReread(fn: DelegationsReread): void {
    this.#loader.onDelegationsReread(fn);
  }

  now(): number {
    return this.#d.clock.nowMs();
  }

  decide(principal: AuthzPrincipal, action: string | null, target: AuthzTarget = {}, now: number = this.now()): Decision {
    const m = this.#d.metrics;
    if ((m === undefined || !m.enabled) && !tracingEnabled()) return decide(this.snapshot, principal, action, target, now);
    const span = startSpan('authz.decide', action === null ? undefined : { 'partnergate.permission': action });
    const t0 = m?.decideStart() ?? -1;
    const d = decide(this.snapshot, principal, action, target, now);
    m?.decideEnd(t0);
    endSpan(span, d.allow ? null : d.code);
    return d;
  }

  explain(principal: AuthzPrincipal, action: string | null, target: AuthzTarget = {}, now: number = this.now()): Explanation {
    return explain(this.snapshot, principal, action, target, now);
  }

  /**
   * The caller of a portal/API request as the snapshot knows it — id, status, platform role,
   * memberships — without a database read; null when the snapshot has no such user. It carries no
   * email or name (empty strings): only routes that declare `memoryAuth` get it (the decision API,
   * which keeps answering while the database is away).
   */
  principalOf(userId: string, kind: Principal['kind'], credential: { sessionId?: string; csrfToken?: string; tokenId?: string; mfa?: boolean }): Principal | null {
    const s = this.snapshot;
    const u = s.users.get(userId);
    if (u === undefined) return null;
    const tenants: TenantMembership[] = [];
    for (const [tenantId, role] of u.tenants ?? []) tenants.push({ tenantId, role: role as TenantMembership['role'], tenantStatus: s.tenants.get(tenantId)?.status ?? 'unknown' });
    const p = u.partner;
    const partner: PartnerMembership | null =
      p === null
        ? null
        : {
            partnerId: p.id,
            role: u.partnerRole as PartnerMembership['role'],
            memberStatus: u.partnerMemberActive ? 'active' : 'inactive',
            partnerStatus: p.status as PartnerMembership['partnerStatus'],
            capabilities: [...p.capabilities],
          };
    return {
      kind,
      userId,
      email: '',
      name: '',
      userStatus: u.status as Principal['userStatus'],
      platformRole: u.platformRole,
      tenants,
      partner,
      sessionId: credential.sessionId ?? null,
      csrfToken: credential.csrfToken ?? null,
      tokenId: credential.tokenId ?? null,
      ...(credential.mfa !== undefined ? { mfa: credential.mfa } : {}),
    };
  }

  /**
   * Resolve the tenant a user acts on from X-Active-Tenant-Id: a tenant it belongs to, or one
   * its partner holds an effective delegation for. No header → tenant_context_required. A
   * malformed id, an unknown tenant and a tenant without any delegation all answer the same
   * delegation_not_found — the answer never says whether the tenant exists.
   */
  resolveContext(principal: UserPrincipal, header: string | string[] | undefined | null, now: number = this.now()): Decision {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value === null || value === '') {
      return { allow: false, code: 'tenant_context_required', reason: 'Choose the tenant to act on: send X-Active-Tenant-Id.', matched: null, delegationId: null };
    }
    if (!isId(value, 'tnt')) return { allow: false, code: 'delegation_not_found', reason: 'No delegation gives access to this tenant.', matched: null, delegationId: null };
    return decide(this.snapshot, principal, null, { tenantId: value }, now);
  }

  /** The request's effective tenant, or the refusal as an AppError (for route handlers). */
  requireContext(req: FastifyRequest, userId: string): Allowed {
    // a session that proved a second factor satisfies MFA policies
    const d = this.resolveContext({ type: 'user', userId, mfa: req.principal?.mfa === true }, req.headers[ACTIVE_TENANT_HEADER]);
    if (!d.allow) throw this.refusalError(d);
    return d;
  }

  /** The partner-side view: what the partner's users may do on a tenant through its delegations. */
  partnerAccess(partnerId: string, tenantId: string, action: string | null = null, now: number = this.now()): Decision {
    return decideForPartner(this.snapshot, partnerId, action, { tenantId }, now);
  }

  /**
   * What one partner member may do on a customer tenant: the partner's delegations ∩
   * the member's own member role, as decide() answers for a token issued through the partner.
   */
  memberAccess(userId: string, partnerId: string, tenantId: string, action: string | null = null, now: number = this.now(), mfa = false, ban: string | null = null): Decision {
    // mfa: the caller's credential proved a second factor (at sign-in or by a later step-up), as
    // the gateway passes it: the tenant's MFA policy answers the same at every door
    return decide(this.snapshot, { type: 'user', userId, partnerId, mfa }, action, ban === null ? { tenantId } : { tenantId, ban }, now);
  }

  /** Every catalog permission one partner member holds on a customer tenant (link ∩ member role). */
  memberPermissions(userId: string, partnerId: string, tenantId: string, now: number = this.now()): string[] {
    const out: string[] = [];
    for (const p of this.#d.roles.permissions.keys()) if (this.memberAccess(userId, partnerId, tenantId, p, now).allow) out.push(p);
    return out;
  }

  /** managed_tenant_ids: the customer tenants a partner member may act on now (links ∩ member role; not the partner's own home tenant). */
  managedTenantIds(userId: string, partnerId: string, now: number = this.now()): string[] {
    const out: string[] = [];
    for (const t of this.snapshot.partnerTenantIds(partnerId)) if (this.memberAccess(userId, partnerId, t, null, now).allow) out.push(t);
    return out.sort();
  }

  /** Customers a partner serves: tenants it holds an active delegation for, in its window (whatever the partner's own status). */
  customersServed(partnerId: string, now: number = this.now()): number {
    let n = 0;
    for (const t of this.snapshot.partners.get(partnerId)?.byTenant.keys() ?? []) {
      if (this.snapshot.pair(partnerId, t).some((d) => d.status === D_ACTIVE && d.startsMs <= now && now < d.endsMs)) n++;
    }
    return n;
  }

  /**
   * Two-tier partners: the reseller whose link an access of `partnerId` went through (the
   * delegation belongs to another partner, the acting one's reseller), or null for the partner's
   * own delegation. Access events name it, so the chain is in the audit.
   */
  throughReseller(partnerId: string | null, delegationId: string | null): string | null {
    if (partnerId === null || delegationId === null) return null;
    const owner = this.snapshot.delegations.get(delegationId)?.partnerId;
    return owner !== undefined && owner !== partnerId ? owner : null;
  }

  /**
   * Two-tier partners: the customers a distributor reaches now through its resellers' links, each
   * with the link and the reseller it goes through — as decide() answers for the partner, or, given
   * a member, for that member and `action` (link ∩ member role, the tenant's MFA policy). Only the
   * tenants of the distributor's chain are asked (its resellers' links the customer opened to it);
   * a tenant the decision reaches through the distributor's own link is not here. Empty for a
   * reseller and for a partner without resellers.
   */
  resellerReach(partnerId: string, who: { userId: string; mfa: boolean; action: string } | null = null, now: number = this.now()): ResellerReach[] {
    const p = this.snapshot.partners.get(partnerId);
    if (p === undefined || p.parent !== null || p.chain === null) return [];
    const out: ResellerReach[] = [];
    for (const tenantId of p.chain.keys()) {
      const d = who === null ? this.partnerAccess(partnerId, tenantId, null, now) : this.memberAccess(who.userId, partnerId, tenantId, who.action, now, who.mfa);
      if (!d.allow || d.delegationId === null) continue;
      const resellerId = this.throughReseller(partnerId, d.delegationId);
      if (resellerId !== null) out.push({ tenantId, delegationId: d.delegationId, resellerId, bans: d.bans, decision: d });
    }
    return out;
  }

  /** The member role of a partner member (null = none: full). */
  memberRoleOf(userId: string): string | null {
    return this.snapshot.users.get(userId)?.memberRole?.id ?? null;
  }

  /** Does the member's own member role (not the link) grant `permission`? No member role = yes. */
  memberRoleGrants(userId: string, permission: string): boolean {
    const mr = this.snapshot.users.get(userId)?.memberRole;
    return !mr || matchGrant(mr.grants, permission) !== null;
  }

  /**
   * The tenants the partner's users may act on now (its effective delegations, as decided for
   * every request, and its own home tenant): the tenants whose rows a partner route's database
   * context may touch.
   */
  partnerTenantsInReach(partnerId: string, now: number = this.now()): string[] {
    const out: string[] = [];
    // a wholesaler's own tenant: its own resources and the account it is billed on
    const home = this.snapshot.partners.get(partnerId);
    if (home?.active && home.homeTenantId) out.push(home.homeTenantId);
    for (const t of this.snapshot.partnerTenantIds(partnerId)) if (decideForPartner(this.snapshot, partnerId, null, { tenantId: t }, now, true).allow) out.push(t);
    return out;
  }

  /** Every catalog permission the principal holds on the target. */
  effectivePermissions(principal: AuthzPrincipal, target: AuthzTarget, now: number = this.now()): string[] {
    const out: string[] = [];
    for (const p of this.#d.roles.permissions.keys()) if (decide(this.snapshot, principal, p, target, now).allow) out.push(p);
    return out;
  }

  /** Every catalog permission the partner's users hold on a tenant through its delegations. */
  partnerPermissions(partnerId: string, tenantId: string, now: number = this.now()): string[] {
    const out: string[] = [];
    for (const p of this.#d.roles.permissions.keys()) if (decideForPartner(this.snapshot, partnerId, p, { tenantId }, now).allow) out.push(p);
    return out;
  }

  /**
   * For an active link or consent: is the tenant admin who approved it still an active
   * TENANT_ADMIN of the tenant (the portal warns and offers to confirm it when not)? null when
   * the question does not apply (not active, wholesale, no tenant approver, unknown).
   */
  approverActive(delegationId: string): boolean | null {
    const d = this.snapshot.delegations.get(delegationId);
    if (d === undefined || d.status !== D_ACTIVE || d.approverId === null) return null;
    return d.approverActive;
  }

  refusalError(r: Refused): AppError {
    return authzErrors[r.code](refusalDetail(r.code, r.reason));
  }
}
