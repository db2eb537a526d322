/**
 * The change feed: every committed change reaches every running instance.
 *
 * Writers append `(entity, entity_id)` rows to `change_events` inside the transaction that makes
 * the change (a durable outbox: the row commits or rolls back with the change). After commit,
 * `kick()` drains locally at once and, with Redis, publishes a nudge so every other instance
 * drains too. Each instance tails the table by id from where it last read, so a lost pub/sub
 * message, a Redis outage or a reconnect loses nothing: the periodic poll and the reconnect
 * drain pick up every row.
 *
 * Order (issue 19): writers take no common lock, so ids (drawn from a sequence before commit) do
 * not commit in order: tailing by id would skip a row whose transaction commits after a later
 * id was read. On PostgreSQL every row carries its transaction's id (`xid`, migration 0012) and
 * the feed reads by transaction id behind the safe horizon PostgreSQL guarantees:
 * `pg_snapshot_xmin(pg_current_snapshot())`, below which every transaction has ended (committed
 * or rolled back) — so nothing can still appear there. Each drain reads, in one statement (one
 * snapshot), the horizon and the rows at or above the position it reached, minus the
 * transactions it delivered already; then its position moves up to the horizon and it forgets
 * the transactions below it. A row is thus delivered at the first drain after its commit (not
 * only once every older transaction has ended: the writer's own kick() sees its change at once),
 * and exactly once. SQLite has one writer: ids commit in order, and the feed tails by id.
 *
 * Consumers (the in-memory snapshot) get batches of changed entity ids and re-read them.
 */
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import { asSystem } from '../db/db-context.ts';
import { REDIS_CONNECT_TIMEOUT_MS, reportEvery, whenReady } from '../redis.ts';

export interface ChangeEvent {
  id: number;
  entity: string;
  entityId: string;
}

/** Rows per read. */
const PAGE = 1000;

export type ChangeHandler = (events: ChangeEvent[]) => void | Promise<void>;

export interface ChangeFeedOptions {
  db: Db;
  /** Connection factory; the feed needs one dedicated subscriber and one publisher. */
  redis?: (() => Redis) | null;
  channel?: string;
  pollIntervalMs?: number;
  retentionMs?: number;
  onError?: (err: unknown) => void;
}

export class ChangeFeed {
  readonly #db: Db;
  readonly #handlers = new Set<ChangeHandler>();
  readonly #channel: string;
  readonly #pollIntervalMs: number;
  readonly #retentionMs: number;
  readonly #redisFactory: (() => Redis) | null;
  readonly #onError: (err: unknown) => void;
  /** Redis errors, at most one report per 10 s: a Redis that is down errors on every publish and reconnect */
  readonly #onRedisError: (err: unknown) => void;
  #publisher: Redis | null = null;
  #subscriber: Redis | null = null;
  /** SQLite: the last id read. PostgreSQL: the horizon reached (an xid8 as a number). */
  #lastId = 0;
  /** PostgreSQL: the transactions at or above the horizon whose rows were delivered already */
  #delivered = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #draining: Promise<void> | null = null;
  #again = false;
  #started = false;
  #lastPrune = 0;

  constructor(opts: ChangeFeedOptions) {
    this.#db = opts.db;
    this.#redisFactory = opts.redis ?? null;
    this.#channel = opts.channel ?? 'partnergate:changes';
    this.#pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.#retentionMs = opts.retentionMs ?? 24 * 3600 * 1000;
    this.#onError = opts.onError ?? (() => {});
    this.#onRedisError = reportEvery(10_000, (err) => this.#onError(err));
  }

  /** Append a change to the outbox, in the writer's transaction. */
  async record(trx: Tx, entity: string, entityId: string): Promise<void> {
    await trx.insertInto('change_events').values({ entity, entity_id: entityId, created_at: new Date().toISOString() }).execute();
  }

  /**
   * After a commit: nudge the other instances and deliver locally now. The promise settles (it
   * never rejects) once this instance's consumers have the change: a writer awaits it before it
   * answers, so the caller's very next request here is decided on the new state — a revocation
   * is enforced on the next request, not on the one after the drain.
   */
  kick(): Promise<void> {
    // Never awaited: with Redis down the nudge fails at once (no offline queue), and the other
    // instances read the change at their next poll instead.
    if (this.#publisher) this.#publisher.publish(this.#channel, '1').catch(this.#onRedisError);
    return this.drain();
  }

  subscribe(handler: ChangeHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Where this instance has read up to (for tests and diagnostics): an id on SQLite, a transaction-id horizon on PostgreSQL. */
  get position(): number {
    return this.#lastId;
  }

  /**
   * A position every row committed so far is at or below: the newest id on SQLite (0 when
   * empty); on PostgreSQL the safe horizon (every transaction below it has ended).
   */
  async head(): Promise<number> {
    if (this.#db.dialect === 'postgres') {
      const r = await sql<{ h: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as h`.execute(this.#db.kysely);
      return Number(r.rows[0].h);
    }
    const row = await this.#db.kysely
      .selectFrom('change_events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /** Committed rows this instance has not delivered yet (the lag metric). */
  async lag(): Promise<number> {
    if (!this.#started) return 0;
    if (this.#db.dialect === 'postgres') {
      const r = await asSystem(() =>
        sql<{ n: number }>`select count(*)::int as n from change_events
          where xid >= ${String(this.#lastId)}::xid8 and not (xid = any (string_to_array(${[...this.#delivered].join(',')}, ',')::xid8[]))`.execute(this.#db.kysely),
      );
      return Number(r.rows[0]?.n ?? 0);
    }
    return Math.max(0, (await this.head()) - this.#lastId);
  }

  /**
   * Start tailing after `from`, or from the current end of the log. A consumer that loads a
   * snapshot reads `head()` first, loads, then starts from that position: whatever committed
   * while it loaded is delivered (re-reading an entity twice is harmless), nothing is lost.
   */
  async start(from?: number): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#lastId = from ?? (await this.head());
    this.#delivered = new Set();
    if (this.#redisFactory) {
      const publisher = (this.#publisher = this.#redisFactory());
      publisher.on('error', this.#onRedisError);
      const subscriber = (this.#subscriber = this.#redisFactory());
      subscriber.on('error', this.#onRedisError);
      subscriber.on('message', () => void this.drain());
      // Nothing queues while a connection is down, so subscribing needs one: at start-up it is
      // waited for (at most the connect timeout), else the subscription is made when it comes;
      // once made, ioredis renews it on every reconnect.
      let subscribed: Promise<unknown> | null = null;
      const subscribe = () =>
        (subscribed ??= subscriber.subscribe(this.#channel).catch((err: unknown) => {
          subscribed = null;
          this.#onRedisError(err);
        }));
      subscriber.on('ready', () => {
        // A reconnect may have missed messages: read everything since the last position.
        void this.drain();
        void subscribe();
      });
      await Promise.all([whenReady(publisher, REDIS_CONNECT_TIMEOUT_MS), whenReady(subscriber, REDIS_CONNECT_TIMEOUT_MS)]);
      if (subscriber.status === 'ready') await subscribe();
    }
    this.#timer = setInterval(() => void this.drain(), this.#pollIntervalMs);
    this.#timer.unref();
    if (from !== undefined) await this.drain();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#draining?.catch(() => {});
    this.#subscriber?.disconnect();
    this.#publisher?.disconnect();
    this.#subscriber = this.#publisher = null;
    this.#started = false;
  }

  /** Read and dispatch every row after the last position; concurrent calls coalesce. A no-op until start(). */
  drain(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    // Consumers re-read changed rows of every tenant, whichever request's kick() started the drain.
    this.#draining = asSystem(async () => {
      try {
        do {
          this.#again = false;
          await this.#drainOnce();
        } while (this.#again);
        await this.#maybePrune();
      } catch (err) {
        this.#onError(err);
      } finally {
        this.#draining = null;
      }
    });
    return this.#draining;
  }

  async #drainOnce(): Promise<void> {
    if (this.#db.dialect === 'postgres') return this.#drainByXid();
    for (;;) {
      const rows = await this.#db.kysely
        .selectFrom('change_events')
        .select(['id', 'entity', 'entity_id'])
        .where('id', '>', this.#lastId)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const events = rows.map((r) => ({ id: Number(r.id), entity: r.entity, entityId: r.entity_id }));
      for (const h of this.#handlers) await h(events);
      this.#lastId = events[events.length - 1].id;
      if (rows.length < PAGE) return;
    }
  }

  /**
   * One snapshot gives both the horizon and the rows: every row of a transaction below the horizon
   * is in what this statement sees, or never will be. A full page stops inside a transaction's
   * rows: the rest of that transaction is read before anything is delivered (a transaction's rows
   * become visible together, so the set of delivered transactions never holds a half-read one).
   */
  async #drainByXid(): Promise<void> {
    for (;;) {
      const from = String(this.#lastId);
      const skip = [...this.#delivered].join(',');
      const r = await sql<{ h: string; id: number | null; entity: string | null; entity_id: string | null; xid: string | null }>`
        select h.h::text as h, c.id, c.entity, c.entity_id, c.xid::text as xid
          from (select pg_snapshot_xmin(pg_current_snapshot()) as h) h
          left join lateral (
            select id, entity, entity_id, xid from change_events
             where xid >= ${from}::xid8 and not (xid = any (string_to_array(${skip}, ',')::xid8[]))
             order by xid, id limit ${PAGE}
          ) c on true`.execute(this.#db.kysely);
      const horizon = r.rows[0].h;
      const rows = r.rows.filter((x) => x.id !== null) as { id: number; entity: string; entity_id: string; xid: string }[];
      const full = rows.length === PAGE;
      if (full) {
        const last = rows[rows.length - 1];
        const rest = await sql<{ id: number; entity: string; entity_id: string; xid: string }>`
          select id, entity, entity_id, xid::text as xid from change_events where xid = ${last.xid}::xid8 and id > ${last.id} order by id`.execute(this.#db.kysely);
        rows.push(...rest.rows);
      }
      if (rows.length > 0) {
        const events = rows.map((x) => ({ id: Number(x.id), entity: x.entity, entityId: x.entity_id }));
        for (const h of this.#handlers) await h(events);
        for (const x of rows) this.#delivered.add(x.xid);
      }
      if (full) continue;
      // Nothing below the horizon can appear any more: move up to it and forget what is below.
      const h = Number(horizon);
      if (h > this.#lastId) {
        this.#lastId = h;
        for (const x of this.#delivered) if (Number(x) < h) this.#delivered.delete(x);
      }
      return;
    }
  }

  async #maybePrune(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < 60_000) return;
    this.#lastPrune = now;
    const cutoff = new Date(now - this.#retentionMs).toISOString();
    await this.#db.kysely.deleteFrom('change_events').where('created_at', '<', cutoff).execute();
  }
}
