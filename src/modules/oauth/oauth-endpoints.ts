/**
 * What Partnergate adds to the provider's introspection, userinfo and revocation endpoints for
 * its own JWT access tokens, and whether a verified token may still act.
 */
import type { KoaContextWithOIDC, Account } from 'oidc-provider';
import type { Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuthzService } from '../authz/index.ts';
import type { AppsService } from '../apps/index.ts';
import { SCOPE_CLAIMS } from './provider.ts';
import type { AccessTokenVerifier, AccessTokenClaims } from './token-verifier.ts';
import type { RevokedAccessTokens } from './revoked-tokens.ts';
import type { OAuthGrants } from './oauth-grants.ts';
import { compact, consentClaims, memberClaims } from './claims.ts';
import { dpopProofFor, isStructuredTokenRefusal } from './oidc-provider-internals.ts';
import * as repo from './oauth.repo.ts';

export type Liveness = { ok: true } | { ok: false; reason: string };

export interface OAuthEndpointsDeps {
  db: Db;
  clock: Clock;
  feed: ChangeFeed;
  apps: AppsService;
  authz: AuthzService;
  verifier: AccessTokenVerifier;
  revocations: RevokedAccessTokens;
  grants: OAuthGrants;
  issuer: string;
  audience: string;
  findAccount: (sub: string) => Promise<Account | undefined>;
}

export class OAuthEndpoints {
  readonly #d: OAuthEndpointsDeps;

  constructor(d: OAuthEndpointsDeps) {
    this.#d = d;
  }

  // ---- introspection (RFC 7662) -----------------------------------------------------------------

  async afterIntrospection(ctx: KoaContextWithOIDC): Promise<void> {
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
      const facts = await this.#d.grants.consentFacts(grantId);
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
  async afterUserinfo(ctx: KoaContextWithOIDC): Promise<void> {
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
    const v = await this.#d.verifier.verify(token, this.#d.audience);
    if (!v.ok) return;
    const c = v.claims;
    if (typeof c.sub !== 'string' || !c.sub.startsWith('usr_')) return;
    const proof = c.cnf?.jkt ? await dpopProofFor(ctx, token) : null;
    if (c.cnf?.jkt ? scheme !== 'DPoP' || proof?.thumbprint !== c.cnf.jkt : scheme !== 'Bearer') return;
    const scopes = new Set((c.scope ?? '').split(' ').filter(Boolean));
    if (!scopes.has('openid')) {
      ctx.status = 403;
      ctx.set('www-authenticate', `${scheme} realm="${this.#d.issuer}", error="insufficient_scope", scope="openid"`);
      ctx.body = { error: 'insufficient_scope', error_description: 'access token missing openid scope', scope: 'openid' };
      return;
    }
    if (!(await this.tokenIsLive(c)).ok) return;
    const account = await this.#d.findAccount(c.sub);
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
  async afterRevocation(ctx: KoaContextWithOIDC): Promise<void> {
    let route: string | undefined;
    try {
      route = ctx.oidc?.route;
    } catch {
      return;
    }
    if (route !== 'revocation' || !isStructuredTokenRefusal(ctx)) return;
    const caller = ctx.oidc.client!.clientId;
    const v = await this.#d.verifier.verify(String(ctx.oidc.params?.token ?? ''), undefined, { revoked: 'allow' });
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
      await this.#d.revocations.revoke(ctxAudit, { jti, clientId: caller, partnerId: c.partner_id ?? null, tenantId: c.tenant_id ?? null, exp });
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
    const v = await this.#d.verifier.verify(token);
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
