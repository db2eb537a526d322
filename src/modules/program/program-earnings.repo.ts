/**
 * The program's earnings computation reads and writes (program-earnings.ts): referred tenants page
 * by page, their paid invoices, the lines and their invoices, compare-and-set updates.
 * Re-exported by program.repo.ts.
 */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ProgramEarningInvoicesTable, ProgramEarningsTable } from '../../platform/db/schema.ts';
import { invoiceQueries } from '../resources/index.ts';
import { creditedBaseMinor } from './earnings-math.ts';

type EarningRow = Selectable<ProgramEarningsTable>;

/** A referred tenant as the computation pages through them. */
export interface ReferredTenant {
  tenant_id: string;
  attributed_at: string;
}

/** One page of a partner's referred tenants (keyset on the tenant id, by the (partner_id, tenant_id) index). */
export function pageReferredTenants(db: Executor, f: { partnerId: string; after: string; limit: number }): Promise<ReferredTenant[]> {
  return db
    .selectFrom('referral_attributions')
    .select(['tenant_id', 'attributed_at'])
    .where('partner_id', '=', f.partnerId)
    .where('tenant_id', '>', f.after)
    .orderBy('tenant_id')
    .limit(f.limit)
    .execute();
}

/** The attributions to `partnerId` among some tenants. */
export function attributionsAmong(db: Executor, partnerId: string, tenantIds: string[]): Promise<ReferredTenant[]> {
  if (tenantIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('referral_attributions').select(['tenant_id', 'attributed_at']).where('partner_id', '=', partnerId).where('tenant_id', 'in', tenantIds).execute();
}

/** 'YYYY-MM' after `m`. */
export function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** A paid invoice, as much of it as the computation reads; `month` is its month of payment. */
export interface SourceInvoice {
  id: string;
  tenant_id: string;
  number: string;
  month: string;
  paid_at: string | null;
  base: number;
  currency: string;
}

/**
 * The paid invoices of some tenants (`month`: only those paid that month), asked of the resources
 * module. The month of payment is paid_at's; an invoice marked paid without a payment time counts
 * in its billing period.
 */
export async function paidInvoicesOf(db: Executor, tenantIds: string[], month?: string): Promise<SourceInvoice[]> {
  if (tenantIds.length === 0) return [];
  const rows = await invoiceQueries.paidInvoicesOfTenants(db, tenantIds, month);
  // what was refunded or credited of an invoice takes its share of the base with it (earnings-math.ts)
  // (an invoice credited in full is paid no more, as a refunded one)
  return rows
    .filter((r) => !(Number(r.credited_cents) > 0 && Number(r.credited_cents) >= Number(r.total_cents)))
    .map((r) => ({ id: r.id, tenant_id: r.tenant_id, number: r.number, month: r.paid_at ? r.paid_at.slice(0, 7) : r.period, paid_at: r.paid_at, base: creditedBaseMinor(Number(r.subtotal_cents), Number(r.total_cents), Number(r.credited_cents)), currency: r.currency }));
}

export type LineInvoiceRow = Selectable<ProgramEarningInvoicesTable>;
export type LineWithInvoices = EarningRow & { invoices: LineInvoiceRow[] };

/**
 * The lines of some tenants the computation owns on this run — those of `months` (all when
 * absent), every bounty line and every clawback — each with its invoices.
 */
export async function linesOf(db: Executor, tenantIds: string[], months?: string[]): Promise<LineWithInvoices[]> {
  if (tenantIds.length === 0) return [];
  let q = db.selectFrom('program_earnings').selectAll().where('tenant_id', 'in', tenantIds);
  if (months) q = q.where((eb) => eb.or([eb('period', 'in', months), eb('kind', 'in', ['bounty', 'clawback'])]));
  const lines = await q.execute();
  if (lines.length === 0) return [];
  // the invoices of exactly these lines, by the primary key's earning_id prefix
  const invs: LineInvoiceRow[] = [];
  const ids = lines.map((l) => l.id);
  for (let i = 0; i < ids.length; i += 900) invs.push(...(await db.selectFrom('program_earning_invoices').selectAll().where('earning_id', 'in', ids.slice(i, i + 900)).execute()));
  const byLine = new Map<string, LineInvoiceRow[]>();
  for (const i of invs) {
    const l = byLine.get(i.earning_id);
    if (l) l.push(i);
    else byLine.set(i.earning_id, [i]);
  }
  return lines.map((l) => ({ ...l, invoices: byLine.get(l.id) ?? [] }));
}

/** Insert lines and their invoices; a line whose (kind, source_key) exists is left alone (another run wrote it). Returns the ids inserted. */
export async function insertLines(db: Executor, rows: (EarningRow & { invoices: Omit<LineInvoiceRow, 'earning_id'>[] })[]): Promise<Set<string>> {
  const got = new Set<string>();
  // 200 rows × 22 columns stays under both dialects' bound-parameter limits
  for (let i = 0; i < rows.length; i += 200) {
    const ids = await db
      .insertInto('program_earnings')
      .values(rows.slice(i, i + 200).map(({ invoices: _, ...r }) => r))
      .onConflict((oc) => oc.columns(['kind', 'source_key']).doNothing())
      .returning('id')
      .execute();
    for (const r of ids) got.add(r.id);
  }
  const children = rows.filter((r) => got.has(r.id)).flatMap((r) => r.invoices.map((i) => ({ ...i, earning_id: r.id })));
  for (let i = 0; i < children.length; i += 1000) await db.insertInto('program_earning_invoices').values(children.slice(i, i + 1000)).execute();
  return got;
}

/** Compare-and-set: an open line (pending or approved) takes its recomputed amount and invoices; a line paid meanwhile is left alone. */
export async function updateOpenLine(
  db: Executor,
  u: { id: string; period: string; agreement_id: string; base_minor: number; amount_minor: number; invoices: Omit<LineInvoiceRow, 'earning_id'>[]; now: string },
): Promise<boolean> {
  const r = await db
    .updateTable('program_earnings')
    .set({ period: u.period, agreement_id: u.agreement_id, base_minor: u.base_minor, amount_minor: u.amount_minor, invoice_count: u.invoices.length, updated_at: u.now })
    .where('id', '=', u.id)
    .where('state', 'in', ['pending', 'approved'])
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await db.deleteFrom('program_earning_invoices').where('earning_id', '=', u.id).execute();
  if (u.invoices.length > 0) await db.insertInto('program_earning_invoices').values(u.invoices.map((i) => ({ ...i, earning_id: u.id }))).execute();
  return true;
}

/** Compare-and-set: open lines become reversed (a paid one never does). */
export async function reverseOpenLines(db: Executor, ids: string[], now: string): Promise<{ id: string; amount_minor: number }[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable('program_earnings')
    .set({ state: 'reversed', reversed_at: now, updated_at: now })
    .where('id', 'in', ids)
    .where('state', 'in', ['pending', 'approved'])
    .returning(['id', 'amount_minor'])
    .execute();
}

