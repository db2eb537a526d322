/** An invoice row written straight into the table (the invoice totals' and month totals' tests). */
import type { TestTenant } from '../../helpers/world.ts';
import { newId } from '../../../src/platform/ids.ts';

export type InvoiceStatus = 'open' | 'paid' | 'overdue' | 'void';

/** An invoice of `x` on its `ban`-th account in `period` (YYYY-MM); paid and void ones owe nothing. */
export const invoiceRow = (x: TestTenant, ban: number, period: string, status: InvoiceStatus, total: number, currency = 'USD') => ({
  id: newId('inv'),
  tenant_id: x.id,
  ban_id: x.bans[ban].id,
  number: `T-${newId('n').slice(-10)}`,
  period,
  issued_at: `${period}-02T00:00:00Z`,
  due_at: `${period}-28T00:00:00Z`,
  currency,
  subtotal_cents: total,
  tax_cents: 0,
  total_cents: total,
  balance_cents: status === 'paid' || status === 'void' ? 0 : total,
  status,
  paid_at: status === 'paid' ? `${period}-20T00:00:00Z` : null,
  created_at: new Date().toISOString(),
});
