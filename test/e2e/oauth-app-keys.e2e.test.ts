/**
 * A key-based app's "Keys and signed requests" section in the browser, at 1366 and 390 px with axe:
 * the keys in use by id and algorithm; a pasted private key is refused in a sentence before it is
 * sent; the owner switches to the address the app publishes its keys at and requires signed
 * requests; the app then shows what was read at that address (a real https server on this machine,
 * reachable because the server runs with WEBHOOK_ALLOW_PRIVATE_TARGETS): when, how many keys, each by
 * id and algorithm; an address that answers 503 is a failed read in words. The apps table says how
 * each app proves who it is in words, and its row actions stay inside the window.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate } from '../api/auditstream/receivers.ts';
import { startPortal, toggleSwitch, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';

let portal: Portal;
let server: Server;
let trusted: string[] = [];
/** what the key set server publishes at /jwks.json (anything else answers 503) */
let published: Record<string, unknown>[] = [];
beforeAll(async () => {
  const tlsCert = localhostCertificate();
  trusted = getCACertificates('default');
  setDefaultCACertificates([...trusted, tlsCert.cert]);
  server = createServer({ key: tlsCert.key, cert: tlsCert.cert }, (req, res) => {
    res.statusCode = req.url === '/jwks.json' ? 200 : 503;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  portal = await startPortal({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
});
afterAll(async () => {
  await portal?.close();
  setDefaultCACertificates(trusted);
  await new Promise((r) => server.close(r));
});

const keysAt = (path: string) => `https://localhost:${(server.address() as AddressInfo).port}${path}`;

async function openKeys(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Actions for Fabrikam Signed Client/ }).first().click();
  await page.getByRole('menuitem', { name: 'Keys and signed requests' }).click();
}

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
      const withSecret = await api.post<any>(`/api/v1/partners/${partner.id}/apps`, { name: 'Fabrikam Billing Sync', grant_types: ['authorization_code'], redirect_uris: ['https://fabrikam-billing.example/callback'], scopes: ['openid', 'orders.read'] });
      expect(withSecret.status, JSON.stringify(withSecret.body)).toBe(201);

      const page = await signedIn(portal, partner.owner.email, partner.owner.password, size);
      await clickSidebar(page, phone, 'nav-partner', /OAuth apps/);
      await page.getByText('Fabrikam Signed Client').first().waitFor();
      // how each app proves who it is, in words; each row's actions inside the window
      const secretOf = (name: string) => page.locator(`[data-app="${name}"]`).getByTestId('app-secret').first().innerText();
      expect(await secretOf('Fabrikam Signed Client')).toBe('Signs with its own keys (pasted)');
      expect(await secretOf('Fabrikam Billing Sync')).toMatch(/^Secret set \S/);
      for (const name of ['Fabrikam Signed Client', 'Fabrikam Billing Sync']) {
        const box = await page.getByRole('button', { name: `Actions for ${name}` }).first().boundingBox();
        expect(box, name).not.toBeNull();
        expect(box!.x + box!.width, `${name}'s actions at ${size.width} px`).toBeLessThanOrEqual(size.width);
      }
      await walkPage(page, `apps-table-${size.width}`);
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
      const second = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      published = [jwk, { ...second, kid: 'fabrikam-2', use: 'sig', alg: 'ES256' }];
      await dialog.getByLabel('Key set address', { exact: true }).fill(keysAt('/jwks.json'));
      await toggleSwitch(dialog.getByRole('switch', { name: 'Require signed requests' }), true);
      await dialog.getByText(/A request that is not signed is refused/).waitFor();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

      const saved = await api.get<any>(`/api/v1/partners/${partner.id}/apps/${appId}`);
      expect(saved.body).toMatchObject({ jwks: null, jwks_uri: keysAt('/jwks.json'), require_signed_request_object: true });
      // the table says in words how the app proves who it is
      const host = new URL(keysAt('/')).host;
      await expect.poll(() => page.locator('[data-app="Fabrikam Signed Client"]').getByTestId('app-secret').first().innerText()).toBe(`Signs with its own keys (read from ${host})`);

      // the keys read at the address, not the address alone
      await openKeys(page);
      const read = page.getByRole('dialog').getByTestId('app-key-set-summary');
      await expect.poll(() => read.innerText()).toBe(`Read from ${keysAt('/jwks.json')} just now: 2 keys`);
      await page.getByRole('dialog').getByText('Key fabrikam-2, signs with ES256').waitFor();
      expect(await page.getByRole('dialog').getByRole('switch', { name: 'Require signed requests' }).isChecked()).toBe(true);
      await walkPage(page, `app-keys-address-${size.width}`);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

      // an address that answers 503: the failed read in words
      expect((await api.patch<any>(`/api/v1/partners/${partner.id}/apps/${appId}`, { jwks_uri: keysAt('/moved.json') })).status).toBe(200);
      await page.reload();
      await openKeys(page);
      const failure = page.getByRole('dialog').getByTestId('app-key-set-failure');
      await expect.poll(() => failure.innerText()).toContain(`The last read of ${keysAt('/moved.json')}, just now, failed: the server answered with HTTP status 503 instead of the keys.`);
      await page.getByRole('dialog').getByText('Partnergate has never read keys there, so every signature of the app is refused until a read succeeds.').waitFor();
      await walkPage(page, `app-keys-read-failed-${size.width}`);
      await page.close();
    });
  }
});
