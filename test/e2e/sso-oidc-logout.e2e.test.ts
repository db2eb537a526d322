/**
 * Single logout from the company's identity provider in Chromium, at a laptop (1366 px) and a phone (390 px)
 * width: a person of the partner's verified domain signs in to the portal through the provider (the second
 * oidc-provider on loopback, test/helpers/oidc-upstream.ts), and again in a second browser of their own. In the
 * first browser they then sign out AT the provider (its own sign-out page, "Yes, sign me out"); the provider
 * sends the back-channel logout token to the connection's address, and the first browser's portal tab, on its
 * next navigation, is at the sign-in page. The second browser, signed in through another provider session,
 * stays signed in. axe-core finds no serious or critical violation on our pages; no sideways scroll.
 * Screenshots: artifacts/screenshots/sso-oidc-logout-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startUpstreamIdp, type UpstreamIdp, type UpstreamPerson } from '../helpers/oidc-upstream.ts';
import { OidcBench } from '../helpers/oidc-bench.ts';

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

let portal: Portal;
let dns: TestDnsServer;
let idp: UpstreamIdp;
let bench: OidcBench;

beforeAll(async () => {
  dns = await startDnsServer();
  idp = await startUpstreamIdp();
  // the provider runs on loopback: private targets allowed, as on a test bench
  portal = await startPortal({ DNS_RESOLVER: dns.address, DOMAIN_RECHECK_INTERVAL_MS: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { localhost: true });
  bench = new OidcBench({ t: portal.t, dns, idp, base: portal.url });
}, 180_000);
afterAll(async () => {
  await portal?.close();
  await idp?.close();
  await dns?.close();
});

async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `sso-oidc-logout-${name}`);
}

const origin = () => new URL(portal.url).origin;
/** /api/v1/me's status in this page (its body read, so the request finishes): 200 signed in, 401 not */
const signedIn = async (page: Page) =>
  page.evaluate(async () => {
    const r = await fetch('/api/v1/me', { credentials: 'same-origin' });
    await r.text();
    return r.status;
  });

/** From the portal's sign-in page, through the provider's login form, back into the portal. */
async function signInWithCompany(page: Page, p: UpstreamPerson, name: string, shoot: boolean): Promise<string> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(p.email);
  if (shoot) await check(page, `${name}-login`);
  await page.getByRole('button', { name: 'Sign in with your company' }).click();
  await page.getByRole('heading', { name: 'Contoso sign-in' }).waitFor();
  await page.getByLabel('Work e-mail').fill(p.email);
  await page.getByLabel('Password').fill(p.password);
  await page.getByRole('button', { name: 'Sign in to Contoso' }).click();
  await page.waitForURL((u) => u.origin === origin() && !u.pathname.startsWith('/sso/') && u.pathname !== '/login', { timeout: 30_000 });
  return new URL(page.url()).pathname;
}

describe('signing out at the identity provider ends the portal session (back-channel logout)', () => {
  for (const size of WIDTHS) {
    const tag = size.width > 600 ? 'laptop' : 'phone';

    it(`${tag}: signed out at the provider, the portal tab is at the sign-in page on its next navigation; the person's other browser stays signed in`, async () => {
      const o = await bench.organization('partner');
      const c = await bench.connect(o, {}, { singleLogout: true });
      const p = bench.person(o.domain, { groups: ['Billing'], name: `Lin ${tag === 'laptop' ? 'Laptop' : 'Phone'}` });

      const first = await portal.newPage();
      await first.setViewportSize(size);
      const landing = await signInWithCompany(first, p, tag, true);
      expect(await signedIn(first)).toBe(200);
      await check(first, `${tag}-signed-in`);

      // the same person in a second browser of their own: another provider session
      const second = await portal.newPage();
      await second.setViewportSize(size);
      await signInWithCompany(second, p, `${tag}-second`, false);
      expect(await signedIn(second)).toBe(200);

      // in the first browser, sign out at the provider: its own sign-out page, then "Yes, sign me out"
      const sent = idp.backchannel.length;
      await first.goto(`${idp.issuer}/session/end`);
      await first.getByRole('button', { name: /yes, sign me out/i }).waitFor();
      await screenshot(first, `sso-oidc-logout-${tag}-provider-sign-out`);
      await first.getByRole('button', { name: /yes, sign me out/i }).click();
      await first.getByText('Your sign-out was successful.').waitFor();
      await expect.poll(() => idp.backchannel.slice(sent), { timeout: 15_000 }).toEqual([{ clientId: c.client.client_id, ok: true }]);
      await screenshot(first, `sso-oidc-logout-${tag}-provider-signed-out`);

      // back to the portal tab's page: the session has ended, so the next navigation is at the sign-in page
      await first.goto(landing);
      await first.waitForURL((u) => u.origin === origin() && u.pathname === '/login', { timeout: 15_000 });
      await first.getByLabel('Email').waitFor();
      expect(await signedIn(first)).toBe(401);
      await check(first, `${tag}-back-at-sign-in`);

      // the second browser stays signed in
      await second.reload();
      await second.waitForLoadState('networkidle');
      expect(new URL(second.url()).pathname).not.toBe('/login');
      expect(await signedIn(second)).toBe(200);
      await check(second, `${tag}-other-browser`);
    });
  }
});
