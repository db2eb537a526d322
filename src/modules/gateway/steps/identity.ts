/**
 * Step identity: who acts. A bearer JWT is verified locally against the JWKS (cached by SHA-256),
 * then its live state (not revoked, app active) is checked; an API token or a session is looked
 * up in its in-memory index, its user and memberships in the authz snapshot. Sets st.caller and
 * st.actor (and st.partnerId).
 *
 * identityCached is the hot path, synchronous; identity does the whole work (a promise).
 */
import { AppError } from '../../../platform/errors/app-error.ts';
import { authzErrors, type AppPrincipal, type AuthzService, type UserPrincipal } from '../../authz/index.ts';
import { identityErrors } from '../../identity/index.ts';
import type { VerifiedToken } from '../access-token.ts';
import { checkDpopProof } from '../dpop.ts';
import { challenge, newRateLimits, type DerivedCaller, type GatewayCore, type GatewayRequest, type GatewayState, type Refusal } from './core.ts';

type SnapshotUser = ReturnType<AuthzService['snapshot']['users']['get']>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A bearer JWT already verified on this instance, not bound to a key, whose live state
 * (revocation, app) is in memory: sets st.caller. Anything else leaves st.caller null, and
 * identity() does the whole work.
 */
export function identityCached(g: GatewayCore, st: GatewayState): Refusal {
  const c = st.credential!;
  if (c.kind !== 'jwt' || c.dpop === true) return undefined;
  const t = g.d.tokens?.cached(c.token);
  if (t === undefined || t === 'expired' || t.claims.cnf?.jkt !== undefined) return undefined;
  const live = g.d.live ? g.d.live.check(t.claims) : null;
  if (live === null) return appCaller(g, t, st);
  if (typeof live === 'string') return liveRefusal(g, t.claims, live);
  return undefined; // the live state is being loaded: the slow path waits for it
}

/** The whole authentication of st.credential: sets st.caller, or answers the refusal. */
export async function identity(g: GatewayCore, req: GatewayRequest, st: GatewayState): Promise<Refusal> {
  const c = st.credential!;
  if (c.kind === 'jwt') {
    const tokens = g.d.tokens;
    if (!tokens) return identityErrors.invalid_token('No authorization server is configured to verify access tokens.', { headers: { 'www-authenticate': challenge(g, 'invalid_token') } });
    const r = await tokens.verify(c.token);
    if (!r.ok) return identityErrors.invalid_token(r.reason, { headers: { 'www-authenticate': challenge(g, 'invalid_token', r.reason) } });
    const t = r.token;
    if (t.claims.cnf?.jkt !== undefined || c.dpop === true) {
      const refused = await proofOfPossession(g, req, c.token, t, c.dpop === true);
      if (refused !== undefined) return refused;
    }
    const live = g.d.live ? g.d.live.check(t.claims) : null;
    const refused = live !== null && typeof live === 'object' ? await live : live;
    if (refused) return liveRefusal(g, t.claims, refused);
    return appCaller(g, t, st);
  }
  if (c.kind === 'pat') return apiTokenCaller(g, c.token, st);
  return sessionCaller(g, req, c.token, st);
}

/**
 * A token refused by its live state (revoked, its grant revoked, its app gone): invalid_token —
 * but user_inactive while the user it acts as is disabled, whose grants were revoked with the
 * account (as for their API tokens).
 */
function liveRefusal(g: GatewayCore, claims: VerifiedToken['claims'], reason: string): AppError {
  if (claims.sub.startsWith('usr_') && g.d.authz.snapshot.users.get(claims.sub)?.active === false) {
    return authzErrors.user_inactive('The user account of this token is disabled.');
  }
  return identityErrors.invalid_token(reason, { headers: { 'www-authenticate': challenge(g, 'invalid_token', reason) } });
}

/**
 * A portal session (the portal's own calls through the gateway): the session from the in-memory
 * index, its user and memberships from the authz snapshot. Only a session the index cannot vouch
 * for — not delivered here yet, or idle by what this instance has seen — is read from the
 * database, which puts it back into the index.
 */
async function sessionCaller(g: GatewayCore, req: GatewayRequest, cookie: string, st: GatewayState): Promise<Refusal> {
  const identity = g.d.identity;
  let userId: string;
  let sessionId: string;
  let csrfToken: string | null;
  let mfa: boolean;
  const s = identity.sessions.verify(cookie);
  if (s !== null) {
    ({ userId, id: sessionId, csrfToken, mfa } = s);
  } else {
    const r = await identity.authenticateSession(cookie);
    if (!r.ok) return identityErrors.session_expired(r.detail, { headers: { 'www-authenticate': challenge(g, 'invalid_token', r.detail) } });
    ({ userId, sessionId, csrfToken } = r.principal as { userId: string; sessionId: string; csrfToken: string | null });
    mfa = r.principal.mfa === true;
  }
  const u = await snapshotUser(g, userId);
  if (u === undefined || !u.active) {
    const detail = 'The session has ended; log in again.';
    return identityErrors.session_expired(detail, { headers: { 'www-authenticate': challenge(g, 'invalid_token', detail) } });
  }
  if (!SAFE_METHODS.has(req.method)) {
    const csrf = req.headers['x-csrf-token'];
    if (!identity.verifyCsrf({ csrfToken }, typeof csrf === 'string' ? csrf : undefined)) {
      return identityErrors.csrf_token_invalid('Send the csrf_token from the login response in the x-csrf-token header.');
    }
  }
  const partnerId = u.partner?.id ?? null;
  st.actor = { type: 'user', userId: u.id, partnerId, clientId: null, agencyId: null };
  st.partnerId = partnerId;
  const defaultTenant = u.partner === null && u.tenants !== null && u.tenants.size === 1 ? u.tenants.keys().next().value! : null;
  // Limited per credential, like an access token: each session.
  st.caller = { kind: 'user', fromAppToken: false, defaultTenant, principal: { type: 'user', userId: u.id, mfa }, partnerId, rateKey: `s:${sessionId}`, scopes: null, claimTenant: null, limits: newRateLimits(), admission: null, admitted: 0 };
  return undefined;
}

/**
 * A personal API token (automation, MSP scripts): the token from the in-memory index, its user
 * and memberships from the authz snapshot — no database read per request for a token the index
 * holds.
 */
async function apiTokenCaller(g: GatewayCore, token: string, st: GatewayState): Promise<Refusal> {
  // from memory; a well-formed token the index does not hold (just created on another instance) is looked up once
  const v = await g.d.identity.apiTokens.authenticate(token);
  if (!v.ok) {
    // revoked with its user: user_inactive while the account stays disabled, invalid_token once enabled again
    if (v.disabledUserId !== undefined && !g.d.authz.snapshot.users.get(v.disabledUserId)?.active) return authzErrors.user_inactive('The user account of this API token is disabled.');
    return identityErrors.invalid_token(v.detail, { headers: { 'www-authenticate': challenge(g, 'invalid_token', v.detail) } });
  }
  const u = await snapshotUser(g, v.token.userId);
  if (u === undefined || !u.active) return authzErrors.user_inactive('The user account of this API token is disabled.');
  const partnerId = u.partner?.id ?? null;
  st.actor = { type: 'api_token', userId: u.id, partnerId, clientId: null, agencyId: null };
  st.partnerId = partnerId;
  const defaultTenant = u.partner === null && u.tenants !== null && u.tenants.size === 1 ? u.tenants.keys().next().value! : null;
  // Limited per credential, like an access token: each API token.
  st.caller = { kind: 'user', fromAppToken: false, defaultTenant, principal: { type: 'user', userId: u.id }, partnerId, rateKey: `k:${v.token.id}`, scopes: null, claimTenant: null, limits: newRateLimits(), admission: null, admitted: 0 };
  return undefined;
}

/** A key-bound token needs the DPoP scheme and a proof by that key; an unbound one must not claim DPoP. */
async function proofOfPossession(g: GatewayCore, req: GatewayRequest, token: string, t: VerifiedToken, dpop: boolean): Promise<Refusal> {
  const jkt = t.claims.cnf?.jkt;
  if (!jkt && !dpop) return undefined;
  const refuse = (why: string) => identityErrors.invalid_token(why, { headers: { 'www-authenticate': `DPoP realm="partnergate", error="invalid_token", algs="${'ES256 EdDSA'}"${g.resourceMetadataParam}` } });
  if (!jkt) return refuse('The token is not bound to a key; send it as Bearer.');
  if (!dpop) return refuse('The token is bound to a key (DPoP): send it as "Authorization: DPoP <token>" with a DPoP proof.');
  const proof = req.headers.dpop;
  if (typeof proof !== 'string') return refuse('Send one DPoP proof in the DPoP header.');
  const why = await checkDpopProof(proof, { method: req.method, htu: (req.origin ?? g.d.config.publicUrl) + req.path, accessToken: token, jkt, now: g.d.clock.nowMs(), replay: g.d.dpopReplay ?? g.dpopReplay });
  return why ? refuse(why) : undefined;
}

/** A user of the snapshot, caught up with the feed once when it is absent or inactive there (see staleRefusal). */
function snapshotUser(g: GatewayCore, userId: string): SnapshotUser | Promise<SnapshotUser> {
  const users = g.d.authz.snapshot.users;
  const u = users.get(userId);
  if ((u !== undefined && u.active) || !g.d.feed) return u;
  return g.d.feed.drain().then(() => users.get(userId));
}

/**
 * Who acts, from the verified claims. A cached token's caller is derived once (claims never
 * change) and reused: no per-request objects or key strings for the hot path.
 */
function appCaller(g: GatewayCore, t: VerifiedToken, st: GatewayState): Refusal {
  let m = t.derived as DerivedCaller | undefined;
  if (m === undefined) {
    const derived = deriveAppCaller(g, t);
    if (derived instanceof AppError) return derived;
    m = derived;
    t.derived = m;
  }
  st.actor = m.actor;
  if (m.caller.partnerId !== null) st.partnerId = m.caller.partnerId;
  st.caller = m.caller;
  return undefined;
}

/**
 * The budget an access token spends: the grant it was issued from (every token of one consent or
 * sign-in, however often refreshed), else — a token of no grant, such as client credentials — its
 * client, subject and customer together. Not the token itself: an app that asked for a new token
 * every few requests would otherwise get a fresh budget with each one.
 */
function tokenRateKey(c: { gid?: string; client_id: string; sub: string; tenant_id?: string }): string {
  return typeof c.gid === 'string' ? `g:${c.gid}` : `c:${c.client_id} ${c.sub} ${c.tenant_id ?? ''}`;
}

function deriveAppCaller(g: GatewayCore, t: VerifiedToken): DerivedCaller | AppError {
  const c = t.claims;
  const userId = c.sub.startsWith('usr_') ? c.sub : null;
  const rateKey = tokenRateKey(c);
  if (!c.partner_id) {
    // A token of no partner: a person using an app on their own tenant (customer persona).
    if (!userId) return identityErrors.invalid_token('The token names no partner and no user.', { headers: { 'www-authenticate': challenge(g, 'invalid_token') } });
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
    // amr rides in the token: MFA policies need no lookup
    const p: UserPrincipal = { type: 'user', userId, scopes: t.scopes, partnerId: c.partner_id, mfa: Array.isArray(c.amr) && c.amr.includes('mfa') };
    return {
      actor: { type: 'app', userId, partnerId: c.partner_id, clientId: c.client_id, agencyId: null },
      // its `purpose` claim binds it like a partner app's (steps/purpose.ts)
      caller: { kind: 'user', fromAppToken: true, defaultTenant: null, principal: p, partnerId: c.partner_id, rateKey, scopes: t.scopes, claimTenant: null, purposes: Array.isArray(c.purpose) ? c.purpose : [], limits: newRateLimits(), admission: null, admitted: 0 },
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
