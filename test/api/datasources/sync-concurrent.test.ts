/**
 * The same new records sent twice at once (a source retrying a batch whose answer it did not get,
 * while the first is still being applied): each record lands once, each line is applied by one
 * batch and found unchanged by the other, and neither batch fails. On PostgreSQL both batches are
 * applied at the same time; the second waits on the first's new rows and then finds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import { syncSource } from './sync-source.ts';

let t: TestApp;
let A: TestTenant;
let push: Awaited<ReturnType<typeof syncSource>>['push'];

beforeAll(async () => {
  t = await startTestApp();
  A = await t.world.tenant({ bans: 1 });
  ({ push } = await syncSource(t, 'Billing system', ['invoices']));
});
afterAll(() => t.close());

describe('one batch sent twice at once', () => {
  it('lands each record once; every line is applied by one of them and unchanged in the other', async () => {
    const prefix = unique('INV').toUpperCase();
    const period = new Date().toISOString().slice(0, 7);
    const lines = Array.from({ length: 300 }, (_, i) => ({
      kind: 'invoice',
      external_id: `${prefix}-${i}`,
      version: 1,
      data: { ban: A.bans[0].account_number, number: `${prefix}-${i}`, period, issued_at: `${period}-01T00:00:00Z`, due_at: `${period}-20T00:00:00Z`, currency: 'EUR', subtotal_cents: 1_000, tax_cents: 0, total_cents: 1_000, balance_cents: 1_000, status: 'open' },
    }));
    const [a, b] = await Promise.all([push(lines), push(lines)]);
    expect(a.rejected + b.rejected).toBe(0);
    expect(a.applied + b.applied).toBe(300);
    expect(a.unchanged + b.unchanged).toBe(300);
    for (let i = 0; i < 300; i++) expect([a.results[i].status, b.results[i].status].sort()).toEqual(['applied', 'unchanged']);
    const rows = await t.services.db.kysely.selectFrom('invoices').select('number').where('tenant_id', '=', A.id).where('number', 'like', `${prefix}-%`).execute();
    expect(rows).toHaveLength(300);
    // the customer's totals count each invoice once
    const totals = await t.services.db.kysely.selectFrom('invoice_totals').select('invoices').where('tenant_id', '=', A.id).where('period', '=', '*').executeTakeFirstOrThrow();
    expect(Number(totals.invoices)).toBe(300);
  });
});
