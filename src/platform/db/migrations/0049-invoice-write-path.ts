/**
 * Less to write for each invoice, and invoice numbers that belong to the system that issued them.
 *
 *  - An invoice's number was unique across Partnergate. It is the issuing billing system's own (Stripe's
 *    `ABCD-0001`, a help desk's `INV-0001`): unique within that system, not across the provider's and a
 *    wholesaler's, which may both number an invoice INV-0001 — the second one's line was refused. The
 *    unique index goes, and with it one of the five indexes each written invoice paid for.
 *  - invoices_tenant_idx (customer, issue date) goes: every read of a customer's invoices names the
 *    customer, often the status too, and the (customer, status) index serves them all; nothing reads
 *    them in issue order. Another index less per invoice.
 *  - PostgreSQL: the invoice totals' trigger functions upsert in their new fixed order (migration 0045,
 *    LOCK_ORDER), which sorts a batch's rows in less than half the time.
 * SQLite cannot drop a table's own unique constraint: the table is rebuilt from its stored definition
 * without it, and its other indexes and triggers made again (no table references invoices).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { createInvoiceTotalsFunctions } from './0045-invoice-totals.ts';

const NUMBER_KEY = /,\s*constraint\s+"?invoices_number_key"?\s+unique\s*\(\s*"?number"?\s*\)/i;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.dropIndex('invoices_tenant_idx').execute();
    if (dialect === 'postgres') {
      await sql`alter table invoices drop constraint invoices_number_key`.execute(db);
      await createInvoiceTotalsFunctions(db);
      return;
    }
    const table = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'invoices'`.execute(db)).rows[0];
    if (!table) throw new Error('0049-invoice-write-path: the invoices table is missing');
    if (!NUMBER_KEY.test(table.sql)) throw new Error('0049-invoice-write-path: the invoices table has an unexpected definition');
    const rest = (await sql<{ sql: string }>`select sql from sqlite_master where type in ('index', 'trigger') and tbl_name = 'invoices' and sql is not null order by type`.execute(db)).rows;
    await sql.raw(table.sql.replace(NUMBER_KEY, '').replace(/^create table\s+("invoices"|invoices)/i, 'create table "invoices_0049"')).execute(db);
    await sql`insert into invoices_0049 select * from invoices`.execute(db);
    await sql`drop table invoices`.execute(db);
    await sql`alter table invoices_0049 rename to invoices`.execute(db);
    for (const x of rest) await sql.raw(x.sql).execute(db);
  },
};
