/**
 * Purpose-bound consent, by clicking, at 1366 and 390 px: a partner app asks for billing management
 * and ordering on the customer's behalf; the customer's admin signs in on the consent screen and
 * sees every purpose of the catalog with its description, the two asked for ticked, and approves;
 * the access token the app gets carries the two purposes. Then, under "Partners with access", the
 * admin revokes one purpose (confirming it in plain words) and the other stays. Every screen is
 * checked by walkPage, and so is the operator's purpose catalog with the purpose each route requires (axe-core serious/critical, no id or permission code shown, no sideways scroll).
 * Screenshots: artifacts/screenshots/purposes-*.png.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestTenant, TestUser } from '../helpers/world.ts';
import { CALLBACK, decodeJwt, oidcClient, partnerWithApp, pkce, type OAuthTestApp, type RegisteredApp } from '../api/oauth/oauth-helpers.ts';

let portal: Portal;
let oauth: OAuthTestApp;
let app: RegisteredApp;
let operator: TestUser;
const tenants: TestTenant[] = [];

beforeAll(async () => {
  portal = await startPortal({}, { localhost: true });
  const url = portal.url;
  oauth = { ...portal.t, url, issuer: `${url}/oauth`, audience: `${url}/resources`, config: portal.t.services.config, restart: async () => undefined };
  app = await partnerWithApp(oauth, { name: 'Northwind billing assistant', scopes: ['openid', 'orders.read'] });
  operator = await portal.t.world.operator();
  for (const _ of WIDTHS) tenants.push(await portal.t.world.tenant());
}, 180_000);
afterAll(async () => {
  await portal?.close();
});

describe('purposes the customer grants and takes back one by one', () => {
  WIDTHS.forEach((size, i) => {
    const w = size.width;
    const phone = w === 390;
    it(`at ${w}px: the consent screen shows purposes; the customer revokes one under Partners with access`, { timeout: 180_000 }, async () => {
      const tenant = tenants[i] as TestTenant;
      const config = await oidcClient(oauth, app.clientId, app.secret);
      const p = await pkce();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', purpose: 'billing_management ordering_on_behalf', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });

      const page = await portal.newPage();
      await page.setViewportSize(size);
      let callback: string | null = null;
      await page.route(`${CALLBACK}**`, async (route) => {
        callback = route.request().url();
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Back in the app</title><main>Back in the app</main></html>' });
      });
      await page.goto(String(url));
      await page.getByLabel('Email').fill(tenant.admin.email);
      await page.getByLabel('Password').fill(tenant.admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      const purposes = page.getByTestId('purposes');
      await purposes.waitFor();
      expect(await purposes.getByRole('checkbox', { name: 'Billing management' }).isChecked()).toBe(true);
      expect(await purposes.getByRole('checkbox', { name: 'Ordering on your behalf' }).isChecked()).toBe(true);
      expect(await purposes.getByRole('checkbox', { name: 'Customer support' }).isChecked()).toBe(false);
      await purposes.getByText('Place, change and cancel orders for services in your name.').waitFor();
      await walkPage(page, `purposes-consent-${w}`);
      await page.getByRole('button', { name: 'Approve' }).click();
      await expect.poll(() => callback, { timeout: 30_000 }).not.toBeNull();
      await page.close();

      // the token the app gets names the purposes the customer granted
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callback!), { pkceCodeVerifier: p.verifier, expectedState: p.state });
      expect(decodeJwt(tokens.access_token).payload.purpose).toEqual(['billing_management', 'ordering_on_behalf']);

      const admin = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(admin, phone, 'nav-tenant', /Partners with access/);
      const cell = admin.getByTestId('purposes').first();
      await cell.getByText('Ordering on your behalf').waitFor();
      await walkPage(admin, `purposes-partners-with-access-${w}`);
      await cell.getByRole('button', { name: `Revoke Ordering on your behalf for ${app.partner.name}` }).click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByText(`${app.partner.name} will no longer be able to act on your data for Ordering on your behalf, from its very next request. It keeps access for Billing management.`).waitFor();
      await walkPage(admin, `purposes-revoke-confirm-${w}`);
      await dialog.getByRole('button', { name: 'Revoke Ordering on your behalf' }).click();
      await dialog.waitFor({ state: 'detached' });
      await cell.getByText('Ordering on your behalf').waitFor({ state: 'detached' });
      await cell.getByText('Billing management').waitFor();
      await walkPage(admin, `purposes-revoked-${w}`);
      await admin.close();

      const list = await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/delegations?status=active`);
      expect(list.body.data.map((d: { purposes: string[] | null }) => d.purposes)).toEqual([['billing_management']]);

      // the operator's catalog, and the purpose each gateway route requires
      const op = await signedIn(portal, operator.email, operator.password, size);
      await clickSidebar(op, phone, 'nav-operator', /^Purposes$/);
      await op.getByTestId('purpose-catalog').getByText('Fraud prevention').first().waitFor();
      await op.getByTestId('route-purposes').getByLabel('Purpose required by GET /resources/v1/invoices').first().waitFor();
      await walkPage(op, `purposes-operator-${w}`);
      await op.close();
    });
  });
});
