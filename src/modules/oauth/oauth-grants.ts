/**
 * The grants the authorization server issued, as Partnergate facts: whether one still stands
 * (its consent delegation, or an MSP member's grant), what its tokens claim, and what happens
 * when one is revoked. Keeps the consents behind grants between requests (see OAuthGrants#consents).
 */
import { mutate, type Db, type Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeEvent } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { parsePurposes, type DelegationsService } from '../delegations/index.ts';
import { deleteGrantRows } from './oauth-store.ts';
import type { RevokedAccessTokens } from './revoked-tokens.ts';
import { compact, consentClaims, grantClaim, memberClaims } from './claims.ts';
import { currentProviderContext } from './oidc-provider-internals.ts';
import * as repo from './oauth.repo.ts';

/** A record read for the token endpoint is used at most this long (the change feed drops it at once on a change). */
export const RECORD_FRESH_MS = 30_000;
/** Records kept at most per cache (the cache starts over past it). */
export const RECORDS_MAX = 10_000;
const TOUCH_EVERY_MS = 60_000;

export interface OAuthGrantsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  delegations: DelegationsService;
  revocations: RevokedAccessTokens;
  onError: (err: unknown, what: string) => void;
}

export class OAuthGrants {
  readonly #d: OAuthGrantsDeps;
  /**
   * The consents behind grants (with their delegation, tenant status and consenting user) for the
   * token endpoint, kept between requests: the change feed drops an entry when its delegation, its
   * tenant or its user changes — a customer who disconnects the app or ends the link, a tenant
   * suspended, an admin disabled — in the drain that delivers it (at once on the instance that
   * made the change, which drains before it answers; within the feed's delivery elsewhere).
   * `#consentsGen` moves on each drop, so a read that overlapped one is not kept.
   */
  readonly #consents = new Map<string, { record: repo.ConsentRecord; at: number }>();
  #consentsGen = 0;
  readonly #touched = new Map<string, number>();
  readonly #bans = new repo.BanNumbers();
  /** The consents read by the provider request being handled, by grant id (see #consentOf). */
  /** the MSP member grant this provider request found standing (isLive), for its tokens' lifetimes */
  readonly #requestMembers = new WeakMap<object, { grantId: string; partnerId: string }>();
  /**
   * A consent's token claims, made once per consent record read: they derive from the record
   * (its delegation, client, purposes) and from the numbers of the BANs it names, which never
   * change (BanNumbers). A change the feed delivers drops the record, and a read makes a new one.
   */
  readonly #claimsOf = new WeakMap<repo.ConsentRecord, Record<string, unknown>>();
  readonly #requestConsents = new WeakMap<object, { reads: Map<string, Promise<repo.ConsentRecord | undefined>>; found: repo.ConsentRecord[] }>();

  constructor(d: OAuthGrantsDeps) {
    this.#d = d;
  }

  /** A change of a delegation, tenant or user drops the consents it touches. */
  dropCached(events: readonly ChangeEvent[]): void {
    for (const e of events) {
      if (this.#consents.size > 0 && (e.entity === 'delegation' || e.entity === 'tenant' || e.entity === 'user')) {
        this.#consentsGen++;
        for (const [grantId, c] of this.#consents) {
          const r = c.record;
          if (e.entity === 'delegation' ? r.delegation.id === e.entityId : e.entity === 'tenant' ? r.delegation.tenant_id === e.entityId : r.user_id === e.entityId) this.#consents.delete(grantId);
        }
      }
    }
  }

  /**
   * A grant stands while its consent delegation is active, in its window, on an active tenant; a
   * member grant while its user is an active member of the app's active managed_services partner.
   */
  async isLive(grantId: string): Promise<boolean> {
    const c = await this.#consentOf(grantId);
    const now = this.#d.clock.now().toISOString();
    if (!c) {
      const m = await repo.findMemberGrant(this.#d.db.kysely, grantId, now);
      const stands = m !== undefined && repo.memberGrantStands(m);
      const ctx = currentProviderContext();
      if (stands && ctx) this.#requestMembers.set(ctx, { grantId, partnerId: m.partner_id });
      return stands;
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
  async revoked(grantId: string, reason: string, grantClientId: string | null): Promise<void> {
    try {
      const c = await repo.findConsentByGrant(this.#d.db.kysely, grantId);
      // '' as "now": an expired mark is still the grant's, and goes too.
      const m = c ? undefined : await repo.findMemberGrant(this.#d.db.kysely, grantId, '');
      const clientId = c?.client_id ?? m?.client_id ?? grantClientId;
      if (clientId) {
        const partnerId = c?.delegation.partner_id ?? m?.partner_id ?? null;
        const pctx = currentProviderContext();
        const reqId = pctx?.response.get('x-request-id');
        await this.#d.revocations
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
   * outlives the admin who approved it (delegation_approver_inactive says so). With `partnerId`:
   * only that partner's (its membership ended, the account and its other memberships stay).
   */
  async endMemberGrantsOf(trx: Tx, ctx: RequestContext, userId: string, partnerId: string | null = null): Promise<Record<string, unknown>> {
    const grants = (await repo.listMemberGrantsOfUser(trx, userId)).filter((g) => partnerId === null || g.partner_id === partnerId);
    const reason = partnerId === null ? 'user disabled' : 'partner membership ended';
    for (const g of grants) {
      await deleteGrantRows(trx, g.grant_id);
      await repo.deleteMemberGrant(trx, g.grant_id);
      await this.#d.revocations.revokeGrantIn(trx, ctx, { grantId: g.grant_id, clientId: g.client_id, partnerId: g.partner_id, tenantId: null, userId, reason });
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
  async claims(grantId: string): Promise<Record<string, unknown> | undefined> {
    const c = await this.#consentOf(grantId);
    const kept = c ? this.#claimsOf.get(c) : undefined;
    if (c && kept) {
      this.touch(c.delegation.id);
      return { ...kept };
    }
    const facts = await this.consentFacts(grantId);
    if (facts) {
      this.touch(facts.delegationId);
      const claims = compact(consentClaims(facts));
      // named BANs only: "every active BAN of the tenant" depends on their status, read each time
      if (c?.delegation.ban_ids) this.#claimsOf.set(c, claims);
      return { ...claims };
    }
    const m = await repo.findMemberGrant(this.#d.db.kysely, grantId, this.#d.clock.now().toISOString());
    // Neither (no such grant any more): the token still names its grant, so revoking it refuses the token.
    return m ? compact(memberClaims({ grantId, partnerId: m.partner_id, clientId: m.client_id, purposes: m.purposes })) : grantClaim(grantId);
  }

  async consentFacts(grantId: string) {
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
      purposes: parsePurposes(d.purposes ?? null),
    };
  }

  /**
   * The consent behind a grant, once per provider request: a refresh asks whether the grant
   * stands (Grant.find), for its account (findAccount) and for its token claims — three answers of
   * one record, from the cache while no change of its delegation, tenant or user was delivered,
   * else read (one statement). Outside a provider request it is read each time. Revocation
   * handling (revoked) always reads afresh.
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
      if (hit && now - hit.at < RECORD_FRESH_MS) {
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
              if (this.#consents.size >= RECORDS_MAX) this.#consents.clear();
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
  requestConsentUser(sub: string): { id: string; name: string; email: string; status: string } | undefined {
    const ctx = currentProviderContext();
    const found = ctx ? this.#requestConsents.get(ctx)?.found : undefined;
    return found?.find((c) => c.user_id === sub && c.user?.id === sub)?.user ?? undefined;
  }

  /**
   * The partner and customer of a consent grant this provider request has read (the grant is read
   * before any token of it is made), synchronously: the token lifetimes of a cross-tenant grant.
   */
  requestConsentParties(grantId: string): { partnerId: string; tenantId: string } | undefined {
    const ctx = currentProviderContext();
    const c = ctx ? this.#requestConsents.get(ctx)?.found.find((x) => x.grant_id === grantId) : undefined;
    if (c) return { partnerId: c.delegation.partner_id, tenantId: c.delegation.tenant_id };
    // an MSP member's grant acts on whichever customers the partner's links reach: the partner's policy applies
    const m = ctx ? this.#requestMembers.get(ctx) : undefined;
    return m?.grantId === grantId ? { partnerId: m.partnerId, tenantId: '' } : undefined;
  }

  /** Record "last used" on a delegation, at most once a minute per instance. */
  touch(delegationId: string): void {
    const now = this.#d.clock.nowMs();
    if (now - (this.#touched.get(delegationId) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(delegationId, now);
    if (this.#touched.size > 10_000) this.#touched.clear();
    repo.touchLastUsed(this.#d.db.kysely, delegationId, new Date(now).toISOString(), new Date(now - TOUCH_EVERY_MS).toISOString()).catch((e) => this.#d.onError(e, 'oauth last-used'));
  }
}
