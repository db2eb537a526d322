/**
 * Browser journey of the partner configuration manager, at a laptop (1366 px) and a phone (390 px)
 * width, with no sideways scrolling: an MSP's person looks for the PDF statement and is told it is
 * in early access; the operator opens the partner's Configuration tab and turns the beta feature
 * "PDF invoice export" on for this partner (not for another one); the history reads the change in
 * words; the MSP's person reloads and the PDF statement is there; the other partner still does not
 * have it. The operator then limits the partner's delegation roles to support access (its full-access
 * link stops working) and the history says so in words. The owner switches an opt-in feature on
 * from the early-access page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll } from './helpers/layout.ts';
import type { TestPartner, TestTenant, TestUser } from '../helpers/world.ts';
import { seedResourceData } from '../../src/modules/resources/resources.demo.ts';
import { activeLink } from '../api/delegations/helpers.ts';

let portal: Portal;
let msp: TestPartner;
let other: TestPartner;
let acme: TestTenant;
let operator: TestUser;
let op: Page;
let staff: Page;

const WIDTHS = [1366, 390] as const;

async function shoot(p: Page, name: string) {
  for (const w of WIDTHS) {
    await p.setViewportSize({ width: w, height: w === 390 ? 844 : 900 });
    await expectNoSidewaysScroll(p, `${name} at ${w}px`);
    await screenshot(p, `config-${name}-${w}`);
  }
  await p.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  other = await t.world.partner({ capabilities: ['managed_services'] });
  acme = await t.world.tenant();
  await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: acme.id, userIds: [acme.user.id] });
  await activeLink(await msp.owner.login(), await acme.admin.login(), msp.id, acme, { role: 'MSP_FULL' });
  operator = await t.world.operator();
  // an opt-in feature the partner's owner may switch on the early-access page
  await t.services.featureCatalog.create(t.world.ctx, { key: 'reports.scheduled', name: 'Scheduled reports', description: 'Usage and SLA reports e-mailed every Monday.', default_on: false, opt_in: true });
  await t.services.feed.drain();
  op = await portal.newPage();
  staff = await portal.newPage();
  await op.setViewportSize({ width: 1366, height: 900 });
  await staff.setViewportSize({ width: 1366, height: 900 });
}, 180_000);
afterAll(() => portal?.close());

async function openExportMenu(p: Page) {
  await p.goto(portal.url + '/partner/invoices');
  await p.getByTestId('export-invoices').click();
}

describe('partner configuration', () => {
  it('the operator turns the beta PDF export on for one partner and its people see it appear', { timeout: 180_000 }, async () => {
    // before: the MSP's person is told the PDF statement is in early access
    await login(staff, msp.staff.email, msp.staff.password);
    await openExportMenu(staff);
    await staff.getByTestId('pdf-export-unavailable').waitFor();
    expect(await staff.getByRole('menuitem', { name: 'Statement (PDF)', exact: true }).count()).toBe(0);
    await shoot(staff, 'invoices-pdf-off');
    await staff.keyboard.press('Escape');

    // the operator: the feature catalog, then the partner's Configuration tab
    await login(op, operator.email, operator.password);
    await op.getByTestId('nav-operator').getByRole('link', { name: 'Feature catalog' }).click();
    await op.locator('[data-testid="feature-catalog"] [data-feature="exports.pdf"]').first().waitFor();
    expect(await op.locator('main').innerText()).toContain('PDF invoice export');
    await shoot(op, 'feature-catalog');

    await op.goto(`${portal.url}/operator/partners/${msp.id}`);
    await op.getByRole('tab', { name: 'Configuration' }).click();
    await op.getByRole('tab', { name: 'Features' }).click();
    const row = op.locator('[data-testid="partner-features"] [data-feature="exports.pdf"]').first();
    await row.waitFor();
    expect(await row.innerText()).toContain('Off');
    await row.getByText('On', { exact: true }).click();
    await op.getByText('Saved. The partner has it from its next request.').waitFor();
    await expect.poll(async () => (await row.getByTestId('feature-effective').innerText()).startsWith('On')).toBe(true);
    const text = await op.getByTestId('partner-configuration').innerText();
    for (const word of ['exports.pdf', '/api/v1', 'ptr_', '{']) expect(text).not.toContain(word);
    await shoot(op, 'features-tab');

    await op.getByRole('tab', { name: 'Roles' }).click();
    await op.getByTestId('member-roles').waitFor();
    await shoot(op, 'roles-tab');

    await op.getByRole('tab', { name: 'History' }).click();
    await op.getByText('PDF invoice export: platform default → on').waitFor();
    await shoot(op, 'history-tab');

    // after: the MSP's person reloads and the PDF statement is offered — and downloads
    await openExportMenu(staff);
    const item = staff.getByRole('menuitem', { name: 'Statement (PDF)', exact: true });
    await item.waitFor();
    await shoot(staff, 'invoices-pdf-on');
    const [pdf] = await Promise.all([staff.waitForEvent('download'), item.click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);

    // the other partner does not have it
    expect(portal.t.services.authz.snapshot.featureEnabled(other.id, 'exports.pdf')).toBe(false);
    expect((await (await other.staff.login()).post('/api/v1/partner/billing/invoices/export', { format: 'pdf' })).body.code).toBe('feature_not_enabled');

    // the owner's early-access page: the PDF export is on, switched by the operator
    const owner = await portal.newPage();
    await owner.setViewportSize({ width: 1366, height: 900 });
    await login(owner, msp.owner.email, msp.owner.password);
    await owner.getByTestId('nav-partner').getByRole('link', { name: 'Early access' }).click();
    const card = owner.locator('[data-testid="early-access"] [data-feature="exports.pdf"]');
    await card.waitFor();
    expect(await card.innerText()).toContain('The platform operator switched this on for your organization.');
    const optIn = owner.locator('[data-testid="early-access"] [data-feature="reports.scheduled"]');
    await optIn.getByRole('switch', { name: 'Scheduled reports: off' }).click({ force: true });
    await owner.getByText(/Scheduled reports is now on for /).waitFor();
    await portal.t.services.feed.drain();
    expect(portal.t.services.authz.snapshot.featureEnabled(msp.id, 'reports.scheduled')).toBe(true);
    await shoot(owner, 'early-access');

    // roles: the operator limits the partner to support access; its full-access link stops working
    await op.getByRole('tab', { name: 'Roles' }).click();
    const delegationRoles = op.getByTestId('delegation-roles');
    await delegationRoles.waitFor();
    await delegationRoles.getByRole('switch', { name: 'Any delegation role' }).setChecked(false, { force: true });
    await delegationRoles.getByRole('checkbox', { name: 'MSP — full' }).uncheck();
    await op.getByRole('button', { name: 'Save roles' }).click();
    await op.getByText('Saved. It applies from the partner’s next request.').waitFor();
    await shoot(op, 'roles-limited');
    await op.getByRole('tab', { name: 'History' }).click();
    const change = op.getByText(/^Delegation roles the partner may request: all → /);
    await change.waitFor();
    expect(await change.innerText()).toContain('MSP — support');
    expect(await change.innerText()).not.toContain('MSP — full');
    await shoot(op, 'history-roles');
    await portal.t.services.feed.drain();
    const d = portal.t.services.authz.memberAccess(msp.staff.id, msp.id, acme.id, 'billing.invoices.read');
    expect(d.allow ? 'allowed' : d.code).toBe('role_not_allowed');
  });
});
