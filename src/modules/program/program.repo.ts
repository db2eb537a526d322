/** The partner program's tables (migration 0013). Counts and sums come back as strings on PostgreSQL: callers Number() them. */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ProgramAgreementsTable, ProgramEarningsTable, ProgramPayoutsTable, ReferralAttributionsTable, ReferralCodesTable } from '../../platform/db/schema.ts';

export type CodeRow = Selectable<ReferralCodesTable>;
export type AttributionRow = Selectable<ReferralAttributionsTable>;
export type AgreementRow = Selectable<ProgramAgreementsTable>;
export type EarningRow = Selectable<ProgramEarningsTable>;
export type PayoutRow = Selectable<ProgramPayoutsTable>;
export type EarningState = EarningRow['state'];

// the pages and sweeps that name other modules' rows (program-reads.ts, a cross-table read model)
export * from './program-reads.ts';

// ---- codes ------------------------------------------------------------------------------------

export async function insertCode(db: Executor, row: Insertable<ReferralCodesTable>): Promise<void> {
  await db.insertInto('referral_codes').values(row).execute();
}

export function findCode(db: Executor, code: string): Promise<CodeRow | undefined> {
  return db.selectFrom('referral_codes').selectAll().where('code', '=', code).executeTakeFirst();
}


export async function countCodes(db: Executor, f: { partnerId: string; createdBy?: string }): Promise<number> {
  let q = db.selectFrom('referral_codes').select((eb) => eb.fn.countAll().as('n')).where('partner_id', '=', f.partnerId);
  if (f.createdBy) q = q.where('created_by', '=', f.createdBy);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function updateCodeStatus(db: Executor, code: string, status: CodeRow['status'], now: string): Promise<void> {
  await db.updateTable('referral_codes').set({ status, updated_at: now }).where('code', '=', code).execute();
}

// ---- attributions -----------------------------------------------------------------------------

export async function insertAttribution(db: Executor, row: AttributionRow): Promise<void> {
  await db.insertInto('referral_attributions').values(row).execute();
}

export function findAttribution(db: Executor, tenantId: string): Promise<AttributionRow | undefined> {
  return db.selectFrom('referral_attributions').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Who created a partner's referral code. */
export function findCodeCreator(db: Executor, partnerId: string, code: string) {
  return db.selectFrom('referral_codes').select('created_by').where('code', '=', code).where('partner_id', '=', partnerId).executeTakeFirst();
}

// ---- agreements -------------------------------------------------------------------------------

export async function insertAgreement(db: Executor, row: AgreementRow): Promise<void> {
  await db.insertInto('program_agreements').values(row).execute();
}

export function findAgreement(db: Executor, id: string): Promise<AgreementRow | undefined> {
  return db.selectFrom('program_agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listAgreements(db: Executor, partnerId: string): Promise<AgreementRow[]> {
  return db.selectFrom('program_agreements').selectAll().where('partner_id', '=', partnerId).orderBy('version', 'desc').execute();
}

export async function maxAgreementVersion(db: Executor, partnerId: string): Promise<number> {
  const r = await db.selectFrom('program_agreements').select((eb) => eb.fn.max('version').as('v')).where('partner_id', '=', partnerId).executeTakeFirst();
  return Number(r?.v ?? 0);
}

export async function updateAgreement(db: Executor, id: string, expectStatus: AgreementRow['status'], patch: Partial<AgreementRow>): Promise<boolean> {
  const r = await db.updateTable('program_agreements').set(patch).where('id', '=', id).where('status', '=', expectStatus).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function supersedeApproved(db: Executor, partnerId: string, exceptId: string, now: string): Promise<number> {
  const r = await db
    .updateTable('program_agreements')
    .set({ status: 'superseded', superseded_at: now })
    .where('partner_id', '=', partnerId)
    .where('status', '=', 'approved')
    .where('id', '<>', exceptId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Agreements that ever were in force (approved, or approved then superseded), oldest effective first. */
export function listInForceAgreements(db: Executor, partnerId?: string): Promise<AgreementRow[]> {
  let q = db.selectFrom('program_agreements').selectAll().where('status', 'in', ['approved', 'superseded']).where('approved_at', 'is not', null);
  if (partnerId) q = q.where('partner_id', '=', partnerId);
  return q.orderBy('partner_id').orderBy('effective_date').orderBy('version').execute();
}

// ---- earnings ---------------------------------------------------------------------------------

// the computation's reads and writes
export * from './program-earnings.repo.ts';
import type { LineInvoiceRow } from './program-earnings.repo.ts';

/** The invoices a line came from (the owner's drill-down), by number. */
export function lineInvoices(db: Executor, earningId: string): Promise<LineInvoiceRow[]> {
  return db.selectFrom('program_earning_invoices').selectAll().where('earning_id', '=', earningId).orderBy('paid_at').orderBy('invoice_number').execute();
}

/** The invoice numbers of every line of a partner (the CSV export). */
export async function invoiceNumbersOf(db: Executor, partnerId: string): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('program_earning_invoices').select(['earning_id', 'invoice_number']).where('partner_id', '=', partnerId).orderBy('earning_id').orderBy('invoice_number').execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.earning_id, [...(out.get(r.earning_id) ?? []), r.invoice_number]);
  return out;
}

/** Totals by month and state (the summary: no line leaves this function). */
export async function earningTotals(db: Executor, f: { partnerId?: string }): Promise<{ period: string; state: EarningState; kind: EarningRow['kind']; currency: string; minor: number }[]> {
  let q = db
    .selectFrom('program_earnings')
    .select(['period', 'state', 'kind', 'currency'])
    .select((eb) => eb.fn.sum<number | string>('amount_minor').as('minor'))
    .groupBy(['period', 'state', 'kind', 'currency'])
    .orderBy('period');
  if (f.partnerId) q = q.where('partner_id', '=', f.partnerId);
  return (await q.execute()).map((r) => ({ ...r, minor: Number(r.minor) }));
}

/** Per-partner totals by state and kind (the operator's overview). */
export async function partnerTotals(db: Executor): Promise<{ partner_id: string; state: EarningState; kind: EarningRow['kind']; minor: number }[]> {
  const rows = await db
    .selectFrom('program_earnings')
    .select(['partner_id', 'state', 'kind'])
    .select((eb) => eb.fn.sum<number | string>('amount_minor').as('minor'))
    .groupBy(['partner_id', 'state', 'kind'])
    .execute();
  return rows.map((r) => ({ ...r, minor: Number(r.minor) }));
}

export async function approveEarnings(db: Executor, ids: string[], by: string | null, now: string): Promise<{ id: string; partner_id: string; amount_minor: number }[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable('program_earnings')
    .set({ state: 'approved', approved_at: now, approved_by: by, updated_at: now })
    .where('id', 'in', ids)
    .where('state', '=', 'pending')
    .returning(['id', 'partner_id', 'amount_minor'])
    .execute();
}

/**
 * What a payout pays: the partner's approved lines (all, or the ones named) and every clawback
 * not yet paid (pending or approved) — a refund after an earlier payout is netted in the next one.
 */
export function listForPayout(db: Executor, partnerId: string, ids?: string[]): Promise<EarningRow[]> {
  return db
    .selectFrom('program_earnings')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where((eb) => {
      const named = ids ? eb.and([eb('state', '=', 'approved'), eb('id', 'in', ids)]) : eb('state', '=', 'approved');
      return eb.or([named, eb.and([eb('kind', '=', 'clawback'), eb('state', 'in', ['pending', 'approved'])])]);
    })
    .orderBy('id')
    .execute();
}

/** Compare-and-set: only lines still as read (approved; a clawback pending or approved) are marked paid. */
export async function markPaid(db: Executor, ids: string[], payoutId: string, by: string | null, now: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    // a pending clawback is approved by the payout that nets it
    await db.updateTable('program_earnings').set({ state: 'approved', approved_at: now, approved_by: by }).where('id', 'in', chunk).where('kind', '=', 'clawback').where('state', '=', 'pending').execute();
    const r = await db
      .updateTable('program_earnings')
      .set({ state: 'paid', payout_id: payoutId, updated_at: now })
      .where('id', 'in', chunk)
      .where('state', '=', 'approved')
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

export async function insertPayout(db: Executor, row: PayoutRow): Promise<void> {
  await db.insertInto('program_payouts').values(row).execute();
}

/** The demo world's refunds: an invoice of a tenant's commission line (its latest paid one, or one of a month). */
export async function demoLineInvoice(db: Executor, tenantId: string, f: { state: 'paid' } | { period: string }): Promise<string | undefined> {
  let q = db
    .selectFrom('program_earning_invoices as ei')
    .innerJoin('program_earnings as e', 'e.id', 'ei.earning_id')
    .select('ei.invoice_id')
    .where('e.tenant_id', '=', tenantId)
    .where('e.kind', '=', 'commission');
  q = 'state' in f ? q.where('e.state', '=', f.state) : q.where('e.period', '=', f.period);
  return (await q.orderBy('e.period', 'desc').orderBy('ei.invoice_id').executeTakeFirst())?.invoice_id;
}

export function listPartnerEarningIds(db: Executor, partnerId: string, f: { state: EarningState; maxPeriod: string }) {
  return db.selectFrom('program_earnings').select('id').where('partner_id', '=', partnerId).where('state', '=', f.state).where('period', '<=', f.maxPeriod).execute();
}
