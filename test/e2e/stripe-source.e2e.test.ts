/**
 * Stripe in the portal, at a laptop (1366 px) and a phone (390 px) width, by clicking:
 *   operator   Data sources → "Connect Stripe": a name, the restricted API key and the webhook
 *              signing secret; the webhook URL to paste in Stripe's dashboard (with a copy button).
 *              Stripe (here: this test, signing with Stripe's own library) sends an invoice of a
 *              customer with no billing account: the customer is listed as waiting. The operator maps
 *              it to the customer's billing account, chosen by customer name and account number, and
 *              loads the history from a local Stripe-shaped server (STRIPE_API_BASE points at it):
 *              the result is said in words, and the last event received is shown.
 *   partner    the MSP's invoices say "Billing data from <the Stripe source>"; its usage and SLA
 *              reports say no source has sent any yet (none has).
 * No id on screen, no sideways scroll, and axe-core finds no serious or critical violation.
 * Screenshots: artifacts/screenshots/stripe-source-*.png.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { unique, type TestPartner, type TestTenant } from '../helpers/world.ts';

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

/** an id of ours shown as text */
const IDS = /\b(?:ptr|tnt|usr|dsrc|hld|ivc|ban)_[0-9a-z]{10,}\b/;
const SECRET = 'whsec_e2e_stripe_portal';
const signer = new Stripe('sk_test_signer_only');

let portal: Portal;
let tenant: TestTenant;
let msp: TestPartner;
let server: Server;
/** what the Stripe-shaped server lists, per API key (one run per width) */
const stripeData = new Map<string, { customers: Record<string, unknown>[]; invoices: Record<string, unknown>[] }>();

function invoiceObject(id: string, customer: string, status: 'open' | 'paid') {
  const at = Math.floor(Date.now() / 1000) - 3600;
  return {
    id,
    object: 'invoice',
    customer,
    number: id.toUpperCase(),
    status,
    currency: 'eur',
    created: at,
    due_date: at + 14 * 86_400,
    subtotal: 20_000,
    total_excluding_tax: 20_000,
    total: 24_000,
    amount_paid: status === 'paid' ? 24_000 : 0,
    amount_remaining: status === 'paid' ? 0 : 24_000,
    payment_intent: `pi_${id}`,
    status_transitions: { finalized_at: at, paid_at: status === 'paid' ? at + 60 : null, voided_at: null, marked_uncollectible_at: null },
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const data = stripeData.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    const list = (all: Record<string, unknown>[]) => {
      const after = url.searchParams.get('starting_after');
      const start = after ? all.findIndex((x) => x.id === after) + 1 : 0;
      const limit = 2;
      return { object: 'list', url: url.pathname, has_more: start + limit < all.length, data: all.slice(start, start + limit) };
    };
    const one = url.pathname.match(/^\/v1\/customers\/(cus_\w+)$/);
    const body = !data
      ? { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }
      : one
        ? (data.customers.find((c) => c.id === one[1]) ?? { error: { type: 'invalid_request_error', message: 'No such customer' } })
        : url.pathname === '/v1/customers'
          ? list(data.customers)
          : url.pathname === '/v1/invoices'
            ? list(data.invoices)
            : url.pathname === '/v1/subscriptions'
              ? list([])
              : { error: { type: 'invalid_request_error', message: 'No such route' } };
    res.writeHead(!data ? 401 : 'error' in body ? 404 : 200, { 'content-type': 'application/json', 'request-id': 'req_local' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  portal = await startPortal({ STRIPE_API_BASE: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  tenant = await t.world.tenant({ bans: 0 });
  await t.services.tenants.createBillingAccount(t.world.ctx, tenant.id, { name: 'Head office', account_number: `HQ-${Date.now()}` });
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), status: 'active' });
  await t.services.feed.drain();
}, 180_000);
afterAll(async () => {
  await portal?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

/** `address`: the webhook URL, which holds the source's id as an address to paste, not as a label */
async function check(page: Page, name: string, scope = 'main', address?: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `stripe-source-${name}`);
  const text = await page.locator(scope).first().innerText();
  expect(address ? text.split(address).join('') : text, `${name}: an id on screen`).not.toMatch(IDS);
}

async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
}

async function signedIn(email: string, password: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  await login(page, email, password);
  return page;
}

describe('Stripe as a data source in the portal', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`the operator connects Stripe, maps a waiting customer, loads the history, and the partner reads where its data comes from, at ${w}px`, { timeout: 240_000 }, async () => {
      const sourceName = `Stripe ${w} ${unique('e2e').slice(-5)}`;
      const apiKey = `rk_test_${unique('key').replace(/[^A-Za-z0-9]/g, '')}`;
      const customerId = `cus_${unique('c').replace(/[^A-Za-z0-9]/g, '')}`;
      const customerName = `Head office ${w}`;
      const [inv1, inv2] = [`in_${unique('a').replace(/[^A-Za-z0-9]/g, '')}`, `in_${unique('b').replace(/[^A-Za-z0-9]/g, '')}`];
      // Stripe knows the customer (no metadata.ban) and two invoices: one sent by webhook, one only in the history
      stripeData.set(apiKey, { customers: [{ id: customerId, object: 'customer', name: customerName, email: 'billing@example.test', metadata: {} }], invoices: [invoiceObject(inv1, customerId, 'open'), invoiceObject(inv2, customerId, 'paid')] });

      const op = await portal.t.world.operator();
      const page = await signedIn(op.email, op.password, size);
      await openMenu(page, phone);
      await page.getByTestId('nav-operator').getByRole('link', { name: 'Data sources' }).click();
      await page.getByRole('heading', { name: 'Data sources' }).first().waitFor();

      await page.getByRole('button', { name: 'Connect Stripe' }).click();
      const dialog = page.getByRole('dialog', { name: 'Connect Stripe' });
      await dialog.getByRole('textbox', { name: 'Name' }).fill(sourceName);
      await dialog.getByLabel('Webhook signing secret').fill(SECRET);
      await dialog.getByLabel('Restricted API key').fill(apiKey);
      await check(page, `connect-${w}`, '[role="dialog"]');
      await dialog.getByRole('button', { name: 'Connect Stripe' }).click();
      const done = page.getByRole('dialog', { name: `${sourceName} is connected` });
      const url = (await done.getByTestId('stripe-webhook-url').innerText()).trim();
      expect(url).toMatch(/^https?:\/\/[^/]+\/sync\/v1\/stripe\/dsrc_\w+\/webhook$/);
      await done.getByRole('button', { name: 'Copy the webhook URL' }).waitFor();
      await screenshot(page, `stripe-source-connected-${w}`);
      // the secrets never come back
      expect(await page.content()).not.toContain(apiKey);
      expect(await page.content()).not.toContain(SECRET);
      await done.getByRole('button', { name: 'Done' }).click();

      // Stripe sends the invoice of a customer with no billing account: it waits
      const sourceId = url.split('/').at(-2)!;
      const payload = JSON.stringify({ id: unique('evt'), object: 'event', type: 'invoice.finalized', created: Math.floor(Date.now() / 1000), api_version: '2026-10-28', data: { object: invoiceObject(inv1, customerId, 'open') } });
      const sent = await fetch(`${portal.url}/sync/v1/stripe/${sourceId}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: SECRET }) }, body: payload });
      expect(sent.status).toBe(200);
      expect(((await sent.json()) as { outcome: string }).outcome).toBe('waiting');

      await page.reload();
      await page.getByRole('button', { name: `Open ${sourceName}` }).click();
      const panel = page.getByTestId('stripe-panel');
      await panel.getByText(/Last event received (just now|\d+ minutes? ago)/).waitFor();
      const customers = panel.getByTestId('stripe-customers');
      await customers.getByText('Waiting for a billing account').first().waitFor();
      // a Stripe source has no sync token and no file import: the page says what applies instead
      const detail = page.getByTestId('data-source-detail');
      await detail.getByText(/It has no sync token and no file import/).waitFor();
      for (const name of ['Replace the token', 'Create a new token', 'Import a file']) expect(await detail.getByRole('button', { name }).count(), name).toBe(0);
      expect(await detail.getByRole('link', { name: 'Import a file' }).count()).toBe(0);
      await detail.getByRole('button', { name: 'Turn off' }).waitFor();
      expect(await detail.innerText()).not.toMatch(/pgsync/);
      await check(page, `source-waiting-${w}`, '[role="dialog"]', url);

      // map it: the customer by name, the account by number
      await panel.getByRole('button', { name: `Map the billing account of ${customerName}` }).click();
      const map = page.getByRole('dialog', { name: `Billing account of ${customerName}` });
      await map.getByLabel('Customer', { exact: true }).click();
      await page.getByRole('option', { name: tenant.name }).click();
      await map.getByLabel('Billing account', { exact: true }).click();
      await page.getByRole('option', { name: /Head office/ }).click();
      await check(page, `map-${w}`, '[role="dialog"]', url);
      await map.getByRole('button', { name: 'Save' }).click();
      await page.getByText(`${customerName} now bills to HQ-`, { exact: false }).waitFor();
      await customers.getByText(/mapped here/).waitFor();

      // the history: the second invoice is new, the first is already here
      await panel.getByRole('button', { name: 'Load history from Stripe' }).click();
      const result = panel.getByTestId('stripe-backfill-result');
      await result.waitFor({ timeout: 60_000 });
      expect(await result.innerText()).toMatch(/^Read 1 customer, 2 invoices from Stripe \(\d+ pages\): 2 new or changed, 1 already here\.$/);
      await panel.getByText(/History last loaded (just now|\d+ minutes? ago)/).waitFor();
      await check(page, `source-loaded-${w}`, '[role="dialog"]', url);
      await page.close();

      // the MSP reads where its customers' billing data comes from
      const partner = await signedIn(msp.owner.email, msp.owner.password, size);
      await partner.goto('/partner/invoices');
      await partner.getByTestId('data-freshness').getByText(`Billing data from ${sourceName}`, { exact: false }).waitFor({ timeout: 45_000 });
      await check(partner, `partner-invoices-${w}`);
      await partner.goto('/partner/reports');
      await partner.getByTestId('data-freshness').getByText('Usage data: no source has sent any yet.').waitFor({ timeout: 45_000 });
      await check(partner, `partner-reports-${w}`);
      await partner.close();
    });
  }
});
