/**
 * services.oauth: the authorization server. Holds the oidc-provider instance (rebuilt when the
 * signing keys change), its persistence, the signing keys, consent, token verification and the
 * failure throttle, and answers the library's questions with Partnergate facts:
 *  - clients are partner apps, live from the database (a deleted app or a suspended partner stops
 *    authenticating on the very next request);
 *  - a grant stands only while its consent delegation is active (revoked, expired, tenant
 *    suspended → refresh fails, introspection says inactive) — or, for an MSP member's grant on
 *    the partner's own app, while the user is an active member of an active partner;
 *  - access-token claims come from the consent delegation, the member grant (persona msp), the
 *    wholesaler's home tenant, or the token exchange (claims.ts).
 */
import type { Metrics } from '../../platform/observability/metrics.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider, KoaContextWithOIDC, Account, ResourceServer } from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import type { Db, } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret, type SecretHasher } from '../../platform/crypto.ts';
import { systemContext, } from '../../platform/http/request-context.ts';
import { DATABASE_RETRY_AFTER_SEC, isDatabaseUnavailable } from '../../platform/errors/db-errors.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import { RateLimitStoreError, type RateLimiter } from '../../platform/ratelimit/index.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AuthzService, RoleCatalog } from '../authz/index.ts';
import type { DelegationsService } from '../delegations/index.ts';
import type { PurposeChoices } from './consent.service.ts';
import type { IdentityService } from '../identity/index.ts';
import { IDENTITY_SCOPES, TOKEN_EXCHANGE_GRANT, type AppsService, } from '../apps/index.ts';
import { OAuthStore, } from './oauth-store.ts';
import { OutboundClient } from '../../platform/outbound/outbound-http.ts';
import { AppKeySets } from './app-key-sets.ts';
import { SigningKeys, SIGNING_KEY_ENTITY } from './signing-keys.ts';
import { buildProvider, gatewayAudience, issuerOf, longestSignedTokenLifetimeSec, OAUTH_MOUNT, protectedResourceMetadata } from './provider.ts';
import { ConsentService } from './consent.service.ts';
import { CIBA_FEATURE, CibaService, type CibaDeps } from './ciba.ts';
import { AccessTokenVerifier, type AccessTokenClaims } from './token-verifier.ts';
import { RevokedAccessTokens } from './revoked-tokens.ts';
import { DelegationLastUse } from './last-use.ts';
import { JWT_BEARER_GRANT, JWT_BEARER_PARAMS, jwtBearerHandler } from './jwt-bearer.ts';
import { EXCHANGE_CLAIMS, TOKEN_EXCHANGE_PARAMS, tokenExchangeHandler } from './token-exchange.ts';
import { FailureThrottle, THROTTLED_ERROR, basicClientId } from './throttle.ts';
import { authnClaims, compact, wholesalerOwnClaims } from './claims.ts';
import { bindRefreshTokenToDpopKey, clientAuthRefusal, currentProviderContext, isGrantTypeNotAllowed, } from './oidc-provider-internals.ts';
import { OAuthClients, PEEKED_CLIENT, type PeekedClient } from './oauth-clients.ts';
import { OAuthGrants } from './oauth-grants.ts';
import { OAuthEndpoints, type Liveness } from './oauth-endpoints.ts';

const PURGE_EVERY_MS = 10 * 60 * 1000;
/** Provider paths that authenticate clients: failed client authentication there is throttled. */
const THROTTLED = new Set(['/token', '/token/introspection', '/token/revocation', '/request', '/backchannel']);
export interface OAuthDeps {
  config: Config;
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
  hasher: SecretHasher;
  roles: RoleCatalog;
  identity: IdentityService;
  apps: AppsService;
  delegations: DelegationsService;
  authz: AuthzService;
  /** the shared rate limiter the failure throttle counts in (its failure policy applies) */
  rateLimiter: RateLimiter;
  onError: (err: unknown, what: string) => void;
  /** tokens issued by grant type */
  metrics?: Metrics;
  /** shorter lifetimes of tokens acting across tenants (modules/tokenpolicy): the shortest of `fallback` and the policies */
  crossTenantTtl?: (kind: 'access' | 'refresh', parties: { partnerId: string; tenantId: string }, fallback: number) => number;
  /** the purpose catalog (modules/purposes): what the consent screen offers and a consent records */
  purposes?: PurposeChoices | null;
  /** tell a customer's administrators that a CIBA request waits for them (notifications, wired in build-app) */
  cibaNotify?: CibaDeps['notify'];
}

export type { Liveness };

export class OAuthService {
  readonly keys: SigningKeys;
  readonly store: OAuthStore;
  readonly consent: ConsentService;
  /** CIBA: the backchannel consent requests and their decisions (ciba.ts) */
  readonly ciba: CibaService;
  readonly verifier: AccessTokenVerifier;
  /** revoked JWT access tokens by jti, in memory on every instance (the gateway's live check reads it) */
  readonly revocations: RevokedAccessTokens;
  readonly throttle: FailureThrottle;
  /** "last use" of delegations, noted by the gateway per admitted request and flushed in batches */
  readonly lastUse: DelegationLastUse;
  /** the keys apps publish at their key set addresses, as read by this instance */
  readonly keySets: AppKeySets;
  readonly issuer: string;
  readonly audience: string;
  readonly #d: OAuthDeps;
  #provider: Provider | null = null;
  #callback: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  /** the partner apps as clients: their records, the Client model, the per-client throttle step */
  readonly #clients: OAuthClients;
  /** the grants: whether one stands, its tokens' claims, its revocation */
  readonly #grants: OAuthGrants;
  /** what Partnergate adds to introspection, userinfo and revocation */
  readonly #endpoints: OAuthEndpoints;
  readonly #publicUrl: { host: string; proto: string };
  #purgeTimer: NodeJS.Timeout | null = null;
  readonly #outbound: OutboundClient;
  #unsubscribe: (() => void) | null = null;
  #resourceScopes: string[] = [];
  #resourceMetadata = '';

  constructor(d: OAuthDeps) {
    this.#d = d;
    this.issuer = issuerOf(d.config);
    this.#outbound = new OutboundClient({ allowPrivate: d.config.webhookAllowPrivateTargets, timeoutMs: d.config.webhookTimeoutMs, maxResponseBytes: 16 * 1024 });
    this.audience = gatewayAudience(d.config);
    const publicUrl = new URL(d.config.publicUrl);
    this.#publicUrl = { host: publicUrl.host, proto: publicUrl.protocol.replace(':', '') };
    this.keys = new SigningKeys({
      db: d.db,
      clock: d.clock,
      audit: d.audit,
      feed: d.feed,
      secret: d.config.secretKey,
      // A retired key signed tokens living at most this long (+ clock tolerance and the time the
      // rotation takes to reach every instance, which signs with the old key until then).
      retainSec: longestSignedTokenLifetimeSec(d.config) + 60,
      accessTokenAlg: d.config.accessTokenSigningAlg,
    });
    // Codes, tokens, sessions and interactions are kept as keyed hashes, other bearer values sealed.
    const secrets = {
      hash: (v: string) => d.hasher.hash(v),
      seal: (v: string) => encryptWithSecret(d.config.secretKey, v),
      unseal: (v: string) => decryptWithSecret(d.config.secretKey, v),
    };
    this.store = new OAuthStore(d.db, secrets, {
      findClient: (id) => this.#clients.find(id),
      // The authorization server's own records, keyed by the grant it issued (the consent, its
      // delegation, the BANs it covers): read and ended as the system, like the decision snapshot.
      grantIsLive: (id) => asSystem(() => this.#grants.isLive(id)),
      grantRevoked: (id, reason, clientId) => asSystem(() => this.#grants.revoked(id, reason, clientId)),
      // DPoP (RFC 9449): a refresh token issued with a key-bound access token is bound to that key too.
      beforeUpsert: (model, payload) => {
        if (model === 'RefreshToken') bindRefreshTokenToDpopKey(payload);
      },
      // CIBA: a poll at the token endpoint sooner than the interval is answered slow_down
      beforeFind: async (model, id) => {
        if (model === 'BackchannelAuthenticationRequest' && currentProviderContext()?.oidc.route === 'token') await this.ciba.checkPollRate(id);
      },
    });
    // A revoked grant is remembered while an access token it issued may live (+ clock tolerance).
    this.revocations = new RevokedAccessTokens({ db: d.db, clock: d.clock, feed: d.feed, audit: d.audit, grantWindowSec: longestSignedTokenLifetimeSec(d.config) + 60 });
    this.#grants = new OAuthGrants({ db: d.db, clock: d.clock, audit: d.audit, delegations: d.delegations, revocations: this.revocations, onError: d.onError });
    this.#endMemberGrantsWithTheirPerson(d);
    this.verifier = new AccessTokenVerifier(this.keys, this.issuer, {
      now: () => d.clock.now(),
      isRevoked: (jti, gid) => (jti !== undefined && this.revocations.has(jti)) || (gid !== undefined && this.revocations.hasGrant(gid)),
    });
    this.throttle = new FailureThrottle(d.rateLimiter);
    // an app's keys at its key set address, read under the outbound address policy
    this.keySets = new AppKeySets({ clock: d.clock, get: (url, h) => this.#outbound.get(url, h), onError: (err, uri) => d.onError(err, `an app's key set at ${uri}`) });
    this.#clients = new OAuthClients({
      ...{ clock: d.clock, apps: d.apps, throttle: this.throttle, cibaAllowed: (p: string) => d.authz.snapshot.featureEnabled(p, CIBA_FEATURE) },
      keySets: this.keySets,
    });
    this.#endpoints = new OAuthEndpoints({
      ...{ db: d.db, clock: d.clock, feed: d.feed, apps: d.apps, authz: d.authz },
      verifier: this.verifier,
      revocations: this.revocations,
      grants: this.#grants,
      issuer: this.issuer,
      audience: this.audience,
      findAccount: (sub) => this.#findAccount(sub),
    });
    this.lastUse = new DelegationLastUse({ db: d.db, clock: d.clock, onError: (e) => d.onError(e, 'delegation last use') });
    this.consent = new ConsentService({
      db: d.db,
      clock: d.clock,
      audit: d.audit,
      feed: d.feed,
      roles: d.roles,
      apps: d.apps,
      delegations: d.delegations,
      purposes: d.purposes ?? null,
      store: this.store,
      provider: () => this.provider,
      audience: this.audience,
      maxDays: d.config.delegationMaxDays,
    });
    this.ciba = new CibaService({
      db: d.db,
      clock: d.clock,
      audit: d.audit,
      hasher: d.hasher,
      ...{ secret: d.config.secretKey, pollIntervalSec: d.config.cibaPollIntervalSec },
      apps: d.apps,
      snapshot: () => d.authz.snapshot,
      consent: this.consent,
      provider: () => this.provider,
      userIdByEmail: async (email) => (await d.identity.findUserByEmail(email))?.id ?? null,
      notify: d.cibaNotify,
    });
  }

  /**
   * Member grants end with the account (disabled), and with one partner membership (removed by an
   * admin or that partner's directory): then only that partner's apps' grants.
   */
  #endMemberGrantsWithTheirPerson(d: OAuthDeps): void {
    d.identity.onUserDisabled((trx, ctx, userId) => this.#grants.endMemberGrantsOf(trx, ctx, userId));
    d.identity.onMembershipEnded(async (trx, ctx, scope, userId) => (scope.type === 'partner' ? this.#grants.endMemberGrantsOf(trx, ctx, userId, scope.id) : {}));
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Load (or create) the signing keys and build the provider. Call before the feed starts. */
  async start(): Promise<void> {
    this.#resourceScopes = [...this.#d.apps.scopeCatalog().keys()];
    this.#resourceMetadata = JSON.stringify(protectedResourceMetadata(this.#d.config, this.#resourceScopes));
    await this.keys.load(systemContext('oauth-start'));
    await this.revocations.start();
    this.#rebuild();
    this.keys.onChange(() => this.#rebuild());
    this.#unsubscribe = this.#d.feed.subscribe(async (events) => {
      this.#clients.dropCached(events);
      this.#grants.dropCached(events);
      if (events.some((e) => e.entity === SIGNING_KEY_ENTITY)) await this.keys.reload();
    });
    this.#purgeTimer = setInterval(() => void asSystem(() => this.purge()), PURGE_EVERY_MS);
    this.#purgeTimer.unref();
    this.lastUse.start();
  }

  /** Stop the timers and write the pending "last use" times. */
  async stop(): Promise<void> {
    if (this.#purgeTimer) clearInterval(this.#purgeTimer);
    this.#purgeTimer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.revocations.stop();
    this.keys.stop();
    await this.lastUse.stop();
    await this.#outbound.close();
  }

  /** Drop expired protocol rows and revocations; re-read keys so a retired key past its time stops being published. */
  async purge(): Promise<number> {
    try {
      const n = (await this.store.purgeExpired()) + (await this.revocations.purge());
      await this.keys.reload();
      return n;
    } catch (e) {
      this.#d.onError(e, 'oauth purge');
      return 0;
    }
  }

  /** The gateway's protected-resource metadata (RFC 9728), as JSON text; written once at start. */
  get resourceMetadataJson(): string {
    if (!this.#resourceMetadata) throw new Error('the authorization server has not started');
    return this.#resourceMetadata;
  }

  get provider(): Provider {
    if (!this.#provider) throw new Error('the authorization server has not started');
    return this.#provider;
  }

  #rebuild(): void {
    const resourceServer = (client: { scope?: string }): ResourceServer => ({
      scope: (client.scope ?? '').split(' ').filter((s) => this.#resourceScopes.includes(s)).join(' '),
      audience: this.audience,
      accessTokenTTL: this.#d.config.accessTokenTtlSec,
      accessTokenFormat: 'jwt',
      // ACCESS_TOKEN_SIGNING_ALG; the provider signs with the current key of that algorithm
      jwt: { sign: { alg: this.#d.config.accessTokenSigningAlg } },
    });
    const provider = buildProvider({
      config: this.#d.config,
      keys: this.keys,
      store: this.store,
      hashSecret: (s) => this.#d.hasher.hash(s),
      resourceScopes: this.#resourceScopes,
      resourceServer,
      identityScopes: Object.keys(IDENTITY_SCOPES),
      findAccount: (sub) => this.#findAccount(sub),
      extraTokenClaims: (ctx, token) => this.#extraTokenClaims(ctx, token),
      tokenPolicy: (caller, owner) => caller === owner,
      ciba: this.ciba,
      purposeByDpv: (term) => this.consent.purposeByDpv(term),
      // a CIBA ping goes to the app's endpoint under the outbound address policy (no private address unless allowed)
      fetch: this.#outbound.fetch as unknown as NonNullable<Parameters<typeof buildProvider>[0]['fetch']>,
      grantTtl: (kind, grantId, fallback) => {
        const parties = grantId && this.#d.crossTenantTtl ? this.#grants.requestConsentParties(grantId) : undefined;
        return parties ? this.#d.crossTenantTtl!(kind, parties, fallback) : fallback;
      },
    });
    provider.registerGrantType(
      TOKEN_EXCHANGE_GRANT,
      tokenExchangeHandler(provider, {
        db: this.#d.db,
        clock: this.#d.clock,
        apps: this.#d.apps,
        audience: this.audience,
        verify: (t) => this.verifier.verify(t, this.audience),
        resourceServer,
        onUse: (id) => this.#grants.touch(id),
        crossTenantTtl: this.#d.crossTenantTtl,
      }),
      TOKEN_EXCHANGE_PARAMS,
      ['resource', 'audience'],
    );
    const bearer = { db: this.#d.db, clock: this.#d.clock, audience: this.audience, resourceServer, onUse: (id: string) => this.#grants.touch(id) };
    const customerFor = (clientId: string, hint: string, ctx: KoaContextWithOIDC) => this.ciba.customerFor(clientId, hint, { ctx, via: 'jwt_bearer' });
    provider.registerGrantType(JWT_BEARER_GRANT, jwtBearerHandler(provider, { ...bearer, purposeByDpv: (t) => this.consent.purposeByDpv(t), customerFor }), JWT_BEARER_PARAMS);
    provider.use(async (ctx, next) => {
      try {
        await next();
        await this.#endpoints.afterIntrospection(ctx as KoaContextWithOIDC);
        await this.#endpoints.afterRevocation(ctx as KoaContextWithOIDC);
        await this.#endpoints.afterUserinfo(ctx as KoaContextWithOIDC);
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        answerDatabaseUnavailable(ctx as KoaContextWithOIDC);
        return;
      }
      // RFC 6749 §5.2: a grant type the client is not registered for is `unauthorized_client`.
      if (isGrantTypeNotAllowed(ctx as KoaContextWithOIDC)) ctx.body = { ...(ctx.body as object), error: 'unauthorized_client' };
      // A client that used another method than the one it registered is told which one that is.
      const refusal = clientAuthRefusal(ctx as KoaContextWithOIDC);
      if (refusal) ctx.body = { ...(ctx.body as object), error_description: refusal };
      // CIBA without user_code (ciba.ts verifyUserCode): the library's discovery always says it is supported;
      // signed requests are required per app (require_signed_request_object), not of every app (RFC 9101 §10.5)
      if ((ctx as KoaContextWithOIDC).oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') Object.assign(ctx.body, { backchannel_user_code_parameter_supported: false, require_signed_request_object: false });
    });
    provider.on('grant.success', (ctx: KoaContextWithOIDC) => this.#d.metrics?.tokenIssued(ctx.oidc.params?.grant_type));
    // The library answers what its endpoints throw as 500 server_error and then says so here: a
    // database that is away is no server error but a 503 to retry.
    provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
      if (isDatabaseUnavailable(err)) answerDatabaseUnavailable(ctx);
      else this.#d.onError(err, 'oauth server');
    });
    const countFailure = (ctx: KoaContextWithOIDC, err: { error?: string }) => this.#clients.countFailure(ctx, err);
    provider.on('grant.error', countFailure);
    provider.on('introspection.error', countFailure);
    provider.on('revocation.error', countFailure);
    provider.on('pushed_authorization_request.error', countFailure);
    provider.on('backchannel_authentication.error', countFailure);
    this.#provider = provider;
    this.#callback = provider.callback() as unknown as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }

  // ---- the HTTP edge ----------------------------------------------------------------------------

  /**
   * Hand a raw request to the provider. `path` is the path the provider routes on (the mount
   * prefix removed); the public URL's host and scheme are forwarded so every URL the provider
   * writes derives from PUBLIC_URL, never from a client-supplied Host header.
   */
  async handle(req: IncomingMessage, res: ServerResponse, meta: { ip: string; requestId: string; path: string }): Promise<void> {
    const publicUrl = this.#publicUrl;
    const original = req.url ?? '/';
    const query = original.includes('?') ? original.slice(original.indexOf('?')) : '';
    // Express-style mount information: the provider derives its endpoint URLs from it (the root
    // discovery documents have no prefix in their URL, so baseUrl names the mount).
    Object.assign(req, { originalUrl: original, baseUrl: OAUTH_MOUNT });
    req.url = meta.path + query;
    req.headers.host = publicUrl.host;
    req.headers['x-forwarded-host'] = publicUrl.host;
    req.headers['x-forwarded-proto'] = publicUrl.proto;
    req.headers['x-forwarded-for'] = meta.ip;
    res.setHeader('x-request-id', meta.requestId);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    // A retired key whose retention just passed leaves the JWKS now, not at the next rotation.
    if (this.keys.nextChangeAt <= this.#d.clock.nowMs()) this.keys.refreshPublished();

    // Brute-force throttle, step 1: an IP that spent its failure budget is refused before the
    // provider reads anything (step 2, per client and IP, runs when the client is looked up).
    if (THROTTLED.has(meta.path) && req.method === 'POST') {
      let wait: number | null;
      try {
        // With HTTP Basic the client is known already: step 2's counter is read in the same
        // call (one round trip to a shared Redis, not two) and kept for #throttleClient.
        const basicId = basicClientId(req.headers.authorization);
        if (basicId) {
          const [ipWait, clientWait] = await this.throttle.retryAfterIpAndClient(meta.ip, basicId);
          wait = ipWait;
          (req as unknown as Record<symbol, PeekedClient>)[PEEKED_CLIENT] = { clientId: basicId, ip: meta.ip, wait: clientWait };
        } else wait = await this.throttle.retryAfterIp(meta.ip);
      } catch (err) {
        if (!(err instanceof RateLimitStoreError)) throw err;
        // RATE_LIMIT_REDIS_FAILURE=refuse: failures cannot be counted, so no client is authenticated
        // (RFC 6749 §5.2 shape; `code` is the platform's problem code for the same refusal).
        return refuseOAuthRequest(res, 503, 1, {
          error: THROTTLED_ERROR,
          error_description: 'Failed client authentications cannot be counted right now, so none is checked. Try again shortly.',
          code: 'rate_limiter_unavailable',
        });
      }
      if (wait !== null) {
        return refuseOAuthRequest(res, 429, wait, { error: THROTTLED_ERROR, error_description: `Too many failed client authentications from this address; retry in ${wait} seconds.` });
      }
    }
    if (!this.#callback) throw new Error('the authorization server has not started');
    // The provider's endpoints (token, revocation, introspection, exchange) read across tenants
    // by nature: a grant's consent and delegation, the customer's BANs, a wholesaler's own bill-to
    // BAN in its home tenant. They run as the system; the client authentication and the grant
    // they are keyed by are the authorization. (The consent screen sets its own contexts.)
    const callback = this.#callback;
    await asSystem(() => callback(req, res));
  }

  // ---- answers to the library ---------------------------------------------------------------------

  async #findAccount(sub: string): Promise<Account | undefined> {
    // A refresh or code grant has just read its consent, with the consenting user, in this request.
    const user = this.#grants.requestConsentUser(sub) ?? (await this.#d.identity.findUserById(sub));
    if (!user || user.status !== 'active') return undefined;
    return {
      accountId: user.id,
      claims: async () => {
        // UserInfo enrichment: the customer tenants a partner member may act on now
        const partnerId = this.#d.authz.snapshot.users.get(user.id)?.partner?.id ?? null;
        const managed = partnerId ? this.#d.authz.managedTenantIds(user.id, partnerId) : [];
        return { sub: user.id, name: user.name, email: user.email, email_verified: true, ...(partnerId ? { partner_id: partnerId, managed_tenant_ids: managed, active_managed_tenant_id: managed.length === 1 ? managed[0] : null } : {}) };
      },
    };
  }


  async #extraTokenClaims(ctx: KoaContextWithOIDC, token: { kind: string; grantId?: string; clientId?: string }): Promise<Record<string, unknown> | undefined> {
    const exchanged = (ctx as unknown as Record<symbol, unknown> | undefined)?.[EXCHANGE_CLAIMS];
    if (exchanged && token.kind === 'AccessToken') return exchanged as Record<string, unknown>;
    if (token.kind === 'ClientCredentials' && token.clientId) {
      const r = await this.#clients.record(token.clientId);
      if (!r) return undefined;
      // a partner without the wholesale capability: its decision point, acting on no tenant
      if (!r.partner.capabilities.includes('wholesale')) return { partner_id: r.partner.id, persona: r.partner.capabilities.includes('managed_services') ? 'msp' : 'partner' };
      return compact(wholesalerOwnClaims({ partnerId: r.partner.id, homeTenantId: r.partner.homeTenantId, homeBan: r.homeBan?.account_number ?? null }));
    }
    if (token.kind === 'AccessToken' && token.grantId) {
      const claims = await this.#grants.claims(token.grantId);
      // the sign-in behind the grant: amr/acr from the code being exchanged or the refresh token
      const e = ctx?.oidc?.entities as { AuthorizationCode?: { amr?: string[] }; RefreshToken?: { amr?: string[] } } | undefined;
      const authn = authnClaims(e?.AuthorizationCode?.amr ?? e?.RefreshToken?.amr);
      return claims ? { ...claims, ...authn } : authn;
    }
    return undefined;
  }

  // ---- introspection, userinfo, revocation (oauth-endpoints.ts) --------------------------------

  /**
   * Introspect one of our JWT access tokens for the client it was issued to: active only while
   * the signature verifies, it has not expired, the app and partner are active and the decision
   * engine still lets the token act (delegation active, user active, tenant active …).
   */
  introspectJwt(token: string, callerClientId: string): Promise<Record<string, unknown>> {
    return this.#endpoints.introspectJwt(token, callerClientId);
  }

  /**
   * Is a verified token still allowed to act? App and partner from the database; the rest from
   * the decision engine's snapshot, brought up to date first (introspection is not a hot path).
   */
  tokenIsLive(c: AccessTokenClaims): Promise<Liveness> {
    return this.#endpoints.tokenIsLive(c);
  }
}


/** An RFC 6749 §5.2 error answered before the provider sees the request, with Retry-After. */
function refuseOAuthRequest(res: ServerResponse, status: number, retryAfterSec: number, body: Record<string, string>): void {
  res.statusCode = status;
  res.setHeader('retry-after', String(retryAfterSec));
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/**
 * 503 with Retry-After and RFC 6749's error shape (`temporarily_unavailable`, §4.1.2.1) for a
 * request the authorization server cannot answer while its database is away — a token revocation
 * included: the caller must retry it, not take a 500 for an answer.
 */
function answerDatabaseUnavailable(ctx: KoaContextWithOIDC): void {
  ctx.status = 503;
  ctx.set('retry-after', String(DATABASE_RETRY_AFTER_SEC));
  ctx.set('cache-control', 'no-store');
  const body = { error: 'temporarily_unavailable', error_description: 'The authorization server cannot reach its database right now; try again shortly.' };
  // an HTML error page (a browser at the authorization endpoint) keeps its page, with the status
  if (ctx.type !== 'text/html') ctx.body = body;
}