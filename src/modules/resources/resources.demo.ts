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
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import type { BillingAccountRow, TenantsService } from '../tenants/index.ts';
import type { DemoStep, DemoUserLookup, DemoWorld } from '../../platform/demo-step.ts';
import type { AgenciesService } from '../agencies/index.ts';
import type { DelegationsService } from '../delegations/index.ts';
import type { VouchersService } from '../vouchers/index.ts';
import { PRODUCTS } from './resources.service.ts';
import * as repo from './resources.repo.ts';
import { NOT_SENT } from './record-writes.ts';

function prng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function monthStart(now: Date, back: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}

const period = (d: Date) => d.toISOString().slice(0, 7);
const LOCATIONS = ['Denver, CO', 'Austin, TX', 'Seattle, WA', 'Chicago, IL', 'Atlanta, GA', 'Phoenix, AZ', 'Boston, MA'];
const TICKETS: [string, string, 'billing' | 'technical' | 'service_request' | 'other'][] = [
  ['Intermittent packet loss on fiber circuit', 'Users at the branch report 2–5% packet loss during business hours since Monday.', 'technical'],
  ['Invoice shows duplicate static IP charge', 'The last invoice bills the /29 block twice.', 'billing'],
  ['Request: upgrade SD-WAN edge firmware', 'Please schedule the firmware upgrade for the branch edges in a maintenance window.', 'service_request'],
  ['SIP trunk one-way audio', 'Outbound calls have no audio on the callee side for about 10% of calls.', 'technical'],
  ['Add cost center to invoices', 'Finance asks for our cost center code on every invoice.', 'billing'],
  ['Latency spike to cloud region', 'Round-trip times to us-east doubled yesterday between 14:00 and 16:00 UTC.', 'technical'],
  ['New site survey for warehouse', 'We are opening a warehouse and need a site survey for a 1 Gbps circuit.', 'service_request'],
  ['5G lines not registering', 'Three of the new mobile lines do not register on the network.', 'technical'],
  ['Credit for outage on the 12th', 'Requesting the SLA credit for the 3-hour outage.', 'billing'],
  ['Update technical contact', 'Please replace the technical contact with our new NOC lead.', 'other'],
];
const TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'] as const;

/** A partner that places orders on the tenant in the demo history, through its delegation. */
export interface DemoOrderParty {
  persona: 'partner' | 'wholesaler' | 'msp';
  partnerId: string;
  /** the app that orders (partner, wholesaler); null when people of the partner order (MSP) */
  clientId: string | null;
  /** the partner's people who order (MSP); empty for an app */
  userIds: string[];
  delegationId: string;
  /** the accounts the delegation covers; null = all */
  banIds: string[] | null;
  /** the wholesaler's own BAN, billed instead of the customer's; null = the ordered BAN */
  billToBanId: string | null;
  /** relative share of the orders (the customer's own users have 1) */
  weight: number;
}

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

export async function seedResourceData(
  d: { db: Db; clock: Clock; audit: AuditLog; listBillingAccounts: (tenantId: string) => Promise<BillingAccountRow[]>; vouchers?: Pick<VouchersService, 'issue' | 'redeem' | 'void'> },
  ctx: RequestContext,
  tenant: { id: string; userIds: string[]; parties?: DemoOrderParty[]; voucherIssuers?: DemoVoucherIssuers },
): Promise<boolean> {
  if (await repo.tenantHasResources(d.db.kysely, tenant.id)) return false;
  const bans = (await d.listBillingAccounts(tenant.id)).filter((b) => b.status === 'active');
  if (bans.length === 0) return false;
  const rnd = prng(tenant.id);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const now = d.clock.now();
  const services: repo.ServiceRow[] = [];
  const invoices: repo.InvoiceRow[] = [];
  const usage: repo.UsageRow[] = [];
  const sla: repo.SlaRow[] = [];
  const orders: repo.OrderRow[] = [];
  const tickets: repo.TicketRow[] = [];
  const parties = tenant.parties ?? [];

  /** One order and the service it provisions; the service's state follows the order's. */
  const order = (ban: BillingAccountRow, placedAt: Date, status: repo.OrderRow['status'], by: DemoOrderParty | null, banServices: repo.ServiceRow[]) => {
    const p = pick(PRODUCTS);
    const qty = p.code === 'MOBILE-5G-LINE' ? 5 + Math.floor(rnd() * 20) : p.code === 'SDWAN-BRANCH' ? 1 + Math.floor(rnd() * 4) : 1;
    const orderId = newId('ord', placedAt.getTime());
    const activated = new Date(placedAt.getTime() + (5 + Math.floor(rnd() * 10)) * DAY);
    const done = status === 'completed' && activated.getTime() < now.getTime();
    const finalStatus = status === 'completed' && !done ? 'in_progress' : status;
    const userId = by === null ? (tenant.userIds.length ? pick(tenant.userIds) : null) : by.userIds.length ? pick(by.userIds) : null;
    const updated = finalStatus === 'completed' ? activated : finalStatus === 'cancelled' ? new Date(placedAt.getTime() + (1 + Math.floor(rnd() * 3)) * DAY) : placedAt;
    orders.push({
      id: orderId,
      tenant_id: tenant.id,
      ban_id: ban.id,
      bill_to_ban_id: by?.billToBanId ?? ban.id,
      product_code: p.code,
      product_name: p.name,
      quantity: qty,
      unit_price_cents: p.monthly_cents,
      total_cents: p.monthly_cents * qty,
      currency: ban.currency,
      status: finalStatus,
      notes: by === null ? null : by.persona === 'msp' ? 'Raised by the managed-services desk' : by.persona === 'wholesaler' ? 'Resold service' : 'Ordered through the partner app',
      placed_by_type: by?.clientId ? 'app' : userId ? 'user' : 'system',
      placed_by_user_id: userId,
      placed_by_client_id: by?.clientId ?? null,
      placed_by_partner_id: by?.partnerId ?? null,
      delegation_id: by?.delegationId ?? null,
      persona: by?.persona ?? 'customer',
      idempotency_key: null,
      request_id: null,
      created_at: placedAt.toISOString(),
      updated_at: new Date(Math.min(updated.getTime(), now.getTime())).toISOString(),
      cancelled_at: finalStatus === 'cancelled' ? updated.toISOString() : null,
      ...NOT_SENT,
    });
    const svc: repo.ServiceRow = {
      id: newId('svc', placedAt.getTime()),
      tenant_id: tenant.id,
      ban_id: ban.id,
      order_id: orderId,
      product_code: p.code,
      name: qty > 1 ? `${p.name} × ${qty}` : p.name,
      status: finalStatus === 'completed' ? (rnd() < 0.9 ? 'active' : 'suspended') : finalStatus === 'cancelled' ? 'terminated' : 'pending',
      location: pick(LOCATIONS),
      bandwidth_mbps: p.bandwidth_mbps,
      monthly_price_cents: p.monthly_cents * qty,
      currency: ban.currency,
      activated_at: finalStatus === 'completed' ? activated.toISOString() : null,
      created_at: placedAt.toISOString(),
      updated_at: new Date(Math.min(updated.getTime(), now.getTime())).toISOString(),
    };
    banServices.push(svc);
    services.push(svc);
  };

  for (const ban of bans) {
    const banServices: repo.ServiceRow[] = [];
    // The installed base: services ordered 13–24 months ago by the customer.
    const base = 4 + Math.floor(rnd() * 4);
    for (let i = 0; i < base; i++) {
      const placed = monthStart(now, 13 + Math.floor(rnd() * 12));
      placed.setUTCDate(1 + Math.floor(rnd() * 27));
      order(ban, placed, 'completed', null, banServices);
    }
    // The last 12 months: upgrades, add-ons and new sites, some cancelled, the newest still open —
    // placed by the customer's people or by a partner whose delegation covers this account.
    const who = parties.filter((x) => x.banIds === null || x.banIds.includes(ban.id));
    const total = who.reduce((a, x) => a + x.weight, 1);
    // (at least three dozen orders per tenant, however many accounts it has)
    const recent = Math.max(12 + Math.floor(rnd() * 7), Math.ceil(36 / bans.length) - base);
    for (let i = 0; i < recent; i++) {
      // every account has an order still submitted and one in progress, then the year's history
      const daysAgo = i === 0 ? 1 + rnd() * 2 : i === 1 ? 5 + rnd() * 6 : Math.floor(rnd() * 360) + rnd();
      const placed = new Date(now.getTime() - Math.floor(daysAgo * DAY));
      const age = (now.getTime() - placed.getTime()) / DAY;
      const status = age < 4 ? 'submitted' : age < 12 ? 'in_progress' : rnd() < 0.15 ? 'cancelled' : 'completed';
      let r = rnd() * total - 1;
      let by: DemoOrderParty | null = null;
      for (const x of who) {
        if (r < 0) break;
        by = x;
        r -= x.weight;
      }
      order(ban, placed, status, by, banServices);
    }

    // 12 closed months of usage and invoices, oldest first; the last is open, one in five BANs has an overdue one.
    const overdueMonth = rnd() < 0.5 ? 2 : -1;
    for (let back = 12; back >= 1; back--) {
      const start = monthStart(now, back);
      const end = monthStart(now, back - 1);
      const per = period(start);
      const recorded = new Date(end.getTime() + 3600_000).toISOString();
      let usageCents = 0;
      for (const [metric, baseQty, rate] of [
        ['data_gb', 800, 2],
        ['voice_minutes', 12_000, 0.4],
        ['sms_count', 3_000, 0.5],
      ] as const) {
        const qty = Math.round(baseQty * (0.6 + rnd() * 0.9) * 100) / 100;
        const cents = Math.round(qty * rate);
        usageCents += cents;
        usage.push({ id: newId('usg', end.getTime()), tenant_id: tenant.id, ban_id: ban.id, service_id: null, period: per, metric, quantity: qty, amount_cents: cents, currency: ban.currency, recorded_at: recorded });
      }
      // Services bill from activation; a suspended one stopped billing two months ago.
      const billed = banServices.filter((s) => s.activated_at !== null && s.activated_at < end.toISOString() && (s.status === 'active' || (s.status === 'suspended' && back > 2)));
      const recurring = billed.reduce((a, s) => a + s.monthly_price_cents, 0);
      const subtotal = recurring + usageCents;
      const tax = Math.round(subtotal * 0.08);
      const issued = new Date(end.getTime() + 2 * DAY);
      const due = new Date(issued.getTime() + 30 * DAY);
      const status = back === 1 ? 'open' : back === overdueMonth ? 'overdue' : 'paid';
      invoices.push({
        id: newId('ivc', issued.getTime()),
        tenant_id: tenant.id,
        ban_id: ban.id,
        number: `INV-${ban.account_number.replace(/[^0-9A-Za-z]/g, '')}-${per.replace('-', '')}`,
        period: per,
        issued_at: issued.toISOString(),
        due_at: due.toISOString(),
        currency: ban.currency,
        subtotal_cents: subtotal,
        tax_cents: tax,
        total_cents: subtotal + tax,
        balance_cents: status === 'paid' ? 0 : subtotal + tax,
        status,
        paid_at: status === 'paid' ? new Date(issued.getTime() + (10 + Math.floor(rnd() * 18)) * DAY).toISOString() : null,
        created_at: issued.toISOString(),
      });
      if (back <= 6) {
        for (const s of billed.filter((x) => x.bandwidth_mbps !== null || x.product_code === 'SIP-TRUNK-20')) {
          const target = s.product_code.startsWith('FIBER') ? 99.95 : 99.9;
          const breached = rnd() < 0.12;
          const downtime = breached ? 30 + Math.floor(rnd() * 200) : Math.floor(rnd() * 15);
          const achieved = Math.round((100 - (downtime / (30 * 24 * 60)) * 100) * 1000) / 1000;
          sla.push({
            id: newId('sla', end.getTime()),
            tenant_id: tenant.id,
            ban_id: ban.id,
            service_id: s.id,
            period: per,
            target_pct: target,
            achieved_pct: Math.min(achieved, 100),
            downtime_minutes: downtime,
            incidents: breached ? 1 + Math.floor(rnd() * 3) : downtime > 0 ? 1 : 0,
            status: achieved < target ? 'breached' : 'met',
            recorded_at: recorded,
          });
        }
      }
    }
  }

  const ticketCount = 6 + Math.floor(rnd() * 5);
  for (let i = 0; i < ticketCount; i++) {
    const [subject, description, category] = TICKETS[(i + Math.floor(rnd() * TICKETS.length)) % TICKETS.length];
    const created = new Date(now.getTime() - Math.floor(rnd() * 120) * 86_400_000 - Math.floor(rnd() * 86_400_000));
    const status = pick(TICKET_STATUSES);
    const updated = new Date(Math.min(now.getTime(), created.getTime() + Math.floor(rnd() * 10) * 86_400_000));
    const id = newId('tkt', created.getTime());
    tickets.push({
      id,
      tenant_id: tenant.id,
      ban_id: pick(bans).id,
      number: repo.ticketNumber(id),
      subject,
      description,
      category,
      priority: pick(PRIORITIES),
      status,
      assignee: status === 'open' ? null : pick(['noc-tier1', 'noc-tier2', 'billing-desk', 'field-ops']),
      comments: JSON.stringify(status === 'open' ? [] : [{ at: updated.toISOString(), by: 'support', text: 'We are looking into it.' }]),
      opened_by_type: tenant.userIds.length ? 'user' : 'system',
      opened_by_user_id: tenant.userIds.length ? pick(tenant.userIds) : null,
      opened_by_client_id: null,
      opened_by_partner_id: null,
      delegation_id: null,
      created_at: created.toISOString(),
      updated_at: updated.toISOString(),
      resolved_at: status === 'resolved' || status === 'closed' ? updated.toISOString() : null,
      ...NOT_SENT,
      write_key: null,
    });
  }

  // Vouchers: the tenant's own (a tenant admin issues them) and, for a tenant with a demo agency,
  // those its embedded form issued. Codes are random; only their hash-free form lives in the table.
  const vouchers: { ctx: RequestContext; type: string; ban: BillingAccountRow; agency: { agencyId: string; tokenId: string } | null; i: number }[] = [];
  const issuers = tenant.voucherIssuers;
  if (d.vouchers && issuers) {
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
  }

  const issued = await mutate(d.db, async (trx) => {
    for (const o of orders) await repo.insertOrder(trx, o);
    for (const s of services) await repo.insertService(trx, s);
    await repo.insertInvoices(trx, invoices);
    await repo.insertUsage(trx, usage);
    await repo.insertSla(trx, sla);
    for (const t of tickets) await repo.insertTicket(trx, t);
    const out: { id: string }[] = [];
    for (const v of vouchers) {
      out.push(
        await d.vouchers!.issue(
          v.ctx,
          {
            tenantId: tenant.id,
            type: v.type,
            billingAccountId: v.ban.id,
            recipientName: RECIPIENTS[v.i % RECIPIENTS.length],
            reference: v.agency ? `BOOKING-${1000 + v.i * 37}` : `CARE-${2000 + v.i * 53}`,
            partnerAgencyId: v.agency?.agencyId ?? null,
            issuedByTokenId: v.agency?.tokenId ?? null,
          },
          trx,
        ),
      );
    }
    await d.audit.record(trx, ctx, {
      action: 'resources.demo_seeded',
      tenantId: tenant.id,
      targetType: 'tenant',
      targetId: tenant.id,
      details: { orders: orders.length, services: services.length, invoices: invoices.length, usage_records: usage.length, sla_records: sla.length, tickets: tickets.length, vouchers: vouchers.length },
    });
    return out;
  });
  // A few were used since (the customer redeems them at checkout): one of each issuer redeemed,
  // one of the tenant's voided.
  if (d.vouchers && issued.length > 0) {
    const byTenant = vouchers.findIndex((v) => v.agency === null);
    const byAgency = vouchers.findIndex((v) => v.agency !== null);
    const tenantCtx = byTenant >= 0 ? vouchers[byTenant].ctx : ctx;
    if (byAgency >= 0) await d.vouchers.redeem(tenantCtx, tenant.id, issued[byAgency].id);
    if (byTenant >= 0) await d.vouchers.redeem(tenantCtx, tenant.id, issued[byTenant].id);
    const last = vouchers.findLastIndex((v) => v.agency === null);
    if (last > byTenant) await d.vouchers.void(tenantCtx, tenant.id, issued[last].id);
  }
  return true;
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
      });
    }
    if (await repo.tenantHasResources(s.db.kysely, t.id)) withData++;
  }
  // The --json output must be the same on every run (seeding is idempotent), so it reports
  // how many tenants have resource data, not how many were seeded by this run.
  world.resources = { tenants_with_data: withData, gateway_base: `${world.portal_url}/resources/v1` };
};
