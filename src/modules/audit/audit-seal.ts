/**
 * Sealing the audit log: putting events into the hash chain (audit-chain.ts) and moving the head
 * row (audit_head) with them, and walking the chain to verify it. PostgreSQL appends events
 * unsealed and one sealer at a time chains them (seal(), startSealer()); SQLite, with one writer,
 * chains them as it appends (appendSealed()). AuditLog (audit.service.ts) writes through it.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { insertRows, type RowSet } from '../../platform/db/insert-rows.ts';
import { CHAIN_ORDER, chainHash, GENESIS_HASH, verifyChain, type ChainVerdict, type ChainedFields } from './audit-chain.ts';
import { tombstonesBetween } from './audit-retention.repo.ts';

const EVENT_COLUMNS: readonly string[] = CHAIN_ORDER;
/** SQLite: events are chained as they are inserted (one writer). */
const SEALED_ROWSET: RowSet = {
  table: 'audit_events',
  columns: [...EVENT_COLUMNS, 'chain_seq', 'prev_hash', 'hash'],
  pgTypes: [...EVENT_COLUMNS.map(() => 'text'), 'bigint', 'text', 'text'],
};

/** Arbitrary constant: the advisory lock of the one sealer at a time (per database). */
const SEAL_LOCK = 727_019;
/** Events sealed per statement. */
const SEAL_BATCH = 2000;
/** How often each instance offers to seal (only one at a time does: the others find the lock taken and skip). */
export const SEAL_INTERVAL_MS = 200;

export class AuditSealer {
  readonly #db: Db;
  readonly #clock: Clock;
  #sealTimer: NodeJS.Timeout | null = null;
  #sealing: Promise<unknown> = Promise.resolve();
  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * SQLite (one writer): chain the rows (EVENT_COLUMNS order) on from the head row, insert them
   * sealed, and move the head to the last of them, in the caller's transaction.
   */
  async appendSealed(trx: Tx, rows: unknown[][]): Promise<void> {
    const head = await trx.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) throw new Error('audit_head is missing: run the migrations');
    let prev = head.last_hash;
    let pos = Number(head.last_seq);
    for (const row of rows) {
      const hash = chainHash(prev, rowFields(row));
      row.push(++pos, prev, hash);
      prev = hash;
    }
    // Raw multi-row inserts: a Kysely insert of hundreds of rows × 20 columns cost more to
    // build than the database spent writing it (the gateway audits every cross-tenant request).
    await insertRows(trx, this.#db.dialect, SEALED_ROWSET, rows);
    await trx.updateTable('audit_head').set({ last_seq: pos, last_hash: prev, updated_at: this.#clock.now().toISOString() }).where('id', '=', 1).execute();
  }

  /**
   * PostgreSQL: put the committed events that are not in the chain yet into it, in the order the
   * sealer finds them (by seq), continuing from the head; the head moves in the same transaction.
   * One sealer at a time per database — guarantee: a transaction-scoped advisory lock; `wait`
   * false (the timers) tries it and skips when another instance is sealing, so no sealer ever
   * queues; verify() waits for it. A transaction still open is simply not seen, and its events
   * are sealed by a later pass: the chain's order is the sealing order (chain_seq), not seq.
   * Returns how many events were sealed. SQLite seals as it appends: nothing to do.
   */
  seal(opts: { wait?: boolean } = {}): Promise<number> {
    if (this.#db.dialect !== 'postgres') return Promise.resolve(0);
    const run = asSystem(async () => {
      let total = 0;
      for (;;) {
        const n = await this.#db.kysely.transaction().execute(async (trx) => {
          if (opts.wait) await sql`select pg_advisory_xact_lock(${SEAL_LOCK})`.execute(trx);
          else if (!(await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${SEAL_LOCK}) as ok`.execute(trx)).rows[0]?.ok) return -1;
          return this.#sealBatch(trx);
        });
        if (n < 0) return total;
        total += n;
        if (n < SEAL_BATCH) return total;
      }
    });
    this.#sealing = run.catch(() => {});
    return run;
  }

  async #sealBatch(trx: Tx): Promise<number> {
    const head = await trx.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) throw new Error('audit_head is missing: run the migrations');
    const events = await trx
      .selectFrom('audit_events')
      .select(['seq', ...CHAIN_ORDER])
      .where('chain_seq', 'is', null)
      .orderBy('seq')
      .limit(SEAL_BATCH)
      .execute();
    if (events.length === 0) return 0;
    let prev = head.last_hash;
    let pos = Number(head.last_seq);
    const seqs: number[] = [];
    const positions: number[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const e of events) {
      const hash = chainHash(prev, e as ChainedFields);
      seqs.push(Number(e.seq));
      positions.push(++pos);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await sql`update audit_events e set chain_seq = v.pos, prev_hash = v.prev, hash = v.hash
      from unnest(${seqs}::bigint[], ${positions}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(seq, pos, prev, hash)
      where e.seq = v.seq and e.chain_seq is null`.execute(trx);
    await trx.updateTable('audit_head').set({ last_seq: pos, last_hash: prev, updated_at: this.#clock.now().toISOString() }).where('id', '=', 1).execute();
    return events.length;
  }

  /** Offer to seal every SEAL_INTERVAL_MS (PostgreSQL); errors go to `onError`. */
  startSealer(onError: (err: unknown) => void, intervalMs = SEAL_INTERVAL_MS): void {
    if (this.#db.dialect !== 'postgres' || this.#sealTimer) return;
    let running = false;
    this.#sealTimer = setInterval(() => {
      if (running) return;
      running = true;
      this.seal()
        .catch(onError)
        .finally(() => (running = false));
    }, intervalMs);
    this.#sealTimer.unref();
  }

  async stopSealer(): Promise<void> {
    if (this.#sealTimer) clearInterval(this.#sealTimer);
    this.#sealTimer = null;
    await this.#sealing;
  }

  /**
   * Seal what has committed (PostgreSQL), then walk the chain in chain order up to the head and
   * check that it ends exactly at the head: an altered, removed or reordered event breaks the
   * chain; removing the newest events leaves a chain that verifies but stops short of the head.
   * The head is read after sealing, so events appended while the walk runs are not judged.
   * Reported positions (brokenAtSeq) are the events' seq.
   */
  async verify(): Promise<ChainVerdict> {
    await this.seal({ wait: true });
    const head = await this.#db.kysely.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) return { ok: false, checked: 0, brokenAtSeq: 0, reason: 'the audit head row is missing' };
    const headPos = Number(head.last_seq);
    let prev = GENESIS_HASH;
    let after = 0;
    let lastSeq = 0;
    let checked = 0;
    for (;;) {
      const rows = await this.#db.kysely
        .selectFrom('audit_events')
        .selectAll()
        .where('chain_seq', '>', after)
        .where('chain_seq', '<=', headPos)
        .orderBy('chain_seq')
        .limit(5000)
        .execute();
      // the retention sweep's tombstones keep the places of deleted events (audit-retention.repo.ts)
      const upTo = rows.length === 5000 ? Number(rows[rows.length - 1].chain_seq) : headPos;
      const tombs = await tombstonesBetween(this.#db.kysely, after, upTo);
      if (rows.length === 0 && tombs.length === 0) break;
      const walk = [
        ...rows.map((r) => ({ ...r, seq: Number(r.seq), pos: Number(r.chain_seq), prev_hash: r.prev_hash ?? '', hash: r.hash ?? '' })),
        ...tombs.map((t) => ({ tombstone: true as const, seq: Number(t.chain_seq), pos: Number(t.chain_seq), prev_hash: t.prev_hash, hash: t.hash })),
      ].sort((a, b) => a.pos - b.pos);
      const verdict = verifyChain(walk, prev);
      if (!verdict.ok) return { ok: false, checked: checked + verdict.checked, brokenAtSeq: verdict.brokenAtSeq, reason: verdict.reason };
      checked += verdict.checked;
      prev = verdict.lastHash;
      after = walk[walk.length - 1].pos;
      lastSeq = walk[walk.length - 1].seq;
    }
    if (after !== headPos) {
      return {
        ok: false,
        checked,
        brokenAtSeq: lastSeq,
        // chain positions (chain_seq), named seq as `audit verify` always has
        reason: `the chain ends at seq ${after} but the audit head records seq ${headPos} (the newest events were removed)`,
      };
    }
    if (prev !== head.last_hash) {
      return { ok: false, checked, brokenAtSeq: lastSeq, reason: 'the newest event does not match the audit head (it was replaced)' };
    }
    return { ok: true, checked };
  }
}

function rowFields(row: readonly unknown[]): ChainedFields {
  const f: Record<string, unknown> = {};
  for (let i = 0; i < EVENT_COLUMNS.length; i++) f[EVENT_COLUMNS[i]] = row[i];
  return f as unknown as ChainedFields;
}
