/**
 * Revoked JWT access tokens (RFC 7009 for our RFC 9068 tokens). A JWT is verified locally, so
 * revoking one means remembering its `jti` until the token would have expired anyway:
 *  - a row in `oauth_revoked_tokens` (jti, client, expiry), written with its audit event and a
 *    change-feed row in one transaction;
 *  - on every instance, an in-memory map jti → expiry, loaded at start and kept current by the
 *    change feed (Redis fan-out: other instances within the feed's delivery time; this instance
 *    at once), so the gateway and introspection check it in O(1) with no database read;
 *  - rows and entries past their expiry are dropped by the periodic purge.
 */
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';

export const REVOKED_TOKEN_ENTITY = 'oauth_revoked_token';

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
  /** jti → expiry (ms) */
  readonly #revoked = new Map<string, number>();
  #unsubscribe: (() => void) | null = null;

  constructor(d: { db: Db; clock: Clock; feed: ChangeFeed; audit: AuditLog }) {
    this.#db = d.db;
    this.#clock = d.clock;
    this.#feed = d.feed;
    this.#audit = d.audit;
  }

  /** Load the unexpired revocations and follow the feed. Call after taking the feed's head. */
  async start(): Promise<void> {
    const rows = await this.#db.kysely.selectFrom('oauth_revoked_tokens').select(['jti', 'expires_at']).where('expires_at', '>', this.#clock.now().toISOString()).execute();
    for (const r of rows) this.#revoked.set(r.jti, Date.parse(r.expires_at));
    this.#unsubscribe = this.#feed.subscribe(async (events) => {
      const jtis = events.filter((e) => e.entity === REVOKED_TOKEN_ENTITY && !this.#revoked.has(e.entityId)).map((e) => e.entityId);
      if (jtis.length === 0) return;
      const found = await this.#db.kysely.selectFrom('oauth_revoked_tokens').select(['jti', 'expires_at']).where('jti', 'in', jtis).execute();
      for (const r of found) this.#revoked.set(r.jti, Date.parse(r.expires_at));
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

  get size(): number {
    return this.#revoked.size;
  }

  /** Revoke one access token; idempotent. This instance refuses it from now on, the others within the feed's delivery time. */
  async revoke(ctx: RequestContext, t: RevokedTokenFacts): Promise<void> {
    const expMs = t.exp * 1000;
    const now = this.#clock.now();
    if (expMs <= now.getTime() || this.#revoked.has(t.jti)) return;
    const inserted = await mutate(this.#db, async (trx) => {
      // Two revocations of one token racing: the write lock orders them, the second finds the row.
      const existing = await trx.selectFrom('oauth_revoked_tokens').select('jti').where('jti', '=', t.jti).executeTakeFirst();
      if (existing) return false;
      await trx.insertInto('oauth_revoked_tokens').values({ jti: t.jti, client_id: t.clientId, expires_at: new Date(expMs).toISOString(), revoked_at: now.toISOString() }).execute();
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
    if (inserted) this.#feed.kick();
  }

  /** Forget revocations of tokens that have expired anyway (database and memory). */
  async purge(): Promise<number> {
    const now = this.#clock.now();
    for (const [jti, exp] of this.#revoked) if (exp <= now.getTime()) this.#revoked.delete(jti);
    const r = await this.#db.kysely.deleteFrom('oauth_revoked_tokens').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  }
}
