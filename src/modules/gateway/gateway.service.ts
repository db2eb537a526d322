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
 * Nothing here reads the database for a partner app's token: the snapshot and the token cache
 * answer. API tokens and portal sessions are looked up like on the portal API.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import type { Actor } from '../../platform/http/request-context.ts';
import { RateLimitStoreError, rateLimitHeaders, type RateLimitDecision, type RateLimiter, type RateLimitRequest, type RatePolicy } from '../../platform/ratelimit/index.ts';
import { AuditBuffer, type AuditLog } from '../audit/index.ts';
import { ACTIVE_TENANT_HEADER, anyGrantCovers, authzErrors, type Allowed, type AppPrincipal, type AuthzPrincipal, type AuthzService, type AuthzTarget, type Refused, type UserPrincipal } from '../authz/index.ts';
import { identityErrors, type IdentityService } from '../identity/index.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { gatewayErrors as E } from './gateway.errors.ts';
import type { AccessTokenVerifier, VerifiedToken } from './access-token.ts';
import type { GatewayIdentity } from './assertion.ts';
import type { GatewayRule } from './route-table.ts';
import { checkDpopProof, DpopReplayCache } from './dpop.ts';

/** What the OAuth module says about a verified token on every request (revocation, app status). */
export interface LiveTokenState {
  /** a refusal reason when the token's app has been deleted (or names another partner); null when live */
  check(claims: VerifiedToken['claims']): string | null | Promise<string | null>;
}

export interface GatewayDeps {
  config: Config;
  clock: Clock;
  authz: AuthzService;
  identity: Pick<IdentityService, 'authenticateBearer' | 'authenticateSession' | 'verifyCsrf'>;
  rateLimiter: RateLimiter;
  audit: AuditLog;
  /** access-token verification; null until an authorization server is configured */
  tokens: AccessTokenVerifier | null;
  live?: LiveTokenState | null;
  /** notes the delegation of each admitted request for "last use" (in memory; flushed in batches elsewhere) */
  lastUse?: { note(delegationId: string): void } | null;
  onError?: (err: unknown, what: string) => void;
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
  delegationId: string | null;
  permission: string | null;
  /** a partner acting on a customer tenant (audited), or a refusal between known parties */
  crossTenant: boolean;
  refusal: string | null;
}

export interface Admitted {
  identity: GatewayIdentity;
  rateHeaders: Record<string, string>;
}

type Caller =
  | { kind: 'app'; token: VerifiedToken; principal: AppPrincipal; partnerId: string; rateKey: string; limits: Map<string, RateLimitRequest[]> }
  | {
      kind: 'user';
      /** the portal principal (API token or session); null for a partnerless app token */
      user: Principal | null;
      principal: UserPrincipal;
      partnerId: string | null;
      rateKey: string;
      scopes: readonly string[] | null;
      /** the tenant a partnerless app token is for */
      claimTenant: string | null;
      /** rate-limit keys and limits by route class, built on first use */
      limits: Map<string, RateLimitRequest[]>;
    };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TENANT_ID = /^tnt_[0-9a-hjkmnp-tv-z]{26}$/;
// Mirrors the snapshot's origin numbering (authz/snapshot.ts: O_LINK, O_CONSENT, O_WHOLESALE).
const ORIGIN_PERSONA = ['msp', 'partner', 'wholesaler'] as const;

export function bearerChallenge(error: string | null, description?: string): string {
  let h = 'Bearer realm="partnergate"';
  if (error) h += `, error="${error}"`;
  if (description) h += `, error_description="${description.replace(/["\\]/g, '')}"`;
  return h;
}

export class GatewayService {
  readonly #d: GatewayDeps;
  readonly auditBuffer: AuditBuffer;
  readonly #limits: Record<string, number>;
  readonly #dpopReplay = new DpopReplayCache();
  readonly #auditBacklogLimit: number;
  /** callers derived from verified (cached) tokens; dropped with the token */
  readonly #callers = new WeakMap<VerifiedToken, { caller: Caller; actor: Actor }>();
  /** RateLimit-Policy field values by class and limit */
  readonly #policyFields = new Map<string, { policy: string; name: string }>();

  constructor(d: GatewayDeps) {
    this.#d = d;
    this.#limits = d.config.rateLimits;
    this.auditBuffer = new AuditBuffer(d.audit, d.clock, { flushIntervalMs: d.config.gatewayAuditFlushMs, onError: (e) => d.onError?.(e, 'gateway audit') });
    this.#auditBacklogLimit = d.config.gatewayAuditBacklog;
  }

  get tokens(): AccessTokenVerifier | null {
    return this.#d.tokens;
  }

  async close(): Promise<void> {
    await this.auditBuffer.close();
  }

  newState(): GatewayState {
    return { actor: { type: 'anonymous', userId: null, partnerId: null, clientId: null, agencyId: null }, partnerId: null, tenantId: null, ban: null, delegationId: null, permission: null, crossTenant: false, refusal: null };
  }

  /** The whole pipeline for one request and its route rule. Throws an AppError refusal. */
  async admit(req: GatewayRequest, rule: GatewayRule, st: GatewayState): Promise<Admitted> {
    st.permission = rule.permission;
    // Access events wait in memory for their batch; when the database has not taken them for a
    // long while, serve nothing rather than serve unaudited (fail closed).
    if (this.auditBuffer.pending >= this.#auditBacklogLimit) {
      throw E.audit_backlog_full('The access log cannot be written right now, so the request was not served. Try again shortly.', { headers: { 'retry-after': '5' } });
    }
    const credential = this.#credential(req);
    const caller = await this.#authenticate(req, credential, st);
    const target = this.#target(req, caller, st);
    const allowed = this.#authorize(caller, rule, target, st);
    const billing = this.#billing(caller, allowed, target);
    const rateHeaders = await this.#rateLimit(caller, rule);
    if (allowed?.delegationId) this.#d.lastUse?.note(allowed.delegationId);
    return {
      rateHeaders,
      identity: {
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
      },
    };
  }

  // ---- credential ---------------------------------------------------------------------------

  #credential(req: GatewayRequest): { kind: 'jwt' | 'pat' | 'session'; token: string; dpop?: boolean } {
    const h = req.headers.authorization;
    if (h !== undefined) {
      // The scheme by prefix; the token's characters are checked only before a signature check
      // (a token already in the verified cache is known to be well formed).
      const sp = h.indexOf(' ');
      const scheme = sp > 0 ? h.slice(0, sp).toLowerCase() : '';
      const token = sp > 0 ? h.slice(sp + 1).trim() : '';
      if ((scheme !== 'bearer' && scheme !== 'dpop') || token === '' || token.length > 8192) {
        throw identityErrors.invalid_token('The Authorization header must be "Bearer <token>".', { headers: { 'www-authenticate': bearerChallenge('invalid_request', 'malformed Authorization header') } });
      }
      if (token.startsWith('pgpat_')) return { kind: 'pat', token };
      return { kind: 'jwt', token, dpop: scheme === 'dpop' };
    }
    if (req.sessionCookie) return { kind: 'session', token: req.sessionCookie };
    // RFC 6750 §2.2/2.3 form and query tokens are not accepted: a token in a URL ends up in logs.
    throw authzErrors.authentication_required('Send an access token in the Authorization header (Bearer).', {
      headers: { 'www-authenticate': bearerChallenge('invalid_request', 'no access token in the Authorization header') },
    });
  }

  // ---- authenticate -------------------------------------------------------------------------

  async #authenticate(req: GatewayRequest, c: { kind: 'jwt' | 'pat' | 'session'; token: string; dpop?: boolean }, st: GatewayState): Promise<Caller> {
    if (c.kind === 'jwt') {
      const tokens = this.#d.tokens;
      if (!tokens) throw identityErrors.invalid_token('No authorization server is configured to verify access tokens.', { headers: { 'www-authenticate': bearerChallenge('invalid_token') } });
      const r = await tokens.verify(c.token);
      if (!r.ok) throw identityErrors.invalid_token(r.reason, { headers: { 'www-authenticate': bearerChallenge('invalid_token', r.reason) } });
      const t = r.token;
      await this.#proofOfPossession(req, c.token, t, c.dpop === true);
      const live = this.#d.live ? this.#d.live.check(t.claims) : null;
      const refused = live !== null && typeof live === 'object' ? await live : live;
      if (refused) throw identityErrors.invalid_token(refused, { headers: { 'www-authenticate': bearerChallenge('invalid_token', refused) } });
      return this.#appCaller(t, st);
    }
    const r = c.kind === 'pat' ? await this.#d.identity.authenticateBearer(c.token) : await this.#d.identity.authenticateSession(c.token);
    if (!r.ok) {
      if (r.code === 'user_inactive') throw authzErrors.user_inactive(r.detail);
      const err = c.kind === 'pat' ? identityErrors.invalid_token : identityErrors.session_expired;
      throw err(r.detail, { headers: { 'www-authenticate': bearerChallenge('invalid_token', r.detail) } });
    }
    const p = r.principal;
    if (c.kind === 'session' && !SAFE_METHODS.has(req.method)) {
      const csrf = req.headers['x-csrf-token'];
      if (!this.#d.identity.verifyCsrf(p, typeof csrf === 'string' ? csrf : undefined)) {
        throw identityErrors.csrf_token_invalid('Send the csrf_token from the login response in the x-csrf-token header.');
      }
    }
    const partnerId = p.partner?.partnerId ?? null;
    st.actor = { type: c.kind === 'pat' ? 'api_token' : 'user', userId: p.userId, partnerId, clientId: null, agencyId: null };
    st.partnerId = partnerId;
    return { kind: 'user', user: p, principal: { type: 'user', userId: p.userId }, partnerId, rateKey: `u:${p.userId}`, scopes: null, claimTenant: null, limits: new Map() };
  }

  /** A key-bound token needs the DPoP scheme and a proof by that key; an unbound one must not claim DPoP. */
  async #proofOfPossession(req: GatewayRequest, token: string, t: VerifiedToken, dpop: boolean): Promise<void> {
    const jkt = t.claims.cnf?.jkt;
    if (!jkt && !dpop) return;
    const refuse = (why: string) => identityErrors.invalid_token(why, { headers: { 'www-authenticate': `DPoP realm="partnergate", error="invalid_token", algs="${'ES256 EdDSA'}"` } });
    if (!jkt) throw refuse('The token is not bound to a key; send it as Bearer.');
    if (!dpop) throw refuse('The token is bound to a key (DPoP): send it as "Authorization: DPoP <token>" with a DPoP proof.');
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') throw refuse('Send one DPoP proof in the DPoP header.');
    const why = await checkDpopProof(proof, { method: req.method, htu: (req.origin ?? this.#d.config.publicUrl) + req.path, accessToken: token, jkt, now: this.#d.clock.now().getTime(), replay: this.#dpopReplay });
    if (why) throw refuse(why);
  }

  /**
   * Who acts, from the verified claims. A cached token's caller is derived once (claims never
   * change) and reused: no per-request objects or key strings for the hot path.
   */
  #appCaller(t: VerifiedToken, st: GatewayState): Caller {
    let m = this.#callers.get(t);
    if (m === undefined) {
      m = this.#deriveAppCaller(t);
      this.#callers.set(t, m);
    }
    st.actor = m.actor;
    if (m.caller.partnerId !== null) st.partnerId = m.caller.partnerId;
    return m.caller;
  }

  #deriveAppCaller(t: VerifiedToken): { caller: Caller; actor: Actor } {
    const c = t.claims;
    const userId = c.sub.startsWith('usr_') ? c.sub : null;
    const rateKey = `t:${t.hash.slice(0, 32)}`;
    if (!c.partner_id) {
      // A token of no partner: a person using an app on their own tenant (customer persona).
      if (!userId) throw identityErrors.invalid_token('The token names no partner and no user.', { headers: { 'www-authenticate': bearerChallenge('invalid_token') } });
      const p: UserPrincipal = { type: 'user', userId, scopes: t.scopes };
      return {
        actor: { type: 'app', userId, partnerId: null, clientId: c.client_id, agencyId: null },
        caller: { kind: 'user', user: null, principal: p, partnerId: null, rateKey, scopes: t.scopes, claimTenant: c.tenant_id ?? null, limits: new Map() },
      };
    }
    if (c.persona === 'msp' && userId !== null && c.dlg === undefined) {
      // An MSP user signed in to the partner's own app: the user acts as themselves, bound to the
      // token's partner (decide() refuses once they leave it or it is suspended — from the
      // snapshot, on the next request). The tenant comes from X-Active-Tenant-Id and is decided
      // through the partner's delegations like a personal API token: role ∩ token scopes.
      const p: UserPrincipal = { type: 'user', userId, scopes: t.scopes, partnerId: c.partner_id };
      return {
        actor: { type: 'app', userId, partnerId: c.partner_id, clientId: c.client_id, agencyId: null },
        caller: { kind: 'user', user: null, principal: p, partnerId: c.partner_id, rateKey, scopes: t.scopes, claimTenant: null, limits: new Map() },
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
      caller: { kind: 'app', token: t, principal, partnerId: c.partner_id, rateKey, limits: new Map() },
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
    } else if (caller.user === null) {
      tenantId = caller.claimTenant;
    } else if (caller.user.tenants.length === 1 && !caller.user.partner) {
      tenantId = caller.user.tenants[0].tenantId; // one tenant and no partner: no choice to make
    }
    if (caller.kind === 'user' && caller.user === null && caller.claimTenant !== null && tenantId !== caller.claimTenant) {
      throw authzErrors.delegation_not_found('The token is not for this tenant.');
    }
    let ban: string | null = null;
    if (req.query !== '' && req.query.includes('ban=')) {
      const v = new URLSearchParams(req.query).get('ban');
      if (v) ban = v;
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

  // ---- billing ------------------------------------------------------------------------------

  /**
   * Persona from the live relationship, never from a claim alone: a consent delegation acts as
   * `partner` (the customer is billed), a wholesale one as `wholesaler` (the wholesaler's own BAN
   * is billed), a link as `msp`; the partner's own tenant as `wholesaler` or `partner`; a member
   * as `customer`. A `bill_to` claim must name a BAN the relationship allows.
   */
  #billing(caller: Caller, a: Allowed | null, target: AuthzTarget): { persona: string | null; billTo: string | null } {
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

  // ---- rate limit ---------------------------------------------------------------------------

  limitFor(partnerId: string | null, cls: string): number {
    const l = this.#limits;
    return (partnerId !== null ? l[`${partnerId}:${cls}`] : undefined) ?? l[cls] ?? l.default ?? 300;
  }

  /**
   * Per token (or user) × route class, and per partner across all its tokens — one atomic
   * decision (one Lua script with Redis): admitted only when both limits admit, and a refusal by
   * one uses up nothing of the other. Memory limiters answer without a promise.
   */
  async #rateLimit(caller: Caller, rule: GatewayRule): Promise<Record<string, string>> {
    const cls = rule.rateClass;
    let reqs = caller.limits.get(cls);
    if (reqs === undefined) {
      reqs = [{ key: `gw:${caller.rateKey}:${cls}`, limit: this.limitFor(caller.partnerId, cls), windowMs: 60_000 }];
      if (caller.partnerId !== null) reqs.push({ key: `gw:p:${caller.partnerId}`, limit: this.limitFor(caller.partnerId, 'partner'), windowMs: 60_000 });
      caller.limits.set(cls, reqs);
    }
    const limiter = this.#d.rateLimiter;
    let ds: RateLimitDecision[];
    try {
      ds = limiter.consumeAllSync ? limiter.consumeAllSync(reqs) : await limiter.consumeAll(reqs);
    } catch (err) {
      if (err instanceof RateLimitStoreError) {
        throw platformErrors.rate_limiter_unavailable('The rate limiter cannot be reached, so the request was not counted or served. Try again shortly.', { headers: { 'retry-after': '1' } });
      }
      throw err;
    }
    const refused = ds[0].allowed ? (ds.length > 1 && !ds[1].allowed ? 1 : -1) : 0;
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
    if (!st.crossTenant || st.tenantId === null) return;
    const a = st.actor;
    const route = rule ? rule.method + ' ' + rule.pattern : req.method + ' ' + req.path;
    const decision = st.refusal ?? 'allowed';
    const ua = req.headers['user-agent'];
    const userAgent = typeof ua === 'string' ? ua : null;
    const key = `${st.tenantId}|${st.partnerId}|${a.type}|${a.userId}|${a.clientId}|${st.ban}|${route}|${status}|${decision}|${st.delegationId}|${userAgent}`;
    this.auditBuffer.pushGrouped(key, { at: this.#d.clock.now().getTime(), request_id: req.requestId, path: req.path, ip: req.ip }, () => ({
      ctx: { requestId: req.requestId, ip: req.ip, userAgent, actor: a },
      entry: {
        action: 'gateway.request',
        tenantId: st.tenantId,
        partnerId: st.partnerId,
        ban: st.ban,
        targetType: 'route',
        targetId: route,
        outcome: status >= 500 ? 'failure' : st.refusal !== null || status >= 400 ? 'denied' : 'success',
        details: { method: req.method, path: req.path, status, decision, permission: st.permission, delegation_id: st.delegationId },
      },
    }));
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
