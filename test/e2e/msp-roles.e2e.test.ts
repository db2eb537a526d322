/**
 * The MSP workspace follows what each member's role includes, in the demo world, at a laptop
 * (1366 px) and a phone (390 px) width, by clicking:
 *   support  sees Dashboard, Ticket queue, Reports and Alerts — no Invoices, no receivables shown as $0.00
 *   billing  sees Dashboard, Invoices, Reports and Alerts — no Ticket queue; opened by its address,
 *            the queue says the role does not include it instead of "No open tickets"
 *   auditor  reads invoices and tickets, but is offered no Export and no ticket form
 * On every page axe-core finds no serious or critical violation. Screenshots:
 * artifacts/screenshots/msp-roles-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { signedIn as signIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { seedDemo } from '../../src/demo/demo.seed.ts';

const MSP_VIEWS = ['Dashboard', 'Invoices', 'Ticket queue', 'Reports', 'Alerts'] as const;

let portal: Portal;
let members: { email: string; password: string; member_role: string }[];

beforeAll(async () => {
  portal = await startPortal();
  const world = await seedDemo(portal.t.services);
  members = (world.msp_members as typeof members | undefined) ?? [];
}, 180_000);
afterAll(() => portal?.close());

function member(role: string) {
  const m = members.find((x) => x.member_role === role);
  if (!m) throw new Error(`the demo world has no ${role} member`);
  return m;
}

/** The shared per-screen checks (helpers/walk.ts); screenshots under artifacts/screenshots/msp-roles-*.png. */
async function check(page: Page, name: string): Promise<string> {
  return walkPage(page, `msp-roles-${name}`);
}

/** On a phone the navigation is behind the menu button: open it unless it is open. */
async function openMenu(page: Page): Promise<void> {
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
  await link(page, 'Dashboard').waitFor({ state: 'visible' });
}

/** The MSP views the sidebar offers (opening the menu on a phone). */
async function navViews(page: Page, phone: boolean): Promise<string[]> {
  if (phone) await openMenu(page);
  const nav = page.getByTestId('nav-partner');
  await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
  const out: string[] = [];
  for (const v of MSP_VIEWS) if ((await link(page, v).count()) > 0) out.push(v);
  return out;
}

/** A view's link in the sidebar (its name may carry a count after it: "Alerts 3"). */
function link(page: Page, view: string) {
  return page.getByTestId('nav-partner').getByRole('link', { name: new RegExp(`^${view}\\b`) });
}

async function go(page: Page, phone: boolean, view: (typeof MSP_VIEWS)[number]): Promise<void> {
  if (phone) await openMenu(page);
  await link(page, view).click();
  await page.locator('main h1, main h2').first().waitFor();
}

async function signedIn(role: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  const m = member(role);
  return signIn(portal, m.email, m.password, size);
}

describe('MSP workspace by member role', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`support member at ${w}px: tickets and SLA, no invoices, no money figures`, { timeout: 180_000 }, async () => {
      const page = await signedIn('partner_msp_support', size);
      expect(await navViews(page, phone)).toEqual(['Dashboard', 'Ticket queue', 'Reports', 'Alerts']);
      await go(page, phone, 'Dashboard');
      await page.getByTestId('tile-customers-value').waitFor();
      await page.getByTestId('tile-tickets-value').waitFor();
      const dash = await check(page, `support-dashboard-${w}`);
      expect(await page.getByTestId('tile-receivables').count()).toBe(0);
      expect(await page.getByTestId('tile-overdue').count()).toBe(0);
      for (const s of ['$0.00', 'No invoices', 'Receivables']) expect(dash, `the support dashboard shows "${s}"`).not.toContain(s);

      await go(page, phone, 'Ticket queue');
      await page.getByTestId('ticket-queue').locator('tbody tr, [data-number]').first().waitFor();
      const queue = await check(page, `support-tickets-${w}`);
      expect(queue).not.toContain('No open tickets');
      await page.getByRole('button', { name: 'Open a ticket' }).waitFor();
      await page.close();
    });

    it(`billing member at ${w}px: invoices and export, no ticket queue; the queue by its address says the role does not include it`, { timeout: 180_000 }, async () => {
      const page = await signedIn('partner_msp_billing', size);
      expect(await navViews(page, phone)).toEqual(['Dashboard', 'Invoices', 'Reports', 'Alerts']);
      await go(page, phone, 'Dashboard');
      await page.getByTestId('tile-receivables-value').waitFor();
      const dash = await check(page, `billing-dashboard-${w}`);
      expect(await page.getByTestId('tile-tickets').count()).toBe(0);
      expect(dash).not.toContain('No open tickets');

      await go(page, phone, 'Invoices');
      await page.getByTestId('msp-invoices').locator('tbody tr, [data-number]').first().waitFor();
      await page.getByTestId('export-invoices').waitFor();
      await check(page, `billing-invoices-${w}`);

      // the ticket queue is not in the navigation; someone who opens it by its address is told why
      await page.goto('/partner/tickets');
      await page.getByText('Your role does not include support tickets').waitFor();
      const refused = await check(page, `billing-tickets-refused-${w}`);
      expect(refused).not.toContain('No open tickets');
      expect(await page.getByRole('button', { name: 'Open a ticket' }).count()).toBe(0);
      await page.close();
    });

    it(`auditor at ${w}px: reads invoices and tickets, offered no export and no ticket form`, { timeout: 180_000 }, async () => {
      const page = await signedIn('partner_auditor', size);
      expect(await navViews(page, phone)).toEqual(['Dashboard', 'Invoices', 'Ticket queue', 'Reports', 'Alerts']);
      await go(page, phone, 'Invoices');
      await page.getByTestId('msp-invoices').locator('tbody tr, [data-number]').first().waitFor();
      await check(page, `auditor-invoices-${w}`);
      expect(await page.getByTestId('export-invoices').count()).toBe(0);

      await go(page, phone, 'Ticket queue');
      const first = page.getByTestId('ticket-queue').locator('[data-number]').first();
      await first.waitFor();
      await check(page, `auditor-tickets-${w}`);
      expect(await page.getByRole('button', { name: 'Open a ticket' }).count()).toBe(0);
      await first.click();
      await page.getByTestId('ticket-readonly').waitFor();
      await check(page, `auditor-ticket-${w}`);
      const drawer = page.getByTestId('ticket-drawer');
      expect(await drawer.getByLabel('Add a comment').count()).toBe(0);
      expect(await drawer.getByTestId('ticket-status').count()).toBe(0);
      await page.close();
    });
  }
});
