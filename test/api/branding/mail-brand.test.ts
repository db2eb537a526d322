/**
 * Invitations in a partner's brand, delivered over real SMTP: the partner's name and logo on top,
 * its colour on the button and "powered by" the provider — for its own people, and for a customer
 * it resells while the operator allows it; the provider's own look once switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { png } from '../../helpers/images.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import { provisionCustomer } from '../plans/helpers.ts';

let mail: TestInbox;
let t: TestApp;
let operator: Client;
let partner: TestPartner;
let owner: Client;
let logoUrl: string;

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ config: mail.config });
  operator = await (await t.world.operator()).login();
  partner = await t.world.partner({ capabilities: ['wholesale'] });
  owner = await partner.owner.login();
  await owner.patch(`/api/v1/partners/${partner.id}/branding`, { display_name: 'Contoso Connect', primary_color: '#0b7285' });
  logoUrl = (await owner.put(`/api/v1/partners/${partner.id}/branding/logo`, { content_base64: png(64, 64).toString('base64') })).body.logo.url;
});
afterAll(async () => {
  await t.close();
  await mail.close();
});

async function delivered(address: string) {
  await t.services.notifications.worker.tick();
  await expect.poll(() => mail.to(address).length, { timeout: 20_000 }).toBeGreaterThan(0);
  return mail.to(address).at(-1)!;
}

describe('invitations in the partner’s brand', () => {
  it('invites the partner’s own people in its brand', async () => {
    const email = `${unique('staff')}@example.test`;
    expect((await owner.post(`/api/v1/partners/${partner.id}/members`, { email, role: 'PARTNER_STAFF' })).status).toBe(201);
    const m = await delivered(email);
    expect(m.text.startsWith('Contoso Connect\n')).toBe(true);
    expect(m.text).toContain('Powered by Partnergate');
    expect(m.html).toContain('background:#0b7285');
    expect(m.html).toContain(`src="${t.services.config.publicUrl.replace(/\/+$/, '')}${logoUrl}"`);
  });

  it('invites a resold customer’s people in its wholesaler’s brand, unless the operator switched it off', async () => {
    const customer = await provisionCustomer(t, partner);
    const admin = await customer.admin.login();
    const first = `${unique('colleague')}@example.test`;
    expect((await admin.post(`/api/v1/tenants/${customer.id}/members`, { email: first, role: 'TENANT_USER' })).status).toBe(201);
    const branded = await delivered(first);
    expect(branded.text).toContain('Powered by Partnergate');
    expect(branded.html).toContain('Contoso Connect');

    await operator.put(`/api/v1/partners/${partner.id}/branding/customers`, { allowed: false });
    const second = `${unique('colleague')}@example.test`;
    expect((await admin.post(`/api/v1/tenants/${customer.id}/members`, { email: second, role: 'TENANT_USER' })).status).toBe(201);
    const plain = await delivered(second);
    expect(plain.text).not.toContain('Contoso Connect');
    expect(plain.text).not.toContain('Powered by');
    expect(plain.html).toContain('background:#1c7ed6');
  });
});
