/**
 * SAML single logout and our certificate's rotation, in Chromium at a laptop (1366 px) and a phone (390 px) width,
 * against the samlify test identity provider on loopback (its metadata names a SingleLogoutService).
 *   a person signed in by the provider   signs out in the portal → the provider's sign-out page (it verified our
 *                                         signed LogoutRequest) → back with its LogoutResponse → the portal's
 *                                         sign-in page; the session is over
 *   the partner's owner                  reads that sign-out is passed on and copies our single logout address;
 *                                         prepares a new certificate, switches to it, removes the old one — each
 *                                         shown by fingerprint and dates in words
 * No sideways scroll, and axe-core finds no serious or critical violation on our pages.
 * Screenshots: artifacts/screenshots/sso-saml-slo-*.png.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import type { Client } from '../helpers/http.ts';
import { CLASS_REF, startSamlIdp, type IdpUser, type SamlIdp } from '../helpers/saml-idp.ts';
import { idpLogout, sloPage } from '../helpers/saml-idp-logout.ts';

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

let portal: Portal;
let dns: TestDnsServer;
let idp: SamlIdp;
let domain: string;
let ownerUser: { email: string; password: string };
let connectionId: string;

beforeAll(async () => {
  dns = await startDnsServer();
  portal = await startPortal({ DNS_RESOLVER: dns.address, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { localhost: true });
  idp = await startSamlIdp({ users: [], name: 'Acme sign-in (test)' });
  const partner = await portal.t.world.partner();
  ownerUser = partner.owner;
  const owner: Client = await partner.owner.login();
  domain = `slo-${randomBytes(4).toString('hex')}.com`;
  const added = await owner.post(`/api/v1/partners/${partner.id}/domains`, { domain });
  dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
  expect((await owner.post(`/api/v1/partners/${partner.id}/domains/${added.body.id}/check`)).body.status).toBe('verified');
  const saved = await owner.put(`/api/v1/partners/${partner.id}/sso`, {
    kind: 'saml',
    name: 'Acme sign-in',
    enabled: true,
    saml: { idp_metadata_xml: idp.metadataXml, clock_skew_seconds: 60 },
    default_role: 'partner_msp_support',
    role_mappings: [],
    trust_upstream_mfa: true,
    require_sso: false,
    break_glass_user_id: null,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  connectionId = saved.body.connection.id;
}, 180_000);
afterAll(async () => {
  await idp?.close();
  await portal?.close();
  await dns?.close();
});

async function check(page: Page, name: string, idle = true): Promise<void> {
  // the sign-in page reached through the provider's redirects did not reach network idle within 15 s: skipped there
  if (idle) await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `sso-saml-slo-${name}`);
}

describe('SAML single logout and certificate rotation in the browser', () => {
  for (const size of WIDTHS) {
    const tag = size.width > 600 ? 'laptop' : 'phone';

    it(`${tag}: signing out in the portal signs the person out at the provider too, and back to the sign-in page`, async () => {
      const who: IdpUser = { nameId: `ada${size.width}@${domain}`, email: `ada${size.width}@${domain}`, name: `Ada ${tag}`, groups: [], authnContextClassRef: CLASS_REF.mfa };
      idp.users.splice(0, idp.users.length, who);
      idp.next = { variant: 'good', encrypt: false };
      // the provider takes our metadata as it is now (the rotation journey changes our certificate)
      const metadata = (await portal.t.app.inject({ method: 'GET', url: `/sso/saml/${connectionId}/metadata` })).body;
      idp.trust(metadata);
      idp.onSlo = sloPage(idpLogout(idp, metadata));
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await page.goto(`/sso/start?email=${encodeURIComponent(who.email!)}`);
      await page.getByRole('button', { name: `Sign in as ${who.name}` }).click();
      await page.waitForURL((u) => u.origin === new URL(portal.url).origin && !u.pathname.startsWith('/sso/'));
      await page.getByTestId('user-menu').click();
      await page.getByTestId('log-out').click();
      await page.getByRole('heading', { name: 'You are signed out of the test identity provider' }).waitFor();
      await page.getByRole('link', { name: 'Back to the application' }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/login'));
      const after = await page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).status);
      expect(after).toBe(401);
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await check(page, `${tag}-signed-out`, false);
    });

    it(`${tag}: the owner reads that sign-out is passed on, and rotates our certificate by clicking`, async () => {
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, ownerUser.email, ownerUser.password);
      await page.goto('/partner/single-sign-on');
      const slo = page.getByTestId('sso-saml-slo');
      await slo.getByText(/^Signing out is passed on/).waitFor();
      await slo.getByTestId('sso-saml-slo-binding').getByText('Our sign-out messages reach your provider by redirect.').waitFor();
      await slo.getByText(/\/sso\/saml\/[^/]+\/slo$/).first().waitFor();
      const cert = page.getByTestId('sso-saml-certificate');
      const current = (await cert.getByTestId('sso-cert-current').textContent())!.trim();
      expect(current).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
      await cert.getByTestId('sso-cert-prepare').click();
      await page.getByText('A new certificate is ready. Give your provider the new metadata.').waitFor();
      const next = (await cert.getByTestId('sso-cert-next-fingerprint').textContent())!.trim();
      expect(next).not.toBe(current);
      await check(page, `${tag}-prepared`);
      await cert.getByTestId('sso-cert-switch').click();
      await page.getByText('We now use the new certificate.').waitFor();
      await cert.getByTestId('sso-cert-previous').waitFor();
      expect((await cert.getByTestId('sso-cert-current').textContent())!.trim()).toBe(next);
      expect((await cert.getByTestId('sso-cert-previous-fingerprint').textContent())!.trim()).toBe(current);
      await check(page, `${tag}-switched`);
      await cert.getByTestId('sso-cert-remove').click();
      await page.getByText('The old certificate is removed.').waitFor();
      await cert.getByTestId('sso-cert-previous').waitFor({ state: 'detached' }); // the page refetches after the notice shows
    });
  }
});
