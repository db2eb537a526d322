/**
 * An MSP registers a decision point in the portal, by clicking, at 1366 and 390 px: the apps page
 * offers client credentials to a partner without the wholesale capability as "a decision point",
 * with "ask for access decisions" as its one scope; the secret is shown once. Then the app's token
 * from the real token endpoint asks the AuthZEN decision API about the MSP's own customer. axe-core
 * finds no serious or critical violation. Screenshots: artifacts/screenshots/decision-point-*.png.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';

const AXE_SOURCE: string = createRequire(import.meta.url)('axe-core').source;
interface Axe {
  run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
}

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

let portal: Portal;
let world: DemoWorld;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
}, 180_000);
afterAll(() => portal?.close());

async function accessible(page: Page, name: string): Promise<void> {
  await settled(page);
  if (!(await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(() => (globalThis as unknown as { axe: Axe }).axe.run({ exclude: [['[data-axe-skip]']] }, { resultTypes: ['violations'] }));
  const serious = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `decision-point-${name}`);
}

describe('an MSP registers a decision point', () => {
  for (const size of WIDTHS) {
    const w = size.width;
    it(`at ${w}px: client credentials offered as a decision point, one scope, the secret once; its token gets decisions`, { timeout: 180_000 }, async () => {
      const fabrikam = world.partners.find((p) => p.slug === 'fabrikam-msp')!;
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, fabrikam.owner.email, fabrikam.owner.password);
      if (w === 390) await page.getByRole('button', { name: 'Toggle navigation' }).click();
      await page.getByTestId('nav-partner').getByRole('link', { name: 'OAuth apps' }).click();
      await page.getByRole('button', { name: 'Register an app' }).click();
      const dialog = page.getByRole('dialog', { name: 'Register an app' });
      await dialog.getByLabel(/^Name/).fill(`Fabrikam access checks ${w}`);
      await dialog.getByLabel('Authorization code (a person signs in and approves)').uncheck();
      await dialog.getByLabel('Refresh tokens').uncheck();
      await dialog.getByLabel(/^Client credentials \(a decision point/).check();
      await dialog.getByText('A decision point asks for access decisions only').waitFor();
      await dialog.getByLabel(/^Scopes the app may ask for/).click();
      const options = page.getByRole('option');
      await options.first().waitFor();
      expect(await options.count()).toBe(1);
      await options.first().click();
      await dialog.getByLabel(/^Name/).click(); // close the dropdown
      await accessible(page, `form-${w}`);
      await dialog.getByRole('button', { name: /^Register/ }).click();
      const secret = await oneTimeSecret(page);
      await accessible(page, `secret-${w}`);
      const clientId = (await page.getByRole('dialog').locator('code').first().innerText()).trim();

      // the app's token from the real token endpoint, then a decision about Fabrikam's own customer
      const token = await fetch(`${portal.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials&scope=authzen.evaluate',
      });
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
      const decision = await fetch(`${portal.url}/access/v1/evaluation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
        body: JSON.stringify({ subject: { type: 'partner', id: fabrikam.id }, action: { name: 'billing.invoices.read' }, resource: { type: 'tenant', id: acme.id } }),
      });
      expect(await decision.json()).toEqual({ decision: true });
      await page.close();
    });
  }
});
