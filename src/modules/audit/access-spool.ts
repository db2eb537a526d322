/**
 * The access-event spool: access events made durable on this machine the moment they happen,
 * before the response that they record is sent, and before the database has them.
 *
 * The gateway writes access events to the database in batches (AuditBuffer), and an event waits
 * in memory for its batch — for up to one flush interval, or for as long as the database is away.
 * Each one is also appended here first, one line per event or request. The lines of one
 * event-loop turn go out together, one write(2) when the turn ends (setImmediate), and the
 * gateway sends no answer before the write that holds its event (`written()`): once written, a
 * crash of the process cannot lose it (the file is in the kernel's page cache), and the file is
 * fdatasync'd within SYNC_WINDOW_MS of the write (group commit, off the response path), so a
 * crash of the machine loses at most that window. (One write(2) per request cost ~4 % of the
 * gateway's CPU under load; one per turn serves the 10–30 requests a loaded turn admits.)
 *
 * Files (in DATA_DIR/access-spool): each running instance holds `<instance>.lock` and appends to
 * `<instance>.<segment>.spool`. A flush seals the segment it takes the events of and starts the
 * next; once the database has every event of the sealed segments they are deleted. What an
 * instance leaves behind when it dies (or stops while the database is away) is replayed into the
 * audit log by the next instance that starts on that DATA_DIR, and by every running one every
 * HEARTBEAT_MS: the segments of an instance whose lock is gone, whose process is gone (same
 * host), or whose lock has not been refreshed for STALE_LOCK_MS (another host on a shared
 * folder). Replays are idempotent: every event carries its id from the moment it is spooled, and
 * only the ids the log does not hold yet are appended — a batch that committed just before the
 * crash is not written twice, however many instances replay the same files.
 */
import { closeSync, existsSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, close as closeFd } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditEntry } from './audit-entry.ts';

/**
 * fdatasync at most this long after a write: what a crash of the machine can lose. One call costs
 * ~0.1 ms of CPU and a journal commit; every 5 ms under load that measured a few per cent of the
 * gateway's throughput, every 20 ms a fraction of one.
 */
export const SYNC_WINDOW_MS = 20;
/** how often a live instance refreshes its lock and looks for what dead ones left */
export const HEARTBEAT_MS = 10_000;
/** a lock of another host not refreshed for this long belongs to an instance that is gone */
export const STALE_LOCK_MS = 60_000;

/** One event read back from a spool: a single event, or a grouped one with its requests. */
export type SpooledEvent =
  | { kind: 'event'; id: string; at: number; ctx: RequestContext; entry: AuditEntry }
  | { kind: 'group'; id: string; ctx: RequestContext; entry: AuditEntry; ats: number[]; ids: string[]; paths: string[]; ips: (string | null)[] };

interface LockInfo {
  host: string;
  pid: number;
}

/** Spools open in this process, by instance id (several apps may share a process: tests). */
const LIVE = new Set<string>();
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64) || 'host';

export class AccessSpool {
  readonly dir: string;
  readonly instance: string;
  readonly #onError: (err: unknown) => void;
  #fd = -1;
  #segment = 0;
  #bytes = 0;
  /** segments written and sealed, not yet released (their events may not all be in the database) */
  #sealed: number[] = [];
  #syncTimer: NodeJS.Timeout | null = null;
  #syncing = false;
  /** fdatasync and close calls, one after another (never close a segment under a running sync) */
  #ops: Promise<void> = Promise.resolve();
  #dirty = false;
  #broken: unknown = null;
  #closed = false;
  /** lines queued in this event-loop turn, written together by writePending() */
  #batch: string[] = [];
  /** resolved when the lines queued so far are written (made on demand by written()) */
  #batchWritten: PromiseWithResolvers<void> | null = null;
  readonly #endOfTurn = () => this.writePending();

  constructor(dir: string, onError: (err: unknown) => void = () => {}) {
    this.dir = dir;
    this.instance = `${HOST}~${process.pid}~${randomBytes(4).toString('hex')}`;
    this.#onError = onError;
  }

  /** Takes the lock and opens the first segment. Throws when the folder cannot be written. */
  open(): void {
    LIVE.add(this.instance);
    this.#openSegment();
  }

  /** The last write failed (disk full, I/O error): events are not durable until a reopen succeeds. */
  get broken(): boolean {
    return this.#broken !== null;
  }

  get isOpen(): boolean {
    return this.#fd >= 0;
  }

  // ---- appending (the request path) ---------------------------------------------------------

  /** A single event: written at once (with whatever this turn queued before it). */
  event(id: string, at: number, ctx: RequestContext, entry: AuditEntry): void {
    this.#write(`{"e":${JSON.stringify(id)},"at":${at},"ctx":${JSON.stringify(ctx)},"entry":${JSON.stringify(entry)}}\n`);
    this.writePending();
  }

  /** A new grouped event (`n` numbers it in this instance's files) and its first request. */
  group(n: number, id: string, ctx: RequestContext, entry: AuditEntry, at: number, requestId: string, reqPath: string, ip: string | null): void {
    this.#write(`{"g":${n},"id":${JSON.stringify(id)},"ctx":${JSON.stringify(ctx)},"entry":${JSON.stringify(entry)}}\n${requestLine(n, at, requestId, reqPath, ip)}`);
  }

  /**
   * A new fan-out group `n` (a read across many tenants): its events, one per tenant, in one
   * line; its requests follow as `request` lines, each shared by every event of the group.
   */
  fanOut(n: number, ctx: RequestContext, eventIds: readonly string[], entries: readonly AuditEntry[]): void {
    this.#write(`{"f":${n},"ctx":${JSON.stringify(ctx)},"ids":${JSON.stringify(eventIds)},"entries":${JSON.stringify(entries)}}\n`);
  }

  /** The segment being written (what `rotate` seals next). */
  get segment(): number {
    return this.#segment;
  }

  /** One more request of grouped event `n`. */
  request(n: number, at: number, requestId: string, reqPath: string, ip: string | null): void {
    this.#write(requestLine(n, at, requestId, reqPath, ip));
  }

  /** Queue a line for the write at the end of this turn. */
  #write(text: string): void {
    if (this.#fd < 0) return;
    if (this.#batch.push(text) === 1) setImmediate(this.#endOfTurn);
  }

  /**
   * undefined when every line queued so far is written; else a promise that resolves once it is
   * (at the end of this turn). The gateway awaits it before it answers.
   */
  written(): Promise<void> | undefined {
    if (this.#batch.length === 0) return undefined;
    return (this.#batchWritten ??= Promise.withResolvers<void>()).promise;
  }

  /** Write the queued lines now, with one write(2). */
  writePending(): void {
    const lines = this.#batch;
    if (lines.length === 0) return;
    this.#batch = [];
    const waiting = this.#batchWritten;
    this.#batchWritten = null;
    try {
      if (this.#fd < 0) return;
      const text = lines.length === 1 ? lines[0] : lines.join('');
      try {
        const n = writeSync(this.#fd, text);
        const want = Buffer.byteLength(text);
        if (n !== want) throw new Error(`short write to the access spool (${n} of ${want} bytes)`);
        this.#bytes += n;
      } catch (err) {
        this.#fail(err);
        return;
      }
      this.#dirty = true;
      if (this.#syncTimer === null && !this.#syncing) this.#scheduleSync();
    } finally {
      // a failed write is reported by `broken` (the gateway then refuses new requests); the
      // answers that waited for it are not held forever
      waiting?.resolve();
    }
  }

  #fail(err: unknown): void {
    if (this.#broken === null) this.#onError(err);
    this.#broken = err;
  }

  #scheduleSync(): void {
    this.#syncTimer = setTimeout(() => this.#sync(), SYNC_WINDOW_MS);
    this.#syncTimer.unref();
  }

  #chain(op: (done: () => void) => void): void {
    this.#ops = this.#ops.then(() => new Promise<void>((resolve) => op(resolve)));
  }

  /** Group commit: one fdatasync for every write since the last one, on the thread pool. */
  #sync(): void {
    this.#syncTimer = null;
    const fd = this.#fd;
    if (!this.#dirty || fd < 0) return;
    this.#dirty = false;
    this.#syncing = true;
    this.#chain((done) =>
      fdatasync(fd, (err) => {
        this.#syncing = false;
        done();
        if (this.#closed) return;
        if (err && fd === this.#fd) this.#fail(err);
        if (this.#dirty && this.#syncTimer === null) this.#scheduleSync();
      }),
    );
  }

  // ---- segments -----------------------------------------------------------------------------

  /**
   * Seal the segment being written (when anything was written to it) and start the next; returns
   * the newest sealed segment to `release` once the database holds every event taken so far, or
   * -1 when none. Synchronous: call it in the same turn as taking the events out of memory.
   * A broken spool tries to open a fresh segment here.
   */
  rotate(): number {
    if (this.#closed) return this.#sealed.at(-1) ?? -1;
    // what this turn queued belongs to the events being taken: into the segment being sealed
    this.writePending();
    if (this.#fd < 0 || this.#broken !== null) {
      if (this.#fd >= 0) this.#sealCurrent();
      try {
        this.#openSegment();
        this.#broken = null;
      } catch (err) {
        this.#fail(err);
      }
      return this.#sealed.at(-1) ?? -1;
    }
    if (this.#bytes > 0) {
      this.#sealCurrent();
      try {
        this.#openSegment(false);
      } catch (err) {
        this.#fail(err);
      }
    }
    return this.#sealed.at(-1) ?? -1;
  }

  #sealCurrent(): void {
    const fd = this.#fd;
    this.#fd = -1;
    this.#sealed.push(this.#segment);
    this.#dirty = false;
    // its last writes reach the disk before it is closed, off the response path
    this.#chain((done) => fdatasync(fd, () => closeFd(fd, () => done())));
  }

  /**
   * (Re)creates the folder and the lock, then opens the next segment. A rotation (`always`
   * false) writes the lock only when it is gone: rewriting it costs ~0.4 ms of the event loop on
   * ext4 (a truncated file is flushed when it closes), four times a second under load, where
   * looking for it costs ~3 µs; a lock or folder removed under a live instance is still back by
   * the next rotation.
   */
  #openSegment(always = true): void {
    const lock = this.#lockPath();
    if (always || !existsSync(lock)) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(lock, JSON.stringify({ host: HOST, pid: process.pid } satisfies LockInfo) + '\n');
    }
    this.#segment++;
    this.#fd = openSync(this.#segmentPath(this.#segment), 'a', 0o600);
    this.#bytes = 0;
  }

  /** Every event of the sealed segments up to `upTo` is in the database: delete them. */
  release(upTo: number): void {
    const keep: number[] = [];
    for (const s of this.#sealed) {
      if (s > upTo) {
        keep.push(s);
        continue;
      }
      try {
        rmSync(this.#segmentPath(s), { force: true });
      } catch (err) {
        this.#onError(err);
      }
    }
    this.#sealed = keep;
  }

  /**
   * Stop: the last writes are synced; the lock goes, so what is left (events the database did not
   * take) is replayed by the next instance. Call after the last flush and its `release`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.writePending();
    this.#closed = true;
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
    await this.#ops;
    if (this.#fd >= 0) {
      try {
        fdatasyncSync(this.#fd);
      } catch {
        // nothing left to do about it
      }
      closeSync(this.#fd);
      this.#fd = -1;
      if (this.#bytes === 0) rmSync(this.#segmentPath(this.#segment), { force: true });
    }
    rmSync(this.#lockPath(), { force: true });
    LIVE.delete(this.instance);
  }

  /** The lock's mtime says this instance is alive (for instances on other hosts sharing the folder). */
  heartbeat(): void {
    if (this.#closed) return;
    const now = new Date();
    try {
      utimesSync(this.#lockPath(), now, now);
    } catch (err) {
      // the lock went (the folder was cleaned up under us): the next rotation writes it again
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#onError(err);
      else this.#fail(err);
    }
  }

  #lockPath(): string {
    return path.join(this.dir, `${this.instance}.lock`);
  }

  #segmentPath(n: number): string {
    return path.join(this.dir, `${this.instance}.${n}.spool`);
  }
}

function requestLine(n: number, at: number, requestId: string, reqPath: string, ip: string | null): string {
  return `{"r":${n},"at":${at},"q":${JSON.stringify(requestId)},"p":${JSON.stringify(reqPath)},"ip":${ip === null ? 'null' : JSON.stringify(ip)}}\n`;
}

// ---- what dead instances left -------------------------------------------------------------------

/** The instances in `dir` that are gone but left spooled events, with their files. */
export function orphanSpools(dir: string, now: number = Date.now()): { instance: string; files: string[] }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const locks = new Set(names.filter((n) => n.endsWith('.lock')).map((n) => n.slice(0, -'.lock'.length)));
  const segments = new Map<string, string[]>();
  for (const n of names) {
    const m = /^(.+)\.(\d+)\.spool$/.exec(n);
    if (!m) continue;
    let list = segments.get(m[1]);
    if (!list) segments.set(m[1], (list = []));
    list.push(n);
  }
  const out: { instance: string; files: string[] }[] = [];
  for (const [instance, files] of segments) {
    if (LIVE.has(instance) || (locks.has(instance) && lockAlive(dir, instance, now))) continue;
    files.sort((a, b) => segmentNo(a) - segmentNo(b));
    out.push({ instance, files: files.map((f) => path.join(dir, f)) });
  }
  // a lock whose instance is gone and left no segment (killed before it wrote any) goes too
  for (const instance of locks) if (!segments.has(instance) && !lockAlive(dir, instance, now)) rmSync(path.join(dir, `${instance}.lock`), { force: true });
  return out;
}

function segmentNo(file: string): number {
  return Number(/\.(\d+)\.spool$/.exec(file)?.[1] ?? 0);
}

function lockAlive(dir: string, instance: string, now: number): boolean {
  if (LIVE.has(instance)) return true;
  const [host, pidText] = instance.split('~');
  const pid = Number(pidText);
  if (host !== HOST) {
    try {
      return now - statSync(path.join(dir, `${instance}.lock`)).mtimeMs < STALE_LOCK_MS;
    } catch {
      return false;
    }
  }
  // this host: this process holds only what LIVE says; another process is alive or not
  if (pid === process.pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The events in one instance's files, in the order they were spooled. A line that does not parse
 * (a write torn by a crash of the machine) is skipped, as is a request whose event header is lost.
 */
export function readSpool(files: string[]): SpooledEvent[] {
  const out: SpooledEvent[] = [];
  const groups = new Map<number, Extract<SpooledEvent, { kind: 'group' }>>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // replayed and deleted by another instance meanwhile
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof o.r === 'number') {
        const g = groups.get(o.r);
        if (!g || typeof o.at !== 'number' || typeof o.q !== 'string' || typeof o.p !== 'string') continue;
        g.ats.push(o.at);
        g.ids.push(o.q);
        g.paths.push(o.p);
        g.ips.push(typeof o.ip === 'string' ? o.ip : null);
      } else if (typeof o.f === 'number' && o.ctx && Array.isArray(o.ids) && Array.isArray(o.entries) && o.ids.length === o.entries.length) {
        // one event per tenant, all sharing the requests that follow (the same arrays)
        const head = { kind: 'group' as const, id: '', ctx: o.ctx as RequestContext, entry: { action: '' } as AuditEntry, ats: [] as number[], ids: [] as string[], paths: [] as string[], ips: [] as (string | null)[] };
        groups.set(o.f, head);
        const ids = o.ids as string[];
        for (const [i, entry] of (o.entries as AuditEntry[]).entries()) out.push({ ...head, id: ids[i], entry });
      } else if (typeof o.g === 'number' && typeof o.id === 'string' && o.ctx && o.entry) {
        const g = { kind: 'group' as const, id: o.id, ctx: o.ctx as RequestContext, entry: o.entry as AuditEntry, ats: [], ids: [], paths: [], ips: [] };
        groups.set(o.g, g);
        out.push(g);
      } else if (typeof o.e === 'string' && typeof o.at === 'number' && o.ctx && o.entry) {
        out.push({ kind: 'event', id: o.e, at: o.at, ctx: o.ctx as RequestContext, entry: o.entry as AuditEntry });
      }
    }
  }
  return out.filter((e) => e.kind === 'event' || e.ats.length > 0);
}

/** Delete what an orphan left once the audit log holds it. */
export function discardSpool(dir: string, instance: string, files: string[]): void {
  for (const f of files) rmSync(f, { force: true });
  rmSync(path.join(dir, `${instance}.lock`), { force: true });
}
