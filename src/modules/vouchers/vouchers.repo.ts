import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { VouchersTable } from '../../platform/db/schema.ts';

export type VoucherRow = Selectable<VouchersTable>;

export interface VoucherListFilter {
  tenantId: string;
  partnerAgencyId?: string;
  billingAccountId?: string;
  status?: VoucherRow['status'];
  type?: string;
  /** id to continue after (ids sort by creation time) */
  cursor?: string;
  limit: number;
}

export async function insertVoucher(db: Executor, row: Insertable<VouchersTable>): Promise<void> {
  await db.insertInto('vouchers').values(row).execute();
}

export function findVoucherById(db: Executor, tenantId: string, id: string): Promise<VoucherRow | undefined> {
  return db.selectFrom('vouchers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** By code, always within one tenant, and within one agency when given. */
export function findVoucherByCode(db: Executor, tenantId: string, code: string, partnerAgencyId?: string): Promise<VoucherRow | undefined> {
  let q = db.selectFrom('vouchers').selectAll().where('tenant_id', '=', tenantId).where('code', '=', code);
  if (partnerAgencyId !== undefined) q = q.where('partner_agency_id', '=', partnerAgencyId);
  return q.executeTakeFirst();
}

export function listVouchers(db: Executor, f: VoucherListFilter): Promise<VoucherRow[]> {
  let q = db.selectFrom('vouchers').selectAll().where('tenant_id', '=', f.tenantId);
  if (f.partnerAgencyId) q = q.where('partner_agency_id', '=', f.partnerAgencyId);
  if (f.billingAccountId) q = q.where('billing_account_id', '=', f.billingAccountId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export async function updateVoucher(db: Executor, tenantId: string, id: string, patch: Partial<Insertable<VouchersTable>>): Promise<void> {
  await db.updateTable('vouchers').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}
