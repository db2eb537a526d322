/**
 * Access events written in batches off the response path (AuditBuffer), grouped when they are the
 * same but for their time, request id, path and address, and spooled to disk before the response
 * they record is sent. Mutations never go through here: they are recorded in their own
 * transaction (AuditLog.record in audit.service.ts).
 */
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { AccessSpool, discardSpool, HEARTBEAT_MS, orphanSpools, readSpool, type SpooledEvent } from './access-spool.ts';
import type { AuditEntry } from './audit-entry.ts';

/** What the buffer needs of the log: AuditLog.recordMissing (idempotent by event id). */
export interface AuditBatchWriter {
  recordMissing(items: { id: string; ctx: RequestContext; entry: AuditEntry; at: Date }[]): Promise<number>;
}

/** One request folded into a grouped access event (see AuditBuffer.pushGrouped). */
export interface AccessRequest {
  /** when it was answered (ms) */
  at: number;
  request_id: string;
  path: string;
  ip: string | null;
}

/**
 * The requests of one grouped event, column by column: times in a double array (unboxed), and
 * a path or address equal to the one before it kept as that same string — a busy group holds
 * thousands of requests until the next flush, and per-request objects would all outlive the
 * young generation.
 */
interface AccessGroup {
  /** the event's id, from its first request on (the spool's lines name it; a replay skips it once written) */
  id: string;
  /** its number in this instance's spool files */
  n: number;
  ctx: RequestContext;
  entry: AuditEntry;
  ats: number[];
  ids: string[];
  paths: string[];
  ips: (string | null)[];
}

/** Requests per grouped event at most (a busier group continues in a new event). */
export const MAX_GROUPED_REQUESTS = 500;

/**
 * Collects access events and writes them in batches, off the response path; mutations never go
 * through here. Once started with a spool folder (`start`), every event is also appended to this
 * instance's spool file before the response it records is sent (AccessSpool): a crash of the
 * process loses none, one of the machine at most the spool's sync window; what a dead instance
 * left is replayed into the log at the next start. Not started, a crash can lose what waits in
 * memory: one flush interval, or the whole backlog while the database is away.
 *
 * Access events that are the same but for their time, request id, path and address — the same
 * party, tenant, billing account, route, decision and status — within one flush interval are
 * written as ONE event listing every request (`details.count`, `details.requests`): under load
 * a partner's thousand identical calls a second cost one row, not a thousand, while each request
 * stays in the log with its time, id, path and address, under the hash chain.
 */
export class AuditBuffer {
  readonly #log: AuditBatchWriter;
  readonly #clock: Clock;
  readonly #maxBatch: number;
  readonly #onError: (err: unknown) => void;
  #pending: PendingEvent[] = [];
  /** requests in #pending (a grouped event counts its requests) */
  #pendingRequests = 0;
  #groups = new Map<string, AccessGroup>();
  /** requests held in #groups */
  #grouped = 0;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #fullBatchQueued = false;
  #spool: AccessSpool | null = null;
  #groupNo = 0;
  #heartbeat: NodeJS.Timeout | null = null;
  #replaying: Promise<number> | null = null;

  constructor(log: AuditBatchWriter, clock: Clock, opts: { flushIntervalMs?: number; maxBatch?: number; onError?: (err: unknown) => void } = {}) {
    this.#log = log;
    this.#clock = clock;
    this.#maxBatch = opts.maxBatch ?? 1000;
    this.#onError = opts.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), opts.flushIntervalMs ?? 250);
    this.#timer.unref();
  }

  /**
   * Open this instance's spool in `dir` and replay into the log what instances that are gone left
   * there (at once, then every HEARTBEAT_MS). A folder that cannot be written leaves the spool
   * broken (see `spoolBroken`).
   */
  async start(dir: string): Promise<void> {
    if (this.#spool) return;
    const spool = new AccessSpool(dir, this.#onError);
    this.#spool = spool;
    try {
      spool.open();
    } catch (err) {
      this.#onError(err);
    }
    await this.replayOrphans().catch(this.#onError);
    this.#heartbeat = setInterval(() => {
      spool.heartbeat();
      this.replayOrphans().catch(this.#onError);
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /**
   * true when access events cannot be made durable on this machine right now (the spool could not
   * be opened or written): the gateway then serves nothing, as when the backlog is full.
   */
  get spoolBroken(): boolean {
    const s = this.#spool;
    return s !== null && (s.broken || !s.isOpen);
  }

  /** Append to the log what dead instances left in the spool folder (idempotent); how many events. */
  replayOrphans(): Promise<number> {
    const spool = this.#spool;
    if (spool === null) return Promise.resolve(0);
    this.#replaying ??= (async () => {
      let n = 0;
      try {
        for (const o of orphanSpools(spool.dir)) {
          const events = readSpool(o.files).map(spooledEvent);
          for (let i = 0; i < events.length; i += this.#maxBatch) n += await this.#log.recordMissing(events.slice(i, i + this.#maxBatch));
          discardSpool(spool.dir, o.instance, o.files);
        }
      } finally {
        this.#replaying = null;
      }
      return n;
    })();
    return this.#replaying;
  }

  push(ctx: RequestContext, entry: AuditEntry): void {
    const at = this.#clock.now();
    const id = newId('evt', at.getTime());
    this.#spool?.event(id, at.getTime(), ctx, entry);
    this.#pending.push({ id, ctx, entry, at, requests: 1 });
    this.#pendingRequests++;
    this.#maybeFlush();
  }

  /**
   * Queue one request of a grouped access event. `key` names everything the requests of one
   * event share; `create` gives the event (its context and entry, from this first request) only
   * when no event with that key waits yet.
   */
  pushGrouped(key: string, request: AccessRequest, create: () => { ctx: RequestContext; entry: AuditEntry }): void {
    if (this.addToGroup(key, request.at, request.request_id, request.path, request.ip)) return;
    const c = create();
    const g: AccessGroup = { id: newId('evt', request.at), n: ++this.#groupNo, ctx: c.ctx, entry: c.entry, ats: [], ids: [], paths: [], ips: [] };
    this.#spool?.group(g.n, g.id, g.ctx, g.entry, request.at, request.request_id, request.path, request.ip);
    this.#groups.set(key, g);
    this.#add(key, g, request.at, request.request_id, request.path, request.ip);
  }

  /** Queue one request into the waiting event with this key; false when there is none (then pushGrouped). */
  addToGroup(key: string, at: number, requestId: string, path: string, ip: string | null): boolean {
    const g = this.#groups.get(key);
    if (g === undefined) return false;
    this.#spool?.request(g.n, at, requestId, path, ip);
    this.#add(key, g, at, requestId, path, ip);
    return true;
  }

  #add(key: string, g: AccessGroup, at: number, requestId: string, path: string, ip: string | null): void {
    const n = g.ats.length;
    g.ats.push(at);
    g.ids.push(requestId);
    g.paths.push(n > 0 && g.paths[n - 1] === path ? g.paths[n - 1] : path);
    g.ips.push(n > 0 && g.ips[n - 1] === ip ? g.ips[n - 1] : ip);
    this.#grouped++;
    if (n + 1 >= MAX_GROUPED_REQUESTS) {
      this.#groups.delete(key);
      this.#grouped -= n + 1;
      this.#pendingRequests += n + 1;
      this.#pending.push(groupEvent(g));
    }
    this.#maybeFlush();
  }

  /**
   * undefined when the spool holds every access event queued so far (or there is no spool); else
   * a promise that resolves once it does (the end of this event-loop turn). Await it before the
   * answer the events record: an answer sent means its event survives a crash of the process.
   */
  written(): Promise<void> | undefined {
    return this.#spool?.written();
  }

  /** Requests waiting to be written (grouped requests counted one by one). */
  get pending(): number {
    return this.#pendingRequests + this.#grouped;
  }

  #maybeFlush(): void {
    if (this.#pending.length + this.#groups.size >= this.#maxBatch && !this.#fullBatchQueued) {
      this.#fullBatchQueued = true;
      void this.flush().finally(() => (this.#fullBatchQueued = false));
    }
  }

  /**
   * Write what is pending now, in transactions of at most maxBatch events. Events that arrive
   * while it writes wait for the next flush (the interval, or a full batch): draining them in a
   * loop made a transaction — and a rewrite of every touched page — for every few events
   * under load.
   */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      // Everything spooled so far is in memory now and taken below: its segments can go once
      // the database has all of it. What arrives from here on goes to the next segment.
      const sealed = this.#spool?.rotate() ?? -1;
      for (const g of this.#groups.values()) this.#pending.push(groupEvent(g));
      this.#pendingRequests += this.#grouped;
      this.#groups.clear();
      this.#grouped = 0;
      let left = this.#pending.length;
      while (left > 0) {
        const batch = this.#pending.splice(0, Math.min(left, this.#maxBatch));
        left -= batch.length;
        let n = 0;
        for (const e of batch) n += e.requests;
        try {
          // by id: a batch whose commit was lost on the way back is not written twice when retried
          await this.#log.recordMissing(batch);
        } catch (err) {
          // Keep the events for the next attempt rather than dropping them.
          this.#pending.unshift(...batch);
          this.#onError(err);
          return;
        }
        // Counted as waiting until written: the backlog limit must see a batch in flight.
        this.#pendingRequests -= n;
      }
      if (sealed >= 0) this.#spool?.release(sealed);
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    await this.flush();
    await this.#replaying?.catch(() => {});
    // what the database did not take stays in the spool for the next instance
    await this.#spool?.close();
  }
}

interface PendingEvent {
  id: string;
  ctx: RequestContext;
  entry: AuditEntry;
  at: Date;
  /** how many requests the event records */
  requests: number;
}

/** An event read back from a spool, as the buffer would have written it. */
function spooledEvent(e: SpooledEvent): PendingEvent {
  if (e.kind === 'event') return { id: e.id, ctx: e.ctx, entry: e.entry, at: new Date(e.at), requests: 1 };
  return groupEvent(e);
}

function groupEvent(g: Omit<AccessGroup, 'n'>): PendingEvent {
  const n = g.ats.length;
  // Many requests share a millisecond under load: format each instant once.
  let lastMs = Number.NaN;
  let lastIso = '';
  // biome-ignore lint/complexity/noCommaOperator: remembers the last (ms, ISO string) pair in one expression; a group's times repeat
  const isoOf = (ms: number) => (ms === lastMs ? lastIso : ((lastMs = ms), (lastIso = new Date(ms).toISOString())));
  const requests = new Array<{ at: string; request_id: string; path: string; ip: string | null }>(n);
  for (let i = 0; i < n; i++) requests[i] = { at: isoOf(g.ats[i]), request_id: g.ids[i], path: g.paths[i], ip: g.ips[i] };
  return {
    id: g.id,
    requests: n,
    ctx: g.ctx,
    at: new Date(g.ats[0]),
    entry: {
      ...g.entry,
      details: {
        ...g.entry.details,
        count: n,
        first_at: requests[0].at,
        last_at: requests[n - 1].at,
        requests,
      },
    },
  };
}
