/**
 * What the gateway's admission steps share: the long-lived context they read (GatewayCore: the
 * deps and the caches the service keeps), the per-request state they fill in (GatewayState, one
 * object per request, made by GatewayService.newState) and the callers they derive. Each step is
 * a plain function of these, answering a refusal (an AppError) or undefined.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../../config/config.ts';
import type { Clock } from '../../../platform/clock.ts';
import type { AppError } from '../../../platform/errors/app-error.ts';
import type { Actor } from '../../../platform/http/request-context.ts';
import type { RateLimiter, RateLimitRequest } from '../../../platform/ratelimit/index.ts';
import type { AuditBuffer, AuditLog } from '../../audit/index.ts';
import type { PartnerConfig, PartnerLimits, Allowed, AppPrincipal, AuthzService, AuthzTarget, UserPrincipal } from '../../authz/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { AccessTokenVerifier, VerifiedToken } from '../access-token.ts';
import type { GatewayIdentity, IdentityParts } from '../assertion.ts';
import type { GatewayRule } from '../route-table.ts';
import type { DpopReplayCache, DpopReplayStore } from '../dpop.ts';
import type { Metrics } from '../../../platform/observability/metrics.ts';
import type { ChangeFeed } from '../../../platform/events/change-feed.ts';

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
  /** the change feed, drained once before a refusal the snapshot may be too old to decide (see staleRefusal in decision.ts) */
  feed?: Pick<ChangeFeed, 'drain'> | null;
  /** seen DPoP proof ids shared by every instance (Redis); null: this instance's memory */
  dpopReplay?: DpopReplayStore | null;
  /** each open delegation's current purposes (kept from the change feed) and the catalog's names, for the purpose step */
  purposes?: { of(delegationId: string): readonly string[]; nameOf(purposeId: string): string | undefined } | null;
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
  /** the purpose the request was checked for: its route's, else the one it named (X-Purpose); null: none */
  purpose: string | null;
  // What the steps worked out, in their order (null until the step ran):
  credential: Credential | null;
  caller: Caller | null;
  target: AuthzTarget | null;
  /** the decision's admission (null: a partner-level route, no tenant decided) */
  allowed: Allowed | null;
  billing: Billing | null;
  rateHeaders: Record<string, string> | null;
}

export interface Admitted {
  identity: GatewayIdentity;
  /** the identity's signed text and headers but for the request id (see appendSigned) */
  parts: IdentityParts;
  rateHeaders: Record<string, string>;
}

/** Who acts, derived once from a verified token's claims (kept on the token: claims never change). */
export type DerivedCaller = { caller: Caller; actor: Actor };

/**
 * A caller's rate-limit keys and limits by route class, built on first use: the first class
 * inline (most tokens use one), others in a map made when a second class shows up.
 */
export interface RateLimits {
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

export function newRateLimits(): RateLimits {
  return { cls: null, reqs: null, more: null, cfg: null, pl: null, quota: null, quotaUntilMs: 0 };
}

export type Billing = { persona: string | null; billTo: string | null };

/**
 * A token caller's last admitted request: what the target, decision and billing steps answered, and
 * what they answered it on (the snapshot version, the tenant header and the query), valid until
 * the access's own end. Reused while nothing of that changed (see reuseAdmission in decision.ts).
 */
export interface KeptAdmission {
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

export type Credential = { kind: 'jwt' | 'pat' | 'session'; token: string; dpop?: boolean };

export type Caller =
  | { kind: 'app'; token: VerifiedToken; principal: AppPrincipal; partnerId: string; rateKey: string; limits: RateLimits; admission: KeptAdmission | null; admitted: number }
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
      /** an MSP member's token: the purposes it carries (its `purpose` claim; none when it has none) */
      purposes?: readonly string[];
      limits: RateLimits;
      admission: KeptAdmission | null;
      /** requests admitted so far (the admission is kept from the second on) */
      admitted: number;
    };

/** The last access event's group key and what it was built from (see audit.ts). */
export interface LastGroup {
  rule: GatewayRule | null;
  actor: Actor | null;
  tenantId: string | null;
  partnerId: string | null;
  ban: string | null;
  bans: readonly string[] | null;
  status: number;
  decision: string;
  delegationId: string | null;
  purpose: string | null;
  userAgent: string | null;
  key: string;
}

/** What every step reads: the service's deps and the caches it keeps across requests. */
export interface GatewayCore {
  readonly d: GatewayDeps;
  readonly metrics: Metrics;
  readonly auditBuffer: AuditBuffer;
  readonly auditBacklogLimit: number;
  /** RATE_LIMITS by class */
  readonly rateLimits: Record<string, number>;
  /** RFC 9728 §5.1: every 401 challenge names the resource's metadata; written once, appended as is */
  readonly resourceMetadataParam: string;
  /** seen DPoP proof ids in memory, when no shared store (Redis) is given */
  readonly dpopReplay: DpopReplayCache;
  readonly lastGroup: LastGroup;
  /** RateLimit-Policy field values by class and limit */
  readonly policyFields: Map<string, { policy: string; name: string }>;
  /** customers' plan quota counters for today (tenant id → counter), see quota.ts */
  readonly planQuotas: Map<string, { req: RateLimitRequest; untilMs: number }>;
}

/** A step's answer: a refusal, or undefined to go on. */
export type Refusal = AppError | undefined;

export function bearerChallenge(error: string | null, description?: string, resourceMetadata = ''): string {
  let h = 'Bearer realm="partnergate"';
  if (error) h += `, error="${error}"`;
  if (description) h += `, error_description="${description.replace(/["\\]/g, '')}"`;
  return h + resourceMetadata;
}

/** A 401 challenge naming the resource's metadata. */
export function challenge(g: GatewayCore, error: string, description?: string): string {
  return bearerChallenge(error, description, g.resourceMetadataParam);
}

// who acts until identity says: one frozen value shared by every request's state (the steps replace st.actor, never change it)
const ANONYMOUS: Actor = Object.freeze({ type: 'anonymous', userId: null, partnerId: null, clientId: null, agencyId: null });

export function newState(): GatewayState {
  return {
    actor: ANONYMOUS,
    partnerId: null,
    tenantId: null,
    ban: null,
    bans: null,
    delegationId: null,
    permission: null,
    crossTenant: false,
    refusal: null,
    purpose: null,
    credential: null,
    caller: null,
    target: null,
    allowed: null,
    billing: null,
    rateHeaders: null,
  };
}
