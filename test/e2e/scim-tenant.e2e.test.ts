/**
 * A customer tenant's SCIM provisioning in the portal, at a laptop (1366 px) and a phone (390 px)
 * width, by clicking: the tenant admin opens Provisioning in the sidebar, switches it on with
 * "Create SCIM token" and sees the token once beside the base URL; the tenant's identity provider
 * (here: this test, with that token) provisions a person, and after a reload the page lists the
 * request in words — and no longer shows the token. The operator finds the same connection on the
 * tenant's page. No id on screen, no sideways scroll, and axe-core finds no serious or critical
 * violation. Screenshots: artifacts/screenshots/scim-tenant-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';

/** an id shown as text */
const ID_ON_SCREEN = /\b(?:tnt|usr|scim)_[0-9a-z]{10,}\b/;

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal();
}, 180_000);
afterAll(() => portal?.close());

/** axe, the width, a screenshot and no ids: every page of the journey. */
async function looked(page: Page, name: string, region = 'main'): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `scim-tenant-${name}`);
  expect(await page.locator(region).first().innerText(), `${name}: an id on screen`).not.toMatch(ID_ON_SCREEN);
}

describe('a tenant’s Provisioning page', () => {
  for (const [width, height] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    it(`the tenant admin switches provisioning on, sees the token once and then the directory's request, at ${width}px`, { timeout: 180_000 }, async () => {
      const tenant = await portal.t.world.tenant();
      const page = await portal.newPage();
      await page.setViewportSize({ width, height });
      await login(page, tenant.admin.email, tenant.admin.password);
      if (width === 390) await page.getByRole('button', { name: 'Toggle navigation' }).click();
      await page.getByRole('link', { name: 'Provisioning' }).first().click();
      await page.getByRole('heading', { name: 'Provisioning' }).first().waitFor();
      await page.getByText('Not set up').waitFor();
      await page.getByText('group named Admins', { exact: false }).waitFor();
      await looked(page, `empty-${width}`);

      await page.getByRole('button', { name: 'Create SCIM token' }).click();
      const token = (await page.getByTestId('one-time-secret').innerText()).trim();
      expect(token).toMatch(/^pgscim_/);
      await page.getByText('On', { exact: true }).first().waitFor();
      await looked(page, `token-${width}`);

      // the tenant's identity provider, with the pasted token
      const upn = `ada-${width}-${Date.now()}@contoso.test`;
      const created = await fetch(`${portal.url}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: upn, name: { givenName: 'Ada', familyName: 'Lovelace' } }),
      });
      expect(created.status).toBe(201);
      await page.reload();
      const requests = page.getByTestId('scim-requests');
      await requests.getByText(/Provisioned Ada Lovelace/).first().waitFor();
      expect(await requests.innerText()).toContain('Create person');
      // shown once: after a reload only its beginning is named
      expect(await page.getByTestId('one-time-secret').count()).toBe(0);
      expect(await page.locator('main').innerText()).not.toContain(token);
      await looked(page, `requests-${width}`);
      await page.close();

      // the operator sees the same connection on the tenant's page and may switch it off
      const op = await portal.t.world.operator();
      const console_ = await portal.newPage();
      await console_.setViewportSize({ width, height });
      await login(console_, op.email, op.password);
      await console_.goto(`/operator/tenants/${tenant.id}`);
      await console_.getByRole('tab', { name: 'Provisioning' }).click();
      await console_.getByTestId('scim-requests').getByText(/Provisioned Ada Lovelace/).first().waitFor();
      expect(await console_.getByRole('button', { name: 'Create SCIM token' }).count()).toBe(0);
      await looked(console_, `operator-${width}`, '[role="tabpanel"]');
      await console_.getByRole('button', { name: 'Switch provisioning off' }).click();
      await console_.getByRole('dialog').getByRole('button', { name: 'Switch off' }).click();
      await console_.getByText('Switched off', { exact: false }).first().waitFor();
      expect((await fetch(`${portal.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      await console_.close();
    });
  }
});
