/**
 * The partner program's pages and sweeps that read other modules' tables (a cross-table read
 * model, listed in READERS in src/app/table-owners.ts): codes with their creator's name, referred
 * customers by name (filtered and sorted by it), earnings and payouts with both parties named, the
 * funnel's paying customers, and the refund sweep over the few invoices not paid — each one query,
 * paged and sorted in the database, where asking the owners in turn would page in memory or add a
 * round trip per row. It only reads; program.repo.ts re-exports it for the service.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { anyColumnContains } from '../../platform/db/search.ts';
import type { Selectable } from 'kysely';
import type { ProgramEarningsTable, ReferralCodesTable } from '../../platform/db/schema.ts';

type CodeRow = Selectable<ReferralCodesTable>;
type EarningRow = Selectable<ProgramEarningsTable>;
type EarningState = EarningRow['state'];

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

/** The payouts with these ids, by id: their reference and day (what an exported line names). */
export async function payoutsByIds(db: Executor, ids: readonly string[]): Promise<Map<string, { reference: string; paid_date: string }>> {
  const out = new Map<string, { reference: string; paid_date: string }>();
  for (let i = 0; i < ids.length; i += 900) {
    for (const r of await db.selectFrom('program_payouts').select(['id', 'reference', 'paid_date']).where('id', 'in', ids.slice(i, i + 900)).execute()) out.set(r.id, { reference: r.reference, paid_date: r.paid_date });
  }
  return out;
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

/**
 * The refund sweep of a one-month run: the (tenant, month) of every line outside the month that
 * needs recomputing — a live line holding an invoice no longer paid (and not yet clawed back), an
 * open clawback whose invoice is paid again, or a line holding an invoice refunded or credited in part. Starts from the few invoices not paid.
 */
export async function refundCandidates(db: Executor, partnerId: string): Promise<{ tenant_id: string; period: string }[]> {
  const refunded = await db
    .selectFrom('invoices as i')
    .innerJoin('program_earning_invoices as ei', 'ei.invoice_id', 'i.id')
    .innerJoin('program_earnings as e', 'e.id', 'ei.earning_id')
    .select(['e.tenant_id', 'e.period'])
    .distinct()
    .where('i.status', '<>', 'paid')
    .where('ei.partner_id', '=', partnerId)
    .where('e.kind', 'in', ['commission', 'bounty'])
    .where('e.state', '<>', 'reversed')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('program_earnings as c')
            .select(sql`1`.as('x'))
            .whereRef('c.clawback_of', '=', 'e.id')
            .whereRef('c.refund_invoice_id', '=', 'ei.invoice_id')
            .where('c.state', '<>', 'reversed'),
        ),
      ),
    )
    .execute();
  const repaid = await db
    .selectFrom('program_earnings as c')
    .innerJoin('invoices as i', 'i.id', 'c.refund_invoice_id')
    .select(['c.tenant_id', 'c.period'])
    .distinct()
    .where('c.partner_id', '=', partnerId)
    .where('c.kind', '=', 'clawback')
    .where('c.state', 'in', ['pending', 'approved'])
    .where('i.status', '=', 'paid')
    .execute();
  // an invoice still paid but refunded or credited in part: its line may owe a clawback, or one may be undone
  const credited = await db
    .selectFrom('invoices as i')
    .innerJoin('program_earning_invoices as ei', 'ei.invoice_id', 'i.id')
    .innerJoin('program_earnings as e', 'e.id', 'ei.earning_id')
    .select(['e.tenant_id', 'e.period'])
    .distinct()
    .where('i.status', '=', 'paid')
    .where('i.credited_cents', '>', 0)
    .where('ei.partner_id', '=', partnerId)
    .where('e.kind', '=', 'commission')
    .where('e.state', '<>', 'reversed')
    .execute();
  return [...refunded, ...repaid, ...credited];
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

export async function countEarnings(db: Executor, f: EarningFilter): Promise<number> {
  return Number((await earningsQuery(db, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}
