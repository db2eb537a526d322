/**
 * Demo data of the reference resource service: for every tenant with billing accounts and no
 * resource data yet — provisioned services, 12 months of invoices and usage, 6 months of SLA
 * records, a history of orders and a queue of support tickets. Deterministic per tenant (a PRNG
 * seeded from the tenant id) and idempotent: a tenant that has data is left alone.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import type { BillingAccountRow } from '../tenants/index.ts';
import type { DemoExtension } from '../demo/demo.seed.ts';
import { PRODUCTS } from './resources.service.ts';
import * as repo from './resources.repo.ts';

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

export async function seedResourceData(
  d: { db: Db; clock: Clock; audit: AuditLog; listBillingAccounts: (tenantId: string) => Promise<BillingAccountRow[]> },
  ctx: RequestContext,
  tenant: { id: string; userIds: string[] },
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

  for (const ban of bans) {
    const n = 4 + Math.floor(rnd() * 4);
    const banServices: repo.ServiceRow[] = [];
    for (let i = 0; i < n; i++) {
      const p = pick(PRODUCTS);
      const qty = p.code === 'MOBILE-5G-LINE' ? 5 + Math.floor(rnd() * 20) : 1;
      const started = monthStart(now, 13 + Math.floor(rnd() * 12));
      started.setUTCDate(1 + Math.floor(rnd() * 27));
      const status = rnd() < 0.88 ? 'active' : 'suspended';
      const orderId = newId('ord', started.getTime() - 9 * 86_400_000);
      const at = new Date(started.getTime() - 9 * 86_400_000).toISOString();
      orders.push({
        id: orderId,
        tenant_id: tenant.id,
        ban_id: ban.id,
        bill_to_ban_id: ban.id,
        product_code: p.code,
        product_name: p.name,
        quantity: qty,
        unit_price_cents: p.monthly_cents,
        total_cents: p.monthly_cents * qty,
        currency: ban.currency,
        status: 'completed',
        notes: null,
        placed_by_type: tenant.userIds.length ? 'user' : 'system',
        placed_by_user_id: tenant.userIds.length ? pick(tenant.userIds) : null,
        placed_by_client_id: null,
        placed_by_partner_id: null,
        delegation_id: null,
        persona: 'customer',
        idempotency_key: null,
        request_id: null,
        created_at: at,
        updated_at: started.toISOString(),
        cancelled_at: null,
      });
      const s: repo.ServiceRow = {
        id: newId('svc', started.getTime()),
        tenant_id: tenant.id,
        ban_id: ban.id,
        order_id: orderId,
        product_code: p.code,
        name: qty > 1 ? `${p.name} × ${qty}` : p.name,
        status,
        location: pick(LOCATIONS),
        bandwidth_mbps: p.bandwidth_mbps,
        monthly_price_cents: p.monthly_cents * qty,
        currency: ban.currency,
        activated_at: started.toISOString(),
        created_at: started.toISOString(),
        updated_at: started.toISOString(),
      };
      banServices.push(s);
      services.push(s);
    }

    // 12 closed months of usage and invoices, oldest first; the last is open, one in five BANs has an overdue one.
    const overdueMonth = rnd() < 0.5 ? 2 : -1;
    for (let back = 12; back >= 1; back--) {
      const start = monthStart(now, back);
      const end = monthStart(now, back - 1);
      const per = period(start);
      const recorded = new Date(end.getTime() + 3600_000).toISOString();
      let usageCents = 0;
      for (const [metric, base, rate] of [
        ['data_gb', 800, 2],
        ['voice_minutes', 12_000, 0.4],
        ['sms_count', 3_000, 0.5],
      ] as const) {
        const qty = Math.round(base * (0.6 + rnd() * 0.9) * 100) / 100;
        const cents = Math.round(qty * rate);
        usageCents += cents;
        usage.push({ id: newId('usg', end.getTime()), tenant_id: tenant.id, ban_id: ban.id, service_id: null, period: per, metric, quantity: qty, amount_cents: cents, currency: ban.currency, recorded_at: recorded });
      }
      const recurring = banServices.filter((s) => s.status === 'active' || back > 2).reduce((a, s) => a + s.monthly_price_cents, 0);
      const subtotal = recurring + usageCents;
      const tax = Math.round(subtotal * 0.08);
      const issued = new Date(end.getTime() + 2 * 86_400_000);
      const due = new Date(issued.getTime() + 30 * 86_400_000);
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
        paid_at: status === 'paid' ? new Date(issued.getTime() + (10 + Math.floor(rnd() * 18)) * 86_400_000).toISOString() : null,
        created_at: issued.toISOString(),
      });
      if (back <= 6) {
        for (const s of banServices.filter((x) => x.bandwidth_mbps !== null || x.product_code === 'SIP-TRUNK-20')) {
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
    });
  }

  await mutate(d.db, async (trx) => {
    for (const o of orders) await repo.insertOrder(trx, o);
    for (const s of services) await repo.insertService(trx, s);
    await repo.insertInvoices(trx, invoices);
    await repo.insertUsage(trx, usage);
    await repo.insertSla(trx, sla);
    for (const t of tickets) await repo.insertTicket(trx, t);
    await d.audit.record(trx, ctx, {
      action: 'resources.demo_seeded',
      tenantId: tenant.id,
      targetType: 'tenant',
      targetId: tenant.id,
      details: { orders: orders.length, services: services.length, invoices: invoices.length, usage_records: usage.length, sla_records: sla.length, tickets: tickets.length },
    });
  });
  return true;
}

/**
 * `seed demo` extension: resource data for every tenant of the demo world, and for any other
 * tenant an earlier extension created (e.g. a wholesaler's resold customers). Runs after the
 * extensions that create tenants.
 */
export const seedDemoResources: DemoExtension = async (s, world, ctx) => {
  const tenants = await s.tenants.listTenants({ limit: 1000 });
  let withData = 0;
  for (const t of tenants) {
    if (t.status !== 'active') continue;
    const members = await s.tenants.listMembers(t.id);
    await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, ctx, {
      id: t.id,
      userIds: members.map((m) => m.user_id),
    });
    if (await repo.tenantHasResources(s.db.kysely, t.id)) withData++;
  }
  // The --json output must be the same on every run (seeding is idempotent), so it reports
  // how many tenants have resource data, not how many were seeded by this run.
  world.resources = { tenants_with_data: withData, gateway_base: `${world.portal_url}/resources/v1` };
};
