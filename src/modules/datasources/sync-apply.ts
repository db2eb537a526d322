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
 * Idempotent: a line whose version is not newer than the one applied is `unchanged`; a newer version
 * with the same content only moves the version. A deletion leaves a tombstone (an older line cannot
 * bring the record back). A line naming a billing account or customer not known yet is `held`, kept
 * for review and applied when it appears.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate, enterDbContext } from '../../platform/db/database.ts';
import type { DbContext } from '../../platform/db/db-context.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { mapDbError } from '../../platform/errors/db-errors.ts';
import { problemFrom, type Problem } from '../../platform/errors/problem.ts';
import { newId } from '../../platform/ids.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import * as repo from './datasources.repo.ts';
import { LINE_KINDS, parseLine, type LineKind, type ParsedLine } from './sync-lines.ts';
import { ID_PREFIX, writeBillingAccount, writeInvoice, applyPayment, writeService, writeOrder, writeTicket, writeUsage, writeSla, deleteRecord, type Ba } from './sync-writers.ts';

export type LineStatus = 'applied' | 'unchanged' | 'held' | 'rejected';

export interface LineResult {
  line: number;
  kind: string | null;
  external_id: string | null;
  status: LineStatus;
  /** the record it became (applied, unchanged) */
  record_id?: string | null;
  /** in words: why unchanged or held */
  reason?: string;
  /** rejected: an RFC 9457 problem with the line number */
  problem?: Problem;
}

/** One line to apply: its number in the batch (1-based) and the decoded JSON (or the text that did not decode). */
export interface SyncLineInput {
  line: number;
  value: unknown;
  /** set when the line was not JSON */
  parseError?: string;
}

/** What the applier knows of a source. */
export interface SyncSource {
  id: string;
  kinds: readonly string[];
  /** null: every customer; otherwise the tenant ids it may write for (its partners' expanded) */
  tenantIds: ReadonlySet<string> | null;
}

export interface ApplyOutcome {
  results: LineResult[];
  /** customers whose invoices changed (earnings and alerts follow them) */
  invoiceTenants: Set<string>;
  /** billing account numbers that appeared (held lines waiting for them can go) */
  newBans: Set<string>;
  /** invoices of this source that appeared (held payments waiting for them can go) */
  newInvoices: Set<string>;
}

class Held extends Error {
  readonly missingKey: string;
  readonly words: string;
  constructor(missingKey: string, words: string) {
    super(words);
    this.missingKey = missingKey;
    this.words = words;
  }
}

/** The row-level-security context a source writes under: every row, or only its customers'. */
export function sourceDbContext(s: Pick<SyncSource, 'id' | 'tenantIds'>): DbContext {
  return s.tenantIds === null ? { kind: 'system' } : { kind: 'partner', partnerId: s.id, tenantIds: [...s.tenantIds] };
}

export class SyncApplier {
  readonly #db: Db;
  readonly #now: () => string;
  readonly #requestId: string;

  constructor(db: Db, now: () => string, requestId: string) {
    this.#db = db;
    this.#now = now;
    this.#requestId = requestId;
  }

  /** billing accounts looked up in this batch, by number (a batch names the same few again and again) */
  readonly #bans = new Map<string, Ba>();
  /** whether the source has held lines a line might clear (asked once per batch) */
  #mayHaveHeld = true;

  /** the batch's transaction, under the source's context */
  #trx: Tx | null = null;
  /** per kind of line: the highest version applied in the batch and the change in its record count */
  readonly #kinds = new Map<string, { version: string; delta: number }>();
  /** (tenant, source kind) pairs the batch wrote */
  readonly #tenants = new Set<string>();

  async apply(source: SyncSource, lines: readonly SyncLineInput[], batchId: string | null): Promise<ApplyOutcome> {
    const out: ApplyOutcome = { results: [], invoiceTenants: new Set(), newBans: new Set(), newInvoices: new Set() };
    this.#mayHaveHeld = (await repo.listHeld(this.#db.kysely, { sourceId: source.id, status: 'held', limit: 1 })).length > 0;
    await mutate(this.#db, async (trx) => {
      await enterDbContext(this.#db, trx, sourceDbContext(source));
      this.#trx = trx;
      try {
        for (const input of lines) out.results.push(await this.#one(source, input, batchId, out));
        const now = this.#now();
        for (const [kind, k] of [...this.#kinds].sort(([a], [b]) => a.localeCompare(b))) await repo.touchKindState(trx, source.id, kind, k.version, now, k.delta);
        for (const key of [...this.#tenants].sort()) {
          const [tenantId, kind] = key.split('|');
          await repo.touchTenantState(trx, source.id, tenantId, kind, now);
        }
      } finally {
        this.#trx = null;
        this.#kinds.clear();
        this.#tenants.clear();
      }
    });
    return out;
  }

  get #t(): Tx {
    return this.#trx!;
  }

  /**
   * Where committed rows are read as the system: another connection on PostgreSQL (the batch's own
   * runs under the source's context); the batch's transaction on SQLite, whose one connection the
   * transaction holds (SQLite has no row-level security to step around).
   */
  get #committed() {
    return this.#db.dialect === 'postgres' || !this.#trx ? this.#db.kysely : this.#trx;
  }

  /** One line's writes in a savepoint: all of them, or none (the batch goes on). */
  async #sp<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    const trx = this.#t;
    await sql.raw('savepoint sync_line').execute(trx);
    try {
      const r = await fn(trx);
      await sql.raw('release savepoint sync_line').execute(trx);
      return r;
    } catch (e) {
      await sql.raw('rollback to savepoint sync_line').execute(trx);
      await sql.raw('release savepoint sync_line').execute(trx);
      throw e;
    }
  }

  #reject(input: SyncLineInput, err: AppError, head: { kind: string | null; external_id: string | null }): LineResult {
    const problem = problemFrom(err, this.#requestId);
    problem.line = input.line;
    return { line: input.line, ...head, status: 'rejected', problem };
  }

  async #one(source: SyncSource, input: SyncLineInput, batchId: string | null, out: ApplyOutcome): Promise<LineResult> {
    const raw = input.value as { kind?: unknown; external_id?: unknown } | null;
    const head = { kind: typeof raw?.kind === 'string' ? raw.kind : null, external_id: typeof raw?.external_id === 'string' ? raw.external_id : null };
    if (input.parseError) return this.#reject(input, E.line_malformed(`Line ${input.line} is not valid JSON: ${input.parseError}`), head);
    const parsed = parseLine(input.value);
    if (!parsed.ok) return this.#reject(input, E.line_malformed(`Line ${input.line}: ${parsed.detail}`, { fields: parsed.errors }), head);
    const l = parsed.line;
    if (!source.kinds.includes(LINE_KINDS[l.kind])) return this.#reject(input, E.kind_not_owned(`Line ${input.line}: this source is not set up to send ${LINE_KINDS[l.kind].replace('_', ' ')}.`), head);
    const existing = await repo.findSyncRecord(this.#t, source.id, l.kind, l.externalId);
    if (existing && existing.version >= l.version) {
      return { line: input.line, ...head, status: 'unchanged', record_id: existing.deleted ? null : existing.record_id, reason: existing.version === l.version ? 'This version was applied before.' : 'A newer version was applied before; this older one is ignored.' };
    }
    try {
      const r = await this.#write(source, l, existing, out);
      // a line that applies leaves nothing held under its key
      await this.#clearHeld(source.id, l, r.status === 'applied' ? 'Applied from a later line.' : 'A later line superseded it.');
      return { line: input.line, ...head, ...r };
    } catch (e) {
      if (e instanceof Held) {
        this.#mayHaveHeld = true;
        await repo.upsertHeld(this.#t, { id: newId('hld'), source_id: source.id, batch_id: batchId, line_no: input.line, kind: l.kind, external_id: l.externalId, version: l.version, missing_key: e.missingKey, reason: e.words, body: JSON.stringify(input.value), status: 'held', outcome: null, created_at: this.#now(), resolved_at: null });
        return { line: input.line, ...head, status: 'held', reason: e.words };
      }
      if (e instanceof AppError) return this.#reject(input, new AppError(e.code, e.status, `Line ${input.line}: ${e.detail}`, { fields: e.fields }), head);
      const mapped = mapDbError(e);
      if (mapped && mapped.status < 500) return this.#reject(input, E.record_conflict(`Line ${input.line}: ${mapped.detail}`), head);
      throw e;
    }
  }

  async #clearHeld(sourceId: string, l: ParsedLine, words: string) {
    if (!this.#mayHaveHeld) return;
    const h = await repo.findHeld(this.#t, sourceId, l.kind, l.externalId);
    if (h && h.status === 'held' && h.version <= l.version) await repo.resolveHeld(this.#t, h.id, 'applied', words, this.#now());
  }

  // ---- resolving external keys ---------------------------------------------------------------

  /** A billing account by number: made earlier in this batch, or committed (read as the system, so one outside the source's scope is refused, not held). */
  async #findBan(number: string): Promise<Ba | undefined> {
    const b = this.#bans.get(number) ?? (await this.#committed.selectFrom('billing_accounts').select(['id', 'tenant_id']).where('account_number', '=', number).executeTakeFirst());
    if (b) this.#bans.set(number, b);
    return b;
  }

  async #ban(number: string): Promise<Ba> {
    const b = await this.#findBan(number);
    if (!b) throw new Held(`ban:${number}`, `No billing account ${number} is known yet; the line waits until it appears.`);
    return b;
  }

  async #tenantByRef(ref: string): Promise<string> {
    const t = await this.#committed.selectFrom('tenants').select('id').where('slug', '=', ref).executeTakeFirst();
    if (!t) throw new Held(`tenant:${ref}`, `No customer with the reference ${ref} is known yet; the line waits until it appears.`);
    return t.id;
  }

  #inScope(source: SyncSource, tenantId: string) {
    if (source.tenantIds !== null && !source.tenantIds.has(tenantId)) throw E.tenant_out_of_scope('This source may not write records for that customer.');
  }

  // ---- writing -------------------------------------------------------------------------------

  /** After a line's savepoint is released: its kind's version and count, and its tenant, for the batch's end. */
  #booked(kind: LineKind, version: string, tenantId: string, delta: number) {
    const k = this.#kinds.get(kind);
    if (!k) this.#kinds.set(kind, { version, delta });
    else {
      if (version > k.version) k.version = version;
      k.delta += delta;
    }
    this.#tenants.add(`${tenantId}|${LINE_KINDS[kind]}`);
  }

  async #write(source: SyncSource, l: ParsedLine, existing: repo.SyncRecordRow | undefined, out: ApplyOutcome): Promise<Omit<LineResult, 'line' | 'kind' | 'external_id'>> {
    const now = this.#now();
    const book = async (trx: Tx, recordId: string, tenantId: string, deleted: boolean) => {
      await repo.upsertSyncRecord(trx, { source_id: source.id, kind: l.kind, external_id: l.externalId, record_id: recordId, tenant_id: tenantId, version: l.version, content_hash: l.contentHash, deleted: deleted ? 1 : 0, updated_at: now });
    };

    if (l.deleted) {
      if (!existing || existing.deleted) return { status: 'unchanged', record_id: null, reason: 'There is no record to delete.' };
      this.#inScope(source, existing.tenant_id);
      await this.#sp(async (trx) => {
        await deleteRecord(trx, l.kind, existing.record_id, now);
        await book(trx, existing.record_id, existing.tenant_id, true);
      });
      this.#booked(l.kind, l.version, existing.tenant_id, -1);
      if (l.kind === 'invoice') out.invoiceTenants.add(existing.tenant_id);
      return { status: 'applied', record_id: null, reason: 'Deleted.' };
    }

    if (existing && !existing.deleted && existing.content_hash === l.contentHash) {
      await this.#sp((trx) => book(trx, existing.record_id, existing.tenant_id, false));
      this.#booked(l.kind, l.version, existing.tenant_id, 0);
      return { status: 'unchanged', record_id: existing.record_id, reason: 'The content is the same as before; only the version moved.' };
    }
    if (l.kind === 'payment' && existing && !existing.deleted) throw E.payment_immutable('This payment was applied before with other values; send a correction as an update of the invoice.');

    const live = existing && !existing.deleted ? existing : undefined;
    const d = l.data;
    // resolve what the line names, before any write
    let tenantId: string;
    let ban: Ba | null = null;
    let billTo: Ba | null = null;
    let invoice: { id: string; tenant_id: string } | null = null;
    if (l.kind === 'billing_account') {
      tenantId = await this.#tenantByRef(String(d.tenant_ref));
      const other = await this.#findBan(String(d.account_number));
      if (other && other.tenant_id !== tenantId) throw E.ban_in_other_tenant(`Billing account ${String(d.account_number)} belongs to another customer.`);
      if (other && live && other.id !== live.record_id) throw E.ban_in_other_tenant(`Billing account ${String(d.account_number)} is already another account of this customer.`);
      ban = other ?? null;
    } else if (l.kind === 'payment') {
      const inv = await repo.findSyncRecord(this.#t, source.id, 'invoice', String(d.invoice_external_id));
      if (!inv || inv.deleted) throw new Held(`invoice:${source.id}:${String(d.invoice_external_id)}`, `No invoice ${String(d.invoice_external_id)} from this source is known yet; the payment waits until it appears.`);
      invoice = { id: inv.record_id, tenant_id: inv.tenant_id };
      tenantId = inv.tenant_id;
    } else if (l.kind === 'ticket' && !d.ban) {
      tenantId = await this.#tenantByRef(String(d.tenant_ref));
    } else {
      ban = await this.#ban(String(d.ban));
      tenantId = ban.tenant_id;
      if (l.kind === 'ticket' && d.tenant_ref) {
        const t = await this.#tenantByRef(String(d.tenant_ref));
        if (t !== tenantId) throw E.record_conflict(`Billing account ${String(d.ban)} is not an account of customer ${String(d.tenant_ref)}.`);
      }
      if (l.kind === 'order' && d.bill_to_ban) billTo = await this.#ban(String(d.bill_to_ban));
    }
    this.#inScope(source, tenantId);
    if (live && live.tenant_id !== tenantId) this.#inScope(source, live.tenant_id);

    const recordId = live?.record_id ?? (l.kind === 'billing_account' ? ban?.id : undefined) ?? newId(ID_PREFIX[l.kind]);
    let banCreated = false;
    await this.#sp(async (trx) => {
      // a record that moved customer: the old row goes, the new one is written for the new customer
      if (live && live.tenant_id !== tenantId && l.kind !== 'billing_account') await deleteRecord(trx, l.kind, live.record_id, now);
      const w = { trx, id: live && live.tenant_id === tenantId ? live.record_id : recordId, tenantId, update: !!live && live.tenant_id === tenantId, now };
      switch (l.kind) {
        case 'billing_account':
          banCreated = await writeBillingAccount({ ...w, id: ban?.id ?? live?.record_id ?? recordId, update: !!(ban ?? live) }, d);
          break;
        case 'invoice':
          await writeInvoice(w, ban!, d);
          break;
        case 'payment':
          await applyPayment(trx, invoice!.id, d);
          break;
        case 'service':
          await writeService(w, ban!, d);
          break;
        case 'order':
          await writeOrder(w, ban!, billTo, d);
          break;
        case 'ticket':
          await writeTicket(w, ban, d);
          break;
        case 'usage':
          await writeUsage(w, ban!, d);
          break;
        case 'sla':
          await writeSla(w, ban!, d);
          break;
      }
      await book(trx, l.kind === 'billing_account' ? (ban?.id ?? live?.record_id ?? recordId) : w.id, tenantId, false);
    });
    this.#booked(l.kind, l.version, tenantId, live ? 0 : 1);
    if (l.kind === 'billing_account') {
      // the batch's later lines find the account as it is now, before the batch commits
      for (const [n, b] of this.#bans) if (b.id === (ban?.id ?? live?.record_id ?? recordId)) this.#bans.delete(n);
      this.#bans.set(String(d.account_number), { id: ban?.id ?? live?.record_id ?? recordId, tenant_id: tenantId });
    }
    if (l.kind === 'billing_account' && banCreated) out.newBans.add(String(d.account_number));
    if (l.kind === 'invoice' || l.kind === 'payment') out.invoiceTenants.add(tenantId);
    if (l.kind === 'invoice' && !live) out.newInvoices.add(`invoice:${source.id}:${l.externalId}`);
    return { status: 'applied', record_id: l.kind === 'payment' ? invoice!.id : l.kind === 'billing_account' ? (ban?.id ?? live?.record_id ?? recordId) : live && live.tenant_id === tenantId ? live.record_id : recordId };
  }
}
