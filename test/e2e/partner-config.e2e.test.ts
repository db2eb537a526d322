/**
 * Browser journey of the partner configuration manager, at a laptop (1366 px) and a phone (390 px)
 * width, with no sideways scrolling: an MSP's person looks for the PDF statement and is told it is
 * in early access; the operator opens the partner's Configuration tab and turns the beta feature
 * "PDF invoice export" on for this partner (not for another one); the history reads the change in
 * words; the MSP's person comes back to the invoices page and the PDF statement is there; the other partner still does not
 * have it. The operator then limits the partner's delegation roles to support access (its full-access
 * link stops working) and the history says so in words. The owner switches an opt-in feature on
 * from the early-access page.
 *
 * Then everything in one place: the operator turns off one permission of a partner by unticking a
 * sentence ("Export invoices") in its Configuration tab, requires two-step verification and sets the
 * address allow-list there, without leaving the page; and the tenant admin and the partner each edit
 * the link's relationship details on their own page of the link, a bad e-mail address refused at its
 * field. Every page: 1366 and 390 px, axe 0 serious, no permission codes or ids on screen, no badge
 * cut off, no sideways scroll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, toggleSwitch, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seriousViolations } from './helpers/axe.ts';
import type { TestPartner, TestTenant, TestUser } from '../helpers/world.ts';
import { seedResourceData } from '../../src/modules/resources/resources.demo.ts';
import { activeLink } from '../api/delegations/helpers.ts';
import { clickSidebar } from './helpers/walk.ts';

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

/** The operator reaches the partner from the partners list, by its name. */
async function openPartner(p: Page) {
  await clickSidebar(p, false, 'nav-operator', /^Partners$/);
  await p.getByRole('link', { name: msp.name }).first().click();
}

/** The person goes to the invoices page by the sidebar (from Home, so the page loads afresh) and opens the export menu. */
async function openExportMenu(p: Page) {
  await clickSidebar(p, false, 'nav-partner', /^Home$/);
  await clickSidebar(p, false, 'nav-partner', /^Invoices$/);
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

    await openPartner(op);
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

    // after: the MSP's person comes back to the invoices page and the PDF statement is offered — and downloads
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
    await toggleSwitch(optIn.getByRole('switch', { name: 'Scheduled reports: off' }));
    await owner.getByText(/Scheduled reports is now on for /).waitFor();
    await portal.t.services.feed.drain();
    expect(portal.t.services.authz.snapshot.featureEnabled(msp.id, 'reports.scheduled')).toBe(true);
    await shoot(owner, 'early-access');

    // roles: the operator limits the partner to support access; its full-access link stops working
    await op.getByRole('tab', { name: 'Roles' }).click();
    const delegationRoles = op.getByTestId('delegation-roles');
    await delegationRoles.waitFor();
    await toggleSwitch(delegationRoles.getByRole('switch', { name: 'Any delegation role' }), false);
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

/** Codes and ids a person should never read: dotted permission names, prefixed ids. */
const CODE_OR_ID = /\b(billing|orders|services|support|reports|alerts|vouchers)\.[a-z_]+(\.[a-z_*]+)?\b|\b(ptr|tnt|dlg|usr|ban|vch|tkt|agr|inv)_[0-9a-z]{6,}/;

/** Each width: no sideways scroll, 0 serious axe findings, no code or id in the main area, no badge cut off; a screenshot. */
async function check(p: Page, name: string) {
  for (const w of WIDTHS) {
    await p.setViewportSize({ width: w, height: w === 390 ? 844 : 900 });
    await settled(p);
    await expectNoSidewaysScroll(p, `${name} at ${w}px`);
    expect(await seriousViolations(p), `${name} at ${w}px`).toEqual([]);
    const text = await p.locator('main').innerText();
    expect(text.match(CODE_OR_ID)?.[0] ?? null, `${name} at ${w}px`).toBeNull();
    const cut = await p.locator('.mantine-Badge-root').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1 || (e.textContent ?? '').includes('…')).map((e) => e.textContent));
    expect(cut, `${name} at ${w}px: badges cut off`).toEqual([]);
    await screenshot(p, `config-${name}-${w}`);
  }
  await p.setViewportSize({ width: 1366, height: 900 });
}

describe('one place to configure a partner, and the relationship both sides keep', () => {
  it('the operator turns a permission off by unticking its sentence, and sets two-step verification and addresses in the same place', { timeout: 180_000 }, async () => {
    // the journey above limited the partner's delegation roles: give them back (its full-access link works again)
    await portal.t.services.partners.updateConfigSection(portal.t.world.ctx, msp.id, 'roles', null);
    await portal.t.services.feed.drain();
    if (!op.url().startsWith(portal.url)) await login(op, operator.email, operator.password);
    await openPartner(op);
    await op.getByRole('tab', { name: 'Configuration' }).click();
    const perms = op.getByTestId('partner-permissions');
    await perms.getByRole('checkbox', { name: 'Export invoices' }).waitFor();
    expect(await perms.innerText()).toContain('Nothing is turned off now.');
    await check(op, 'one-place-what-it-may-do');

    await perms.getByRole('checkbox', { name: 'Export invoices' }).uncheck();
    await perms.getByRole('button', { name: 'Save what it may do' }).click();
    await op.getByText('Saved. It applies from the partner’s next request.').first().waitFor();
    await expect.poll(async () => perms.innerText()).toContain('turned off now');
    expect(await perms.getByRole('checkbox', { name: 'Export invoices' }).isChecked()).toBe(false);
    await portal.t.services.feed.drain();
    const d = portal.t.services.authz.memberAccess(msp.staff.id, msp.id, acme.id, 'billing.invoices.export');
    expect(d.allow ? 'allowed' : d.code).toBe('feature_disabled');
    expect(portal.t.services.authz.memberAccess(msp.staff.id, msp.id, acme.id, 'billing.invoices.read').allow).toBe(true);

    // two-step verification and the address allow-list, in the same Configuration tab
    await op.getByRole('tab', { name: 'Sign-in security' }).click();
    // the switch follows the server's answer, so it is clicked, then the answer awaited
    await toggleSwitch(op.getByRole('switch', { name: /Require two-step verification of/ }));
    await op.getByText(/people now need two-step verification/).waitFor();
    await check(op, 'one-place-security');
    await op.getByRole('tab', { name: 'API access and addresses' }).click();
    await op.getByLabel('Addresses its apps and people may call from').fill('203.0.113.0/24');
    await op.getByRole('button', { name: 'Save access policy' }).click();
    await op.getByText('Access policy saved. It applies from the next request.').waitFor();
    await op.getByRole('tab', { name: 'Plans it may offer' }).click();
    await op.getByTestId('partner-plans').waitFor();
    await check(op, 'one-place-plans');
    await op.getByRole('tab', { name: 'History' }).click();
    await op.getByText(/Allowed networks: platform default → 203\.0\.113\.0\/24/).waitFor();
    // the old second place is gone: no free-text feature toggles anywhere on the page
    expect(await op.getByText('Add a feature toggle').count()).toBe(0);
    expect(await op.getByRole('tab', { name: 'Capabilities & features' }).count()).toBe(0);
    // put the partner back as it was for the relationship journey
    await op.getByRole('tab', { name: 'Sign-in security' }).click();
    await toggleSwitch(op.getByRole('switch', { name: /Require two-step verification of/ }));
    await op.getByText(/own requirement is removed/).waitFor();
    await op.getByRole('tab', { name: 'API access and addresses' }).click();
    await op.getByRole('button', { name: 'Allow everything again' }).click();
    await op.getByText('Access policy saved. It applies from the next request.').first().waitFor();
    await portal.t.services.feed.drain();
  });

  it('the tenant admin and the partner each edit the relationship details on their page of the link', { timeout: 180_000 }, async () => {
    const link = (await (await acme.admin.login()).get(`/api/v1/tenants/${acme.id}/delegations?status=active&partner_id=${msp.id}`)).body.data[0];
    const admin = await portal.newPage();
    await admin.setViewportSize({ width: 1366, height: 900 });
    await login(admin, acme.admin.email, acme.admin.password);
    await clickSidebar(admin, false, 'nav-tenant', /Partners with access/);
    const row = admin.locator(`[data-testid="active-delegations"] [data-delegation="${link.id}"]`).first();
    await row.waitFor();
    await check(admin, 'tenant-partners');
    await row.getByRole('link', { name: msp.name }).click();
    const panel = admin.getByTestId('relationship-details');
    await panel.getByText('No contacts recorded yet.').waitFor();
    await check(admin, 'tenant-link');

    await panel.getByRole('button', { name: 'Change' }).click();
    await panel.getByLabel('Contract reference').fill('MSA-2026-014');
    await panel.getByRole('button', { name: 'Add a contact' }).click();
    await panel.getByLabel('Name').fill('Dana Reyes');
    await panel.getByLabel('Role').fill('Account manager');
    await panel.getByLabel('E-mail address').fill('dana at example');
    await panel.getByRole('button', { name: 'Save details' }).click();
    // refused at its field, in words, before anything was sent
    await panel.getByText('This is not an e-mail address.').waitFor();
    await check(admin, 'tenant-link-refused');
    await panel.getByLabel('E-mail address').fill('dana@acme.example');
    await panel.getByLabel('Notes').fill('Renewal talks start in March.');
    await panel.getByRole('button', { name: 'Save details' }).click();
    await admin.getByText('Relationship details saved. Both sides see them now.').waitFor();
    await panel.getByTestId('relationship-contract').getByText('MSA-2026-014').waitFor();
    await check(admin, 'tenant-link-saved');

    // the partner's owner, on its page of this customer: sees the admin's details and adds its own contact
    const owner = await portal.newPage();
    await owner.setViewportSize({ width: 1366, height: 900 });
    await login(owner, msp.owner.email, msp.owner.password);
    await clickSidebar(owner, false, 'nav-partner', /Customers I manage/);
    await owner.getByRole('link', { name: acme.name }).first().click();
    const theirs = owner.getByTestId('relationship-details');
    await theirs.getByText('Dana Reyes').waitFor();
    // who changed them, by name, and on which side
    expect(await theirs.innerText()).toMatch(new RegExp(` by [^\n]+ \\(${acme.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    await theirs.getByRole('button', { name: 'Change' }).click();
    await theirs.getByRole('button', { name: 'Add a contact' }).click();
    await theirs.getByLabel('Name').nth(1).fill('Sam Okafor');
    await theirs.getByLabel('Phone').nth(1).fill('+44 20 7946 0000');
    await theirs.getByRole('button', { name: 'Save details' }).click();
    await owner.getByText('Relationship details saved. Both sides see them now.').waitFor();
    await theirs.getByText('Sam Okafor').waitFor();
    await check(owner, 'partner-customer-relationship');

    // the tenant admin sees the partner's change; both changes are in the audit log, in words
    await clickSidebar(admin, false, 'nav-tenant', /Partners with access/);
    await admin.locator(`[data-testid="active-delegations"] [data-delegation="${link.id}"]`).first().getByRole('link', { name: msp.name }).click();
    await admin.getByTestId('relationship-details').getByText('Sam Okafor').waitFor();
    const log = await (await acme.admin.login()).get(`/api/v1/tenants/${acme.id}/audit-events?action=delegation.relationship_changed`);
    expect(log.body.data.map((e: { details: { side: string } }) => e.details.side)).toEqual(['partner', 'tenant']);
    await clickSidebar(admin, false, 'nav-tenant', /^Audit log$/);
    await admin.getByText('Relationship details changed').first().waitFor();
    await check(admin, 'tenant-audit');
  });
});
