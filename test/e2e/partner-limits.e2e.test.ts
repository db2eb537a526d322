/**
 * Browser journey (partner limits and quotas): the operator opens a partner's configuration,
 * sets its daily quota and sees its usage against it ("5 of 10,000"); the session and API access
 * tabs open; the partner's own people see the same usage on their Usage page. Each page fits
 * 1366 px and 390 px without sideways scrolling. Screenshots saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import type { TestPartner, TestUser } from '../helpers/world.ts';
import { apiToken, link } from '../api/gateway/helpers.ts';

let portal: Portal;
let msp: TestPartner;
let operator: TestUser;
let page: Page;

async function fits(p: Page, what: string): Promise<void> {
  for (const width of [1366, 390]) {
    await p.setViewportSize({ width, height: 900 });
    await settled(p);
    await screenshot(p, `partner-limits-${what}-${width}`);
    await expectNoSidewaysScroll(p, `${what} at ${width} px`);
  }
  await p.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  portal = await startPortal();
  const t = portal.t;
  operator = await t.world.operator();
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  // five requests of the partner through the gateway: its usage today
  const token = await apiToken(t, msp.staff);
  for (let i = 0; i < 5; i++) {
    const r = await t.app.inject({ method: 'GET', url: '/resources/v1/orders', headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenant.id } });
    expect(r.statusCode).toBe(200);
  }
  page = await portal.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
}, 120_000);
afterAll(async () => {
  await portal?.close();
});

describe('partner limits in the portal', () => {
  it('the operator sets a daily quota and sees the usage against it', { timeout: 120_000 }, async () => {
    await login(page, operator.email, operator.password);
    await page.goto(`/operator/partners/${msp.id}`);
    await page.getByRole('tab', { name: 'Configuration' }).click();
    await page.getByRole('tab', { name: 'Limits and usage' }).click();
    // before: no limit
    await expect(page.getByTestId('usage-today').innerText()).resolves.toContain('5 (no limit)');
    await page.getByLabel('Requests per day').fill('10000');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('Limits saved. They apply from the next request.').waitFor();
    await page.getByTestId('usage-today').getByText('5 of 10,000').waitFor();
    await page.getByTestId('chart').locator('svg.recharts-surface').first().waitFor();
    await fits(page, 'operator-limits');

    // a month smaller than a day is explained in words, and nothing is saved
    await page.getByLabel('Requests per month').fill('100');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('The month must allow at least as many requests as one day.').waitFor();
    await page.getByLabel('Requests per month').fill('');

    await page.getByRole('tab', { name: 'Sign-in security' }).click();
    await page.getByLabel('Sessions one person may have open at once').fill('3');
    await page.getByRole('button', { name: 'Save session policy' }).click();
    await page.getByText('Session policy saved. It applies from the next request.').waitFor();
    await fits(page, 'operator-sessions');

    await page.getByRole('tab', { name: 'API access' }).click();
    await page.getByLabel('Addresses its apps and people may call from').fill('not an address');
    await page.getByRole('button', { name: 'Save access policy' }).click();
    await page.getByText('The access policy was not saved').waitFor();
    await expect(page.getByText(/Not an IP address or network: not, an, address/).count()).resolves.toBeGreaterThan(0);
    await fits(page, 'operator-api-access');

    const config = await portal.t.services.partners.getConfig(msp.id);
    expect(config.config).toEqual({ limits: { daily_quota: 10000 }, session: { max_sessions: 3 } });
  });

  it("the partner's people see their usage against the quota on their Usage page", { timeout: 120_000 }, async () => {
    const p = await portal.newPage();
    await p.setViewportSize({ width: 1366, height: 900 });
    await login(p, msp.owner.email, msp.owner.password);
    await p.getByTestId('nav-partner').getByRole('link', { name: 'Usage' }).click();
    // the five gateway requests, and the partner API calls the portal made for these people since
    // (the alerts badge): one budget whichever door a request came through
    await p.getByTestId('usage-today').getByText(/^\d+ of 10,000$/).waitFor();
    const today = Number(/^(\d+) of 10,000$/m.exec(await p.getByTestId('usage-today').innerText())![1]);
    expect(today).toBeGreaterThanOrEqual(6);
    await expect(p.getByTestId('usage-month').innerText()).resolves.toContain(`${today} (no limit)`);
    await p.getByTestId('chart').locator('svg.recharts-surface').first().waitFor();
    await fits(p, 'partner-usage');
  });
});
