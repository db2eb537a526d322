/**
 * A customer places and cancels an order from the portal while the operator sends orders to the
 * provider's system, in the browser, at a laptop (1366 px) and a phone (390 px) width, by clicking:
 *   customer   Orders, invoices and tickets → Orders → "Place an order": the order is sent to the
 *              provider's ordering system (a real HTTP server on loopback that checks the gateway's
 *              signed identity) and the list says "Sent to <provider>, waiting for confirmation";
 *              once the provider's data source pushes the order back through the sync API it is
 *              confirmed; "Cancel" sends the cancellation there and the order waits again
 * Every screen: axe-core (no serious or critical finding), no sideways scroll, no id or permission
 * code on screen (walkPage). Screenshots: artifacts/screenshots/orders-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { WIDTHS, clickSidebar, signedIn, walkPage } from './helpers/walk.ts';
import { unique, type TestTenant } from '../helpers/world.ts';
import { upstreamKeyFor } from '../../src/modules/gateway/index.ts';
import { providerRoute, startProviderSystem, type ProviderSystem } from '../helpers/provider-system.ts';

let portal: Portal;
let provider: ProviderSystem;
let tenant: TestTenant;
let source: { id: string; name: string; token: string };

beforeAll(async () => {
  provider = await startProviderSystem({ key: () => upstreamKeyFor(portal.t.services.config, 'acme-orders'), nowMs: () => Date.now() });
  portal = await startPortal({ GATEWAY_ROUTES: JSON.stringify([providerRoute('acme-orders', '/resources/acme', provider.url)]) });
  const { t } = portal;
  tenant = await t.world.tenant();
  const name = `Acme ordering ${unique('e2e').slice(-5)}`;
  const r = await t.services.dataSources.create(t.world.ctx, { name, kinds: ['billing_accounts', 'orders'], scope: { all: true, tenant_ids: [], partner_ids: [] } });
  source = { id: r.source.id, name, token: r.token };
  await t.services.writeRoutes.set(t.world.ctx, 'orders', { route_name: 'acme-orders', source_id: source.id, confirm_within_minutes: 60 });
}, 180_000);
afterAll(async () => {
  await portal?.close();
  await provider?.close();
});

async function pushOrder(externalId: string, version: number, status: string) {
  const line = { kind: 'order', external_id: externalId, version, data: { ban: tenant.bans[0].account_number, product_code: 'SIP-TRUNK-20', product_name: 'SIP trunk, 20 channels', quantity: 2, unit_price_cents: 9_900, total_cents: 19_800, currency: 'USD', status, placed_at: new Date().toISOString() } };
  const r = await fetch(`${portal.url}/sync/v1/batches`, { method: 'POST', headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/x-ndjson' }, body: JSON.stringify(line) + '\n' });
  expect(r.status).toBe(200);
}

describe('an order placed from the portal goes to the provider’s system', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`a customer places an order: sent, waiting, confirmed; cancels it: sent, waiting, at ${w}px`, { timeout: 300_000 }, async () => {
      const page = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(page, phone, 'nav-tenant', /^Orders, invoices and tickets/);
      await page.getByRole('tab', { name: 'Orders' }).click();
      await page.getByTestId('new-order').click();
      const form = page.getByRole('dialog', { name: 'Place an order' });
      await form.getByTestId('new-order-product').click();
      await page.getByRole('option', { name: 'SIP trunk, 20 channels' }).click();
      await form.getByLabel('Quantity').fill('2');
      await form.getByLabel('Notes').fill(`Second site (${w}px)`);
      await walkPage(page, `orders-place-${w}`);
      const calls = provider.calls.length;
      await form.getByRole('button', { name: 'Place order' }).click();
      await form.waitFor({ state: 'detached' });

      // what the ordering system received: one order, with the customer's identity and an Idempotency-Key
      await expect.poll(() => provider.calls.length, { timeout: 30_000 }).toBe(calls + 1);
      const call = provider.calls[calls];
      expect(call).toMatchObject({ method: 'POST', url: '/api/orders', verdict: 'ok', body: { product_code: 'SIP-TRUNK-20', quantity: 2, notes: `Second site (${w}px)` } });
      expect(call.identity).toMatchObject({ tenantId: tenant.id, userId: tenant.admin.id, permission: 'orders.create' });
      expect(call.headers['idempotency-key']).toBeTruthy();

      const rows = page.getByTestId('self-orders').locator('[data-row]');
      const row = rows.filter({ hasText: `Sent to ${source.name}, waiting for confirmation` }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(await row.innerText()).toContain('2 × SIP trunk, 20 channels');
      await walkPage(page, `orders-waiting-${w}`);

      // the ordering system's data source sends it back: confirmed
      await pushOrder(call.externalId!, 1, 'submitted');
      await page.reload();
      await page.getByRole('tab', { name: 'Orders' }).click();
      const confirmed = rows.filter({ hasText: 'Confirmed' }).filter({ hasText: '2 × SIP trunk, 20 channels' }).first();
      await confirmed.waitFor({ timeout: 30_000 });
      await walkPage(page, `orders-confirmed-${w}`);

      // cancelling it sends the cancellation there; the order waits again
      await confirmed.getByRole('button', { name: 'Cancel the order 2 × SIP trunk, 20 channels' }).click();
      const ask = page.getByRole('dialog', { name: 'Cancel this order?' });
      // open and named before the page is checked: on a busy machine the check could catch the dialog mid-opening
      await ask.waitFor();
      await walkPage(page, `orders-cancel-${w}`);
      await ask.getByRole('button', { name: 'Cancel the order' }).click();
      await ask.waitFor({ state: 'detached' });
      await expect.poll(() => provider.calls.length, { timeout: 30_000 }).toBe(calls + 2);
      expect(provider.calls[calls + 1]).toMatchObject({ method: 'POST', url: `/api/orders/${encodeURIComponent(call.externalId!)}/cancel`, verdict: 'ok' });
      const cancelled = rows.filter({ hasText: 'Cancelled' }).filter({ hasText: `Sent to ${source.name}, waiting for confirmation` }).first();
      await cancelled.waitFor({ timeout: 30_000 });
      await walkPage(page, `orders-cancel-waiting-${w}`);
      await page.context().close();
    });
  }
});
