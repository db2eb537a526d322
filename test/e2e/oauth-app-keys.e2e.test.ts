/**
 * A key-based app's "Keys and signed requests" section in the browser, at 1366 and 390 px with axe:
 * the keys in use by id and algorithm; a pasted private key is refused in a sentence before it is
 * sent; the owner switches to the address the app publishes its keys at and requires signed
 * requests; the app then shows where its keys are read from and the switch stays on.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, toggleSwitch, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal();
});
afterAll(() => portal?.close());

describe("an app's keys and signed requests", () => {
  for (const size of WIDTHS) {
    it(`at ${size.width} px: keys by id and algorithm, a private key refused, an address and the switch saved`, { timeout: 180_000 }, async () => {
      const phone = size.width < 600;
      const partner = await portal.t.world.partner({ capabilities: ['delegated'] });
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'fabrikam-1', use: 'sig', alg: 'ES256' };
      const api = await partner.owner.login();
      const created = await api.post<any>(`/api/v1/partners/${partner.id}/apps`, { name: 'Fabrikam Signed Client', grant_types: ['authorization_code'], redirect_uris: ['https://fabrikam-signed.example/callback'], scopes: ['openid', 'orders.read'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const appId = created.body.app.id;

      const page = await signedIn(portal, partner.owner.email, partner.owner.password, size);
      await clickSidebar(page, phone, 'nav-partner', /OAuth apps/);
      await page.getByText('Fabrikam Signed Client').first().waitFor();
      await page.getByRole('button', { name: /Actions for Fabrikam Signed Client/ }).first().click();
      await page.getByRole('menuitem', { name: 'Keys and signed requests' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('Key fabrikam-1, signs with ES256').waitFor();
      expect(await dialog.getByRole('switch', { name: 'Require signed requests' }).isChecked()).toBe(false);
      await walkPage(page, `app-keys-${size.width}`);

      // a private key never leaves the browser: refused in words, Save stays off
      const secretHalf = { ...privateKey.export({ format: 'jwk' }), kid: 'fabrikam-1' };
      await dialog.getByLabel('Public keys', { exact: true }).fill(JSON.stringify({ keys: [secretHalf] }));
      await dialog.getByText('This is a private key. Keep it with the app and paste only its public half.').waitFor();
      expect(await dialog.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await walkPage(page, `app-keys-private-refused-${size.width}`);

      await dialog.getByRole('radio', { name: 'The app publishes them at an address' }).check();
      await dialog.getByLabel('Key set address', { exact: true }).fill('https://fabrikam-signed.example/.well-known/jwks.json');
      await toggleSwitch(dialog.getByRole('switch', { name: 'Require signed requests' }), true);
      await dialog.getByText(/A request that is not signed is refused/).waitFor();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

      const saved = await api.get<any>(`/api/v1/partners/${partner.id}/apps/${appId}`);
      expect(saved.body).toMatchObject({ jwks: null, jwks_uri: 'https://fabrikam-signed.example/.well-known/jwks.json', require_signed_request_object: true });

      await page.getByRole('button', { name: /Actions for Fabrikam Signed Client/ }).first().click();
      await page.getByRole('menuitem', { name: 'Keys and signed requests' }).click();
      await page.getByRole('dialog').getByTestId('app-key-address').waitFor();
      expect(await page.getByRole('dialog').getByRole('switch', { name: 'Require signed requests' }).isChecked()).toBe(true);
      await walkPage(page, `app-keys-address-${size.width}`);
      await page.close();
    });
  }
});
