/**
 * The operator's home, in the demo world, at a laptop (1366 px) and a phone (390 px) width:
 *   sign-in       the operator lands on the platform overview (not on a table), with what waits,
 *                 the totals and the charts
 *   application   a partner applies through the public API: the Partners entry in the sidebar shows
 *                 one more waiting application, and the bell tells the operator who applied
 *   tiles         a tile opens the page behind it in one click
 * No sideways scroll, and axe-core finds no serious or critical violation. Screenshots:
 * artifacts/screenshots/operator-home-*.png.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, startPortal, type Portal } from './helpers/portal.ts';
import { walkPage, watchRefusals, WIDTHS } from './helpers/walk.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';


let portal: Portal;
let world: DemoWorld;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
}, 180_000);
afterAll(() => portal?.close());

/** The shared per-screen checks (helpers/walk.ts), screenshots under artifacts/screenshots/operator-home-*.png. */
async function check(page: Page, name: string): Promise<void> {
  await walkPage(page, `operator-home-${name}`);
}

async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
}

async function closeMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) > 0) await burger.click();
}

/** Apply as a partner through the public API, as the apply page does. */
async function apply(name: string): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  const r = await portal.t.client().post('/api/v1/partner-applications', {
    name,
    contact_email: `hello-${tag}@example.test`,
    requested_capabilities: ['managed_services'],
    owner: { name: 'Ada Applicant', email: `ada-${tag}@example.test`, password: `a long passphrase ${tag}` },
  });
  expect(r.status).toBe(201);
}

async function partnersBadge(page: Page): Promise<number> {
  const badge = page.getByTestId('nav-operator').getByTestId('nav-badge-partners');
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.innerText());
}

describe("the operator's home", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`at ${w}px: signs in to the overview; a new application shows in the sidebar and the bell; a tile opens its page`, { timeout: 180_000 }, async () => {
      const page = await portal.newPage();
      await page.setViewportSize(size);
      watchRefusals(page);
      await login(page, world.operator.email, world.operator.password);
      expect(new URL(page.url()).pathname).toBe('/operator');
      await page.getByRole('heading', { name: 'Platform overview' }).waitFor();
      await page.getByTestId('tile-partners').getByRole('heading').waitFor();
      await page.getByTestId('chart').first().waitFor();
      const tiles = await page.getByTestId('tile-partners').innerText();
      expect(tiles).toMatch(/\d/);
      await check(page, `overview-${w}`);
      // the health of deliveries includes the provider systems that send records (none in the demo world)
      expect(await page.getByTestId('health-data-sources').innerText()).toContain('No provider system sends records yet');

      await openMenu(page, phone);
      const before = await partnersBadge(page);
      const name = `Northwind Services ${w}`;
      await apply(name);
      await page.reload();
      await page.getByRole('heading', { name: 'Platform overview' }).waitFor();
      await openMenu(page, phone);
      await expect.poll(() => partnersBadge(page)).toBe(before + 1);
      await closeMenu(page, phone);
      // the waiting list names the applicant, with a button to review
      const waiting = page.getByTestId('waiting-for-you');
      await waiting.getByText(`${name} applied to become a partner`).waitFor();

      // the bell: the events worker delivers the notice
      await portal.t.services.notifications.worker.tick();
      await page.reload();
      await page.getByTestId('bell').click();
      await page.getByTestId('bell-dropdown').getByText(`${name} applied to become a partner`).first().waitFor();
      await check(page, `bell-${w}`);
      await page.keyboard.press('Escape');

      // one click on a tile: the page behind it
      await page.getByTestId('tile-tenants').click();
      await page.waitForURL((u) => u.pathname === '/operator/tenants');
      await page.getByRole('heading', { name: 'Tenants' }).first().waitFor();
      await page.goBack();
      await page.getByTestId('tile-partners').click();
      await page.waitForURL((u) => u.pathname === '/operator/partners');
      expect(new URL(page.url()).searchParams.get('status')).toBe('active');
      await page.close();
    });
  }
});
