/**
 * Shorter lifetimes for tokens that act across tenants: the operator sets one per partner, a
 * customer one for itself; the authorization server asks `ttl()` (synchronously, from memory)
 * when it issues a consent grant's access or refresh token, and gets the shortest of its default
 * and both policies. First-party tokens never ask. The policies are held in memory on every
 * instance and reloaded when the change feed reports one changed.
 */
import type { Clock } from '../../platform/clock.ts';
import { mutateAndKick, type Db } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { effectiveLifetime, lifetimeWords, type LifetimePolicy, type TokenKind } from './lifetimes.ts';
import * as repo from './tokenpolicy.repo.ts';

export const TOKEN_POLICY_ENTITY = 'token_policy';

export interface TokenLifetimesDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
  /** the operator's defaults (ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL), seconds */
  defaults: { access: number; refresh: number };
}

export interface LifetimeView {
  access_ttl_sec: number | null;
  refresh_ttl_sec: number | null;
  default_access_ttl_sec: number;
  default_refresh_ttl_sec: number;
  /** what applies, in words */
  summary: string;
  updated_at: string | null;
}

export class TokenLifetimes {
  readonly #d: TokenLifetimesDeps;
  #partners = new Map<string, LifetimePolicy>();
  #tenants = new Map<string, LifetimePolicy>();
  #unsubscribe: (() => void) | null = null;

  constructor(d: TokenLifetimesDeps) {
    this.#d = d;
  }

  async load(): Promise<void> {
    await this.#reload();
    this.#unsubscribe ??= this.#d.feed.subscribe(async (events) => {
      if (events.some((e) => e.entity === TOKEN_POLICY_ENTITY)) await this.#reload();
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async #reload(): Promise<void> {
    const rows = await repo.listPolicies(this.#d.db.kysely);
    const pick = (t: 'partner' | 'tenant') => new Map(rows.filter((r) => r.owner_type === t).map((r) => [r.owner_id, { access_ttl_sec: r.access_ttl_sec, refresh_ttl_sec: r.refresh_ttl_sec }]));
    this.#partners = pick('partner');
    this.#tenants = pick('tenant');
  }

  /** The lifetime of a cross-tenant token of this partner on this customer: the shortest of `fallback` and both policies. */
  ttl(kind: TokenKind, parties: { partnerId: string; tenantId: string }, fallback: number): number {
    return effectiveLifetime(kind, fallback, this.#partners.get(parties.partnerId), this.#tenants.get(parties.tenantId));
  }

  async get(owner: repo.Owner): Promise<LifetimeView> {
    return this.#view(await repo.findPolicy(this.#d.db.kysely, owner));
  }

  #view(row: repo.PolicyRow | undefined): LifetimeView {
    const { access, refresh } = this.#d.defaults;
    const a = effectiveLifetime('access', access, row ?? undefined, undefined);
    const r = effectiveLifetime('refresh', refresh, row ?? undefined, undefined);
    return {
      access_ttl_sec: row?.access_ttl_sec ?? null,
      refresh_ttl_sec: row?.refresh_ttl_sec ?? null,
      default_access_ttl_sec: access,
      default_refresh_ttl_sec: refresh,
      summary: `Access by partners expires after ${lifetimeWords(a)}; a partner app can renew it without the customer for ${lifetimeWords(r)} at most.`,
      updated_at: row?.updated_at ?? null,
    };
  }

  async set(ctx: RequestContext, owner: repo.Owner, input: LifetimePolicy): Promise<LifetimeView> {
    const row: repo.PolicyRow = { owner_type: owner.type, owner_id: owner.id, access_ttl_sec: input.access_ttl_sec, refresh_ttl_sec: input.refresh_ttl_sec, updated_by: ctx.actor.userId, updated_at: this.#d.clock.now().toISOString() };
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await repo.upsertPolicy(trx, row);
      await this.#d.feed.record(trx, TOKEN_POLICY_ENTITY, `${owner.type}:${owner.id}`);
      await this.#d.audit.record(trx, ctx, {
        action: 'token_policy.changed',
        tenantId: owner.type === 'tenant' ? owner.id : null,
        partnerId: owner.type === 'partner' ? owner.id : null,
        targetType: owner.type,
        targetId: owner.id,
        details: { access_ttl_sec: input.access_ttl_sec, refresh_ttl_sec: input.refresh_ttl_sec },
      });
    });
    return this.#view(row);
  }
}
