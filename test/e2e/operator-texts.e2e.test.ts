/**
 * The operator's words on the sign-in and consent pages, by clicking, at 1366 and 390 px: the operator opens
 * "Sign-in page texts", writes the French product name, help address and terms link (a plain-http link is
 * refused in words first), saves; then a partner app's sign-in page asked for in French shows them, in French,
 * while the German page keeps the product's own name. Every portal screen is checked by walkPage (axe-core,
 * no id or code on screen, no sideways scroll). Screenshots: artifacts/screenshots/operator-texts-*.png.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestUser } from '../helpers/world.ts';
import { CALLBACK, oidcClient, partnerWithApp, pkce, type OAuthTestApp, type RegisteredApp } from '../api/oauth/oauth-helpers.ts';

let portal: Portal;
let oauth: OAuthTestApp;
let app: RegisteredApp;
let operator: TestUser;

beforeAll(async () => {
  portal = await startPortal({}, { localhost: true });
  const url = portal.url;
  oauth = { ...portal.t, url, issuer: `${url}/oauth`, audience: `${url}/resources`, config: portal.t.services.config, restart: async () => undefined };
  app = await partnerWithApp(oauth, { name: 'Northwind billing assistant', scopes: ['openid', 'orders.read'] });
  operator = await portal.t.world.operator();
}, 180_000);
afterAll(async () => {
  await portal?.close();
});

async function authorizationUrl(uiLocales: string): Promise<string> {
  const config = await oidcClient(oauth, app.clientId, app.secret);
  const p = await pkce();
  return String(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state, ui_locales: uiLocales }));
}

describe('the operator writes what the sign-in pages say, per language', () => {
  WIDTHS.forEach((size) => {
    const w = size.width;
    const phone = w === 390;
    it(`at ${w}px: French words written in the portal show on the French sign-in page`, { timeout: 180_000 }, async () => {
      const product = `Fibre Connect ${w}`;
      const page = await signedIn(portal, operator.email, operator.password, size);
      await clickSidebar(page, phone, 'nav-operator', /^Sign-in page texts/);
      const fr = page.getByTestId('texts-fr');
      await fr.waitFor();
      await walkPage(page, `operator-texts-${w}`);
      await fr.getByLabel('Product name').fill(product);
      await fr.getByLabel('Help address').fill('aide@fibre.example');
      await fr.getByLabel('Terms of service (https address)').fill('http://fibre.example/conditions');
      await fr.getByRole('button', { name: 'Save Français' }).click();
      await fr.getByText('Enter an address that starts with https://').waitFor();
      await fr.getByLabel('Terms of service (https address)').fill('https://fibre.example/conditions');
      await fr.getByRole('button', { name: 'Save Français' }).click();
      await page.getByText('Saved. The Français pages show these words from now on.').waitFor();
      await fr.getByText(/^Last changed /).waitFor();
      await walkPage(page, `operator-texts-saved-${w}`);

      // the French sign-in page of a partner app, as a person of a customer sees it
      const visitor = await portal.newPage();
      await visitor.setViewportSize(size);
      await visitor.goto(await authorizationUrl('fr'));
      await visitor.getByRole('heading', { name: 'Connectez-vous pour connecter Northwind billing assistant' }).waitFor();
      const body = await visitor.locator('main').innerText();
      expect(body).toContain(`Connectez-vous avec votre compte ${product}`);
      expect(body).toContain('Aide : aide@fibre.example');
      expect(await visitor.getByRole('link', { name: 'Conditions' }).getAttribute('href')).toBe('https://fibre.example/conditions');
      await screenshot(visitor, `operator-texts-sign-in-fr-${w}`);
      // German has no words of its own: English's none either, so the product's own name
      await visitor.goto(await authorizationUrl('de'));
      await visitor.getByRole('heading', { name: 'Anmelden, um Northwind billing assistant zu verbinden' }).waitFor();
      expect(await visitor.locator('main').innerText()).toContain('Partnergate-Konto');
      await screenshot(visitor, `operator-texts-sign-in-de-${w}`);
      await visitor.close();
      await page.close();
    });
  });
});
