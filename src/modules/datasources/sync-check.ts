/**
 * The check-only path: what applying a batch of sync lines would do, line by line, without writing
 * anything — so the CSV import's check says "held" for a row naming a billing account that does not
 * exist, before the operator applies. It runs the applier's own checks (sync-line-checks.ts) in the
 * batch's order, and keeps in memory what each line that would apply makes (a billing account under
 * its number, a record under its external id, a deletion), so a billing account created on line 3
 * makes line 7 ready, as it would when applied. What it reads it reads in bulk first, like the
 * applier (sync-bulk.ts), inside a transaction that writes nothing and is rolled back.
 */
import { enterDbContext, type Db, type Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import * as repo from './datasources.repo.ts';
import { billingLookups, tenantQueries } from '../tenants/index.ts';
import { keyOf, prefetchBatch } from './sync-bulk.ts';
import { lineBefore, noteBan, planLine, rejectLine, type LineLookups } from './sync-line-checks.ts';
import { Held, missingOf, sourceDbContext, type LineResult, type Missing, type SyncLineInput, type SyncSource } from './sync-types.ts';
import type { Ba } from './sync-writers.ts';

export { missingOf, type Missing };

/** A line as applying it would leave it: `ready` (it would be written), `unchanged`, `held` (with what it waits for), or `rejected`. */
export type CheckedLine = Omit<LineResult, 'status' | 'record_id'> & { status: 'ready' | 'unchanged' | 'held' | 'rejected'; missing?: Missing };

/** The words of a held line at the check: not known now, and not made by a line before it. */
function heldWords(m: Missing): string {
  if (m.kind === 'billing_account') return `Billing account ${m.key} does not exist yet and is not created earlier in this file.`;
  if (m.kind === 'customer') return `No customer has the reference ${m.key} yet, and it is not created by this file.`;
  return `Invoice ${m.key} does not exist yet and is not created earlier in this file.`;
}

class BatchView {
  readonly records = new Map<string, repo.SyncRecordRow | null>();
  readonly bans = new Map<string, Ba>();
  readonly noBans = new Set<string>();
  readonly tenantRefs = new Map<string, string | null>();
  readonly sourceId: string;
  constructor(sourceId: string) {
    this.sourceId = sourceId;
  }

  /** `read`: the check's transaction, under the source's context; `committed`: where billing accounts and customers are read as the system */
  lookups(read: Executor, committed: Executor): LineLookups {
    return {
      existing: async (kind, externalId) => {
        const key = keyOf(kind, externalId);
        const cached = this.records.get(key);
        if (cached !== undefined) return cached ?? undefined;
        const r = await repo.findSyncRecord(read, this.sourceId, kind, externalId);
        this.records.set(key, r ?? null);
        return r;
      },
      findBan: async (number) => {
        const known = this.bans.get(number);
        if (known || this.noBans.has(number)) return known;
        const b = await billingLookups.findBillingAccountByNumber(committed, number);
        if (b) this.bans.set(number, b);
        else this.noBans.add(number);
        return b;
      },
      tenantByRef: async (ref) => {
        const known = this.tenantRefs.get(ref);
        if (known !== undefined) return known ?? undefined;
        const t = await tenantQueries.findTenantBySlug(committed, ref);
        this.tenantRefs.set(ref, t?.id ?? null);
        return t?.id;
      },
    };
  }

  /** What a line that would apply leaves for the lines after it. */
  remember(l: { kind: string; externalId: string; version: string; contentHash: string; data: Record<string, unknown> }, record: repo.SyncRecordRow | null, write: { id: string; tenantId: string; renumbered: boolean } | null, deleted: boolean) {
    const base = record ?? ({ source_id: this.sourceId, kind: l.kind, external_id: l.externalId } as repo.SyncRecordRow);
    const row = { ...base, record_id: write?.id ?? base.record_id, tenant_id: write?.tenantId ?? base.tenant_id, version: l.version, content_hash: l.contentHash, deleted: deleted ? 1 : 0 };
    this.records.set(keyOf(l.kind, l.externalId), row);
    if (write && l.kind === 'billing_account') noteBan(this.bans, this.noBans, String(l.data.account_number), write.id, write.tenantId, write.renumbered);
  }
}

/** What applying `lines` for `source` would do, one result per line in order; nothing is written. */
export async function checkSyncLines(db: Db, source: SyncSource, lines: readonly SyncLineInput[], requestId: string): Promise<CheckedLine[]> {
  const view = new BatchView(source.id);
  const out: CheckedLine[] = [];
  await db.kysely
    .transaction()
    .execute(async (trx) => {
      await enterDbContext(db, trx, sourceDbContext(source));
      // as the applier reads: PostgreSQL's committed rows on another connection; SQLite's one connection is the transaction's
      const committed = db.dialect === 'postgres' ? db.kysely : trx;
      const p = await prefetchBatch(trx, committed, source.id, lines);
      for (const [k, v] of p.records) view.records.set(k, v);
      for (const [k, v] of p.bans) view.bans.set(k, v);
      for (const n of p.noBans) view.noBans.add(n);
      for (const [k, v] of p.tenantRefs) view.tenantRefs.set(k, v);
      const look = view.lookups(trx, committed);
      for (const input of lines) out.push(await checkOne(view, look, source, input, requestId));
      // nothing of it is kept, even a read's side effect
      throw new RolledBack();
    })
    .catch((e: unknown) => {
      if (!(e instanceof RolledBack)) throw e;
    });
  return out;
}

class RolledBack extends Error {}

async function checkOne(view: BatchView, look: LineLookups, source: SyncSource, input: SyncLineInput, requestId: string): Promise<CheckedLine> {
  const c = await lineBefore(source, input, requestId, look);
  if ('done' in c) return { ...c.done, status: c.done.status === 'unchanged' ? 'unchanged' : 'rejected' };
  const { l, head, existing } = c;
  try {
    const plan = await planLine(source, l, existing, look);
    if (plan.do === 'nothing') return { line: input.line, ...head, status: 'unchanged', reason: plan.reason };
    if (plan.do === 'touch') {
      view.remember(l, plan.record, null, false);
      return { line: input.line, ...head, status: 'unchanged', reason: 'The content is the same as before; only the version moved.' };
    }
    if (plan.do === 'delete') view.remember(l, plan.record, null, true);
    else view.remember(l, existing ?? null, { id: plan.id, tenantId: plan.tenantId, renumbered: !!(plan.ban ?? plan.live) }, false);
    return { line: input.line, ...head, status: 'ready' };
  } catch (e) {
    if (e instanceof Held) {
      const missing = missingOf(e.missingKey);
      return { line: input.line, ...head, status: 'held', reason: heldWords(missing), missing };
    }
    if (e instanceof AppError) return { ...rejectLine(requestId, input, new AppError(e.code, e.status, `Line ${input.line}: ${e.detail}`, { fields: e.fields }), head), status: 'rejected' };
    throw e;
  }
}
