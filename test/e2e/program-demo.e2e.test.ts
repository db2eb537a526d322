/**
 * The demo world's partner program as its people see it (npm start): Tailspin's owner and staff and the operator
 * open every program page, with months of earnings in every state and a version waiting to be signed. Each page
 * at 1366 px and 390 px, nothing wider than the screen; screenshots in artifacts/screenshots/program-demo-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seedDemo } from '../../src/demo/demo.seed.ts';

let portal: Portal;
let world: Awaited<ReturnType<typeof seedDemo>>;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
}, 120_000);
afterAll(() => portal?.close());

async function visit(page: Page, path: string, ready: string, name: string): Promise<void> {
  for (const [w, h] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(path);
    await page.getByTestId(ready).first().waitFor();
    await page.waitForLoadState('networkidle');
    await settled(page);
    await screenshot(page, `program-demo-${name}-${w}`);
    await expectNoSidewaysScroll(page, `${name} at ${w} px`);
  }
}

describe('the demo world’s partner program', () => {
  it('Tailspin’s owner sees months of earnings, the codes, the customers and a version to sign', { timeout: 180_000 }, async () => {
    const tailspin = world.partners.find((p) => p.slug === 'tailspin-referrals')!;
    const page = await portal.newPage();
    await login(page, tailspin.owner.email, tailspin.owner.password);
    await visit(page, '/partner/program', 'agreement-waiting', 'owner-home');
    expect(await page.getByTestId('chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(5);
    await visit(page, '/partner/program/codes', 'codes-table', 'owner-codes');
    expect(await page.getByTestId('codes-table').innerText()).toContain('TAILSPIN-7KQ2');
    await visit(page, '/partner/program/referrals', 'referrals-table', 'owner-referrals');
    expect(await page.getByTestId('referrals-table').innerText()).toContain('Northgate Dental');
    await visit(page, '/partner/program/earnings', 'earnings-table', 'owner-earnings');
    // per customer and month, every state, and Harbor Bakery's refund after the payout in plain words
    const table = page.getByTestId('earnings-table');
    for (const state of ['pending', 'approved', 'paid', 'reversed']) await table.locator(`[data-state="${state}"]`).first().waitFor();
    const claw = table.locator('[data-kind="clawback"][data-customer="Harbor Bakery"]').first();
    expect(await claw.innerText()).toMatch(/Refund of invoice TS-HAR-\d{4}-\d{2} after payout/);
    await page.setViewportSize({ width: 1366, height: 900 });
    await claw.getByRole('button', { name: /^Invoices of/ }).click();
    await page.getByTestId('clawback-explained').waitFor();
    await page.getByTestId('earning-invoices').getByText(/^TS-HAR-/).waitFor();
    await screenshot(page, 'program-demo-owner-clawback-detail-1366');
    await page.keyboard.press('Escape');
    await visit(page, '/partner/program/agreement', 'agreement-history', 'owner-agreement');
  });

  it('Tailspin’s staff member sees the summary and his own code', { timeout: 120_000 }, async () => {
    const tailspin = world.partners.find((p) => p.slug === 'tailspin-referrals')!;
    const page = await portal.newPage();
    await login(page, tailspin.staff.email, tailspin.staff.password);
    await visit(page, '/partner/program/earnings', 'owners-only-line-items', 'staff-earnings');
    await visit(page, '/partner/program/codes', 'codes-table', 'staff-codes');
    expect(await page.getByTestId('codes-table').innerText()).not.toContain('TAILSPIN-7KQ2');
  });

  it('the operator sees every referral partner and the platform’s months', { timeout: 120_000 }, async () => {
    const page = await portal.newPage();
    await login(page, world.operator.email, world.operator.password);
    await visit(page, '/operator/program', 'program-partners', 'operator');
    expect(await page.getByTestId('program-partners').innerText()).toContain('Tailspin Referrals');
    // the Earnings tab lists the same lines per customer and month, the clawback in words
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('tab', { name: /Earnings/ }).click(); // pending lines first: the clawback waits to be netted
    const claw = page.locator('[data-testid="op-earnings"] [data-kind="clawback"]').first();
    await claw.waitFor();
    expect(await claw.innerText()).toMatch(/Refund of invoice TS-HAR-/);
    await screenshot(page, 'program-demo-operator-earnings-1366');
  });
});
