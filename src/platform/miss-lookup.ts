/**
 * The database lookup behind an in-memory credential index, for a credential the index does not
 * hold: one created on another instance a moment ago that the change feed has not delivered here
 * yet. Before such a well-formed credential is refused it is looked up once, by its key (the keyed
 * hash) — the exception, never the hot path: a credential the index holds never gets here.
 *
 * Bounded, so a client spraying random well-formed credentials cannot turn each request into a
 * database read:
 *  - one lookup per key at a time: concurrent requests with one credential share it;
 *  - at most `maxPerSecond` lookups begun per second per instance, at most `maxConcurrent` of them
 *    at once and `maxQueued` more waiting; past that the credential is refused without a lookup,
 *    as it was before this existed (a client retrying a moment later gets its lookup);
 *  - a key found absent is answered from memory for `negativeTtlMs` (at most `maxNegative` keys,
 *    the oldest forgotten first). A credential's secret is random and known only once it exists,
 *    so an absent key turns present only if a credential was made from a secret known beforehand
 *    (a seeded demo token): the index calls `forget(key)` when the feed brings such a credential.
 * A lookup that fails (the database does not answer) refuses this request, is reported, and is
 * not remembered.
 */
import type { Clock } from './clock.ts';

export interface MissLookupOptions<T> {
  /** the row for a key, or undefined when there is none (or none that could be admitted) */
  lookup: (key: string) => Promise<T | undefined>;
  clock: Clock;
  negativeTtlMs?: number;
  maxNegative?: number;
  maxConcurrent?: number;
  maxQueued?: number;
  maxPerSecond?: number;
  onError?: (err: unknown) => void;
}

const NONE: Promise<undefined> = Promise.resolve(undefined);

export class MissLookup<T> {
  readonly #lookup: (key: string) => Promise<T | undefined>;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxNegative: number;
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #maxPerSecond: number;
  readonly #onError: (err: unknown) => void;
  /** key → until when (epoch ms) it is known absent; insertion order is age order */
  readonly #absent = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<T | undefined>>();
  /** waiting lookups; each is handed a running slot when one ends */
  readonly #queue: (() => void)[] = [];
  #running = 0;
  /** lookups begun in the current one-second window, and when it began (epoch ms) */
  #begun = 0;
  #windowStart = Number.NEGATIVE_INFINITY;
  /** what it did, for tests and diagnostics */
  readonly counts = { lookups: 0, absentHits: 0, shed: 0, failed: 0 };

  constructor(o: MissLookupOptions<T>) {
    this.#lookup = o.lookup;
    this.#clock = o.clock;
    this.#ttlMs = o.negativeTtlMs ?? 30_000;
    this.#maxNegative = o.maxNegative ?? 10_000;
    this.#maxConcurrent = o.maxConcurrent ?? 4;
    this.#maxQueued = o.maxQueued ?? 64;
    this.#maxPerSecond = o.maxPerSecond ?? 100;
    this.#onError = o.onError ?? (() => {});
  }

  /** The row for `key` from the database, or undefined: absent, remembered absent, or shed under load. */
  get(key: string): Promise<T | undefined> {
    const until = this.#absent.get(key);
    if (until !== undefined) {
      if (this.#clock.nowMs() < until) {
        this.counts.absentHits++;
        return NONE;
      }
      this.#absent.delete(key);
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const now = this.#clock.nowMs();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#begun = 0;
    }
    if (this.#begun >= this.#maxPerSecond || (this.#running >= this.#maxConcurrent && this.#queue.length >= this.#maxQueued)) {
      this.counts.shed++;
      return NONE;
    }
    this.#begun++;
    const p = this.#run(key);
    this.#inFlight.set(key, p);
    return p;
  }

  /** The key now names a credential (the feed brought it): never answer it from the absent set. */
  forget(key: string): void {
    this.#absent.delete(key);
  }

  async #run(key: string): Promise<T | undefined> {
    if (this.#running < this.#maxConcurrent) this.#running++;
    else await new Promise<void>((resolve) => this.#queue.push(resolve)); // a slot is handed over
    try {
      this.counts.lookups++;
      const row = await this.#lookup(key);
      if (row === undefined) this.#rememberAbsent(key);
      return row;
    } catch (err) {
      this.counts.failed++;
      this.#onError(err);
      return undefined;
    } finally {
      this.#inFlight.delete(key);
      const next = this.#queue.shift();
      if (next !== undefined) next();
      else this.#running--;
    }
  }

  #rememberAbsent(key: string): void {
    if (this.#absent.size >= this.#maxNegative) {
      const oldest = this.#absent.keys().next();
      if (!oldest.done) this.#absent.delete(oldest.value);
    }
    this.#absent.set(key, this.#clock.nowMs() + this.#ttlMs);
  }
}
