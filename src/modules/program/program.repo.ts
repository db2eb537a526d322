/** The partner program's tables (migration 0013). Counts and sums come back as strings on PostgreSQL: callers Number() them. */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ProgramAgreementsTable, ProgramEarningsTable, ProgramPayoutsTable, ReferralAttributionsTable, ReferralCodesTable } from '../../platform/db/schema.ts';
import { anyColumnContains } from '../../platform/db/search.ts';

export type CodeRow = Selectable<ReferralCodesTable>;
export type AttributionRow = Selectable<ReferralAttributionsTable>;
export type AgreementRow = Selectable<ProgramAgreementsTable>;
export type EarningRow = Selectable<ProgramEarningsTable>;
export type PayoutRow = Selectable<ProgramPayoutsTable>;
export type EarningState = EarningRow['state'];

// ---- codes ------------------------------------------------------------------------------------

export async function insertCode(db: Executor, row: Insertable<ReferralCodesTable>): Promise<void> {
  await db.insertInto('referral_codes').values(row).execute();
}

export function findCode(db: Executor, code: string): Promise<CodeRow | undefined> {
  return db.selectFrom('referral_codes').selectAll().where('code', '=', code).executeTakeFirst();
}

export type CodeListRow = CodeRow & { created_by_name: string | null; sign_ups: number | string };

export function listCodes(db: Executor, f: { partnerId: string; createdBy?: string; limit: number; offset: number }): Promise<CodeListRow[]> {
  let q = db
    .selectFrom('referral_codes as c')
    .leftJoin('users as u', 'u.id', 'c.created_by')
    .selectAll('c')
    .select('u.name as created_by_name')
    .select((eb) => eb.selectFrom('referral_attributions as a').whereRef('a.code', '=', 'c.code').select(eb.fn.countAll().as('n')).as('sign_ups'))
    .where('c.partner_id', '=', f.partnerId);
  if (f.createdBy) q = q.where('c.created_by', '=', f.createdBy);
  return q.orderBy('c.created_at', 'desc').orderBy('c.code').limit(f.limit).offset(f.offset).execute() as Promise<CodeListRow[]>;
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

export interface ReferralFilter {
  partnerId: string;
  /** staff: only the tenants their own codes brought */
  codeCreatedBy?: string;
  tenantId?: string;
  q?: string;
}

function referralQuery(db: Executor, f: ReferralFilter) {
  let q = db
    .selectFrom('referral_attributions as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .innerJoin('referral_codes as c', 'c.code', 'a.code')
    .where('a.partner_id', '=', f.partnerId);
  if (f.codeCreatedBy) q = q.where('c.created_by', '=', f.codeCreatedBy);
  if (f.tenantId) q = q.where('a.tenant_id', '=', f.tenantId);
  if (f.q) q = q.where(anyColumnContains(['t.name', 't.slug'], f.q));
  return q;
}

/** The referred tenants' ids: whose invoices a partner's earnings come from (for where that billing data comes from). */
export async function listReferredTenantIds(db: Executor, partnerId: string, codeCreatedBy?: string): Promise<string[]> {
  return (await referralQuery(db, { partnerId, codeCreatedBy }).select('a.tenant_id').execute()).map((r) => r.tenant_id);
}

/** The limited tenant view's raw material: exactly the allow-listed columns, nothing else is selected. */
export function listReferrals(db: Executor, f: ReferralFilter & { limit: number; offset: number }) {
  return referralQuery(db, f)
    .select(['t.id', 't.name', 't.slug', 't.status', 't.tier', 'a.attributed_at', 'a.code'])
    .orderBy('a.attributed_at', 'desc')
    .orderBy('t.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

export async function countReferrals(db: Executor, f: ReferralFilter): Promise<number> {
  return Number((await referralQuery(db, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

export async function countActiveReferrals(db: Executor, partnerId: string, codeCreatedBy?: string): Promise<number> {
  return Number(
    (await referralQuery(db, { partnerId, codeCreatedBy }).where('t.status', '=', 'active').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
  );
}

/** Referred tenants that have paid at least one invoice (the funnel's last step). */
/** Who created a partner's referral code. */
export function findCodeCreator(db: Executor, partnerId: string, code: string) {
  return db.selectFrom('referral_codes').select('created_by').where('code', '=', code).where('partner_id', '=', partnerId).executeTakeFirst();
}

export async function countPayingReferrals(db: Executor, partnerId: string, codeCreatedBy?: string): Promise<number> {
  return Number(
    (
      await referralQuery(db, { partnerId, codeCreatedBy })
        .where((eb) => eb.exists(eb.selectFrom('invoices as i').select('i.id').whereRef('i.tenant_id', '=', 'a.tenant_id').where('i.status', '=', 'paid')))
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/**
 * Aggregated monthly revenue of some tenants: the paid subtotal of each one's latest invoiced
 * period (one number per tenant; no invoice leaves this function).
 */
export async function latestMonthlyRevenue(db: Executor, tenantIds: string[]): Promise<Map<string, { minor: number; currency: string }>> {
  const out = new Map<string, { minor: number; currency: string }>();
  if (tenantIds.length === 0) return out;
  const rows = await db
    .selectFrom('invoices as i')
    .select(['i.tenant_id', 'i.currency', 'i.period'])
    .select((eb) => eb.fn.sum<number | string>('i.subtotal_cents').as('minor'))
    .where('i.tenant_id', 'in', tenantIds)
    .where('i.status', '=', 'paid')
    .where('i.period', '=', (eb) => eb.selectFrom('invoices as j').select((e2) => e2.fn.max('j.period').as('p')).whereRef('j.tenant_id', '=', 'i.tenant_id').where('j.status', '=', 'paid'))
    .groupBy(['i.tenant_id', 'i.currency', 'i.period'])
    .execute();
  for (const r of rows) {
    const prev = out.get(r.tenant_id);
    if (!prev || Number(r.minor) > prev.minor) out.set(r.tenant_id, { minor: Number(r.minor), currency: r.currency });
  }
  return out;
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

export function findEarning(db: Executor, id: string): Promise<EarningListRow | undefined> {
  return db
    .selectFrom('program_earnings as e')
    .innerJoin('tenants as t', 't.id', 'e.tenant_id')
    .innerJoin('partners as p', 'p.id', 'e.partner_id')
    .selectAll('e')
    .select(['t.name as tenant_name', 'p.name as partner_name'])
    .where('e.id', '=', id)
    .executeTakeFirst();
}

export interface EarningFilter {
  partnerId?: string;
  state?: EarningState;
  period?: string;
}

function earningsQuery(db: Executor, f: EarningFilter) {
  let q = db.selectFrom('program_earnings as e');
  if (f.partnerId) q = q.where('e.partner_id', '=', f.partnerId);
  if (f.state) q = q.where('e.state', '=', f.state);
  if (f.period) q = q.where('e.period', '=', f.period);
  return q;
}

export type EarningListRow = EarningRow & { tenant_name: string; partner_name: string };

export function listEarnings(db: Executor, f: EarningFilter & { limit: number; offset: number }): Promise<EarningListRow[]> {
  return earningsQuery(db, f)
    .innerJoin('tenants as t', 't.id', 'e.tenant_id')
    .innerJoin('partners as p', 'p.id', 'e.partner_id')
    .selectAll('e')
    .select(['t.name as tenant_name', 'p.name as partner_name'])
    .orderBy('e.period', 'desc')
    .orderBy('t.name')
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

export async function countEarnings(db: Executor, f: EarningFilter): Promise<number> {
  return Number((await earningsQuery(db, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
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

export function listPayouts(db: Executor, partnerId?: string) {
  let q = db.selectFrom('program_payouts as y').innerJoin('partners as p', 'p.id', 'y.partner_id').selectAll('y').select('p.name as partner_name');
  if (partnerId) q = q.where('y.partner_id', '=', partnerId);
  return q.orderBy('y.created_at', 'desc').limit(500).execute();
}

/** Per-partner sign-up counts (the operator's overview). */
export async function signupCounts(db: Executor): Promise<Map<string, { sign_ups: number; active: number }>> {
  const rows = await db
    .selectFrom('referral_attributions as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select('a.partner_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .select((eb) => eb.fn.sum<number | string>(eb.case().when('t.status', '=', 'active').then(1).else(0).end()).as('active'))
    .groupBy('a.partner_id')
    .execute();
  return new Map(rows.map((r) => [r.partner_id, { sign_ups: Number(r.n), active: Number(r.active ?? 0) }]));
}

/** The demo world's referred tenants' invoices (program.demo.ts): the reference resource data's own table. */
export async function insertDemoInvoices(db: Executor, rows: Insertable<import('../../platform/db/schema.ts').InvoicesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('invoices').values(rows).execute();
}

export async function setInvoiceStatus(db: Executor, id: string, status: 'void' | 'paid'): Promise<void> {
  await db.updateTable('invoices').set({ status }).where('id', '=', id).execute();
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
