/**
 * The MSP dashboard's billing tiles (what is owed and overdue, per currency) from the partner's own
 * totals, as its months are (migration 0046). They were read from every customer's totals over every
 * month: at 10,000 customers 10,000 rows through a hash join with the customers in scope, a sort and
 * a window, 45–75 ms of PostgreSQL per dashboard, its longest statement. They are now the sum of the
 * partner's month rows.
 *
 *  - partner_month_totals keeps the overdue amount too (the customers' month totals have it); its
 *    triggers add it up with the others. The partners' kept totals are marked stale (their state
 *    rows go), so each partner's are rebuilt, with the new sum, by its next dashboard.
 *  - invoice_totals_overdue_idx: the customers with something overdue, for the dashboard's
 *    attention list, found among their few rows over every month instead of every customer's.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { replacePartnerTotalsTriggers } from './0046-partner-month-totals.ts';

export const PARTNER_SUMS = ['invoices', 'invoiced_cents', 'outstanding_cents', 'overdue_cents', 'paid_cents'] as const;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.alterTable('partner_month_totals').addColumn('overdue_cents', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await replacePartnerTotalsTriggers(db, dialect, PARTNER_SUMS);
    await sql`delete from partner_total_state`.execute(db);
    await db.schema
      .createIndex('invoice_totals_overdue_idx')
      .on('invoice_totals')
      .column('tenant_id')
      .where(sql.raw<boolean>(`period = '*' and overdue_cents > 0`))
      .execute();
  },
};
