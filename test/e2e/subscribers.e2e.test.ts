/**
 * Browser journey of subscribers — a customer's own end customers, sent by the provider's systems —
 * at a laptop (1366 px) and a phone (390 px): the MSP's owner opens the customer under "Customers I
 * manage" and reads its subscribers in the Subscribers tab (names, plans, statuses in words); the
 * customer's admin reads the same list on its own "Orders, invoices and tickets" page. Every page:
 * axe 0 serious, no ids or codes on screen, no sideways scroll; screenshots subscribers-*.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { activeLink } from '../api/delegations/helpers.ts';
import { seedResourceData } from '../../src/modules/resources/resources.demo.ts';

let portal: Portal;
let msp: TestPartner;
let acme: TestTenant;
let names: string[];

const SIZES = WIDTHS.map((size) => ({ name: String(size.width), phone: size.width < 600, size }));

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  acme = await t.world.tenant();
  const s = t.services;
  await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, t.world.ctx, { id: acme.id, userIds: [acme.user.id] });
  await activeLink(await msp.owner.login(), await acme.admin.login(), msp.id, acme, { role: 'MSP_FULL' });
  await s.feed.drain();
  names = (await s.db.kysely.selectFrom('subscribers').select('name').where('tenant_id', '=', acme.id).orderBy('name').execute()).map((r) => r.name);
  expect(names.length).toBeGreaterThan(2);
}, 180_000);
afterAll(() => portal?.close());

describe('subscribers in the portal', () => {
  for (const s of SIZES) {
    it(`the MSP and the customer read the customer's subscribers (${s.name} px)`, { timeout: 180_000 }, async () => {
      const owner = await signedIn(portal, msp.owner.email, msp.owner.password, s.size);
      await clickSidebar(owner, s.phone, 'nav-partner', /Customers I manage/);
      await owner.getByRole('link', { name: acme.name }).first().click();
      await owner.getByRole('tab', { name: 'Subscribers' }).click();
      const table = owner.getByTestId('customer-subscribers');
      await table.getByText(names[0]!).first().waitFor();
      expect(await table.innerText()).toMatch(/active/i);
      await walkPage(owner, `subscribers-msp-${s.name}`);

      const admin = await signedIn(portal, acme.admin.email, acme.admin.password, s.size);
      await clickSidebar(admin, s.phone, 'nav-tenant', /Orders, invoices and tickets/);
      await admin.getByRole('tab', { name: 'Subscribers' }).click();
      await admin.getByTestId('self-subscribers').getByText(names[0]!).first().waitFor();
      await admin.getByText(/Subscriber data/).first().waitFor();
      await walkPage(admin, `subscribers-self-${s.name}`);
      await owner.context().close();
      await admin.context().close();
    });
  }
});
