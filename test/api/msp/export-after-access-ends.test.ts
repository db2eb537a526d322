/**
 * A finished export's file holds the invoices of the customers it drew on, so it is handed over
 * only while the person may still export each of them: a link revoked, or narrowed to a role
 * without billing, after the job ran stops the download with the refusal a new export gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { link, loginAs } from '../gateway/helpers.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function finishedExport() {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  const d = await link(t, msp, tenant);
  await t.services.db.kysely
    .insertInto('invoices')
    .values({ id: 'ivc_' + tenant.id.slice(4), tenant_id: tenant.id, ban_id: tenant.bans[0].id, number: `INV-${tenant.id.slice(-8)}`, period: '2026-01', issued_at: '2026-01-05T00:00:00.000Z', due_at: '2026-02-04T00:00:00.000Z', currency: 'USD', subtotal_cents: 1000, tax_cents: 100, total_cents: 1100, balance_cents: 1100, status: 'open', paid_at: null, created_at: '2026-01-05T00:00:00.000Z' })
    .execute();
  const staff = await loginAs(t, msp.staff);
  const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', mode: 'job', tenant_id: tenant.id });
  expect(r.status).toBe(202);
  await t.services.invoiceExports.settle();
  const job = await staff.get(`/api/v1/partner/exports/${r.body.job.id}`);
  expect(job.body.status).toBe('done');
  expect((await staff.get(job.body.download_url)).status).toBe(200);
  return { msp, tenant, staff, delegationId: d.id, url: job.body.download_url as string, number: `INV-${tenant.id.slice(-8)}` };
}

describe('a finished export after the access it was made under ends', () => {
  it('a revoked link: the download is refused as a new export is (403 delegation_revoked)', async () => {
    const w = await finishedExport();
    await t.services.delegations.revoke(t.world.ctx, w.delegationId, { side: 'partner', partnerId: w.msp.id, reason: 'done' });
    await t.services.feed.drain();
    const again = await w.staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: w.tenant.id });
    const file = await w.staff.get(w.url);
    expect([file.status, file.body.code]).toEqual([again.status, again.body.code]);
    expect([file.status, file.body.code]).toEqual([403, 'delegation_revoked']);
    expect(String(file.raw.body)).not.toContain(w.number);
  });

  it('a member role narrowed to support after the job ran: 403 permission_denied, no invoice in the answer', async () => {
    const w = await finishedExport();
    await t.services.partners.setMemberRole(t.world.ctx, w.msp.id, w.msp.staff.id, 'partner_msp_support');
    await t.services.feed.drain();
    const file = await w.staff.get(w.url);
    expect([file.status, file.body.code]).toEqual([403, 'permission_denied']);
    expect(String(file.raw.body)).not.toContain(w.number);
  });
});
