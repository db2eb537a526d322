/**
 * Pushes queued Security Event Tokens to each stream's receiver (RFC 8935): POST with
 * `Content-Type: application/secevent+jwt`, the receiver's Authorization header when it gave one.
 * A 2xx (202 Accepted per §2.2) delivers it; a 400 with the §2.4 error JSON (`err`,
 * `description`) is the receiver refusing that SET — kept as rejected, not retried (§2.3); any
 * other answer, or none, is retried with backoff from the same signed SET (same `jti`, so a
 * receiver drops duplicates). Rows are leased like webhook deliveries, so two instances never
 * push the same row at the same time and a crashed instance's lease lapses. The change feed wakes
 * the worker as soon as a SET commits (on every instance); a timer retries what is due.
 */
import { decryptWithSecret } from '../../platform/crypto.ts';
import { mutate, type Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { WakeableLoop } from '../../platform/wakeable-loop.ts';
import type { Clock } from '../../platform/clock.ts';
import type { OutboundClient } from '../../platform/outbound/outbound-http.ts';
import * as repo from './ssf.repo.ts';

/** Attempts of one SET before it is marked failed. */
export const SSF_MAX_ATTEMPTS = 12;

/** Wait before attempt n+1 after n failures: 5 s × 3^(n−1), at most 6 h (about a day in all). */
export function ssfRetryDelayMs(failedAttempts: number): number {
  return Math.min(5_000 * 3 ** Math.max(0, failedAttempts - 1), 6 * 3600_000);
}

/** A receiver's RFC 8935 §2.4 error, in a sentence; null when the body is not one. */
export function receiverError(body: string): string | null {
  try {
    const j = JSON.parse(body) as { err?: unknown; description?: unknown };
    if (typeof j.err !== 'string') return null;
    return `${j.err.slice(0, 60)}${typeof j.description === 'string' ? `: ${j.description.slice(0, 200)}` : ''}`;
  } catch {
    return null;
  }
}

export interface SsfWorkerDeps {
  db: Db;
  clock: Clock;
  outbound: OutboundClient;
  secretKey: string;
  onError: (err: unknown, what: string) => void;
}

const BATCH = 100;

export class SsfWorker {
  readonly #d: SsfWorkerDeps;
  /** one pass at a time per instance; a wake while one runs (a SET may have committed meanwhile) asks for one more */
  readonly #loop: WakeableLoop;

  constructor(d: SsfWorkerDeps) {
    this.#d = d;
    this.#loop = new WakeableLoop(() => this.#deliverDue(), (e) => d.onError(e, 'shared signals delivery'), asSystem);
  }

  start(intervalMs: number): void {
    this.#loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Run a pass now, or once more right after the one running. */
  wake(): void {
    this.#loop.wake();
  }

  /** Push every due SET; returns how many attempts were made. */
  tick(): Promise<number> {
    return this.#loop.run();
  }

  async #deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.#d.clock.now();
      const lease = new Date(now.getTime() + this.#d.outbound.policy.timeoutMs * 2 + 60_000).toISOString();
      const claimed = await mutate(this.#d.db, (trx) => repo.claimDue(this.#d.db, trx, now.toISOString(), lease, BATCH));
      if (claimed.length === 0) return total;
      total += claimed.length;
      await Promise.all(claimed.map((c) => this.#push(c)));
      if (claimed.length < BATCH) return total;
    }
  }

  async #push(d: repo.DeliveryRow): Promise<void> {
    const stream = await repo.findStreamById(this.#d.db.kysely, d.stream_id);
    if (!stream) return;
    const headers: Record<string, string> = { 'content-type': 'application/secevent+jwt', accept: 'application/json' };
    if (stream.authorization_header_sealed) headers.authorization = decryptWithSecret(this.#d.secretKey, stream.authorization_header_sealed);
    const r = await this.#d.outbound.post(stream.endpoint_url, headers, d.set_jwt);
    const now = this.#d.clock.now();
    const n = d.attempts + 1;
    if (r.ok && r.status >= 200 && r.status < 300) {
      await repo.recordAttempt(this.#d.db.kysely, d.id, { status: 'delivered', attempts: n, last_status_code: r.status, last_error: null, locked_until: null, completed_at: now.toISOString() });
      return;
    }
    if (r.ok && r.status === 400) {
      const why = receiverError(r.body) ?? 'answered 400';
      await repo.recordAttempt(this.#d.db.kysely, d.id, { status: 'rejected', attempts: n, last_status_code: 400, last_error: why, locked_until: null, completed_at: now.toISOString() });
      return;
    }
    const last = n >= SSF_MAX_ATTEMPTS;
    await repo.recordAttempt(this.#d.db.kysely, d.id, {
      status: last ? 'failed' : 'pending',
      attempts: n,
      last_status_code: r.ok ? r.status : null,
      last_error: r.ok ? `answered ${r.status}` : `${r.failure}: ${r.detail}`,
      locked_until: null,
      next_attempt_at: last ? d.next_attempt_at : new Date(now.getTime() + ssfRetryDelayMs(n)).toISOString(),
      completed_at: last ? now.toISOString() : null,
    });
  }
}
