/**
 * A customer's "last synced" time, which the freshness line shows ("Billing data from …, updated 3
 * minutes ago"), moves at most once a minute however many batches arrive, and a customer a source
 * writes for the first time shows at once. The instance remembers which customers' times it wrote
 * within the minute and leaves them out of the next batches; this holds it to the same rule on every
 * database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { loginAs } from '../gateway/helpers.ts';
import { syncSource } from './sync-source.ts';

const clock = new ManualClock('2026-05-04T09:00:00.000Z');
let t: TestApp;
let send: Awaited<ReturnType<typeof syncSource>>['push'];
let A: TestTenant;
let B: TestTenant;
let adminA: Client;
let adminB: Client;
let n = 0;

function invoiceFor(c: TestTenant) {
  const number = unique('INV').toUpperCase();
  const at = clock.now().toISOString();
  return { kind: 'invoice', external_id: number, version: ++n, data: { ban: c.bans[0].account_number, number, period: at.slice(0, 7), issued_at: at, due_at: at, currency: 'EUR', subtotal_cents: 100, tax_cents: 0, total_cents: 100, balance_cents: 100, status: 'open' } };
}

async function push(lines: unknown[]) {
  expect((await send(lines)).applied).toBe(lines.length);
}

async function lastSynced(admin: Client, c: TestTenant): Promise<string | undefined> {
  const r = await admin.get(`/api/v1/tenants/${c.id}/data-freshness`);
  expect(r.status).toBe(200);
  return r.body.kinds.find((k: { kind: string }) => k.kind === 'invoices')?.sources[0]?.last_synced_at;
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  [A, B] = await Promise.all([t.world.tenant({ bans: 1 }), t.world.tenant({ bans: 1 })]);
  ({ push: send } = await syncSource(t, 'Billing system', ['invoices']));
  [adminA, adminB] = await Promise.all([loginAs(t, A.admin), loginAs(t, B.admin)]);
});
afterAll(() => t.close());

describe('the last sync time a customer sees', () => {
  it('shows the first batch at once', async () => {
    await push([invoiceFor(A)]);
    expect(await lastSynced(adminA, A)).toBe('2026-05-04T09:00:00.000Z');
    expect(await lastSynced(adminB, B)).toBeUndefined();
  });

  it('stays put for batches within the minute, while a customer written for the first time shows at once', async () => {
    clock.advance(30_000);
    await push([invoiceFor(A), invoiceFor(B)]);
    expect(await lastSynced(adminA, A)).toBe('2026-05-04T09:00:00.000Z');
    expect(await lastSynced(adminB, B)).toBe('2026-05-04T09:00:30.000Z');
  });

  it('moves with the first batch after the minute', async () => {
    clock.advance(31_000);
    await push([invoiceFor(A)]);
    expect(await lastSynced(adminA, A)).toBe('2026-05-04T09:01:01.000Z');
    // B's time is 31 s old and no batch wrote for it
    expect(await lastSynced(adminB, B)).toBe('2026-05-04T09:00:30.000Z');
    clock.advance(30_000);
    await push([invoiceFor(A), invoiceFor(B)]);
    expect(await lastSynced(adminA, A)).toBe('2026-05-04T09:01:01.000Z');
    expect(await lastSynced(adminB, B)).toBe('2026-05-04T09:01:31.000Z');
  });
});
