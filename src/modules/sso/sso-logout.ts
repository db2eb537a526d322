/**
 * Single logout for single sign-on. Each portal session a provider's answer opened is linked to the
 * connection that made it and to the provider's identifiers for the person and their session there
 * (OIDC `sub` and `sid`; SAML NameID and SessionIndex) — as keyed hashes, scoped to the connection, so
 * the table holds nothing a provider would accept, and never logged.
 *
 * OpenID Connect Back-Channel Logout 1.0: the provider POSTs a logout token to the connection's own
 * address (/sso/oidc/:connection_id/backchannel-logout, sso-logout.routes.ts). It is checked as §2.6
 * says — signed by a key the provider publishes (asymmetric algorithms only), iss the provider, aud our
 * client id, iat recent, the back-channel logout event, no nonce, a sid or a sub, typ "logout+jwt" when
 * given, a jti never seen before on this connection — and then every live session of that connection
 * that came from that provider session (sid), or from that person (sub alone), is ended through the
 * identity module's revocation path (the change feed: every instance within a second), audited.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { encryptWithSecret, hmacSha256, randomToken, sha256 } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { mutate } from '../../platform/db/database.ts';
import { tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OidcAdapter } from './oidc.adapter.ts';
import { oidcSettings } from './sso-connection-row.ts';
import * as repo from './sso.repo.ts';
import type { ConnectionRow } from './sso.repo.ts';
import { SsoProtocolError, type SamlConnectionSettings, type UpstreamIdentity } from './sso.types.ts';
import { SamlSingleLogout, type SessionMatch } from './sso-saml-logout.ts';

/** Where the provider sends the browser back after signing the person out (RP-initiated logout's post_logout_redirect_uri). */
export const SIGNED_OUT_PATH = '/sso/signed-out';
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token older than this is refused (and its jti is remembered this long, so a replay is too). */
export const LOGOUT_TOKEN_MAX_AGE_S = 300;
/** Allowed clock difference with the provider. */
export const LOGOUT_TOKEN_SKEW_S = 60;
/** How long a connection's page waits for the provider's settings before it says they could not be read. */
export const PROVIDER_SIGN_OUT_WAIT_MS = 3_000;
export type ProviderSignOut = 'passed_on' | 'no_sign_out_page' | 'unknown';
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Why a logout token was refused (answered 400 with the reason, as §2.8 says). */
export class LogoutTokenRefused extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
    this.name = 'LogoutTokenRefused';
  }
}

/** A provider's identifier, kept only as a keyed hash scoped to the connection (never the value). */
export function upstreamHash(secretKey: string, connectionId: string, kind: 'subject' | 'session', value: string): string {
  return hmacSha256(secretKey, `sso-logout\u0000${connectionId}\u0000${kind}\u0000${value}`);
}

/**
 * The link between a session being opened and the provider's session (IdentityService.openFederatedSession's
 * onOpen, in the same transaction). A SAML session also keeps NameID and SessionIndex sealed: a LogoutRequest
 * we send must name them.
 */
export function sessionLink(secretKey: string, now: string, c: ConnectionRow, identity: UpstreamIdentity, userId: string) {
  const up = identity.upstreamSession;
  // SAML: a LogoutRequest names the person by the NameID as sent (a transient one is not the stable subject)
  const nameId = c.kind === 'saml' ? (up?.nameId ?? identity.subject) : identity.subject;
  const subject = { nameId, nameIdFormat: up?.nameIdFormat ?? null, sessionIndex: up?.id ?? null, nameQualifier: up?.nameQualifier ?? null, spNameQualifier: up?.spNameQualifier ?? null };
  const saml = c.kind === 'saml' && up ? encryptWithSecret(secretKey, JSON.stringify(subject)) : null;
  return (trx: Tx, sessionId: string, expiresAt: string) =>
    repo.insertSsoSession(trx, {
      session_id: sessionId,
      connection_id: c.id,
      user_id: userId,
      subject_hash: upstreamHash(secretKey, c.id, 'subject', nameId),
      upstream_session_hash: up?.id ? upstreamHash(secretKey, c.id, 'session', up.id) : null,
      saml_logout_enc: saml,
      created_at: now,
      expires_at: expiresAt,
    });
}

export interface SsoLogoutDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  identity: IdentityService;
  secretKey: string;
  publicUrl: string;
  oidc: OidcAdapter;
  findConnection: (id: string) => Promise<ConnectionRow | undefined>;
  samlSettings: (c: ConnectionRow) => SamlConnectionSettings | null;
}

export class SsoLogout {
  readonly #d: SsoLogoutDeps;
  /** SAML Single Logout, both directions (sso-saml-logout.ts) */
  readonly saml: SamlSingleLogout;
  constructor(d: SsoLogoutDeps) {
    this.#d = d;
    this.saml = new SamlSingleLogout({
      ...d,
      endMatching: (ctx, c, match, channel) => this.endMatching(ctx, c, match, channel),
      upstreamHash: (connectionId, kind, value) => upstreamHash(d.secretKey, connectionId, kind, value),
    });
  }

  /** What single sign-on knows of a portal session: the connection that made it (null when it was not made by one). */
  async sessionOrigin(sessionId: string): Promise<{ connection: ConnectionRow; row: repo.SsoSessionRow } | null> {
    const row = await repo.findSsoSession(this.#d.db.kysely, sessionId);
    const connection = row ? await this.#d.findConnection(row.connection_id) : undefined;
    return row && connection ? { connection, row } : null;
  }

  /**
   * For a SAML connection, its LogoutRequest (sso-saml-logout.ts). Else
   * OpenID Connect RP-Initiated Logout 1.0, for IdentityService.logout (SignOutHandoff): read before the session
   * ends; once it has, the provider's end_session_endpoint with client_id, our signed-out page as
   * post_logout_redirect_uri and a fresh state — or null (not a session an OIDC connection made, the connection
   * switched off, or the provider names no sign-out page). No ID token is kept to send back as id_token_hint:
   * client_id says whose sign-out it is, and the provider asks the person to confirm.
   */
  async signOutHandoff(sessionId: string): Promise<(() => Promise<string | null>) | null> {
    const origin = await this.sessionOrigin(sessionId);
    if (!origin || origin.connection.enabled !== 1) return null;
    if (origin.connection.kind === 'saml') return this.saml.handoff(origin.connection, origin.row);
    const s = oidcSettings(this.#d.secretKey, origin.connection);
    return async () => {
      const endpoint = await this.#d.oidc.endSessionEndpoint(s).catch(() => null);
      if (!endpoint) return null;
      const url = new URL(endpoint);
      url.searchParams.set('client_id', s.clientId);
      url.searchParams.set('post_logout_redirect_uri', this.#d.publicUrl + SIGNED_OUT_PATH);
      url.searchParams.set('state', randomToken(16));
      return url.href;
    };
  }

  /**
   * Whether signing out here also signs the person out at the connection's OpenID Connect provider, for its
   * page: `passed_on` when the provider's discovery names an end_session_endpoint (signOutHandoff sends the
   * browser there), `no_sign_out_page` when it names none, `unknown` when its settings cannot be read now
   * (within PROVIDER_SIGN_OUT_WAIT_MS: the page does not wait on a provider that does not answer).
   */
  async providerSignOut(c: ConnectionRow): Promise<ProviderSignOut> {
    if (c.kind !== 'oidc') return 'unknown';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'unknown'>((resolve) => {
      timer = setTimeout(() => resolve('unknown'), PROVIDER_SIGN_OUT_WAIT_MS);
    });
    const read = this.#d.oidc
      .endSessionEndpoint(oidcSettings(this.#d.secretKey, c))
      .then((endpoint): ProviderSignOut => (endpoint ? 'passed_on' : 'no_sign_out_page'))
      .catch((): ProviderSignOut => 'unknown');
    try {
      return await Promise.race([read, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A back-channel logout token for `connectionId`: checked, then the matching sessions of that connection
   * ended. Returns how many; throws LogoutTokenRefused (nothing ended) otherwise. Both audited.
   */
  async backChannel(ctx: RequestContext, connectionId: string, token: unknown): Promise<number> {
    const c = await this.#d.findConnection(connectionId);
    try {
      if (!c || c.kind !== 'oidc' || c.enabled !== 1) throw new LogoutTokenRefused('unknown or switched-off connection');
      if (typeof token !== 'string' || token.length === 0 || token.length > 16_384) throw new LogoutTokenRefused('logout_token is missing');
      const claims = await this.#verify(c, token);
      return await this.#end(ctx, c, claims);
    } catch (e) {
      if (!(e instanceof LogoutTokenRefused)) throw e;
      await asOrg(c, () => mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, ctx, { action: 'sso.logout_refused', outcome: 'failure', ...about(c), targetType: 'sso_connection', targetId: c?.id ?? null, details: { channel: 'oidc_back_channel', reason: e.reason } }),
      ));
      throw e;
    }
  }

  /** OpenID Connect Back-Channel Logout 1.0 §2.6, in its order. */
  async #verify(c: ConnectionRow, token: string): Promise<JWTPayload & { sid?: string }> {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new LogoutTokenRefused('not a signed JWT');
    }
    if (token.split('.').length !== 3) throw new LogoutTokenRefused('not a signed JWT');
    if (!header.alg || !ASYMMETRIC.includes(header.alg)) throw new LogoutTokenRefused('signature algorithm not accepted');
    if (header.typ !== undefined && header.typ.toLowerCase().replace(/^application\//, '') !== 'logout+jwt') throw new LogoutTokenRefused('typ is not logout+jwt');
    const s = oidcSettings(this.#d.secretKey, c);
    let provider;
    try {
      provider = await this.#d.oidc.providerKeys(s);
    } catch (e) {
      if (e instanceof SsoProtocolError) throw new LogoutTokenRefused("the provider's keys could not be read");
      throw e;
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: provider.keys as never[] }), {
        issuer: provider.issuer,
        audience: s.clientId,
        algorithms: ASYMMETRIC,
        requiredClaims: ['iat', 'jti'],
        maxTokenAge: LOGOUT_TOKEN_MAX_AGE_S,
        clockTolerance: LOGOUT_TOKEN_SKEW_S,
        currentDate: this.#d.clock.now(),
      }));
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw new LogoutTokenRefused(`claim check failed: ${(e as { claim?: string }).claim ?? 'claims'}`);
      if (code === 'ERR_JWT_EXPIRED') throw new LogoutTokenRefused('token expired');
      throw new LogoutTokenRefused('signature does not verify');
    }
    const events = payload.events as Record<string, unknown> | undefined;
    const event = events && typeof events === 'object' ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw new LogoutTokenRefused('events has no back-channel logout member');
    if (payload.sid === undefined && payload.sub === undefined) throw new LogoutTokenRefused('neither sid nor sub');
    if ((payload.sid !== undefined && typeof payload.sid !== 'string') || (payload.sub !== undefined && typeof payload.sub !== 'string')) throw new LogoutTokenRefused('sid or sub is not a string');
    if ('nonce' in payload) throw new LogoutTokenRefused('nonce is present');
    if (typeof payload.jti !== 'string') throw new LogoutTokenRefused('jti is not a string');
    const now = this.#d.clock.now();
    const keepUntil = new Date(now.getTime() + (LOGOUT_TOKEN_MAX_AGE_S + 2 * LOGOUT_TOKEN_SKEW_S) * 1000).toISOString();
    if (!(await repo.takeLogoutJti(this.#d.db.kysely, c.id, sha256(payload.jti), keepUntil, now.toISOString()))) throw new LogoutTokenRefused('jti seen before (replay)');
    return payload as JWTPayload & { sid?: string };
  }

  async #end(ctx: RequestContext, c: ConnectionRow, claims: { sid?: string; sub?: string }): Promise<number> {
    const match = {
      upstreamHash: claims.sid !== undefined ? upstreamHash(this.#d.secretKey, c.id, 'session', claims.sid) : null,
      subjectHash: claims.sub !== undefined ? upstreamHash(this.#d.secretKey, c.id, 'subject', claims.sub) : null,
    };
    return this.endMatching(ctx, c, match, 'oidc_back_channel');
  }

  /** End the live sessions of `c` matching the provider's session and/or subject; audited. Returns how many. */
  endMatching(ctx: RequestContext, c: ConnectionRow, match: SessionMatch, channel: string): Promise<number> {
    return asOrg(c, () => this.#endMatching(ctx, c, match, channel));
  }

  async #endMatching(ctx: RequestContext, c: ConnectionRow, match: SessionMatch, channel: string): Promise<number> {
    const rows = (await repo.ssoSessionsMatching(this.#d.db.kysely, c.id, match, this.#d.clock.now().toISOString())).filter((r) => match.keep?.(r) ?? true);
    const sessions = rows.map((r) => ({ id: r.session_id, userId: r.user_id }));
    await this.#d.identity.endSessions(ctx, sessions, { reason: 'sso_logout', channel, connection_id: c.id });
    await mutate(this.#d.db, (trx) =>
      this.#d.audit.record(trx, ctx, { action: 'sso.logout', ...about(c), targetType: 'sso_connection', targetId: c.id, details: { channel, by_session: match.upstreamHash !== null, sessions_ended: sessions.length } }),
    );
    return sessions.length;
  }
}

/** A tenant's connection acts in the tenant's database context (its audit rows are behind the tenant wall). */
function asOrg<T>(c: ConnectionRow | undefined, fn: () => Promise<T>): Promise<T> {
  return c?.org_type === 'tenant' ? withDbContext(tenantContext(c.org_id), fn) : fn();
}

function about(c: ConnectionRow | undefined) {
  if (!c) return {};
  return c.org_type === 'tenant' ? { tenantId: c.org_id, partnerId: null } : { tenantId: null, partnerId: c.org_id };
}
