/**
 * Personal API tokens in memory, for the gateway's request path: keyed hash of the token → the
 * token's id, its user and its expiry. Checking one is one HMAC and one map lookup; no database
 * read per request for a token the index holds (the portal API, which reads the database anyway,
 * keeps its own lookup).
 *
 * Kept current by the change feed (entity `api_token`: created, revoked): on this instance as soon
 * as the call that made the change returns (writers await the local drain), on every other
 * instance within one feed delivery. A well-formed token the index does not hold — created on
 * another instance a moment ago — is looked up once by its hash before it is refused (MissLookup:
 * shared per hash, capped per instance, an absent hash remembered a while), and what the database
 * says is kept here unless a token change reached the index meanwhile (it could be older than a
 * revocation just applied). Whether the user may act — account status, memberships — is the authz
 * snapshot's business, not this index's. A token revoked because its user was disabled stays here
 * as such (loaded lazily after a restart, like a new one): refused for good, its user named.
 *
 * "Last used" is noted in memory and written in batches, never on the response path.
 */
import type { Db } from '../../platform/db/database.ts';
import type { ChangeEvent, ChangeFeed } from '../../platform/events/change-feed.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import type { Clock } from '../../platform/clock.ts';
import * as repo from './identity.repo.ts';
import { BatchedActivity } from '../../platform/db/batched-activity.ts';
import { MissLookup } from '../../platform/miss-lookup.ts';
import { chunks } from '../../platform/db/in-chunks.ts';

export interface IndexedApiToken {
  id: string;
  userId: string;
  /** epoch ms; Infinity for a token that never expires */
  expiresMs: number;
  /** revoked when its user was disabled: refused for good (see ApiTokenVerdict) */
  revokedWithUser: boolean;
}

/**
 * A refusal names the user when the token was revoked because that user was disabled: the caller
 * answers user_inactive while the account stays disabled, and invalid_token once it is enabled
 * again (the token does not come back with it).
 */
export type ApiTokenVerdict = { ok: true; token: IndexedApiToken } | { ok: false; detail: string; disabledUserId?: string };

type TokenFields = Pick<repo.ApiTokenRow, 'id' | 'user_id' | 'token_hash' | 'expires_at' | 'revoked_at' | 'revoked_reason'>;

const UNKNOWN = { ok: false, detail: 'The API token is unknown, revoked or expired.' } as const;
/** `pgpat_` + 32 random bytes in base64url: only such a string is worth a database lookup. */
const WELL_FORMED = /^pgpat_[A-Za-z0-9_-]{43}$/;
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
  /** the database read for a token the index does not hold (see the header) */
  readonly missing: MissLookup<TokenFields>;
  #db: Db | null = null;
  /** counts the feed's token changes applied here (see `authenticate`) */
  #changes = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(d: { hasher: SecretHasher; clock: Clock; onError?: (err: unknown) => void }) {
    this.#hasher = d.hasher;
    this.#clock = d.clock;
    this.#used = new BatchedActivity(repo.touchApiTokens, d.onError ?? (() => {}));
    this.missing = new MissLookup({ clock: d.clock, lookup: (hash) => this.#find(hash), onError: d.onError });
  }

  /** A bearer token → the live API token it is, or why not. Memory only. */
  verify(token: string): ApiTokenVerdict {
    return this.#check(this.#byHash.get(this.#hasher.hash(token)));
  }

  /**
   * A bearer token → the live API token it is, or why not: from memory, or — for a well-formed
   * token the index does not hold — after one database lookup (a promise only then).
   */
  authenticate(token: string): ApiTokenVerdict | Promise<ApiTokenVerdict> {
    const hash = this.#hasher.hash(token);
    const t = this.#byHash.get(hash);
    if (t !== undefined || this.#db === null || !WELL_FORMED.test(token)) return this.#check(t);
    const mark = this.#changes;
    return this.missing.get(hash).then((row) => {
      if (row === undefined) return UNKNOWN;
      // kept only if no token change was applied since the read: it may predate a revocation
      if (mark === this.#changes) this.#put(row);
      return this.#check(this.#byHash.get(hash) ?? toIndexed(row));
    });
  }

  #check(t: IndexedApiToken | undefined): ApiTokenVerdict {
    if (t === undefined) return UNKNOWN;
    if (t.revokedWithUser) return { ...UNKNOWN, disabledUserId: t.userId };
    const now = this.#clock.nowMs();
    if (now >= t.expiresMs) return UNKNOWN;
    this.#note(t.id, now);
    return { ok: true, token: t };
  }

  /** The token with this hash, from the database: live, or revoked with its user; others count as absent. */
  async #find(hash: string): Promise<TokenFields | undefined> {
    const row = await repo.findApiTokenByHash(this.#db!.kysely, hash);
    if (row === undefined || !isKept(row) || (row.expires_at !== null && Date.parse(row.expires_at) <= this.#clock.nowMs())) return undefined;
    return row;
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
    this.#db = db;
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
    if (ids.length > 0) this.#changes++;
    // one read for the batch (see SessionIndex.apply)
    for (const chunk of chunks(ids)) {
      const rows = new Map((await repo.findApiTokensByIds(db.kysely, chunk)).map((r) => [r.id, r]));
      for (const id of chunk) {
        const row = rows.get(id);
        if (row && isKept(row)) this.#put(row);
        else this.#drop(id);
      }
    }
  }

  #put(row: TokenFields): void {
    if (!isKept(row)) return this.#drop(row.id);
    this.#drop(row.id);
    this.#byHash.set(row.token_hash, toIndexed(row));
    this.#hashById.set(row.id, row.token_hash);
    this.missing.forget(row.token_hash);
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

/**
 * Live tokens, and tokens revoked because their user was disabled (so that user is told so while
 * the account stays disabled); a token its owner revoked is forgotten.
 */
function isKept(row: Pick<TokenFields, 'revoked_at' | 'revoked_reason'>): boolean {
  return row.revoked_at === null || row.revoked_reason === 'user_disabled';
}

function toIndexed(row: TokenFields): IndexedApiToken {
  return { id: row.id, userId: row.user_id, expiresMs: row.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(row.expires_at), revokedWithUser: row.revoked_at !== null };
}
