/**
 * Applying sync lines: each line is parsed, checked against the source (kinds it owns, customers
 * it may write for), resolved by external keys (a BAN number, a tenant's reference) and written in
 * its own savepoint of the batch's one transaction — the record and what its external id became — so
 * a line never half-applies and one bad line leaves the others alone; the per-kind and per-tenant sync
 * state is written once at the batch's end, in key order (two batches at once cannot deadlock on it).
 *
 * The records land in the reference resource tables the views, alerts, exports and earnings read
 * (orders, provisioned_services, invoices, support_tickets, usage_records, sla_records) and in
 * billing_accounts: the sync applier is their second writer, beside the demo world's, so a line's
 * record and its bookkeeping commit together. A source scoped to some customers writes under a
 * row-level-security context naming only them (PostgreSQL), so the database refuses a row for
 * another customer even if the checks here were skipped.
 *
 * Fast: the batch's sync records, billing accounts and customers are read in bulk first; the lines
 * that simply write a record are written together (sync-bulk.ts), and a line that needs more (a
 * deletion, a payment, a held or refused line, a record moving customer) is applied on its own, in
 * its own savepoint, once the lines before it are written. A group that fails is applied line by line.
 *
 * Idempotent: a line whose version is not newer than the one applied is `unchanged`; a newer version
 * with the same content only moves the version. A deletion leaves a tombstone (an older line cannot
 * bring the record back). A line naming a billing account or customer not known yet is `held`, kept
 * for review and applied when it appears.
 */
import { sql } from 'kysely';
import { mutate, enterDbContext, type Db, type Tx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { mapDbError } from '../../platform/errors/db-errors.ts';
import { newId } from '../../platform/ids.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import * as repo from './datasources.repo.ts';
import { invoiceQueries } from '../resources/index.ts';
import { billingLookups, tenantQueries } from '../tenants/index.ts';
import { LINE_KINDS, type LineKind, type ParsedLine } from './sync-lines.ts';
import { checkLine, lineBefore, noteBan, planLine, rejectLine, unchangedResult, type LineLookups } from './sync-line-checks.ts';
import { ID_PREFIX, applyPayment, deleteRecord, recordWrite, writeRecord, type Ba, type RecordKind, type RecordWrite } from './sync-writers.ts';
import { EVENT_KINDS, RECORD_EVENT_TYPES, recordEvents, type EmitRecordEvents, type RecordEvent } from './sync-events.ts';
import type { RecentTenantStates } from './sync-state-memo.ts';
import { keyOf, prefetchBatch, priorState, priorStates, resolveHeldOf, writeGroup, type PendingLine } from './sync-bulk.ts';

export type { LineStatus, LineResult, SyncLineInput, SyncSource, ApplyOutcome } from './sync-types.ts';
export { sourceDbContext } from './sync-types.ts';
import { Held, missingOf, sourceDbContext, type ApplyOutcome, type LineResult, type SyncLineInput, type SyncSource } from './sync-types.ts';

type Planned = { done: LineResult } | { pending: PendingLine; undo: () => void } | 'alone';

export class SyncApplier {
  readonly #db: Db;
  readonly #now: () => string;
  readonly #requestId: string;
  readonly #emit: EmitRecordEvents;
  readonly #recent: RecentTenantStates;

  constructor(db: Db, now: () => string, requestId: string, emit: EmitRecordEvents, recent: RecentTenantStates) {
    this.#recent = recent;
    this.#db = db;
    this.#now = now;
    this.#requestId = requestId;
    this.#emit = emit;
  }

  /** billing accounts looked up in this batch, by number (a batch names the same few again and again) */
  readonly #bans = new Map<string, Ba>();
  /** billing account numbers known not to exist when the batch started (and not made since) */
  readonly #noBans = new Set<string>();
  /** customers by reference (tenant slug), and customers' names */
  readonly #tenantRefs = new Map<string, string>();
  readonly #tenantNames = new Map<string, string>();
  /** what each external id of the batch became, as read in bulk and moved by the batch (null: nothing yet) */
  readonly #records = new Map<string, repo.SyncRecordRow | null>();
  /** whether the source has held lines a line might clear (asked once per batch) */
  #mayHaveHeld = true;
  /** the external ids of the group being planned (a line naming one again waits for the group) */
  readonly #groupKeys = new Set<string>();

  /** the batch's transaction, under the source's context, and when it began (its grouped lines are written at that time) */
  #trx: Tx | null = null;
  #batchNow = '';
  /** per kind of line: the highest version applied in the batch and the change in its record count */
  readonly #kinds = new Map<string, { version: string; delta: number }>();
  /** (tenant, source kind) pairs the batch wrote */
  readonly #tenants = new Set<string>();

  async apply(source: SyncSource, lines: readonly SyncLineInput[], batchId: string | null): Promise<ApplyOutcome> {
    const out: ApplyOutcome = { results: [], invoiceTenants: new Set(), newBans: new Set(), newInvoices: new Set() };
    let committed = () => {};
    this.#mayHaveHeld = (await repo.listHeld(this.#db.kysely, { sourceId: source.id, status: 'held', limit: 1 })).length > 0;
    await mutate(this.#db, async (trx) => {
      await enterDbContext(this.#db, trx, sourceDbContext(source));
      this.#trx = trx;
      this.#batchNow = this.#now();
      try {
        await this.#prefetch(source, lines);
        let group: { pending: PendingLine; undo: () => void }[] = [];
        for (const input of lines) {
          const planned = await this.#plan(source, input);
          if (planned === 'alone') {
            // the lines before it are written first: it sees them, as it would line by line
            await this.#flush(source, group, batchId, out, lines);
            group = [];
            out.results.push(await this.#one(source, input, batchId, out));
            const raw = input.value as { kind?: unknown; external_id?: unknown } | null;
            this.#records.delete(keyOf(String(raw?.kind), String(raw?.external_id)));
          } else if ('done' in planned) out.results.push(planned.done);
          else {
            group.push(planned);
            this.#groupKeys.add(keyOf(planned.pending.l.kind, planned.pending.l.externalId));
            out.results.push(planned.pending.write ? { line: input.line, kind: planned.pending.l.kind, external_id: planned.pending.l.externalId, status: 'applied', record_id: planned.pending.sync.record_id } : { line: input.line, kind: planned.pending.l.kind, external_id: planned.pending.l.externalId, status: 'unchanged', record_id: planned.pending.sync.record_id, reason: 'The content is the same as before; only the version moved.' });
          }
        }
        await this.#flush(source, group, batchId, out, lines);
        const now = this.#now();
        // the per-kind rows last: every batch of the source updates them, so each holds them only until its commit
        committed = await this.#recent.touch(trx, source.id, this.#tenants, now);
        for (const [kind, k] of [...this.#kinds].sort(([a], [b]) => a.localeCompare(b))) await repo.touchKindState(trx, source.id, kind, k.version, now, k.delta);
      } finally {
        this.#trx = null;
        this.#kinds.clear();
        this.#tenants.clear();
        this.#records.clear();
      }
    });
    committed();
    return out;
  }

  /**
   * Where committed rows are read as the system: another connection on PostgreSQL (the batch's own runs under the
   * source's context); on SQLite the batch's transaction, which holds its one connection (and no row-level security).
   */
  get #committed() {
    return this.#db.dialect === 'postgres' || !this.#trx ? this.#db.kysely : this.#trx;
  }

  /** What the batch's lines name, read in bulk: their sync records, billing accounts and customers. */
  async #prefetch(source: SyncSource, lines: readonly SyncLineInput[]) {
    const p = await prefetchBatch(this.#trx!, this.#committed, source.id, lines);
    for (const [k, v] of p.records) this.#records.set(k, v);
    for (const [k, v] of p.bans) this.#bans.set(k, v);
    for (const n of p.noBans) this.#noBans.add(n);
    for (const [k, v] of p.tenantRefs) this.#tenantRefs.set(k, v);
  }

  async #existing(sourceId: string, kind: string, externalId: string): Promise<repo.SyncRecordRow | undefined> {
    const cached = this.#records.get(keyOf(kind, externalId));
    if (cached !== undefined) return cached ?? undefined;
    return repo.findSyncRecord(this.#trx!, sourceId, kind, externalId);
  }

  /** One line's writes in a savepoint: all of them, or none (the batch goes on). */
  async #sp<T>(fn: (trx: Tx) => Promise<T>, name = 'sync_line'): Promise<T> {
    const trx = this.#trx!;
    await sql.raw(`savepoint ${name}`).execute(trx);
    try {
      const r = await fn(trx);
      await sql.raw(`release savepoint ${name}`).execute(trx);
      return r;
    } catch (e) {
      await sql.raw(`rollback to savepoint ${name}`).execute(trx);
      await sql.raw(`release savepoint ${name}`).execute(trx);
      throw e;
    }
  }

  /**
   * A line planned in memory: its result when it writes nothing, the write it adds to the group,
   * or 'alone' when it is applied on its own (a deletion, a payment, a line that would be held or
   * refused, a record moving customer, an external id already in the group).
   */
  async #plan(source: SyncSource, input: SyncLineInput): Promise<Planned> {
    const c = checkLine(source, input, this.#requestId);
    if ('done' in c) return c;
    const { l, head } = c;
    const key = keyOf(l.kind, l.externalId);
    const existing = this.#records.get(key);
    if (existing === undefined || l.deleted || l.kind === 'payment') return 'alone';
    if (existing && existing.version >= l.version) return { done: unchangedResult(input, head, existing, l.version) };
    if (this.#groupKeys.has(key)) return 'alone';
    const now = this.#batchNow;
    const sync = (recordId: string, tenantId: string) => ({ source_id: source.id, kind: l.kind, external_id: l.externalId, record_id: recordId, tenant_id: tenantId, version: l.version, content_hash: l.contentHash, deleted: 0, updated_at: now });
    const undoRecord = () => void this.#records.set(key, existing);
    const base = { index: -1, l, banNumber: null, fresh: existing === null };
    if (existing && !existing.deleted && existing.content_hash === l.contentHash) {
      const row = sync(existing.record_id, existing.tenant_id);
      this.#records.set(key, { ...row, deleted: 0 } as repo.SyncRecordRow);
      return { pending: { ...base, write: null, sync: row, tenantId: existing.tenant_id, delta: 0, heldWords: 'A later line superseded it.' }, undo: undoRecord };
    }
    const live = existing && !existing.deleted ? existing : undefined;
    const d = l.data;
    const ban = (n: unknown): Ba | 'alone' | null => (n ? (this.#bans.get(String(n)) ?? 'alone') : null);
    let tenantId: string | undefined;
    let b: Ba | null = null;
    let billTo: Ba | null = null;
    if (l.kind === 'billing_account') {
      tenantId = this.#tenantRefs.get(String(d.tenant_ref));
      const number = String(d.account_number);
      const other = this.#bans.get(number);
      if (!other && !this.#noBans.has(number)) return 'alone';
      if (other && (other.tenant_id !== tenantId || (live && other.id !== live.record_id))) return 'alone';
      b = other ?? null;
    } else if (l.kind === 'ticket' && !d.ban) {
      tenantId = this.#tenantRefs.get(String(d.tenant_ref));
    } else {
      const found = ban(d.ban);
      const to = ban(d.bill_to_ban);
      if (found === 'alone' || found === null || to === 'alone') return 'alone';
      b = found;
      billTo = l.kind === 'order' ? to : null;
      tenantId = b.tenant_id;
      if (l.kind === 'ticket' && d.tenant_ref && this.#tenantRefs.get(String(d.tenant_ref)) !== tenantId) return 'alone';
    }
    if (!tenantId || (source.tenantIds !== null && !source.tenantIds.has(tenantId)) || (live && live.tenant_id !== tenantId)) return 'alone';
    const recordId = (l.kind === 'billing_account' ? b?.id : undefined) ?? live?.record_id ?? newId(ID_PREFIX[l.kind]);
    const update = l.kind === 'billing_account' ? !!(b ?? live) : !!live;
    const write = recordWrite(l.kind as RecordKind, { id: recordId, tenantId, update, now }, b, billTo, d);
    const row = sync(recordId, tenantId);
    this.#records.set(key, { ...row, deleted: 0 } as repo.SyncRecordRow);
    let undo = undoRecord;
    if (l.kind === 'billing_account') {
      // the batch's later lines find the account as it is now, before the batch commits
      const number = String(d.account_number);
      // an account renumbered: its old number no longer names it (a new account has no old number)
      const before = update ? [...this.#bans].filter(([, x]) => x.id === recordId) : [];
      const had = this.#bans.get(number);
      for (const [n] of before) this.#bans.delete(n);
      this.#bans.set(number, { id: recordId, tenant_id: tenantId });
      const wasMissing = this.#noBans.delete(number);
      undo = () => {
        undoRecord();
        this.#bans.delete(number);
        if (had) this.#bans.set(number, had);
        for (const [n, x] of before) this.#bans.set(n, x);
        if (wasMissing) this.#noBans.add(number);
      };
    }
    const banNumber = l.kind === 'billing_account' ? null : d.ban ? String(d.ban) : null;
    return { pending: { ...base, banNumber, write, sync: row, tenantId, delta: live ? 0 : 1, heldWords: 'Applied from a later line.' }, undo };
  }

  /** Write the group (see sync-bulk.ts); if it fails, its lines are applied one by one instead. */
  async #flush(source: SyncSource, group: { pending: PendingLine; undo: () => void }[], batchId: string | null, out: ApplyOutcome, lines: readonly SyncLineInput[]) {
    this.#groupKeys.clear();
    if (group.length === 0) return;
    const first = out.results.length - group.length;
    const all = group.map((g) => g.pending);
    try {
      await this.#sp(async (trx) => {
        // events only for the customers someone listens to: no states before, names or events for the others
        const evented = all.filter((p): p is PendingLine & { write: RecordWrite } => !!p.write && EVENT_KINDS.has(p.l.kind));
        const heard = evented.length ? await this.#emit.listening(trx, RECORD_EVENT_TYPES, [...new Set(evented.map((p) => p.tenantId))]) : 'all';
        const told = heard === 'all' ? evented : evented.filter((p) => heard.has(p.tenantId));
        const prior = await priorStates(trx, told);
        await writeGroup(trx, all);
        if (this.#mayHaveHeld) await resolveHeldOf(trx, source.id, all, this.#now());
        await this.#names(told.map((p) => p.tenantId));
        const events: RecordEvent[] = [];
        for (const { l, write, tenantId, banNumber } of told) {
          const row = write.insert ?? { ...write.update, id: write.id };
          events.push(...recordEvents(l.kind, prior.get(write.id) ?? null, row, this.#parties(source, tenantId, banNumber, row)));
        }
        await this.#emitAs(trx, source, events);
      }, 'sync_group');
    } catch (e) {
      // one of them is refused (or moved on meanwhile): each line on its own, from the state before the group
      for (let i = group.length - 1; i >= 0; i--) group[i].undo();
      const lineAt = new Map(lines.map((x) => [x.line, x]));
      for (let i = 0; i < group.length; i++) {
        const input = lineAt.get(out.results[first + i].line)!;
        this.#records.delete(keyOf(group[i].pending.l.kind, group[i].pending.l.externalId));
        out.results[first + i] = await this.#one(source, input, batchId, out);
        this.#records.delete(keyOf(group[i].pending.l.kind, group[i].pending.l.externalId));
      }
      if (!(e instanceof Error)) throw e;
      return;
    }
    for (const p of all) {
      this.#booked(p.l.kind, p.l.version, p.tenantId, p.delta);
      if (!p.write) continue;
      if (p.l.kind === 'billing_account' && p.write.insert) out.newBans.add(String(p.l.data.account_number));
      if (p.l.kind === 'invoice') {
        out.invoiceTenants.add(p.tenantId);
        if (p.delta === 1) out.newInvoices.add(`invoice:${source.id}:${p.l.externalId}`);
      }
    }
  }

  /**
   * Events go to the outbox, whose wall lets a row about a customer in only as the system or that
   * customer: a scoped source (checked against its customers above) writes them as the system for that
   * statement and is back under its own context after; if the write fails, the savepoint's rollback
   * restores the context with it.
   */
  async #emitAs(trx: Tx, source: SyncSource, events: readonly RecordEvent[]) {
    if (events.length === 0) return;
    if (source.tenantIds === null) return this.#emit(trx, events);
    await enterDbContext(this.#db, trx, { kind: 'system' });
    await this.#emit(trx, events);
    await enterDbContext(this.#db, trx, sourceDbContext(source));
  }

  /** Customers' names for events, read in bulk as the system. */
  async #names(tenantIds: readonly string[]) {
    const missing = [...new Set(tenantIds)].filter((t) => !this.#tenantNames.has(t));
    for (let i = 0; i < missing.length; i += 1000) for (const [id, name] of await tenantQueries.findTenantNames(this.#committed, missing.slice(i, i + 1000))) this.#tenantNames.set(id, name);
  }

  #parties(source: SyncSource, tenantId: string, banNumber: string | null, row: Record<string, unknown>) {
    const banId = row.ban_id as string | null | undefined;
    return { tenant: { id: tenantId, name: this.#tenantNames.get(tenantId) ?? tenantId }, billingAccount: banId && banNumber ? { id: banId, account_number: banNumber } : null, source: { id: source.id, name: source.name } };
  }

  async #one(source: SyncSource, input: SyncLineInput, batchId: string | null, out: ApplyOutcome): Promise<LineResult> {
    const c = await lineBefore(source, input, this.#requestId, this.#look(source.id));
    if ('done' in c) return c.done;
    const { l, head, existing } = c;
    try {
      const r = await this.#write(source, l, existing, out);
      // a line that applies leaves nothing held under its key
      await this.#clearHeld(source.id, l, r.status === 'applied' ? 'Applied from a later line.' : 'A later line superseded it.');
      return { line: input.line, ...head, ...r };
    } catch (e) {
      if (e instanceof Held) {
        this.#mayHaveHeld = true;
        await repo.upsertHeld(this.#trx!, { id: newId('hld'), source_id: source.id, batch_id: batchId, line_no: input.line, kind: l.kind, external_id: l.externalId, version: l.version, missing_key: e.missingKey, reason: e.words, body: JSON.stringify(input.value), status: 'held', outcome: null, created_at: this.#now(), resolved_at: null });
        return { line: input.line, ...head, status: 'held', reason: e.words, missing: missingOf(e.missingKey) };
      }
      if (e instanceof AppError) return rejectLine(this.#requestId, input, new AppError(e.code, e.status, `Line ${input.line}: ${e.detail}`, { fields: e.fields }), head);
      const mapped = mapDbError(e);
      if (mapped && mapped.status < 500) return rejectLine(this.#requestId, input, E.record_conflict(`Line ${input.line}: ${mapped.detail}`), head);
      throw e;
    }
  }

  async #clearHeld(sourceId: string, l: ParsedLine, words: string) {
    if (!this.#mayHaveHeld) return;
    const h = await repo.findHeld(this.#trx!, sourceId, l.kind, l.externalId);
    if (h && h.status === 'held' && h.version <= l.version) await repo.resolveHeld(this.#trx!, h.id, 'applied', words, this.#now());
  }

  /**
   * What the shared checks read (sync-line-checks.ts): this source's records in the batch's transaction; billing accounts
   * made earlier in this batch or committed, and customers, read as the system (so one outside the source's scope is
   * refused, not held).
   */
  #look(sourceId: string): LineLookups {
    return {
      existing: (kind, externalId) => this.#existing(sourceId, kind, externalId),
      findBan: async (number) => {
        const b = this.#bans.get(number) ?? (await billingLookups.findBillingAccountByNumber(this.#committed, number));
        if (b) this.#bans.set(number, b);
        return b;
      },
      tenantByRef: async (ref) => {
        const known = this.#tenantRefs.get(ref);
        if (known) return known;
        const t = await tenantQueries.findTenantBySlug(this.#committed, ref);
        if (t) this.#tenantRefs.set(ref, t.id);
        return t?.id;
      },
    };
  }

  /** After a line's savepoint is released: its kind's version and count, and its tenant, for the batch's end. */
  #booked(kind: LineKind, version: string, tenantId: string, delta: number) {
    const k = this.#kinds.get(kind) ?? this.#kinds.set(kind, { version, delta: 0 }).get(kind)!;
    if (version > k.version) k.version = version;
    k.delta += delta;
    this.#tenants.add(`${tenantId}|${LINE_KINDS[kind]}`);
  }

  /** A payment that brought its invoice to paid fires the invoice's event. */
  async #paymentEvents(trx: Tx, source: SyncSource, invoiceId: string, moved: { before: string; after: string }) {
    if (moved.before === moved.after) return;
    const inv = await invoiceQueries.findInvoiceById(trx, invoiceId);
    if (!inv) return;
    const banNumber = await billingLookups.findBillingAccountNumber(trx, inv.ban_id);
    await this.#names([inv.tenant_id]);
    await this.#emitAs(trx, source, recordEvents('invoice', { status: moved.before }, inv as unknown as Record<string, unknown>, this.#parties(source, inv.tenant_id, banNumber, inv as unknown as Record<string, unknown>)));
  }

  async #write(source: SyncSource, l: ParsedLine, existing: repo.SyncRecordRow | undefined, out: ApplyOutcome): Promise<Omit<LineResult, 'line' | 'kind' | 'external_id'>> {
    const now = this.#now();
    const book = async (trx: Tx, recordId: string, tenantId: string, deleted: boolean) => {
      await repo.upsertSyncRecord(trx, { source_id: source.id, kind: l.kind, external_id: l.externalId, record_id: recordId, tenant_id: tenantId, version: l.version, content_hash: l.contentHash, deleted: deleted ? 1 : 0, updated_at: now });
    };

    const plan = await planLine(source, l, existing, this.#look(source.id));
    if (plan.do === 'nothing') return { status: 'unchanged', record_id: null, reason: plan.reason };
    if (plan.do === 'delete') {
      const { record } = plan;
      await this.#sp(async (trx) => {
        await deleteRecord(trx, l.kind, record.record_id, now);
        await book(trx, record.record_id, record.tenant_id, true);
      });
      this.#booked(l.kind, l.version, record.tenant_id, -1);
      if (l.kind === 'invoice') out.invoiceTenants.add(record.tenant_id);
      return { status: 'applied', record_id: null, reason: 'Deleted.' };
    }
    if (plan.do === 'touch') {
      const { record } = plan;
      await this.#sp((trx) => book(trx, record.record_id, record.tenant_id, false));
      this.#booked(l.kind, l.version, record.tenant_id, 0);
      return { status: 'unchanged', record_id: record.record_id, reason: 'The content is the same as before; only the version moved.' };
    }
    const { id, tenantId, ban, billTo, invoice, live } = plan;
    const d = l.data;
    const sameTenant = !!live && live.tenant_id === tenantId;
    let rw: RecordWrite | null = null;
    await this.#sp(async (trx) => {
      if (l.kind === 'payment') {
        const moved = await applyPayment(trx, invoice!.id, d);
        await this.#paymentEvents(trx, source, invoice!.id, moved);
      } else {
        // a record that moved customer: the old row goes, the new one is written for the new customer
        if (live && !sameTenant && l.kind !== 'billing_account') await deleteRecord(trx, l.kind, live.record_id, now);
        const update = l.kind === 'billing_account' ? !!(ban ?? live) : sameTenant;
        const prior = update && EVENT_KINDS.has(l.kind) ? await priorState(trx, l.kind, id) : null;
        rw = recordWrite(l.kind, { id, tenantId, update, now }, ban, billTo, d);
        await writeRecord(trx, rw);
        if (EVENT_KINDS.has(l.kind)) {
          const row = rw.insert ?? { ...rw.update, id };
          await this.#names([tenantId]);
          await this.#emitAs(trx, source, recordEvents(l.kind, prior, row, this.#parties(source, tenantId, d.ban ? String(d.ban) : null, row)));
        }
      }
      await book(trx, id, tenantId, false);
    });
    this.#booked(l.kind, l.version, tenantId, live ? 0 : 1);
    if (l.kind === 'billing_account') {
      // the batch's later lines find the account as it is now, before the batch commits
      noteBan(this.#bans, this.#noBans, String(d.account_number), id, tenantId, !!(ban ?? live));
      if ((rw as RecordWrite | null)?.insert) out.newBans.add(String(d.account_number));
    }
    if (l.kind === 'invoice' || l.kind === 'payment') out.invoiceTenants.add(tenantId);
    if (l.kind === 'invoice' && !live) out.newInvoices.add(`invoice:${source.id}:${l.externalId}`);
    return { status: 'applied', record_id: l.kind === 'payment' ? invoice!.id : id };
  }
}
