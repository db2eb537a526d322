/**
 * The OpenID Connect adapter (openid-client): discovery, the authorization request (state, nonce and
 * PKCE S256 always), and the code exchange with the ID token checked by openid-client (signature,
 * issuer, audience, expiry, nonce). It knows nothing about organizations or roles: it turns the
 * provider's answer into an UpstreamIdentity, or refuses with an SsoProtocolError.
 *
 * The client authenticates at the token endpoint with the organization's client secret (basic or
 * post), or with private_key_jwt signed by a key of ours made for the connection (its public half is
 * published at /sso/oidc/:connection_id/jwks). Every request to the provider — discovery, token, JWKS,
 * userinfo — goes through the outbound client and its address policy (SSRF): no loopback, private or
 * special-purpose address, checked again on the address a name resolves to when it is called; plain
 * http only on this machine and only where private targets are allowed.
 */
import * as client from 'openid-client';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { randomToken } from '../../platform/crypto.ts';
import { OutboundClient, OutboundRefused, refuseUrl } from '../../platform/outbound/outbound-http.ts';
import { SsoProtocolError, type SsoRefusal, type UpstreamIdentity } from './sso.types.ts';

export interface OidcSettings {
  connectionId: string;
  issuer: string;
  clientId: string;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** the decrypted client secret (basic, post) */
  clientSecret: string | null;
  /** our private signing key (private_key_jwt) */
  privateJwk: JWK | null;
  scopes: string;
  claims: { email: string; name: string; groups: string };
  /** changes when the settings change: the cached discovery is dropped */
  version: string;
}

const DISCOVERY_TTL_MS = 10 * 60_000;
const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * Why a provider address may not be used, in plain words, or null. It must be https on a host the
 * outbound address policy allows (no loopback, private or special-purpose address, no `localhost`);
 * only where private targets are allowed (a test bench) may it be a private address, and plain http
 * only on this machine.
 */
export function issuerRefusal(issuer: string, allowPrivate: boolean): { code: 'sso_settings_invalid' | 'sso_issuer_not_allowed'; detail: string } | null {
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    return { code: 'sso_settings_invalid', detail: "The provider's address must be a URL starting with https://." };
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowPrivate && local)) return { code: 'sso_settings_invalid', detail: "The provider's address must start with https://." };
  const refused = refuseUrl(issuer, allowPrivate);
  if (refused?.failure === 'address_not_allowed') return { code: 'sso_issuer_not_allowed', detail: `The provider's address points to a private or internal network, which Partnergate does not call (${refused.detail}).` };
  if (refused) return { code: 'sso_settings_invalid', detail: `The provider's address cannot be used: ${refused.detail}.` };
  return null;
}

/** A signing key pair for private_key_jwt: the private half to keep encrypted, the public half to publish. */
export async function newClientKey(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomToken(12);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { privateJwk, publicJwk };
}

function refusal(code: SsoRefusal, detail: string): SsoProtocolError {
  return new SsoProtocolError(code, detail);
}

/** openid-client's and oauth4webapi's errors → a refusal the error page explains. */
export function refusalOf(e: unknown): SsoProtocolError {
  if (e instanceof SsoProtocolError) return e;
  const err = e as { code?: string; error?: string; error_description?: string; cause?: unknown; message?: string; name?: string };
  switch (err?.code) {
    case 'OAUTH_AUTHORIZATION_RESPONSE_ERROR':
      return refusal('sso.provider_refused', `The provider answered "${err.error ?? 'error'}"${err.error_description ? `: ${err.error_description}` : ''}.`);
    case 'OAUTH_RESPONSE_BODY_ERROR':
      return refusal('sso.provider_refused', `The provider refused to finish the sign-in ("${err.error ?? 'error'}").`);
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return refusal('sso.response_expired', 'The ID token had expired or was not yet valid.');
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED': {
      // openid-client wraps oauth4webapi's error: the claim is on the cause, or on the cause's cause
      const cause = err.cause as { claim?: string; cause?: { claim?: string } } | undefined;
      const claim = cause?.claim ?? cause?.cause?.claim;
      if (claim === 'aud' || claim === 'azp') return refusal('sso.wrong_audience', 'The ID token was issued for another application.');
      if (claim === 'nonce') return refusal('sso.unsolicited', 'The ID token belongs to another sign-in (its nonce does not match).');
      return refusal('sso.response_invalid', `The ID token's ${claim ?? 'claims'} did not match what was expected.`);
    }
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'OAUTH_JWT_USERINFO_EXPECTED':
    case 'OAUTH_UNSUPPORTED_OPERATION':
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_INVALID_REQUEST':
      return refusal('sso.response_invalid', 'The answer from the provider could not be verified.');
    default:
      if (e instanceof OutboundRefused) return refusal('sso.provider_unreachable', `The provider's address is refused: ${e.detail}.`);
      if (err?.name === 'TypeError' || err?.name === 'AbortError' || err?.name === 'TimeoutError' || err?.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN') return refusal('sso.provider_unreachable', 'The provider could not be reached.');
      return refusal('sso.response_invalid', 'The answer from the provider could not be verified.');
  }
}

export class OidcAdapter {
  readonly #cache = new Map<string, { at: number; version: string; config: Promise<client.Configuration> }>();
  readonly #now: () => number;
  readonly #allowPrivate: boolean;
  /** every request to the provider (discovery, token, JWKS, userinfo) goes through the outbound address policy */
  readonly #outbound: OutboundClient;
  constructor(now: () => number, o: { allowPrivate: boolean }) {
    this.#now = now;
    this.#allowPrivate = o.allowPrivate;
    this.#outbound = new OutboundClient({ allowPrivate: o.allowPrivate, timeoutMs: DISCOVERY_TIMEOUT_MS, maxResponseBytes: 1 << 20 });
  }

  /** The provider's configuration (discovery), cached per connection for a few minutes. */
  async configuration(s: OidcSettings): Promise<client.Configuration> {
    const hit = this.#cache.get(s.connectionId);
    if (hit && hit.version === s.version && this.#now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const config = this.#discover(s);
    this.#cache.set(s.connectionId, { at: this.#now(), version: s.version, config });
    config.catch(() => this.#cache.delete(s.connectionId));
    return config;
  }

  async #discover(s: OidcSettings): Promise<client.Configuration> {
    const refused = issuerRefusal(s.issuer, this.#allowPrivate);
    if (refused) throw refusal('sso.provider_unreachable', refused.detail);
    let auth: client.ClientAuth;
    if (s.authMethod === 'private_key_jwt') {
      if (!s.privateJwk) throw refusal('sso.provider_unreachable', 'The connection has no signing key.');
      const key = (await importJWK(s.privateJwk, 'ES256')) as Extract<Parameters<typeof client.PrivateKeyJwt>[0], { kid?: string }>['key'];
      auth = client.PrivateKeyJwt({ key, kid: s.privateJwk.kid });
    } else {
      auth = s.authMethod === 'client_secret_post' ? client.ClientSecretPost(s.clientSecret ?? '') : client.ClientSecretBasic(s.clientSecret ?? '');
    }
    const insecure = new URL(s.issuer).protocol === 'http:';
    try {
      // enableNonRepudiationChecks: the ID token's signature is verified against the provider's published keys
      // (openid-client leaves it off by default, as OpenID Connect allows for a token fetched over TLS): a token
      // endpoint that is not the provider's — a hijacked address, a proxy — cannot sign someone in
      return await client.discovery(new URL(s.issuer), s.clientId, undefined, auth, {
        execute: [...(insecure ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
        timeout: DISCOVERY_TIMEOUT_MS / 1000,
        [client.customFetch]: this.#outbound.fetch as client.CustomFetch,
      });
    } catch (e) {
      if (e instanceof OutboundRefused || (e as { cause?: unknown }).cause instanceof OutboundRefused) throw refusalOf(e instanceof OutboundRefused ? e : (e as { cause: unknown }).cause);
      throw refusal('sso.provider_unreachable', `The provider's configuration could not be read at ${s.issuer}.`);
    }
  }

  /**
   * The provider's published signing keys (its discovery's jwks_uri), read through the outbound address
   * policy — for a back-channel logout token, which arrives outside any exchange openid-client makes.
   */
  async providerKeys(s: OidcSettings): Promise<{ issuer: string; keys: JWK[] }> {
    const meta = (await this.configuration(s)).serverMetadata();
    if (!meta.jwks_uri) throw refusal('sso.provider_unreachable', 'The provider publishes no signing keys.');
    try {
      const res = await this.#outbound.fetch(meta.jwks_uri, { headers: { accept: 'application/json' } });
      const body = (await res.json()) as { keys?: unknown };
      if (!res.ok || !Array.isArray(body.keys)) throw new Error('not a key set');
      return { issuer: meta.issuer, keys: body.keys as JWK[] };
    } catch (e) {
      throw e instanceof OutboundRefused ? refusalOf(e) : refusal('sso.provider_unreachable', "The provider's signing keys could not be read.");
    }
  }

  /** The provider's end_session_endpoint (RP-initiated logout), when its discovery names one. */
  async endSessionEndpoint(s: OidcSettings): Promise<string | null> {
    return (await this.configuration(s)).serverMetadata().end_session_endpoint ?? null;
  }

  /** Where to send the browser, and what must come back (kept server-side with the flow). */
  async start(s: OidcSettings, state: string, redirectUri: string): Promise<{ redirectUrl: string; protocol: Record<string, string> }> {
    const config = await this.configuration(s);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: s.scopes,
      response_type: 'code',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { redirectUrl: url.href, protocol: { nonce, verifier, redirect_uri: redirectUri } };
  }

  /** The callback: code exchange, ID token checked, claims read (userinfo when the ID token lacks them). */
  async finish(s: OidcSettings, currentUrl: URL, state: string, protocol: Record<string, string>): Promise<UpstreamIdentity> {
    const config = await this.configuration(s);
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: protocol.verifier, expectedState: state, expectedNonce: protocol.nonce, idTokenExpected: true });
    } catch (e) {
      throw refusalOf(e);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw refusal('sso.response_invalid', 'The provider sent no ID token.');
    let claims: Record<string, unknown> = { ...idClaims };
    if ((claims[s.claims.email] === undefined || claims[s.claims.groups] === undefined) && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...claims };
      } catch (e) {
        throw refusalOf(e);
      }
    }
    const email = claims[s.claims.email];
    if (typeof email !== 'string' || !email.includes('@')) throw refusal('sso.missing_email', `The provider did not send an e-mail address (claim "${s.claims.email}").`);
    const rawGroups = claims[s.claims.groups];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : typeof rawGroups === 'string' ? [rawGroups] : [];
    const name = claims[s.claims.name];
    const amr = Array.isArray(idClaims.amr) ? idClaims.amr.filter((v): v is string => typeof v === 'string') : [];
    const acr = typeof idClaims.acr === 'string' ? [idClaims.acr] : [];
    const sid = typeof idClaims.sid === 'string' ? idClaims.sid : undefined;
    return { subject: idClaims.sub, email: email.trim().toLowerCase(), name: typeof name === 'string' ? name : undefined, groups, authnMethods: [...amr, ...acr], upstreamSession: sid ? { id: sid } : undefined };
  }
}
