/**
 * The gateway's enforcement pipeline (ARCHITECTURE §5), one named step per check, each
 * returning its value or throwing one refusal:
 *
 *   credential   → the bearer token from the Authorization header (never the query), or the session
 *   authenticate → JWT verified locally against the JWKS (cached by SHA-256), or the API token / session
 *   liveToken    → token not revoked, app active (the OAuth module's live state)
 *   principal    → who acts: a partner app (claims) or a user
 *   target       → tenant (token claim or X-Active-Tenant-Id) and the BAN the request names
 *   authorize    → decide(principal, route permission, target) over the live snapshot
 *   billing      → persona and the BAN to charge, checked against the snapshot
 *   rateLimit    → per token × route class, then per partner (shared limiter)
 *   → identity   → the verified identity forwarded (and signed) to the upstream
 *
 * Nothing here reads the database per request: the snapshot, the verified-token cache and the
 * API-token and session indexes answer. Only a portal session the session index cannot vouch for
 * (just created on another instance, or idle by what this instance has seen) is read once.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import type { Actor } from '../../platform/http/request-context.ts';
import { RateLimitStoreError, classLimit, rateLimitHeaders, type RateLimitDecision, type RateLimiter, type RateLimitRequest, type RatePolicy } from '../../platform/ratelimit/index.ts';
import { AuditBuffer, type AuditLog } from '../audit/index.ts';
import { ACTIVE_TENANT_HEADER, REFUSAL_CODES, anyGrantCovers, authzErrors, ipAllowed, partnerLimits, quotaPeriods, type PartnerConfig, type PartnerLimits, type Allowed, type AppPrincipal, type AuthzPrincipal, type AuthzService, type AuthzTarget, type Refused, type UserPrincipal } from '../authz/index.ts';
import { identityErrors, type IdentityService } from '../identity/index.ts';
import { protectedResourceMetadataUrl } from '../oauth/index.ts';
import { gatewayErrors as E } from './gateway.errors.ts';
import type { AccessTokenVerifier, VerifiedToken } from './access-token.ts';
import { identityParts, type GatewayIdentity, type IdentityParts } from './assertion.ts';
import type { GatewayRule } from './route-table.ts';
import { checkDpopProof, DpopReplayCache, type DpopReplayStore } from './dpop.ts';
import { NO_METRICS, type Metrics } from '../../platform/observability/metrics.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';

/** What the OAuth module says about a verified token on every request (revocation, app status). */
export interface LiveTokenState {
  /** a refusal reason when the token's app has been deleted (or names another partner); null when live */
  check(claims: VerifiedToken['claims']): string | null | Promise<string | null>;
}

export interface GatewayDeps {
  config: Config;
  clock: Clock;
  authz: AuthzService;
  identity: Pick<IdentityService, 'apiTokens' | 'sessions' | 'authenticateSession' | 'verifyCsrf'>;
  rateLimiter: RateLimiter;
  audit: AuditLog;
  /** access-token verification; null until an authorization server is configured */
  tokens: AccessTokenVerifier | null;
  live?: LiveTokenState | null;
  /** notes the delegation of each admitted request for "last use" (in memory; flushed in batches elsewhere) */
  lastUse?: { note(delegationId: string): void } | null;
  onError?: (err: unknown, what: string) => void;
  /** the worker threads checking token signatures, closed with the gateway */
  signaturePool?: { close(): Promise<void> } | null;
  /** decisions by code and partner, admission latency (sampled) */
  metrics?: Metrics;
  /** partners' requests by day, counted in memory and written in batches (partners/partner-usage.ts) */
  usage?: { note(partnerId: string, admitted: boolean): void } | null;
  /** the change feed, drained once before a refusal the snapshot may be too old to decide (see #staleRefusal) */
  feed?: Pick<ChangeFeed, 'drain'> | null;
  /** seen DPoP proof ids shared by every instance (Redis); null: this instance's memory */
  dpopReplay?: DpopReplayStore | null;
}

/** The request as the pipeline sees it (a proxied request or a forward-auth check). */
export interface GatewayRequest {
  method: string;
  /** the public path, without the query */
  path: string;
  /** the raw query string without `?` ('' when none) */
  query: string;
  headers: IncomingHttpHeaders;
  sessionCookie: string | null;
  ip: string | null;
  requestId: string;
  /** scheme://host the client called, when not PUBLIC_URL (forward-auth behind another proxy): the DPoP `htu` */
  origin?: string;
}

/** What the pipeline learned, kept for the audit event whether it admits or refuses. */
export interface GatewayState {
  actor: Actor;
  partnerId: string | null;
  tenantId: string | null;
  ban: string | null;
  /** the billing accounts the admitted access covers (null: every account of the tenant) */
  bans: readonly string[] | null;
  delegationId: string | null;
  permission: string | null;
  /** a partner acting on a customer tenant (audited), or a refusal between known parties */
  crossTenant: boolean;
  refusal: string | null;
}

export interface Admitted {
  identity: GatewayIdentity;
  /** the identity's signed text and headers but for the request id (see appendSigned) */
  parts: IdentityParts;
  rateHeaders: Record<string, string>;
}

/** Who acts, derived once from a verified token's claims (kept on the token: claims never change). */
type DerivedCaller = { caller: Caller; actor: Actor };

/**
 * A caller's rate-limit keys and limits by route class, built on first use: the first class
 * inline (most tokens use one), others in a map made when a second class shows up.
 */
interface RateLimits {
  cls: string | null;
  reqs: RateLimitRequest[] | null;
  more: Map<string, RateLimitRequest[]> | null;
  /** the partner configuration these were built from (the snapshot replaces it on a change) */
  cfg: PartnerConfig | null;
  pl: PartnerLimits | null;
  /** the partner's quota counters for the current day and month (null: no quota), valid until quotaUntilMs */
  quota: RateLimitRequest[] | null;
  quotaUntilMs: number;
}

function newRateLimits(): RateLimits {
  return { cls: null, reqs: null, more: null, cfg: null, pl: null, quota: null, quotaUntilMs: 0 };
}

type Billing = { persona: string | null; billTo: string | null };

/**
 * A token caller's last admitted request: what #target, #authorize and #billing answered, and
 * what they answered it on (the snapshot version, the tenant header and the query), valid until
 * the access's own end. Reused while nothing of that changed (see #admitCaller).
 */
interface Admission {
  rule: GatewayRule;
  header: string | string[] | undefined;
  query: string;
  version: number;
  fromMs: number;
  untilMs: number;
  target: AuthzTarget;
  allowed: Allowed | null;
  billing: Billing;
  st: Pick<GatewayState, 'tenantId' | 'ban' | 'delegationId' | 'bans' | 'crossTenant'>;
  /** the identity's parts, worked out on the first request that reuses this admission */
  parts: IdentityParts | null;
}

type Credential = { kind: 'jwt' | 'pat' | 'session'; token: string; dpop?: boolean };

type Caller =
  | { kind: 'app'; token: VerifiedToken; principal: AppPrincipal; partnerId: string; rateKey: string; limits: RateLimits; admission: Admission | null; admitted: number }
  | {
      kind: 'user';
      /** an app's access token acting as a user (not a session or a personal API token) */
      fromAppToken: boolean;
      /** the tenant acted on when the request names none: a session's or API token's user with one tenant and no partner */
      defaultTenant: string | null;
      principal: UserPrincipal;
      partnerId: string | null;
      rateKey: string;
      scopes: readonly string[] | null;
      /** the tenant a partnerless app token is for */
      claimTenant: string | null;
      limits: RateLimits;
      admission: Admission | null;
      /** requests admitted so far (the admission is kept from the second on) */
      admitted: number;
    };

type SnapshotUser = ReturnType<AuthzService['snapshot']['users']['get']>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Refusals decided on the snapshot that a change made through another instance a moment before
 * the request could turn into an admission (see #staleRefusal): every refusal of decide() but those
 * decided by the request or its token alone, and a bill_to the snapshot does not know.
 */
const STALE_REFUSALS = new Set<string>([...REFUSAL_CODES.filter((c) => c !== 'tenant_context_required' && c !== 'scope_insufficient'), 'bill_to_invalid']);
const TENANT_ID = /^tnt_[0-9a-hjkmnp-tv-z]{26}$/;
// Mirrors the snapshot's origin numbering (authz/snapshot.ts: O_LINK, O_CONSENT, O_WHOLESALE).
const ORIGIN_PERSONA = ['msp', 'partner', 'wholesaler'] as const;

export function bearerChallenge(error: string | null, description?: string, resourceMetadata = ''): string {
  let h = 'Bearer realm="partnergate"';
  if (error) h += `, error="${error}"`;
  if (description) h += `, error_description="${description.replace(/["\\]/g, '')}"`;
  return h + resourceMetadata;
}

export class GatewayService {
  readonly #d: GatewayDeps;
  readonly auditBuffer: AuditBuffer;
  readonly metrics: Metrics;
  readonly #limits: Record<string, number>;
  /** seen DPoP proof ids in memory, when no shared store (Redis) is given */
  readonly #dpopReplay = new DpopReplayCache();
  readonly #auditBacklogLimit: number;
  /** the last access event's group key and what it was built from (see #groupKey) */
  readonly #lastGroup: { rule: GatewayRule | null; actor: Actor | null; tenantId: string | null; partnerId: string | null; ban: string | null; bans: readonly string[] | null; status: number; decision: string; delegationId: string | null; userAgent: string | null; key: string } = {
    rule: null,
    actor: null,
    tenantId: null,
    partnerId: null,
    ban: null,
    bans: null,
    status: 0,
    decision: '',
    delegationId: null,
    userAgent: null,
    key: '',
  };
  /** RateLimit-Policy field values by class and limit */
  readonly #policyFields = new Map<string, { policy: string; name: string }>();
  /** customers' plan quota counters for today (tenant id → counter), see #planQuota */
  readonly #planQuotas = new Map<string, { req: RateLimitRequest; untilMs: number }>();

  /** RFC 9728 §5.1: every 401 challenge names the resource's metadata; written once, appended as is */
  readonly #resourceMetadataParam: string;

  constructor(d: GatewayDeps) {
    this.#d = d;
    this.#resourceMetadataParam = `, resource_metadata="${protectedResourceMetadataUrl(d.config)}"`;
    this.metrics = d.metrics ?? NO_METRICS;
    this.#limits = d.config.rateLimits;
    this.auditBuffer = new AuditBuffer(d.audit, d.clock, { flushIntervalMs: d.config.gatewayAuditFlushMs, onError: (e) => d.onError?.(e, 'gateway audit') });
    this.#auditBacklogLimit = d.config.gatewayAuditBacklog;
  }

  get tokens(): AccessTokenVerifier | null {
    return this.#d.tokens;
  }

  async close(): Promise<void> {
    await this.auditBuffer.close();
    await this.#d.signaturePool?.close();
  }

  newState(): GatewayState {
    return { actor: { type: 'anonymous', userId: null, partnerId: null, clientId: null, agencyId: null }, partnerId: null, tenantId: null, ban: null, bans: null, delegationId: null, permission: null, crossTenant: false, refusal: null };
  }

  /**
   * The whole pipeline for one request and its route rule. Throws an AppError refusal (or
   * returns a promise that rejects with one). A cached partner-app token with the in-memory
   * limiter goes through every step synchronously: no promise, no microtask on the hot path.
   */
  admit(req: GatewayRequest, rule: GatewayRule, st: GatewayState): Admitted | Promise<Admitted> {
    st.permission = rule.permission;
    // Access events wait in memory for their batch (and in the spool on disk); when the database
    // has not taken them for a long while, or the spool cannot be written, serve nothing rather
    // than serve what a crash could leave unaudited (fail closed).
    if (this.auditBuffer.pending >= this.#auditBacklogLimit || this.auditBuffer.spoolBroken) {
      throw E.audit_backlog_full('The access log cannot be written right now, so the request was not served. Try again shortly.', { headers: { 'retry-after': '5' } });
    }
    const credential = this.#credential(req);
    const caller = this.#authenticateCached(credential, st) ?? this.#authenticate(req, credential, st);
    return caller instanceof Promise ? caller.then((c) => this.#admitCaller(req, rule, st, c)) : this.#admitCaller(req, rule, st, caller);
  }

  #admitCaller(req: GatewayRequest, rule: GatewayRule, st: GatewayState, caller: Caller, caughtUp = false): Admitted | Promise<Admitted> {
    if (caller.partnerId !== null) this.#partnerPolicy(req.ip, rule.rateClass, caller);
    let target: AuthzTarget;
    let allowed: Allowed | null;
    let billing: Billing;
    const header = req.headers[ACTIVE_TENANT_HEADER];
    const m = caller.admission;
    const version = this.#d.authz.snapshot.version;
    const now = m === null ? 0 : this.#d.clock.nowMs();
    if (m !== null && m.rule === rule && m.header === header && m.query === req.query && m.version === version && now < m.untilMs && now >= m.fromMs) {
      // The same question as the caller's last admitted request, on a snapshot nothing has changed
      // in since (every change bumps its version), before any time limit of that access: decide()
      // is pure, so its answer is the same. Token revocation, the app and the rate limits are
      // still checked on this request like on every other.
      ({ target, allowed, billing } = m);
      st.tenantId = m.st.tenantId;
      st.ban = m.st.ban;
      st.delegationId = m.st.delegationId;
      st.bans = m.st.bans;
      st.crossTenant = m.st.crossTenant;
    } else {
      target = this.#target(req, caller, st);
      try {
        allowed = this.#authorize(caller, rule, target, st);
        billing = this.#billing(caller, allowed, target);
      } catch (e) {
        if (caughtUp || !STALE_REFUSALS.has((e as AppError).code)) throw e;
        return this.#staleRefusal(e as AppError, st, version).then(() => this.#admitCaller(req, rule, st, caller, true));
      }
      // Kept from a token's second admitted request on: a token used once (a stream of new tokens)
      // keeps no more than it needs.
      if ((caller.kind === 'app' || caller.fromAppToken) && caller.admitted++ > 0) {
        const d = allowed?.delegationId ? this.#d.authz.snapshot.delegations.get(allowed.delegationId) : undefined;
        caller.admission = {
          rule,
          header,
          query: req.query,
          version,
          // an access through a delegation holds inside the delegation's window only
          fromMs: allowed?.delegationId ? (d?.startsMs ?? Number.POSITIVE_INFINITY) : Number.NEGATIVE_INFINITY,
          untilMs: allowed?.delegationId ? (d?.endsMs ?? 0) : Number.POSITIVE_INFINITY,
          target,
          allowed,
          billing,
          st: { tenantId: st.tenantId, ban: st.ban, delegationId: st.delegationId, bans: st.bans, crossTenant: st.crossTenant },
          parts: null,
        };
      }
    }
    // a customer whose subscription is suspended (modules/plans) is refused whoever acts for it
    if (allowed !== null && allowed.tenantId !== null && this.#d.authz.snapshot.suspendedTenants.has(allowed.tenantId)) throw E.subscription_suspended('The subscription of this customer is suspended.');
    const kept = caller.admission !== null && caller.admission.target === target ? caller.admission : null;
    const rate = this.#rateLimit(caller, rule.rateClass, allowed?.tenantId ?? null);
    if (rate instanceof Promise) return rate.then((h) => this.#admitted(req, rule, caller, target, allowed, billing, h, kept));
    return this.#admitted(req, rule, caller, target, allowed, billing, rate, kept);
  }

  #admitted(req: GatewayRequest, rule: GatewayRule, caller: Caller, target: AuthzTarget, allowed: Allowed | null, billing: Billing, rateHeaders: Record<string, string>, kept: Admission | null): Admitted {
    if (allowed?.delegationId) this.#d.lastUse?.note(allowed.delegationId);
    const identity: GatewayIdentity = {
      requestId: req.requestId,
      partnerId: caller.partnerId,
      userId: caller.principal.userId ?? null,
      clientId: caller.kind === 'app' ? caller.principal.clientId : null,
      tenantId: allowed?.tenantId ?? null,
      ban: target.ban ?? null,
      bans: allowed ? allowed.bans : null,
      billTo: billing.billTo,
      delegationId: allowed?.delegationId ?? null,
      scopes: caller.kind === 'app' ? caller.token.scopes : caller.scopes,
      persona: billing.persona,
      permission: rule.permission,
    };
    // The signed text and headers of everything but the request id: the same for every request
    // of a kept admission, so worked out once for it.
    let parts: IdentityParts;
    if (kept !== null) parts = kept.parts ??= identityParts(identity);
    else parts = identityParts(identity);
    return { rateHeaders, identity, parts };
  }

  /**
   * The steps of this pipeline that hold for a partner person whatever the door (the partner API
   * under /api/v1/partner, its exports and views): the partner's allowed route classes and IP
   * allow-list, then the rate limits and quotas — on the very counters a request through the
   * gateway counts on (the same credential's class window, the partner-wide window, the partner's
   * daily and monthly quotas, the customer's plan quota). Identity, organization status and the
   * decision are the caller's (partner-admission.ts), taken before this. Answers the RateLimit
   * headers, or throws the refusal the gateway would give.
   */
  admitPartnerPerson(a: { ip: string | null; credentialKey: string; userId: string; partnerId: string | null; rateClass: string; tenantId: string | null }): Record<string, string> | Promise<Record<string, string>> {
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
    if (a.partnerId !== null) this.#partnerPolicy(a.ip, a.rateClass, caller);
    return this.#rateLimit(caller, a.rateClass, a.tenantId);
  }

  /**
   * The partner's IP allow-list alone, for its people on the partner's own pages (members, apps,
   * links, resold customers, earnings): the same check, the same refusal as at the gateway.
   */
  checkPartnerAddress(partnerId: string, ip: string | null): void {
    const cfg = this.#d.authz.snapshot.partners.get(partnerId)?.config ?? null;
    const pl = cfg === null ? null : partnerLimits(cfg);
    if (pl !== null && pl.ipAllow !== null && !ipAllowed(pl.ipAllow, ip)) throw ipRefusal();
  }

  // ---- credential ---------------------------------------------------------------------------

  #credential(req: GatewayRequest): Credential {
    const h = req.headers.authorization;
    if (h !== undefined) {
      // The scheme by prefix; the token's characters are checked only before a signature check
      // (a token already in the verified cache is known to be well formed). "Bearer <token>" as
      // clients write it is taken as it is (nothing to trim); anything else the long way.
      const last = h.charCodeAt(h.length - 1);
      if (h.startsWith('Bearer ') && h.length <= 8199 && h.charCodeAt(7) > 32 && h.charCodeAt(7) < 127 && last > 32 && last < 127) {
        const token = h.slice(7);
        return token.startsWith('pgpat_') ? { kind: 'pat', token } : { kind: 'jwt', token, dpop: false };
      }
      const sp = h.indexOf(' ');
      const scheme = sp > 0 ? h.slice(0, sp).toLowerCase() : '';
      const token = sp > 0 ? h.slice(sp + 1).trim() : '';
      if ((scheme !== 'bearer' && scheme !== 'dpop') || token === '' || token.length > 8192) {
        throw identityErrors.invalid_token('The Authorization header must be "Bearer <token>".', { headers: { 'www-authenticate': this.#challenge('invalid_request', 'malformed Authorization header') } });
      }
      if (token.startsWith('pgpat_')) return { kind: 'pat', token };
      return { kind: 'jwt', token, dpop: scheme === 'dpop' };
    }
    if (req.sessionCookie) return { kind: 'session', token: req.sessionCookie };
    // RFC 6750 §2.2/2.3 form and query tokens are not accepted: a token in a URL ends up in logs.
    throw authzErrors.authentication_required('Send an access token in the Authorization header (Bearer).', {
      headers: { 'www-authenticate': this.#challenge('invalid_request', 'no access token in the Authorization header') },
    });
  }

  #challenge(error: string, description?: string): string {
    return bearerChallenge(error, description, this.#resourceMetadataParam);
  }

  // ---- authenticate -------------------------------------------------------------------------

  /**
   * The hot path of authentication: a bearer JWT already verified on this instance, not bound
   * to a key, whose live state (revocation, app) is in memory. Anything else → null, and
   * #authenticate does the whole work.
   */
  #authenticateCached(c: Credential, st: GatewayState): Caller | null {
    if (c.kind !== 'jwt' || c.dpop === true) return null;
    const t = this.#d.tokens?.cached(c.token);
    if (t === undefined || t === 'expired' || t.claims.cnf?.jkt !== undefined) return null;
    const live = this.#d.live ? this.#d.live.check(t.claims) : null;
    if (live === null) return this.#appCaller(t, st);
    if (typeof live === 'string') throw this.#liveRefusal(t.claims, live);
    return null; // the live state is being loaded: the slow path waits for it
  }

  async #authenticate(req: GatewayRequest, c: Credential, st: GatewayState): Promise<Caller> {
    if (c.kind === 'jwt') {
      const tokens = this.#d.tokens;
      if (!tokens) throw identityErrors.invalid_token('No authorization server is configured to verify access tokens.', { headers: { 'www-authenticate': this.#challenge('invalid_token') } });
      const r = await tokens.verify(c.token);
      if (!r.ok) throw identityErrors.invalid_token(r.reason, { headers: { 'www-authenticate': this.#challenge('invalid_token', r.reason) } });
      const t = r.token;
      if (t.claims.cnf?.jkt !== undefined || c.dpop === true) await this.#proofOfPossession(req, c.token, t, c.dpop === true);
      const live = this.#d.live ? this.#d.live.check(t.claims) : null;
      const refused = live !== null && typeof live === 'object' ? await live : live;
      if (refused) throw this.#liveRefusal(t.claims, refused);
      return this.#appCaller(t, st);
    }
    if (c.kind === 'pat') return this.#apiTokenCaller(c.token, st);
    return this.#sessionCaller(req, c.token, st);
  }

  /**
   * A token refused by its live state (revoked, its grant revoked, its app gone): invalid_token —
   * but user_inactive while the user it acts as is disabled, whose grants were revoked with the
   * account (seed 003 rule 2, as for their API tokens).
   */
  #liveRefusal(claims: VerifiedToken['claims'], reason: string): AppError {
    if (claims.sub.startsWith('usr_') && this.#d.authz.snapshot.users.get(claims.sub)?.active === false) {
      return authzErrors.user_inactive('The user account of this token is disabled.');
    }
    return identityErrors.invalid_token(reason, { headers: { 'www-authenticate': this.#challenge('invalid_token', reason) } });
  }

  /**
   * A portal session (the portal's own calls through the gateway): the session from the
   * in-memory index, its user and memberships from the authz snapshot. Only a session the index
   * cannot vouch for — not delivered here yet, or idle by what this instance has seen — is read
   * from the database, which puts it back into the index.
   */
  async #sessionCaller(req: GatewayRequest, cookie: string, st: GatewayState): Promise<Caller> {
    const identity = this.#d.identity;
    let userId: string;
    let sessionId: string;
    let csrfToken: string | null;
    let mfa: boolean;
    const s = identity.sessions.verify(cookie);
    if (s !== null) {
      ({ userId, id: sessionId, csrfToken, mfa } = s);
    } else {
      const r = await identity.authenticateSession(cookie);
      if (!r.ok) throw identityErrors.session_expired(r.detail, { headers: { 'www-authenticate': this.#challenge('invalid_token', r.detail) } });
      ({ userId, sessionId, csrfToken } = r.principal as { userId: string; sessionId: string; csrfToken: string | null });
      mfa = r.principal.mfa === true;
    }
    const u = await this.#snapshotUser(userId);
    if (u === undefined || !u.active) {
      const detail = 'The session has ended; log in again.';
      throw identityErrors.session_expired(detail, { headers: { 'www-authenticate': this.#challenge('invalid_token', detail) } });
    }
    if (!SAFE_METHODS.has(req.method)) {
      const csrf = req.headers['x-csrf-token'];
      if (!identity.verifyCsrf({ csrfToken }, typeof csrf === 'string' ? csrf : undefined)) {
        throw identityErrors.csrf_token_invalid('Send the csrf_token from the login response in the x-csrf-token header.');
      }
    }
    const partnerId = u.partner?.id ?? null;
    st.actor = { type: 'user', userId: u.id, partnerId, clientId: null, agencyId: null };
    st.partnerId = partnerId;
    const defaultTenant = u.partner === null && u.tenants !== null && u.tenants.size === 1 ? u.tenants.keys().next().value! : null;
    // Limited per credential, like an access token: each session.
    return { kind: 'user', fromAppToken: false, defaultTenant, principal: { type: 'user', userId: u.id, mfa }, partnerId, rateKey: `s:${sessionId}`, scopes: null, claimTenant: null, limits: newRateLimits(), admission: null, admitted: 0 };
  }

  /**
   * A personal API token (automation, MSP scripts): the token from the in-memory index, its user
   * and memberships from the authz snapshot — no database read per request for a token the index
   * holds.
   */
  async #apiTokenCaller(token: string, st: GatewayState): Promise<Caller> {
    // from memory; a well-formed token the index does not hold (just created on another instance) is looked up once
    const v = await this.#d.identity.apiTokens.authenticate(token);
    if (!v.ok) {
      // revoked with its user: user_inactive while the account stays disabled (seed 003 rule 2), invalid_token once enabled again
      if (v.disabledUserId !== undefined && !this.#d.authz.snapshot.users.get(v.disabledUserId)?.active) throw authzErrors.user_inactive('The user account of this API token is disabled.');
      throw identityErrors.invalid_token(v.detail, { headers: { 'www-authenticate': this.#challenge('invalid_token', v.detail) } });
    }
    const u = await this.#snapshotUser(v.token.userId);
    if (u === undefined || !u.active) throw authzErrors.user_inactive('The user account of this API token is disabled.');
    const partnerId = u.partner?.id ?? null;
    st.actor = { type: 'api_token', userId: u.id, partnerId, clientId: null, agencyId: null };
    st.partnerId = partnerId;
    const defaultTenant = u.partner === null && u.tenants !== null && u.tenants.size === 1 ? u.tenants.keys().next().value! : null;
    // Limited per credential, like an access token: each API token.
    return { kind: 'user', fromAppToken: false, defaultTenant, principal: { type: 'user', userId: u.id }, partnerId, rateKey: `k:${v.token.id}`, scopes: null, claimTenant: null, limits: newRateLimits(), admission: null, admitted: 0 };
  }

  /** A key-bound token needs the DPoP scheme and a proof by that key; an unbound one must not claim DPoP. */
  async #proofOfPossession(req: GatewayRequest, token: string, t: VerifiedToken, dpop: boolean): Promise<void> {
    const jkt = t.claims.cnf?.jkt;
    if (!jkt && !dpop) return;
    const refuse = (why: string) => identityErrors.invalid_token(why, { headers: { 'www-authenticate': `DPoP realm="partnergate", error="invalid_token", algs="${'ES256 EdDSA'}"${this.#resourceMetadataParam}` } });
    if (!jkt) throw refuse('The token is not bound to a key; send it as Bearer.');
    if (!dpop) throw refuse('The token is bound to a key (DPoP): send it as "Authorization: DPoP <token>" with a DPoP proof.');
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') throw refuse('Send one DPoP proof in the DPoP header.');
    const why = await checkDpopProof(proof, { method: req.method, htu: (req.origin ?? this.#d.config.publicUrl) + req.path, accessToken: token, jkt, now: this.#d.clock.nowMs(), replay: this.#d.dpopReplay ?? this.#dpopReplay });
    if (why) throw refuse(why);
  }

  /**
   * Who acts, from the verified claims. A cached token's caller is derived once (claims never
   * change) and reused: no per-request objects or key strings for the hot path.
   */
  #appCaller(t: VerifiedToken, st: GatewayState): Caller {
    let m = t.derived as DerivedCaller | undefined;
    if (m === undefined) {
      m = this.#deriveAppCaller(t);
      t.derived = m;
    }
    st.actor = m.actor;
    if (m.caller.partnerId !== null) st.partnerId = m.caller.partnerId;
    return m.caller;
  }

  #deriveAppCaller(t: VerifiedToken): DerivedCaller {
    const c = t.claims;
    const userId = c.sub.startsWith('usr_') ? c.sub : null;
    const rateKey = `t:${t.id}`;
    if (!c.partner_id) {
      // A token of no partner: a person using an app on their own tenant (customer persona).
      if (!userId) throw identityErrors.invalid_token('The token names no partner and no user.', { headers: { 'www-authenticate': this.#challenge('invalid_token') } });
      const p: UserPrincipal = { type: 'user', userId, scopes: t.scopes };
      return {
        actor: { type: 'app', userId, partnerId: null, clientId: c.client_id, agencyId: null },
        caller: { kind: 'user', fromAppToken: true, defaultTenant: null, principal: p, partnerId: null, rateKey, scopes: t.scopes, claimTenant: c.tenant_id ?? null, limits: newRateLimits(), admission: null, admitted: 0 },
      };
    }
    if (c.persona === 'msp' && userId !== null && c.dlg === undefined) {
      // An MSP user signed in to the partner's own app: the user acts as themselves, bound to the
      // token's partner (decide() refuses once they leave it or it is suspended — from the
      // snapshot, on the next request). The tenant comes from X-Active-Tenant-Id and is decided
      // through the partner's delegations like a personal API token: role ∩ token scopes.
      // amr rides in the token (issue 17): MFA policies need no lookup
      const p: UserPrincipal = { type: 'user', userId, scopes: t.scopes, partnerId: c.partner_id, mfa: Array.isArray(c.amr) && c.amr.includes('mfa') };
      return {
        actor: { type: 'app', userId, partnerId: c.partner_id, clientId: c.client_id, agencyId: null },
        caller: { kind: 'user', fromAppToken: true, defaultTenant: null, principal: p, partnerId: c.partner_id, rateKey, scopes: t.scopes, claimTenant: null, limits: newRateLimits(), admission: null, admitted: 0 },
      };
    }
    // The acting party is the app (RFC 9068 `sub` is the customer who consented, or the app).
    const principal: AppPrincipal = {
      type: 'app',
      partnerId: c.partner_id,
      clientId: c.client_id,
      delegationId: c.dlg ?? null,
      tenantId: c.tenant_id ?? null,
      bans: t.bans,
      scopes: t.scopes,
      userId: null,
    };
    return {
      actor: { type: 'app', userId: null, partnerId: c.partner_id, clientId: c.client_id, agencyId: null },
      caller: { kind: 'app', token: t, principal, partnerId: c.partner_id, rateKey, limits: newRateLimits(), admission: null, admitted: 0 },
    };
  }

  // ---- target -------------------------------------------------------------------------------

  #target(req: GatewayRequest, caller: Caller, st: GatewayState): AuthzTarget {
    const h = req.headers[ACTIVE_TENANT_HEADER];
    const header = Array.isArray(h) ? h[0] : h;
    let tenantId: string | null = null;
    if (header !== undefined && header !== '') {
      // A malformed id answers like a tenant without delegation: nothing about which tenants exist.
      if (!TENANT_ID.test(header)) throw authzErrors.delegation_not_found('No delegation gives access to this tenant.');
      tenantId = header;
    } else if (caller.kind === 'app') {
      tenantId = caller.principal.tenantId ?? null;
    } else if (caller.fromAppToken) {
      tenantId = caller.claimTenant;
    } else {
      tenantId = caller.defaultTenant; // one tenant and no partner: no choice to make
    }
    if (caller.kind === 'user' && caller.fromAppToken && caller.claimTenant !== null && tenantId !== caller.claimTenant) {
      throw authzErrors.delegation_not_found('The token is not for this tenant.');
    }
    let ban: string | null = null;
    if (req.query !== '') {
      // The whole query, decoded as the upstream decodes it: `%62an=` names a billing account as
      // surely as `ban=`, and a second `ban` could be the one an upstream reads.
      const named = new URLSearchParams(req.query).getAll('ban');
      if (named.length > 1) throw E.ban_ambiguous('Name at most one billing account (ban) per request.');
      if (named.length === 1 && named[0] !== '') ban = named[0];
    }
    st.tenantId = tenantId;
    st.ban = ban;
    return { tenantId, ban };
  }

  // ---- authorize ----------------------------------------------------------------------------

  #authorize(caller: Caller, rule: GatewayRule, target: AuthzTarget, st: GatewayState): Allowed | null {
    const authz = this.#d.authz;
    if (!rule.tenantScoped) {
      // Partner-level routes: an active partner (or user) whose token scopes cover the permission.
      const d = authz.decide(caller.principal as AuthzPrincipal, null, { tenantId: caller.kind === 'app' ? (authz.snapshot.partners.get(caller.partnerId)?.homeTenantId ?? null) : null });
      if (!d.allow && (d.code === 'partner_inactive' || d.code === 'user_inactive')) this.#refuse(d, st);
      // A token's scopes (an app's, or a user's app token) bound the permission; a personal API
      // token or a session carries none.
      const scopes = caller.kind === 'app' ? caller.token.scopes : caller.scopes;
      if (rule.permission && scopes !== null && !anyGrantCovers(scopes, rule.permission)) {
        this.#refuse({ code: 'scope_insufficient', reason: `The token's scopes do not include ${rule.permission}.` }, st);
      }
      return null;
    }
    const d = authz.decide(caller.principal, rule.permission, target);
    if (!d.allow) this.#refuse(d, st);
    st.tenantId = d.tenantId;
    st.delegationId = d.delegationId;
    st.bans = d.bans;
    st.crossTenant = d.via === 'delegation';
    return d;
  }

  #refuse(d: Pick<Refused, 'code' | 'reason'> & { delegationId?: string | null }, st: GatewayState): never {
    st.refusal = d.code;
    st.delegationId = d.delegationId ?? st.delegationId;
    // Refusals of a partner on a tenant are the tenant's business (its access log) — including a
    // partner probing a tenant it has no delegation on, when that tenant exists. The partner's
    // answer is the same either way.
    st.crossTenant =
      st.partnerId !== null &&
      st.tenantId !== null &&
      d.code !== 'tenant_context_required' &&
      (d.code !== 'delegation_not_found' || (this.#d.authz.snapshot.tenants.get(st.tenantId)?.status ?? 'unknown') !== 'unknown');
    const headers: Record<string, string> = {};
    if (d.code === 'scope_insufficient' && st.permission) headers['www-authenticate'] = `Bearer realm="partnergate", error="insufficient_scope", scope="${st.permission}"`;
    throw authzErrors[d.code](d.reason, { headers });
  }

  /**
   * A refusal the snapshot may be too old to decide: the delegation, user, partner, role or
   * billing account that would admit the request was made through another instance a moment
   * before it, and the change feed has not delivered it here yet. The feed is drained once (one
   * read of the outbox, shared by every request waiting meanwhile) and the request decided again
   * if the snapshot changed; otherwise the refusal stands. Never on the admitting path.
   */
  async #staleRefusal(refusal: AppError, st: GatewayState, decidedOn: number): Promise<void> {
    const snap = this.#d.authz.snapshot;
    await this.#d.feed?.drain();
    if (snap.version === decidedOn) throw refusal;
    st.refusal = null;
    st.delegationId = null;
    st.crossTenant = false;
  }

  /** A user of the snapshot, caught up with the feed once when it is absent or inactive there (see #staleRefusal). */
  #snapshotUser(userId: string): SnapshotUser | Promise<SnapshotUser> {
    const users = this.#d.authz.snapshot.users;
    const u = users.get(userId);
    if ((u !== undefined && u.active) || !this.#d.feed) return u;
    return this.#d.feed.drain().then(() => users.get(userId));
  }

  // ---- billing ------------------------------------------------------------------------------

  /**
   * Persona from the live relationship, never from a claim alone: a consent delegation acts as
   * `partner` (the customer is billed), a wholesale one as `wholesaler` (the wholesaler's own BAN
   * is billed), a link as `msp`; the partner's own tenant as `wholesaler` or `partner`; a member
   * as `customer`. A `bill_to` claim must name a BAN the relationship allows.
   */
  #billing(caller: Caller, a: Allowed | null, target: AuthzTarget): Billing {
    if (!a) return { persona: caller.kind === 'app' ? 'partner' : null, billTo: null };
    const snap = this.#d.authz.snapshot;
    let persona: string;
    if (a.via === 'delegation') persona = ORIGIN_PERSONA[snap.delegations.get(a.delegationId!)?.origin ?? 1] ?? 'partner';
    else if (a.via === 'home') persona = snap.partners.get(caller.partnerId!)?.capabilities.includes('wholesale') ? 'wholesaler' : 'partner';
    else if (a.via === 'membership') persona = 'customer';
    else persona = 'operator';

    const claim = caller.kind === 'app' ? (caller.token.claims.bill_to ?? null) : null;
    if (claim === null) {
      // Without a claim: the customer's named BAN for the customer-billed personas; the upstream
      // resolves a wholesale delegation's own billing account.
      return { persona, billTo: persona === 'wholesaler' || !target.ban ? null : (snap.ban(target.ban)?.id ?? null) };
    }
    const b = snap.ban(claim);
    if (persona === 'wholesaler') {
      const home = snap.partners.get(caller.partnerId!)?.homeTenantId ?? null;
      if (!b || home === null || b.tenantId !== home || b.status !== 'active') throw E.bill_to_invalid("The bill_to account is not an open account of the wholesaler's own tenant.");
    } else if (!b || b.tenantId !== a.tenantId || (a.bans !== null && !a.bans.includes(b.id))) {
      throw E.bill_to_invalid('The bill_to account is not a covered account of the customer.');
    }
    return { persona, billTo: b.id };
  }

  // ---- partner policy (issue 15: configuration `api` and `limits`) ---------------------------

  /**
   * The partner's configuration as the snapshot holds it, compiled (partner-limits.ts), kept on
   * the caller while the snapshot's document object stays the same; a change rebuilds its limits.
   */
  #partnerLimits(caller: Caller): PartnerLimits | null {
    const l = caller.limits;
    const cfg = caller.partnerId === null ? null : (this.#d.authz.snapshot.partners.get(caller.partnerId)?.config ?? null);
    if (cfg !== l.cfg) {
      l.cfg = cfg;
      l.pl = cfg === null ? null : partnerLimits(cfg);
      l.cls = null;
      l.reqs = null;
      l.more = null;
      l.quota = null;
      l.quotaUntilMs = 0;
    }
    return l.pl;
  }

  /** The partner's API access policy: the route classes it may call and the addresses it may call from. */
  #partnerPolicy(ip: string | null, rateClass: string, caller: Caller): void {
    const pl = this.#partnerLimits(caller);
    if (pl === null) return;
    if (pl.routeClasses !== null && !pl.routeClasses.has(rateClass)) {
      throw E.route_class_not_allowed(`This partner may not call ${rateClass} routes. The platform operator decides which kinds of routes a partner may call.`);
    }
    if (pl.ipAllow !== null && !ipAllowed(pl.ipAllow, ip)) throw ipRefusal();
  }

  // ---- rate limit ---------------------------------------------------------------------------

  /** A route class's per-minute limit: the partner's configuration, else RATE_LIMITS (classLimit). */
  limitFor(partnerId: string | null, cls: string, pl: PartnerLimits | null = null): number {
    return pl?.perMinute?.[cls] ?? classLimit(this.#limits, partnerId, cls);
  }

  /**
   * Per token (or user) × route class, and per partner across all its tokens — one atomic
   * decision (one Lua script with Redis): admitted only when both limits admit, and a refusal by
   * one uses up nothing of the other. Memory limiters answer without a promise.
   */
  #rateLimit(caller: Caller, cls: string, tenantId: string | null): Record<string, string> | Promise<Record<string, string>> {
    const l = caller.limits;
    const pl = caller.partnerId === null ? null : this.#partnerLimits(caller);
    let reqs = l.cls === cls ? l.reqs : (l.more?.get(cls) ?? null);
    if (reqs === null) {
      reqs = [{ key: `gw:${caller.rateKey}:${cls}`, limit: this.limitFor(caller.partnerId, cls, pl), windowMs: 60_000 }];
      if (caller.partnerId !== null) reqs.push({ key: `gw:p:${caller.partnerId}`, limit: this.limitFor(caller.partnerId, 'partner', pl), windowMs: 60_000 });
      if (l.cls === null) {
        l.cls = cls;
        l.reqs = reqs;
      } else (l.more ??= new Map()).set(cls, reqs);
    }
    // The partner's quotas, counted in the same decision (the same Lua script): no extra round trip.
    let all = reqs;
    if (pl !== null && (pl.dailyQuota !== null || pl.monthlyQuota !== null)) {
      const now = this.#d.clock.nowMs();
      if (l.quota === null || now >= l.quotaUntilMs) {
        const p = quotaPeriods(now);
        const q: RateLimitRequest[] = [];
        if (pl.dailyQuota !== null) q.push({ key: `q:d:${caller.partnerId}:${p.day}`, limit: pl.dailyQuota, windowMs: 86_400_000, fixedUntilMs: p.dayEndMs });
        if (pl.monthlyQuota !== null) q.push({ key: `q:m:${caller.partnerId}:${p.month}`, limit: pl.monthlyQuota, windowMs: p.monthEndMs - Date.parse(p.month + '-01T00:00:00Z'), fixedUntilMs: p.monthEndMs });
        l.quota = q;
        l.quotaUntilMs = p.dayEndMs;
      }
      all = reqs.concat(l.quota);
    }
    // The customer's plan quota (issue 15: plan limits apply), for everyone acting for the customer,
    // counted in the same decision too.
    const cp = tenantId === null ? undefined : this.#d.authz.snapshot.customerPlans.get(tenantId);
    if (cp !== undefined && cp.requestsPerDay !== null) all = all.concat(this.#planQuota(tenantId!, cp.requestsPerDay));
    const n = reqs.length;
    const partnerId = caller.partnerId;
    const limiter = this.#d.rateLimiter;
    if (limiter.consumeAllSync) {
      let ds: RateLimitDecision[];
      try {
        ds = limiter.consumeAllSync(all);
      } catch (err) {
        throw limiterFailure(err);
      }
      return this.#rateVerdict(cls, all, ds, n, partnerId);
    }
    return limiter.consumeAll(all).then(
      (ds) => this.#rateVerdict(cls, all, ds, n, partnerId),
      (err: unknown) => {
        throw limiterFailure(err);
      },
    );
  }

  /**
   * The decision of the rolling windows (`reqs[0..n)`) and the quotas after them: headers when
   * admitted (the quotas' policies listed after the route class's), else 429 — `quota_exceeded`
   * with Retry-After to the quota's reset when a quota refused, `rate_limited` otherwise.
   */
  #rateVerdict(cls: string, all: RateLimitRequest[], ds: RateLimitDecision[], n: number, partnerId: string | null): Record<string, string> {
    if (n === ds.length) {
      const h = this.#windowVerdict(cls, all, ds, partnerId);
      this.#noteUsage(partnerId, true);
      return h;
    }
    let quota = -1;
    for (let i = n; i < ds.length; i++) if (!ds[i].allowed && (quota < 0 || ds[i].retryAfterSec > ds[quota].retryAfterSec)) quota = i;
    if (quota >= 0) {
      this.#noteUsage(partnerId, false);
      const r = all[quota];
      const d = ds[quota];
      const name = quotaName(r.key);
      const policy: RatePolicy = { name, limit: r.limit, windowMs: r.windowMs };
      const h = rateLimitHeaders(policy, d);
      const plan = name === 'plan_daily' ? this.#d.authz.snapshot.customerPlans.get(r.key.slice(4, r.key.lastIndexOf(':'))) : undefined;
      const detail =
        name === 'plan_daily'
          ? `The customer's plan${plan ? ` (${plan.planName})` : ''} allows ${r.limit} requests a day by the partners acting for it, and today's are used up. They start again in ${d.retryAfterSec} s.`
          : `This partner's ${name} quota of ${r.limit} requests is used up. It starts again in ${d.retryAfterSec} s.`;
      throw E.quota_exceeded(detail, {
        headers: h,
        extensions: { retry_after: d.retryAfterSec },
      });
    }
    const h = this.#windowVerdict(cls, all, ds, partnerId);
    this.#noteUsage(partnerId, true);
    const policies = [h['ratelimit-policy']];
    const fields = [h.ratelimit];
    for (let i = n; i < ds.length; i++) {
      const r = all[i];
      const q = rateLimitHeaders({ name: quotaName(r.key), limit: r.limit, windowMs: r.windowMs }, ds[i]);
      policies.push(q['ratelimit-policy']);
      fields.push(q.ratelimit);
    }
    return { 'ratelimit-policy': policies.join(', '), ratelimit: fields.join(', ') };
  }

  /** A customer's plan quota counter for today, made once a day per customer (not per request). */
  #planQuota(tenantId: string, limit: number): RateLimitRequest {
    const now = this.#d.clock.nowMs();
    let q = this.#planQuotas.get(tenantId);
    if (q === undefined || now >= q.untilMs || q.req.limit !== limit) {
      const p = quotaPeriods(now);
      q = { req: { key: `q:c:${tenantId}:${p.day}`, limit, windowMs: 86_400_000, fixedUntilMs: p.dayEndMs }, untilMs: p.dayEndMs };
      this.#planQuotas.set(tenantId, q);
    }
    return q.req;
  }

  #noteUsage(partnerId: string | null, admitted: boolean): void {
    if (partnerId !== null) this.#d.usage?.note(partnerId, admitted);
  }

  #windowVerdict(cls: string, reqs: RateLimitRequest[], ds: RateLimitDecision[], partnerId: string | null): Record<string, string> {
    try {
      return this.#windowHeaders(cls, reqs, ds);
    } catch (e) {
      this.#noteUsage(partnerId, false);
      throw e;
    }
  }

  #windowHeaders(cls: string, reqs: RateLimitRequest[], ds: RateLimitDecision[]): Record<string, string> {
    // The refusal reported is the one that lasts longer: a request is admitted only once both admit.
    const w = reqs.length > 1 && reqs[1].fixedUntilMs === undefined; // a partner-wide window after the class's
    const refused = ds[0].allowed ? (w && !ds[1].allowed ? 1 : -1) : w && !ds[1].allowed && ds[1].retryAfterSec > ds[0].retryAfterSec ? 1 : 0;
    if (refused < 0) {
      const d = ds[0];
      let f = this.#policyFields.get(cls + ':' + d.limit);
      if (f === undefined) {
        const h = rateLimitHeaders({ name: cls, limit: d.limit, windowMs: 60_000 }, d);
        f = { policy: h['ratelimit-policy'], name: h.ratelimit.slice(0, h.ratelimit.indexOf(';r=')) };
        this.#policyFields.set(cls + ':' + d.limit, f);
      }
      return { 'ratelimit-policy': f.policy, ratelimit: `${f.name};r=${d.remaining};t=${Math.ceil(d.resetMs / 1000)}` };
    }
    const policy: RatePolicy = { name: refused === 0 ? cls : 'partner', limit: reqs[refused].limit, windowMs: 60_000 };
    const d = ds[refused];
    throw platformErrors.rate_limited(`At most ${policy.limit} ${policy.name} requests are allowed in any 60 seconds. Try again in ${d.retryAfterSec} s.`, {
      headers: rateLimitHeaders(policy, d),
      extensions: { retry_after: d.retryAfterSec, limit: policy.limit, window_seconds: 60 },
    });
  }

  // ---- audit --------------------------------------------------------------------------------

  /**
   * Queue the access event of a cross-tenant request (durable, batched, off the response path).
   * Requests of the same party on the same tenant, billing account and route with the same
   * decision and status within one flush become one event listing each of them (AuditBuffer).
   */
  audit(req: GatewayRequest, rule: GatewayRule | null, st: GatewayState, status: number): void {
    // Every outcome of the pipeline passes here once (admitted, refused, upstream failed): counted.
    this.metrics.gatewayDecision(st.partnerId, st.refusal);
    if (!st.crossTenant || st.tenantId === null) return;
    const decision = st.refusal ?? 'allowed';
    const ua = req.headers['user-agent'];
    const userAgent = typeof ua === 'string' ? ua : null;
    const at = this.#d.clock.nowMs();
    const key = this.#groupKey(req, rule, st, status, decision, userAgent);
    if (this.auditBuffer.addToGroup(key, at, req.requestId, req.path, req.ip)) return;
    const request = { at, request_id: req.requestId, path: req.path, ip: req.ip };
    const a = st.actor;
    const route = rule ? rule.method + ' ' + rule.pattern : req.method + ' ' + req.path;
    this.auditBuffer.pushGrouped(key, request, () => ({
      ctx: { requestId: req.requestId, ip: req.ip, userAgent, actor: a },
      entry: {
        action: 'gateway.request',
        tenantId: st.tenantId,
        partnerId: st.partnerId,
        // the account the request names, else the one account the access covers
        ban: st.ban ?? (st.bans !== null && st.bans.length === 1 ? st.bans[0] : null),
        targetType: 'route',
        targetId: route,
        outcome: status >= 500 ? 'failure' : st.refusal !== null || status >= 400 ? 'denied' : 'success',
        // bans (admitted requests): the accounts the access covers ('*': every account of the tenant)
        details: { method: req.method, path: req.path, status, decision, permission: st.permission, delegation_id: st.delegationId, ...(st.refusal === null ? { bans: st.bans ?? '*' } : {}) },
      },
    }));
  }

  /**
   * What the requests of one access event share, as a map key. A caller repeating its last
   * request (same actor object — one per verified token — rule, tenant, account, status, …)
   * gets the same key string back without building it again.
   */
  #groupKey(req: GatewayRequest, rule: GatewayRule | null, st: GatewayState, status: number, decision: string, userAgent: string | null): string {
    const k = this.#lastGroup;
    if (
      rule !== null &&
      k.rule === rule &&
      k.actor === st.actor &&
      k.tenantId === st.tenantId &&
      k.partnerId === st.partnerId &&
      k.ban === st.ban &&
      sameList(k.bans, st.bans) &&
      k.status === status &&
      k.decision === decision &&
      k.delegationId === st.delegationId &&
      k.userAgent === userAgent
    ) {
      return k.key;
    }
    const a = st.actor;
    const route = rule ? rule.method + ' ' + rule.pattern : req.method + ' ' + req.path;
    const key = `${st.tenantId}|${st.partnerId}|${a.type}|${a.userId}|${a.clientId}|${st.ban}|${st.bans === null ? '*' : st.bans.join(',')}|${route}|${status}|${decision}|${st.delegationId}|${userAgent}`;
    k.rule = rule;
    k.actor = a;
    k.tenantId = st.tenantId;
    k.partnerId = st.partnerId;
    k.ban = st.ban;
    k.bans = st.bans;
    k.status = status;
    k.decision = decision;
    k.delegationId = st.delegationId;
    k.userAgent = userAgent;
    k.key = key;
    return key;
  }
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function ipRefusal(): AppError {
  return E.ip_not_allowed("This partner's tokens and sessions may only be used from the addresses it allowed.");
}

/** A store failure is the limiter being unavailable — never a 429; anything else is a bug. */
/** The policy name a quota counter's key stands for: the partner's daily or monthly quota, or the customer's plan's. */
function quotaName(key: string): 'daily' | 'monthly' | 'plan_daily' {
  return key.startsWith('q:d:') ? 'daily' : key.startsWith('q:c:') ? 'plan_daily' : 'monthly';
}

function limiterFailure(err: unknown): unknown {
  if (err instanceof RateLimitStoreError) {
    return platformErrors.rate_limiter_unavailable('The rate limiter cannot be reached, so the request was not counted or served. Try again shortly.', { headers: { 'retry-after': '1' } });
  }
  return err;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
