/**
 * Two-tier partners in the portal, at a laptop (1366 px) and a phone (390 px) width, by clicking:
 *   distributor owner  "Resellers" in the sidebar: its reseller by name, status and customers;
 *                      onboard a new reseller (its owner's invitation shown once); suspend the first
 *                      after a confirmation in plain words (with a reason) → "Suspended by you";
 *                      resume it → Active
 *   reseller owner     the same entry shows its distributor by name, nothing of its siblings
 * Each screen is walked (axe-core, no sideways scroll, no ids shown). Screenshots:
 * artifacts/screenshots/resellers-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner } from '../helpers/world.ts';

let portal: Portal;

beforeAll(async () => {
  portal = await startPortal();
}, 180_000);
afterAll(async () => {
  await portal?.close();
});

/** A distributor with one reseller that serves one customer (an active link). */
async function twoTier(): Promise<{ dist: TestPartner; reseller: TestPartner }> {
  const { t } = portal;
  const dist = await t.world.partner({ capabilities: ['managed_services'] });
  const reseller = await t.world.partner({ capabilities: ['managed_services'] });
  await t.services.partners.resellers.setDistributor(t.world.ctx, reseller.id, dist.id);
  const tenant = await t.world.tenant();
  await t.services.delegations.create(t.world.ctx, { partnerId: reseller.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), status: 'active' });
  await t.services.feed.drain();
  return { dist, reseller };
}

describe("a distributor's resellers", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;
    it(`lists, onboards, suspends and resumes resellers; a reseller sees only its distributor (${w} px)`, async () => {
      const { dist, reseller } = await twoTier();
      const page = await signedIn(portal, dist.owner.email, dist.owner.password, size);
      await clickSidebar(page, phone, 'nav-partner', /^Resellers$/);
      await page.getByRole('heading', { name: 'Resellers', level: 1 }).or(page.getByRole('heading', { name: 'Resellers' })).first().waitFor();
      const row = page.locator(`[data-reseller="${reseller.name}"]`).first();
      await row.waitFor();
      await expect.poll(async () => row.textContent()).toContain('1 customer');
      await walkPage(page, `resellers-list-${w}`);

      // onboard a new reseller: the owner's invitation is shown once
      await page.getByLabel('Company name').fill(`Adatum ${w}`);
      await page.getByLabel('Contact e-mail').fill(`ops-${w}-${Date.now()}@adatum.example`);
      await page.getByLabel("Owner's e-mail").fill(`owner-${w}-${Date.now()}@adatum.example`);
      await page.getByTestId('onboard-reseller').click();
      await page.getByTestId('onboarded').waitFor();
      await page.locator(`[data-reseller="Adatum ${w}"]`).first().waitFor();
      await walkPage(page, `resellers-onboarded-${w}`);

      // suspend, with a confirmation that says what stops
      await row.getByRole('button', { name: `Suspend ${reseller.name}` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await expect.poll(async () => dialog.textContent()).toContain('stop acting for its 1 customer on their very next request');
      await dialog.getByLabel('Reason').fill('Unpaid invoices for March.');
      await walkPage(page, `resellers-suspend-confirm-${w}`);
      await dialog.getByRole('button', { name: 'Suspend reseller' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(async () => row.textContent()).toContain('Suspended by you');
      await walkPage(page, `resellers-suspended-${w}`);

      // resume
      await row.getByRole('button', { name: `Resume ${reseller.name}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Resume reseller' }).click();
      await expect.poll(async () => row.getAttribute('data-status')).toBe('active');

      // the reseller sees its distributor by name, and no list of resellers
      const rpage = await signedIn(portal, reseller.owner.email, reseller.owner.password, size);
      await clickSidebar(rpage, phone, 'nav-partner', /^Resellers$/);
      const card = rpage.getByTestId('distributor');
      await card.waitFor();
      expect(await card.textContent()).toContain(dist.name);
      expect(await rpage.getByTestId('resellers').count()).toBe(0);
      await walkPage(rpage, `resellers-reseller-view-${w}`);
    }, 180_000);
  }
});
