/**
 * Sign-in domains in the portal, at a laptop (1366 px) and a phone (390 px) width, against a real
 * DNS server on loopback (DNS_RESOLVER), by clicking only:
 *   partner owner  "Sign-in domains" in the sidebar: the empty state; add a domain; the TXT record's
 *                  name and value to copy; Check before publishing → "Check failed" and why; publish
 *                  the record; Check → Verified
 *   operator       "Sign-in domains": the partner's domain, by the partner's name, verified
 * No sideways scroll, and axe-core finds no serious or critical violation on any step.
 * Screenshots: artifacts/screenshots/domains-*.png.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';


const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

let portal: Portal;
let dns: TestDnsServer;

beforeAll(async () => {
  dns = await startDnsServer();
  portal = await startPortal({ DNS_RESOLVER: dns.address });
}, 180_000);
afterAll(async () => {
  await portal?.close();
  await dns?.close();
});

/** Accessibility, sideways scroll and a screenshot of what the page shows now. */
async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `domains-${name}`);
}

/** On a phone, opens the menu until the section's links show (a tap while the page is still rendering can be lost). */
async function openMenu(page: Page, phone: boolean, section: 'partner' | 'operator'): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  const nav = page.getByTestId(`nav-${section}`);
  // on screen, not only visible: a menu closing with a late redirect is still "visible" while it slides away
  const onScreen = () =>
    nav.evaluate((el) => {
      const r = (el as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
      return r.right > 0 && r.left >= 0 && r.left < (globalThis as unknown as { innerWidth: number }).innerWidth;
    });
  await burger.waitFor();
  await expect
    .poll(
      async () => {
        if ((await nav.count()) > 0 && (await nav.isVisible()) && (await onScreen())) return true;
        if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
        return false;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

async function signedIn(email: string, password: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  await login(page, email, password);
  return page;
}

describe('sign-in domains', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`the partner owner at ${w}px proves a domain with a TXT record; the operator sees it verified`, { timeout: 180_000 }, async () => {
      const partner = await portal.t.world.partner();
      const domain = `northwind-${randomBytes(3).toString('hex')}.com`;
      const page = await signedIn(partner.owner.email, partner.owner.password, size);
      await openMenu(page, phone, 'partner');
      await page.getByTestId('nav-partner').getByRole('link', { name: 'Sign-in domains' }).click();
      await page.getByRole('heading', { name: 'Sign-in domains' }).waitFor();
      await page.getByTestId('domains-empty').waitFor();
      expect(await page.getByTestId('domains-empty').innerText()).toContain('No domains yet');
      await check(page, `partner-empty-${w}`);

      // typed in capitals: stored and shown in lower case
      await page.getByLabel('Domain').fill(domain.toUpperCase());
      await page.getByTestId('add-domain').click();
      const card = page.getByTestId('domain').filter({ hasText: domain });
      await card.waitFor();
      await expect.poll(() => card.getAttribute('data-domain')).toBe(domain);
      expect(await card.innerText()).toContain('Waiting for the DNS record');
      expect(await card.innerText()).toContain(`Prove you own ${domain}: add this TXT record at your DNS provider, then press Check.`);
      const name = (await card.getByTestId('record-name').innerText()).trim();
      const value = (await card.getByTestId('record-value').innerText()).trim();
      expect(name).toBe(`_partnergate.${domain}`);
      expect(value).toMatch(/^partnergate-verification=\S{20,}$/);
      await expect.poll(() => card.getByRole('button', { name: 'Copy the record value (txt)' }).count()).toBe(1);
      await check(page, `partner-added-${w}`);

      // pressed too early: the reason in words
      await card.getByTestId('check-domain').click();
      await card.getByTestId('check-result').waitFor();
      expect(await card.getByTestId('check-result').innerText()).toContain(`No TXT record was found at _partnergate.${domain}.`);
      expect(await card.innerText()).toContain('Check failed');
      await check(page, `partner-failed-${w}`);

      // published: verified
      dns.setTxt(name, [value]);
      await card.getByTestId('check-domain').click();
      await card.getByTestId('verified-note').waitFor();
      expect(await card.innerText()).toContain('Verified');
      expect(await card.getByTestId('record-value').count()).toBe(0);
      await check(page, `partner-verified-${w}`);
      await page.close();

      const operator = await portal.t.world.operator();
      const op = await signedIn(operator.email, operator.password, size);
      await openMenu(op, phone, 'operator');
      await op.getByTestId('nav-operator').getByRole('link', { name: 'Sign-in domains' }).click();
      const table = op.getByTestId('operator-domains');
      await table.getByText(domain).first().waitFor();
      const text = await table.innerText();
      expect(text).toContain(partner.name);
      expect(text).toContain('Verified');
      await check(op, `operator-${w}`);
      await op.close();
    });
  }
});
