/**
 * A wholesaler's home in the demo world (Contoso Wholesale), at 1366 px and 390 px, by clicks only:
 *   the owner        Home shows what Contoso is billed on its own account (its invoices by number,
 *                    what is left to pay), its customers' subscriptions by state and the identity
 *                    check waiting for its review with a badge; "Review it" opens Plans and customers;
 *                    an alert notice in the bell opens the Alerts page, which a wholesaler may use
 *   a staff member   whose member role does not include billing: the customers are there, the money
 *                    is absent (not $0.00) and the page says why
 * No id or permission code on screen, no sideways scroll, no badge cut short, and axe-core finds no
 * serious or critical violation. Screenshots: artifacts/screenshots/partner-home-wholesaler-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/http/request-context.ts';
import { startPortal, type Portal } from './helpers/portal.ts';
import { check, clickNav, openHome, signedIn, WIDTHS } from './helpers/partner-home.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';

let portal: Portal;
let world: DemoWorld;
const contoso = () => world.partners.find((p) => p.slug === 'contoso-wholesale')!;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
  // Sofia works on support only: her member role reads no billing
  const s = portal.t.services;
  const sofia = await s.identity.findUserByEmail(contoso().staff.email);
  await s.partners.setMemberRole(systemContext('test'), contoso().id, sofia!.id, 'partner_msp_support');
  await s.feed.kick();
  // the demo's alerts on Contoso's customers, told now (the worker's own schedule would, a little later)
  await s.notifications.worker.dispatchEvents();
}, 240_000);
afterAll(() => portal?.close());

describe("a wholesaler's home", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`Contoso's owner at ${w}px: its own invoices, its customers' subscriptions and the identity check waiting`, { timeout: 180_000 }, async () => {
      const page = await signedIn(portal, contoso().owner.email, contoso().owner.password, size);
      await openHome(page, phone);
      await page.getByTestId('wholesale-invoices').locator('[data-row]').first().waitFor();
      const text = await check(page, `wholesaler-owner-${w}`);
      // what it is billed: its own account and invoices, by number, in money
      const billing = await page.getByTestId('wholesale-billing').innerText();
      expect(billing).toMatch(/BAN-\d+/);
      expect(billing).toMatch(/INV-[A-Z0-9-]+/);
      expect(await page.getByTestId('figure-outstanding-value').innerText()).toMatch(/^\$[\d,]+\.\d\d$/);
      // its customers by the state of their subscription (the demo has one of each, three without a plan)
      for (const [id, n] of [['figure-sub-active', '1'], ['figure-sub-signing', '1'], ['figure-sub-signed', '1'], ['figure-sub-suspended', '1'], ['figure-sub-none', '3']] as const) {
        expect(await page.getByTestId(`${id}-value`).innerText(), id).toBe(n);
      }
      expect(text).toContain('Nova Labs');
      // the identity check waiting, with its badge, one click from where it is reviewed
      const kyc = page.getByTestId('home-kyc-waiting');
      expect(await kyc.innerText()).toContain('Quayside Bakery');
      expect(await page.getByTestId('home-kyc-waiting-badge').innerText()).toBe('1');
      await kyc.getByRole('link', { name: 'Review it' }).click();
      await page.waitForURL('**/partner/plans');
      await page.getByText('Quayside Bakery').first().waitFor();

      // an alert notice opens a page the wholesaler may use
      await page.getByTestId('bell').click();
      const alertNotice = page.getByTestId('bell-item').filter({ hasText: /Alert:/ }).first();
      await alertNotice.waitFor();
      await alertNotice.click();
      await page.waitForURL('**/partner/alerts');
      await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
      expect(await page.locator('main').innerText()).not.toContain('Your role does not include');
      await page.locator('main').getByText(/Bluebird Café|Atlas Logistics|Nova Labs/).first().waitFor();
      await check(page, `wholesaler-alerts-${w}`);
      // and the sidebar lists Alerts
      await clickNav(page, phone, /^Alerts/);
      await page.close();
    });

    it(`Contoso's support staff at ${w}px: the customers, and no money at all`, { timeout: 180_000 }, async () => {
      const page = await signedIn(portal, contoso().staff.email, contoso().staff.password, size);
      await openHome(page, phone);
      await page.getByTestId('wholesale-customers').waitFor();
      await page.getByTestId('billing-not-shown').waitFor();
      const text = await check(page, `wholesaler-staff-${w}`);
      expect(await page.getByTestId('wholesale-billing').count()).toBe(0);
      expect(text).not.toMatch(/\$\s?\d/);
      expect(text).toContain('Your role does not include billing');
      expect(await page.getByTestId('figure-sub-active-value').innerText()).toBe('1');
      await page.close();
    });
  }
});
