/**
 * The one place that depends on oidc-provider behaviour beyond its documented configuration: a
 * library upgrade is checked here first (the same arrangement as Logto's
 * packages/core/src/oidc/oidc-provider-internals.ts).
 *
 *  1. Hashed client secrets. The library compares `client_secret_basic` secrets with
 *     `Client#compareClientSecret(actual)` against the registered `client_secret`. We register the
 *     keyed hash (SecretHasher) as `client_secret` and compare the hash of what the client sent, so
 *     the plaintext secret is never stored. The stored value is useless to anything else in the
 *     library as long as no HMAC-based feature is enabled (client_secret_jwt and HS* signing are off
 *     in provider.ts for that reason).
 *     The library lets a client registered for either secret method send its secret by the other
 *     one (lib/shared/client_auth.js offers both for a `client_secret` parameter or a Basic
 *     header). An app accepts both by default; when its owner restricted it to one, the client
 *     metadata lists only that one (`partnergate_auth_methods`, an extraClientMetadata property
 *     the library keeps as is on the Client) and the comparison refuses the other.
 *     The presented secret is hashed on every request and never kept, not even in memory: a secret
 *     lives only as its keyed hash.
 *
 *  2. Structured (JWT) access tokens at the introspection endpoint. The library refuses to
 *     introspect JWTs (lib/shared/reject_structured_tokens.js answers `unsupported_token_type`
 *     after authenticating the client). `isStructuredTokenRefusal` recognises that answer so our
 *     middleware can answer RFC 7662 for our own JWT access tokens instead. The revocation
 *     endpoint refuses them the same way, and our middleware answers RFC 7009 for them.
 *
 *  3. A grant type the client is not registered for. The token endpoint answers `invalid_request`
 *     ("requested grant type is not allowed for this client", lib/actions/token.js); RFC 6749 §5.2
 *     names this case `unauthorized_client`, and `grantTypeNotAllowed` recognises the answer so
 *     our middleware can say so.
 *
 *  4. The request behind a client lookup. Client authentication (lib/shared/client_auth.js)
 *     settles the client_id (Basic, form client_id, or a client assertion's `sub`), then calls
 *     `Client.find` — i.e. our adapter — before it checks the secret or the assertion. The failure
 *     throttle refuses there, and reads the request through `Provider.ctx` (the library's
 *     AsyncLocalStorage of the current Koa context). `ctx.oidc.client` is set right after the
 *     lookup, so a refused authentication still knows which client it was for:
 *     `clientAuthRefusal` names the registered method when the request used another one (the
 *     library answers a bare "client authentication failed").
 *
 *  5. DPoP-bound refresh tokens for every client. The library binds a refresh token to the DPoP
 *     key (`jkt`) only for public clients (lib/helpers/set_rt_bindings.js; RFC 9449 §5 leaves
 *     confidential clients to client authentication) but checks `jkt` on every refresh
 *     (lib/actions/grants/refresh_token.js) and carries it through rotation. We bind every
 *     client's: when a refresh token is stored while the request has just issued a DPoP-bound
 *     access token (`ctx.oidc.entities.AccessToken.jkt`, set before the refresh token is saved in
 *     lib/helpers/grant_common.js), the payload takes that `jkt` — so refreshing needs a proof by
 *     the same key, and a stolen refresh token and client secret are not enough.
 *
 *  6. Bearer values at rest. The adapter is handed each model's id (`jti`) and its payload
 *     (lib/models/base_model.js `save`); for every model but Grant the id is a bearer value — the
 *     code, the refresh or opaque access token, the PAR request_uri's suffix, the session cookie
 *     (Session), the interaction and resume cookies (Interaction), the device and user codes — so
 *     the store keeps only its keyed hash (oauth-store.ts). A grant id is not one: it is named in
 *     every access token it issues (`gid`) and the library loads a grant only from server-side
 *     state (an interaction result, a token's `grantId`). Payloads repeat the id (`jti`, dropped
 *     and put back from the lookup key) and carry other bearer values, listed below by the
 *     library's field names: `Interaction.session.cookie` is the session's id (kept by the
 *     library for applications; nothing reads it back, so it is dropped), `returnTo` embeds the
 *     interaction id, `parJti` / `params.request_uri` the pushed request, `deviceCode` the device
 *     code; a Session is also found by `uid` and a DeviceCode by `userCode`, where the lookup key
 *     is not the id, so their id travels sealed. Sealed = AES-256-GCM under the installation's
 *     secret: restored for the library on every read, useless to a database reader. A library
 *     upgrade that adds a model or a payload field holding a bearer value must extend these lists
 *     (test/api/oauth/stored-artifacts.test.ts looks for every issued value in the database).
 *
 *  7. DPoP proofs at the userinfo endpoint for our JWT access tokens. The library's userinfo
 *     (lib/shared/access_token.js) checks the request's DPoP proof against the presented token
 *     (signature, htm, htu, iat, ath: lib/helpers/validate_dpop.js, which keeps the result for the
 *     request) before it looks the token up, and refuses our JWTs as not found. `dpopProofFor`
 *     reads that checked proof back, and spends its jti through the library's ReplayDetection as
 *     the library would, so our userinfo answer for a DPoP-bound JWT holds the same proof rules.
 */
import { Provider, type AdapterPayload, type KoaContextWithOIDC } from 'oidc-provider';
import { constantTimeEqual } from '../../platform/crypto.ts';

export function installHashedClientSecrets(provider: Provider, hash: (secret: string) => string): void {
  // Client is a per-provider class; patching its prototype affects only this provider.
  const proto = provider.Client.prototype as unknown as { compareClientSecret: (actual: string) => boolean; clientSecret?: string };
  proto.compareClientSecret = function compareHashedSecret(this: AcceptingClient & { clientSecret?: string }, actual: string): boolean {
    const ctx = Provider.ctx;
    // Only by a method the app accepts (see 1): a Basic header for client_secret_basic, the form body for client_secret_post.
    if (!ctx || !acceptedMethods(this).includes(clientAuthMechanism(ctx))) return false;
    const stored = this.clientSecret;
    if (typeof stored !== 'string' || typeof actual !== 'string' || actual.length === 0 || actual.length > 512) return false;
    return constantTimeEqual(stored, hash(actual));
  };
}

interface AcceptingClient {
  clientAuthMethod?: string;
  partnergate_auth_methods?: unknown;
}

/** Every method a client accepts: its `partnergate_auth_methods`, else the one it registered. */
function acceptedMethods(client: AcceptingClient): string[] {
  const listed = client.partnergate_auth_methods;
  if (Array.isArray(listed) && listed.length > 0) return listed.filter((m): m is string => typeof m === 'string');
  return client.clientAuthMethod ? [client.clientAuthMethod] : [];
}

/** How the request authenticates its client, named as the registered method it would match. */
export function clientAuthMechanism(ctx: KoaContextWithOIDC): string {
  const params = (ctx.oidc?.params ?? {}) as Record<string, unknown>;
  if (ctx.headers.authorization !== undefined) return 'client_secret_basic';
  if (params.client_secret) return 'client_secret_post';
  if (params.client_assertion !== undefined) return 'private_key_jwt';
  return 'none';
}

const HOW: Record<string, string> = {
  client_secret_basic: 'the client_id and secret in an HTTP Basic Authorization header',
  client_secret_post: 'client_id and client_secret in the form body',
  private_key_jwt: 'a client_assertion JWT signed with a key registered for the app',
  none: 'no client credentials',
};

/**
 * A client authentication refused because the request used a method the client does not accept:
 * the error_description that says which method(s) it accepts (see 4). null when the refusal is
 * something else (unknown client, wrong secret, bad assertion).
 */
export function clientAuthRefusal(ctx: KoaContextWithOIDC): string | null {
  const body = ctx.body as { error?: string } | undefined;
  const client = ctx.oidc?.client as AcceptingClient | undefined;
  if (ctx.status !== 401 || body?.error !== 'invalid_client' || !client) return null;
  const accepted = acceptedMethods(client);
  if (accepted.length === 0) return null;
  const used = clientAuthMechanism(ctx);
  if (accepted.includes(used)) return null;
  const send = accepted.map((m) => HOW[m] ?? m).join(', or ');
  return `This client is registered for ${accepted.join(' or ')}: send ${send}. The request used ${used === 'none' ? HOW.none : `${used} (${HOW[used]})`}.`;
}

/** True when the library just refused to introspect a JWT (after client authentication succeeded). */
export function isStructuredTokenRefusal(ctx: KoaContextWithOIDC): boolean {
  const body = ctx.body as { error?: string } | undefined;
  return ctx.status === 400 && body?.error === 'unsupported_token_type' && !!ctx.oidc?.client;
}

/** The provider request being handled, when called from inside one (e.g. from an adapter). */
export function currentProviderContext(): KoaContextWithOIDC | undefined {
  return Provider.ctx;
}

const GRANT_TYPE_NOT_ALLOWED = 'requested grant type is not allowed for this client';

/** The backchannel endpoint's refusal of a client not registered for CIBA (lib/actions/authorization/client.js). */
const CIBA_NOT_ALLOWED = 'urn:openid:params:grant-type:ciba is not allowed for this client';

/**
 * True when the token endpoint refused a grant type the authenticated client is not registered
 * for, or the backchannel authentication endpoint a client not registered for CIBA (CIBA §13
 * names that `unauthorized_client` too).
 */
export function isGrantTypeNotAllowed(ctx: KoaContextWithOIDC): boolean {
  const body = ctx.body as { error?: string; error_description?: string } | undefined;
  const refusal = body?.error_description === GRANT_TYPE_NOT_ALLOWED || (ctx.oidc?.route === 'backchannel_authentication' && body?.error_description === CIBA_NOT_ALLOWED);
  return ctx.status === 400 && body?.error === 'invalid_request' && refusal && !!ctx.oidc?.client;
}

/** Bind a refresh token being stored to the DPoP key of the access token issued with it (see 5). */
export function bindRefreshTokenToDpopKey(payload: AdapterPayload): void {
  if (payload.jkt) return;
  const at = Provider.ctx?.oidc?.entities?.AccessToken as { jkt?: string } | undefined;
  if (typeof at?.jkt === 'string') payload.jkt = at.jkt;
}

interface DpopHelpers {
  default(provider: Provider, ctx: KoaContextWithOIDC, accessToken: string): Promise<{ thumbprint: string; jti: string } | undefined>;
  checkDpopReplay(provider: Provider, ctx: KoaContextWithOIDC, dPoP: { thumbprint: string; jti: string }, clientId: string): Promise<void>;
}
// A deep import the package ships no types for; a non-literal specifier keeps it to the shape above.
const VALIDATE_DPOP = 'oidc-provider/lib/helpers/validate_dpop.js';
let dpopHelpers: Promise<DpopHelpers> | undefined;

/**
 * The DPoP proof of this request, checked against `accessToken` (see 7): its key's thumbprint, and
 * `spend` to record its jti (false when it was seen before: a replay). Null when there is no proof or it
 * does not hold.
 */
export async function dpopProofFor(ctx: KoaContextWithOIDC, accessToken: string): Promise<{ thumbprint: string; spend(clientId: string): Promise<boolean> } | null> {
  dpopHelpers ??= import(VALIDATE_DPOP) as Promise<DpopHelpers>;
  const h = await dpopHelpers;
  const provider = ctx.oidc.provider;
  const proof = await h.default(provider, ctx, accessToken).catch(() => undefined);
  if (!proof) return null;
  return {
    thumbprint: proof.thumbprint,
    spend: (clientId) =>
      h.checkDpopReplay(provider, ctx, proof, clientId).then(
        () => true,
        () => false,
      ),
  };
}

/** Models whose id is not a bearer value and is stored as is (see 6). */
export const PLAIN_ID_MODELS: ReadonlySet<string> = new Set(['Grant']);

/** Payload fields (dotted paths) holding a bearer value the library reads back: stored sealed (see 6). */
export const SEALED_PAYLOAD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Session: ['jti'],
  DeviceCode: ['jti', 'userCode'],
  Interaction: ['returnTo', 'parJti', 'deviceCode', 'params.request_uri'],
};

/** Payload fields holding a bearer value nothing reads back: not stored (see 6). */
export const DROPPED_PAYLOAD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Interaction: ['session.cookie'],
};
