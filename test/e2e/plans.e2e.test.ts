/**
 * Browser journey (plans): a guest customer sees why no plan is available, completes the
 * identity check (KYC) with a document; the wholesaler sees the waiting badge, reviews and
 * verifies it and sets the customer's type; the customer chooses a plan, reads and signs its
 * terms; the wholesaler starts the service and suspends it with a reason; the customer sees the
 * suspension; the plan's people limit turns away one more invitation, in words. Each page fits 1366 px and
 * 390 px without sideways scrolling, and axe-core finds no serious or critical violation on it. An organization no provider serves reads that it has no plan and how to get
 * one, with no read answered 404. Screenshots saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import type { TestPartner, TestUser } from '../helpers/world.ts';
import { PDF } from '../api/plans/helpers.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { seriousViolations } from './helpers/axe.ts';

let portal: Portal;
let wholesaler: TestPartner;
let customer: { id: string; name: string; admin: TestUser };
let operator: TestUser;
let cust: Page;
let partner: Page;

async function fits(page: Page, what: string): Promise<void> {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await settled(page);
    await screenshot(page, `plans-${what}-${width}`);
    await expectNoSidewaysScroll(page, `${what} at ${width} px`);
    expect(await seriousViolations(page), `${what} at ${width} px: serious or critical accessibility problems`).toEqual([]);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  portal = await startPortal();
  const t = portal.t;
  const s = t.services;
  operator = await t.world.operator();
  wholesaler = await t.world.partner({ capabilities: ['wholesale'] });
  const ctx = t.world.ctx;
  const terms = 'Business plan terms.\n\n1. The monthly price is due within 14 days of each invoice.\n2. Unpaid past 14 days of grace, the service is suspended until paid.';
  const business = await s.plans.createPlan(ctx, { name: 'Business', description: 'For companies: more users and support.', features: ['voice', 'data', 'support.business_hours'], limits: { users: 1 }, price_minor: 4900, currency: 'EUR', segments: ['company', 'advanced'], grace_days: 14, terms });
  const enterprise = await s.plans.createPlan(ctx, { name: 'Enterprise', description: 'For advanced customers.', features: ['voice', 'data', 'support.24x7'], limits: { users: 500 }, price_minor: 19900, currency: 'EUR', segments: ['advanced'], grace_days: 30, terms });
  for (const p of [business, enterprise]) {
    await s.plans.allowPlan(ctx, wholesaler.id, { plan_id: p.id, min_price_minor: p.price_minor - 1000, max_price_minor: p.price_minor + 2000 });
    await s.plans.setOffer(ctx, wholesaler.id, p.id, { price_minor: p.price_minor + 1000, offered: true });
  }
  const octx = { ...ctx, actor: { ...ctx.actor, partnerId: wholesaler.id } };
  const { resold } = await s.resold.provision(octx, wholesaler.id, { name: 'Harbor Bakery', slug: 'harbor-bakery-e2e' });
  const admin = await t.world.user({ label: 'harbor' });
  await t.world.joinTenant(resold.tenant.id, admin.id, 'TENANT_ADMIN');
  customer = { id: resold.tenant.id, name: resold.tenant.name, admin };
  cust = await portal.newPage();
  partner = await portal.newPage();
  await cust.setViewportSize({ width: 1366, height: 900 });
  await partner.setViewportSize({ width: 1366, height: 900 });
});
afterAll(async () => {
  await portal?.close();
});

describe('plans and subscriptions in the portal', () => {
  it('a guest customer sees why no plan is available and sends its identity check', { timeout: 120_000 }, async () => {
    await login(cust, customer.admin.email, customer.admin.password);
    await cust.getByTestId('nav-tenant').getByRole('link', { name: 'Plan' }).click();
    await cust.getByText('Verify your organization').waitFor();
    const business = cust.locator('[data-plan="Business"]');
    await expect(business.getByTestId('not-available-reason').innerText()).resolves.toMatch(/Verify your identity or company first/);
    await fits(cust, 'customer-guest');

    // nothing filled: the form says what is missing, in words
    await cust.getByRole('button', { name: 'Send for review' }).click();
    await cust.getByText('Enter the company name.').waitFor();
    await cust.getByLabel('Company name').fill('Harbor Bakery GmbH');
    await cust.getByLabel('Registration number').fill('HRB 4711');
    await cust.getByLabel('Country').fill('DE');
    await cust.locator('input[type=file]').setInputFiles({ name: 'register-extract.pdf', mimeType: 'application/pdf', buffer: PDF });
    await cust.getByRole('button', { name: 'Send for review' }).click();
    await cust.getByTestId('kyc-pending').waitFor();
    // the plans reload beside the account: the card changes when they are back
    await business.getByTestId('not-available-reason').filter({ hasText: /waiting for review/ }).waitFor();
    await fits(cust, 'customer-pending');
  });

  it('the wholesaler sees the waiting badge, opens the check with its document, verifies it and sets the customer type', { timeout: 120_000 }, async () => {
    await login(partner, wholesaler.owner.email, wholesaler.owner.password);
    await partner.getByTestId('nav-partner').getByRole('link', { name: 'Plans and customers' }).click();
    await expect(partner.getByTestId('kyc-waiting-badge').innerText()).resolves.toMatch(/^1 to review$/i);
    await fits(partner, 'partner-customers');
    await partner.getByRole('tab', { name: /Identity checks/ }).click();
    await partner.locator('[data-customer="Harbor Bakery"]').getByRole('button', { name: 'Review' }).click();
    const drawer = partner.getByRole('dialog');
    await drawer.getByText('Harbor Bakery GmbH').waitFor();
    const link = drawer.getByRole('link', { name: /register-extract\.pdf/ });
    const res = await partner.request.get((await link.getAttribute('href'))!);
    expect([res.status(), res.headers()['content-type']]).toEqual([200, 'application/pdf']);
    await screenshot(partner, 'plans-partner-kyc-review');
    await drawer.getByRole('button', { name: 'Verify' }).click();
    await partner.getByText('Customer verified.').waitFor();
    await partner.getByTestId('kyc-waiting-badge').waitFor({ state: 'detached' });

    await partner.getByRole('tab', { name: 'Customers' }).click();
    const row = partner.locator('[data-customer="Harbor Bakery"]');
    await row.getByText('Verified').waitFor();
    await row.getByLabel('Customer type of Harbor Bakery').click();
    await partner.getByRole('option', { name: 'Company' }).click();
    await partner.getByText('Customer type changed.').waitFor();
    await fits(partner, 'partner-customers-verified');
  });

  it('the customer chooses the plan it may take, reads and signs the terms', { timeout: 120_000 }, async () => {
    await cust.reload();
    const business = cust.locator('[data-plan="Business"]');
    await business.getByRole('button', { name: 'Choose this plan' }).waitFor();
    // the plan for advanced customers says why not
    await expect(cust.locator('[data-plan="Enterprise"]').getByTestId('not-available-reason').innerText()).resolves.toMatch(/advanced customers only/);
    await fits(cust, 'customer-verified');
    await business.getByRole('button', { name: 'Choose this plan' }).click();
    const dialog = cust.getByRole('dialog');
    await expect(dialog.getByTestId('plan-terms').innerText()).resolves.toMatch(/Unpaid past 14 days of grace/);
    await screenshot(cust, 'plans-customer-terms');
    await dialog.getByRole('button', { name: 'I accept and sign' }).click();
    await cust.getByTestId('plan-status-subscription').getByText('Signed, starting soon').waitFor();
    const sub = await portal.t.services.db.kysely.selectFrom('subscriptions').selectAll().where('tenant_id', '=', customer.id).executeTakeFirstOrThrow();
    expect([sub.status, sub.signed_by, sub.price_minor]).toEqual(['signed', customer.admin.id, 5900]);
  });

  it('the wholesaler starts the service and suspends it with a reason; the customer sees why', { timeout: 120_000 }, async () => {
    await partner.reload();
    const row = partner.locator('[data-customer="Harbor Bakery"]');
    await row.getByRole('button', { name: 'Start service' }).click();
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Suspend' }).click();
    const dialog = partner.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.getByText('Say why; it is recorded with the change.').waitFor();
    await dialog.getByLabel('Reason').fill('Complaints about unsolicited calls; suspended while we look into it.');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await row.getByText('Suspended', { exact: true }).waitFor();
    await fits(partner, 'partner-suspended');

    await cust.reload();
    await cust.getByTestId('plan-status-subscription').getByText(/Suspended by your provider: Complaints about unsolicited calls/).waitFor();
    await fits(cust, 'customer-suspended');
  });

  it("the plan's people limit: inviting one more person is refused, and the admin is told why", { timeout: 120_000 }, async () => {
    // the Business plan allows 1 person, and the customer has its admin
    await cust.getByTestId('nav-tenant').getByRole('link', { name: 'Members' }).click();
    await cust.getByRole('button', { name: 'Invite member' }).click();
    const dialog = cust.getByRole('dialog');
    await dialog.getByLabel('Email').fill(`baker-${Date.now()}@example.com`);
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog.getByText('Nobody was invited').waitFor();
    await expect(dialog.getByTestId('error-alert').innerText()).resolves.toMatch(/Your plan \(Business\) allows 1 person, and you have 1\. Remove someone, withdraw an invitation, or choose a larger plan\./);
    await fits(cust, 'customer-people-limit');
    const open = await portal.t.services.db.kysely.selectFrom('invitations').select('id').where('scope_id', '=', customer.id).execute();
    expect(open).toHaveLength(0);
  });

  it('the operator sees the plan catalog and which plans the wholesaler may offer', { timeout: 120_000 }, async () => {
    const op = await portal.newPage();
    await login(op, operator.email, operator.password);
    await op.getByTestId('nav-operator').getByRole('link', { name: 'Plans' }).click();
    await op.locator('[data-plan="Business"]').first().waitFor();
    await op.getByTestId('offer-partner').click();
    await op.getByRole('option', { name: wholesaler.name }).click();
    await op.getByTestId('partner-offers').getByText('Enterprise').waitFor();
    await fits(op, 'operator-catalog');
  });

  for (const size of WIDTHS) {
    it(`at ${size.width}px: a tenant user no provider serves opens Plan and reads that there is none, and how to get one`, { timeout: 120_000 }, async () => {
      const tenant = await portal.t.world.tenant();
      const page = await signedIn(portal, tenant.user.email, tenant.user.password, size);
      const missing: string[] = [];
      page.on('response', (r) => {
        if (r.status() === 404 && new URL(r.url()).pathname.startsWith('/api/')) missing.push(new URL(r.url()).pathname);
      });
      await clickSidebar(page, size.width === 390, 'nav-tenant', /^Plan$/);
      await page.getByTestId('no-plan').waitFor();
      const text = await walkPage(page, `plans-no-provider-${size.width}`);
      expect(text).toContain('Your organization has no plan');
      expect(text).toMatch(/ask the company you buy the service from to add your organization/);
      expect(missing, 'reads answered 404').toEqual([]);
      await page.close();
    });
  }
});
