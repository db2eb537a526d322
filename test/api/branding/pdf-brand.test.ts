/**
 * A customer's PDF invoice in its managing partner's brand: the partner's name (and logo) in the
 * header with "powered by" the provider; the provider's own header once the operator switches
 * the partner's brand off for its customers. Read back with poppler's pdftotext and pdfimages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { png } from '../../helpers/images.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { link } from '../gateway/helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';

let t: TestApp;
let tenant: TestTenant;
let partner: TestPartner;
let admin: Client;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.world.tenant();
  partner = await t.world.partner({ capabilities: ['managed_services'] });
  await link(t, partner, tenant);
  const s = t.services;
  await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, t.world.ctx, { id: tenant.id, userIds: [tenant.user.id] });
  const owner = await partner.owner.login();
  await owner.patch(`/api/v1/partners/${partner.id}/branding`, { display_name: 'Adatum Managed IT', primary_color: '#5f3dc4' });
  await owner.put(`/api/v1/partners/${partner.id}/branding/logo`, { content_base64: png(120, 40, [95, 61, 196]).toString('base64') });
  admin = await tenant.admin.login();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t?.close());

async function invoicePdf(): Promise<{ text: string; images: number }> {
  const list = await admin.get(`/api/v1/tenants/${tenant.id}/self/invoices?limit=1`);
  const r = await admin.get(`/api/v1/tenants/${tenant.id}/self/invoices/${list.body.data[0].id}/pdf`);
  expect(r.status).toBe(200);
  const dir = mkdtempSync(path.join(tmpdir(), 'branded-invoice-'));
  try {
    const file = path.join(dir, 'invoice.pdf');
    writeFileSync(file, r.raw.rawPayload);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    const images = spawnSync('pdfimages', ['-list', file], { encoding: 'utf8' }).stdout.split('\n').slice(2).filter((l) => l.trim()).length;
    return { text, images };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the PDF invoice in the partner’s brand', () => {
  it('carries the partner’s name and logo, powered by the provider', async () => {
    const { text, images } = await invoicePdf();
    expect(text).toContain('Adatum Managed IT');
    expect(text).toContain('Invoice · powered by Partnergate');
    expect(images).toBe(1);
  });

  it('carries the provider’s own header once the operator switches the brand off', async () => {
    await operator.put(`/api/v1/partners/${partner.id}/branding/customers`, { allowed: false });
    const { text, images } = await invoicePdf();
    expect(text).not.toContain('Adatum');
    expect(text).not.toContain('powered by');
    expect(text).toContain('Partnergate');
    expect(images).toBe(0);
  });
});
