/**
 * A partner owner points an app's security events at a receiver, by clicking, at 1366 and 390 px:
 * from the OAuth apps page to the app's "Security events", the receiver address and the events in
 * words, a test event that a real receiver on loopback accepts, and the delivery listed in words.
 * Every screen is checked by walkPage (axe-core serious/critical, no id or permission code shown,
 * no sideways scroll). Screenshots: artifacts/screenshots/shared-signals-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { Receiver } from '../api/ssf/receiver.ts';
import type { TestPartner } from '../helpers/world.ts';

let portal: Portal;
let receiver: Receiver;
let partner: TestPartner;

beforeAll(async () => {
  portal = await startPortal({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  receiver = await new Receiver().start();
  partner = await portal.t.world.partner({ capabilities: ['delegated'] });
  const ctx = { ...portal.t.world.ctx, actor: { ...portal.t.world.ctx.actor, partnerId: partner.id } };
  for (const w of WIDTHS) await portal.t.services.apps.create(ctx, partner.id, { name: `Field service ${w.width}`, grant_types: ['authorization_code'], redirect_uris: ['https://field.example/callback'], scopes: ['orders.read'] });
}, 180_000);
afterAll(async () => {
  await receiver?.stop();
  await portal?.close();
});

describe("an app's security events", () => {
  for (const size of WIDTHS) {
    const w = size.width;
    const phone = w === 390;
    it(`at ${w}px: set the receiver, send a test event, read its delivery in words`, { timeout: 180_000 }, async () => {
      const page = await signedIn(portal, partner.owner.email, partner.owner.password, size);
      await clickSidebar(page, phone, 'nav-partner', /OAuth apps/);
      const row = page.locator(`[data-app="Field service ${w}"]`).first();
      await row.getByRole('link', { name: 'Security events' }).click();
      await page.getByRole('heading', { name: `Security events of Field service ${w}` }).waitFor();
      await page.getByText('Nothing is sent until a receiver is set.').waitFor();
      await walkPage(page, `shared-signals-empty-${w}`);

      await page.getByLabel(/^Receiver address/).fill(receiver.url);
      await page.getByLabel("The app's client secret was changed").uncheck();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved. New events go to this receiver.').waitFor();
      await page.getByRole('button', { name: 'Send a test event' }).click();
      const table = page.getByTestId('security-deliveries');
      await table.getByText(/Delivered: your receiver answered 202/).first().waitFor({ timeout: 30_000 });
      expect(await table.getByText('Test event').count()).toBeGreaterThan(0);
      await walkPage(page, `shared-signals-delivered-${w}`);
      expect(receiver.received.some((r) => r.headers['content-type'] === 'application/secevent+jwt')).toBe(true);
    });
  }
});
