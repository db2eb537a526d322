/**
 * Who can reach what, in the portal, in the demo world, at a laptop (1366 px) and a phone (390 px)
 * width, by clicking only:
 *   operator      Partners → Fabrikam MSP → "Customers it can reach": its customers by name, what it
 *                 may do in words; a customer's link → the tenant → "Who has access": Fabrikam and
 *                 its people
 *   tenant admin  "Who has access" in the sidebar: the same partners, the same words
 * No id or permission code on screen, no sideways scroll, and axe-core finds no serious or critical
 * violation on any page. Screenshots: artifacts/screenshots/access-review-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';


const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

/** An id (ptr_…, tnt_…, usr_…, ban_…) or a permission code (billing.invoices.read) shown as text. */
const CODES = /\b(?:ptr|tnt|usr|ban)_[0-9a-z]{10,}\b|\b[a-z]+\.[a-z_]+\.[a-z_]+\b/;

let portal: Portal;
let world: DemoWorld;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
}, 180_000);
afterAll(() => portal?.close());

/** Waits for the list, checks accessibility, sideways scroll and codes on screen, saves a screenshot; returns the list's text. */
async function check(page: Page, testId: string, name: string): Promise<string> {
  const list = page.getByTestId(testId);
  await list.locator('[data-row]').first().waitFor();
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `access-review-${name}`);
  const text = await list.innerText();
  expect(text, `${name}: an id or a permission code on screen`).not.toMatch(CODES);
  return text;
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

describe('who can reach what', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`the operator at ${w}px: a partner's customers, then a customer's partners`, { timeout: 180_000 }, async () => {
      const page = await signedIn(world.operator.email, world.operator.password, size);
      await openMenu(page, phone);
      await page.getByTestId('nav-operator').getByRole('link', { name: /^Partners\b/ }).click();
      await page.getByRole('link', { name: 'Fabrikam MSP' }).first().click();
      await page.getByRole('tab', { name: 'Customers it can reach' }).click();
      const reach = await check(page, 'partner-reach', `operator-partner-${w}`);
      // how it reaches each customer, in words
      for (const name of ['Acme Fiber ISP', 'Every billing account', 'Billing:', 'Through a link the customer approved']) expect(reach).toContain(name);
      // the request Beta Networks has not approved is no access
      expect(reach).not.toContain('Beta Networks');

      await page.getByTestId('partner-reach').getByRole('link', { name: 'Acme Fiber ISP' }).first().click();
      await page.getByRole('tab', { name: 'Who has access' }).click();
      const who = await check(page, 'tenant-reach', `operator-tenant-${w}`);
      expect(who).toContain('Fabrikam MSP');
      expect(who).toContain('Through a link the customer approved');
      // its people, by name
      expect(who).toMatch(/Owen Fabrikam|Stella Fabrikam/);
      await page.close();
    });

    it(`the tenant admin at ${w}px: who has access to the tenant, in words`, { timeout: 180_000 }, async () => {
      const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
      const page = await signedIn(acme.admin.email, acme.admin.password, size);
      await openMenu(page, phone);
      await page.getByTestId('nav-tenant').getByRole('link', { name: 'Who has access' }).click();
      await page.getByRole('heading', { name: 'Who has access' }).waitFor();
      const who = await check(page, 'tenant-reach', `tenant-admin-${w}`);
      expect(who).toContain('Fabrikam MSP');
      expect(who).toContain('Through a link the customer approved');
      expect(who).not.toContain('Beta Networks');
      await page.close();
    });
  }
});
