/**
 * An agency's work, from both sides, at a laptop (1366 px) and a phone (390 px) width, by clicks
 * only after signing in. An agency has no account of its own (a form token is its only credential):
 *   the customer's admin  Agencies in the sidebar (empty at first, and saying what to do); a new
 *                         agency; its page; a form token generated with the form's offer, shown once
 *                         with its embed code; the vouchers the agency issued, listed on its page by
 *                         code and recipient; the token revoked, and the page saying so
 *   the agency's visitor  on the agency's own site (another origin), the embedded form issues a
 *                         voucher and finds it again by its code
 * Every portal screen passes the shared checks (helpers/walk.ts): axe-core, no sideways scroll, no id
 * or permission code on screen, no badge cut short, no empty state where the server refused; the
 * agency's site is checked with axe and for sideways scroll too. Screenshots:
 * artifacts/screenshots/agency-journey-*.png.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneTimeSecret, startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestTenant } from '../helpers/world.ts';

let portal: Portal;
let agencySite: Server;
let agencyOrigin: string;
/** the pages the agency's site serves, filled in as the journey goes */
const sitePages = new Map<string, string>();

beforeAll(async () => {
  portal = await startPortal({}, { crossOrigin: true });
  agencySite = createServer((req, res) => {
    const body = sitePages.get(req.url ?? '/');
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((r) => agencySite.listen(0, '127.0.0.1', r));
  // another site: the portal is 127.0.0.1, the agency's site localhost
  agencyOrigin = `http://localhost:${(agencySite.address() as { port: number }).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise<void>((r) => (agencySite ? agencySite.close(() => r()) : r()));
  await portal?.close();
});

function sitePage(title: string, snippet: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>Book your trip with us and get a welcome voucher.</p>
${snippet}</main></body></html>`;
}

describe("an agency's work", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`at ${w}px: the customer's admin sets up an agency and its form; the agency's visitor issues a voucher; the admin sees it and revokes the form`, { timeout: 300_000 }, async () => {
      const tenant: TestTenant = await portal.t.world.tenant();
      const admin = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      const agencyName = `Sunrise Travel ${w}`;

      // Agencies: none yet, and the page says what to do
      await clickSidebar(admin, phone, 'nav-tenant', /^Agencies/);
      await admin.getByRole('heading', { name: 'Agencies' }).first().waitFor();
      const empty = await walkPage(admin, `agency-journey-list-empty-${w}`);
      expect(empty).toContain('No agencies yet');

      await admin.getByRole('button', { name: 'New agency' }).click();
      await admin.getByRole('dialog').getByLabel(/^Agency name/).fill(agencyName);
      await walkPage(admin, `agency-journey-new-${w}`);
      await admin.getByRole('dialog').getByRole('button', { name: 'Create agency' }).click();
      await admin.getByRole('dialog').waitFor({ state: 'hidden' });
      await admin.getByTestId('agencies').getByRole('link', { name: agencyName }).waitFor();
      await walkPage(admin, `agency-journey-list-${w}`);
      await admin.getByTestId('agencies').getByRole('link', { name: agencyName }).click();
      await admin.getByRole('heading', { name: agencyName }).waitFor();
      const fresh = await walkPage(admin, `agency-journey-detail-new-${w}`);
      expect(fresh).not.toMatch(/agy_|agt_/);

      // a form token, with the form's offer; shown once with its embed code
      await admin.getByRole('button', { name: 'Generate form token' }).click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByLabel(/^Form name/).fill('Booking confirmation page');
      await dialog.getByRole('checkbox', { name: 'Free installation' }).check();
      await admin.frameLocator('[data-testid="form-preview"]').getByLabel('Voucher type').waitFor();
      await walkPage(admin, `agency-journey-token-form-${w}`, { live: true });
      await dialog.getByRole('button', { name: 'Generate token' }).click();
      const token = await oneTimeSecret(admin);
      expect(token).toMatch(/^pgagt_/);
      const shown = admin.getByRole('dialog', { name: 'Form token generated' });
      const snippet = (await shown.getByTestId('embed-snippet-iframe').innerText()).trim();
      await walkPage(admin, `agency-journey-token-shown-${w}`);
      await shown.getByRole('button', { name: 'I have copied it' }).click();
      await admin.locator('[data-testid="agency-tokens"] [data-token-label="Booking confirmation page"]').first().waitFor();
      const withToken = await walkPage(admin, `agency-journey-detail-token-${w}`);
      expect(withToken).not.toContain(token);

      // the agency's visitor, on the agency's own site
      sitePages.set(`/book-${w}`, sitePage(`${agencyName} — your booking`, snippet));
      const visitor = await portal.newPage();
      await visitor.setViewportSize(size);
      await visitor.goto(`${agencyOrigin}/book-${w}`);
      const form = visitor.frameLocator('iframe');
      await form.getByLabel('Voucher type').waitFor();
      await form.getByLabel('Voucher type').selectOption('free_installation');
      await form.getByLabel('Recipient name').fill('Grace Hopper');
      await form.getByLabel('Recipient email').fill('grace@example.test');
      await form.getByRole('button', { name: 'Issue voucher' }).click();
      await form.getByRole('button', { name: 'Yes, issue it' }).click();
      const code = (await form.getByTestId('issued-code').innerText()).trim();
      expect(code).toMatch(/^VCH-/);
      await form.getByLabel('Voucher code').fill(code);
      await form.getByRole('button', { name: 'Look up' }).click();
      await form.getByTestId('lookup-result').getByText(code).waitFor();
      await walkPage(visitor, `agency-journey-site-${w}`);
      await visitor.close();

      // back in the portal: the agency's voucher on its page, by code and recipient
      await clickSidebar(admin, phone, 'nav-tenant', /^Agencies/);
      await admin.getByTestId('agencies').getByRole('link', { name: agencyName }).click();
      await admin.getByTestId('agency-vouchers').getByText(code).first().waitFor();
      const withVoucher = await walkPage(admin, `agency-journey-detail-voucher-${w}`);
      expect(withVoucher).toContain('Grace Hopper');

      // the form is revoked: the page says so
      await admin.locator('[data-testid="agency-tokens"] [data-token-label="Booking confirmation page"]').first().getByRole('button', { name: /Revoke/ }).click();
      await admin.getByRole('dialog', { name: 'Revoke this token?' }).getByRole('button', { name: /Revoke/ }).click();
      await admin.getByRole('dialog').waitFor({ state: 'hidden' });
      await admin.locator('[data-testid="agency-tokens"]').getByText(/revoked/i).first().waitFor();
      await walkPage(admin, `agency-journey-detail-revoked-${w}`);
      await admin.close();
    });
  }
});
