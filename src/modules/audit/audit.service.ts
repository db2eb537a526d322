/**
 * The audit log: append-only, hash-chained, written in the same transaction as the change it
 * records (record), or in batches off the response path for high-volume access events
 * (AuditBuffer). Owns the audit_events table; depends only on the platform.
 */
import { takePage } from '../../platform/http/pagination.ts';
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { insertRows, type RowSet } from '../../platform/db/insert-rows.ts';
import { CHAIN_ORDER, chainHash, GENESIS_HASH, verifyChain, type ChainVerdict, type ChainedFields } from './audit-chain.ts';
import type { AuditEventsTable } from '../../platform/db/schema.ts';
import { columnLike, likeLiteral } from '../../platform/db/search.ts';
import type { Selectable } from 'kysely';
import { AccessSpool, discardSpool, HEARTBEAT_MS, orphanSpools, readSpool, type SpooledEvent } from './access-spool.ts';

import type { AuditEntry } from './audit-entry.ts';
export type { AuditEntry } from './audit-entry.ts';

/** Who reads the log: what targetNames() may name. */
export type AuditView = { kind: 'operator' } | { kind: 'tenant'; tenantId: string } | { kind: 'partner'; partnerId: string };

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  tenantId?: string;
  partnerId?: string;
  /** partner visibility: events about the partner or done by it */
  partnerScope?: string;
  /** events done by or about one agency (partner_agency_id) */
  agencyId?: string;
  targetId?: string;
  outcome?: string;
  since?: string;
  until?: string;
  /** seq to continue before (newest first) */
  cursor?: number;
  limit: number;
}

export type AuditRow = Selectable<AuditEventsTable>;

const EVENT_COLUMNS: readonly string[] = CHAIN_ORDER;
/** SQLite: events are chained as they are inserted (one writer). */
const SEALED_ROWSET: RowSet = {
  table: 'audit_events',
  columns: [...EVENT_COLUMNS, 'chain_seq', 'prev_hash', 'hash'],
  pgTypes: [...EVENT_COLUMNS.map(() => 'text'), 'bigint', 'text', 'text'],
};
/** PostgreSQL: events are appended unsealed; the sealer chains them (see seal()). */
const UNSEALED_ROWSET: RowSet = { table: 'audit_events', columns: EVENT_COLUMNS, pgTypes: EVENT_COLUMNS.map(() => 'text') };
/** …and a replayed batch skips the events the log holds already (by their unique id). */
const UNSEALED_MISSING_ROWSET: RowSet = { ...UNSEALED_ROWSET, skipConflictOn: 'id' };

/** Arbitrary constant: the advisory lock of the one sealer at a time (per database). */
const SEAL_LOCK = 727_019;
/** Events sealed per statement. */
const SEAL_BATCH = 2000;
/** How often each instance offers to seal (only one at a time does: the others find the lock taken and skip). */
export const SEAL_INTERVAL_MS = 200;

type NewEvent = { id?: string; ctx: RequestContext; entry: AuditEntry; at: Date };

export class AuditLog {
  readonly #db: Db;
  readonly #clock: Clock;
  #sealTimer: NodeJS.Timeout | null = null;
  readonly #onRecord: ((trx: Tx, ctx: RequestContext, entry: AuditEntry) => Promise<void>)[] = [];
  #sealing: Promise<unknown> = Promise.resolve();
  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
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
    const [id] = await this.#append(trx, [{ ctx, entry, at: this.#clock.now() }]);
    for (const fn of this.#onRecord) await fn(trx, ctx, entry);
    return id;
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
    if (this.#db.dialect === 'postgres') return asSystem(() => mutate(this.#db, (trx) => insertRows(trx, 'postgres', UNSEALED_MISSING_ROWSET, items.map((i) => eventRow(i)))));
    return asSystem(() => mutate(this.#db, async (trx) => {
      const rows = await trx.selectFrom('audit_events').select('id').where('id', 'in', items.map((i) => i.id)).execute();
      const held = new Set(rows.map((r) => r.id));
      const missing = held.size === 0 ? items : items.filter((i) => !held.has(i.id));
      if (missing.length > 0) await this.#append(trx, missing);
      return missing.length;
    }));
  }

  /**
   * PostgreSQL: a plain insert, unsealed — no lock, no read of the head: writers of every tenant
   * append side by side, and the sealer chains what they committed (seal()). SQLite (one writer):
   * the chain continues from the head row and the head moves to the last new event in the same
   * transaction.
   */
  async #append(trx: Tx, items: NewEvent[]): Promise<string[]> {
    const ids = items.map((i) => (i.id ??= newId('evt', i.at.getTime())));
    if (this.#db.dialect === 'postgres') {
      await insertRows(trx, 'postgres', UNSEALED_ROWSET, items.map((i) => eventRow(i)));
      return ids;
    }
    const head = await trx.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) throw new Error('audit_head is missing: run the migrations');
    let prev = head.last_hash;
    let pos = Number(head.last_seq);
    const rows: unknown[][] = [];
    for (const i of items) {
      const row = eventRow(i);
      const hash = chainHash(prev, rowFields(row));
      row.push(++pos, prev, hash);
      rows.push(row);
      prev = hash;
    }
    // Raw multi-row inserts: a Kysely insert of hundreds of rows × 20 columns cost more to
    // build than the database spent writing it (the gateway audits every cross-tenant request).
    await insertRows(trx, this.#db.dialect, SEALED_ROWSET, rows);
    await trx.updateTable('audit_head').set({ last_seq: pos, last_hash: prev, updated_at: this.#clock.now().toISOString() }).where('id', '=', 1).execute();
    return ids;
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

  /** The people and partners a page of events names (the tenant's view shows names, not ids). */
  async names(rows: readonly AuditRow[]): Promise<{ users: Map<string, { name: string; email: string }>; partners: Map<string, string> }> {
    const u = [...new Set(rows.map((r) => r.actor_user_id).filter((x): x is string => !!x))];
    const p = [...new Set(rows.flatMap((r) => [r.partner_id, r.actor_partner_id]).filter((x): x is string => !!x))];
    const db = this.#db.kysely;
    const [users, partners] = await Promise.all([
      u.length ? db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', u).execute() : Promise.resolve([]),
      p.length ? db.selectFrom('partners').select(['id', 'name']).where('id', 'in', p).execute() : Promise.resolve([]),
    ]);
    return { users: new Map(users.map((x) => [x.id, { name: x.name, email: x.email }])), partners: new Map(partners.map((x) => [x.id, x.name])) };
  }

  /**
   * In a partner's view, who acted when it was not one of the partner's people: the platform's
   * operators as such, anyone else as "someone at" the tenant the event is about (when the partner
   * may know the tenant's name, `names` from targetNames()) — never the person. Keyed by event id.
   */
  async actorOrgs(rows: readonly AuditRow[], partnerId: string, names: ReadonlyMap<string, string>): Promise<Map<string, { kind: 'platform' | 'tenant'; name: string | null }>> {
    const outside = rows.filter((r) => r.actor_user_id && r.actor_partner_id !== partnerId);
    const out = new Map<string, { kind: 'platform' | 'tenant'; name: string | null }>();
    if (outside.length === 0) return out;
    const users = [...new Set(outside.map((r) => r.actor_user_id as string))];
    const operators = await this.#db.kysely.selectFrom('users').select('id').where('id', 'in', users).where('platform_role', 'is not', null).execute();
    const isOperator = new Set(operators.map((u) => u.id));
    for (const r of outside) {
      const tenant = r.tenant_id ? names.get(r.tenant_id) : undefined;
      if (isOperator.has(r.actor_user_id as string)) out.set(r.id, { kind: 'platform', name: null });
      else if (tenant !== undefined) out.set(r.id, { kind: 'tenant', name: tenant });
    }
    return out;
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
  async targetNames(rows: readonly AuditRow[], view: AuditView): Promise<Map<string, string>> {
    const ids = (type: string) => [...new Set(rows.filter((r) => r.target_type === type && r.target_id).map((r) => r.target_id as string))];
    // the tenants targeted, and the tenant each event is about (its tenant_name)
    const tnt = [...new Set([...ids('tenant'), ...rows.map((r) => r.tenant_id).filter((x): x is string => !!x)])];
    // apps and agencies also by who acted: an app's token, an agency's
    const acting = (column: 'actor_client_id' | 'partner_agency_id') => rows.map((r) => r[column]).filter((x): x is string => !!x);
    const ptr = ids('partner');
    const dlg = ids('delegation');
    const inv = ids('invitation');
    const agy = [...new Set([...ids('agency'), ...acting('partner_agency_id')])];
    const app = [...new Set([...ids('app'), ...acting('actor_client_id')])];
    const out = new Map<string, string>();
    if (dlg.length + tnt.length + ptr.length + agy.length + app.length + inv.length === 0) return out;
    const db = this.#db.kysely;
    // one lookup per kind, only when the page names some
    const named = (list: readonly string[], run: () => Promise<{ id: string; name: string }[]>) => (list.length ? run() : Promise.resolve([]));
    // the tenants a partner has (or had) a delegation with, and the partners a tenant has (or had) one with
    const related = (column: 'tenant_id' | 'partner_id', id: string) => db.selectFrom('delegations').select(column === 'tenant_id' ? 'partner_id' : 'tenant_id').where(column, '=', id);
    const [delegations, tenants, partners, agencies, apps, invitations] = await Promise.all([
      dlg.length
        ? db
            .selectFrom('delegations as d')
            .innerJoin('partners as p', 'p.id', 'd.partner_id')
            .innerJoin('tenants as t', 't.id', 'd.tenant_id')
            .select(['d.id', 'd.partner_id', 'd.tenant_id', 'p.name as partner_name', 't.name as tenant_name'])
            .where('d.id', 'in', dlg)
            .execute()
        : Promise.resolve([]),
      named(tnt, () => {
        let q = db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', tnt);
        if (view.kind === 'tenant') q = q.where('id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('id', 'in', related('partner_id', view.partnerId));
        return q.execute();
      }),
      named(ptr, () => {
        let q = db.selectFrom('partners').select(['id', 'name']).where('id', 'in', ptr);
        if (view.kind === 'tenant') q = q.where('id', 'in', related('tenant_id', view.tenantId));
        if (view.kind === 'partner') q = q.where('id', '=', view.partnerId);
        return q.execute();
      }),
      named(view.kind === 'partner' ? [] : agy, () => {
        let q = db.selectFrom('partner_agencies').select(['id', 'name']).where('id', 'in', agy);
        if (view.kind === 'tenant') q = q.where('tenant_id', '=', view.tenantId);
        return q.execute();
      }),
      named(app, () => {
        let q = db.selectFrom('apps').select(['id', 'name']).where('id', 'in', app);
        if (view.kind === 'tenant') q = q.where('partner_id', 'in', related('tenant_id', view.tenantId));
        if (view.kind === 'partner') q = q.where('partner_id', '=', view.partnerId);
        return q.execute();
      }),
      // an invitation by the address it went to: the tenant's or partner's own, as its members page lists them
      named(inv, () => {
        let q = db.selectFrom('invitations').select(['id', 'email as name']).where('id', 'in', inv);
        if (view.kind === 'tenant') q = q.where('scope_type', '=', 'tenant').where('scope_id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('scope_type', '=', 'partner').where('scope_id', '=', view.partnerId);
        return q.execute();
      }),
    ]);
    for (const d of delegations) {
      if (view.kind === 'operator') out.set(d.id, `${d.partner_name} → ${d.tenant_name}`);
      else if (view.kind === 'tenant' && d.tenant_id === view.tenantId) out.set(d.id, d.partner_name);
      else if (view.kind === 'partner' && d.partner_id === view.partnerId) out.set(d.id, d.tenant_name);
    }
    for (const list of [tenants, partners, agencies, apps, invitations]) for (const x of list) out.set(x.id, x.name);
    return out;
  }

  async list(f: AuditFilter, executor: Executor = this.#db.kysely): Promise<{ data: AuditRow[]; nextCursor: string | null }> {
    let q = executor.selectFrom('audit_events').selectAll();
    // `tenant.member_*` is not a prefix: `_` and `%` in the prefix match themselves only.
    if (f.action) q = f.action.endsWith('.*') ? q.where(columnLike('action', likeLiteral(f.action.slice(0, -1)) + '%')) : q.where('action', '=', f.action);
    if (f.actorUserId) q = q.where('actor_user_id', '=', f.actorUserId);
    if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
    if (f.partnerId) q = q.where('partner_id', '=', f.partnerId);
    if (f.partnerScope) {
      const p = f.partnerScope;
      q = q.where((eb) => eb.or([eb('partner_id', '=', p), eb('actor_partner_id', '=', p)]));
    }
    if (f.agencyId) q = q.where('partner_agency_id', '=', f.agencyId);
    if (f.targetId) q = q.where('target_id', '=', f.targetId);
    if (f.outcome) q = q.where('outcome', '=', f.outcome as AuditRow['outcome']);
    if (f.since) q = q.where('occurred_at', '>=', f.since);
    if (f.until) q = q.where('occurred_at', '<', f.until);
    if (f.cursor !== undefined) q = q.where('seq', '<', f.cursor);
    const page = takePage(await q.orderBy('seq', 'desc').limit(f.limit + 1).execute(), f.limit, (row) => String(row.seq));
    return { data: page.rows, nextCursor: page.nextCursor };
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
      if (rows.length === 0) break;
      const verdict = verifyChain(rows.map((r) => ({ ...r, seq: Number(r.seq), prev_hash: r.prev_hash ?? '', hash: r.hash ?? '' })), prev);
      if (!verdict.ok) return { ok: false, checked: checked + verdict.checked, brokenAtSeq: verdict.brokenAtSeq, reason: verdict.reason };
      checked += verdict.checked;
      prev = verdict.lastHash;
      after = Number(rows[rows.length - 1].chain_seq);
      lastSeq = Number(rows[rows.length - 1].seq);
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

  async count(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from audit_events`.execute(this.#db.kysely);
    return Number(r.rows[0]?.n ?? 0);
  }
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
  readonly #log: AuditLog;
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

  constructor(log: AuditLog, clock: Clock, opts: { flushIntervalMs?: number; maxBatch?: number; onError?: (err: unknown) => void } = {}) {
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

/** An event as the API shows it; `targetNames` (targetNames()) names its target and its tenant when the viewer may know the names. */
export function toAuditEventDto(r: AuditRow, targetNames?: ReadonlyMap<string, string>) {
  return {
    id: r.id,
    seq: Number(r.seq),
    occurred_at: r.occurred_at,
    action: r.action,
    outcome: r.outcome,
    actor: {
      type: r.actor_type,
      user_id: r.actor_user_id,
      partner_id: r.actor_partner_id,
      client_id: r.actor_client_id,
      agency_id: r.partner_agency_id,
      // the app or agency that acted, named when the reader may know it (a person is named by the view)
      name: (r.actor_type === 'app' && r.actor_client_id && targetNames?.get(r.actor_client_id)) || (r.actor_type === 'agency' && r.partner_agency_id && targetNames?.get(r.partner_agency_id)) || null,
    },
    tenant_id: r.tenant_id,
    partner_id: r.partner_id,
    ban: r.ban,
    target: { type: r.target_type, id: r.target_id, name: (r.target_id && targetNames?.get(r.target_id)) || null },
    tenant_name: (r.tenant_id && targetNames?.get(r.tenant_id)) || null,
    request_id: r.request_id,
    ip: r.ip,
    user_agent: r.user_agent,
    details: safeJson(r.details),
    hash: r.hash,
  };
}

function safeJson(s: string): Record<string, unknown> {
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return {};
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

function rowFields(row: readonly unknown[]): ChainedFields {
  const f: Record<string, unknown> = {};
  for (let i = 0; i < EVENT_COLUMNS.length; i++) f[EVENT_COLUMNS[i]] = row[i];
  return f as unknown as ChainedFields;
}
