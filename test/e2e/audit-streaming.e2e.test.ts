/**
 * Audit streaming in the portal, at a laptop (1366 px) and a phone (390 px) width, by clicking
 * only, against a real syslog server over TLS on loopback (a self-signed certificate whose CA the
 * admin pastes):
 *   tenant admin  "Audit streaming" in the sidebar: the empty state; add a destination (syslog over
 *                 TLS, in words), the CA pasted; "Send test event" → delivered; the status says how
 *                 many events wait and when the last was delivered; the receiver goes down → the
 *                 last error in words; back up → nothing waiting; pause and remove.
 * walkPage on every screen: axe-core, no sideways scroll, no ids on screen. Screenshots:
 * artifacts/screenshots/audit-streaming-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { SyslogTlsReceiver } from '../api/auditstream/receivers.ts';

let portal: Portal;
let syslog: SyslogTlsReceiver;

beforeAll(async () => {
  syslog = await new SyslogTlsReceiver().start();
  portal = await startPortal({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', NOTIFY_WORKER_INTERVAL_MS: '200', WEBHOOK_TIMEOUT_MS: '5000' });
}, 180_000);
afterAll(async () => {
  await portal?.close();
  await syslog?.stop();
});

/** Reloads until the destination's status line matches (the worker sends in the background). */
async function statusUntil(page: Page, re: RegExp): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.reload();
        const s = page.getByTestId('destination-status').first();
        await s.waitFor({ timeout: 10_000 });
        return s.innerText();
      },
      { timeout: 30_000, interval: 500 },
    )
    .toMatch(re);
}

describe('audit streaming', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;
    it(`a tenant admin adds a syslog destination and sees its status (${w} px)`, async () => {
      const tenant = await portal.t.world.tenant();
      const page = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(page, phone, 'nav-tenant', /Audit streaming/);
      await page.getByTestId('no-destinations').waitFor();
      await walkPage(page, `audit-streaming-empty-${w}`);

      await page.getByTestId('add-destination').click();
      await page.getByRole('radio', { name: /Syslog server over TLS/ }).check();
      await page.getByTestId('destination-name').fill('Security SIEM');
      await page.getByTestId('destination-address').fill(syslog.address);
      await page.getByTestId('destination-ca').fill(syslog.credentials.cert);
      await walkPage(page, `audit-streaming-add-${w}`);
      await page.getByTestId('save-destination').click();
      const card = page.getByTestId('destination');
      await card.waitFor();
      expect(await card.innerText()).toContain('Syslog server over TLS');

      const before = syslog.messages.length;
      await page.getByTestId('send-test-event').click();
      await page.getByText('Test event delivered.').waitFor();
      expect(syslog.messages.slice(before).some((m) => m.msgId === 'audit_stream.test')).toBe(true);
      await statusUntil(page, /Nothing waiting · last delivered/);
      await walkPage(page, `audit-streaming-delivered-${w}`);

      // the receiver goes away: the next change waits, and the page says why in words
      await syslog.stop();
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect
        .poll(
          async () => {
            await page.reload();
            await page.getByTestId('destination').waitFor();
            return (await page.getByTestId('destination-error').count()) > 0 ? page.getByTestId('destination-error').innerText() : '';
          },
          { timeout: 30_000, interval: 500 },
        )
        .toMatch(/connection refused/);
      expect(await page.getByTestId('destination-status').innerText()).toMatch(/\d+ events? waiting/);
      await walkPage(page, `audit-streaming-retrying-${w}`);
      await syslog.start();

      await page.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByTestId('no-destinations').waitFor();
      await page.close();
    }, 120_000);
  }
});
