/**
 * Purposes from the partner's request to the customer's withdrawal, by clicking, at 1366 and 390 px:
 * an MSP's owner asks for a link to a customer and ticks what it needs the access for (the
 * catalog's purposes in plain words, each with its description); the customer's admin reviews the
 * request and reads the purposes as sentences, approves, and under "Partners with access" takes
 * back one purpose, the other staying. Then, on "Connected partners", the purposes of a partner
 * app's connection, one withdrawn the same way. Every screen is checked by walkPage (axe-core
 * serious/critical, no id or permission code shown, no sideways scroll).
 * Screenshots: artifacts/screenshots/purpose-link-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { ends } from '../api/gateway/helpers.ts';

let portal: Portal;
const worlds: { tenant: TestTenant; msp: TestPartner; vendor: TestPartner }[] = [];

beforeAll(async () => {
  portal = await startPortal();
  for (const _ of WIDTHS) {
    worlds.push({ tenant: await portal.t.world.tenant(), msp: await portal.t.world.partner({ capabilities: ['managed_services'] }), vendor: await portal.t.world.partner({ capabilities: ['delegated'] }) });
  }
}, 180_000);
afterAll(async () => {
  await portal?.close();
});

/** The MSP's owner asks for a link to `tenant` for customer support and billing management. */
async function requestLink(page: Page, phone: boolean, tenant: TestTenant, w: number) {
  await clickSidebar(page, phone, 'nav-partner', /Customers I manage/);
  await page.getByRole('button', { name: 'Request a link' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Customer short name/).fill(tenant.slug);
  const picker = dialog.getByTestId('purpose-picker');
  // the catalog in plain words, each purpose with its description
  await picker.getByText('Open, follow and answer support tickets for you.').waitFor();
  await picker.getByRole('checkbox', { name: 'Customer support' }).check();
  await picker.getByRole('checkbox', { name: 'Billing management' }).check();
  expect(await picker.innerText()).not.toMatch(/billing_management|ordering_on_behalf/);
  await dialog.getByLabel(/^Justification/).fill('We run your helpdesk and your invoices');
  await walkPage(page, `purpose-link-request-${w}`);
  await dialog.getByRole('button', { name: 'Send request' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** A partner app the customer connected on the consent screen, for billing management and support. */
async function connectedApp(tenant: TestTenant, vendor: TestPartner) {
  const t = portal.t;
  const scopes = ['billing.invoices.read', 'support.tickets.read'];
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: vendor.id } };
  const { app } = await t.services.apps.create(ctx, vendor.id, { name: 'Helpdesk assistant', grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scopes });
  await t.services.delegations.create(t.world.ctx, {
    partnerId: vendor.id,
    tenantId: tenant.id,
    origin: 'consent',
    role: 'DELEGATE',
    scopes,
    overrides: { grant: scopes, deny: [] },
    banIds: [tenant.bans[0].id],
    billToBanId: tenant.bans[0].id,
    clientId: app.id,
    endsAt: ends(),
    purposes: ['billing_management', 'support'],
  });
  await t.services.feed.drain();
}

/** Withdraws one purpose from a purposes cell, confirming it in plain words. */
async function withdraw(page: Page, cell: ReturnType<Page['getByTestId']>, partner: string, keeps: string, name: string) {
  await cell.getByRole('button', { name: `Revoke Customer support for ${partner}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(`${partner} will no longer be able to act on your data for Customer support, from its very next request. It keeps access for ${keeps}.`).waitFor();
  await walkPage(page, `${name}-confirm`);
  await dialog.getByRole('button', { name: 'Revoke Customer support' }).click();
  await dialog.waitFor({ state: 'detached' });
  await cell.getByText('Customer support').waitFor({ state: 'detached' });
  await cell.getByText(keeps).waitFor();
  await walkPage(page, name);
}

describe('purposes from the request to the withdrawal', () => {
  WIDTHS.forEach((size, i) => {
    const w = size.width;
    const phone = w === 390;
    it(`at ${w}px: picked on the request, read as sentences on approval, withdrawn one by one`, { timeout: 240_000 }, async () => {
      const { tenant, msp, vendor } = worlds[i];
      const owner = await signedIn(portal, msp.owner.email, msp.owner.password, size);
      await requestLink(owner, phone, tenant, w);
      await owner.close();
      const asked = (await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/delegations?status=requested`)).body.data;
      expect(asked.map((d: { purposes: string[] | null }) => d.purposes)).toEqual([['billing_management', 'support']]);

      const admin = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(admin, phone, 'nav-tenant', /Partners with access/);
      await admin.locator(`[data-testid="pending-requests"] [data-partner="${msp.slug}"]`).getByRole('button', { name: 'Approve' }).click();
      const review = admin.getByTestId('approve-dialog');
      const sentences = review.getByTestId('purpose-sentences');
      await sentences.getByText(`${msp.name} may use this access only for:`).waitFor();
      await sentences.getByText('Customer support — Open, follow and answer support tickets for you.').waitFor();
      await sentences.getByText('Billing management — See your invoices, payments and billing accounts, and manage them for you.').waitFor();
      await walkPage(admin, `purpose-link-review-${w}`);
      await review.getByRole('button', { name: 'Approve access' }).click();
      await review.waitFor({ state: 'detached' });

      const row = admin.locator(`[data-testid="active-delegations"] [data-partner="${msp.slug}"]`);
      const cell = row.getByTestId('purposes');
      await cell.getByText('Customer support').waitFor();
      await walkPage(admin, `purpose-link-partners-with-access-${w}`);
      await withdraw(admin, cell, msp.name, 'Billing management', `purpose-link-withdrawn-${w}`);
      const link = (await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/delegations?status=active&origin=link`)).body.data;
      expect(link.map((d: { purposes: string[] | null }) => d.purposes)).toEqual([['billing_management']]);

      // a partner app's connection: its purposes on Connected partners, one withdrawn the same way
      await connectedApp(tenant, vendor);
      await clickSidebar(admin, phone, 'nav-tenant', /Connected partners/);
      const app = admin.locator(`[data-testid="connected-apps"] [data-partner="${vendor.slug}"]`);
      const appCell = app.getByTestId('purposes');
      await appCell.getByText('Customer support').waitFor();
      await appCell.getByText('Billing management').waitFor();
      await walkPage(admin, `purpose-link-connected-${w}`);
      await withdraw(admin, appCell, vendor.name, 'Billing management', `purpose-link-connected-withdrawn-${w}`);
      await admin.close();
      const consent = (await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/delegations?status=active&origin=consent`)).body.data;
      expect(consent.map((d: { purposes: string[] | null }) => d.purposes)).toEqual([['billing_management']]);
    });
  });
});
