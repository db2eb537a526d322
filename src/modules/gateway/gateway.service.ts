/**
 * The gateway's admission: one list of named steps, in the order they are
 * taken, each a plain function in steps/ that answers a refusal (an AppError) or undefined and
 * writes what it learned onto the request's state (GatewayState):
 *
 *   auditBacklog        the access log can be written                       audit_backlog_full
 *   token               the bearer token (never the query) or the session   invalid_token, authentication_required
 *   identity            who acts: the JWT verified against the JWKS (cached)  invalid_token, session_expired,
 *                       and live (not revoked, app active), or the API token    user_inactive, csrf_token_invalid
 *                       or session from its index; the user from the snapshot
 *   partnerPolicy (IP)  the partner's route classes and IP allow-list       route_class_not_allowed, ip_not_allowed
 *   target              tenant (X-Active-Tenant-Id or claim) and the BAN    delegation_not_found, ban_ambiguous
 *   decision (MFA)      decide(principal, permission, target) on the live   every refusal of decide(): partner_inactive,
 *                       snapshot — partner and user status, delegation,       delegation_*, mfa_required, scope_insufficient …
 *                       accounts, window, JIT, the MFA policies
 *   billing             persona and the BAN to charge                       bill_to_invalid
 *   purpose             the route's purpose (if it requires one) is held:   purpose_required, purpose_revoked
 *                       the token's `purpose` claim and the delegation's
 *                       current purposes (revocable one by one)
 *   organizationStatus  the customer's subscription is not suspended        subscription_suspended
 *   limits (+ quota)    per credential × route class, per partner, the      rate_limited, quota_exceeded,
 *                       partner's quotas and the customer's plan quota        rate_limiter_unavailable
 *                       in one atomic decision
 *   assertion           the verified identity forwarded (signed) upstream
 *   audit               after the answer: the access event (audit())
 *
 * A token caller's last admission stands in for target, decision and billing while nothing it was
 * decided on changed; a refusal the snapshot may be too old to decide is decided again once the
 * change feed is drained (steps/decision.ts). The partner API runs partnerPolicy and limits on
 * the same counters (admitPartnerPerson, partner-admission.ts).
 *
 * Nothing here reads the database per request: the snapshot, the verified-token cache and the
 * API-token and session indexes answer. Only a portal session the session index cannot vouch for
 * (just created on another instance, or idle by what this instance has seen) is read once. A
 * cached partner-app token with the in-memory limiter goes through every step synchronously: no
 * promise, no microtask, no allocation but the state's.
 */
import type { AppError } from '../../platform/errors/app-error.ts';
import { AuditBuffer } from '../audit/index.ts';
import type { PartnerLimits } from '../authz/index.ts';
import { protectedResourceMetadataUrl } from '../oauth/index.ts';
import type { AccessTokenVerifier } from './access-token.ts';
import type { GatewayRule } from './route-table.ts';
import { DpopReplayCache } from './dpop.ts';
import { NO_METRICS, type Metrics } from '../../platform/observability/metrics.ts';
import { newRateLimits, newState, type Admitted, type Caller, type GatewayCore, type GatewayDeps, type GatewayRequest, type GatewayState, type LastGroup } from './steps/core.ts';
import { audit, auditBacklog } from './steps/audit.ts';
import { token } from './steps/token.ts';
import { identity, identityCached } from './steps/identity.ts';
import { partnerAddress, partnerPolicy } from './steps/partner-policy.ts';
import { target } from './steps/target.ts';
import { decision, keepAdmission, reuseAdmission, STALE_REFUSALS, staleRefusal } from './steps/decision.ts';
import { billing } from './steps/billing.ts';
import { organizationStatus } from './steps/organization-status.ts';
import { purpose } from './steps/purpose.ts';
import { linkLimits } from './steps/link-limits.ts';
import { limitFor, limits } from './steps/limits.ts';
import { assertion } from './steps/assertion.ts';

export { bearerChallenge, type Admitted, type GatewayDeps, type GatewayRequest, type GatewayState, type LiveTokenState } from './steps/core.ts';

export class GatewayService {
  readonly #g: GatewayCore;
  readonly auditBuffer: AuditBuffer;
  readonly metrics: Metrics;

  constructor(d: GatewayDeps) {
    const lastGroup: LastGroup = { rule: null, actor: null, tenantId: null, partnerId: null, ban: null, bans: null, status: 0, decision: '', delegationId: null, purpose: null, userAgent: null, key: '' };
    this.metrics = d.metrics ?? NO_METRICS;
    this.auditBuffer = new AuditBuffer(d.audit, d.clock, { flushIntervalMs: d.config.gatewayAuditFlushMs, onError: (e) => d.onError?.(e, 'gateway audit') });
    this.#g = {
      d,
      metrics: this.metrics,
      auditBuffer: this.auditBuffer,
      auditBacklogLimit: d.config.gatewayAuditBacklog,
      rateLimits: d.config.rateLimits,
      resourceMetadataParam: `, resource_metadata="${protectedResourceMetadataUrl(d.config)}"`,
      dpopReplay: new DpopReplayCache(),
      lastGroup,
      policyFields: new Map(),
      planQuotas: new Map(),
    };
  }

  get tokens(): AccessTokenVerifier | null {
    return this.#g.d.tokens;
  }

  /**
   * A bearer access token checked as this gateway checks one — the verification cache, then
   * revocation (the token, its grant) and its app still there — for the other doors that take the
   * authorization server's tokens (the AuthZEN decision API). No database read.
   */
  async verifyBearer(token: string): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }> {
    const { tokens, live } = this.#g.d;
    if (!tokens) return { ok: false, reason: 'No authorization server is configured to verify access tokens.' };
    const r = await tokens.verify(token);
    if (!r.ok) return { ok: false, reason: r.reason };
    const refused = live ? await live.check(r.token.claims) : null;
    return refused ? { ok: false, reason: refused } : { ok: true, claims: r.token.claims as unknown as Record<string, unknown> };
  }

  async close(): Promise<void> {
    await this.auditBuffer.close();
    await this.#g.d.signaturePool?.close();
  }

  newState(): GatewayState {
    return newState();
  }

  /**
   * The admission of one request under its route rule: the steps above, in that order. Throws the
   * first refusal (or returns a promise that rejects with it).
   */
  admit(req: GatewayRequest, rule: GatewayRule, st: GatewayState): Admitted | Promise<Admitted> {
    const g = this.#g;
    st.permission = rule.permission;
    const r = auditBacklog(g) ?? token(g, req, st) ?? identityCached(g, st);
    if (r !== undefined) throw r;
    if (st.caller === null) return identity(g, req, st).then((r) => this.#admitCaller(req, rule, st, r, false));
    return this.#admitCaller(req, rule, st, undefined, false);
  }

  /** The steps after identity (given identity's answer), again from the start when a stale refusal was caught up. */
  #admitCaller(req: GatewayRequest, rule: GatewayRule, st: GatewayState, identified: AppError | undefined, caughtUp: boolean): Admitted | Promise<Admitted> {
    if (identified !== undefined) throw identified;
    const g = this.#g;
    const caller = st.caller!;
    const version = g.d.authz.snapshot.version;
    let r = partnerPolicy(g, caller, req.ip, rule.rateClass);
    if (r === undefined && !reuseAdmission(g, req, rule, st, version)) {
      r = target(req, st);
      if (r === undefined) {
        r = decision(g, rule, st) ?? billing(g, st);
        if (r !== undefined && !caughtUp && STALE_REFUSALS.has(r.code)) return staleRefusal(g, r, st, version).then(() => this.#admitCaller(req, rule, st, undefined, true));
        if (r === undefined) keepAdmission(g, req, rule, st, version);
      }
    }
    r ??= purpose(g, req, rule, st) ?? organizationStatus(g, st) ?? linkLimits(g, req, st);
    if (r !== undefined) throw r;
    const l = limits(g, caller, rule.rateClass, st.allowed?.tenantId ?? null, st);
    if (l instanceof Promise) return l.then((r) => this.#admitted(req, rule, st, r));
    return this.#admitted(req, rule, st, l);
  }

  #admitted(req: GatewayRequest, rule: GatewayRule, st: GatewayState, limited: AppError | undefined): Admitted {
    if (limited !== undefined) throw limited;
    return assertion(this.#g, req, rule, st);
  }

  /**
   * The steps of this pipeline that hold for a partner person whatever the door (the partner API
   * under /api/v1/partner, its exports and views): partnerPolicy (the partner's allowed route
   * classes and IP allow-list), then limits — on the very counters a request through the gateway
   * counts on (the same credential's class window, the partner-wide window, the partner's daily
   * and monthly quotas, the customer's plan quota). Identity, organization status and the
   * decision are the caller's (partner-admission.ts), taken before this. Answers the RateLimit
   * headers, or throws the refusal the gateway would give.
   */
  admitPartnerPerson(a: { ip: string | null; credentialKey: string; userId: string; partnerId: string | null; rateClass: string; tenantId: string | null }): Record<string, string> | Promise<Record<string, string>> {
    const g = this.#g;
    const caller: Caller = {
      kind: 'user',
      fromAppToken: false,
      defaultTenant: null,
      principal: { type: 'user', userId: a.userId },
      partnerId: a.partnerId,
      rateKey: a.credentialKey,
      scopes: null,
      claimTenant: null,
      limits: newRateLimits(),
      admission: null,
      admitted: 0,
    };
    const r = partnerPolicy(g, caller, a.ip, a.rateClass);
    if (r !== undefined) throw r;
    const out: { rateHeaders: Record<string, string> | null } = { rateHeaders: null };
    const l = limits(g, caller, a.rateClass, a.tenantId, out);
    if (l instanceof Promise) return l.then((r) => headersOf(r, out));
    return headersOf(l, out);
  }

  /**
   * The partner's IP allow-list alone, for its people on the partner's own pages (members, apps,
   * links, resold customers, earnings): the same check, the same refusal as at the gateway.
   */
  checkPartnerAddress(partnerId: string, ip: string | null): void {
    const r = partnerAddress(this.#g.d.authz.snapshot, partnerId, ip);
    if (r !== undefined) throw r;
  }

  /** A route class's per-minute limit: the partner's configuration, else RATE_LIMITS (classLimit). */
  limitFor(partnerId: string | null, cls: string, pl: PartnerLimits | null = null): number {
    return limitFor(this.#g, partnerId, cls, pl);
  }

  /** The last step, after the answer: the access event of a cross-tenant request (steps/audit.ts). */
  audit(req: GatewayRequest, rule: GatewayRule | null, st: GatewayState, status: number): void {
    audit(this.#g, req, rule, st, status);
  }
}

function headersOf(r: AppError | undefined, out: { rateHeaders: Record<string, string> | null }): Record<string, string> {
  if (r !== undefined) throw r;
  return out.rateHeaders!;
}
