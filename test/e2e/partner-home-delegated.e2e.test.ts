/**
 * A delegated partner's home in the demo world (Northwind Apps), at a laptop (1366 px) and a phone
 * (390 px) width, by clicks only:
 *   the owner       Home lists the customers connected to its apps by name, with their billing
 *                   accounts by number, status, end date and last use; the requests its apps made for
 *                   them over 30 days per day, per customer and per app (real gateway requests made
 *                   before the journey); "Your apps" opens the apps page
 *   the staff member reads the same customers and requests
 * No id or permission code on screen, no sideways scroll, no badge cut short, and axe-core finds no
 * serious or critical violation. Screenshots: artifacts/screenshots/partner-home-delegated-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { check, clickNav, openHome, signedIn, WIDTHS } from './helpers/partner-home.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';
import { Client } from '../helpers/http.ts';
import { CALLBACK, codeFlowTokens, serverAt } from '../api/oauth/oauth-helpers.ts';

let portal: Portal;
let world: DemoWorld;

/** Northwind registers a second app; Acme Fiber's and Beta Networks' admins connect it; it makes requests through the gateway. */
async function traffic(): Promise<void> {
  const northwind = world.partners.find((p) => p.slug === 'northwind-apps')!;
  const owner = await new Client(portal.t.app).login(northwind.owner.email, northwind.owner.password);
  const r = await owner.post(`/api/v1/partners/${northwind.id}/apps`, {
    name: 'Northwind Reports',
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'orders.read', 'billing.invoices.read'],
    redirect_uris: [CALLBACK],
  });
  expect(r.status).toBe(201);
  const server = serverAt(portal.url);
  const calls: [string, number][] = [
    ['acme-fiber', 9],
    ['beta-networks', 4],
  ];
  for (const [slug, n] of calls) {
    const t = world.tenants.find((x) => x.slug === slug)!;
    const tokens = await codeFlowTokens(server, r.body.app.client_id, r.body.client_secret, t.admin, 'openid orders.read billing.invoices.read');
    for (let i = 0; i < n; i++) {
      const g = await fetch(`${portal.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${tokens.access_token}`, 'x-forwarded-for': portal.clientIp } });
      expect(g.status).toBe(200);
      await g.arrayBuffer();
    }
  }
  await portal.t.services.gateway.auditBuffer.flush();
  await portal.t.services.oauth.lastUse.flush();
}

beforeAll(async () => {
  // at http://localhost:PORT with PUBLIC_URL saying so: the OAuth issuer the app's client discovers
  portal = await startPortal({}, { localhost: true });
  world = await seedDemo(portal.t.services);
  await traffic();
}, 240_000);
afterAll(() => portal?.close());

describe("a delegated partner's home", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`Northwind's owner at ${w}px: connected customers by name and their requests per day, customer and app`, { timeout: 180_000 }, async () => {
      const northwind = world.partners.find((p) => p.slug === 'northwind-apps')!;
      const page = await signedIn(portal, northwind.owner.email, northwind.owner.password, size);
      await openHome(page, phone);
      const table = page.getByTestId('connected-customers');
      await table.locator('[data-row]').first().waitFor();
      const text = await check(page, `delegated-owner-${w}`);
      // customers by name, accounts by number, never the ids
      const rows = await table.innerText();
      expect(rows).toContain('Acme Fiber ISP');
      expect(rows).toContain('Beta Networks');
      expect(rows).toContain('Northwind Ordering');
      expect(rows).toContain('Northwind Reports');
      expect(rows).toMatch(/BAN-\d+/);
      expect(rows).not.toContain('Fabrikam');
      // figures: 13 requests for 2 customers through 1 app
      expect(await page.getByTestId('figure-requests-value').innerText()).toBe('13');
      expect(await page.getByTestId('figure-connected-value').innerText()).toBe('3');
      expect(text).toContain('Requests per day');
      expect(text).toContain('Requests by customer');
      expect(text).toContain('Requests by app');
      expect(text).not.toContain('No requests in the last 30 days');
      // the screen-reader table of the chart holds the numbers compared
      const byCustomer = page.getByTestId('chart').filter({ hasText: 'Requests by customer' });
      expect(await byCustomer.locator('table').innerText()).toMatch(/Acme Fiber ISP\s+9[\s\S]*Beta Networks\s+4/);
      // a way to its apps
      await page.getByTestId('connected-customers').getByRole('link', { name: 'Your apps' }).click();
      await page.waitForURL('**/partner/apps');
      await page.getByText('Northwind Reports').first().waitFor();
      await page.close();
    });

    it(`Northwind's staff member at ${w}px: the same customers and requests, and the usage page one click away`, { timeout: 180_000 }, async () => {
      const northwind = world.partners.find((p) => p.slug === 'northwind-apps')!;
      const page = await signedIn(portal, northwind.staff.email, northwind.staff.password, size);
      await openHome(page, phone);
      await page.getByTestId('connected-customers').locator('[data-row]').first().waitFor();
      await check(page, `delegated-staff-${w}`);
      expect(await page.getByTestId('figure-requests-value').innerText()).toBe('13');
      await clickNav(page, phone, /^Usage/);
      await page.waitForURL('**/partner/usage');
      await page.close();
    });
  }
});
