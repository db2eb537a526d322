/**
 * Browser journey of a customer's own limits on a partner's link, at a laptop (1366 px) and a phone
 * (390 px): the customer's admin opens the partner's page under "Partners with access", reads that
 * no limits of their own are set, types an address that is not one and is told so in words, then
 * allows one range only, on weekdays during Paris office hours; the partner's owner opens the
 * customer's page from an address outside the list: the page says the customer refuses it, and what
 * the customer allows, in sentences. Every page: axe 0 serious, no ids or codes on
 * screen, no sideways scroll; screenshots under artifacts/screenshots/link-limits-*.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { activeLink } from '../api/delegations/helpers.ts';

let portal: Portal;
let msp: TestPartner;
let acme: TestTenant;

const SIZES = WIDTHS.map((size) => ({ name: String(size.width), phone: size.width < 600, size }));

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  acme = await t.world.tenant();
  await activeLink(await msp.owner.login(), await acme.admin.login(), msp.id, acme, { role: 'MSP_FULL' });
  await t.services.feed.drain();
}, 180_000);
afterAll(() => portal?.close());

async function openLink(page: Page, phone: boolean) {
  await clickSidebar(page, phone, 'nav-tenant', /Partners with access/);
  await page.getByRole('link', { name: msp.name }).first().click();
  await page.getByTestId('link-limits-panel').getByTestId('link-limits').waitFor();
}

describe("a customer's own limits on a partner's link", () => {
  for (const s of SIZES) {
    it(`the customer's admin limits the partner's addresses and hours, and the partner reads them (${s.name} px)`, { timeout: 180_000 }, async () => {
      const admin = await signedIn(portal, acme.admin.email, acme.admin.password, s.size);
      await openLink(admin, s.phone);
      const panel = admin.getByTestId('link-limits-panel');
      if (s.name === '1366') {
        await panel.getByText(/No limits of your own: any address, any time/).waitFor();
        await walkPage(admin, `link-limits-none-${s.name}`);
      }
      await panel.getByRole('button', { name: 'Change limits' }).click();
      await panel.getByLabel('Addresses allowed').fill('203.0.113.0/24\nthe office');
      await panel.getByRole('button', { name: 'Save limits' }).click();
      // the server's refusal, in words, naming what is wrong
      await panel.getByText(/“the office” is not an address or a range/).first().waitFor();
      await walkPage(admin, `link-limits-refused-${s.name}`);

      await panel.getByLabel('Addresses allowed').fill('203.0.113.0/24');
      const hours = panel.getByRole('switch', { name: 'Only on certain days and hours' });
      if (!(await hours.isChecked())) await hours.check({ force: true });
      await panel.getByLabel('Time zone').fill('Europe/Par');
      await admin.getByRole('option', { name: 'Europe/Paris' }).click();
      await panel.getByRole('button', { name: 'Save limits' }).click();
      await admin.getByText('Limits saved. They apply to the partner’s next request.').first().waitFor();
      const words = panel.getByTestId('link-limits');
      await words.getByText('Only from this address: 203.0.113.0/24.').waitFor();
      await words.getByText('Only Monday to Friday, from 08:00 to 18:00 (Europe/Paris time).').waitFor();
      await walkPage(admin, `link-limits-saved-${s.name}`);

      const owner = await signedIn(portal, msp.owner.email, msp.owner.password, s.size);
      await clickSidebar(owner, s.phone, 'nav-partner', /Customers I manage/);
      await owner.getByRole('link', { name: acme.name }).first().click();
      // the owner's browser is not on the customer's list: the page says why, and what the customer allows
      await owner.getByText('The customer allows requests through this link only from the addresses it listed; the request came from another one.').waitFor();
      const theirs = owner.getByTestId('customer-link-limits');
      await theirs.getByText(`${acme.name} allows your access through this link only as follows; requests outside these limits are refused.`).waitFor();
      expect(await theirs.innerText()).toContain('Only from this address: 203.0.113.0/24.');
      await walkPage(owner, `link-limits-partner-${s.name}`);
      await admin.context().close();
      await owner.context().close();
    });
  }
});
