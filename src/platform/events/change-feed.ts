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
 * Order: writers take no common lock (so writes scale with instances), so ids (drawn from a sequence before commit) do
 * not commit in order: tailing by id would skip a row whose transaction commits after a later
 * id was read. On PostgreSQL every row carries its transaction's id (`xid`, migration 0012) and
 * the feed's position is a PostgreSQL snapshot (`pg_current_snapshot()`: xmin, xmax and the
 * transactions in progress). Each drain reads, in one statement, its new snapshot S and the rows
 * visible in S that were not visible in the previous snapshot P — those whose transaction is at
 * or after P's xmax, or was in progress in P (`pg_snapshot_xip`) — then P becomes S. PostgreSQL
 * guarantees what that rests on: a transaction below P's xmin, or below P's xmax and not in
 * progress in P, had ended when P was taken, so its rows were visible then and were read. A late
 * commit is thus read at the first drain after it, exactly once, however long it was held open;
 * and the cost of a drain is the rows that are new, not the rows since the oldest open
 * transaction (the safe horizon `pg_snapshot_xmin` may lag far behind on a busy cluster).
 * SQLite has one writer: ids commit in order, and the feed tails by id.
 *
 * Consumers (the in-memory snapshot) get batches of changed entity ids and re-read them.
 *
 * The writer's own instance (PostgreSQL): the outbox rows ride the COMMIT, so once it is kept the
 * writer knows what it changed, and `kick()` hands exactly that to this instance's consumers, in
 * the queue of passes like any other batch, without reading the table first (a round trip fewer
 * per write). The transaction's id is read with its first change (sent ahead of its next
 * statement), so the instance's next drain recognises those rows and skips them; a change whose
 * COMMIT's answer never came, or whose hand-over failed, is delivered by the drain as before. An
 * instance ignores its own nudge.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import { asSystem, sqlLiteral } from '../db/db-context.ts';
import { runAtCommit, sendAhead } from '../db/pg-context-dialect.ts';
import { REDIS_CONNECT_TIMEOUT_MS, reportEvery, whenReady } from '../redis.ts';

export interface ChangeEvent {
  /** the outbox row's id; 0 for a change its writer's instance handed over from its COMMIT (see kick) */
  id: number;
  entity: string;
  entityId: string;
}

/** Rows per read. */
const PAGE = 1000;

/** Where a feed has read up to: an id (SQLite) or a PostgreSQL snapshot as text. */
export type FeedPosition = number | string;

/** PostgreSQL: rows whose transaction was not visible in `snapshot` (it began at or after its xmax, or was in progress then). */
function notVisibleIn(snapshot: string) {
  // `= any (array(…))`, not `in (select …)`: both arms use the xid index (a bitmap OR), so a drain
  // reads the new rows only, not the whole index
  return sql`(xid >= pg_snapshot_xmax(${snapshot}::pg_snapshot) or xid = any (array(select pg_snapshot_xip(${snapshot}::pg_snapshot))))`;
}

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
  /** SQLite: the last id read. */
  #lastId = 0;
  /** PostgreSQL: the snapshot every row visible in was read (pg_snapshot as text) */
  #snapshot = '';
  /** PostgreSQL: when the server the last drain read from started ('' before the first drain) */
  #server = '';
  /** PostgreSQL: the highest row id delivered (or committed when the feed started) */
  #maxId = 0;
  #timer: NodeJS.Timeout | null = null;
  /** The pass running now, and the one queued to start after it (which every caller meanwhile shares). */
  #draining: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  /** What the queued pass does: read the table (a drain), else deliver the changes handed to it. */
  #plan: { drain: boolean; events: Handover[] } | null = null;
  /** Changes whose COMMIT this instance saw kept, not yet handed to a pass (PostgreSQL). */
  #committed: Handover[] = [];
  /** Per transaction: its id, read with the change it records (sent ahead, no round trip of its own). */
  readonly #xids = new WeakMap<object, Promise<{ xid: Promise<string | null> }>>();
  /** Transactions whose changes were handed to this instance's consumers, until a drain reads their rows. */
  readonly #handed = new Set<string>();
  /** Rows a drain read and did not deliver again: their writer's instance had handed them over (diagnostics, tests). */
  skipped = 0;
  /** A change was recorded without riding a COMMIT: from then on kick() drains (PostgreSQL). */
  #kickDrains = false;
  /** This instance's nudges carry it, so that its own subscriber ignores them. */
  readonly #nudge = randomUUID();
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

  /**
   * Append a change to the outbox, in the writer's transaction. On PostgreSQL the row is written by
   * the transaction's COMMIT message (one round trip fewer per write; nothing in a transaction reads
   * its own outbox rows back); elsewhere, and for an id that cannot be an SQL literal, now.
   */
  async record(trx: Tx, entity: string, entityId: string): Promise<void> {
    const createdAt = new Date().toISOString();
    if (this.#db.dialect === 'postgres') {
      if (!entity.includes('\0') && !entityId.includes('\0')) {
        const text = `insert into change_events (entity, entity_id, created_at) values (${sqlLiteral(entity)}, ${sqlLiteral(entityId)}, ${sqlLiteral(createdAt)})`;
        const event: ChangeEvent = { id: 0, entity, entityId };
        const { xid } = await this.#xidOf(trx);
        const committed = () => {
          if (this.#started) this.#committed.push({ event, xid });
        };
        if (await runAtCommit(trx, text, committed)) return;
      }
      // written now, so not known at COMMIT: the drains deliver it
      this.#kickDrains = true;
    }
    await trx.insertInto('change_events').values({ entity, entity_id: entityId, created_at: createdAt }).execute();
  }

  /**
   * After a commit: nudge the other instances and deliver locally now. The promise settles (it
   * never rejects) once this instance's consumers have the change: a writer awaits it before it
   * answers, so the caller's very next request here is decided on the new state — a revocation
   * is enforced on the next request, not on the one after the drain.
   */
  kick(): Promise<void> {
    this.#publishNudge();
    if (this.#db.dialect !== 'postgres' || this.#kickDrains) return this.drain();
    // Whatever committed here before this call is in #committed, or was taken by a pass that has
    // started since (which the queued pass runs after): the caller's change is applied when it settles.
    const events = this.#committed;
    this.#committed = [];
    return this.#enqueue(events);
  }

  #nudging = false;
  #nudgeAgain = false;
  /**
   * Tell the other instances to drain. Never awaited: with Redis down the nudge fails at once (no
   * offline queue), and they read the change at their next poll instead. One nudge at a time: the
   * kicks made while one is on its way share the next, sent once it is answered — after their
   * COMMITs, so the drain it starts reads them.
   */
  #publishNudge(): void {
    const publisher = this.#publisher;
    if (publisher === null) return;
    if (this.#nudging) {
      this.#nudgeAgain = true;
      return;
    }
    this.#nudging = true;
    publisher
      .publish(this.#channel, this.#nudge)
      .catch(this.#onRedisError)
      .finally(() => {
        this.#nudging = false;
        if (!this.#nudgeAgain) return;
        this.#nudgeAgain = false;
        this.#publishNudge();
      });
  }

  /** The id of the transaction `trx` runs, read once per transaction, ahead of its next statement. */
  #xidOf(trx: Tx): Promise<{ xid: Promise<string | null> }> {
    let x = this.#xids.get(trx);
    if (x === undefined) {
      // sent ahead, not as a read of its own: the statement after it still reports a write sent
      // ahead of it that failed (a link refused by the unique index answers 409, not 500)
      x = sendAhead(trx, CURRENT_XID).then(
        (s) => ({ xid: s === null ? Promise.resolve(null) : s.answer.then((r) => (r.rows[0] as { xid?: string } | undefined)?.xid ?? null, () => null) }),
        () => ({ xid: Promise.resolve(null) }),
      );
      this.#xids.set(trx, x);
    }
    return x;
  }

  subscribe(handler: ChangeHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Where this instance has read up to (for tests and diagnostics): an id on SQLite, a snapshot on PostgreSQL. */
  /** Is this instance tailing the feed (else its lag means nothing)? */
  get started(): boolean {
    return this.#started;
  }

  get position(): FeedPosition {
    return this.#db.dialect === 'postgres' ? this.#snapshot : this.#lastId;
  }

  /**
   * A position every row committed so far is at: the newest id on SQLite (0 when empty), the
   * current snapshot on PostgreSQL.
   */
  async head(): Promise<FeedPosition> {
    if (this.#db.dialect === 'postgres') {
      const r = await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(this.#db.kysely);
      return r.rows[0].s;
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
      const r = await asSystem(() => sql<{ n: number }>`select count(*)::int as n from change_events where ${notVisibleIn(this.#snapshot)}`.execute(this.#db.kysely));
      return Number(r.rows[0]?.n ?? 0);
    }
    return Math.max(0, Number(await this.head()) - this.#lastId);
  }

  /**
   * Start tailing after `from`, or from the current end of the log. A consumer that loads a
   * snapshot reads `head()` first, loads, then starts from that position: whatever committed
   * while it loaded is delivered (re-reading an entity twice is harmless), nothing is lost.
   */
  async start(from?: FeedPosition): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const at = from ?? (await this.head());
    if (this.#db.dialect === 'postgres') {
      this.#snapshot = String(at);
      // what a catch-up after a failover starts above (#catchUpAfterRestart): rows committed by now
      const m = await sql<{ m: number | null }>`select max(id) as m from change_events`.execute(this.#db.kysely);
      this.#maxId = Number(m.rows[0]?.m ?? 0);
    } else this.#lastId = Number(at);
    if (this.#redisFactory) {
      const publisher = (this.#publisher = this.#redisFactory());
      publisher.on('error', this.#onRedisError);
      const subscriber = (this.#subscriber = this.#redisFactory());
      subscriber.on('error', this.#onRedisError);
      subscriber.on('message', (_channel: string, message: string) => {
        if (message !== this.#nudge) void this.drain();
      });
      // Nothing queues while a connection is down, so subscribing needs one: at start-up it is
      // waited for (at most the connect timeout), else the subscription is made when it comes;
      // once made, ioredis renews it on every reconnect.
      let subscribed: Promise<unknown> | null = null;
      const subscribe = () =>
        (subscribed ??= subscriber.subscribe(this.#channel).catch((err: unknown) => {
          subscribed = null;
          this.#onRedisError(err);
        }));
      // A connection ioredis had ended and that was connected anew (platform/redis.ts) has no
      // subscription left to renew: the next 'ready' makes it again.
      subscriber.on('end', () => {
        subscribed = null;
      });
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
    await (this.#queued ?? this.#draining)?.catch(() => {});
    this.#subscriber?.disconnect();
    this.#publisher?.disconnect();
    this.#subscriber = this.#publisher = null;
    this.#started = false;
    this.#committed = [];
  }

  /**
   * Read and dispatch every row committed before this call. A no-op until start(). One pass runs
   * at a time; calls made while a pass runs share the one pass queued after it (which starts after
   * their commits, so it reads them), and each caller waits for that pass only — not for passes
   * that later calls queue. (Waiting until the feed is idle would chain every writer under steady
   * load to every later writer's pass: a convoy that held 64 concurrent writers at ~250 ms each.)
   */
  drain(): Promise<void> {
    return this.#enqueue(null);
  }

  /**
   * Join the queued pass (queueing one if none is): a drain (`null`), or the delivery of changes
   * already committed. A pass that drains delivers those too: they committed before it reads.
   */
  #enqueue(events: Handover[] | null): Promise<void> {
    if (!this.#started) return Promise.resolve();
    const plan = (this.#plan ??= { drain: false, events: [] });
    if (events === null) plan.drain = true;
    else for (const e of events) plan.events.push(e);
    if (this.#queued) return this.#queued;
    const after = this.#draining ?? Promise.resolve();
    const pass: Promise<void> = after.then(() => {
      const run = this.#plan ?? plan;
      this.#plan = null;
      this.#queued = null;
      this.#draining = pass;
      // a drain reads every change committed before it: those waiting to be handed over too
      if (run.drain) this.#committed = [];
      // Consumers re-read changed rows of every tenant, whichever request's kick() started the pass.
      return asSystem(async () => {
        try {
          if (!run.drain) return await this.#handOver(run.events);
          await this.#drainOnce();
          await this.#maybePrune();
        } catch (err) {
          this.#onError(err);
        } finally {
          if (this.#draining === pass) this.#draining = null;
        }
      });
    });
    this.#queued = pass;
    return pass;
  }

  /**
   * Changes this instance's writers committed, to its consumers without reading the table; once
   * they have them, the drains skip those transactions' rows (a consumer that failed gets them
   * from the next drain instead).
   */
  async #handOver(changes: readonly Handover[]): Promise<void> {
    if (changes.length === 0) return;
    await this.#deliver(distinct(changes.map((c) => c.event)));
    // bounded: forgetting one only means its rows are delivered again
    if (this.#handed.size > MAX_HANDED) this.#handed.clear();
    for (const c of changes) {
      const xid = await c.xid;
      if (xid !== null) this.#handed.add(xid);
    }
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
      await this.#deliver(events);
      this.#lastId = events[events.length - 1].id;
      if (rows.length < PAGE) return;
    }
  }

  /**
   * The new snapshot and the first page in one statement. A full page continues by (xid, id),
   * restricted to what the first page's snapshot saw, so a drain delivers exactly the rows visible
   * in that snapshot and not in the previous one, and the next drain starts from it.
   */
  async #drainByXid(): Promise<void> {
    type Row = { id: number; entity: string; entity_id: string; xid: string };
    const first = await sql<{ snap: string; started: string } & { [K in keyof Row]: Row[K] | null }>`
      select pg_current_snapshot()::text as snap, pg_postmaster_start_time()::text as started, c.id, c.entity, c.entity_id, c.xid
        from (select 1) one
        left join lateral (
          select id, entity, entity_id, xid::text as xid from change_events
           where ${notVisibleIn(this.#snapshot)}
           order by xid, id limit ${PAGE}
        ) c on true`.execute(this.#db.kysely);
    const snap = first.rows[0].snap;
    const started = first.rows[0].started;
    if (this.#server !== '' && started !== this.#server) await this.#catchUpAfterRestart();
    this.#server = started;
    let rows = first.rows.filter((x) => x.id !== null) as Row[];
    // every row of a transaction is read by the same drain: its hand-over is forgotten after it
    const handed = new Set<string>();
    for (;;) {
      if (rows.length > 0) {
        const events: ChangeEvent[] = [];
        for (const x of rows) {
          if (this.#handed.has(x.xid)) handed.add(x.xid);
          else events.push({ id: Number(x.id), entity: x.entity, entityId: x.entity_id });
        }
        this.skipped += rows.length - events.length;
        if (events.length > 0) await this.#deliver(events);
        for (const x of rows) if (Number(x.id) > this.#maxId) this.#maxId = Number(x.id);
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      rows = (
        await sql<Row>`
          select id, entity, entity_id, xid::text as xid from change_events
           where ${notVisibleIn(this.#snapshot)} and pg_visible_in_snapshot(xid, ${snap}::pg_snapshot)
             and (xid, id) > (${last.xid}::xid8, ${last.id}::bigint)
           order by xid, id limit ${PAGE}`.execute(this.#db.kysely)
      ).rows;
    }
    this.#snapshot = snap;
    for (const xid of handed) this.#handed.delete(xid);
  }

  /**
   * The server the feed reads from is another one, or started again: a failover promoted a standby
   * (Patroni), or the primary restarted after a crash. Transaction ids a server handed out but
   * never wrote to the WAL that survived (an aborted or unfinished transaction's) are handed out
   * again by the server that carries on, to new transactions — and one of them below the old
   * snapshot's xmax and not in progress in it would be taken for a transaction already read, its
   * rows never delivered (a revocation never applied). Row ids come from a sequence, which never
   * goes back below a committed value: every row committed since is above the highest id this
   * feed delivered. So those are read once, by id, whatever their transaction id; rows delivered
   * twice are re-read by their consumers, which costs nothing but the read. Nothing else is
   * reloaded: the snapshots keep what they hold.
   */
  async #catchUpAfterRestart(): Promise<void> {
    // transaction ids may be handed out again: deliver everything
    this.#handed.clear();
    for (;;) {
      const rows = await sql<{ id: number; entity: string; entity_id: string }>`
        select id, entity, entity_id from change_events where id > ${this.#maxId} order by id limit ${PAGE}`.execute(this.#db.kysely);
      if (rows.rows.length === 0) return;
      const events = rows.rows.map((x) => ({ id: Number(x.id), entity: x.entity, entityId: x.entity_id }));
      await this.#deliver(events);
      this.#maxId = events[events.length - 1].id;
      if (rows.rows.length < PAGE) return;
    }
  }

  /**
   * Hand a batch to every consumer at once: each re-reads what it keeps in its own statements, so
   * a pass (and every writer waiting for it) takes as long as the slowest consumer, not all of
   * them one after another. Every consumer has finished, failed or not, before the pass ends (a
   * consumer never applies two batches at the same time); any failure fails the pass, which does
   * not move the position, so the batch is delivered again.
   */
  async #deliver(events: ChangeEvent[]): Promise<void> {
    const settled = await Promise.allSettled([...this.#handlers].map(async (h) => h(events)));
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
  }

  async #maybePrune(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < 60_000) return;
    this.#lastPrune = now;
    const cutoff = new Date(now - this.#retentionMs).toISOString();
    await this.#db.kysely.deleteFrom('change_events').where('created_at', '<', cutoff).execute();
  }
}

/** A change its writer's instance hands to its consumers: the transaction's id comes with the COMMIT. */
type Handover = { event: ChangeEvent; xid: Promise<string | null> };

const CURRENT_XID = 'select pg_current_xact_id()::text as xid';
const MAX_HANDED = 100_000;

/** One event per changed entity (a batch's consumers re-read each once). */
function distinct(events: readonly ChangeEvent[]): ChangeEvent[] {
  const seen = new Set<string>();
  const out: ChangeEvent[] = [];
  for (const e of events) {
    const key = `${e.entity}\0${e.entityId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}
