/**
 * A sync batch's lines written together: the applier (sync-apply.ts) checks and resolves each line in
 * memory, against what it read of the batch's records in bulk, and the lines that simply write a
 * record (a new one, or a newer version of one) are written as one group — the records in multi-row
 * INSERTs per table, the sync records in one multi-row upsert that moves only to a newer version,
 * their events in one multi-row insert — inside one savepoint. If any statement of the group fails,
 * the savepoint is rolled back and the applier applies the group's lines one by one, each in a
 * savepoint of its own, so one bad line still leaves the others alone and never half-applies.
 */
import { PostgresAdapter, type Insertable } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.ts';
import type { SyncRecordsTable } from '../../platform/db/schema.ts';
import type { SyncRecordRow } from './datasources.repo.ts';
import type { SyncLineInput } from './sync-types.ts';
import type { ParsedLine } from './sync-lines.ts';
import { PRIOR_COLUMNS, type PriorState } from './sync-events.ts';
import type { Ba, RecordTable, RecordWrite } from './sync-writers.ts';
import * as syncRecords from './sync-records.repo.ts';
import { billingLookups } from '../tenants/index.ts';

/** One line of a group: what it writes, and what it will have done once the group commits. */
export interface PendingLine {
  /** its place in the batch's results */
  index: number;
  l: ParsedLine;
  /** the record's write (null: the content is the same, only the version moves) */
  write: RecordWrite | null;
  sync: Insertable<SyncRecordsTable>;
  /** no sync record of its external id existed when the batch read them (its sync record is inserted, not upserted) */
  fresh: boolean;
  tenantId: string;
  /** the change in its kind's record count */
  delta: number;
  /** the billing account number the record is on (for its events) */
  banNumber: string | null;
  /** how a held line under its key is resolved */
  heldWords: string;
}

/** Billing accounts first: a group's invoices, orders and tickets may name an account made in the same group. */
const TABLE_ORDER: readonly RecordTable[] = ['billing_accounts', 'invoices', 'provisioned_services', 'orders', 'support_tickets', 'usage_records', 'sla_records', 'subscribers'];
/** rows per statement: under SQLite's and PostgreSQL's bounds on a statement's parameters */
const PARAMS_PER_STATEMENT = 30_000;
const IDS_PER_STATEMENT = 1_000;

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export const keyOf = (kind: string, externalId: string) => `${kind}\u0000${externalId}`;

export interface Prefetched {
  /** each external id the batch names → its sync record (null: none yet) */
  records: Map<string, SyncRecordRow | null>;
  bans: Map<string, Ba>;
  /** billing account numbers named that do not exist */
  noBans: Set<string>;
  /** customers by reference */
  tenantRefs: Map<string, string>;
}

/**
 * What a batch's lines name, read in bulk before they are applied: the sync records of their external
 * ids (in the batch's transaction), the billing accounts and customers they name (as the system).
 */
export async function prefetchBatch(trx: Tx, committed: Executor, sourceId: string, lines: readonly SyncLineInput[]): Promise<Prefetched> {
  const out: Prefetched = { records: new Map(), bans: new Map(), noBans: new Set(), tenantRefs: new Map() };
  const ids = new Map<string, Set<string>>();
  const bans = new Set<string>();
  const refs = new Set<string>();
  const idsOf = (kind: string) => ids.get(kind) ?? ids.set(kind, new Set()).get(kind)!;
  for (const input of lines) {
    const v = input.value as { kind?: unknown; external_id?: unknown; data?: Record<string, unknown> } | null;
    if (!v || typeof v.kind !== 'string' || typeof v.external_id !== 'string') continue;
    idsOf(v.kind).add(v.external_id);
    if (v.kind === 'payment' && typeof v.data?.invoice_external_id === 'string') idsOf('invoice').add(v.data.invoice_external_id);
    for (const f of ['ban', 'bill_to_ban', 'account_number']) if (typeof v.data?.[f] === 'string') bans.add(v.data[f] as string);
    if (typeof v.data?.tenant_ref === 'string') refs.add(v.data.tenant_ref);
  }
  // PostgreSQL takes the ids of a kind as arrays (sync-records.repo.ts) and the account numbers as one; SQLite a thousand at a time
  const pg = trx.getExecutor().adapter instanceof PostgresAdapter;
  for (const [kind, set] of ids) {
    for (const id of set) out.records.set(keyOf(kind, id), null);
    for (const part of chunks([...set], pg ? syncRecords.SYNC_RECORD_IDS_PER_STATEMENT : IDS_PER_STATEMENT)) {
      const rows = await syncRecords.findSyncRecordsOf(trx, sourceId, kind, part);
      for (const r of rows) out.records.set(keyOf(kind, r.external_id), r);
    }
  }
  for (const n of bans) out.noBans.add(n);
  for (const part of chunks([...bans], pg ? Math.max(1, bans.size) : IDS_PER_STATEMENT)) {
    for (const b of await billingLookups.findBillingAccountsByNumbers(committed, part)) {
      out.bans.set(b.account_number, { id: b.id, tenant_id: b.tenant_id });
      out.noBans.delete(b.account_number);
    }
  }
  for (const part of chunks([...refs], IDS_PER_STATEMENT)) for (const t of await billingLookups.findTenantIdsBySlugs(committed, part)) out.tenantRefs.set(t.slug, t.id);
  return out;
}

/** The state before this group of the records it updates, for their events (invoices, tickets, orders). */
export async function priorStates(trx: Tx, group: readonly PendingLine[]): Promise<Map<string, PriorState>> {
  const out = new Map<string, PriorState>();
  for (const table of Object.keys(PRIOR_COLUMNS) as (keyof typeof PRIOR_COLUMNS)[]) {
    const ids = group.filter((p) => p.write?.update && p.write.table === table).map((p) => p.write!.id);
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      const rows = (await trx.selectFrom(table).select([...PRIOR_COLUMNS[table]] as never[]).where('id', 'in', part).execute()) as unknown as { id: string; status: string; number?: string }[];
      for (const r of rows) out.set(r.id, { status: r.status, number: r.number ?? null });
    }
  }
  return out;
}

/** The state before of one record whose update may fire events (a line applied on its own). */
export async function priorState(trx: Tx, kind: string, id: string): Promise<PriorState | null> {
  const table = ({ invoice: 'invoices', ticket: 'support_tickets', order: 'orders' } as const)[kind as 'invoice'];
  if (!table) return null;
  const r = (await trx.selectFrom(table).select([...PRIOR_COLUMNS[table]] as never[]).where('id', '=', id).executeTakeFirst()) as { status: string; number?: string } | undefined;
  return r ? { status: r.status, number: r.number ?? null } : null;
}

/** Write a group's records and sync records. Throws when any statement fails or a record moved on meanwhile. */
export async function writeGroup(trx: Tx, group: readonly PendingLine[]): Promise<void> {
  // PostgreSQL: each table's rows from one JSON parameter (sync-records.repo.ts); SQLite: multi-row VALUES under its bound on parameters
  const pg = trx.getExecutor().adapter instanceof PostgresAdapter;
  for (const table of TABLE_ORDER) {
    const inserts = group.filter((p) => p.write?.table === table && p.write.insert).map((p) => p.write!.insert!);
    if (inserts.length && pg) await syncRecords.insertRowsAsJson(trx, table, inserts);
    else if (inserts.length) {
      const per = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / Object.keys(inserts[0]).length));
      for (const part of chunks(inserts, per)) await trx.insertInto(table).values(part as never).execute();
    }
    const updates = group.filter((p) => p.write?.table === table && p.write.update).map((p) => ({ id: p.write!.id, ...p.write!.update }));
    if (pg) for (const same of sameColumns(updates)) await syncRecords.updateRowsAsJson(trx, table, same);
    else for (const u of updates) await trx.updateTable(table).set(u as never).where('id', '=', u.id).execute();
  }
  // PostgreSQL: the new external ids' sync records are inserted (if another batch made one meanwhile, its unique key refuses the group)
  const fresh = pg ? group.filter((p) => p.fresh).map((p) => p.sync) : [];
  if (fresh.length) await syncRecords.insertRowsAsJson(trx, 'sync_records', fresh as unknown as Record<string, unknown>[]);
  const syncs = group.filter((p) => !(pg && p.fresh)).map((p) => p.sync);
  const per = Math.floor(PARAMS_PER_STATEMENT / 9);
  for (const part of pg ? [syncs] : chunks(syncs, per)) {
    if (part.length === 0) continue;
    const moved = pg ? await syncRecords.upsertNewerSyncRecordsAsJson(trx, part) : await syncRecords.upsertNewerSyncRecords(trx, part);
    if (moved !== part.length) throw new Error('a record of the group was applied by another batch meanwhile');
  }
}

/** Rows grouped by the columns they name (one update statement each). */
function sameColumns(rows: readonly Record<string, unknown>[]): Record<string, unknown>[][] {
  const by = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const key = Object.keys(r).join(',');
    by.get(key)?.push(r) ?? by.set(key, [r]);
  }
  return [...by.values()];
}

/** Held lines under the group's keys are resolved: a later line applied or superseded them. */
export async function resolveHeldOf(trx: Tx, sourceId: string, group: readonly PendingLine[], now: string): Promise<void> {
  const byKey = new Map(group.map((p) => [`${p.l.kind}\u0000${p.l.externalId}`, p]));
  const resolve = new Map<string, string[]>();
  for (const part of chunks([...new Set(group.map((p) => p.l.externalId))], IDS_PER_STATEMENT)) {
    const held = await syncRecords.findHeldUnder(trx, sourceId, part);
    for (const h of held) {
      const p = byKey.get(`${h.kind}\u0000${h.external_id}`);
      if (!p || h.version > p.l.version) continue;
      const ids = resolve.get(p.heldWords) ?? [];
      ids.push(h.id);
      resolve.set(p.heldWords, ids);
    }
  }
  for (const [words, ids] of resolve) await syncRecords.markHeldApplied(trx, ids, words, now);
}
