/**
 * Browser journeys of customer self-service, at 1366 px and 390 px with no sideways scrolling:
 *   - a tenant admin and a tenant user see their own orders, services, invoices, tickets, usage and
 *     SLA, each order showing who placed it (the MSP, not a user id);
 *   - a tenant admin sees a badge when a link request waits, reviews it before approving, and
 *     narrows the billing accounts and permissions (picked in words) as they approve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, startPortal, type Portal } from './helpers/portal.ts';
import { walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { seedResourceData } from '../../src/modules/resources/resources.demo.ts';
import { activeLink, requestLink } from '../api/delegations/helpers.ts';

let portal: Portal;
let msp: TestPartner;
let tenant: TestTenant;
let linkId: string;

/** The shared per-screen checks (helpers/walk.ts) at both widths, back to the laptop width afterwards. */
async function shoot(p: Page, name: string) {
  for (const size of WIDTHS) {
    await p.setViewportSize(size);
    await walkPage(p, `self-${name}-${size.width}`);
  }
  await p.setViewportSize(WIDTHS[0]);
}

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  tenant = await t.world.tenant();
  linkId = await activeLink(await msp.owner.login(), await tenant.admin.login(), msp.id, tenant, { role: 'MSP_FULL' });
  await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, {
    id: tenant.id,
    userIds: [tenant.user.id],
    parties: [{ persona: 'msp', partnerId: msp.id, clientId: null, userIds: [msp.owner.id], delegationId: linkId, banIds: null, billToBanId: null, weight: 5 }],
  });
}, 180_000);
afterAll(() => portal?.close());

describe('customer self-service', () => {
  it('a tenant admin sees their orders with who placed them, and their invoices, tickets, usage and SLA', { timeout: 300_000 }, async () => {
    const page = await portal.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, tenant.admin.email, tenant.admin.password);
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Orders, invoices and tickets' }).click();
    const orders = page.getByTestId('self-orders');
    await orders.locator('tbody tr').first().waitFor();
    // orders the MSP placed name the MSP, never a user id
    await orders.getByTestId('placed-by').filter({ hasText: msp.name }).first().waitFor();
    const text = await page.locator('main').innerText();
    for (const dev of ['usr_', 'tnt_', 'ptr_', 'X-Active-Tenant-Id']) expect(text).not.toContain(dev);
    await shoot(page, 'orders');
    for (const [tab, testId] of [
      ['Invoices', 'self-invoices'],
      ['Tickets', 'self-tickets'],
      ['SLA', 'self-sla'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      // each tab asks the server when it opens; on a loaded machine the aggregate takes a while
      await page.getByTestId(testId).locator('tbody tr').first().waitFor({ timeout: 45_000 });
      await shoot(page, tab.toLowerCase());
    }
    // each SLA row names its service (a month has one record per service), never an id — once the services have loaded
    await expect.poll(async () => (await page.getByTestId('self-sla').locator('tbody').innerText()).includes('Service…'), { timeout: 45_000 }).toBe(false);
    const slaRows = await page.getByTestId('self-sla').locator('thead, tbody tr').allInnerTexts();
    expect(slaRows[0]).toContain('Service');
    expect(slaRows.slice(1).every((r) => !/svc_/.test(r) && !/A service no longer listed/.test(r))).toBe(true);
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.getByTestId('chart').first().locator('.recharts-surface').first().waitFor();
    await shoot(page, 'usage');
    expect(await page.getByTestId('self-tiles').innerText()).toMatch(/To pay\s*\$[\d,]+\.\d\d/i);

    // what the MSP committed to, in words; the admin changes the resolution time of urgent tickets
    await page.getByRole('tab', { name: 'Partner commitments' }).click();
    const terms = page.locator(`[data-testid="link-commitments"][data-delegation="${linkId}"]`);
    await terms.getByText(`What ${msp.name} committed to`).waitFor({ timeout: 45_000 });
    await terms.getByTestId('edit-commitments').click();
    const form = page.getByTestId('commitments-form');
    await form.getByLabel('Urgent: resolved').fill('180');
    await form.getByLabel('An invoice becomes overdue').uncheck();
    await form.getByTestId('save-commitments').click();
    await form.waitFor({ state: 'hidden' });
    // the panel shows the saved terms from the save's answer, without a reload (polled: React paints a moment later)
    await expect.poll(() => terms.getByTestId('commitment-times').innerText(), { timeout: 10_000 }).toMatch(/Urgent\s+30 min\s+3 h/);
    await expect.poll(() => terms.getByTestId('commitment-alerts').innerText(), { timeout: 10_000 }).not.toContain('An invoice becomes overdue');
    await terms.getByTestId('commitments-history').getByText(/You changed the service levels and alert settings/).waitFor();
    // the answer to a change does not repeat can_edit: the administrator who saved may still change them
    await terms.getByTestId('edit-commitments').waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/dlg_|usr_|resolution_minutes/);
    await shoot(page, 'commitments');

    // the audit log names the partner behind its people's events, and the access they asked for, not ids
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Audit log' }).click();
    const action = page.getByPlaceholder('e.g. Partner approved or Every partner event');
    await action.fill('Partner access requested');
    // the suggestions list closes, so it does not lie over the button
    await action.press('Escape');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=delegation\.requested/);
    await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
    await page.getByTestId('audit-table').getByText(msp.name, { exact: false }).first().waitFor();
    await page.getByTestId('audit-table').getByText('Partner access requested', { exact: true }).first().waitFor();
    await page.getByTestId('audit-table').getByText('partner access', { exact: true }).first().waitFor();
    expect(await page.getByTestId('audit-table').innerText()).not.toMatch(/usr_|dlg_/);
    await shoot(page, 'audit');
  });

  it('a tenant user reads the same data', { timeout: 60_000 }, async () => {
    const page = await portal.newPage();
    await login(page, tenant.user.email, tenant.user.password);
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Orders, invoices and tickets' }).click();
    await page.getByTestId('self-orders').locator('tbody tr').first().waitFor();
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['Orders', 'Services', 'Invoices', 'Tickets', 'Usage', 'SLA']);
    await shoot(page, 'user-orders');
  });

  it('a list the server could not send says so, asks again by itself, and offers to try again', { timeout: 90_000 }, async () => {
    const page = await portal.newPage();
    await login(page, tenant.admin.email, tenant.admin.password);
    // the connection drops for every request of the invoices list until the person asks again (the home
    // page's figures read the invoices too, with filters of their own: those are not the list's requests)
    let dropped = 0;
    let drop = true;
    await page.route('**/self/invoices**', (route) => {
      if (!drop || new URL(route.request().url()).search !== '?limit=200') return route.fallback();
      dropped++;
      return route.abort('connectionreset');
    });
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Orders, invoices and tickets' }).click();
    await page.getByRole('tab', { name: 'Invoices' }).click();
    const alert = page.getByTestId('error-alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/cannot be reached/);
    // the portal asked four times in all (three more tries) before showing the failure
    expect(dropped).toBe(4);
    await shoot(page, 'invoices-unreachable');
    drop = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('self-invoices').locator('tbody tr').first().waitFor({ timeout: 45_000 });
    expect(await alert.count()).toBe(0);

    // any page's list offers the same: the members, with nothing special written for them
    let membersDrop = true;
    await page.route(
      (u) => u.pathname === `/api/v1/tenants/${tenant.id}/members`,
      (route) => (membersDrop ? route.abort('connectionreset') : route.fallback()),
    );
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Members' }).click();
    await alert.waitFor({ timeout: 30_000 });
    membersDrop = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('tenant-members').locator('tbody tr').first().waitFor({ timeout: 45_000 });
    expect(await alert.count()).toBe(0);
  });

  it('reviews a link request before approving: a badge, then narrower accounts and permissions', { timeout: 120_000 }, async () => {
    const other = await portal.t.world.partner({ capabilities: ['managed_services'] });
    const asked = await requestLink(await other.owner.login(), other.id, { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'Network operations for the new branch offices' });
    const page = await portal.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, tenant.admin.email, tenant.admin.password);
    const nav = page.getByTestId('nav-tenant');
    await nav.getByTestId('nav-badge').getByText('1').waitFor();
    await nav.getByRole('link', { name: 'Partners with access' }).click();
    const card = page.locator(`[data-testid="pending-requests"] [data-partner="${other.slug}"]`);
    await card.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByTestId('approve-dialog');
    await dialog.getByText('Network operations for the new branch offices').waitFor();
    // permissions in words; untick placing and cancelling orders
    await dialog.getByRole('checkbox', { name: 'Place orders' }).uncheck();
    await dialog.getByRole('checkbox', { name: 'Cancel orders' }).uncheck();
    expect(await dialog.innerText()).not.toContain('orders.create');
    // share one billing account of the two
    await dialog.getByTestId('approve-bans').click();
    await page.getByRole('option', { name: new RegExp(tenant.bans[0].account_number) }).click();
    await page.keyboard.press('Escape');
    await shoot(page, 'approve-dialog');
    await dialog.getByRole('button', { name: 'Approve access' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator(`[data-testid="active-delegations"] tr[data-partner="${other.slug}"]`).waitFor();
    await expect.poll(() => nav.getByTestId('nav-badge').count()).toBe(0);

    const d = (await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/delegations/${asked.id}`)).body;
    expect(d.status).toBe('active');
    expect(d.ban_ids).toEqual([tenant.bans[0].id]);
    expect(d.overrides.deny.sort()).toEqual(['orders.cancel', 'orders.create']);
    const staff = await other.staff.login();
    const check = await staff.post('/api/v1/authz/check', { action: 'orders.create', tenant_id: tenant.id });
    expect(check.body).toMatchObject({ allow: false });
  });
});
