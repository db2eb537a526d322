/**
 * Signing in with a company's SAML identity provider, in Chromium at a laptop (1366 px) and a phone
 * (390 px) width. The provider is the samlify test IdP on loopback (test/helpers/saml-idp.ts); the
 * partner proved its domain against a real DNS server on loopback and connected the provider with a
 * group → role mapping (set up through the API: the settings page has its own journey).
 * The provider accepts only AuthnRequests signed with the connection's key, as its metadata asks.
 *   a person of the domain   portal sign-in page → their address routes to the company sign-in (the
 *                            discover answer's start_url) → the provider's login page → back in the
 *                            portal as a new person, with the role their group maps to (on the
 *                            phone the assertion comes encrypted)
 *   a tampered answer        the refusal page, in words
 *   the partner's owner      the settings page: the provider's metadata by its address (when it was read, its
 *                            signing certificate by fingerprint, "Check now") and the switch for sign-in
 *                            started at the provider, saved and read back
 * No sideways scroll, and axe-core finds no serious or critical violation on our pages.
 * Screenshots: artifacts/screenshots/sso-saml-*.png.
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

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

let portal: Portal;
let dns: TestDnsServer;
let idp: SamlIdp;
let domain: string;
let partnerId: string;
let ownerUser: { email: string; password: string };

beforeAll(async () => {
  dns = await startDnsServer();
  // at localhost with PUBLIC_URL saying so: the ACS address in our metadata is where the provider's form posts
  // the test's identity provider publishes its metadata on loopback: private targets allowed, as on a test bench
  portal = await startPortal({ DNS_RESOLVER: dns.address, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { localhost: true });
  idp = await startSamlIdp({ users: [], name: 'Acme sign-in (test)', wantAuthnRequestsSigned: true });
  const partner = await portal.t.world.partner();
  partnerId = partner.id;
  ownerUser = partner.owner;
  const owner: Client = await partner.owner.login();
  domain = `acme-${randomBytes(4).toString('hex')}.com`;
  const added = await owner.post(`/api/v1/partners/${partner.id}/domains`, { domain });
  dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
  expect((await owner.post(`/api/v1/partners/${partner.id}/domains/${added.body.id}/check`)).body.status).toBe('verified');
  const saved = await owner.put(`/api/v1/partners/${partner.id}/sso`, {
    kind: 'saml',
    name: 'Acme sign-in',
    enabled: true,
    saml: { idp_metadata_xml: idp.metadataXml, clock_skew_seconds: 60 },
    default_role: 'partner_msp_support',
    role_mappings: [{ group: 'Partner Admins', role: 'partner_msp_full' }],
    trust_upstream_mfa: true,
    require_sso: false,
    break_glass_user_id: null,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const metadata = await portal.t.app.inject({ method: 'GET', url: `/sso/saml/${saved.body.connection.id}/metadata` });
  idp.trust(metadata.body);
}, 180_000);
afterAll(async () => {
  await idp?.close();
  await portal?.close();
  await dns?.close();
});

async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `sso-saml-${name}`);
}

const person = (local: string, name: string, groups: string[]): IdpUser => ({ nameId: `${local}@${domain}`, email: `${local}@${domain}`, name, groups, authnContextClassRef: CLASS_REF.mfa });

/**
 * From the portal's sign-in page to the provider's login page, by the person's e-mail address: what the
 * sign-in page does with it (POST /api/v1/auth/sso/discover → the address routes to a company sign-in → start_url).
 */
async function toProvider(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  const routed = await page.evaluate(async (address) => {
    const r = await fetch('/api/v1/auth/sso/discover', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: address }) });
    return (await r.json()) as { routed: boolean; start_url: string | null };
  }, email);
  expect(routed).toMatchObject({ routed: true, start_url: expect.stringContaining('/sso/start?email=') });
  await page.goto(routed.start_url!);
  await page.getByRole('heading', { name: 'Acme sign-in (test)' }).waitFor();
}

describe('SAML single sign-on in the browser', () => {
  for (const size of WIDTHS) {
    const tag = size.width > 600 ? 'laptop' : 'phone';

    it(`${tag}: a person of the verified domain signs in through the provider and lands in the portal with the mapped role`, async () => {
      const local = `ada${size.width}`;
      const who = person(local, `Ada ${tag === 'laptop' ? 'Laptop' : 'Phone'}`, ['Partner Admins']);
      idp.users.splice(0, idp.users.length, who);
      // on the phone the provider also encrypts the assertion to the connection's certificate
      idp.next = { variant: 'good', encrypt: tag === 'phone' };
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await toProvider(page, who.email!);
      await screenshot(page, `sso-saml-${tag}-provider`);
      await page.getByRole('button', { name: `Sign in as ${who.name}` }).click();
      await page.waitForURL((u) => u.origin === new URL(portal.url).origin && !u.pathname.startsWith('/sso/'));
      const me = (await page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).json())) as { user: unknown; partner: unknown };
      expect(me.user).toMatchObject({ email: who.email, name: who.name });
      expect(me.partner).toMatchObject({ partner_id: partnerId, member_role: 'partner_msp_full' });
      await check(page, `${tag}-landed`);
    });

    it(`${tag}: a tampered answer shows the refusal in words`, async () => {
      const who = person(`mallory-target${size.width}`, 'Grace Target', []);
      idp.users.splice(0, idp.users.length, who);
      idp.next = { variant: 'tampered', encrypt: false };
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await toProvider(page, who.email!);
      await page.getByRole('button', { name: `Sign in as ${who.name}` }).click();
      await page.getByRole('heading', { name: 'We could not verify your company sign-in' }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/sso\/saml\/[^/]+\/acs$/);
      await check(page, `${tag}-refused`);
    });
  }

  for (const size of WIDTHS) {
    const tag = size.width > 600 ? 'laptop' : 'phone';
    it(`${tag}: the owner reads when the provider's metadata was read, checks it now, and sets sign-in started at the provider`, async () => {
      // on the laptop the switch goes on, on the phone back off: either way the saved setting is what the page shows after a reload
      const wanted = tag === 'laptop';
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, ownerUser.email, ownerUser.password);
      await page.goto('/partner/single-sign-on');
      await page.getByTestId('sso-status').getByText('Acme sign-in').waitFor();
      await page.getByLabel("Your provider's metadata address").fill(idp.metadataUrl);
      const toggle = page.getByRole('switch', { name: 'Allow sign-in started at your identity provider' });
      if ((await toggle.isChecked()) !== wanted) await toggle.click({ force: true });
      await page.getByTestId('sso-save').click();
      const status = page.getByTestId('sso-metadata-status');
      await status.getByText(/Last read from its address on/).waitFor();
      await status.getByText(/Your provider signs with this certificate/).waitFor();
      await status.getByText(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/).waitFor();
      await page.getByTestId('sso-metadata-check').click();
      await page.getByText('Your provider’s metadata was checked.').waitFor();
      expect(await page.getByTestId('sso-metadata-failed').count()).toBe(0);
      await check(page, `${tag}-settings`);
      await page.reload();
      await page.getByTestId('sso-metadata-status').waitFor();
      expect(await page.getByRole('switch', { name: 'Allow sign-in started at your identity provider' }).isChecked()).toBe(wanted);
    });
  }
});
