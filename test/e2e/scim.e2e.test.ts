/**
 * SCIM provisioning in the portal, at a laptop (1366 px) and a phone (390 px) width, by clicking:
 *   partner owner  Provisioning in the sidebar → "Create SCIM token": the token shown once beside
 *                  the base URL; the identity provider (here: this test, with that token) creates a
 *                  person, and the page lists the request in words
 *   operator       Partners → the partner → "Provisioning" tab: the same connection, switched off
 *                  there; the token is refused from then on
 * No id on screen, no sideways scroll, and axe-core finds no serious or critical violation.
 * Screenshots: artifacts/screenshots/scim-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';


const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

/** an id shown as text */
const IDS = /\b(?:ptr|tnt|usr|scim)_[0-9a-z]{10,}\b/;

let portal: Portal;

beforeAll(async () => {
  portal = await startPortal();
}, 180_000);
afterAll(() => portal?.close());

async function check(page: Page, name: string, scope = 'main'): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `scim-${name}`);
  expect(await page.locator(scope).first().innerText(), `${name}: an id on screen`).not.toMatch(IDS);
}

async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
}

async function signedIn(email: string, password: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  await login(page, email, password);
  return page;
}

describe('the Provisioning page', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`the owner sets it up and reads the directory's requests; the operator switches it off, at ${w}px`, { timeout: 180_000 }, async () => {
      const partner = await portal.t.world.partner({ capabilities: ['managed_services'] });
      const page = await signedIn(partner.owner.email, partner.owner.password, size);
      await openMenu(page, phone);
      await page.getByTestId('nav-partner').getByRole('link', { name: 'Provisioning' }).click();
      await page.getByRole('heading', { name: 'Provisioning' }).first().waitFor();
      await page.getByText('Not set up').waitFor();
      await check(page, `owner-empty-${w}`);

      await page.getByRole('button', { name: 'Create SCIM token' }).click();
      const token = (await page.getByTestId('one-time-secret').innerText()).trim();
      expect(token).toMatch(/^pgscim_/);
      expect(await page.getByRole('textbox', { name: 'SCIM base URL' }).inputValue()).toMatch(/^https?:\/\/.+\/scim\/v2$/);

      // the identity provider, with the pasted token
      const created = await fetch(`${portal.url}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `grace-${w}-${Date.now()}@contoso.test`, name: { givenName: 'Grace', familyName: 'Hopper' } }),
      });
      expect(created.status).toBe(201);
      await page.reload();
      const requests = page.getByTestId('scim-requests');
      await requests.getByText(/Provisioned Grace Hopper/).first().waitFor();
      expect(await requests.innerText()).toContain('Create person');
      await check(page, `owner-${w}`);
      await page.close();

      const op = await portal.t.world.operator();
      const console_ = await signedIn(op.email, op.password, size);
      await console_.goto(`/operator/partners/${partner.id}`);
      await console_.getByRole('tab', { name: 'Provisioning' }).click();
      await console_.getByTestId('scim-requests').getByText(/Provisioned Grace Hopper/).first().waitFor();
      // the operator sees it and may switch it off, but does not create tokens for the partner
      expect(await console_.getByRole('button', { name: 'Create SCIM token' }).count()).toBe(0);
      await check(console_, `operator-${w}`, '[role="tabpanel"]');
      await console_.getByRole('button', { name: 'Switch provisioning off' }).click();
      await console_.getByRole('dialog').getByRole('button', { name: 'Switch off' }).click();
      await console_.getByText('Switched off', { exact: false }).first().waitFor();
      const refused = await fetch(`${portal.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(401);
      await console_.close();
    });
  }
});
