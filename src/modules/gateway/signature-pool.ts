/**
 * Access-token signatures checked on worker threads, so that a stream of tokens the gateway has
 * not seen yet (each one ES256 verification, ~45 µs of CPU) does not queue every other request
 * behind the gateway's one JavaScript thread, and uses the cores the event loop cannot.
 *
 * Jobs are batched: every signature asked for while the event loop handles one round of I/O goes
 * to a worker in one message (at setImmediate), and the worker answers the batch in one message.
 * A message costs the gateway's thread ~13 µs; in batches of 4 or more, under 4 µs a signature
 * (measured: scratch prototype, 1 / 4 / 16 per batch → 13 / 3.5 / 1.1 µs). And it costs the
 * worker a wake-up and the answer's message — on a busy 2-core machine the worker spent ~190 µs
 * of CPU per token in batches of one or two, against ~46 µs for the ES256 check itself. So a
 * worker holds at most three batches (the one it checks, the next ones waiting): what arrives
 * while all are out waits in the queue and leaves when an answer comes back, so the busier the
 * worker, the fuller its batches. A batch holds at most 8 tokens: the worker answers every ~0.5 ms
 * rather than after a whole burst, so the gateway's thread admits and forwards the first requests
 * of a burst while the worker checks the rest, instead of the two taking turns (with batches of up
 * to 256, the cold path of bench:gateway kept 1.50 of 2 cores busy against the bare proxy's 1.62;
 * at 8 tokens, three out, its median throughput was 8.6 % and 5.8 % higher in two runs alternating the
 * two in the same rounds, and ahead in 6 rounds of 10: docs/performance.md). A batch is the
 * tokens themselves in one string (one copy each way rather than a string per part per job).
 *
 * Only the signature leaves the thread: decoding, the algorithm allow-list, `kid`, `typ` and every
 * claim are checked by the caller before and after. Whenever a worker cannot answer — none
 * started yet, it died, it lacks the key, or too many jobs wait — the answer is `null` and the
 * caller checks the signature itself: the pool can make verification slower, never wrong.
 */
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import type { JwsAlg } from './jws-signature.ts';

interface Job {
  kid: string;
  /** the compact JWS (header.payload.signature, base64url: no newline in it); a string is copied as
   * it is, while a Buffer view would carry its whole pooled 8 KB ArrayBuffer through postMessage */
  jws: string;
  resolve: (ok: boolean | null) => void;
}

/** batches a worker holds at once: the one it checks and the next ones (see the header) */
const IN_FLIGHT_PER_WORKER = 3;

interface Slot {
  worker: Worker;
  /** batches sent and not answered, by id */
  inFlight: Map<number, Job[]>;
  jobs: number;
}

export interface SignaturePoolOptions {
  /** worker threads (≥ 1) */
  threads: number;
  /** jobs waiting (queued or in flight) beyond which the caller verifies itself */
  maxPending?: number;
  /** jobs per message at most (a longer queue leaves in several messages, as workers take them) */
  maxBatch?: number;
  onError?: (err: unknown) => void;
  /** the worker's script (tests start one that crashes) */
  workerUrl?: URL;
}

const WORKER_URL = new URL('./signature-worker.ts', import.meta.url);

export class SignaturePool {
  readonly #threads: number;
  readonly #maxPending: number;
  readonly #maxBatch: number;
  readonly #onError: (err: unknown) => void;
  readonly #workerUrl: URL;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #scheduled = false;
  #pending = 0;
  #seq = 0;
  #keys: [string, JwsAlg, KeyObject][] = [];
  #closed = false;
  /** workers that died; past a few, the pool gives up and the caller verifies everything */
  #deaths = 0;

  constructor(o: SignaturePoolOptions) {
    this.#threads = Math.max(1, o.threads);
    this.#maxPending = o.maxPending ?? 4096;
    this.#maxBatch = o.maxBatch ?? 8;
    this.#onError = o.onError ?? (() => {});
    this.#workerUrl = o.workerUrl ?? WORKER_URL;
  }

  /** The published keys; every worker (and every one started later) gets them before any job. */
  setKeys(keys: Iterable<[string, { alg: JwsAlg; key: KeyObject }]>): void {
    this.#keys = [...keys].map(([kid, k]) => [kid, k.alg, k.key]);
    for (const s of this.#slots) s.worker.postMessage({ keys: this.#keys });
  }

  /** Does `jws` (a compact JWS) carry a valid signature by key `kid`: valid / invalid, or null: check it yourself. */
  verify(kid: string, jws: string): Promise<boolean | null> | null {
    if (this.#closed || this.#deaths > 3 || this.#pending >= this.#maxPending) return null;
    return new Promise((resolve) => {
      this.#queue.push({ kid, jws, resolve });
      this.#pending++;
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#onImmediate);
      }
    });
  }

  readonly #onImmediate = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  /** Sends what waits, in batches of at most maxBatch, to workers holding fewer than IN_FLIGHT_PER_WORKER; the rest waits for an answer. */
  #flush(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slot();
      if (slot === null) {
        // no worker could be started: every waiting job is the caller's to check
        const jobs = this.#queue;
        this.#queue = [];
        return this.#settle(jobs, null);
      }
      if (slot.inFlight.size >= IN_FLIGHT_PER_WORKER) return; // sent when an answer comes back
      const jobs = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
      this.#queue = jobs === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
      const id = ++this.#seq;
      slot.inFlight.set(id, jobs);
      slot.jobs += jobs.length;
      const kids = new Array<string>(jobs.length);
      let tokens = jobs[0].jws;
      kids[0] = jobs[0].kid;
      for (let i = 1; i < jobs.length; i++) {
        kids[i] = jobs[i].kid;
        tokens += '\n' + jobs[i].jws;
      }
      slot.worker.postMessage({ id, kids, tokens });
    }
  }

  /** The least busy worker (fewest batches out, then fewest jobs), starting one while fewer than `threads` run. */
  #slot(): Slot | null {
    let best: Slot | null = null;
    for (const s of this.#slots) if (best === null || s.inFlight.size < best.inFlight.size || (s.inFlight.size === best.inFlight.size && s.jobs < best.jobs)) best = s;
    if ((best === null || best.jobs > 0) && this.#slots.length < this.#threads) {
      try {
        best = this.#start();
      } catch (err) {
        this.#deaths++;
        this.#onError(err);
      }
    }
    return best;
  }

  #start(): Slot {
    const worker = new Worker(this.#workerUrl);
    worker.unref(); // never what keeps the process alive
    const slot: Slot = { worker, inFlight: new Map(), jobs: 0 };
    worker.postMessage({ keys: this.#keys });
    worker.on('message', (m: { id: number; results: Uint8Array }) => {
      const jobs = slot.inFlight.get(m.id);
      if (jobs === undefined) return;
      slot.inFlight.delete(m.id);
      slot.jobs -= jobs.length;
      this.#pending -= jobs.length;
      for (let i = 0; i < jobs.length; i++) {
        const r = m.results[i];
        jobs[i].resolve(r === 2 ? null : r === 1);
      }
      // what waited while this worker held two batches
      if (this.#queue.length > 0 && !this.#scheduled) this.#flush();
    });
    const lost = (err: unknown) => {
      if (!this.#slots.includes(slot)) return;
      this.#slots = this.#slots.filter((s) => s !== slot);
      if (!this.#closed) {
        this.#deaths++;
        this.#onError(err);
      }
      for (const jobs of slot.inFlight.values()) this.#settle(jobs, null);
      slot.inFlight.clear();
      // what waited for this worker goes to another (or back to the callers)
      if (!this.#closed && this.#queue.length > 0) this.#flush();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`signature worker exited with code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }

  #settle(jobs: Job[], value: boolean | null): void {
    this.#pending -= jobs.length;
    for (const j of jobs) j.resolve(value);
  }

  /** Workers running (diagnostics and tests). */
  get threads(): number {
    return this.#slots.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots;
    this.#slots = [];
    this.#settle(this.#queue, null);
    this.#queue = [];
    for (const s of slots) {
      for (const jobs of s.inFlight.values()) this.#settle(jobs, null);
      s.inFlight.clear();
    }
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }
}
