/**
 * Single sign-on by OpenID Connect in Chromium, at a laptop (1366 px) and a phone (390 px) width. The
 * company's identity provider is a second oidc-provider on loopback (test/helpers/oidc-upstream.ts) with
 * its own login form; the partner proved its domain against a real DNS server on loopback.
 *   partner owner        Single sign-on page: the verified domain, the provider form in words, a group
 *                        row (Billing → Billing), Save; whether signing out is passed on; "Test sign-in" opens the provider in a new window,
 *                        signs in there and shows what the provider said and the role it would give
 *   a person of the      the sign-in page: their e-mail, "Sign in with your company" → the provider's
 *   domain               login form → back in the portal as a new person with the Billing role
 * No sideways scroll, and axe-core finds no serious or critical violation on our pages.
 * Screenshots: artifacts/screenshots/sso-oidc-*.png.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../helpers/oidc-upstream.ts';

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

let portal: Portal;
let dns: TestDnsServer;
let idp: UpstreamIdp;

beforeAll(async () => {
  dns = await startDnsServer();
  idp = await startUpstreamIdp();
  // at localhost with PUBLIC_URL saying so: the sign-in return address we give the provider is where the browser comes back
  // the test's identity provider runs on loopback: private targets allowed, as on a test bench
  portal = await startPortal({ DNS_RESOLVER: dns.address, DOMAIN_RECHECK_INTERVAL_MS: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { localhost: true });
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
  await screenshot(page, `sso-oidc-${name}`);
}

describe('OpenID Connect single sign-on in the browser', () => {
  for (const size of WIDTHS) {
    const tag = size.width > 600 ? 'laptop' : 'phone';

    it(`${tag}: the owner connects the company sign-in and tests it; a person of the domain signs in with it and lands with the mapped role`, async () => {
      const partner = await portal.t.world.partner();
      const owner = await partner.owner.login();
      const domain = `contoso-${randomBytes(4).toString('hex')}.com`;
      const added = await owner.post(`/api/v1/partners/${partner.id}/domains`, { domain });
      dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
      expect((await owner.post(`/api/v1/partners/${partner.id}/domains/${added.body.id}/check`)).body.status).toBe('verified');
      const clientId = `partnergate-${tag}-${randomBytes(3).toString('hex')}`;
      const secret = `secret-${randomBytes(12).toString('hex')}`;
      idp.setClient({ client_id: clientId, client_secret: secret, redirect_uris: [`${portal.url}/sso/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' });
      const ada = { sub: `contoso|ada-${tag}`, email: `ada.${tag}@${domain}`, name: `Ada ${tag === 'laptop' ? 'Laptop' : 'Phone'}`, password: `pw-${randomBytes(4).toString('hex')}`, groups: ['Billing'], amr: ['pwd', 'otp', 'mfa'] };
      idp.setPerson(ada);

      // the owner sets the connection up in the portal
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, partner.owner.email, partner.owner.password);
      await page.goto('/partner/single-sign-on');
      await page.getByRole('heading', { name: 'Single sign-on', exact: true }).waitFor();
      await page.getByTestId('sso-domains').getByText(domain).waitFor();
      await check(page, `${tag}-empty`);
      await page.getByLabel('Name', { exact: true }).fill('Contoso sign-in');
      await page.getByLabel("Your provider's address").fill(idp.issuer);
      await page.getByLabel('Application (client) ID').fill(clientId);
      await page.getByLabel('Client secret').fill(secret);
      await page.getByTestId('sso-add-group').click();
      await page.getByLabel('Group 1 at your provider').fill('Billing');
      await page.getByLabel('gives the role').first().click();
      await page.getByRole('option', { name: 'Billing' }).click();
      await page.getByTestId('sso-save').click();
      await page.getByTestId('sso-status').getByText('Contoso sign-in').waitFor();
      await expect.poll(async () => (await page.getByLabel('Client secret').inputValue()) === '', { timeout: 10_000 }).toBe(true);
      // single logout: the sign-out address to give the provider, with its copy button, and where the provider sends people back
      await expect.poll(async () => (await page.getByTestId('sso-logout-url').textContent()) ?? '', { timeout: 10_000 }).toMatch(/\/sso\/oidc\/[^/]+\/backchannel-logout$/);
      await page.getByRole('button', { name: 'Copy the sign-out address to give your provider', exact: true }).waitFor();
      expect(await page.getByTestId('sso-signed-out-url').textContent()).toMatch(/\/sso\/signed-out$/);
      // the provider's discovery names a sign-out page: the page says signing out here is passed on
      expect(await page.getByTestId('sso-sign-out-here').textContent()).toContain('Signing out of Partnergate also signs the person out at your provider');
      expect(await page.getByTestId('sso-sign-out-there').textContent()).toContain('Your provider can sign people out of Partnergate');
      await check(page, `${tag}-configured`);

      // "Test sign-in": the provider in a new window, then what it said
      const popupP = page.context().waitForEvent('page');
      await page.getByTestId('sso-test').click();
      const popup = await popupP;
      await popup.setViewportSize(size);
      await popup.getByRole('heading', { name: 'Contoso sign-in' }).waitFor();
      await popup.getByLabel('Work e-mail').fill(ada.email);
      await popup.getByLabel('Password').fill(ada.password);
      await popup.getByRole('button', { name: 'Sign in to Contoso' }).click();
      await popup.getByRole('heading', { name: 'Test sign-in: what your provider said' }).waitFor();
      expect(await popup.getByText(ada.email).count()).toBeGreaterThan(0);
      expect(await popup.getByText('would be added to your organization').count()).toBe(1);
      await check(popup, `${tag}-test-result`);
      await popup.close();
      expect(await portal.t.services.identity.findUserByEmail(ada.email)).toBeUndefined();

      // Ada signs in from the portal's sign-in page with her company account
      const adaPage = await portal.newPage();
      await adaPage.setViewportSize(size);
      await adaPage.goto('/login');
      await adaPage.getByLabel('Email').fill(ada.email);
      await check(adaPage, `${tag}-login`);
      await adaPage.getByRole('button', { name: 'Sign in with your company' }).click();
      await adaPage.getByRole('heading', { name: 'Contoso sign-in' }).waitFor();
      await screenshot(adaPage, `sso-oidc-${tag}-provider`);
      await adaPage.getByLabel('Work e-mail').fill(ada.email);
      await adaPage.getByLabel('Password').fill(ada.password);
      await adaPage.getByRole('button', { name: 'Sign in to Contoso' }).click();
      await adaPage.waitForURL((u) => u.origin === new URL(portal.url).origin && !u.pathname.startsWith('/sso/') && u.pathname !== '/login', { timeout: 30_000 });
      const me = (await adaPage.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).json())) as { user: unknown; partner: unknown; has_password: boolean };
      expect(me.user).toMatchObject({ email: ada.email, name: ada.name });
      expect(me.partner).toMatchObject({ partner_id: partner.id, member_role: 'partner_msp_billing' });
      expect(me.has_password).toBe(false);
      await check(adaPage, `${tag}-landed`);
      // her account page offers no password to change: she has none here
      await adaPage.goto('/account');
      await adaPage.getByTestId('no-password').getByText(/single sign-on/).waitFor();
      expect(await adaPage.getByRole('button', { name: 'Change password' }).count()).toBe(0);
      await check(adaPage, `${tag}-account`);
    });
  }
});
