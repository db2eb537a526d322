/** The partner program's tables (migration 0013). Counts and sums come back as strings on PostgreSQL: callers Number() them. */
import { sql, type Insertable, type Selectable } from 'kysely';
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

/** The (kind, source_key) of the lines some tenants already have: a re-run skips them without writing. */
export async function existingLineKeys(db: Executor, tenantIds: string[]): Promise<Set<string>> {
  if (tenantIds.length === 0) return new Set();
  const rows = await db.selectFrom('program_earnings').select(['kind', 'source_key']).where('tenant_id', 'in', tenantIds).execute();
  return new Set(rows.map((r) => `${r.kind}:${r.source_key}`));
}

/** One page of a month's paid invoices, platform-wide (keyset on the id, by the (period, status, id) index). */
export function pagePeriodInvoices(db: Executor, f: { period: string; after: string; limit: number }): Promise<SourceInvoice[]> {
  return db
    .selectFrom('invoices')
    .select(['id', 'tenant_id', 'period', 'subtotal_cents', 'currency'])
    .where('period', '=', f.period)
    .where('status', '=', 'paid')
    .where('id', '>', f.after)
    .orderBy('id')
    .limit(f.limit)
    .execute();
}

/** A paid invoice, as much of it as the computation reads. */
export interface SourceInvoice {
  id: string;
  tenant_id: string;
  period: string;
  subtotal_cents: number;
  currency: string;
}

/** The paid invoices of some tenants (one month, or all), by the invoices' tenant index. */
export function paidInvoicesOf(db: Executor, tenantIds: string[], period?: string): Promise<SourceInvoice[]> {
  let q = db.selectFrom('invoices').select(['id', 'tenant_id', 'period', 'subtotal_cents', 'currency']).where('tenant_id', 'in', tenantIds).where('status', '=', 'paid');
  if (period) q = q.where('period', '=', period);
  return q.orderBy('id').execute();
}

/** A referred tenant's first paid month since the sign-up and the invoice that qualified it (its bounty's source). */
export interface FirstPaid {
  tenant_id: string;
  period: string;
  invoice_id: string;
  currency: string;
}

/**
 * The first paid month since the sign-up of each of some tenants (`period`: only those whose first
 * paid month it is), and that month's first paid invoice (by id).
 */
export async function firstPaidOf(db: Executor, tenants: ReferredTenant[], period?: string): Promise<FirstPaid[]> {
  if (tenants.length === 0) return [];
  const since = new Map(tenants.map((t) => [t.tenant_id, t.attributed_at.slice(0, 7)]));
  const rows = await db
    .selectFrom('invoices')
    .select(['id', 'tenant_id', 'period', 'currency'])
    .where('tenant_id', 'in', [...since.keys()])
    .where('status', '=', 'paid')
    .$if(!!period, (q) => q.where('period', '<=', period!))
    .orderBy('tenant_id')
    .orderBy('period')
    .orderBy('id')
    .execute();
  const out: FirstPaid[] = [];
  let last = '';
  for (const r of rows) {
    // from the sign-up month on: an invoice from before the referral qualifies nothing
    if (r.tenant_id === last || r.period < (since.get(r.tenant_id) ?? '')) continue;
    last = r.tenant_id;
    if (!period || r.period === period) out.push({ tenant_id: r.tenant_id, period: r.period, invoice_id: r.id, currency: r.currency });
  }
  return out;
}

/** Insert lines; a line whose (kind, source_key) exists is left alone. Returns the lines inserted. */
export async function insertEarnings(db: Executor, rows: EarningRow[]): Promise<EarningRow[]> {
  const got = new Set<string>();
  // 250 rows × 17 columns stays under both dialects' bound-parameter limits
  for (let i = 0; i < rows.length; i += 250) {
    const ids = await db
      .insertInto('program_earnings')
      .values(rows.slice(i, i + 250))
      .onConflict((oc) => oc.columns(['kind', 'source_key']).doNothing())
      .returning('id')
      .execute();
    for (const r of ids) got.add(r.id);
  }
  return rows.filter((r) => got.has(r.id));
}

/** Lines whose source invoice is no longer paid (refunded, voided) become reversed. */
export async function reverseUnpaidSources(db: Executor, f: { partnerId: string; period?: string; now: string }): Promise<{ id: string; amount_minor: number; state: string }[]> {
  let q = db
    .updateTable('program_earnings')
    .set({ state: 'reversed', reversed_at: f.now })
    .where('partner_id', '=', f.partnerId)
    .where('state', '<>', 'reversed')
    .where((eb) => eb.exists(eb.selectFrom('invoices as i').select(sql`1`.as('x')).whereRef('i.id', '=', 'program_earnings.source_invoice_id').where('i.status', '<>', 'paid')));
  if (f.period) q = q.where('period', '=', f.period);
  return q.returning(['id', 'amount_minor', 'state']).execute();
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
    .orderBy('e.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

export async function countEarnings(db: Executor, f: EarningFilter): Promise<number> {
  return Number((await earningsQuery(db, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

/** Totals by month and state (the summary: no line leaves this function). */
export async function earningTotals(db: Executor, f: { partnerId?: string }): Promise<{ period: string; state: EarningState; currency: string; minor: number }[]> {
  let q = db
    .selectFrom('program_earnings')
    .select(['period', 'state', 'currency'])
    .select((eb) => eb.fn.sum<number | string>('amount_minor').as('minor'))
    .groupBy(['period', 'state', 'currency'])
    .orderBy('period');
  if (f.partnerId) q = q.where('partner_id', '=', f.partnerId);
  return (await q.execute()).map((r) => ({ ...r, minor: Number(r.minor) }));
}

/** Per-partner totals by state (the operator's overview). */
export async function partnerTotals(db: Executor): Promise<{ partner_id: string; state: EarningState; minor: number }[]> {
  const rows = await db
    .selectFrom('program_earnings')
    .select(['partner_id', 'state'])
    .select((eb) => eb.fn.sum<number | string>('amount_minor').as('minor'))
    .groupBy(['partner_id', 'state'])
    .execute();
  return rows.map((r) => ({ ...r, minor: Number(r.minor) }));
}

export async function approveEarnings(db: Executor, ids: string[], by: string | null, now: string): Promise<{ id: string; partner_id: string; amount_minor: number }[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable('program_earnings')
    .set({ state: 'approved', approved_at: now, approved_by: by })
    .where('id', 'in', ids)
    .where('state', '=', 'pending')
    .returning(['id', 'partner_id', 'amount_minor'])
    .execute();
}

export function listApprovedForPayout(db: Executor, partnerId: string, ids?: string[]): Promise<EarningRow[]> {
  let q = db.selectFrom('program_earnings').selectAll().where('partner_id', '=', partnerId).where('state', '=', 'approved');
  if (ids) q = q.where('id', 'in', ids);
  return q.orderBy('id').execute();
}

/** Compare-and-set: only lines still approved are marked paid. */
export async function markPaid(db: Executor, ids: string[], payoutId: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const r = await db
      .updateTable('program_earnings')
      .set({ state: 'paid', payout_id: payoutId })
      .where('id', 'in', ids.slice(i, i + 500))
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

/** Display names of users (who created a code, signed or approved an agreement). */
export async function userNames(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (want.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', want).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The partner behind a code, read in the caller's transaction (SQLite has one connection: a read outside it would wait for it). */
export function findPartnerBrief(db: Executor, partnerId: string) {
  return db.selectFrom('partners').select(['id', 'name', 'status', 'capabilities']).where('id', '=', partnerId).executeTakeFirst();
}

export async function tenantSlugTaken(db: Executor, slug: string): Promise<boolean> {
  return !!(await db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst());
}

/** The demo world's referred tenants' invoices (program.demo.ts): the reference resource data's own table. */
export async function insertDemoInvoices(db: Executor, rows: Insertable<import('../../platform/db/schema.ts').InvoicesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('invoices').values(rows).execute();
}

export async function setInvoiceStatus(db: Executor, id: string, status: 'void' | 'paid'): Promise<void> {
  await db.updateTable('invoices').set({ status }).where('id', '=', id).execute();
}

export function listPartnerEarningIds(db: Executor, partnerId: string, f: { state: EarningState; maxPeriod: string }) {
  return db.selectFrom('program_earnings').select('id').where('partner_id', '=', partnerId).where('state', '=', f.state).where('period', '<=', f.maxPeriod).execute();
}
