/**
 * An integrator's journey — a partner's developer (Northwind Apps' owner in the demo world) — at a
 * laptop (1366 px) and a phone (390 px) width, by clicks only after signing in:
 *   OAuth apps  the apps listed with what each may ask for in words, the table fitting the window with each
 *               row's actions in a menu; "read the SDK guide" opens the typed client's guide; "API reference" opens the
 *               reference; registering an app shows its client secret once, then the list holds it
 *               by its hint only; a new secret is issued the same way
 *   Webhooks    an endpoint on the developer's own server (a real HTTP server on loopback) is added,
 *               its signing secret shown once; "Send a test message" reaches the server, and the
 *               delivery log says it was delivered
 * Every screen passes the shared checks (helpers/walk.ts): axe-core, no sideways scroll, no id or
 * permission code outside what the developer copies into code, no badge cut short, no empty state
 * where the server refused. Screenshots: artifacts/screenshots/integrator-*.png.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { oneTimeSecret, startPortal, type Portal } from './helpers/portal.ts';
import { expectTableFits } from './helpers/layout.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';

let portal: Portal;
let world: DemoWorld;
let receiver: Server;
let hookUrl = '';
const received: { path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  portal = await startPortal({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  world = await seedDemo(portal.t.services);
}, 240_000);
afterAll(async () => {
  await portal?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

const nav = (page: Page, phone: boolean, name: RegExp) => clickSidebar(page, phone, 'nav-partner', name);

describe("an integrator's journey", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`at ${w}px: apps and the API reference, a new app and its secret once, a webhook endpoint and a test message that arrives`, { timeout: 300_000 }, async () => {
      const northwind = world.partners.find((p) => p.slug === 'northwind-apps')!;
      const page = await signedIn(portal, northwind.owner.email, northwind.owner.password, size);

      // the apps, with what each may ask for in words
      await nav(page, phone, /^OAuth apps/);
      await page.getByTestId('apps').getByText('Northwind Ordering').first().waitFor();
      const apps = await walkPage(page, `integrator-apps-${w}`);
      expect(apps).toContain('Northwind Ordering');
      expect(apps).toMatch(/Read (your )?orders/i);

      // every row's actions are on screen: the table fits without scrolling sideways, its actions in one menu
      await expectTableFits(page, 'apps');
      await page.getByRole('button', { name: 'Actions for Northwind Ordering' }).first().click();
      for (const action of ['Edit', 'New secret', 'Delete']) {
        const item = page.getByRole('menuitem', { name: action });
        await item.waitFor();
        const box = (await item.boundingBox())!;
        expect(box.x + box.width, `${action} inside the window`).toBeLessThanOrEqual(size.width);
      }
      await page.keyboard.press('Escape');

      // the SDK's guide, from the developer page: the reference opens at its section
      const [guide] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'read the SDK guide' }).click()]);
      await guide.getByRole('heading', { name: 'TypeScript SDK' }).first().waitFor({ timeout: 60_000 });
      await guide.getByText('npm install @partnergate/client').first().waitFor();
      await guide.close();

      // the API reference, one click away (in a tab of its own; its own test checks it with axe)
      const [docs] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'API reference' }).first().click()]);
      await docs.getByRole('heading', { name: /Partnergate API/ }).first().waitFor({ timeout: 60_000 });
      expect(new URL(docs.url()).pathname).toMatch(/^\/docs\/?$/);
      await docs.close();

      // a new app: the secret is shown once
      const name = `Northwind Field Service ${w}`;
      await page.getByRole('button', { name: 'Register an app' }).click();
      const dialog = page.getByRole('dialog', { name: 'Register an app' });
      await dialog.getByLabel(/^Name/).fill(name);
      await dialog.getByLabel('Description').fill('Opens tickets for customers from the field engineers’ tablets.');
      await dialog.getByRole('checkbox', { name: /Authorization code/i }).check();
      const uris = dialog.getByLabel(/^Redirect URIs/);
      await uris.fill('https://field.northwind.example/callback');
      await uris.press('Enter');
      await dialog.getByLabel('Scopes the app may ask for').click();
      await page.getByRole('option', { name: /Read invoices/i }).first().click();
      await page.keyboard.press('Escape');
      await walkPage(page, `integrator-register-${w}`);
      await dialog.getByRole('button', { name: /^Register/ }).click();
      const secret = await oneTimeSecret(page);
      expect(secret.length).toBeGreaterThan(20);
      await walkPage(page, `integrator-secret-${w}`);
      await page.getByRole('button', { name: 'I have stored it' }).click();
      await page.getByTestId('apps').getByText(name).first().waitFor();
      expect(await page.locator('body').innerText()).not.toContain(secret);
      await walkPage(page, `integrator-app-listed-${w}`);

      // webhooks: an endpoint on the developer's own server, a test message that arrives
      await nav(page, phone, /^Webhooks/);
      await page.getByRole('heading', { name: 'Webhooks' }).first().waitFor();
      await walkPage(page, `integrator-webhooks-${w}`);
      await page.getByTestId('add-endpoint').click();
      await page.getByTestId('endpoint-url').fill(`${hookUrl}/northwind-${w}`);
      await page.getByTestId('endpoint-name').fill(`Field service events ${w}`);
      await page.getByRole('dialog').getByRole('checkbox').first().check();
      await walkPage(page, `integrator-webhook-add-${w}`);
      await page.getByTestId('save-endpoint').click();
      const signing = await oneTimeSecret(page);
      expect(signing).toMatch(/^whsec_/);
      await walkPage(page, `integrator-webhook-secret-${w}`);
      await page.getByRole('dialog', { name: 'Endpoint added' }).getByRole('button', { name: 'Done' }).click();
      const card = page.locator(`[data-testid="endpoint"][data-endpoint="Field service events ${w}"]`);
      // the log first (nothing sent yet), then a test message that reaches the server and shows in the log
      await card.getByRole('button', { name: 'Delivery log' }).click();
      await card.getByRole('button', { name: 'Hide delivery log' }).waitFor();
      await card.getByTestId('deliveries').waitFor();
      await card.getByTestId('send-test').click();
      await expect.poll(() => received.filter((r) => r.path === `/northwind-${w}`).length, { timeout: 30_000 }).toBeGreaterThan(0);
      const got = received.find((r) => r.path === `/northwind-${w}`)!;
      expect(got.headers['webhook-signature']).toMatch(/^v1,/);
      await card.getByTestId('deliveries').getByText('Test message').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => card.getByTestId('deliveries').innerText(), { timeout: 30_000 }).toMatch(/Delivered/i);
      await walkPage(page, `integrator-webhook-log-${w}`);
      await page.close();
    });
  }
});
