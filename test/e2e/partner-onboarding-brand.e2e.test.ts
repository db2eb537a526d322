/**
 * Operator-made partners and partners' brands, by clicking only, at a laptop (1366 px) and a phone
 * (390 px) width, with axe-core on every page:
 *  - the operator adds a partner on Partners → Add a partner and gets its owner's invitation link;
 *  - the operator imports a CSV of partners: the check says which row is ready and why the other
 *    is not, then the ready one is added after a confirmation;
 *  - a partner's owner sets its colours (a pale one is refused with its contrast, next to the field)
 *    and uploads a logo; the header then shows the partner's brand, "powered by Partnergate";
 *  - a customer that partner resells sees the brand in the portal and on the OAuth consent screen.
 * Screenshots: artifacts/screenshots/partner-onboarding-*.png.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { unique } from '../helpers/world.ts';
import { png } from '../helpers/images.ts';
import { provisionCustomer } from '../api/plans/helpers.ts';
import { CALLBACK, pkce } from '../api/oauth/oauth-helpers.ts';

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;
const IDS = /\b(?:ptr|tnt|usr|inv)_[0-9a-z]{10,}\b/;

let portal: Portal;

beforeAll(async () => {
  // served at its public address (PUBLIC_URL), so the authorization server's issuer is the address the browser uses
  portal = await startPortal({}, { localhost: true });
}, 180_000);
afterAll(() => portal?.close());

async function check(page: Page, name: string, opts: { ids?: boolean } = {}): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `partner-onboarding-${name}`);
  if (opts.ids !== false) expect(await page.locator('main').first().innerText(), `${name}: an id on screen`).not.toMatch(IDS);
}

/** The phone layout keeps the sidebar behind the menu button. */
async function openNav(page: Page, w: number): Promise<void> {
  if (w < 768) await page.getByRole('button', { name: 'Toggle navigation' }).click();
}

describe('operator-made partners and partners’ brands', () => {
  for (const size of WIDTHS) {
    const w = size.width;

    it(`the operator adds a partner by clicking, at ${w}px`, { timeout: 240_000 }, async () => {
      const { t } = portal;
      const slug = unique('fabrikam').slice(0, 40);
      const op = await t.world.operator();
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, op.email, op.password);
      await page.goto('/operator/partners');
      await page.getByRole('link', { name: 'Add a partner' }).click();
      await page.getByRole('heading', { name: 'Add a partner' }).waitFor();
      await check(page, `new-${w}`);
      await page.getByLabel('Name').first().fill(`Fabrikam ${slug}`);
      await page.getByLabel('Short name in addresses').fill(slug);
      await page.getByLabel('Contact e-mail').fill(`${slug}@example.test`);
      await page.getByLabel('Website').fill('https://fabrikam.example');
      await page.getByRole('checkbox', { name: 'Managed services' }).check();
      await page.getByLabel('First owner’s e-mail').fill(`${slug}-owner@example.test`);
      await page.getByRole('button', { name: 'Add partner' }).click();
      await page.getByTestId('partner-made').waitFor();
      expect(await page.getByTestId('partner-made').innerText()).toContain(`${slug}-owner@example.test`);
      await check(page, `made-${w}`);
      const made = await t.services.partners.findBySlug(slug);
      expect(made).toMatchObject({ status: 'active', approved_by: op.id });
      await page.getByRole('link', { name: `Open Fabrikam ${slug}` }).click();
      await page.getByRole('heading', { name: `Fabrikam ${slug}` }).waitFor();
      await page.close();
    });

    it(`the operator imports a file of partners, checked before anything is added, at ${w}px`, { timeout: 240_000 }, async () => {
      const { t } = portal;
      const a = unique('alpha').slice(0, 30);
      const csv = ['name,slug,contact_email,capabilities,owner_email', `Alpha ${a},${a},${a}@example.test,delegated; wholesale,${a}-owner@example.test`, `Broken ${a},${a}-b,not-an-address,delegated,${a}-b@example.test`].join('\n');
      const op = await t.world.operator();
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, op.email, op.password);
      await page.goto('/operator/partners');
      await page.getByRole('link', { name: 'Import from a file' }).click();
      await page.getByRole('heading', { name: 'Import partners from a file' }).waitFor();
      await check(page, `import-start-${w}`);
      await page.locator('input[type="file"]').setInputFiles({ name: 'partners.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await page.getByRole('heading', { name: '2 rows in the file: 1 ready, 1 with problems' }).waitFor();
      expect(await page.getByTestId('import-rows').innerText()).toContain('This is not an e-mail address.');
      expect(await t.services.partners.findBySlug(a)).toBeUndefined();
      await check(page, `import-checked-${w}`);
      await page.getByRole('button', { name: 'Add 1 partner' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add these partners?' });
      await dialog.getByText('1 row with problems will be left out').waitFor();
      await screenshot(page, `partner-onboarding-import-confirm-${w}`);
      await dialog.getByRole('button', { name: 'Add partners' }).click();
      await page.getByRole('heading', { name: 'Done: 1 added, 1 not added' }).waitFor();
      await check(page, `import-applied-${w}`);
      expect(await t.services.partners.findBySlug(a)).toMatchObject({ status: 'active' });
      await page.close();
    });

    it(`a partner's owner brands it, and its customer sees the brand in the portal and on the consent screen, at ${w}px`, { timeout: 300_000 }, async () => {
      const { t } = portal;
      const partner = await t.world.partner({ capabilities: ['wholesale', 'delegated'] });
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, partner.owner.email, partner.owner.password);
      await page.goto('/partner');
      await openNav(page, w);
      await page.getByRole('link', { name: 'Brand' }).click();
      await page.getByRole('heading', { name: 'Brand', exact: true }).first().waitFor();
      await check(page, `brand-start-${w}`);
      await page.getByLabel('Name shown').fill('Tailspin Fibre');
      await page.getByLabel('Main colour').fill('#ffd43b');
      await page.getByRole('button', { name: 'Save brand' }).click();
      await page.getByText('#ffd43b has a contrast of 1.42:1 with white').first().waitFor();
      await check(page, `brand-refused-${w}`);
      await page.getByLabel('Main colour').fill('#0b7285');
      await page.getByRole('button', { name: 'Save brand' }).click();
      await page.getByText('Brand saved.').waitFor();
      await page.locator('input[type="file"]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(96, 32, [11, 114, 133]) });
      await page.getByRole('img', { name: 'Tailspin Fibre logo' }).waitFor();
      await page.getByTestId('brand-mark').getByText('Tailspin Fibre').waitFor();
      expect(await page.getByTestId('brand-mark').innerText()).toContain('powered by Partnergate');
      await check(page, `brand-saved-${w}`);
      await page.close();

      // the customer it resells: the portal's header and the consent screen in the partner's brand
      const customer = await provisionCustomer(t, partner);
      const cpage = await portal.newPage();
      await cpage.setViewportSize(size);
      await login(cpage, customer.admin.email, customer.admin.password);
      await cpage.goto(`/tenant/${customer.id}`);
      await cpage.getByTestId('brand-mark').getByText('Tailspin Fibre').waitFor();
      await check(cpage, `customer-portal-${w}`);

      const owner = await partner.owner.login();
      const app = await owner.post(`/api/v1/partners/${partner.id}/apps`, { name: 'Tailspin Billing', grant_types: ['authorization_code'], scopes: ['openid', 'billing.invoices.read'], redirect_uris: [CALLBACK] });
      expect(app.status).toBe(201);
      const config = await oidc.discovery(new URL(`${portal.url}/oauth`), app.body.app.client_id, undefined, oidc.ClientSecretBasic(app.body.client_secret), { execute: [oidc.allowInsecureRequests] });
      const p = await pkce();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid billing.invoices.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
      await cpage.route(`${new URL(CALLBACK).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the partner app' }));
      await cpage.goto(url.href);
      const cont = cpage.getByTestId('continue-as');
      if (await cont.isVisible().catch(() => false)) await cont.click();
      else {
        await cpage.getByLabel('Email').fill(customer.admin.email);
        await cpage.getByLabel('Password').fill(customer.admin.password);
        await cpage.getByRole('button', { name: 'Sign in' }).click();
      }
      await cpage.getByTestId('partner-brand').waitFor();
      expect(await cpage.getByTestId('partner-brand').innerText()).toMatch(/Tailspin Fibre\s*powered by Partnergate/);
      expect(await cpage.locator('.brand-logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(96);
      // the brand's colour on the Approve button (its contrast with the white label was checked when saved)
      expect(await cpage.getByRole('button', { name: 'Approve' }).evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor)).toBe('rgb(11, 114, 133)');
      await settled(cpage);
      expect(await seriousViolations(cpage), 'consent screen: serious or critical accessibility problems').toEqual([]);
      await expectNoSidewaysScroll(cpage, `consent-${w}`);
      await screenshot(cpage, `partner-onboarding-consent-${w}`);
      await cpage.close();
    });
  }
});
