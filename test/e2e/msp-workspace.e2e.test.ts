/**
 * Browser journeys of the MSP workspace, at a laptop (1366 px) and a phone (390 px) width,
 * with no sideways scrolling:
 *   MSP: log in → dashboard → a customer → its billing and tickets → a ticket on its behalf → the
 *        next customer; the consolidated invoices (filter, export) and the ticket queue (status,
 *        comment, assignee); the alerts inbox.
 *   Enterprise HQ: consolidated revenue → drill into a subsidiary's SLA → assign an agent to its ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, startPortal, type Portal } from './helpers/portal.ts';
import { walkPage, watchRefusals, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { seedResourceData } from '../../src/modules/resources/resources.demo.ts';
import { activeLink } from '../api/delegations/helpers.ts';
import { asSystem } from '../../src/platform/db/db-context.ts';

let portal: Portal;
let msp: TestPartner;
let hq: TestPartner;
let acme: TestTenant;
let beta: TestTenant;
let sub: TestTenant;
let page: Page;

/** The shared per-screen checks (helpers/walk.ts) at both widths, back to the laptop width afterwards. */
async function shoot(p: Page, name: string) {
  for (const size of WIDTHS) {
    await p.setViewportSize(size);
    await walkPage(p, `msp-${name}-${size.width}`);
  }
  await p.setViewportSize(WIDTHS[0]);
}

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  hq = await t.world.partner({ capabilities: ['managed_services'] });
  [acme, beta, sub] = [await t.world.tenant(), await t.world.tenant(), await t.world.tenant()];
  for (const x of [acme, beta, sub]) {
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
  }
  const mspOwner = await msp.owner.login();
  await activeLink(mspOwner, await acme.admin.login(), msp.id, acme, { role: 'MSP_FULL' });
  await activeLink(mspOwner, await beta.admin.login(), msp.id, beta, { role: 'MSP_FULL' });
  await activeLink(await hq.owner.login(), await sub.admin.login(), hq.id, sub, { role: 'ENTERPRISE_HQ' });
  // PDF statements are an early-access feature: this MSP is in it
  await t.services.partners.updateConfigSection(t.world.ctx, msp.id, 'features', { 'exports.pdf': true });
  await t.services.feed.drain();
  page = await portal.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  watchRefusals(page);
}, 180_000);
afterAll(() => portal?.close());

/** The number the bell shows (its accessible name says it: "Notifications: 3 new"). */
async function bellCount(p: Page): Promise<number> {
  const label = (await p.getByTestId('bell').getAttribute('aria-label')) ?? '';
  return Number(label.match(/(\d+) new/)?.[1] ?? 0);
}

describe('MSP workspace', () => {
  it('dashboard → customer → billing and tickets → ticket on behalf → next customer', { timeout: 300_000 }, async () => {
    await login(page, msp.owner.email, msp.owner.password);
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Dashboard' }).click();
    // tiles across every managed customer
    await page.getByTestId('tile-customers-value').getByText('2', { exact: true }).waitFor();
    expect(await page.getByTestId('tile-receivables-value').innerText()).toMatch(/\d/);
    await page.getByTestId('chart').first().locator('.recharts-surface').first().waitFor();
    const text = await page.locator('main').innerText();
    for (const word of ['X-Active-Tenant-Id', '/api/v1', 'tnt_', 'dlg_']) expect(text).not.toContain(word);
    await shoot(page, 'dashboard');

    // the customer list, with figures per customer, search
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
    const rowOf = (x: TestTenant) => page.locator(`[data-testid="partner-delegations"] tr[data-tenant="${x.slug}"]`);
    await rowOf(acme).waitFor();
    await page.getByTestId('customer-search').fill(beta.slug);
    await expect.poll(() => rowOf(acme).count()).toBe(0);
    await page.getByTestId('customer-search').fill('');
    await rowOf(acme).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('tnt_');
    await shoot(page, 'customers');

    // one customer: its invoices (from its own data) and tickets
    await rowOf(acme).getByRole('link', { name: acme.name }).click();
    await page.locator(`[data-testid="active-context"][data-tenant="${acme.id}"][data-state="allowed"]`).waitFor();
    await page.getByTestId('customer-invoices').locator('tbody tr').first().waitFor();
    await page.getByTestId('customer-permissions').getByText('Read invoices').waitFor();
    const main = await page.locator('main').innerText();
    for (const word of ['X-Active-Tenant-Id', 'billing.invoices.read', acme.id]) expect(main).not.toContain(word);
    await shoot(page, 'customer');

    // what the link commits to, in words; the owner (full access) changes the availability and the threshold
    const terms = page.getByTestId('link-commitments');
    await terms.getByTestId('commitment-availability').getByText('99.5%').waitFor();
    expect(await terms.getByTestId('commitment-times').innerText()).toMatch(/Urgent\s+30 min\s+4 h/);
    await terms.getByTestId('edit-commitments').click();
    const form = page.getByTestId('commitments-form');
    await form.getByLabel(/^Availability each month/).fill('99.95');
    await form.getByLabel(/^Billing threshold/).fill('12500');
    await form.getByLabel('By e-mail').check();
    await form.getByLabel(/^E-mail recipients/).fill('noc@msp.example');
    await page.keyboard.press('Enter');
    await shoot(page, 'commitments-form');
    await form.getByTestId('save-commitments').click();
    await form.waitFor({ state: 'hidden' });
    await terms.getByTestId('commitment-availability').getByText('99.95%').waitFor();
    await terms.getByTestId('commitment-threshold').getByText('$12,500.00').waitFor();
    await terms.getByTestId('commitments-changed').getByText(/Last changed .* by /).waitFor();
    // the history names the reader's own change as theirs, not as someone's
    await terms.getByTestId('commitments-history').getByText(/· You changed the /).waitFor();
    expect(await terms.getByTestId('commitments-history').innerText()).not.toMatch(/Someone/);
    // the answer to a change does not repeat can_edit: the one who saved may still change them
    await terms.getByTestId('edit-commitments').waitFor();
    const saved = await portal.t.services.alerts.commitments((await portal.t.services.db.kysely.selectFrom('delegations').select('id').where('partner_id', '=', msp.id).where('tenant_id', '=', acme.id).executeTakeFirstOrThrow()).id);
    expect(saved).toMatchObject({ sla: { availability_pct: 99.95 }, billing_threshold: { amount_cents: 1_250_000 }, alerts: { channels: ['in_app', 'email'], recipients: ['noc@msp.example'] } });
    expect(await page.locator('main').innerText()).not.toMatch(/links\.commitments|availability_pct|dlg_/);
    await terms.scrollIntoViewIfNeeded();
    await shoot(page, 'commitments');
    await page.getByRole('tab', { name: 'Tickets' }).click();
    await page.getByTestId('customer-tickets').waitFor();

    // a ticket on the customer's behalf
    await page.getByRole('button', { name: 'Open a ticket' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Subject/).fill('Fibre link flapping at HQ');
    await dialog.getByLabel(/^Description/).fill('Monitoring shows the uplink dropping every few minutes since 08:00.');
    await shoot(page, 'ticket-on-behalf');
    await dialog.getByRole('button', { name: 'Open ticket' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('customer-tickets').getByText('Fibre link flapping at HQ').waitFor();
    const stored = await portal.t.services.db.kysely.selectFrom('support_tickets').select(['tenant_id', 'subject']).where('subject', '=', 'Fibre link flapping at HQ').execute();
    expect(stored).toEqual([{ tenant_id: acme.id, subject: 'Fibre link flapping at HQ' }]);

    // the next customer
    await page.getByTestId('next-customer').click();
    await page.locator(`[data-testid="active-context"][data-tenant="${beta.id}"][data-state="allowed"]`).waitFor();
    await page.getByRole('heading', { name: beta.name, exact: true }).waitFor();
  });

  it('consolidated invoices: customer and billing account columns, filter, CSV export', { timeout: 240_000 }, async () => {
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Invoices' }).click();
    const table = page.getByTestId('msp-invoices');
    await table.locator('tbody tr').first().waitFor();
    const tenants = new Set(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tenant'))));
    expect(tenants).toEqual(new Set([acme.id, beta.id]));
    expect(await table.locator('tbody tr').first().innerText()).toMatch(/[$€£]\s?[\d,]+\.\d\d/);
    // the billing account by its number (BAN), not its id
    expect(await table.locator('thead').innerText()).toContain('Billing account');
    const bans = [...acme.bans, ...beta.bans].map((b) => b.account_number);
    const firstRow = await table.locator('tbody tr').first().innerText();
    expect(bans.some((n) => firstRow.includes(n))).toBe(true);
    expect(firstRow).not.toContain('ban_');
    await shoot(page, 'invoices');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.getByTestId('export-invoices').click();
        await page.getByRole('menuitem', { name: 'Spreadsheet (CSV)' }).click();
      })(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    // the printable statement
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.getByTestId('export-invoices').click();
        await page.getByRole('menuitem', { name: 'Statement (PDF)' }).click();
      })(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);

    // a large export runs as a job: the page shows its progress and offers the download when ready
    const started = await (await msp.owner.login()).post('/api/v1/partner/billing/invoices/export', { format: 'csv', mode: 'job' });
    expect(started.status).toBe(202);
    // the person comes back to the invoices page (by the sidebar) and finds the job there
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('nav-partner').getByRole('link', { name: /^Invoices$/ }).click();
    const job = page.getByTestId('export-job').first();
    await job.getByRole('button', { name: 'Download' }).waitFor({ timeout: 30_000 });
    // the list under the card has loaded too, so nothing moves the button while it is clicked
    await page.getByTestId('invoice-totals').waitFor();
    expect(await job.innerText()).toMatch(/of \d+ invoices/);
    await shoot(page, 'export-job');
    const [file] = await Promise.all([page.waitForEvent('download'), job.getByRole('button', { name: 'Download' }).click()]);
    expect(file.suggestedFilename()).toMatch(/\.csv$/);

    // search and sort are the server's: a search for one invoice number finds just it
    const number = await table.locator('tbody tr').first().getAttribute('data-number');
    await page.getByLabel('Search').fill(number!);
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await page.getByTestId('invoice-totals').getByText('Showing 1 of 1 invoices.', { exact: false }).waitFor();
    await page.getByLabel('Search').fill('');
  });

  it('the owner makes a member a support agent: that member sees tickets but no invoices', { timeout: 240_000 }, async () => {
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Team' }).click();
    const row = page.locator(`[data-testid="partner-members"] tr[data-email="${msp.staff.email}"]`);
    await row.getByTestId('member-work-role').click();
    await page.getByRole('option', { name: 'Support' }).click();
    await page.getByText('Done: it applies from their next request.').first().waitFor();
    await shoot(page, 'team-roles');

    const staff = await portal.newPage();
    await staff.setViewportSize({ width: 1366, height: 900 });
    watchRefusals(staff);
    await login(staff, msp.staff.email, msp.staff.password);
    await staff.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
    await staff.locator(`[data-testid="partner-delegations"] tr[data-tenant="${acme.slug}"]`).getByRole('link', { name: acme.name }).click();
    await staff.locator(`[data-testid="active-context"][data-tenant="${acme.id}"][data-state="allowed"]`).waitFor();
    await staff.getByRole('tab', { name: 'Tickets' }).waitFor();
    expect(await staff.getByRole('tab').allInnerTexts()).not.toContain('Invoices');
    await shoot(staff, 'support-agent-customer');
  });

  it('ticket queue: status, comment and assignee; alerts inbox', { timeout: 240_000 }, async () => {
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Ticket queue' }).click();
    const row = page.locator('[data-testid="ticket-queue"] tr', { hasText: 'Fibre link flapping at HQ' });
    await row.waitFor();
    await row.click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('ticket-status').click();
    await page.getByRole('option', { name: 'In progress' }).click();
    await page.getByText('Ticket updated.').first().waitFor();
    await drawer.getByLabel('Add a comment').fill('Replacing the SFP on site this afternoon.');
    await drawer.getByRole('button', { name: 'Add comment' }).click();
    await drawer.getByText('Replacing the SFP on site this afternoon.').waitFor();
    await shoot(page, 'ticket');
    const t = await portal.t.services.db.kysely.selectFrom('support_tickets').select(['status', 'comments']).where('subject', '=', 'Fibre link flapping at HQ').executeTakeFirstOrThrow();
    expect(t.status).toBe('in_progress');
    expect(t.comments).toContain('Replacing the SFP');
    await page.keyboard.press('Escape');

    // the scheduled evaluation opens alerts against each link's commitments; the inbox lists them to act on
    await asSystem(() => portal.t.services.alerts.evaluate(portal.t.world.ctx));
    // the events worker tells the owner in the bell
    await portal.t.services.notifications.worker.tick();
    // the evaluation ran on the server a moment after the page last asked: the owner logs out and back in,
    // as the next time they come (the sidebar's badge holds an answer from before the evaluation)
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await login(page, msp.owner.email, msp.owner.password);
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Alerts' }).click();
    const alerts = page.getByTestId('msp-alerts');
    const first = alerts.locator('tbody tr[data-status="open"]').first();
    await first.waitFor();
    await shoot(page, 'alerts');
    // the list settles (the badge's copy, then the page's own answer) before it is counted
    await page.waitForLoadState('networkidle');
    await expect.poll(() => alerts.locator('tbody tr[data-status="open"]').count()).toBeGreaterThan(0);
    const before = await alerts.locator('tbody tr[data-status="open"]').count();
    const bellBefore = await bellCount(page);
    expect(bellBefore, 'the owner was told of the alerts in the bell').toBeGreaterThan(0);
    await first.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Alert acknowledged.').first().waitFor();
    await expect.poll(() => alerts.locator('tbody tr[data-status="open"]').count()).toBe(before - 1);
    // someone is on it: its notice is no longer new, and the bell drops by it at once
    await expect.poll(() => bellCount(page), { timeout: 45_000 }).toBe(bellBefore - 1);
    await alerts.locator('tbody tr[data-status="acknowledged"]').first().getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('Alert resolved.').first().waitFor();
  });
});

describe('Enterprise HQ', () => {
  it('consolidated revenue → a subsidiary’s SLA → assign an agent', { timeout: 240_000 }, async () => {
    const p = await portal.newPage();
    await p.setViewportSize({ width: 1366, height: 900 });
    watchRefusals(p);
    await login(p, hq.owner.email, hq.owner.password);
    await p.getByTestId('nav-partner').getByRole('link', { name: 'Dashboard' }).click();
    await p.getByText('Revenue and receivables by month').first().waitFor();
    await p.getByTestId('chart').first().locator('.recharts-surface').first().waitFor();
    await shoot(p, 'hq-dashboard');

    // drill into the subsidiary's SLA
    await p.getByTestId('nav-partner').getByRole('link', { name: 'Reports' }).click();
    await p.getByRole('tab', { name: 'SLA compliance' }).click();
    await p.locator(`[data-testid="sla-report"] tr[data-tenant="${sub.id}"]`).waitFor();
    await p.getByTestId('report-customer').click();
    await p.getByRole('option', { name: sub.name }).click();
    await p.waitForURL((u) => u.searchParams.get('customer') === sub.id);
    await shoot(p, 'hq-sla');
    await p.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
    await p.locator(`[data-testid="partner-delegations"] tr[data-tenant="${sub.slug}"]`).getByRole('link', { name: sub.name }).click();
    await p.getByRole('tab', { name: 'SLA' }).click();
    await p.getByTestId('customer-sla').locator('tbody tr').first().waitFor();
    await shoot(p, 'hq-subsidiary-sla');

    // assign an HQ agent to one of the subsidiary's tickets
    await p.getByRole('tab', { name: 'Tickets' }).click();
    await p.getByTestId('customer-tickets').locator('tbody tr').first().click();
    const drawer = p.getByRole('dialog');
    const assignee = drawer.getByTestId('ticket-assignee');
    await assignee.click();
    const option = p.getByRole('option').first();
    if (await option.count()) {
      await option.click();
    } else {
      await assignee.fill('HQ support desk');
      await assignee.press('Enter');
    }
    await p.getByText('Ticket updated.').first().waitFor();
    await shoot(p, 'hq-assign');
    const assigned = await portal.t.services.db.kysely.selectFrom('support_tickets').select('assignee').where('tenant_id', '=', sub.id).where('assignee', 'is not', null).execute();
    expect(assigned.length).toBeGreaterThan(0);
  });
});
