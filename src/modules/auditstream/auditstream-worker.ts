/**
 * The delivery loop of audit streaming, on every instance: each active destination that is due is
 * claimed with a lease (one instance sends for it at a time; a crashed instance's lease lapses),
 * gets the next batch of its organization's events after its cursor (at most BATCH, read from the
 * audit log — nothing is queued per destination, so a slow or dead receiver costs no memory and
 * the audit writer never waits for it), and the cursor moves only when the receiver acknowledged
 * the batch. A failure keeps the cursor and waits with backoff: the same events, in the same
 * order, go again once the receiver is back. A full batch is followed at once by the next.
 */
import { decryptWithSecret } from '../../platform/crypto.ts';
import { mutate, type Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { OutboundClient } from '../../platform/outbound/outbound-http.ts';
import { WakeableLoop } from '../../platform/wakeable-loop.ts';
import { chainHeadSeq, orgEventsAfter } from '../audit/index.ts';
import { toWireEvents, type StreamOrg } from './audit-wire.ts';
import { sendBatch } from './audit-senders.ts';
import * as repo from './auditstream.repo.ts';

/** Events per send: bounds a request's size and the memory a destination takes while it is sent. */
export const AUDIT_STREAM_BATCH = 200;
/** Destinations claimed per pass. */
const CLAIM = 20;

/** Wait before the next try after n failures in a row: 1 s × 2^(n−1), at most 5 minutes (a receiver back after a minute is caught up within seconds of it). */
export function auditStreamRetryDelayMs(failures: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, failures - 1), 300_000);
}

export function orgOfDestination(d: Pick<repo.DestinationRow, 'owner_type' | 'owner_id'>): StreamOrg {
  return d.owner_type === 'platform' ? { type: 'platform' } : { type: d.owner_type, id: d.owner_id };
}

export interface AuditStreamWorkerDeps {
  db: Db;
  clock: Clock;
  outbound: OutboundClient;
  secretKey: string;
  hostname: string;
  onError: (err: unknown, what: string) => void;
}

export class AuditStreamWorker {
  readonly #d: AuditStreamWorkerDeps;
  readonly #loop: WakeableLoop;

  constructor(d: AuditStreamWorkerDeps) {
    this.#d = d;
    this.#loop = new WakeableLoop(() => this.#deliverDue(), (e) => d.onError(e, 'audit streaming'), asSystem);
  }

  start(intervalMs: number): void {
    this.#loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Send to every due destination until none is due; returns how many batches were sent (acknowledged or not). */
  tick(): Promise<number> {
    return this.#loop.run();
  }

  async #deliverDue(): Promise<number> {
    let total = 0;
    for (let pass = 0; pass < 1000; pass++) {
      const now = this.#d.clock.now();
      const lease = new Date(now.getTime() + this.#d.outbound.policy.timeoutMs * 2 + 60_000).toISOString();
      // read before the events: every position up to it was committed when it was (the sealer moves it with them)
      const head = await chainHeadSeq(this.#d.db.kysely);
      const claimed = await mutate(this.#d.db, (trx) => repo.claimDue(this.#d.db, trx, now.toISOString(), lease, CLAIM, head));
      if (claimed.length === 0) return total;
      const sent = await Promise.all(claimed.map((c) => this.#deliver(c, head)));
      total += sent.filter((s) => s !== 'idle').length;
      // another pass only while some destination has more waiting (a full batch went through)
      if (!sent.includes('more')) return total;
    }
    return total;
  }

  /** One batch to one destination: 'idle' (nothing new), 'more' (a full batch acknowledged), 'sent' or 'failed'. */
  async #deliver(d: repo.DestinationRow, head: number): Promise<'idle' | 'more' | 'sent' | 'failed'> {
    const { db, clock } = this.#d;
    const org = orgOfDestination(d);
    const rows = await orgEventsAfter(db.kysely, org, Number(d.cursor_seq), AUDIT_STREAM_BATCH);
    if (rows.length === 0) {
      await repo.skipTo(db.kysely, d.id, Number(d.cursor_seq), head);
      return 'idle';
    }
    const events = toWireEvents(rows, org, d.cursor_hash);
    const secret = d.secret_enc ? decryptWithSecret(this.#d.secretKey, d.secret_enc) : null;
    const r = await sendBatch({ kind: d.kind, id: d.id, address: d.address, caPem: d.ca_pem, secret }, org, events, { outbound: this.#d.outbound, hostname: this.#d.hostname, now: clock.now() });
    const now = clock.now().toISOString();
    if (r.ok) {
      const last = rows[rows.length - 1];
      await repo.advanceCursor(
        db.kysely,
        d.id,
        Number(d.cursor_seq),
        { cursor_seq: last.chain_seq, cursor_hash: last.hash, failures: 0, last_error: null, last_delivered_at: now, next_attempt_at: now, locked_until: null },
        rows.length,
      );
      return rows.length === AUDIT_STREAM_BATCH ? 'more' : 'sent';
    }
    const failures = d.failures + 1;
    await repo.updateDestination(db.kysely, d.id, {
      failures,
      last_error: r.error.slice(0, 500),
      last_error_at: now,
      next_attempt_at: new Date(clock.now().getTime() + auditStreamRetryDelayMs(failures)).toISOString(),
      locked_until: null,
    });
    return 'failed';
  }
}
