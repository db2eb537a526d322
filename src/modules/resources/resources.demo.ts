/**
 * Demo data of the reference resource service: for every tenant with billing accounts and no
 * resource data yet — provisioned services, 12 months of invoices and usage, 6 months of SLA
 * records, dozens of orders over the last two years and a queue of support tickets, plus vouchers
 * when a voucher service is given. Orders come from everyone who acts on the tenant: its own
 * users (persona customer), and the partners the caller lists — a delegated partner's app
 * (persona partner, the customer's BAN billed), a wholesaler's app for its resold customer
 * (persona wholesaler, the wholesaler's own BAN billed), an MSP's users (persona msp) — each
 * through its delegation and only on the accounts it covers. Deterministic per tenant (a PRNG
 * seeded from the tenant id) and idempotent: a tenant that has data is left alone.
 */
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import type { BillingAccountRow, TenantsService } from '../tenants/index.ts';
import type { DemoStep, DemoUserLookup, DemoWorld } from '../../platform/demo-step.ts';
import type { AgenciesService } from '../agencies/index.ts';
import type { DelegationsService } from '../delegations/index.ts';
import type { VouchersService } from '../vouchers/index.ts';
import * as repo from './resources.repo.ts';
import { demoSubscribers } from './resources.demo-subscribers.ts';
import { demoBanMonth, demoBanOrders, demoTickets, prng, type DemoHistory, type DemoOrderParty, type DemoRows } from './resources.demo-history.ts';

export type { DemoOrderParty };

export interface DemoVoucherIssuers {
  /** who issues the tenant's own vouchers (a tenant admin) */
  adminUserId: string | null;
  /** the demo agency and its embed-form token */
  agency: { agencyId: string; tokenId: string; types: string[] } | null;
}

/** The services the demo resource data needs (the application's services have them all). */
export type ResourcesDemoDeps = {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  vouchers: VouchersService;
  tenants: Pick<TenantsService, 'listTenants' | 'listMembers' | 'listBillingAccounts'>;
  delegations: Pick<DelegationsService, 'list' | 'create'>;
  agencies: Pick<AgenciesService, 'listTokens'>;
  identity: DemoUserLookup;
};

const TENANT_VOUCHER_TYPES = ['credit_10', 'credit_25', 'credit_50', 'free_installation'] as const;
const RECIPIENTS = ['Ana Lima', 'Ben Carter', 'Chloé Martin', 'Dev Patel', 'Eva Novak', 'Femi Adeyemi', 'Gus Hansen', 'Hana Sato', 'Ivo Rossi', 'Jun Park'];
const DAY = 86_400_000;

/** A voucher the demo issues: by the tenant's admin (agency null) or through its agency's form. */
interface DemoVoucher {
  ctx: RequestContext;
  type: string;
  ban: BillingAccountRow;
  agency: { agencyId: string; tokenId: string } | null;
  i: number;
}

type DemoVoucherService = Pick<VouchersService, 'issue' | 'redeem' | 'void'>;

export async function seedResourceData(
  d: { db: Db; clock: Clock; audit: AuditLog; listBillingAccounts: (tenantId: string) => Promise<BillingAccountRow[]>; vouchers?: DemoVoucherService },
  ctx: RequestContext,
  tenant: { id: string; userIds: string[]; parties?: DemoOrderParty[]; voucherIssuers?: DemoVoucherIssuers; /** no invoice overdue: the demo says the customer is in good standing */ inGoodStanding?: boolean },
): Promise<boolean> {
  if (await repo.tenantHasResources(d.db.kysely, tenant.id)) return false;
  const bans = (await d.listBillingAccounts(tenant.id)).filter((b) => b.status === 'active');
  if (bans.length === 0) return false;
  const rnd = prng(tenant.id);
  const h: DemoHistory = {
    rnd,
    pick: (xs) => xs[Math.floor(rnd() * xs.length)],
    now: d.clock.now(),
    tenant,
    rows: { services: [], invoices: [], usage: [], sla: [], orders: [], tickets: [] },
  };
  for (const ban of bans) {
    const banServices = demoBanOrders(h, ban, bans.length, tenant.parties ?? []);
    // 12 closed months of usage and invoices, oldest first; the last is open, about half the BANs have an
    // overdue one — not those of a customer the demo says is in good standing (its plan's non-payment sweep
    // would suspend it a minute later). The draw is made either way, so what follows draws the same numbers.
    const drawsOverdue = rnd() < 0.5;
    const overdueMonth = drawsOverdue && !tenant.inGoodStanding ? 2 : -1;
    for (let back = 12; back >= 1; back--) demoBanMonth(h, ban, banServices, back, overdueMonth);
  }
  demoTickets(h, bans);
  const vouchers = d.vouchers && tenant.voucherIssuers ? demoVouchers(h, ctx, tenant.voucherIssuers, bans) : [];
  const issued = await writeDemoRows(d, ctx, tenant.id, h.rows, vouchers, demoSubscribers(tenant.id, bans, h.now));
  // A few were used since (the customer redeems them at checkout).
  if (d.vouchers && issued.length > 0) await redeemSomeDemoVouchers(d.vouchers, ctx, tenant.id, vouchers, issued);
  return true;
}

/**
 * Vouchers: the tenant's own (a tenant admin issues them) and, for a tenant with a demo agency,
 * those its embedded form issued. Codes are random; only their hash-free form lives in the table.
 */
function demoVouchers(h: DemoHistory, ctx: RequestContext, issuers: DemoVoucherIssuers, bans: BillingAccountRow[]): DemoVoucher[] {
  const { rnd, pick } = h;
  const vouchers: DemoVoucher[] = [];
  if (issuers.adminUserId) {
    const adminCtx: RequestContext = { ...ctx, actor: { type: 'user', userId: issuers.adminUserId, partnerId: null, clientId: null, agencyId: null } };
    const n = 4 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) vouchers.push({ ctx: adminCtx, type: pick(TENANT_VOUCHER_TYPES), ban: pick(bans), agency: null, i: vouchers.length });
  }
  if (issuers.agency && issuers.agency.types.length > 0) {
    const a = issuers.agency;
    const agencyCtx: RequestContext = { ...ctx, actor: { type: 'agency', userId: null, partnerId: null, clientId: null, agencyId: a.agencyId } };
    const n = 6 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) vouchers.push({ ctx: agencyCtx, type: pick(a.types), ban: pick(bans), agency: a, i: vouchers.length });
  }
  return vouchers;
}

/** Writes the history and issues its vouchers in one transaction, audited; answers the vouchers issued. */
async function writeDemoRows(d: { db: Db; audit: AuditLog; vouchers?: DemoVoucherService }, ctx: RequestContext, tenantId: string, rows: DemoRows, vouchers: DemoVoucher[], subscribers: repo.SubscriberRow[]): Promise<{ id: string }[]> {
  const { orders, services, invoices, usage, sla, tickets } = rows;
  return mutate(d.db, async (trx) => {
    for (const o of orders) await repo.insertOrder(trx, o);
    for (const s of services) await repo.insertService(trx, s);
    await repo.insertInvoices(trx, invoices);
    await repo.insertUsage(trx, usage);
    await repo.insertSla(trx, sla);
    for (const t of tickets) await repo.insertTicket(trx, t);
    await repo.insertSubscribers(trx, subscribers);
    const out: { id: string }[] = [];
    for (const v of vouchers) {
      const input = {
        tenantId,
        type: v.type,
        billingAccountId: v.ban.id,
        recipientName: RECIPIENTS[v.i % RECIPIENTS.length],
        reference: v.agency ? `BOOKING-${1000 + v.i * 37}` : `CARE-${2000 + v.i * 53}`,
        partnerAgencyId: v.agency?.agencyId ?? null,
        issuedByTokenId: v.agency?.tokenId ?? null,
      };
      out.push(await d.vouchers!.issue(v.ctx, input, trx));
    }
    await d.audit.record(trx, ctx, {
      action: 'resources.demo_seeded',
      tenantId,
      targetType: 'tenant',
      targetId: tenantId,
      details: { orders: orders.length, services: services.length, invoices: invoices.length, usage_records: usage.length, sla_records: sla.length, tickets: tickets.length, vouchers: vouchers.length, subscribers: subscribers.length },
    });
    return out;
  });
}

/** One voucher of each issuer redeemed at checkout, and the tenant's last one voided. */
async function redeemSomeDemoVouchers(service: DemoVoucherService, ctx: RequestContext, tenantId: string, vouchers: DemoVoucher[], issued: { id: string }[]): Promise<void> {
  const byTenant = vouchers.findIndex((v) => v.agency === null);
  const byAgency = vouchers.findIndex((v) => v.agency !== null);
  const tenantCtx = byTenant >= 0 ? vouchers[byTenant].ctx : ctx;
  if (byAgency >= 0) await service.redeem(tenantCtx, tenantId, issued[byAgency].id);
  if (byTenant >= 0) await service.redeem(tenantCtx, tenantId, issued[byTenant].id);
  const last = vouchers.findLastIndex((v) => v.agency === null);
  if (last > byTenant) await service.void(tenantCtx, tenantId, issued[last].id);
}

/**
 * The partners that order on each demo tenant: the delegated partner's app on the tenant that
 * connected it (the demo's consent for Northwind Ordering on Acme Fiber, sharing one account — made
 * here on the first run, as the consent screen would), the MSP's people on the tenants whose link
 * is active, and the wholesaler's app on the customers it resells.
 */
async function demoParties(s: ResourcesDemoDeps, world: DemoWorld, ctx: RequestContext): Promise<Map<string, DemoOrderParty[]>> {
  const out = new Map<string, DemoOrderParty[]>();
  const add = (tenantId: string, p: DemoOrderParty) => out.set(tenantId, [...(out.get(tenantId) ?? []), p]);
  const apps = (world.apps ?? []) as { partner_slug: string; client_id: string; scopes: string[] }[];
  const partner = (slug: string) => world.partners.find((p) => p.slug === slug);

  const northwind = partner('northwind-apps');
  const ordering = apps.find((a) => a.partner_slug === 'northwind-apps');
  const acme = world.tenants.find((t) => t.slug === 'acme-fiber');
  if (northwind && ordering && acme && acme.bans.length > 0) {
    const existing = await s.delegations.list({ partnerId: northwind.id, tenantId: acme.id, origin: 'consent', limit: 100 });
    let d = existing.find((x) => x.client_id === ordering.client_id);
    if (!d) {
      // Once: a later consent through the sample partner app replaces it, and a re-run leaves that alone.
      const admin = await s.identity.findUserByEmail(acme.admin.email);
      const adminCtx: RequestContext = { ...ctx, actor: { type: 'user', userId: admin?.id ?? null, partnerId: null, clientId: ordering.client_id, agencyId: null } };
      const scopes = ordering.scopes.filter((x) => x.includes('.'));
      const created = await s.delegations.create(adminCtx, {
        partnerId: northwind.id,
        tenantId: acme.id,
        origin: 'consent',
        role: 'DELEGATE',
        scopes,
        overrides: { grant: scopes, deny: [] },
        banIds: [acme.bans[0].id],
        billToBanId: acme.bans[0].id,
        clientId: ordering.client_id,
        endsAt: new Date(s.clock.now().getTime() + 365 * DAY).toISOString(),
        justification: 'Approved on the consent screen for the app Northwind Ordering (demo)',
      });
      d = (await s.delegations.list({ partnerId: northwind.id, tenantId: acme.id, origin: 'consent', limit: 100 })).find((x) => x.id === created.id);
    }
    if (d) add(acme.id, { persona: 'partner', partnerId: northwind.id, clientId: ordering.client_id, userIds: [], delegationId: d.id, banIds: d.ban_ids ? (JSON.parse(d.ban_ids) as string[]) : null, billToBanId: null, weight: 1.5 });
  }

  const fabrikam = partner('fabrikam-msp');
  if (fabrikam) {
    const people = (await Promise.all([fabrikam.owner.email, fabrikam.staff.email].map((e) => s.identity.findUserByEmail(e)))).flatMap((u) => (u ? [u.id] : []));
    for (const d of await s.delegations.list({ partnerId: fabrikam.id, origin: 'link', status: ['active'], limit: 100 })) {
      add(d.tenant_id, { persona: 'msp', partnerId: fabrikam.id, clientId: null, userIds: people, delegationId: d.id, banIds: d.ban_ids ? (JSON.parse(d.ban_ids) as string[]) : null, billToBanId: null, weight: 1 });
    }
  }

  const contoso = partner('contoso-wholesale');
  const provisioning = apps.find((a) => a.partner_slug === 'contoso-wholesale');
  if (contoso && provisioning) {
    for (const d of await s.delegations.list({ partnerId: contoso.id, origin: 'wholesale', status: ['active'], limit: 100 })) {
      if (!d.bill_to_ban_id) continue;
      add(d.tenant_id, { persona: 'wholesaler', partnerId: contoso.id, clientId: provisioning.client_id, userIds: [], delegationId: d.id, banIds: d.ban_ids ? (JSON.parse(d.ban_ids) as string[]) : null, billToBanId: d.bill_to_ban_id, weight: 3 });
    }
  }
  return out;
}

/** Who issues a tenant's demo vouchers: its (first) admin, and its demo agency's active form. */
async function demoVoucherIssuers(s: ResourcesDemoDeps, world: DemoWorld, tenantId: string, members: { user_id: string; role: string }[]): Promise<DemoVoucherIssuers> {
  const adminUserId = members.find((m) => m.role === 'TENANT_ADMIN')?.user_id ?? null;
  const demo = ((world.agencies ?? []) as { agency_id: string; tenant_slug: string }[]).find((a) => world.tenants.find((t) => t.slug === a.tenant_slug)?.id === tenantId);
  if (!demo) return { adminUserId, agency: null };
  const token = (await s.agencies.listTokens(tenantId, demo.agency_id)).find((r) => r.status === 'active');
  if (!token) return { adminUserId, agency: null };
  const types = (JSON.parse(token.form_config) as { allowed_voucher_types?: string[] }).allowed_voucher_types ?? [];
  return { adminUserId, agency: { agencyId: demo.agency_id, tokenId: token.id, types } };
}

/**
 * `seed demo` extension: resource data for every tenant of the demo world, and for any other
 * tenant an earlier extension created (e.g. a wholesaler's resold customers) — with the orders of
 * the partners that act on it and the vouchers of its admin and demo agency. Runs after the
 * extensions that create tenants, delegations, apps and agencies.
 */
export const seedDemoResources: DemoStep<ResourcesDemoDeps> = async (s, world, ctx) => {
  const tenants = await s.tenants.listTenants({ limit: 1000 });
  const parties = await demoParties(s, world, ctx);
  // the customers whose subscription the demo says is active (seedDemoPlans, before this step): none of their invoices is overdue
  const plans = world.plans as { customers?: { tenant_id: string; subscription: string | null }[] } | undefined;
  const goodStanding = new Set((plans?.customers ?? []).filter((c) => c.subscription === 'active').map((c) => c.tenant_id));
  let withData = 0;
  for (const t of tenants) {
    if (t.status !== 'active') continue;
    if (!(await repo.tenantHasResources(s.db.kysely, t.id))) {
      const members = await s.tenants.listMembers(t.id);
      await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id), vouchers: s.vouchers }, ctx, {
        id: t.id,
        userIds: members.map((m) => m.user_id),
        parties: parties.get(t.id) ?? [],
        voucherIssuers: await demoVoucherIssuers(s, world, t.id, members),
        inGoodStanding: goodStanding.has(t.id),
      });
    }
    if (await repo.tenantHasResources(s.db.kysely, t.id)) withData++;
  }
  // The --json output must be the same on every run (seeding is idempotent), so it reports
  // how many tenants have resource data, not how many were seeded by this run.
  world.resources = { tenants_with_data: withData, gateway_base: `${world.portal_url}/resources/v1` };
};
