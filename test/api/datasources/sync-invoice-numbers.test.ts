/**
 * An invoice's number is the issuing billing system's own: the provider's billing and a wholesaler's
 * may both number an invoice INV-0001, and both land — each customer sees its own — on every database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { loginAs } from '../gateway/helpers.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import { syncSource } from './sync-source.ts';

let t: TestApp;
let A: TestTenant;
let B: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  [A, B] = await Promise.all([t.world.tenant({ bans: 1 }), t.world.tenant({ bans: 1 })]);
});
afterAll(() => t.close());

const invoice = (externalId: string, ban: string, number: string, total: number) => ({
  kind: 'invoice',
  external_id: externalId,
  version: 1,
  data: { ban, number, period: '2026-10', issued_at: '2026-10-01T00:00:00Z', due_at: '2026-10-31T00:00:00Z', currency: 'EUR', subtotal_cents: total, tax_cents: 0, total_cents: total, balance_cents: total, status: 'open' },
});

describe('invoice numbers from two billing systems', () => {
  it('land for each customer even when both systems use the same number', async () => {
    const number = unique('INV-0001');
    const provider = await syncSource(t, 'Provider billing', ['invoices']);
    const wholesaler = await syncSource(t, 'Wholesaler billing', ['invoices']);
    expect((await provider.push([invoice('p-1', A.bans[0].account_number, number, 1_000)])).applied).toBe(1);
    const second = await wholesaler.push([invoice('w-1', B.bans[0].account_number, number, 2_000)]);
    expect(second.results[0].status, JSON.stringify(second.results)).toBe('applied');

    for (const [who, total] of [[A, 1_000], [B, 2_000]] as const) {
      const admin = await loginAs(t, who.admin);
      const list = await admin.get(`/api/v1/tenants/${who.id}/self/invoices?limit=200`);
      expect(list.status).toBe(200);
      expect((list.body.data as { number: string; total_cents: number }[]).filter((x) => x.number === number).map((x) => x.total_cents)).toEqual([total]);
    }
  });
});
