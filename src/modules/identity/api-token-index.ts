/**
 * Personal API tokens in memory, for the gateway's request path: keyed hash of the token → the
 * token's id, its user and its expiry. Checking one is one HMAC and one map lookup; no database
 * read per request (the portal API, which reads the database anyway, keeps its own lookup).
 *
 * Kept current by the change feed (entity `api_token`: created, revoked): on this instance as soon
 * as the call that made the change returns (writers await the local drain), on every other
 * instance within one feed delivery. Whether the user may act — account status, memberships —
 * is the authz snapshot's business, not this index's.
 *
 * "Last used" is noted in memory and written in batches, never on the response path.
 */
import type { Db } from '../../platform/db/database.ts';
import type { ChangeEvent, ChangeFeed } from '../../platform/events/change-feed.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import type { Clock } from '../../platform/clock.ts';
import * as repo from './identity.repo.ts';
import { BatchedActivity } from '../../platform/db/batched-activity.ts';

export interface IndexedApiToken {
  id: string;
  userId: string;
  /** epoch ms; Infinity for a token that never expires */
  expiresMs: number;
}

export type ApiTokenVerdict = { ok: true; token: IndexedApiToken } | { ok: false; detail: string };

const UNKNOWN = { ok: false, detail: 'The API token is unknown, revoked or expired.' } as const;
/** A token's last use is written at most this often (as the portal API does). */
const TOUCH_EVERY_MS = 60_000;

export class ApiTokenIndex {
  readonly #hasher: SecretHasher;
  readonly #clock: Clock;
  readonly #byHash = new Map<string, IndexedApiToken>();
  readonly #hashById = new Map<string, string>();
  /** token id → when its last use was last noted (ms) */
  readonly #written = new Map<string, number>();
  readonly #used: BatchedActivity;
  #unsubscribe: (() => void) | null = null;

  constructor(d: { hasher: SecretHasher; clock: Clock; onError?: (err: unknown) => void }) {
    this.#hasher = d.hasher;
    this.#clock = d.clock;
    this.#used = new BatchedActivity(repo.touchApiTokens, d.onError ?? (() => {}));
  }

  /** A bearer token → the live API token it is, or why not. Memory only. */
  verify(token: string): ApiTokenVerdict {
    const t = this.#byHash.get(this.#hasher.hash(token));
    if (t === undefined) return UNKNOWN;
    const now = this.#clock.nowMs();
    if (now >= t.expiresMs) return UNKNOWN;
    this.#note(t.id, now);
    return { ok: true, token: t };
  }

  get size(): number {
    return this.#byHash.size;
  }

  #note(id: string, now: number): void {
    if (now - (this.#written.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.#written.set(id, now);
    this.#used.note(id, now);
  }

  // ---- keeping it current -------------------------------------------------------------------

  /**
   * Subscribe to the feed, then read every live token. Call after `feed.head()` and before
   * `feed.start(head)` so what commits during the load is replayed (re-reading is harmless).
   */
  async load(db: Db, feed: ChangeFeed, opts: { flushIntervalMs?: number } = {}): Promise<void> {
    if (!this.#unsubscribe) this.#unsubscribe = feed.subscribe((events) => this.apply(db, events));
    for (const row of await repo.listLiveApiTokens(db.kysely, this.#clock.now().toISOString())) this.#put(row);
    this.#used.start(db, opts.flushIntervalMs ?? 30_000);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#used.stop();
  }

  /** Re-read the tokens a feed batch names. */
  async apply(db: Db, events: ChangeEvent[]): Promise<void> {
    const ids = [...new Set(events.filter((e) => e.entity === 'api_token').map((e) => e.entityId))];
    for (const id of ids) {
      const row = await repo.findApiTokenById(db.kysely, id);
      if (row && row.revoked_at === null) this.#put(row);
      else this.#drop(id);
    }
  }

  #put(row: { id: string; user_id: string; token_hash: string; expires_at: string | null; revoked_at: string | null }): void {
    if (row.revoked_at !== null) return this.#drop(row.id);
    this.#drop(row.id);
    this.#byHash.set(row.token_hash, { id: row.id, userId: row.user_id, expiresMs: row.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(row.expires_at) });
    this.#hashById.set(row.id, row.token_hash);
  }

  #drop(id: string): void {
    const h = this.#hashById.get(id);
    if (h === undefined) return;
    this.#byHash.delete(h);
    this.#hashById.delete(id);
    this.#written.delete(id);
  }

  /** Write the last uses noted since the last flush (never moving one backwards). */
  flush(): Promise<void> {
    return this.#used.flush();
  }
}
