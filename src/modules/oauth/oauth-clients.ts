/**
 * The partner apps as the authorization server's clients: their records (app, partner, the
 * partner's home BAN) kept between requests, the Client model handed to the library, and the
 * brute-force throttle's per-client step.
 */
import { errors as oidcErrors, type AdapterPayload, type KoaContextWithOIDC } from 'oidc-provider';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeEvent } from '../../platform/events/change-feed.ts';
import { RateLimitStoreError } from '../../platform/ratelimit/index.ts';
import { grantAllowed, SECRET_AUTH_METHODS, acceptedAuthMethods, type AppsService, type ClientRecord, type GrantType } from '../apps/index.ts';
import { ACCEPTED_AUTH_METHODS, ID_TOKEN_DEFAULT_ALG } from './provider.ts';
import { type FailureThrottle, THROTTLED_ERROR, assertionClientId, basicClientId } from './throttle.ts';
import { currentProviderContext } from './oidc-provider-internals.ts';
import { RECORD_FRESH_MS, RECORDS_MAX } from './oauth-grants.ts';
import { CIBA_GRANT } from './ciba.ts';
import { JWT_BEARER_GRANT } from './jwt-bearer.ts';
import { requestedKids, type AppKeySets } from './app-key-sets.ts';

/** The same endpoints as the throttled provider paths, by the library's route names. */
const THROTTLED_ROUTES = new Set(['token', 'introspection', 'revocation', 'pushed_authorization_request', 'backchannel_authentication']);

/** The request's per-(client, IP) throttle counter, read by handle() together with the IP's. */
export interface PeekedClient {
  clientId: string;
  ip: string;
  wait: number | null;
}
export const PEEKED_CLIENT = Symbol('partnergate.oauth.peekedClient');

export interface OAuthClientsDeps {
  clock: Clock;
  apps: AppsService;
  throttle: FailureThrottle;
  /** may the partner's apps use CIBA now (the operator's switch, feature oauth.ciba, in the snapshot) */
  cibaAllowed: (partnerId: string) => boolean;
  /** the keys apps publish at their key set address */
  keySets: AppKeySets;
}

export class OAuthClients {
  readonly #d: OAuthClientsDeps;
  /**
   * Client records (the app, its partner, the partner's home BAN) for the token endpoint, kept
   * between requests as the decision snapshot keeps apps and partners: the change feed drops an
   * entry in the drain that delivers a change of its app, its partner or a billing account (the
   * instance that made the change has drained before it answered; the others within the feed's
   * delivery, ≤ 1 s). `#clientsGen` moves on each drop, so a read that overlapped one is not kept.
   */
  readonly #clients = new Map<string, { record: ClientRecord; at: number }>();
  #clientsGen = 0;
  /** The metadata made from a kept record (with the CIBA switch it was made under); goes with the record. */
  readonly #metadata = new WeakMap<ClientRecord, { ciba: boolean; metadata: AdapterPayload | undefined }>();

  constructor(d: OAuthClientsDeps) {
    this.#d = d;
  }

  /** A change drops the client records it touches (app, partner, billing account: a home BAN). */
  dropCached(events: readonly ChangeEvent[]): void {
    for (const e of events) {
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

  /** The client's record as the database has it now, from the cache while no change of it was delivered. */
  async record(clientId: string): Promise<ClientRecord | undefined> {
    const hit = this.#clients.get(clientId);
    if (hit && this.#d.clock.nowMs() - hit.at < RECORD_FRESH_MS) return hit.record;
    const gen = this.#clientsGen;
    const record = await this.#d.apps.findClientRecord(clientId);
    if (record && gen === this.#clientsGen) {
      if (this.#clients.size >= RECORDS_MAX) this.#clients.clear();
      this.#clients.set(clientId, { record, at: this.#d.clock.nowMs() });
    } else if (!record) this.#clients.delete(clientId);
    return record;
  }

  /**
   * Brute-force throttle, step 2: the library looks the client up once it knows which client_id
   * the request authenticates as (Basic, form client_id or private_key_jwt assertion) and before
   * it checks the secret or the assertion — the place to refuse an IP that failed too often as
   * this client.
   */
  async #throttle(clientId: string): Promise<void> {
    const ctx = currentProviderContext();
    if (!ctx || !THROTTLED_ROUTES.has(ctx.oidc.route)) return;
    let wait: number | null;
    try {
      const peeked = (ctx.req as unknown as Record<symbol, PeekedClient | undefined>)[PEEKED_CLIENT];
      wait = peeked && peeked.clientId === clientId && peeked.ip === ctx.ip ? peeked.wait : await this.#d.throttle.retryAfterClient(clientId, ctx.ip);
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
  countFailure(ctx: KoaContextWithOIDC, err: { error?: string }): void {
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
    void this.#d.throttle.failed(ctx.ip, clientId);
  }

  /** The Client model: a partner app whose partner is active, with the grants its capabilities allow. */
  async find(clientId: string): Promise<AdapterPayload | undefined> {
    await this.#throttle(clientId);
    // The app and its partner as the change feed last delivered them (the home BAN it also holds
    // goes into a client-credentials token's claims: the token claims find the same record).
    const record = await this.record(clientId);
    if (!record) return undefined;
    const { app, partner } = record;
    if (app.status !== 'active' || partner.status !== 'active') return undefined;
    // CIBA: the app opted in (its delivery mode), its partner acts for customers and the operator did not switch it off
    const ciba = app.ciba_delivery_mode !== null && partner.capabilities.includes('delegated') && this.#d.cibaAllowed(partner.id);
    if (!SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method) && app.jwks_uri) {
      const metadata = clientMetadata(record, ciba);
      if (!metadata) return undefined;
      // read again at once for a key id this request's JWTs name that the kept set lacks (app-key-sets.ts)
      return { ...metadata, jwks: { keys: await this.#d.keySets.keys(app.jwks_uri, requestedKids(requestParams())) } as AdapterPayload['jwks'] };
    }
    // Everything else in the metadata is the record's (and the operator's CIBA switch): made once
    // per record the change feed delivered, not per request.
    const kept = this.#metadata.get(record);
    if (kept && kept.ciba === ciba) return kept.metadata;
    const metadata = clientMetadata(record, ciba);
    // handed to every request that finds this client: frozen, so none can change it for the next
    if (metadata) for (const v of [metadata, ...Object.values(metadata)]) if (typeof v === 'object' && v !== null) Object.freeze(v);
    this.#metadata.set(record, { ciba, metadata });
    return metadata;
  }
}

/** A partner app's metadata as the library takes it (`jwks` left to the caller when the app publishes them at an address); undefined: no grant type is left. */
function clientMetadata({ app, partner }: ClientRecord, ciba: boolean): AdapterPayload | undefined {
  const caps = partner.capabilities;
  // A grant type stays usable only while the partner holds a capability that allows it.
  const scopes = JSON.parse(app.scopes) as string[];
  const grantTypes = (JSON.parse(app.grant_types) as GrantType[]).filter((g) => grantAllowed(g, caps, scopes));
  if (ciba) grantTypes.push(CIBA_GRANT as GrantType);
  // The JWT bearer grant (jwt-bearer.ts): an app of a partner that acts for customers, whose assertions its registered keys sign
  if (caps.includes('delegated') && app.token_endpoint_auth_method === 'private_key_jwt') grantTypes.push(JWT_BEARER_GRANT as GrantType);
  if (grantTypes.length === 0) return undefined;
  const code = grantTypes.includes('authorization_code');
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
  if (ciba) {
    metadata.backchannel_token_delivery_mode = app.ciba_delivery_mode!;
    if (app.ciba_delivery_mode === 'ping' && app.ciba_notification_endpoint) metadata.backchannel_client_notification_endpoint = app.ciba_notification_endpoint;
  }
  if (SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method)) {
    // The keyed hash, compared against the hash of what the client sends (see oidc-provider-internals).
    if (!app.secret_hash) return undefined;
    metadata.client_secret = app.secret_hash;
  } else if (!app.jwks_uri) {
    metadata.jwks = JSON.parse(app.jwks ?? '{"keys":[]}') as AdapterPayload['jwks'];
  }
  // RFC 9101 §10.5 per app: plain authorization, pushed and backchannel requests are refused (invalid_request)
  if (app.require_signed_request_object === 1) metadata.require_signed_request_object = true;
  return metadata;
}

/** The parameters of the provider request being handled, once the library assembled them. */
function requestParams(): Record<string, unknown> | undefined {
  try {
    return currentProviderContext()?.oidc?.params as Record<string, unknown> | undefined;
  } catch {
    return undefined;
  }
}
