/**
 * A partner's invoice totals per month and currency, kept by the database (migration 0046) over a
 * set of its customers: what the MSP dashboard's revenue and receivables chart reads when the person
 * sees the billing of every customer the partner's links show whole — a dozen rows, where summing
 * the customers' own month totals read 120,000 rows at 10,000 customers.
 *
 * The set is the caller's: the customers the decision snapshot says the partner's links let it read
 * billing summaries of, each whole (no account restriction). The totals are used only when the set
 * they are kept over is exactly that set (compared by a digest of the sorted ids); when the
 * partner's customers changed (a link made, ended, narrowed), the first dashboard after rebuilds
 * them: the members replaced and the sums made afresh from the customers' month totals, in one
 * transaction that holds invoice writers back meanwhile (a SHARE lock on invoice_totals), so no
 * invoice written during the rebuild is counted twice or missed. A person who sees less than the
 * partner's whole set (a narrower member role, an account-restricted link, a tenant's MFA policy)
 * never uses them: their chart is summed from their own customers as before.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { mutate, type Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { MonthTotals } from './resources.repo.ts';

const MEMBERS_PER_STATEMENT = 1_000;

/** The digest of a set of customer ids (order does not matter). */
export function membersDigest(tenantIds: readonly string[]): string {
  return createHash('sha256').update([...tenantIds].sort().join('\n')).digest('base64url');
}

/**
 * The month totals over `tenantIds` (the partner's customers it sees whole), in (period, currency)
 * order, within the period range; rebuilt first when the kept ones are over another set. Null when
 * they moved to another set meanwhile (the caller then sums the customers' own totals).
 */
export function partnerMonthTotals(db: Db, partnerId: string, tenantIds: readonly string[], f: { periodFrom?: string; periodTo?: string }, now: string): Promise<MonthTotals[] | null> {
  return keptOver(db, partnerId, tenantIds, now, () => readKept(db, partnerId, f));
}

/** What the partner's customers owe and have overdue, per currency, over every month (the dashboard's tiles); null as partnerMonthTotals. */
export function partnerTiles(db: Db, partnerId: string, tenantIds: readonly string[], now: string): Promise<PartnerTile[] | null> {
  return keptOver(db, partnerId, tenantIds, now, () => readKeptTiles(db, partnerId));
}

export interface PartnerTile {
  currency: string;
  outstanding_cents: number;
  overdue_cents: number;
}

/** The kept rows when they are over exactly `tenantIds` (none over no customers); rebuilt first when over another set. */
async function keptOver<T>(db: Db, partnerId: string, tenantIds: readonly string[], now: string, read: () => Promise<{ digest: string | null; rows: T[] }>): Promise<T[] | null> {
  if (tenantIds.length === 0) return [];
  const digest = membersDigest(tenantIds);
  const kept = await read();
  if (kept.digest === digest) return kept.rows;
  await rebuild(db, partnerId, tenantIds, digest, now);
  const again = await read();
  // a rebuild for another set (the partner's customers changed again) won meanwhile: null, and the caller sums its own
  return again.digest === digest ? again.rows : null;
}

/** The kept state's digest and the per-currency sums over every month, in one statement (see readKept), in currency order. */
async function readKeptTiles(db: Db, partnerId: string): Promise<{ digest: string | null; rows: PartnerTile[] }> {
  const r = await sql<{ digest: string; currency: string | null; outstanding_cents: string | number | null; overdue_cents: string | number | null; invoices: string | number | null }>`
    select s.digest, m.currency, m.outstanding_cents, m.overdue_cents, m.invoices
      from partner_total_state s
      left join (select currency, sum(outstanding_cents) as outstanding_cents, sum(overdue_cents) as overdue_cents, sum(invoices) as invoices
                   from partner_month_totals
                  where partner_id = ${partnerId}
                  group by currency) m on 1 = 1
     where s.partner_id = ${partnerId}
     order by m.currency`.execute(db.kysely);
  if (r.rows.length === 0) return { digest: null, rows: [] };
  // a currency none of whose invoices is left is left out, as the customers' own totals do
  const rows = r.rows
    .filter((x) => x.currency !== null && Number(x.invoices ?? 0) > 0)
    .map((x) => ({ currency: x.currency!, outstanding_cents: Number(x.outstanding_cents ?? 0), overdue_cents: Number(x.overdue_cents ?? 0) }));
  return { digest: r.rows[0].digest, rows };
}

/** The kept state's digest and the months, in one statement (one snapshot: a rebuild commits both or neither). */
async function readKept(db: Db, partnerId: string, f: { periodFrom?: string; periodTo?: string }): Promise<{ digest: string | null; rows: MonthTotals[] }> {
  const from = f.periodFrom ?? '0000-00';
  const to = f.periodTo ?? '9999-99';
  const r = await sql<{ digest: string; period: string | null; currency: string | null; invoiced_cents: string | number | null; outstanding_cents: string | number | null; paid_cents: string | number | null; invoices: string | number | null }>`
    select s.digest, m.period, m.currency, m.invoices, m.invoiced_cents, m.outstanding_cents, m.paid_cents
      from partner_total_state s
      left join (select period, currency, sum(invoiced_cents) as invoiced_cents, sum(outstanding_cents) as outstanding_cents, sum(paid_cents) as paid_cents, sum(invoices) as invoices
                   from partner_month_totals
                  where partner_id = ${partnerId} and period >= ${from} and period <= ${to}
                  group by period, currency) m on 1 = 1
     where s.partner_id = ${partnerId}
     order by m.period, m.currency`.execute(db.kysely);
  if (r.rows.length === 0) return { digest: null, rows: [] };
  // a month none of whose invoices is left is left out, as the customers' own totals do
  const rows = r.rows
    .filter((x) => x.period !== null && x.currency !== null && Number(x.invoices ?? 0) > 0)
    .map((x) => ({ period: x.period!, currency: x.currency!, invoiced_cents: Number(x.invoiced_cents ?? 0), outstanding_cents: Number(x.outstanding_cents ?? 0), paid_cents: Number(x.paid_cents ?? 0) }));
  return { digest: r.rows[0].digest, rows };
}

/** Replace the partner's members and sum their month totals afresh (see the module's comment for the locks). */
async function rebuild(db: Db, partnerId: string, tenantIds: readonly string[], digest: string, now: string): Promise<void> {
  const pg = db.dialect === 'postgres';
  await asSystem(() =>
    mutate(db, async (trx) => {
      if (pg) await sql`select pg_advisory_xact_lock(hashtext(${`partner_month_totals:${partnerId}`}))`.execute(trx);
      const cur = await trx.selectFrom('partner_total_state').select('digest').where('partner_id', '=', partnerId).executeTakeFirst();
      if (cur?.digest === digest) return; // another request rebuilt them for the same customers meanwhile
      // invoice writers wait until this commits, and this waits for those in flight: the sums below see every invoice, once
      if (pg) await sql`lock table invoice_totals in share mode`.execute(trx);
      await trx.deleteFrom('partner_month_totals').where('partner_id', '=', partnerId).execute();
      await trx.deleteFrom('partner_total_members').where('partner_id', '=', partnerId).execute();
      const sorted = [...tenantIds].sort();
      for (let i = 0; i < sorted.length; i += MEMBERS_PER_STATEMENT) {
        await trx
          .insertInto('partner_total_members')
          .values(sorted.slice(i, i + MEMBERS_PER_STATEMENT).map((tenant_id) => ({ tenant_id, partner_id: partnerId })))
          .execute();
      }
      // the members were just written and have no statistics yet: planned blind, PostgreSQL walks them
      // and scans the month totals once per member (30 s at 10,000); hashed, it reads the totals once
      if (pg) await sql`set local enable_nestloop = off`.execute(trx);
      await sql`
        insert into partner_month_totals (partner_id, period, currency, stripe, invoices, invoiced_cents, outstanding_cents, overdue_cents, paid_cents)
        select m.partner_id, t.period, t.currency, 0, sum(t.invoices), sum(t.invoiced_cents), sum(t.outstanding_cents), sum(t.overdue_cents), sum(t.paid_cents)
          from partner_total_members m
          join invoice_totals t on t.tenant_id = m.tenant_id
         where m.partner_id = ${partnerId} and t.period <> '*'
         group by m.partner_id, t.period, t.currency`.execute(trx);
      await trx
        .insertInto('partner_total_state')
        .values({ partner_id: partnerId, members: sorted.length, digest, built_at: now })
        .onConflict((oc) => oc.column('partner_id').doUpdateSet({ members: sorted.length, digest, built_at: now }))
        .execute();
    }),
  );
}
