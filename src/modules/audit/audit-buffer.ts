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

/** How often a draining stop tries the database again (see drainBy). */
const DRAIN_RETRY_MS = 250;

/** Requests per grouped event at most (a busier group continues in a new event). */
export const MAX_GROUPED_REQUESTS = 500;

/**
 * How long a read across many tenants waits for more of the same before its events are written:
 * a partner's consolidated view touches every customer it manages, and its person reloads it.
 */
export const FAN_OUT_WINDOW_MS = 5_000;

/**
 * One read that drew on many tenants (a partner's consolidated view): an event per tenant, each
 * for that tenant's own log, and one list of requests they all share. Spooled as one line with
 * every event and one line per request, not one per tenant and request.
 */
interface FanOutGroup {
  n: number;
  ctx: RequestContext;
  /** the events' ids, from the first request on (a replay skips those already written) */
  eventIds: string[];
  entries: AuditEntry[];
  ats: number[];
  ids: string[];
  paths: string[];
  ips: (string | null)[];
  /** the spool segment its first line is in: kept until the group is written */
  segment: number;
  /** when it began (monotonic ms) */
  since: number;
}

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
  #fanOuts = new Map<string, FanOutGroup>();
  /** events held in #fanOuts (one per tenant, whatever the number of requests) */
  #fanOutEvents = 0;
  readonly #fanOutWindowMs: number;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #fullBatchQueued = false;
  #spool: AccessSpool | null = null;
  #groupNo = 0;
  #heartbeat: NodeJS.Timeout | null = null;
  #replaying: Promise<number> | null = null;

  constructor(log: AuditBatchWriter, clock: Clock, opts: { flushIntervalMs?: number; maxBatch?: number; fanOutWindowMs?: number; onError?: (err: unknown) => void } = {}) {
    this.#log = log;
    this.#clock = clock;
    this.#maxBatch = opts.maxBatch ?? 1000;
    this.#fanOutWindowMs = opts.fanOutWindowMs ?? FAN_OUT_WINDOW_MS;
    this.#onError = opts.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flushDue(), opts.flushIntervalMs ?? 250);
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

  /**
   * Queue one request that drew on many tenants: `key` names what its events share (the caller
   * and the view), `entries` are its events, one per tenant. The same read again within
   * FAN_OUT_WINDOW_MS (at most MAX_GROUPED_REQUESTS times) — the same key and the same events —
   * is one more request of them; the same key with other events (a customer gone, a link
   * narrowed) writes the waiting group and starts another.
   */
  pushFanOut(key: string, request: AccessRequest, ctx: RequestContext, entries: AuditEntry[]): void {
    if (entries.length === 0) return;
    let g = this.#fanOuts.get(key);
    if (g !== undefined && !sameEntries(g.entries, entries)) {
      this.#takeFanOut(key, g);
      g = undefined;
    }
    if (g === undefined) {
      g = { n: ++this.#groupNo, ctx, entries, eventIds: entries.map(() => newId('evt', request.at)), ats: [], ids: [], paths: [], ips: [], segment: this.#spool?.segment ?? -1, since: performance.now() };
      this.#spool?.fanOut(g.n, g.ctx, g.eventIds, g.entries);
      this.#fanOuts.set(key, g);
      this.#fanOutEvents += g.entries.length;
    }
    this.#spool?.request(g.n, request.at, request.request_id, request.path, request.ip);
    const n = g.ats.length;
    g.ats.push(request.at);
    g.ids.push(request.request_id);
    g.paths.push(n > 0 && g.paths[n - 1] === request.path ? g.paths[n - 1] : request.path);
    g.ips.push(n > 0 && g.ips[n - 1] === request.ip ? g.ips[n - 1] : request.ip);
    if (n + 1 >= MAX_GROUPED_REQUESTS) {
      this.#takeFanOut(key, g);
      this.#maybeFlush();
    }
  }

  /** A fan-out group's events into the next batch: one per tenant, one row each. */
  #takeFanOut(key: string, g: FanOutGroup): void {
    this.#fanOuts.delete(key);
    this.#fanOutEvents -= g.entries.length;
    this.#pendingRequests += g.entries.length;
    for (const e of fanOutEvents(g)) this.#pending.push({ ...e, requests: 1 });
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
    return this.#pendingRequests + this.#grouped + this.#fanOutEvents;
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
    return this.#flush(true);
  }

  /**
   * What the interval writes: the same, except reads across many tenants younger than the
   * fan-out window, which stay in memory (the spool keeps the segments they began in).
   */
  flushDue(): Promise<void> {
    return this.#flush(false);
  }

  #flush(all: boolean): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      // Everything spooled so far is in memory now and taken below: its segments can go once
      // the database has all of it. What arrives from here on goes to the next segment.
      let sealed = this.#spool?.rotate() ?? -1;
      const now = performance.now();
      for (const [key, g] of this.#fanOuts) {
        if (all || now - g.since >= this.#fanOutWindowMs) this.#takeFanOut(key, g);
        else if (g.segment >= 0) sealed = Math.min(sealed, g.segment - 1);
      }
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

  /**
   * A stop that may take until `deadline` (ms since the epoch; a SIGTERM's grace period): close()
   * then writes again and again, while the database refuses, until every event is in or the time
   * is up — a failover of the database takes seconds, and what is written there no longer depends
   * on this instance's DATA_DIR, which an orchestrator may delete with the pod.
   */
  drainBy(deadline: number): void {
    this.#drainDeadline = deadline;
  }

  #drainDeadline = 0;

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    await this.flush();
    while (this.pending > 0 && Date.now() < this.#drainDeadline) {
      await new Promise((r) => setTimeout(r, Math.min(DRAIN_RETRY_MS, this.#drainDeadline - Date.now())));
      await this.flush();
    }
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

/** The same events: tenant, action, target and details (flat values), in the same order. */
function sameEntries(a: readonly AuditEntry[], b: readonly AuditEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.tenantId !== y.tenantId || x.action !== y.action || x.targetId !== y.targetId || x.partnerId !== y.partnerId || x.ban !== y.ban) return false;
    const dx = x.details ?? {};
    const dy = y.details ?? {};
    const kx = Object.keys(dx);
    if (kx.length !== Object.keys(dy).length) return false;
    for (const k of kx) {
      const v = dx[k];
      if (v !== dy[k] && JSON.stringify(v) !== JSON.stringify(dy[k])) return false;
    }
  }
  return true;
}

/** The events of a fan-out group, one per tenant, each listing every request of the group. */
function fanOutEvents(g: { ctx: RequestContext; eventIds: readonly string[]; entries: readonly AuditEntry[]; ats: number[]; ids: string[]; paths: string[]; ips: (string | null)[] }): PendingEvent[] {
  if (g.ats.length === 0) return [];
  // the requests' list once, shared by every tenant's event
  const one = groupEvent({ id: '', ctx: g.ctx, entry: { action: '' }, ats: g.ats, ids: g.ids, paths: g.paths, ips: g.ips });
  const shared = one.entry.details ?? {};
  return g.entries.map((entry, i) => ({ id: g.eventIds[i], ctx: g.ctx, at: one.at, requests: one.requests, entry: { ...entry, details: { ...entry.details, ...shared } } }));
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
