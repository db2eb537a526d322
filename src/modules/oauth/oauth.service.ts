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
import { errors as oidcErrors, type Provider, type KoaContextWithOIDC, type Account, type AdapterPayload, type ResourceServer } from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import { mutate, type Db, type Tx } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret, type SecretHasher } from '../../platform/crypto.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import { DATABASE_RETRY_AFTER_SEC, isDatabaseUnavailable } from '../../platform/errors/db-errors.ts';
import type { ChangeEvent, ChangeFeed } from '../../platform/events/change-feed.ts';
import { RateLimitStoreError, type RateLimiter } from '../../platform/ratelimit/index.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AuthzService, RoleCatalog } from '../authz/index.ts';
import type { DelegationsService } from '../delegations/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { GRANT_CAPABILITIES, IDENTITY_SCOPES, SECRET_AUTH_METHODS, acceptedAuthMethods, TOKEN_EXCHANGE_GRANT, type AppsService, type ClientRecord, type GrantType } from '../apps/index.ts';
import { OAuthStore, deleteGrantRows } from './oauth-store.ts';
import { SigningKeys, SIGNING_KEY_ENTITY } from './signing-keys.ts';
import { ACCEPTED_AUTH_METHODS, ID_TOKEN_DEFAULT_ALG, SCOPE_CLAIMS, buildProvider, gatewayAudience, issuerOf, longestSignedTokenLifetimeSec, OAUTH_MOUNT, protectedResourceMetadata } from './provider.ts';
import { ConsentService } from './consent.service.ts';
import { AccessTokenVerifier, type AccessTokenClaims } from './token-verifier.ts';
import { RevokedAccessTokens } from './revoked-tokens.ts';
import { DelegationLastUse } from './last-use.ts';
import { EXCHANGE_CLAIMS, TOKEN_EXCHANGE_PARAMS, tokenExchangeHandler } from './token-exchange.ts';
import { FailureThrottle, THROTTLED_ERROR, assertionClientId, basicClientId } from './throttle.ts';
import { authnClaims, compact, consentClaims, grantClaim, memberClaims, wholesalerOwnClaims } from './claims.ts';
import { bindRefreshTokenToDpopKey, clientAuthRefusal, dpopProofFor, currentProviderContext, isGrantTypeNotAllowed, isStructuredTokenRefusal } from './oidc-provider-internals.ts';
import * as repo from './oauth.repo.ts';

const PURGE_EVERY_MS = 10 * 60 * 1000;
/** A client record read for the token endpoint is used at most this long (the change feed drops it at once on a change). */
const CLIENT_RECORD_FRESH_MS = 30_000;
/** Client records kept at most (the cache starts over past it). */
const CLIENT_RECORDS_MAX = 10_000;
const TOUCH_EVERY_MS = 60_000;
/** Provider paths that authenticate clients: failed client authentication there is throttled. */
const THROTTLED = new Set(['/token', '/token/introspection', '/token/revocation', '/request']);
/** The same endpoints by the library's route names. */
const THROTTLED_ROUTES = new Set(['token', 'introspection', 'revocation', 'pushed_authorization_request']);

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
}

export type Liveness = { ok: true } | { ok: false; reason: string };

export class OAuthService {
  readonly keys: SigningKeys;
  readonly store: OAuthStore;
  readonly consent: ConsentService;
  readonly verifier: AccessTokenVerifier;
  /** revoked JWT access tokens by jti, in memory on every instance (the gateway's live check reads it) */
  readonly revocations: RevokedAccessTokens;
  readonly throttle: FailureThrottle;
  /** "last use" of delegations, noted by the gateway per admitted request and flushed in batches */
  readonly lastUse: DelegationLastUse;
  readonly issuer: string;
  readonly audience: string;
  readonly #d: OAuthDeps;
  #provider: Provider | null = null;
  #callback: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  /**
   * Client records (the app, its partner, the partner's home BAN) for the token endpoint, kept
   * between requests as the decision snapshot keeps apps and partners: the change feed drops an
   * entry in the drain that delivers a change of its app, its partner or a billing account (the
   * instance that made the change has drained before it answered; the others within the feed's
   * delivery, ≤ 1 s). `#clientsGen` moves on each drop, so a read that overlapped one is not kept.
   */
  readonly #clients = new Map<string, { record: ClientRecord; at: number }>();
  #clientsGen = 0;
  /**
   * The consents behind grants (with their delegation, tenant status and consenting user) for the
   * token endpoint, kept the same way: the change feed drops an entry when its delegation, its
   * tenant or its user changes — a customer who disconnects the app or ends the link, a tenant
   * suspended, an admin disabled — in the drain that delivers it (at once on the instance that
   * made the change, which drains before it answers; within the feed's delivery elsewhere).
   */
  readonly #consents = new Map<string, { record: repo.ConsentRecord; at: number }>();
  #consentsGen = 0;
  readonly #touched = new Map<string, number>();
  readonly #bans = new repo.BanNumbers();
  readonly #publicUrl: { host: string; proto: string };
  /** The consents read by the provider request being handled, by grant id (see #consentOf). */
  readonly #requestConsents = new WeakMap<object, { reads: Map<string, Promise<repo.ConsentRecord | undefined>>; found: repo.ConsentRecord[] }>();
  #purgeTimer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;
  #resourceScopes: string[] = [];
  #resourceMetadata = '';

  constructor(d: OAuthDeps) {
    this.#d = d;
    this.issuer = issuerOf(d.config);
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
      findClient: (id) => this.#findClient(id),
      // The authorization server's own records, keyed by the grant it issued (the consent, its
      // delegation, the BANs it covers): read and ended as the system, like the decision snapshot.
      grantIsLive: (id) => asSystem(() => this.#grantIsLive(id)),
      grantRevoked: (id, reason, clientId) => asSystem(() => this.#grantRevoked(id, reason, clientId)),
      // DPoP (RFC 9449): a refresh token issued with a key-bound access token is bound to that key too.
      beforeUpsert: (model, payload) => {
        if (model === 'RefreshToken') bindRefreshTokenToDpopKey(payload);
      },
    });
    // A revoked grant is remembered while an access token it issued may live (+ clock tolerance).
    this.revocations = new RevokedAccessTokens({ db: d.db, clock: d.clock, feed: d.feed, audit: d.audit, grantWindowSec: longestSignedTokenLifetimeSec(d.config) + 60 });
    d.identity.onUserDisabled((trx, ctx, userId) => this.#endMemberGrantsOf(trx, ctx, userId));
    this.verifier = new AccessTokenVerifier(this.keys, this.issuer, {
      now: () => d.clock.now(),
      isRevoked: (jti, gid) => (jti !== undefined && this.revocations.has(jti)) || (gid !== undefined && this.revocations.hasGrant(gid)),
    });
    this.throttle = new FailureThrottle(d.rateLimiter);
    this.lastUse = new DelegationLastUse({ db: d.db, clock: d.clock, onError: (e) => d.onError(e, 'delegation last use') });
    this.consent = new ConsentService({
      db: d.db,
      clock: d.clock,
      audit: d.audit,
      feed: d.feed,
      roles: d.roles,
      apps: d.apps,
      delegations: d.delegations,
      store: this.store,
      provider: () => this.provider,
      audience: this.audience,
      maxDays: d.config.delegationMaxDays,
    });
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
      this.#dropCached(events);
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
        onUse: (id) => this.#touch(id),
      }),
      TOKEN_EXCHANGE_PARAMS,
      ['resource', 'audience'],
    );
    provider.use(async (ctx, next) => {
      try {
        await next();
        await this.#afterIntrospection(ctx as KoaContextWithOIDC);
        await this.#afterRevocation(ctx as KoaContextWithOIDC);
        await this.#afterUserinfo(ctx as KoaContextWithOIDC);
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
    });
    provider.on('grant.success', (ctx: KoaContextWithOIDC) => this.#d.metrics?.tokenIssued(ctx.oidc.params?.grant_type));
    // The library answers what its endpoints throw as 500 server_error and then says so here: a
    // database that is away is no server error but a 503 to retry.
    provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
      if (isDatabaseUnavailable(err)) answerDatabaseUnavailable(ctx);
      else this.#d.onError(err, 'oauth server');
    });
    const countFailure = (ctx: KoaContextWithOIDC, err: { error?: string }) => this.#countFailure(ctx, err);
    provider.on('grant.error', countFailure);
    provider.on('introspection.error', countFailure);
    provider.on('revocation.error', countFailure);
    provider.on('pushed_authorization_request.error', countFailure);
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

  /** The client's record as the database has it now, from the cache while no change of it was delivered. */
  async #clientRecord(clientId: string): Promise<ClientRecord | undefined> {
    const hit = this.#clients.get(clientId);
    if (hit && this.#d.clock.nowMs() - hit.at < CLIENT_RECORD_FRESH_MS) return hit.record;
    const gen = this.#clientsGen;
    const record = await this.#d.apps.findClientRecord(clientId);
    if (record && gen === this.#clientsGen) {
      if (this.#clients.size >= CLIENT_RECORDS_MAX) this.#clients.clear();
      this.#clients.set(clientId, { record, at: this.#d.clock.nowMs() });
    } else if (!record) this.#clients.delete(clientId);
    return record;
  }

  /** A change drops the client records (app, partner, billing account: a home BAN) and the consents (delegation, tenant, user) it touches. */
  #dropCached(events: readonly ChangeEvent[]): void {
    for (const e of events) {
      if (this.#consents.size > 0 && (e.entity === 'delegation' || e.entity === 'tenant' || e.entity === 'user')) {
        this.#consentsGen++;
        for (const [grantId, c] of this.#consents) {
          const r = c.record;
          if (e.entity === 'delegation' ? r.delegation.id === e.entityId : e.entity === 'tenant' ? r.delegation.tenant_id === e.entityId : r.user_id === e.entityId) this.#consents.delete(grantId);
        }
      }
      if (e.entity === 'app') {
        this.#clientsGen++;
        this.#clients.delete(e.entityId);
      } else if (e.entity === 'partner') {
        this.#clientsGen++;
        for (const [id, c] of this.#clients) if (c.record.partner.id === e.entityId) this.#clients.delete(id);
      } else if (e.entity === 'billing_account') {
        this.#clientsGen++;
        for (const [id, c] of this.#clients) if (c.record.partner.homeTenantId !== null) this.#clients.delete(id);
      }
    }
  }

  /**
   * Brute-force throttle, step 2: the library looks the client up once it knows which client_id
   * the request authenticates as (Basic, form client_id or private_key_jwt assertion) and before
   * it checks the secret or the assertion — the place to refuse an IP that failed too often as
   * this client.
   */
  async #throttleClient(clientId: string): Promise<void> {
    const ctx = currentProviderContext();
    if (!ctx || !THROTTLED_ROUTES.has(ctx.oidc.route)) return;
    let wait: number | null;
    try {
      const peeked = (ctx.req as unknown as Record<symbol, PeekedClient | undefined>)[PEEKED_CLIENT];
      wait = peeked && peeked.clientId === clientId && peeked.ip === ctx.ip ? peeked.wait : await this.throttle.retryAfterClient(clientId, ctx.ip);
    } catch (err) {
      if (!(err instanceof RateLimitStoreError)) throw err;
      ctx.set('retry-after', '1');
      const unavailable = new oidcErrors.OIDCProviderError(503, THROTTLED_ERROR);
      unavailable.error_description = 'Failed client authentications cannot be counted right now, so none is checked. Try again shortly.';
      throw unavailable;
    }
    if (wait === null) return;
    ctx.set('retry-after', String(wait));
    const err = new oidcErrors.OIDCProviderError(429, THROTTLED_ERROR);
    err.error_description = `Too many failed client authentications for this client from this address; retry in ${wait} seconds.`;
    throw err;
  }

  /** A failed client authentication at a throttled endpoint counts for its (client, IP) and IP. */
  #countFailure(ctx: KoaContextWithOIDC, err: { error?: string }): void {
    if (err?.error !== 'invalid_client') return;
    let clientId: string | null = null;
    try {
      const params = (ctx.oidc.params ?? {}) as Record<string, unknown>;
      clientId =
        ctx.oidc.client?.clientId ??
        (typeof params.client_id === 'string' ? params.client_id.slice(0, 200) : null) ??
        basicClientId(ctx.get('authorization') || undefined) ??
        assertionClientId(params.client_assertion);
    } catch {
      clientId = basicClientId(ctx.get('authorization') || undefined);
    }
    void this.throttle.failed(ctx.ip, clientId);
  }

  /** The Client model: a partner app whose partner is active, with the grants its capabilities allow. */
  async #findClient(clientId: string): Promise<AdapterPayload | undefined> {
    await this.#throttleClient(clientId);
    // The app and its partner as the change feed last delivered them (the home BAN it also holds
    // goes into a client-credentials token's claims: #extraTokenClaims finds the same record).
    const record = await this.#clientRecord(clientId);
    if (!record) return undefined;
    const { app, partner } = record;
    if (app.status !== 'active' || partner.status !== 'active') return undefined;
    const caps = partner.capabilities;
    // A grant type stays usable only while the partner holds a capability that allows it.
    const grantTypes = (JSON.parse(app.grant_types) as GrantType[]).filter((g) => (GRANT_CAPABILITIES[g] ?? []).some((c) => caps.includes(c)));
    if (grantTypes.length === 0) return undefined;
    const code = grantTypes.includes('authorization_code');
    const scopes = JSON.parse(app.scopes) as string[];
    if (grantTypes.includes('refresh_token') && !scopes.includes('offline_access')) scopes.push('offline_access');
    const metadata: AdapterPayload = {
      client_id: app.id,
      client_name: app.name,
      application_type: 'web',
      grant_types: grantTypes,
      response_types: code ? ['code'] : [],
      redirect_uris: code ? (JSON.parse(app.redirect_uris) as string[]) : [],
      scope: scopes.join(' '),
      token_endpoint_auth_method: app.token_endpoint_auth_method,
      // every method the app accepts (its secret by header and by body unless restricted; oidc-provider-internals, 1)
      [ACCEPTED_AUTH_METHODS]: acceptedAuthMethods(app),
      // OpenID Connect Core §2 (client metadata): what the owner chose, RS256 unless they chose another
      id_token_signed_response_alg: app.id_token_signed_response_alg ?? ID_TOKEN_DEFAULT_ALG,
    };
    if (app.logo_uri) metadata.logo_uri = app.logo_uri;
    if (SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method)) {
      // The keyed hash, compared against the hash of what the client sends (see oidc-provider-internals).
      if (!app.secret_hash) return undefined;
      metadata.client_secret = app.secret_hash;
    } else {
      metadata.jwks = JSON.parse(app.jwks ?? '{"keys":[]}') as AdapterPayload['jwks'];
    }
    return metadata;
  }

  async #findAccount(sub: string): Promise<Account | undefined> {
    // A refresh or code grant has just read its consent, with the consenting user, in this request.
    const user = this.#requestConsentUser(sub) ?? (await this.#d.identity.findUserById(sub));
    if (!user || user.status !== 'active') return undefined;
    return {
      accountId: user.id,
      claims: async () => {
        // seed 001 (UserInfo enrichment): the customer tenants a partner member may act on now
        const partnerId = this.#d.authz.snapshot.users.get(user.id)?.partner?.id ?? null;
        const managed = partnerId ? this.#d.authz.managedTenantIds(user.id, partnerId) : [];
        return { sub: user.id, name: user.name, email: user.email, email_verified: true, ...(partnerId ? { partner_id: partnerId, managed_tenant_ids: managed, active_managed_tenant_id: managed.length === 1 ? managed[0] : null } : {}) };
      },
    };
  }

  /**
   * A grant stands while its consent delegation is active, in its window, on an active tenant; a
   * member grant while its user is an active member of the app's active managed_services partner.
   */
  async #grantIsLive(grantId: string): Promise<boolean> {
    const c = await this.#consentOf(grantId);
    const now = this.#d.clock.now().toISOString();
    if (!c) {
      const m = await repo.findMemberGrant(this.#d.db.kysely, grantId, now);
      return m !== undefined && repo.memberGrantStands(m);
    }
    const d = c.delegation;
    return d.status === 'active' && d.starts_at <= now && d.ends_at > now && c.tenant_status === 'active';
  }

  /**
   * A grant was revoked or destroyed (the app revoked its refresh token, a refresh token or code
   * was used twice, logout, the customer disconnected the app): first every access token issued
   * from it is refused by its `gid` (the revoked set: at once here, within the feed's delivery
   * time elsewhere, no database read per request) — an MSP member's token has no delegation that
   * could stop it. Then the customer's consent delegation ends with it (RFC 9700 §4.14.2 revokes
   * "the active refresh token as well as the access authorization grant"), or the member grant's
   * mark goes.
   */
  async #grantRevoked(grantId: string, reason: string, grantClientId: string | null): Promise<void> {
    try {
      const c = await repo.findConsentByGrant(this.#d.db.kysely, grantId);
      // '' as "now": an expired mark is still the grant's, and goes too.
      const m = c ? undefined : await repo.findMemberGrant(this.#d.db.kysely, grantId, '');
      const clientId = c?.client_id ?? m?.client_id ?? grantClientId;
      if (clientId) {
        const partnerId = c?.delegation.partner_id ?? m?.partner_id ?? null;
        const pctx = currentProviderContext();
        const reqId = pctx?.response.get('x-request-id');
        await this.revocations
          .revokeGrant(
            {
              requestId: typeof reqId === 'string' && reqId ? reqId : `oauth-${grantId.slice(0, 12)}`,
              ip: pctx?.ip ?? null,
              userAgent: pctx?.get('user-agent') || null,
              // the app, at the token or revocation endpoint; otherwise the system, after the act that ended the grant
              actor: { type: pctx ? 'app' : 'system', userId: null, partnerId, clientId, agencyId: null },
            },
            { grantId, clientId, partnerId, tenantId: c?.delegation.tenant_id ?? null, userId: c?.user_id ?? m?.user_id ?? null, reason },
          )
          .catch((e: unknown) => this.#d.onError(e, 'oauth grant revocation (revoked set)'));
      }
      if (!c) {
        if (m) await this.#memberGrantRevoked(grantId, m, reason);
        return;
      }
      if (c.delegation.status !== 'active' && c.delegation.status !== 'requested') return;
      const ctx = systemContext(`oauth-${grantId.slice(0, 12)}`, { type: 'app', partnerId: c.delegation.partner_id, clientId: c.client_id });
      // Only if still open when the write lock is held: another revocation of this grant (a
      // replayed refresh token racing, a second disconnect) may have ended it since the read
      // above. Ending it again is a no-op, not a fault.
      await this.#d.delegations.revokeIfOpen(ctx, c.delegation.id, { side: 'partner', reason: `OAuth grant revoked: ${reason}` });
    } catch (e) {
      this.#d.onError(e, 'oauth grant revocation');
    }
  }

  /**
   * A user the operator disabled: their member grants (the partner's own app, for their own
   * account) end for good in the disable's transaction — the grant and its refresh tokens deleted,
   * its access tokens refused by grant id — so enabling the account again brings none back, as
   * Keycloak and GitHub do. Consent grants stay: they stand for the tenant's delegation, which
   * outlives the admin who approved it (delegation_approver_inactive says so).
   */
  async #endMemberGrantsOf(trx: Tx, ctx: RequestContext, userId: string): Promise<Record<string, unknown>> {
    const grants = await repo.listMemberGrantsOfUser(trx, userId);
    for (const g of grants) {
      await deleteGrantRows(trx, g.grant_id);
      await repo.deleteMemberGrant(trx, g.grant_id);
      await this.revocations.revokeGrantIn(trx, ctx, { grantId: g.grant_id, clientId: g.client_id, partnerId: g.partner_id, tenantId: null, userId, reason: 'user disabled' });
    }
    return grants.length > 0 ? { oauth_grants_revoked: grants.map((g) => g.grant_id) } : {};
  }

  /** A member grant the library revoked: its mark goes (its tokens are refused by gid), audited. */
  async #memberGrantRevoked(grantId: string, m: repo.MemberGrantRecord, reason: string): Promise<void> {
    const ctx = systemContext(`oauth-${grantId.slice(0, 12)}`, { type: 'app', userId: m.user_id, partnerId: m.partner_id, clientId: m.client_id });
    await mutate(this.#d.db, async (trx) => {
      // a second revocation of the same grant finds the mark gone: nothing to record
      if (!(await repo.deleteMemberGrant(trx, grantId))) return;
      await this.#d.audit.record(trx, ctx, { action: 'oauth.member_grant_revoked', partnerId: m.partner_id, targetType: 'app', targetId: m.client_id, details: { user_id: m.user_id, reason } });
    });
  }

  /** The Partnergate claims of a grant's tokens: from its consent delegation, or as an MSP member. */
  async #grantClaims(grantId: string): Promise<Record<string, unknown> | undefined> {
    const facts = await this.#consentFacts(grantId);
    if (facts) {
      this.#touch(facts.delegationId);
      return compact(consentClaims(facts));
    }
    const m = await repo.findMemberGrant(this.#d.db.kysely, grantId, this.#d.clock.now().toISOString());
    // Neither (no such grant any more): the token still names its grant, so revoking it refuses the token.
    return m ? compact(memberClaims({ grantId, partnerId: m.partner_id, clientId: m.client_id })) : grantClaim(grantId);
  }

  async #consentFacts(grantId: string) {
    const c = await this.#consentOf(grantId);
    if (!c) return null;
    const d = c.delegation;
    const banIds = d.ban_ids ? (JSON.parse(d.ban_ids) as string[]) : null;
    const bans = await this.#bans.numbers(this.#d.db.kysely, d.tenant_id, banIds, d.bill_to_ban_id);
    return {
      grantId,
      partnerId: d.partner_id,
      clientId: c.client_id,
      delegationId: d.id,
      tenantId: d.tenant_id,
      banNumbers: bans.banNumbers,
      billTo: bans.billTo,
    };
  }

  /**
   * The consent behind a grant, once per provider request: a refresh asks whether the grant
   * stands (Grant.find), for its account (findAccount) and for its token claims — three answers of
   * one record, from #consents while no change of its delegation, tenant or user was delivered,
   * else read (one statement). Outside a provider request it is read each time. Revocation
   * handling (#grantRevoked) always reads afresh.
   */
  #consentOf(grantId: string): Promise<repo.ConsentRecord | undefined> {
    const ctx = currentProviderContext();
    if (!ctx) return repo.findConsentByGrant(this.#d.db.kysely, grantId);
    let seen = this.#requestConsents.get(ctx);
    if (!seen) this.#requestConsents.set(ctx, (seen = { reads: new Map(), found: [] }));
    const { reads, found } = seen;
    let c = reads.get(grantId);
    if (!c) {
      const now = this.#d.clock.nowMs();
      const hit = this.#consents.get(grantId);
      if (hit && now - hit.at < CLIENT_RECORD_FRESH_MS) {
        found.push(hit.record);
        c = Promise.resolve(hit.record);
        reads.set(grantId, c);
        return c;
      }
      const gen = this.#consentsGen;
      c = repo.findConsentByGrant(this.#d.db.kysely, grantId).then(
        (r) => {
          if (r) {
            found.push(r);
            if (gen === this.#consentsGen) {
              if (this.#consents.size >= CLIENT_RECORDS_MAX) this.#consents.clear();
              this.#consents.set(grantId, { record: r, at: now });
            }
          } else this.#consents.delete(grantId);
          return r;
        },
        (e: unknown) => {
          reads.delete(grantId);
          throw e;
        },
      );
      reads.set(grantId, c);
    }
    return c;
  }

  /** The consenting user of a consent this provider request has read, when it is `sub`. */
  #requestConsentUser(sub: string): { id: string; name: string; email: string; status: string } | undefined {
    const ctx = currentProviderContext();
    const found = ctx ? this.#requestConsents.get(ctx)?.found : undefined;
    return found?.find((c) => c.user_id === sub && c.user?.id === sub)?.user ?? undefined;
  }

  async #extraTokenClaims(ctx: KoaContextWithOIDC, token: { kind: string; grantId?: string; clientId?: string }): Promise<Record<string, unknown> | undefined> {
    const exchanged = (ctx as unknown as Record<symbol, unknown> | undefined)?.[EXCHANGE_CLAIMS];
    if (exchanged && token.kind === 'AccessToken') return exchanged as Record<string, unknown>;
    if (token.kind === 'ClientCredentials' && token.clientId) {
      const r = await this.#clientRecord(token.clientId);
      if (!r) return undefined;
      return compact(wholesalerOwnClaims({ partnerId: r.partner.id, homeTenantId: r.partner.homeTenantId, homeBan: r.homeBan?.account_number ?? null }));
    }
    if (token.kind === 'AccessToken' && token.grantId) {
      const claims = await this.#grantClaims(token.grantId);
      // the sign-in behind the grant: amr/acr from the code being exchanged or the refresh token
      const e = ctx?.oidc?.entities as { AuthorizationCode?: { amr?: string[] }; RefreshToken?: { amr?: string[] } } | undefined;
      const authn = authnClaims(e?.AuthorizationCode?.amr ?? e?.RefreshToken?.amr);
      return claims ? { ...claims, ...authn } : authn;
    }
    return undefined;
  }

  /** Record "last used" on a delegation, at most once a minute per instance. */
  #touch(delegationId: string): void {
    const now = this.#d.clock.nowMs();
    if (now - (this.#touched.get(delegationId) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(delegationId, now);
    if (this.#touched.size > 10_000) this.#touched.clear();
    repo.touchLastUsed(this.#d.db.kysely, delegationId, new Date(now).toISOString(), new Date(now - TOUCH_EVERY_MS).toISOString()).catch((e) => this.#d.onError(e, 'oauth last-used'));
  }

  // ---- introspection (RFC 7662) -----------------------------------------------------------------

  async #afterIntrospection(ctx: KoaContextWithOIDC): Promise<void> {
    let route: string | undefined;
    try {
      route = ctx.oidc?.route;
    } catch {
      return;
    }
    if (route !== 'introspection') return;
    const caller = ctx.oidc.client?.clientId;
    if (!caller) return;
    if (isStructuredTokenRefusal(ctx)) {
      ctx.status = 200;
      ctx.body = await this.introspectJwt(String(ctx.oidc.params?.token ?? ''), caller);
      return;
    }
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status !== 200 || body?.active !== true) return;
    // An opaque refresh or access token the library found live: add the Partnergate claims.
    const rt = ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.AccessToken;
    const grantId = rt?.grantId;
    if (grantId) {
      const facts = await this.#consentFacts(grantId);
      if (facts) ctx.body = { ...body, ...compact(consentClaims(facts)) };
      else {
        const m = await repo.findMemberGrant(this.#d.db.kysely, grantId, this.#d.clock.now().toISOString());
        if (m) ctx.body = { ...body, ...compact(memberClaims({ grantId, partnerId: m.partner_id, clientId: m.client_id })) };
      }
    }
  }

  // ---- userinfo (OpenID Connect Core §5.3) -----------------------------------------------------

  /**
   * The access token of an ordinary sign-in (identity scopes and resource scopes) is our JWT for
   * the gateway; the library's userinfo takes only its own opaque tokens without an audience and
   * refuses it. Answer for it here when it carries `openid`: a Bearer JWT we signed, for the
   * gateway's audience, not expired or revoked, of a person, whose grant still stands (as for
   * introspection). Its audience stays the gateway's, which goes on refusing it for any other
   * resource. A DPoP-bound token (RFC 9449 §7) comes with the DPoP scheme and a proof by its key, checked
   * by the library's rules and spent against replay (oidc-provider-internals, 7).
   */
  async #afterUserinfo(ctx: KoaContextWithOIDC): Promise<void> {
    let route: string | undefined;
    try {
      route = ctx.oidc?.route;
    } catch {
      return;
    }
    if (route !== 'userinfo' || ctx.status !== 401) return;
    const m = /^(Bearer|DPoP) ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(ctx.get('authorization'));
    if (!m) return;
    const [, scheme, token] = m;
    const v = await this.verifier.verify(token, this.audience);
    if (!v.ok) return;
    const c = v.claims;
    if (typeof c.sub !== 'string' || !c.sub.startsWith('usr_')) return;
    const proof = c.cnf?.jkt ? await dpopProofFor(ctx, token) : null;
    if (c.cnf?.jkt ? scheme !== 'DPoP' || proof?.thumbprint !== c.cnf.jkt : scheme !== 'Bearer') return;
    const scopes = new Set((c.scope ?? '').split(' ').filter(Boolean));
    if (!scopes.has('openid')) {
      ctx.status = 403;
      ctx.set('www-authenticate', `${scheme} realm="${this.issuer}", error="insufficient_scope", scope="openid"`);
      ctx.body = { error: 'insufficient_scope', error_description: 'access token missing openid scope', scope: 'openid' };
      return;
    }
    if (!(await this.tokenIsLive(c)).ok) return;
    const account = await this.#findAccount(c.sub);
    if (!account) return;
    if (proof && !(await proof.spend(String(c.client_id)))) return;
    const all = (await account.claims('userinfo', [...scopes].join(' '), {}, [])) as Record<string, unknown>;
    const released = new Set([...scopes].flatMap((s) => SCOPE_CLAIMS[s] ?? []));
    ctx.status = 200;
    ctx.remove('www-authenticate');
    ctx.set('cache-control', 'no-store');
    ctx.body = Object.fromEntries(Object.entries(all).filter(([k, val]) => released.has(k) && val !== undefined));
  }

  // ---- revocation (RFC 7009) --------------------------------------------------------------------

  /**
   * The library revokes opaque tokens itself and refuses JWTs (`unsupported_token_type`); for our
   * JWT access tokens, answer RFC 7009 here: a token of the authenticated client is revoked by its
   * jti (refused by the gateway and introspection from the next request on, on every instance);
   * anything else — another client's token, a forged or expired one — changes nothing and gets
   * the same 200 (§2.2: the client cannot act on an error for a token it should not hold).
   */
  async #afterRevocation(ctx: KoaContextWithOIDC): Promise<void> {
    let route: string | undefined;
    try {
      route = ctx.oidc?.route;
    } catch {
      return;
    }
    if (route !== 'revocation' || !isStructuredTokenRefusal(ctx)) return;
    const caller = ctx.oidc.client!.clientId;
    const v = await this.verifier.verify(String(ctx.oidc.params?.token ?? ''), undefined, { revoked: 'allow' });
    const c = v.ok ? v.claims : null;
    if (c && c.client_id === caller && typeof c.jti === 'string' && typeof c.exp === 'number') {
      const { jti, exp } = c;
      const reqId = ctx.response.get('x-request-id');
      const ctxAudit = {
        requestId: typeof reqId === 'string' && reqId ? reqId : `oauth-revoke-${jti.slice(0, 12)}`,
        ip: ctx.ip ?? null,
        userAgent: ctx.get('user-agent') || null,
        actor: { type: 'app' as const, userId: null, partnerId: c.partner_id ?? null, clientId: caller, agencyId: null },
      };
      await this.revocations.revoke(ctxAudit, { jti, clientId: caller, partnerId: c.partner_id ?? null, tenantId: c.tenant_id ?? null, exp });
    }
    ctx.status = 200;
    ctx.body = '';
  }

  /**
   * Introspect one of our JWT access tokens for the client it was issued to: active only while
   * the signature verifies, it has not expired, the app and partner are active and the decision
   * engine still lets the token act (delegation active, user active, tenant active …).
   */
  async introspectJwt(token: string, callerClientId: string): Promise<Record<string, unknown>> {
    const v = await this.verifier.verify(token);
    if (!v.ok) return { active: false };
    const c = v.claims;
    if (c.client_id !== callerClientId) return { active: false };
    const live = await this.tokenIsLive(c);
    if (!live.ok) return { active: false };
    return { active: true, ...c, token_type: c.cnf?.jkt ? 'DPoP' : 'Bearer' };
  }

  /**
   * Is a verified token still allowed to act? App and partner from the database; the rest from
   * the decision engine's snapshot, brought up to date first (introspection is not a hot path).
   */
  tokenIsLive(c: AccessTokenClaims): Promise<Liveness> {
    return asSystem(() => this.#tokenIsLive(c));
  }

  async #tokenIsLive(c: AccessTokenClaims): Promise<Liveness> {
    if (!c.client_id || !c.partner_id) return { ok: false, reason: 'not a partner app token' };
    const record = await this.#d.apps.findClientRecord(c.client_id);
    if (!record || record.app.status !== 'active') return { ok: false, reason: 'the app was deleted' };
    if (record.partner.status !== 'active' || record.partner.id !== c.partner_id) return { ok: false, reason: 'the partner is not active' };
    if (c.dlg) {
      const d = await repo.findDelegation(this.#d.db.kysely, c.dlg);
      const now = this.#d.clock.now().toISOString();
      if (!d || d.status !== 'active' || d.ends_at <= now || d.starts_at > now) return { ok: false, reason: 'the delegation is not active' };
    }
    await this.#d.feed.drain();
    if (c.persona === 'msp' && typeof c.sub === 'string' && c.sub.startsWith('usr_') && !c.dlg) {
      // An MSP member's token names no tenant: it is live while the user is an active member of
      // the active partner (decide() checks that first, then asks for the tenant to act on).
      if (!record.partner.capabilities.includes('managed_services')) return { ok: false, reason: 'partner_capability_missing' };
      const d = this.#d.authz.decide({ type: 'user', userId: c.sub, partnerId: c.partner_id }, null, { tenantId: null });
      return d.allow || d.code === 'tenant_context_required' ? { ok: true } : { ok: false, reason: d.code };
    }
    const decision = this.#d.authz.decide(
      {
        type: 'app',
        partnerId: c.partner_id,
        clientId: c.client_id,
        delegationId: c.dlg ?? null,
        tenantId: c.tenant_id ?? null,
        bans: c.customer_ban ?? null,
        userId: typeof c.sub === 'string' && c.sub.startsWith('usr_') ? c.sub : null,
      },
      null,
      { tenantId: c.tenant_id ?? null },
    );
    return decision.allow ? { ok: true } : { ok: false, reason: decision.code };
  }
}

/** The request's per-(client, IP) throttle counter, read by handle() together with the IP's. */
interface PeekedClient {
  clientId: string;
  ip: string;
  wait: number | null;
}
const PEEKED_CLIENT = Symbol('partnergate.oauth.peekedClient');

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
