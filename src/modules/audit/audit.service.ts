/**
 * The audit log: append-only, hash-chained, written in the same transaction as the change it
 * records (record), or in batches off the response path for high-volume access events
 * (AuditBuffer, audit-buffer.ts). Owns the audit_events table; depends only on the platform.
 * AuditLog writes and lists events here; sealing them into the hash chain and verifying it is
 * audit-seal.ts's, naming what they refer to for their readers audit-names.ts's.
 */
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import { insertAtCommit } from '../../platform/db/pg-context-dialect.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { countEvents, gatewayRequestsByDay, heldEventIds, insertUnsealed, listEvents, type AuditFilter } from './audit.repo.ts';
import { CHAIN_ORDER, type ChainVerdict, type ChainedFields } from './audit-chain.ts';
import { AuditSealer } from './audit-seal.ts';
import { AuditNames, type AuditRow, type AuditView } from './audit-names.ts';

import type { AuditEntry } from './audit-entry.ts';
export type { AuditEntry } from './audit-entry.ts';
// writing in batches (audit-buffer.ts), sealing (audit-seal.ts) and naming for readers (audit-names.ts), from where callers import them
export { AuditBuffer, MAX_GROUPED_REQUESTS, type AccessRequest } from './audit-buffer.ts';
export { SEAL_INTERVAL_MS } from './audit-seal.ts';
export { toAuditEventDto, type AuditRow, type AuditView } from './audit-names.ts';

export type { AuditFilter } from './audit.repo.ts';

const EVENT_COLUMNS: readonly string[] = CHAIN_ORDER;

type NewEvent = { id?: string; ctx: RequestContext; entry: AuditEntry; at: Date };

export class AuditLog {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #sealer: AuditSealer;
  readonly #names: AuditNames;
  readonly #onRecord: ((trx: Tx, ctx: RequestContext, entry: AuditEntry) => Promise<void>)[] = [];
  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#sealer = new AuditSealer(db, clock);
    this.#names = new AuditNames(db);
  }

  /**
   * Something else to write in the transaction of every recorded event — the domain-event outbox
   * (notifications/event-outbox.ts) turns the audited changes it reports into events there, so an
   * event commits or rolls back with its change and its audit row.
   */
  onRecord(fn: (trx: Tx, ctx: RequestContext, entry: AuditEntry) => Promise<void>): void {
    this.#onRecord.push(fn);
  }

  /** Append one event inside the caller's write transaction (see mutate()). */
  async record(trx: Tx, ctx: RequestContext, entry: AuditEntry): Promise<string> {
    const [id] = await this.recordAll(trx, ctx, [entry]);
    return id;
  }

  /** Append several events inside the caller's write transaction in one write; each goes to the record hooks as record() sends it. */
  async recordAll(trx: Tx, ctx: RequestContext, entries: readonly AuditEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    const at = this.#clock.now();
    const ids = await this.#append(trx, entries.map((entry) => ({ ctx, entry, at })), true);
    // An entry's hooks run together, so the reads they send together share a round trip
    // (readTogether); every one has finished before a failure is reported, so nothing of theirs
    // runs after the transaction is rolled back.
    for (const entry of entries) {
      const done = await Promise.allSettled(this.#onRecord.map((fn) => fn(trx, ctx, entry)));
      for (const d of done) if (d.status === 'rejected') throw d.reason;
    }
    return ids;
  }

  /**
   * Append many events in one transaction (used by AuditBuffer). The batch holds many tenants'
   * access events, whoever's request filled it: it is written as the system.
   */
  async recordMany(items: { ctx: RequestContext; entry: AuditEntry; at: Date }[]): Promise<void> {
    if (items.length === 0) return;
    await asSystem(() => mutate(this.#db, (trx) => this.#append(trx, items)));
  }

  /**
   * Append, in one transaction, the events whose id the log does not hold yet; returns how many.
   * Idempotent: a batch retried after its commit was lost on the way back (the database went away
   * at that moment), or replayed from a spool by several instances at once, is written once.
   * Guarantee (PostgreSQL): the unique id with `on conflict (id) do nothing` — two instances
   * replaying the same spool concurrently each skip what the other wrote, with no lock; SQLite
   * has one writer, so looking the ids up first is enough there.
   */
  async recordMissing(items: { id: string; ctx: RequestContext; entry: AuditEntry; at: Date }[]): Promise<number> {
    if (items.length === 0) return 0;
    // as the system, like recordMany: whichever request or timer started the flush, the ids must
    // be looked up across every tenant's events, and the batch spans tenants
    if (this.#db.dialect === 'postgres') return asSystem(() => mutate(this.#db, (trx) => insertUnsealed(trx, items.map((i) => eventRow(i)), true)));
    return asSystem(() => mutate(this.#db, async (trx) => {
      const held = await heldEventIds(trx, items.map((i) => i.id));
      const missing = held.size === 0 ? items : items.filter((i) => !held.has(i.id));
      if (missing.length > 0) await this.#append(trx, missing);
      return missing.length;
    }));
  }

  /**
   * PostgreSQL: a plain insert, unsealed — no lock, no read of the head: writers of every tenant
   * append side by side, and the sealer chains what they committed (seal()). SQLite (one writer):
   * the chain continues from the head row and the head moves to the last new event in the same
   * transaction. `atCommit` (a change's own few events): on PostgreSQL the rows are written by the
   * transaction's COMMIT message, not in a round trip of their own — nothing in a transaction reads
   * its audit rows back, and a failing insert fails the commit, so the change is not kept without
   * its record.
   */
  async #append(trx: Tx, items: NewEvent[], atCommit = false): Promise<string[]> {
    const ids = items.map((i) => (i.id ??= newId('evt', i.at.getTime())));
    if (this.#db.dialect === 'postgres') {
      const rows = items.map((i) => eventRow(i));
      if (!(atCommit && (await insertAtCommit(trx, 'audit_events', EVENT_COLUMNS, rows)))) await insertUnsealed(trx, rows);
      return ids;
    }
    await this.#sealer.appendSealed(trx, items.map((i) => eventRow(i)));
    return ids;
  }

  // ---- sealing (audit-seal.ts) --------------------------------------------------------------

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
    return this.#sealer.seal(opts);
  }

  /** Offer to seal every SEAL_INTERVAL_MS (PostgreSQL); errors go to `onError`. */
  startSealer(onError: (err: unknown) => void, intervalMs?: number): void {
    this.#sealer.startSealer(onError, intervalMs);
  }

  stopSealer(): Promise<void> {
    return this.#sealer.stopSealer();
  }

  /**
   * Seal what has committed (PostgreSQL), then walk the chain in chain order up to the head and
   * check that it ends exactly at the head: an altered, removed or reordered event breaks the
   * chain; removing the newest events leaves a chain that verifies but stops short of the head.
   * The head is read after sealing, so events appended while the walk runs are not judged.
   * Reported positions (brokenAtSeq) are the events' seq.
   */
  verify(): Promise<ChainVerdict> {
    return this.#sealer.verify();
  }

  // ---- naming for readers (audit-names.ts) --------------------------------------------------

  /** The people and partners a page of events names (the tenant's view shows names, not ids). */
  names(rows: readonly AuditRow[]): Promise<{ users: Map<string, { name: string; email: string }>; partners: Map<string, string> }> {
    return this.#names.names(rows);
  }

  /**
   * In a partner's view, who acted when it was not one of the partner's people: the platform's
   * operators as such, anyone else as "someone at" the tenant the event is about (when the partner
   * may know the tenant's name, `names` from targetNames()) — never the person. Keyed by event id.
   */
  actorOrgs(rows: readonly AuditRow[], partnerId: string, names: ReadonlyMap<string, string>): Promise<Map<string, { kind: 'platform' | 'tenant'; name: string | null }>> {
    return this.#names.actorOrgs(rows, partnerId, names);
  }

  /**
   * Names for the targets of a page of events, so the log reads "Contoso" or "Bench MSP → Contoso"
   * instead of an id — and only the names the viewer may know: the operator every one; a tenant its
   * own name, the partners and apps it has (or had) a relationship with, its agencies, and each of
   * its delegations by the partner; a partner its own name, its apps, the tenants it has (or had) a
   * delegation with, and each of its delegations by the tenant; an invitation of one's own by the
   * address it went to. Any other target keeps no name
   * (people are named by the page, from the members it may list). Ids of other types are left out.
   */
  targetNames(rows: readonly AuditRow[], view: AuditView): Promise<Map<string, string>> {
    return this.#names.targetNames(rows, view);
  }

  // ---- reading ------------------------------------------------------------------------------

  list(f: AuditFilter, executor: Executor = this.#db.kysely): Promise<{ data: AuditRow[]; nextCursor: string | null }> {
    return listEvents(executor, f);
  }

  /**
   * A partner's admitted gateway requests since `since`, by app (client id, null for people),
   * customer and UTC day: the access events the gateway writes (`gateway.request`), a grouped
   * event counting its `details.count` requests. The partner's home charts them.
   */
  gatewayRequestsByDay(partnerId: string, since: string): Promise<{ client_id: string | null; tenant_id: string | null; day: string; requests: number }[]> {
    return asSystem(() => gatewayRequestsByDay(this.#db, partnerId, since));
  }

  count(): Promise<number> {
    return countEvents(this.#db);
  }
}

/** An event's row in EVENT_COLUMNS order (chain fields only). */
function eventRow({ id, ctx, entry, at }: NewEvent): unknown[] {
  const f: ChainedFields = {
    id: id ?? newId('evt', at.getTime()),
    occurred_at: at.toISOString(),
    actor_type: ctx.actor.type,
    actor_user_id: ctx.actor.userId,
    actor_partner_id: ctx.actor.partnerId,
    actor_client_id: ctx.actor.clientId,
    partner_agency_id: entry.partnerAgencyId !== undefined ? entry.partnerAgencyId : ctx.actor.agencyId,
    tenant_id: entry.tenantId ?? null,
    partner_id: entry.partnerId ?? null,
    ban: entry.ban ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    outcome: entry.outcome ?? 'success',
    request_id: ctx.requestId,
    ip: ctx.ip,
    user_agent: ctx.userAgent ? ctx.userAgent.slice(0, 512) : null,
    details: JSON.stringify(entry.details ?? {}),
  };
  const row: unknown[] = [];
  for (const c of EVENT_COLUMNS) row.push(f[c as keyof ChainedFields]);
  return row;
}
