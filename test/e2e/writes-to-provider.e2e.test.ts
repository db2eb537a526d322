/**
 * Writes go to the provider's system, in the browser, at a laptop (1366 px) and a phone (390 px)
 * width, by clicking only:
 *   operator   Data sources → "Where new orders and tickets go": sends support tickets to the
 *              gateway route of the provider's help desk, coming back through its data source
 *   customer   opens a ticket: it is sent to the help desk (a real HTTP server on loopback that checks
 *              the gateway's signed identity) and shows "waiting for confirmation"; once the help
 *              desk's data source pushes it back through the sync API, the list and the ticket say
 *              it is confirmed
 * Every screen: axe-core (no serious or critical finding), no sideways scroll, no id or permission
 * code on screen (walkPage). Screenshots: artifacts/screenshots/writes-*.png.
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
  provider = await startProviderSystem({ key: () => upstreamKeyFor(portal.t.services.config, 'acme-desk'), nowMs: () => Date.now() });
  portal = await startPortal({ GATEWAY_ROUTES: JSON.stringify([providerRoute('acme-desk', '/resources/acme', provider.url)]) });
  const { t } = portal;
  tenant = await t.world.tenant();
  const name = `Acme help desk ${unique('e2e').slice(-5)}`;
  const r = await t.services.dataSources.create(t.world.ctx, { name, kinds: ['tickets'], scope: { all: true, tenant_ids: [], partner_ids: [] } });
  source = { id: r.source.id, name, token: r.token };
}, 180_000);
afterAll(async () => {
  await portal?.close();
  await provider?.close();
});

describe('a ticket sent to the provider’s system', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`the operator routes tickets to the help desk; a customer’s new ticket waits for its confirmation, then is confirmed, at ${w}px`, { timeout: 300_000 }, async () => {
      const { t } = portal;
      await t.services.writeRoutes.set(t.world.ctx, 'tickets', null);

      // the operator, on the Data sources page
      const op = await t.world.operator();
      const admin = await signedIn(portal, op.email, op.password, size);
      await clickSidebar(admin, phone, 'nav-operator', /^Data sources/);
      const panel = admin.getByTestId('write-routes');
      await panel.getByTestId('write-route-tickets').getByText('Written here at once').waitFor();
      await panel.scrollIntoViewIfNeeded();
      await walkPage(admin, `writes-operator-before-${w}`);
      await panel.getByRole('button', { name: 'Change where support tickets go' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Where support tickets go' });
      await dialog.getByRole('radio', { name: 'To your own system, through a gateway route' }).check();
      await dialog.getByTestId('write-route-select').click();
      await admin.getByRole('option', { name: 'acme-desk' }).click();
      await dialog.getByTestId('write-source-select').click();
      await admin.getByRole('option', { name: source.name }).click();
      await walkPage(admin, `writes-operator-change-${w}`);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await panel.getByTestId('write-route-tickets').getByText(/acme-desk/).waitFor();
      const routed = await panel.getByTestId('write-route-tickets').innerText();
      expect(routed).toContain('acme-desk');
      expect(routed).toContain(source.name);
      await walkPage(admin, `writes-operator-after-${w}`);
      await admin.context().close();

      // the customer opens a ticket
      const page = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(page, phone, 'nav-tenant', /^Orders, invoices and tickets/);
      await page.getByRole('tab', { name: 'Tickets' }).click();
      await page.getByTestId('new-ticket').click();
      const form = page.getByRole('dialog', { name: 'Open a ticket' });
      const subject = `Line down at the depot (${w}px)`;
      await form.getByTestId('new-ticket-subject').fill(subject);
      await form.getByTestId('new-ticket-description').fill('No sync light on the modem since 7:00.');
      const calls = provider.calls.length;
      await form.getByRole('button', { name: 'Open ticket' }).click();
      const drawer = page.getByTestId('own-ticket');
      await drawer.getByText(subject).waitFor();
      const note = drawer.getByTestId('write-confirmation');
      await note.waitFor();
      expect(await note.innerText()).toContain(`Sent to ${source.name}, waiting for confirmation`);
      await walkPage(page, `writes-ticket-waiting-${w}`);

      // what the help desk received: one ticket, with the customer's identity and an Idempotency-Key
      expect(provider.calls.length).toBe(calls + 1);
      const call = provider.calls[calls];
      expect(call).toMatchObject({ method: 'POST', url: '/api/tickets', verdict: 'ok', body: { subject } });
      expect(call.identity).toMatchObject({ tenantId: tenant.id, userId: tenant.admin.id });
      expect(call.headers['idempotency-key']).toBeTruthy();

      // the help desk's data source sends the ticket back
      const line = { kind: 'ticket', external_id: call.externalId, version: 1, data: { tenant_ref: tenant.slug, subject, description: 'No sync light on the modem since 7:00.', category: 'technical', priority: 'normal', status: 'in_progress', opened_at: new Date().toISOString() } };
      const pushed = await fetch(`${portal.url}/sync/v1/batches`, { method: 'POST', headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/x-ndjson' }, body: JSON.stringify(line) + '\n' });
      expect(pushed.status).toBe(200);

      await drawer.getByRole('button', { name: 'Close the ticket' }).click();
      await page.reload();
      await page.getByRole('tab', { name: 'Tickets' }).click();
      const row = page.getByTestId('self-tickets').locator('[data-row]').filter({ hasText: subject });
      await row.getByText('Confirmed').waitFor({ timeout: 30_000 });
      await walkPage(page, `writes-tickets-confirmed-${w}`);
      await row.click();
      await drawer.getByTestId('write-confirmation').getByText(`Confirmed by ${source.name}`).waitFor();
      await walkPage(page, `writes-ticket-confirmed-${w}`);
      await page.context().close();
    });
  }
});
