/**
 * Revoked JWT access tokens (RFC 7009 for our RFC 9068 tokens). A JWT is verified locally, so
 * revoking one means remembering its `jti` until the token would have expired anyway:
 *  - a row in `oauth_revoked_tokens` (jti, client, expiry), written with its audit event and a
 *    change-feed row in one transaction;
 *  - on every instance, an in-memory map jti → expiry, loaded at start and kept current by the
 *    change feed (Redis fan-out: other instances within the feed's delivery time; this instance
 *    at once), so the gateway and introspection check it in O(1) with no database read;
 *  - rows and entries past their expiry are dropped by the periodic purge.
 *
 * A revoked or destroyed GRANT (refresh token revoked, refresh-token reuse, the customer's
 * disconnect, logout) goes into the same set as `grant:<grant id>`, expiring when the last access
 * token the grant can have issued expires (now + the access-token lifetime + clock tolerance):
 * every access token carries its grant id as `gid`, so all of them are refused at once — an MSP
 * user's token included, which names no delegation that could stop it. (A jti never holds a
 * colon, so the two kinds of key cannot collide.)
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';

export const REVOKED_TOKEN_ENTITY = 'oauth_revoked_token';

/** The key of a revoked grant in the revoked set (table, feed, memory). */
export const GRANT_KEY_PREFIX = 'grant:';

export interface RevokedGrantFacts {
  grantId: string;
  clientId: string;
  partnerId: string | null;
  tenantId: string | null;
  userId: string | null;
  /** why the grant ended (audited) */
  reason: string;
}

export interface RevokedTokenFacts {
  jti: string;
  clientId: string;
  partnerId: string | null;
  tenantId: string | null;
  /** the token's `exp`, seconds since the epoch */
  exp: number;
}

export class RevokedAccessTokens {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;
  readonly #audit: AuditLog;
  /** how long a revoked grant is remembered, ms: the longest access-token lifetime and clock tolerance */
  readonly #grantWindowMs: number;
  /** jti → expiry (ms) */
  readonly #revoked = new Map<string, number>();
  /** grant id → expiry (ms) */
  readonly #grants = new Map<string, number>();
  #unsubscribe: (() => void) | null = null;

  constructor(d: { db: Db; clock: Clock; feed: ChangeFeed; audit: AuditLog; grantWindowSec: number }) {
    this.#db = d.db;
    this.#clock = d.clock;
    this.#feed = d.feed;
    this.#audit = d.audit;
    this.#grantWindowMs = d.grantWindowSec * 1000;
  }

  #remember(key: string, expMs: number): void {
    if (key.startsWith(GRANT_KEY_PREFIX)) this.#grants.set(key.slice(GRANT_KEY_PREFIX.length), expMs);
    else this.#revoked.set(key, expMs);
  }

  #known(key: string): boolean {
    return key.startsWith(GRANT_KEY_PREFIX) ? this.#grants.has(key.slice(GRANT_KEY_PREFIX.length)) : this.#revoked.has(key);
  }

  /** Load the unexpired revocations and follow the feed. Call after taking the feed's head. */
  async start(): Promise<void> {
    const rows = await this.#db.kysely.selectFrom('oauth_revoked_tokens').select(['jti', 'expires_at']).where('expires_at', '>', this.#clock.now().toISOString()).execute();
    for (const r of rows) this.#remember(r.jti, Date.parse(r.expires_at));
    this.#unsubscribe = this.#feed.subscribe(async (events) => {
      const keys = events.filter((e) => e.entity === REVOKED_TOKEN_ENTITY && !this.#known(e.entityId)).map((e) => e.entityId);
      if (keys.length === 0) return;
      const found = await this.#db.kysely.selectFrom('oauth_revoked_tokens').select(['jti', 'expires_at']).where('jti', 'in', keys).execute();
      for (const r of found) this.#remember(r.jti, Date.parse(r.expires_at));
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Is this jti revoked? O(1), in memory. */
  has(jti: string): boolean {
    return this.#revoked.has(jti);
  }

  /** Was the grant this access token was issued from (its `gid`) revoked? O(1), in memory. */
  hasGrant(grantId: string): boolean {
    return this.#grants.has(grantId);
  }

  /** revoked tokens and grants remembered */
  get size(): number {
    return this.#revoked.size + this.#grants.size;
  }

  /** Revoke one access token; idempotent. This instance refuses it from now on, the others within the feed's delivery time. */
  async revoke(ctx: RequestContext, t: RevokedTokenFacts): Promise<void> {
    const expMs = t.exp * 1000;
    const now = this.#clock.now();
    if (expMs <= now.getTime() || this.#revoked.has(t.jti)) return;
    const inserted = await mutate(this.#db, async (trx) => {
      // Guarantee: the primary key on jti. Two revocations of one token racing (two instances):
      // the second's insert does nothing (it waits for the first's commit), and only the one
      // that inserted records the feed row and the audit event.
      const ins = await trx
        .insertInto('oauth_revoked_tokens')
        .values({ jti: t.jti, client_id: t.clientId, expires_at: new Date(expMs).toISOString(), revoked_at: now.toISOString() })
        .onConflict((oc) => oc.column('jti').doNothing())
        .executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await this.#feed.record(trx, REVOKED_TOKEN_ENTITY, t.jti);
      await this.#audit.record(trx, ctx, {
        action: 'oauth.access_token_revoked',
        partnerId: t.partnerId,
        tenantId: t.tenantId,
        targetType: 'access_token',
        targetId: t.jti,
        details: { client_id: t.clientId, expires_at: new Date(expMs).toISOString() },
      });
      return true;
    });
    this.#revoked.set(t.jti, expMs);
    if (inserted) await this.#feed.kick();
  }

  /**
   * A grant was revoked or destroyed: every access token issued from it (they carry its id as
   * `gid`) is refused from now on — here at once, on the other instances within the feed's
   * delivery time — until the last of them would have expired anyway. Idempotent.
   */
  async revokeGrant(ctx: RequestContext, g: RevokedGrantFacts): Promise<void> {
    if (this.#grants.has(g.grantId)) return;
    const expMs = await mutate(this.#db, (trx) => this.revokeGrantIn(trx, ctx, g));
    if (expMs === null) return;
    this.#grants.set(g.grantId, expMs);
    await this.#feed.kick();
  }

  /**
   * revokeGrant's writes, in the caller's transaction (which kicks the feed after its commit: this
   * instance learns of it from the feed, like every other). The expiry remembered, or null when
   * the grant was revoked already.
   */
  async revokeGrantIn(trx: Tx, ctx: RequestContext, g: RevokedGrantFacts): Promise<number | null> {
    const key = GRANT_KEY_PREFIX + g.grantId;
    const now = this.#clock.now();
    const expMs = now.getTime() + this.#grantWindowMs;
    // Guarantee: the primary key on jti, as for a token (the grant revoked twice at once is recorded once).
    const ins = await trx
      .insertInto('oauth_revoked_tokens')
      .values({ jti: key, client_id: g.clientId, expires_at: new Date(expMs).toISOString(), revoked_at: now.toISOString() })
      .onConflict((oc) => oc.column('jti').doNothing())
      .executeTakeFirst();
    if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return null;
    await this.#feed.record(trx, REVOKED_TOKEN_ENTITY, key);
    await this.#audit.record(trx, ctx, {
      action: 'oauth.grant_revoked',
      partnerId: g.partnerId,
      tenantId: g.tenantId,
      targetType: 'oauth_grant',
      targetId: g.grantId,
      details: { client_id: g.clientId, ...(g.userId ? { user_id: g.userId } : {}), reason: g.reason, access_tokens_refused_until: new Date(expMs).toISOString() },
    });
    return expMs;
  }

  /** Forget revocations of tokens and grants that have expired anyway (database and memory). */
  async purge(): Promise<number> {
    const now = this.#clock.now();
    for (const [jti, exp] of this.#revoked) if (exp <= now.getTime()) this.#revoked.delete(jti);
    for (const [gid, exp] of this.#grants) if (exp <= now.getTime()) this.#grants.delete(gid);
    const r = await this.#db.kysely.deleteFrom('oauth_revoked_tokens').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  }
}
