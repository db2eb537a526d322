/**
 * The upgrade that lets two billing systems use the same invoice number (migration 0049): on a
 * database migrated up to the one before, invoices and their totals are kept; afterwards a second
 * invoice with a taken number lands, and the totals still follow every write — on every database.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb } from '../../helpers/db.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import { migrateBefore } from '../../helpers/migrate-before.ts';

describe('migration 0049', () => {
  it('keeps invoices and totals, then takes a repeated number and keeps the totals moving', async () => {
    const db = await createTestDb({ migrate: false });
    await migrateBefore(db.owner, '0049-invoice-write-path');
    try {
      const k = db.owner.kysely;
      const now = new Date().toISOString();
      await k.insertInto('tenants').values({ id: 'tnt_mig0049', slug: 'mig-0049', name: 'Before', status: 'active', tier: 'business', referred_by_partner_id: null, invite_code: null, created_by: null, created_at: now, updated_at: now }).execute();
      await k.insertInto('billing_accounts').values({ id: 'ban_mig0049', tenant_id: 'tnt_mig0049', account_number: 'BAN-0049', name: 'Main', currency: 'EUR', status: 'active', created_at: now, updated_at: now } as never).execute();
      const invoice = (id: string, total: number) => ({ id, tenant_id: 'tnt_mig0049', ban_id: 'ban_mig0049', number: 'INV-0001', period: '2026-10', issued_at: '2026-10-01', due_at: '2026-10-31', currency: 'EUR', subtotal_cents: total, tax_cents: 0, total_cents: total, balance_cents: total, status: 'open' as const, paid_at: null, created_at: now });
      await k.insertInto('invoices').values(invoice('inv_mig0049a', 1_000)).execute();
      await expect(k.insertInto('invoices').values(invoice('inv_mig0049b', 2_000)).execute()).rejects.toThrow();
      const totals = () => k.selectFrom('invoice_totals').select(['period', 'invoices', 'outstanding_cents']).where('tenant_id', '=', 'tnt_mig0049').orderBy('period').execute();
      expect((await totals()).map((r) => [r.period, Number(r.invoices), Number(r.outstanding_cents)])).toEqual([['*', 1, 1_000], ['2026-10', 1, 1_000]]);

      expect((await migrateToLatest(db.owner)).applied[0]).toBe('0049-invoice-write-path');
      expect(await k.selectFrom('invoices').select(['id', 'number', 'total_cents']).where('tenant_id', '=', 'tnt_mig0049').execute()).toEqual([{ id: 'inv_mig0049a', number: 'INV-0001', total_cents: 1_000 }]);
      await k.insertInto('invoices').values(invoice('inv_mig0049b', 2_000)).execute();
      await k.updateTable('invoices').set({ status: 'paid', balance_cents: 0 }).where('id', '=', 'inv_mig0049a').execute();
      expect((await totals()).map((r) => [r.period, Number(r.invoices), Number(r.outstanding_cents)])).toEqual([['*', 2, 2_000], ['2026-10', 2, 2_000]]);
      // the index by customer and issue date is gone; the one by customer and status stays
      const names = db.db.dialect === 'postgres'
        ? (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'invoices'`.execute(k)).rows
        : (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'invoices' and sql is not null`.execute(k)).rows;
      expect(names.map((r) => r.name).sort()).toEqual(['invoices_period_idx', 'invoices_tenant_status_idx', ...(db.db.dialect === 'postgres' ? ['invoices_pkey'] : [])].sort());
    } finally {
      await db.drop();
    }
  });
});
