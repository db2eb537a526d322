/**
 * The partner program's earnings per tenant per period: program_earnings becomes one line per (partner,
 * referred tenant, month of payment) carrying the commission on the sum of that month's paid
 * invoices (rounded once, on the sum), one line per qualified-sign-up bounty, and clawback lines
 * (negative, naming the refunded invoice) for a refund after the line was paid. The invoices each
 * line came from are rows of program_earning_invoices (the owner's drill-down, and what the
 * computation's refund sweep joins to the invoices).
 *
 * The old table held one line per invoice. Its rows are DROPPED, not converted — with the
 * program's payout records, which pointed at them (a payout without its lines would be paid again
 * by the recomputation): the program was not released before this migration, and the next
 * computation (scheduled, or the operator's "compute now") writes every line again from the
 * invoices, which are untouched.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.dropTable('program_earnings').execute();
    await sql`delete from program_payouts`.execute(db);
    await db.schema
      .createTable('program_earnings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('agreement_id', 'text', (c) => c.notNull().references('program_agreements.id'))
      /** the month of payment ('YYYY-MM') of the line's invoices; a clawback's is its paid line's */
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('commission','bounty','clawback')`))
      /**
       * The idempotency key, unique with the kind: commission `tenant:month:n` (n > 0 only after an
       * earlier line of that month was paid or reversed), bounty `tenant:n`, clawback
       * `paid line id:refunded invoice id`. Insert-or-nothing on it keeps two instances from writing twice.
       */
      .addColumn('source_key', 'text', (c) => c.notNull())
      .addColumn('base_minor', 'integer', (c) => c.notNull())
      .addColumn('amount_minor', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('invoice_count', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending','approved','paid','reversed')`))
      .addColumn('payout_id', 'text', (c) => c.references('program_payouts.id'))
      /** a clawback: the paid line it takes back from, and the refunded invoice it names */
      .addColumn('clawback_of', 'text', (c) => c.references('program_earnings.id'))
      .addColumn('refund_invoice_id', 'text')
      .addColumn('refund_invoice_number', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('approved_at', 'text')
      .addColumn('approved_by', 'text')
      .addColumn('reversed_at', 'text')
      .addUniqueConstraint('program_earnings_kind_source_key_key', ['kind', 'source_key'])
      .execute();
    await db.schema.createIndex('program_earnings_partner_idx').on('program_earnings').columns(['partner_id', 'period', 'state']).execute();
    // what a page of the computation reads: the lines of some tenants
    await db.schema.createIndex('program_earnings_tenant_idx').on('program_earnings').columns(['tenant_id', 'period']).execute();
    await db.schema.createIndex('program_earnings_clawback_idx').on('program_earnings').column('clawback_of').execute();

    await db.schema
      .createTable('program_earning_invoices')
      .addColumn('earning_id', 'text', (c) => c.notNull().references('program_earnings.id').onDelete('cascade'))
      .addColumn('invoice_id', 'text', (c) => c.notNull())
      .addColumn('invoice_number', 'text', (c) => c.notNull())
      .addColumn('paid_at', 'text')
      .addColumn('base_minor', 'integer', (c) => c.notNull())
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addPrimaryKeyConstraint('program_earning_invoices_pkey', ['earning_id', 'invoice_id'])
      .execute();
    // the refund sweep: which lines hold an invoice that is no longer paid
    await db.schema.createIndex('program_earning_invoices_invoice_idx').on('program_earning_invoices').column('invoice_id').execute();
    await db.schema.createIndex('program_earning_invoices_partner_idx').on('program_earning_invoices').columns(['partner_id', 'tenant_id']).execute();

    await enableTenantRls(db, dialect, { table: 'program_earnings', partnerColumns: ['partner_id'] });
    await enableTenantRls(db, dialect, { table: 'program_earning_invoices', partnerColumns: ['partner_id'] });
  },
};
