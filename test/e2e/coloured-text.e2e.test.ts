/**
 * Warnings told in coloured text, read by axe-core at 1366 and 390 px in the state that shows them:
 * the operator narrows a partner's delegation roles to none on its Roles tab ("None selected: the
 * partner may use none of these roles."), and an MSP's owner opens "Request a link" while the purpose
 * catalog cannot be reached ("The purposes could not be loaded"). Orange and red text on white fell
 * short of WCAG AA contrast; each warning now has its icon and a readable colour.
 * Screenshots: artifacts/screenshots/coloured-text-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, toggleSwitch, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seriousViolations } from './helpers/axe.ts';
import { clickSidebar } from './helpers/walk.ts';
import type { TestPartner } from '../helpers/world.ts';

const WIDTHS = [1366, 390] as const;
let portal: Portal;
let msp: TestPartner;

beforeAll(async () => {
  portal = await startPortal();
  msp = await portal.t.world.partner({ capabilities: ['managed_services'] });
}, 180_000);
afterAll(() => portal?.close());

/** Each width: axe finds nothing serious (colour contrast included), no sideways scroll; a screenshot. */
async function check(p: Page, name: string) {
  for (const w of WIDTHS) {
    await p.setViewportSize({ width: w, height: w === 390 ? 844 : 900 });
    await settled(p);
    await expectNoSidewaysScroll(p, `${name} at ${w}px`);
    expect(await seriousViolations(p), `${name} at ${w}px`).toEqual([]);
    await screenshot(p, `coloured-text-${name}-${w}`);
  }
  await p.setViewportSize({ width: 1366, height: 900 });
}

describe('coloured warnings are readable', () => {
  it('the Roles tab says when no delegation role is left, readably', { timeout: 120_000 }, async () => {
    const op = await portal.newPage();
    await op.setViewportSize({ width: 1366, height: 900 });
    const operator = await portal.t.world.operator();
    await login(op, operator.email, operator.password);
    await clickSidebar(op, false, 'nav-operator', /^Partners$/);
    await op.getByRole('link', { name: msp.name }).first().click();
    await op.getByRole('tab', { name: 'Configuration' }).click();
    await op.getByRole('tab', { name: 'Roles' }).click();
    const roles = op.getByTestId('delegation-roles');
    await roles.waitFor();
    await toggleSwitch(roles.getByRole('switch', { name: 'Any delegation role' }), false);
    const boxes = roles.getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).uncheck();
    const warning = roles.getByTestId('roles-none-warning');
    await warning.getByText('None selected: the partner may use none of these roles.').waitFor();
    await check(op, 'roles-none');
    await op.close();
  });

  it('the purpose picker says when the purposes cannot be loaded, readably', { timeout: 120_000 }, async () => {
    const page = await portal.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, msp.owner.email, msp.owner.password);
    // the catalog is out of reach: the connection to it drops (the server is not asked)
    await page.route('**/api/v1/purposes*', (route) => route.abort('connectionfailed'));
    await clickSidebar(page, false, 'nav-partner', /Customers I manage/);
    await page.getByRole('button', { name: 'Request a link' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('purpose-picker-failed').getByText('The purposes could not be loaded; try again in a moment.').waitFor({ timeout: 30_000 });
    await check(page, 'purposes-failed');
    await page.close();
  });
});
