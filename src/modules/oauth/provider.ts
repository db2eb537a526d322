/**
 * The oidc-provider configuration: the protocol engine with Partnergate's security profile,
 * tighter than the library's defaults (RFC 9700):
 *  - authorization code only (no implicit, no hybrid, no password grant); PKCE with S256 required
 *    for every client (`plain` is refused by the library);
 *  - exact redirect URI matching and the redirect_uri always sent (no "single registered URI"
 *    shortcut); `iss` in every authorization response (RFC 9207);
 *  - client authentication by a client secret (checked as a keyed hash) in the Authorization
 *    header or the form body — both, unless the app's owner restricted it to one — or by
 *    private_key_jwt, at every endpoint that authenticates clients; no HMAC algorithms anywhere;
 *  - refresh tokens always rotated; reuse of a rotated one revokes the whole grant (the library
 *    does it for sequential reuse, the store's compare-and-set `consume` for parallel reuse);
 *  - JWT access tokens (RFC 9068, typ at+jwt) for the gateway's resource by default (RFC 8707),
 *    signed with ES256, RS256 or EdDSA (ACCESS_TOKEN_SIGNING_ALG), short lived (ACCESS_TOKEN_TTL); ID
 *    tokens as the app chose (id_token_signed_response_alg: RS256, OpenID Connect Core §2's default, or ES256); DPoP (RFC 9449) available to clients using it,
 *    binding the refresh token to the same key as well (oidc-provider-internals, 5);
 *  - PAR (RFC 9126), introspection (RFC 7662), revocation (RFC 7009), userinfo, end-session;
 *  - CIBA (OpenID CIBA Core 1.0) in poll and ping modes, for apps that opted in (ciba.ts).
 */
import { createHmac } from 'node:crypto';
import Provider, { errors, interactionPolicy, type Account, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import { MANAGED_ALGS, type SigningKeys } from './signing-keys.ts';
import type { OAuthStore } from './oauth-store.ts';
import { installHashedClientSecrets } from './oidc-provider-internals.ts';
import { errorPage, logoutPage, loggedOutPage, pageLang, type PageLang } from './interaction-views.ts';
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import { CIBA_MAX_EXPIRY_SEC } from './ciba.ts';
import { purposeScopeValidator, type PurposeByDpv } from './purpose-scopes.ts';

/** The language of the library's own pages (errors, sign-out): the request's ui_locales, else its Accept-Language. */
function koaLang(ctx: { get(h: string): string; oidc?: { params?: Record<string, unknown> } }): PageLang {
  const ui = ctx.oidc?.params?.ui_locales;
  return pageLang(negotiateLocale({ uiLocales: typeof ui === 'string' ? ui : null, acceptLanguage: ctx.get('accept-language') }));
}

export const OAUTH_MOUNT = '/oauth';
export const INTERACTION_PATH = `${OAUTH_MOUNT}/interaction`;
const AUTHORIZATION_CODE_TTL = 60;
const INTERACTION_TTL = 30 * 60;
const ASYMMETRIC = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
/**
 * What this server signs ID tokens and signed responses with: the managed algorithms an app can
 * choose for its ID tokens (apps.schemas.ts). EdDSA has a current key too (signing-keys.ts
 * MANAGED_ALGS) but signs only access tokens, when ACCESS_TOKEN_SIGNING_ALG says so.
 */
const SERVER_SIGNING_ALGS = MANAGED_ALGS.filter((alg) => alg !== 'EdDSA');
/** OpenID Connect Core §2: a client that registered no `id_token_signed_response_alg` gets RS256. */
export const ID_TOKEN_DEFAULT_ALG = 'RS256';
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
/** The client metadata property naming every method an app accepts (oidc-provider-internals, 1). */
export const ACCEPTED_AUTH_METHODS = 'partnergate_auth_methods';
/** The `acr` values a sign-in gets: a password alone, or with a second factor (claims.ts authnClaims). */
export const ACR_VALUES = ['urn:partnergate:aal1', 'urn:partnergate:aal2'] as const;
/** The claims each identity scope releases (ID token and userinfo). */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  // a partner member's managed tenants (the customers they may act on) come with the profile
  profile: ['name', 'partner_id', 'managed_tenant_ids', 'active_managed_tenant_id'],
  email: ['email', 'email_verified'],
};
/** The grants whose access token is the signed-in person's: it carries their identity scopes too. */
const PERSONAL_GRANTS = new Set(['authorization_code', 'refresh_token']);

/** The gateway's resource indicator (RFC 8707) and the default audience of access tokens. */
export function gatewayAudience(config: Config): string {
  return `${config.publicUrl}/resources`;
}

/**
 * The longest lifetime of anything this server signs with its keys, seconds: how long a retired
 * signing key must stay published. Keep it in step with `ttl` in buildProvider — access tokens of
 * every grant (the token exchange's too) and ID tokens all live ACCESS_TOKEN_TTL.
 */
export function longestSignedTokenLifetimeSec(config: Config): number {
  return config.accessTokenTtlSec;
}

/**
 * The gateway's protected-resource metadata (RFC 9728 §3.1): the well-known segment goes between
 * the host and the resource identifier's path, so the gateway's resource `<PUBLIC_URL>/resources`
 * is described at `<PUBLIC_URL>/.well-known/oauth-protected-resource/resources` — the URL the
 * gateway's 401 challenges name in `resource_metadata` (§5.1).
 */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';
export function protectedResourceMetadataUrl(config: Config): string {
  return `${config.publicUrl}${PROTECTED_RESOURCE_WELL_KNOWN}${new URL(gatewayAudience(config)).pathname}`;
}

/**
 * The gateway's protected-resource metadata document (RFC 9728 §2). Bearer tokens only in the
 * Authorization header (the gateway refuses form and query tokens, RFC 6750 §2.2/2.3); no
 * `resource_signing_alg_values_supported`: the gateway does not sign its responses (the assertion
 * to upstreams is for them, not for clients).
 */
export function protectedResourceMetadata(config: Config, scopes: readonly string[]): Record<string, unknown> {
  return {
    resource: gatewayAudience(config),
    authorization_servers: [issuerOf(config)],
    scopes_supported: [...scopes],
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
    resource_name: 'Partnergate API gateway',
    resource_documentation: `${config.publicUrl}/docs`,
  };
}

/** The DPoP proof algorithms (RFC 9449 §5.1): the ones the gateway checks (gateway dpop.ts; a test keeps them equal). */
export const DPOP_SIGNING_ALGS = ['ES256', 'EdDSA'] as const;

export function issuerOf(config: Config): string {
  return `${config.publicUrl}${OAUTH_MOUNT}`;
}

export interface ProviderDeps {
  config: Config;
  keys: SigningKeys;
  store: OAuthStore;
  hashSecret: (secret: string) => string;
  /** every resource scope (permission grants of the resource APIs) */
  resourceScopes: readonly string[];
  /** the gateway's resource-server description for a client (its registered resource scopes) */
  resourceServer: (client: { scope?: string }) => ResourceServer;
  identityScopes: readonly string[];
  findAccount: (sub: string) => Promise<Account | undefined>;
  extraTokenClaims: (ctx: KoaContextWithOIDC, token: { kind: string; grantId?: string; clientId?: string; gty?: string }) => Promise<Record<string, unknown> | undefined>;
  /** may the calling client introspect/revoke this token */
  tokenPolicy: (callerClientId: string, tokenClientId: string) => boolean;
  /** a token's lifetime when its grant acts across tenants (shorter policies), else `fallback` */
  grantTtl: (kind: 'access' | 'refresh', grantId: string | undefined, fallback: number) => number;
  /** CIBA (ciba.ts): the library's feature, and the customer a waiting request names as its account */
  ciba: { feature(): NonNullable<Configuration['features']>['ciba']; customerAccount(tenantId: string): Account | undefined };
  /** the active catalog purpose that answers to a DPV term (CAMARA's dpv:<Purpose>#<scope> scopes) */
  purposeByDpv: PurposeByDpv;
  /** how the provider calls out (a CIBA ping): under the outbound address policy */
  fetch: NonNullable<Configuration['fetch']>;
}

export function buildProvider(d: ProviderDeps): Provider {
  const { config } = d;
  const configuration: Configuration = {
    ...clientSettings(d),
    features: providerFeatures(d),
    enabledJWA: {
      clientAuthSigningAlgValues: [...ASYMMETRIC],
      idTokenSigningAlgValues: [...SERVER_SIGNING_ALGS],
      userinfoSigningAlgValues: [...SERVER_SIGNING_ALGS],
      introspectionSigningAlgValues: [...SERVER_SIGNING_ALGS],
      authorizationSigningAlgValues: [...SERVER_SIGNING_ALGS],
      requestObjectSigningAlgValues: [...ASYMMETRIC],
      dPoPSigningAlgValues: [...DPOP_SIGNING_ALGS],
    },
    rotateRefreshToken: true,
    // CAMARA purpose-bound consent: the app names what it asks access for (space-separated catalog
    // ids, or `dpv:<Purpose>#<scope>` scope values: purpose-scopes.ts); the consent screen ticks
    // those, and the customer decides.
    extraParams: { purpose: purposeScopeValidator(d.purposeByDpv) },
    // OAuth 2 semantics: an app registered for refresh_token gets one (no OIDC prompt=consent dance).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // A partner's access outlives the customer admin's browser session; it ends with the delegation.
    expiresWithSession: async () => false,
    // Each authorization gets its own grant (and delegation): only the grant the customer has just
    // approved in this interaction is loaded, never an earlier consent silently reused.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    extraTokenClaims: (ctx, token) => d.extraTokenClaims(ctx, token as unknown as { kind: string; grantId?: string; clientId?: string; gty?: string }),
    // A CIBA request names the customer (a tenant) until one of its administrators decides (ciba.ts).
    findAccount: async (ctx, sub) => (ctx?.oidc?.route === 'backchannel_authentication' ? d.ciba.customerAccount(sub) : d.findAccount(sub)),
    interactions: {
      policy: consentAlwaysAsked(),
      url: async (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.set('content-security-policy', PAGE_CSP);
      ctx.body = errorPage(koaLang(ctx), String(out.error ?? 'error'), typeof out.error_description === 'string' ? out.error_description : null);
    },
    ttl: { ...tokenLifetimes(config, d.grantTtl), BackchannelAuthenticationRequest: cibaExpiry },
    discovery: {
      service_documentation: `${config.publicUrl}/docs`,
      // The introspection and revocation endpoints authenticate clients as the token endpoint does.
      introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
      introspection_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC],
      revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
      revocation_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC],
      // CIBA: no user_code (the customer's administrators approve in their portal, signed in)
      backchannel_user_code_parameter_supported: false,
    },
    fetch: d.fetch,
    clientBasedCORS: () => false,
    conformIdTokenClaims: true,
    acceptQueryParamAccessTokens: false,
  };

  const provider = new Provider(issuerOf(config), configuration);
  // The mount hook forwards the public URL's host and scheme; trusting them here is what makes
  // every URL the provider writes derive from PUBLIC_URL instead of a client-supplied Host.
  provider.proxy = true;
  installHashedClientSecrets(provider, d.hashSecret);
  return provider;
}

/**
 * Every authorization request is a fresh customer decision: the consent screen is where the
 * customer picks the billing accounts and the duration, so it is never skipped.
 */
function consentAlwaysAsked() {
  const policy = interactionPolicy.base();
  policy.get('consent')!.checks.add(
    new interactionPolicy.Check('partnergate_consent', 'the customer must approve this request', (ctx) =>
      ctx.oidc.result?.consent?.grantId ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

/** The clients: how they authenticate, their defaults, the scopes and claims, the cookies. */
function clientSettings(d: ProviderDeps): Configuration {
  const { config } = d;
  return {
  adapter: d.store.factory,
  jwks: d.keys.providerJwks() as Configuration['jwks'],
  clients: [],
  clientAuthMethods: [...CLIENT_AUTH_METHODS],
  // Every method an app accepts (an app's secret by header and by body, unless restricted).
  extraClientMetadata: {
    properties: [ACCEPTED_AUTH_METHODS],
    validator: (_ctx, key, value) => {
      if (key !== ACCEPTED_AUTH_METHODS || value === undefined) return;
      if (!Array.isArray(value) || value.length === 0 || !value.every((m) => (CLIENT_AUTH_METHODS as readonly unknown[]).includes(m))) {
        throw new errors.InvalidClientMetadata(`${ACCEPTED_AUTH_METHODS} must list client authentication methods`);
      }
    },
  },
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: ID_TOKEN_DEFAULT_ALG,
  },
  responseTypes: ['code'],
  pkce: { required: () => true },
  allowOmittingSingleRegisteredRedirectUri: false,
  scopes: ['openid', 'offline_access', ...d.identityScopes.filter((s) => s !== 'openid'), ...d.resourceScopes],
  claims: {
    ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    // How the person signed in, in every ID token (the access token carries acr and amr too,
    // OAuthService): the library releases a claim into the ID token only through a scope's
    // list (or the claims parameter, which is off), so they go with openid. The userinfo
    // endpoint still answers only SCOPE_CLAIMS.
    openid: [...SCOPE_CLAIMS.openid, 'acr', 'amr', 'auth_time'],
  },
  acrValues: [...ACR_VALUES],
  cookies: {
    names: { session: 'pg_oauth_session', interaction: 'pg_oauth_interaction', resume: 'pg_oauth_resume' },
    keys: [createHmac('sha256', config.secretKey).update('partnergate:oauth-cookies').digest('base64url')],
    long: { httpOnly: true, sameSite: 'lax', signed: true },
    short: { httpOnly: true, sameSite: 'lax', signed: true },
  },
  };
}

/** The provider's features: introspection, revocation, logout, PAR, resource indicators (RFC 8707), DPoP. */
function providerFeatures(d: ProviderDeps): NonNullable<Configuration['features']> {
  const audience = gatewayAudience(d.config);
  const resourceScopeSet = new Set(d.resourceScopes);
  const identityScopeSet = new Set([...d.identityScopes, 'offline_access']);
  return {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      allowedPolicy: async (_ctx, client, token) => d.tokenPolicy(client.clientId, token.clientId ?? ''),
    },
    revocation: {
      enabled: true,
      allowedPolicy: async (_ctx, client, token) => {
        if (!d.tokenPolicy(client.clientId, token.clientId ?? '')) throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        return true;
      },
    },
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.type = 'html';
        ctx.set('content-security-policy', PAGE_CSP);
        ctx.body = logoutPage(koaLang(ctx), form);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.set('content-security-policy', PAGE_CSP);
        ctx.body = loggedOutPage(koaLang(ctx), ctx.oidc.client?.clientName ?? null);
      },
    },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
    resourceIndicators: {
      enabled: true,
      // RFC 8707: a request without `resource` is for the gateway, so every client gets a JWT.
      defaultResource: async () => audience,
      // Keep the granted resource at the token endpoint unless only identity scopes were asked
      // for (then the token is the opaque one the userinfo endpoint takes).
      useGrantedResource: async (_ctx, model) => [...model.scopes].some((s) => resourceScopeSet.has(s)),
      getResourceServerInfo: async (ctx, indicator, client) => {
        if (indicator !== audience) throw new errors.InvalidTarget(`unknown resource; this server issues tokens for ${audience}`);
        const rs = d.resourceServer(client);
        // A person's token (code and refresh grants) also carries the identity scopes granted
        // with it: the token response lists every granted scope, and the userinfo endpoint
        // answers for it when it carries openid (OAuthService). The gateway reads only the
        // resource scopes, and the audience stays the gateway's.
        const grantType = (ctx.oidc?.params as { grant_type?: unknown } | undefined)?.grant_type;
        if (typeof grantType !== 'string' || !PERSONAL_GRANTS.has(grantType)) return rs;
        const identity = (client.scope ?? '').split(' ').filter((s) => identityScopeSet.has(s));
        return identity.length ? { ...rs, scope: [...identity, ...(rs.scope ? rs.scope.split(' ') : [])].join(' ') } : rs;
      },
    },
    dPoP: { enabled: true },
    ciba: d.ciba.feature(),
    registration: { enabled: false },
    claimsParameter: { enabled: false },
    // RFC 9101 request objects by value (and inside PAR), signed by one of the app's registered keys
    // (requestObjectSigningAlgValues: asymmetric only, so `none` and secrets are refused), with an
    // `exp` (an old request is not replayed for ever) and the library's checks after that.
    requestObjects: {
      enabled: true,
      requireSignedRequestObject: false,
      // the library's default asks a CIBA request object for these too (CIBA Core §7.1.1)
      assertJwtClaimsAndHeader: async (ctx, claims) => {
        const required = ctx.oidc.route === 'backchannel_authentication' ? ['exp', 'iat', 'nbf', 'jti'] : ['exp'];
        for (const c of required) if (claims[c] === undefined) throw new errors.InvalidRequestObject(`Request Object is missing the '${c}' claim`);
      },
    },
    encryption: { enabled: false },
  };
}

/** The lifetimes of what the provider issues. */
function tokenLifetimes(config: Config, grantTtl: ProviderDeps['grantTtl']): NonNullable<Configuration['ttl']> {
  const ttl = config.accessTokenTtlSec;
  return {
    // Never beyond the grant either (a consent grant lives as long as the customer's delegation):
    // a derived credential does not outlive what it derives from.
    AccessToken: (ctx, token) => withinGrant(ctx, grantTtl('access', token.grantId, token.resourceServer?.accessTokenTTL ?? ttl)),
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl,
    AuthorizationCode: AUTHORIZATION_CODE_TTL,
    IdToken: ttl,
    Interaction: INTERACTION_TTL,
    Session: config.sessionAbsoluteTimeoutSec,
    // Grants carry their own lifetime (the delegation's); this is only a fallback.
    Grant: 14 * 86400,
    // Never beyond the grant, i.e. the end of the customer's delegation.
    RefreshToken: (ctx, token) => withinGrant(ctx, grantTtl('refresh', token.grantId, config.refreshTokenTtlSec)),
  };
}

/** How long a CIBA request waits for the customer: what the app asked (requested_expiry), at most CIBA_MAX_EXPIRY_SEC. */
function cibaExpiry(ctx: KoaContextWithOIDC | undefined): number {
  const asked = Number(ctx?.oidc?.params?.requested_expiry);
  return Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, CIBA_MAX_EXPIRY_SEC) : CIBA_MAX_EXPIRY_SEC;
}

/** A lifetime cut to what remains of the request's grant, when it has one (at least 1 s: the library wants a positive TTL). */
function withinGrant(ctx: KoaContextWithOIDC | undefined, ttl: number): number {
  const remaining = ctx?.oidc?.entities?.Grant?.remainingTTL;
  return Math.max(1, Math.min(ttl, typeof remaining === 'number' && remaining > 0 ? remaining : ttl));
}

/** The server-rendered pages of the authorization server: no scripts at all. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
