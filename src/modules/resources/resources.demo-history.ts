/**
 * The history of a demo tenant's records, drawn from its PRNG: per account the orders (an
 * installed base, then a year of upgrades, add-ons and new sites), 12 closed months of usage and
 * invoices, 6 months of SLA records; then the tenant's support queue. resources.demo.ts writes them.
 */
import { createHash } from 'node:crypto';
import { newId } from '../../platform/ids.ts';
import type { BillingAccountRow } from '../tenants/index.ts';
import { PRODUCTS } from './resources.service.ts';
import type * as repo from './resources.repo.ts';
import { ticketNumber } from './resources.repo.ts';
import { NOT_SENT } from './record-writes.ts';

const DAY = 86_400_000;

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

export function prng(seed: string): () => number {
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

/** The rows a tenant's demo history adds, built in memory and then written in one transaction. */
export interface DemoRows {
  services: repo.ServiceRow[];
  invoices: repo.InvoiceRow[];
  usage: repo.UsageRow[];
  sla: repo.SlaRow[];
  orders: repo.OrderRow[];
  tickets: repo.TicketRow[];
}

/**
 * What each step of one tenant's demo history draws from: its PRNG, the time, the tenant and the
 * rows so far. The steps run, and draw, in a fixed order, so a tenant's history is the same on
 * every run: a change that draws once more or once less changes every demo world.
 */
export interface DemoHistory {
  rnd: () => number;
  pick: <T>(xs: readonly T[]) => T;
  now: Date;
  tenant: { id: string; userIds: string[] };
  rows: DemoRows;
}

/** One order and the service it provisions; the service's state follows the order's. */
function demoOrder(h: DemoHistory, ban: BillingAccountRow, placedAt: Date, status: repo.OrderRow['status'], by: DemoOrderParty | null, banServices: repo.ServiceRow[]): void {
  const { rnd, pick, now, tenant } = h;
  const p = pick(PRODUCTS);
  const qty = p.code === 'MOBILE-5G-LINE' ? 5 + Math.floor(rnd() * 20) : p.code === 'SDWAN-BRANCH' ? 1 + Math.floor(rnd() * 4) : 1;
  const orderId = newId('ord', placedAt.getTime());
  const activated = new Date(placedAt.getTime() + (5 + Math.floor(rnd() * 10)) * DAY);
  const done = status === 'completed' && activated.getTime() < now.getTime();
  const finalStatus = status === 'completed' && !done ? 'in_progress' : status;
  const userId = by === null ? (tenant.userIds.length ? pick(tenant.userIds) : null) : by.userIds.length ? pick(by.userIds) : null;
  const updated = finalStatus === 'completed' ? activated : finalStatus === 'cancelled' ? new Date(placedAt.getTime() + (1 + Math.floor(rnd() * 3)) * DAY) : placedAt;
  h.rows.orders.push({
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
  h.rows.services.push(svc);
}

/** An account's orders: its installed base, then the last 12 months' (answers the services they provision). */
export function demoBanOrders(h: DemoHistory, ban: BillingAccountRow, banCount: number, parties: DemoOrderParty[]): repo.ServiceRow[] {
  const { rnd, now } = h;
  const banServices: repo.ServiceRow[] = [];
  // The installed base: services ordered 13–24 months ago by the customer.
  const base = 4 + Math.floor(rnd() * 4);
  for (let i = 0; i < base; i++) {
    const placed = monthStart(now, 13 + Math.floor(rnd() * 12));
    placed.setUTCDate(1 + Math.floor(rnd() * 27));
    demoOrder(h, ban, placed, 'completed', null, banServices);
  }
  // The last 12 months: upgrades, add-ons and new sites, some cancelled, the newest still open —
  // placed by the customer's people or by a partner whose delegation covers this account.
  const who = parties.filter((x) => x.banIds === null || x.banIds.includes(ban.id));
  const total = who.reduce((a, x) => a + x.weight, 1);
  // (at least three dozen orders per tenant, however many accounts it has)
  const recent = Math.max(12 + Math.floor(rnd() * 7), Math.ceil(36 / banCount) - base);
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
    demoOrder(h, ban, placed, status, by, banServices);
  }
  return banServices;
}

/** One closed month of an account, `back` months ago: its usage, its invoice and (the last six) its SLA records. */
export function demoBanMonth(h: DemoHistory, ban: BillingAccountRow, banServices: repo.ServiceRow[], back: number, overdueMonth: number): void {
  const { rnd, tenant } = h;
  const start = monthStart(h.now, back);
  const end = monthStart(h.now, back - 1);
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
    h.rows.usage.push({ id: newId('usg', end.getTime()), tenant_id: tenant.id, ban_id: ban.id, service_id: null, period: per, metric, quantity: qty, amount_cents: cents, currency: ban.currency, recorded_at: recorded });
  }
  // Services bill from activation; a suspended one stopped billing two months ago.
  const billed = banServices.filter((s) => s.activated_at !== null && s.activated_at < end.toISOString() && (s.status === 'active' || (s.status === 'suspended' && back > 2)));
  const subtotal = billed.reduce((a, s) => a + s.monthly_price_cents, 0) + usageCents;
  const tax = Math.round(subtotal * 0.08);
  const issued = new Date(end.getTime() + 2 * DAY);
  const status = back === 1 ? 'open' : back === overdueMonth ? 'overdue' : 'paid';
  h.rows.invoices.push({
    id: newId('ivc', issued.getTime()),
    tenant_id: tenant.id,
    ban_id: ban.id,
    number: `INV-${ban.account_number.replace(/[^0-9A-Za-z]/g, '')}-${per.replace('-', '')}`,
    period: per,
    issued_at: issued.toISOString(),
    due_at: new Date(issued.getTime() + 30 * DAY).toISOString(),
    currency: ban.currency,
    subtotal_cents: subtotal,
    tax_cents: tax,
    total_cents: subtotal + tax,
    balance_cents: status === 'paid' ? 0 : subtotal + tax,
    status,
    paid_at: status === 'paid' ? new Date(issued.getTime() + (10 + Math.floor(rnd() * 18)) * DAY).toISOString() : null,
    created_at: issued.toISOString(),
    credited_cents: 0,
  });
  if (back <= 6) for (const s of billed.filter((x) => x.bandwidth_mbps !== null || x.product_code === 'SIP-TRUNK-20')) demoSla(h, ban, s, per, recorded);
}

/** A service's SLA record of one month: met, or (about one in eight) breached. */
function demoSla(h: DemoHistory, ban: BillingAccountRow, s: repo.ServiceRow, per: string, recorded: string): void {
  const { rnd } = h;
  const target = s.product_code.startsWith('FIBER') ? 99.95 : 99.9;
  const breached = rnd() < 0.12;
  const downtime = breached ? 30 + Math.floor(rnd() * 200) : Math.floor(rnd() * 15);
  const achieved = Math.round((100 - (downtime / (30 * 24 * 60)) * 100) * 1000) / 1000;
  h.rows.sla.push({
    id: newId('sla', new Date(recorded).getTime() - 3600_000),
    tenant_id: h.tenant.id,
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

/** The tenant's support queue: six to ten tickets of the last four months. */
export function demoTickets(h: DemoHistory, bans: BillingAccountRow[]): void {
  const { rnd, pick, now, tenant } = h;
  const ticketCount = 6 + Math.floor(rnd() * 5);
  for (let i = 0; i < ticketCount; i++) {
    const [subject, description, category] = TICKETS[(i + Math.floor(rnd() * TICKETS.length)) % TICKETS.length];
    const created = new Date(now.getTime() - Math.floor(rnd() * 120) * 86_400_000 - Math.floor(rnd() * 86_400_000));
    const status = pick(TICKET_STATUSES);
    const updated = new Date(Math.min(now.getTime(), created.getTime() + Math.floor(rnd() * 10) * 86_400_000));
    const id = newId('tkt', created.getTime());
    h.rows.tickets.push({
      id,
      tenant_id: tenant.id,
      ban_id: pick(bans).id,
      number: ticketNumber(id),
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
}

