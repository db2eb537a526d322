/**
 * The demo world's resource data (`seed demo`): dozens of orders per tenant, placed by everyone
 * who acts on it — the customer's people, the delegated partner's app (the customer's BAN billed),
 * the wholesaler's app for its resold customer (the wholesaler's BAN billed), the MSP's people —
 * and vouchers issued by the tenant and by its demo agency. A second run writes nothing and
 * describes the same world.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, type DemoWorld } from '../../../src/demo/demo.seed.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';

let t: TestApp;
let world: DemoWorld;
const db = () => t.services.db.kysely;

beforeAll(async () => {
  t = await startTestApp();
  world = await seedDemo(t.services);
}, 180_000);
afterAll(() => t?.close());

const tenantId = (slug: string) => {
  const fromWorld = world.tenants.find((x) => x.slug === slug)?.id;
  if (fromWorld) return fromWorld;
  const resold = (world.resold_tenants as { slug: string; tenant_id: string }[]).find((x) => x.slug === slug);
  return resold!.tenant_id;
};
const partnerId = (slug: string) => world.partners.find((p) => p.slug === slug)!.id;
const ordersOf = (tenant: string) => db().selectFrom('orders').selectAll().where('tenant_id', '=', tenantId(tenant)).execute();

describe('seed demo: orders', () => {
  it('gives every demo tenant dozens of orders, most of them the customer’s own, in every state', async () => {
    for (const slug of ['acme-fiber', 'beta-networks', 'bluebird-cafe']) {
      const orders = await ordersOf(slug);
      expect(orders.length, slug).toBeGreaterThanOrEqual(24);
      expect(orders.filter((o) => o.persona === 'customer').length, slug).toBeGreaterThan(0);
      // every order has the service it provisioned
      const services = await db().selectFrom('provisioned_services').select(['order_id', 'status']).where('tenant_id', '=', tenantId(slug)).execute();
      expect(new Set(services.map((x) => x.order_id))).toEqual(new Set(orders.map((o) => o.id)));
    }
    const all = [...(await ordersOf('acme-fiber')), ...(await ordersOf('beta-networks'))];
    expect(new Set(all.map((o) => o.status))).toEqual(new Set(['completed', 'cancelled', 'in_progress', 'submitted']));
  });

  it("records the delegated partner's app ordering for Acme through the customer's consent, billed to the customer's BAN", async () => {
    const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
    const northwind = partnerId('northwind-apps');
    const app = (world.apps as { partner_slug: string; client_id: string }[]).find((a) => a.partner_slug === 'northwind-apps')!;
    const consent = await db().selectFrom('delegations').selectAll().where('partner_id', '=', northwind).where('tenant_id', '=', acme.id).where('origin', '=', 'consent').executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ status: 'active', client_id: app.client_id, bill_to_ban_id: acme.bans[0].id, ban_ids: JSON.stringify([acme.bans[0].id]) });
    const byApp = (await ordersOf('acme-fiber')).filter((o) => o.placed_by_partner_id === northwind);
    expect(byApp.length).toBeGreaterThanOrEqual(2);
    for (const o of byApp) {
      expect(o).toMatchObject({ persona: 'partner', placed_by_type: 'app', placed_by_client_id: app.client_id, placed_by_user_id: null, delegation_id: consent.id, ban_id: acme.bans[0].id, bill_to_ban_id: acme.bans[0].id });
    }
  });

  it('records the MSP’s people ordering for Acme through the active link (Beta’s link is still pending: none there)', async () => {
    const fabrikam = partnerId('fabrikam-msp');
    const link = (world.delegations as { id: string; tenant: string; status: string }[]).find((d) => d.tenant === 'acme-fiber')!;
    const people = await db().selectFrom('partner_members').select('user_id').where('partner_id', '=', fabrikam).execute();
    const byMsp = (await ordersOf('acme-fiber')).filter((o) => o.placed_by_partner_id === fabrikam);
    expect(byMsp.length).toBeGreaterThanOrEqual(2);
    for (const o of byMsp) {
      expect(o).toMatchObject({ persona: 'msp', placed_by_type: 'user', placed_by_client_id: null, delegation_id: link.id });
      expect(people.map((p) => p.user_id)).toContain(o.placed_by_user_id);
      expect(o.bill_to_ban_id).toBe(o.ban_id);
    }
    expect((await ordersOf('beta-networks')).some((o) => o.placed_by_partner_id !== null)).toBe(false);
  });

  it("records the wholesaler's app ordering for its resold customer, billed to the wholesaler's own BAN", async () => {
    const resold = (world.resold_tenants as { slug: string; tenant_id: string; delegation_id: string; bill_to_ban: string }[]).find((r) => r.slug === 'bluebird-cafe')!;
    const contoso = partnerId('contoso-wholesale');
    const app = (world.apps as { partner_slug: string; client_id: string }[]).find((a) => a.partner_slug === 'contoso-wholesale')!;
    const wholesalerBan = await db().selectFrom('billing_accounts').select(['id', 'tenant_id']).where('account_number', '=', resold.bill_to_ban).executeTakeFirstOrThrow();
    expect(wholesalerBan.tenant_id).not.toBe(resold.tenant_id);
    const byWholesaler = (await ordersOf('bluebird-cafe')).filter((o) => o.placed_by_partner_id === contoso);
    expect(byWholesaler.length).toBeGreaterThanOrEqual(4);
    for (const o of byWholesaler) {
      expect(o).toMatchObject({ persona: 'wholesaler', placed_by_type: 'app', placed_by_client_id: app.client_id, delegation_id: resold.delegation_id, bill_to_ban_id: wholesalerBan.id });
      expect(o.ban_id).not.toBe(o.bill_to_ban_id);
    }
  });
});

describe('seed demo: vouchers', () => {
  it('issues vouchers on every demo tenant, some by its admin and some through its demo agency’s form', async () => {
    for (const tenant of world.tenants) {
      const agency = (world.agencies as { tenant_slug: string; agency_id: string }[]).find((a) => a.tenant_slug === tenant.slug)!;
      const admin = await db().selectFrom('users').select('id').where('email', '=', tenant.admin.email).executeTakeFirstOrThrow();
      const vouchers = await db().selectFrom('vouchers').selectAll().where('tenant_id', '=', tenant.id).execute();
      const byAgency = vouchers.filter((v) => v.partner_agency_id === agency.agency_id);
      const byTenant = vouchers.filter((v) => v.partner_agency_id === null);
      expect(byAgency.length, tenant.slug).toBeGreaterThanOrEqual(5);
      expect(byTenant.length, tenant.slug).toBeGreaterThanOrEqual(3);
      for (const v of byAgency) expect(v).toMatchObject({ issued_by_type: 'agency', issued_by_token_id: expect.stringMatching(/./) });
      for (const v of byTenant) expect(v).toMatchObject({ issued_by_type: 'user', issued_by_user_id: admin.id });
      expect(vouchers.every((v) => tenant.bans.some((b) => b.id === v.billing_account_id))).toBe(true);
      expect(new Set(vouchers.map((v) => v.status))).toEqual(new Set(['issued', 'redeemed', 'void']));
      // the agency's form finds its own vouchers
      const list = await t.services.vouchers.list({ tenantId: tenant.id, partnerAgencyId: agency.agency_id, limit: 100 } as Parameters<typeof t.services.vouchers.list>[0]);
      expect(list.data.length).toBe(byAgency.length);
    }
  });
});

describe('seed demo: the MSP workspace', () => {
  it("gives Fabrikam several managed customers whose invoices, tickets, SLA and alerts fill its dashboard", async () => {
    const fabrikam = world.partners.find((p) => p.slug === 'fabrikam-msp')!;
    const owen = (await t.services.identity.findUserByEmail(fabrikam.owner.email))!;
    const d = await t.services.msp.dashboard(systemContext('demo-test'), { userId: owen.id, partnerId: fabrikam.id }, {});
    // its access events (one per customer) written now, not during the next test's counts
    await t.services.gateway.auditBuffer.flush();
    expect(d.tiles.customers).toBeGreaterThanOrEqual(4);
    const figures = await t.services.msp.customerFigures(systemContext('demo-test'), { userId: owen.id, partnerId: fabrikam.id }, { limit: 200 });
    await t.services.gateway.auditBuffer.flush();
    expect(figures.data.map((c) => c.tenant_name)).toEqual(expect.arrayContaining(['Acme Fiber ISP', 'Woodgrove Clinics', 'Adventure Works Cycles', 'Wide World Importers']));
    // the customers that need attention are among them, most overdue first
    expect(d.attention.length).toBeGreaterThan(0);
    expect(d.attention_total).toBeGreaterThanOrEqual(d.attention.length);
    expect(d.tiles.receivables[0]?.amount_cents ?? 0).toBeGreaterThan(0);
    expect(d.tiles.overdue[0]?.amount_cents ?? 0).toBeGreaterThan(0);
    expect(d.tiles.open_tickets).toBeGreaterThan(0);
    expect(d.tiles.sla_compliance_pct).toBeLessThan(100);
    expect(d.revenue_by_month.length).toBeGreaterThanOrEqual(11); // the last 12 months: every closed one billed
    const tenantIds = figures.data.map((c) => c.tenant_id);
    const states = await db().selectFrom('support_tickets').select('status').distinct().where('tenant_id', 'in', tenantIds).execute();
    expect(states.length).toBeGreaterThanOrEqual(3);
    const alerts = await db().selectFrom('partner_alerts').select(['kind']).where('partner_id', '=', fabrikam.id).where('resolved_at', 'is', null).execute();
    expect(alerts.some((a) => a.kind === 'sla_breach')).toBe(true);
    expect(alerts.some((a) => a.kind === 'invoice_overdue')).toBe(true);
  });
});

describe('seed demo: again', () => {
  it('writes nothing and describes the same world on a second run', async () => {
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const table of ['orders', 'provisioned_services', 'invoices', 'vouchers', 'delegations', 'audit_events'] as const) {
        out[table] = Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      }
      return out;
    };
    const before = await counts();
    expect(await seedDemo(t.services)).toEqual(world);
    expect(await counts()).toEqual(before);
  });
});
