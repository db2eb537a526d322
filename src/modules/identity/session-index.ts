/**
 * Portal sessions in memory, for the gateway's request path (the portal's own calls to
 * `/resources/v1/…` with the session cookie): session id (SHA-256 of the cookie) → its user, CSRF
 * token, absolute expiry and last activity. A hit is one hash and one map lookup; whether the user
 * may act is the authz snapshot's business, as for API tokens.
 *
 * The index only ever admits what the database would: a session it does not hold, or holds as
 * idle or expired by what this instance has seen, gets `null`, and the caller asks the database
 * (IdentityService.authenticateSession, which puts what it finds back here). That covers a login
 * on another instance the feed has not delivered yet, and activity on another instance that kept
 * a session alive which looks idle here.
 *
 * Kept current by the change feed: `session` (a login, a logout) and `user_sessions` (every
 * session of a user ended: a password change, a disabled account) — on this instance before the
 * call that made the change answers, on every other within one feed delivery. Last activity is
 * noted at most once a minute per session, as the portal API does, and written in batches.
 */
import type { Db } from '../../platform/db/database.ts';
import type { ChangeEvent, ChangeFeed } from '../../platform/events/change-feed.ts';
import type { Clock } from '../../platform/clock.ts';
import { sha256 } from '../../platform/crypto.ts';
import * as repo from './identity.repo.ts';
import { BatchedActivity } from '../../platform/db/batched-activity.ts';
import { chunks } from '../../platform/db/in-chunks.ts';

export interface IndexedSession {
  id: string;
  userId: string;
  csrfToken: string;
  /** epoch ms */
  createdMs: number;
  /** epoch ms */
  expiresMs: number;
  /** epoch ms: the last activity this instance knows of */
  lastSeenMs: number;
  /** the session proved a second factor (amr has "mfa"): MFA policies read it on the request path */
  mfa: boolean;
}

type SessionFields = Pick<repo.SessionRow, 'id' | 'user_id' | 'csrf_token' | 'expires_at' | 'last_seen_at'> & { amr?: string; created_at?: string };

/** A stricter session policy for a user (their partner's configuration): null when the platform's applies. */
export type SessionPolicyOf = (userId: string) => { idleMs: number | null; absoluteMs: number | null; maxSessions: number | null } | null;

/** Whether a session has outlived its user's stricter policy at `now`. */
export function outlivesPolicy(policy: ReturnType<SessionPolicyOf>, createdMs: number, lastSeenMs: number, now: number): boolean {
  if (policy === null) return false;
  return (policy.absoluteMs !== null && now >= createdMs + policy.absoluteMs) || (policy.idleMs !== null && now >= lastSeenMs + policy.idleMs);
}

/** Last activity is written at most this often per session (as the portal API does). */
export const SESSION_TOUCH_EVERY_MS = 60_000;

export class SessionIndex {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #byId = new Map<string, IndexedSession>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #used: BatchedActivity;
  /** the partner session policies (from the decision snapshot), set once the snapshot exists */
  policy: SessionPolicyOf | null = null;
  /** counts the feed's session changes applied here (see `remember`) */
  #changes = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(d: { clock: Clock; idleTimeoutSec: number; onError?: (err: unknown) => void }) {
    this.#clock = d.clock;
    this.#idleMs = d.idleTimeoutSec * 1000;
    this.#used = new BatchedActivity(repo.touchSessions, d.onError ?? (() => {}), () => this.#dropExpired());
  }

  /** A session cookie → the live session, or null: ask the database. Memory only. */
  verify(cookie: string): IndexedSession | null {
    const s = this.#byId.get(sha256(cookie));
    if (s === undefined) return null;
    const now = this.#clock.nowMs();
    if (now >= s.expiresMs || now >= s.lastSeenMs + this.#idleMs) return null;
    // the partner's stricter policy, from the snapshot (no database read); the database path ends the session
    if (this.policy !== null && outlivesPolicy(this.policy(s.userId), s.createdMs, s.lastSeenMs, now)) return null;
    if (now - s.lastSeenMs > SESSION_TOUCH_EVERY_MS) {
      s.lastSeenMs = now;
      this.#used.note(s.id, now);
    }
    return s;
  }

  /**
   * A mark to take before reading a session from the database, for `remember`: a logout applied
   * between that read and `remember` must not bring the session back.
   */
  get mark(): number {
    return this.#changes;
  }

  /**
   * What the database said of a session (a check the index could not answer), read after `mark`
   * was taken. Kept only if no session change reached the index since: otherwise the row may be
   * older than a logout or a password change just applied, and the next request asks the
   * database again.
   */
  remember(row: SessionFields, mark: number): void {
    if (mark === this.#changes) this.#put(row);
  }

  /** A session the database no longer has (ended as idle, expired, or its user disabled). */
  forget(id: string): void {
    this.#changes++;
    this.#drop(id);
  }

  get size(): number {
    return this.#byId.size;
  }

  // ---- keeping it current -------------------------------------------------------------------

  /**
   * Subscribe to the feed, then read every live session. Call after `feed.head()` and before
   * `feed.start(head)` so what commits during the load is replayed (re-reading is harmless).
   */
  async load(db: Db, feed: ChangeFeed, opts: { flushIntervalMs?: number } = {}): Promise<void> {
    if (!this.#unsubscribe) this.#unsubscribe = feed.subscribe((events) => this.apply(db, events));
    for (const row of await repo.listLiveSessions(db.kysely, this.#clock.now().toISOString())) this.#put(row);
    this.#used.start(db, opts.flushIntervalMs ?? 30_000);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#used.stop();
  }

  /**
   * Re-read the sessions, and the users' sessions, a feed batch names: the sessions in one
   * statement, the users' in another (a change feed pass waits for its slowest consumer: a read
   * per event made the pass, and every writer waiting for it, grow with the batch). Both reads see
   * the state after every change of the batch, so the order of the events does not matter.
   */
  async apply(db: Db, events: ChangeEvent[]): Promise<void> {
    const sessionIds = new Set<string>();
    const userIds = new Set<string>();
    for (const e of events) {
      if (e.entity === 'session') sessionIds.add(e.entityId);
      else if (e.entity === 'user_sessions') userIds.add(e.entityId);
      else continue;
      this.#changes++;
    }
    for (const ids of chunks([...sessionIds])) {
      const rows = await repo.findSessionsByIds(db.kysely, ids);
      const found = new Set(rows.map((r) => r.id));
      for (const row of rows) this.#put(row);
      for (const id of ids) if (!found.has(id)) this.#drop(id);
    }
    for (const ids of chunks([...userIds])) {
      const rows = await repo.listSessionsOfUsers(db.kysely, ids);
      const live = new Set(rows.map((r) => r.id));
      for (const userId of ids) for (const id of [...(this.#byUser.get(userId) ?? [])]) if (!live.has(id)) this.#drop(id);
      for (const row of rows) this.#put(row);
    }
  }

  #put(row: SessionFields): void {
    const lastSeenMs = Date.parse(row.last_seen_at);
    const mfa = row.amr?.includes('"mfa"') === true;
    const known = this.#byId.get(row.id);
    if (known !== undefined) {
      // never move activity backwards: this instance may have seen a later one than the row
      if (lastSeenMs > known.lastSeenMs) known.lastSeenMs = lastSeenMs;
      // a step-up only ever adds MFA to a live session
      if (mfa) known.mfa = true;
      return;
    }
    this.#byId.set(row.id, { id: row.id, userId: row.user_id, csrfToken: row.csrf_token, createdMs: row.created_at ? Date.parse(row.created_at) : lastSeenMs, expiresMs: Date.parse(row.expires_at), lastSeenMs, mfa });
    let ids = this.#byUser.get(row.user_id);
    if (ids === undefined) this.#byUser.set(row.user_id, (ids = new Set()));
    ids.add(row.id);
  }

  #drop(id: string): void {
    const s = this.#byId.get(id);
    if (s === undefined) return;
    this.#byId.delete(id);
    this.#used.forget(id);
    const ids = this.#byUser.get(s.userId);
    ids?.delete(id);
    if (ids?.size === 0) this.#byUser.delete(s.userId);
  }

  /** Write the activity noted since the last flush (never moving it backwards); expired sessions are forgotten on the same schedule. */
  flush(): Promise<void> {
    return this.#used.flush();
  }

  #dropExpired(): void {
    const now = this.#clock.nowMs();
    for (const s of this.#byId.values()) if (now >= s.expiresMs) this.#drop(s.id);
  }
}
