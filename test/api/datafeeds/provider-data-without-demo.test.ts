/**
 * A provider runs Partnergate with the demo world switched off, connects Stripe and one NDJSON
 * source, and every MSP, customer and program view is filled from them.
 *
 * The app starts on an empty database without the demo world (DEMO is off). The minimum is made:
 * the operator, a referral partner with an approved agreement whose code the customer signs up
 * with, an MSP partner linked to that customer. The operator registers an NDJSON source (billing
 * accounts, services, orders, tickets, usage, SLA) and a Stripe source (invoices), and sets Stripe
 * up through the API. The NDJSON source pushes its batch; Stripe's events (signed with Stripe's own
 * library, as Stripe signs them) finalize and pay invoices. Then: the MSP's invoices, receivables,
 * dashboard, SLA and usage reports and tickets; the customer's own pages; the referral partner's
 * earnings — all hold what the two sources sent, and the freshness lines name them.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { loginAs } from '../gateway/helpers.ts';
import { approvedAgreement, createCode, programWorld, signup, type ProgramWorld } from '../program/program-world.ts';

const SECRET = 'whsec_provider_without_demo';
const signer = new Stripe('sk_test_signer_only');
const ALL_BUT_INVOICES = ['billing_accounts', 'services', 'orders', 'tickets', 'usage', 'sla'];

let t: TestApp;
let operator: Client;
let referral: ProgramWorld;
let msp: TestPartner;
let mspStaff: Client;
let customer: { id: string; name: string; email: string; password: string };
let admin: Client;
let ndjson: { id: string; token: string; name: string };
let stripe: { id: string; name: string };

const BAN = unique('BAN').toUpperCase();
const CUS = `cus_${unique('nodemo').replace(/[^A-Za-z0-9]/g, '')}`;
const now = new Date();
const iso = (d: Date) => d.toISOString();
const period = iso(now).slice(0, 7);
const T0 = Math.floor(now.getTime() / 1000) - 86_400;
const inv1 = `in_${unique('one').replace(/[^A-Za-z0-9]/g, '')}`;
const inv2 = `in_${unique('two').replace(/[^A-Za-z0-9]/g, '')}`;

async function push(lines: unknown[]) {
  const r = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${ndjson.token}`, 'content-type': 'application/x-ndjson' }, payload: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
  return { status: r.statusCode, body: r.json() };
}

async function deliver(type: string, object: Record<string, unknown>, created: number) {
  const payload = JSON.stringify({ id: unique('evt'), object: 'event', type, created, api_version: '2026-10-28', data: { object } });
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  const r = await t.app.inject({ method: 'POST', url: `/sync/v1/stripe/${stripe.id}/webhook`, headers: { 'content-type': 'application/json', 'stripe-signature': header }, payload });
  return { status: r.statusCode, body: r.json() };
}

function stripeInvoice(id: string, status: 'open' | 'paid', at: number, overdue = false) {
  return {
    id,
    object: 'invoice',
    customer: CUS,
    number: id.toUpperCase(),
    status,
    currency: 'eur',
    created: at,
    // an open invoice past its due date is overdue in the receivables
    due_date: overdue ? T0 - 86_400 : at + 30 * 86_400,
    subtotal: 40_000,
    total_excluding_tax: 40_000,
    total: 48_000,
    amount_paid: status === 'paid' ? 48_000 : 0,
    amount_remaining: status === 'paid' ? 0 : 48_000,
    payment_intent: `pi_${id}`,
    status_transitions: { finalized_at: at, paid_at: status === 'paid' ? at + 60 : null, voided_at: null, marked_uncollectible_at: null },
  };
}

beforeAll(async () => {
  // the test config leaves DEMO off: an empty database, no demo world
  t = await startTestApp();
  expect(t.services.config.demo).toBe(false);
  operator = await (await t.world.operator()).login();

  // the referral partner, its approved agreement and code; the customer signs up with the code
  referral = await programWorld(t);
  await approvedAgreement(referral, { percent_bps: 1_000, bounty_minor: null, months: 12 });
  customer = await signup(t, await createCode(referral.owner, referral.p.id));
  admin = await t.client().login(customer.email, customer.password);

  // the MSP partner, linked to the customer
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: customer.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), status: 'active' });
  await t.services.feed.drain();
  mspStaff = await loginAs(t, msp.staff);

  // the two sources
  const a = await operator.post('/api/v1/data-sources', { name: unique('Service desk'), kinds: ALL_BUT_INVOICES, scope: { all: true } });
  expect(a.status).toBe(201);
  ndjson = { id: a.body.source.id, token: a.body.token, name: a.body.source.name };
  const b = await operator.post('/api/v1/data-sources', { name: unique('Stripe'), kinds: ['invoices'], scope: { all: true } });
  expect(b.status).toBe(201);
  stripe = { id: b.body.source.id, name: b.body.source.name };
  const setUp = await operator.put(`/api/v1/data-sources/${stripe.id}/stripe`, { webhook_secret: SECRET });
  expect(setUp.status).toBe(200);
});
afterAll(() => t.close());

describe('with the demo world off, the two sources fill every view', () => {
  it('before any sync, the views are empty and the freshness lines say no source has sent anything', async () => {
    expect((await admin.get(`/api/v1/tenants/${customer.id}/data-freshness`)).body.kinds).toEqual([]);
    expect((await mspStaff.get('/api/v1/partner/data-freshness')).body.kinds).toEqual([]);
    expect((await mspStaff.get('/api/v1/partner/billing/invoices?limit=50')).body.data).toEqual([]);
    expect((await admin.get(`/api/v1/tenants/${customer.id}/self/tickets?limit=50`)).body.data).toEqual([]);
    const earningsFrom = await referral.owner.get(`/api/v1/partners/${referral.p.id}/program/data-freshness`);
    expect([earningsFrom.status, earningsFrom.body]).toEqual([200, { sources: [] }]);
  });

  it('the NDJSON source sends the billing account, services, orders, tickets, usage and SLA', async () => {
    const at = iso(now);
    const r = await push([
      { kind: 'billing_account', external_id: `acct-${BAN}`, version: 1, data: { account_number: BAN, tenant_ref: (await t.services.tenants.getTenant(customer.id))!.slug, name: 'Head office', currency: 'EUR' } },
      { kind: 'service', external_id: `svc-${BAN}`, version: 1, data: { ban: BAN, product_code: 'FIBER-1G', name: 'Fiber 1G head office', status: 'active', location: 'Lyon', bandwidth_mbps: 1000, monthly_price_cents: 40_000, currency: 'EUR', activated_at: at } },
      { kind: 'order', external_id: `ord-${BAN}`, version: 1, data: { ban: BAN, product_code: 'FIBER-1G', product_name: 'Fiber 1G install', quantity: 1, unit_price_cents: 15_000, total_cents: 15_000, currency: 'EUR', status: 'completed', placed_at: at } },
      { kind: 'ticket', external_id: `tck-${BAN}`, updated_at: at, data: { ban: BAN, subject: 'Packet loss at head office', description: 'From the service desk', category: 'technical', priority: 'high', status: 'open', opened_at: at } },
      { kind: 'usage', external_id: `usg-${BAN}`, version: 1, data: { ban: BAN, period, metric: 'data_gb', quantity: 321.5, amount_cents: 3_215, currency: 'EUR' } },
      { kind: 'sla', external_id: `sla-${BAN}`, version: 1, data: { ban: BAN, period, target_pct: 99.9, achieved_pct: 99.2, downtime_minutes: 300, incidents: 1 } },
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ lines: 6, applied: 6, held: 0, rejected: 0 });
  });

  it('Stripe’s signed events bring a customer and its invoices: one paid, one overdue', async () => {
    const c = await deliver('customer.created', { id: CUS, object: 'customer', name: 'Head office', email: 'billing@example.test', metadata: { ban: BAN } }, T0);
    expect(c.status).toBe(200);
    const fin = await deliver('invoice.finalized', stripeInvoice(inv1, 'open', T0), T0);
    expect(fin.body).toMatchObject({ outcome: 'applied' });
    const paid = await deliver('invoice.paid', stripeInvoice(inv1, 'paid', T0), T0 + 60);
    expect(paid.body.results.map((x: { status: string }) => x.status)).toEqual(['applied', 'applied']);
    const open = await deliver('invoice.finalized', stripeInvoice(inv2, 'open', T0 + 120, true), T0 + 120);
    expect(open.body).toMatchObject({ outcome: 'applied' });
    const status = await operator.get(`/api/v1/data-sources/${stripe.id}/stripe`);
    expect(status.body.last_event_at).toBeTruthy();
  });

  it('the MSP’s invoices, receivables, dashboard, SLA and usage reports and tickets are filled from them', async () => {
    const invoices = await mspStaff.get(`/api/v1/partner/billing/invoices?tenant_id=${customer.id}&limit=50`);
    expect(invoices.status).toBe(200);
    expect(invoices.body.data.map((i: { number: string }) => i.number).sort()).toEqual([inv1.toUpperCase(), inv2.toUpperCase()].sort());
    expect(invoices.body.data.find((i: { number: string }) => i.number === inv1.toUpperCase())).toMatchObject({ status: 'paid', balance_cents: 0, total_cents: 48_000 });

    const summary = await mspStaff.get('/api/v1/partner/billing/summary');
    expect(summary.status).toBe(200);
    expect(JSON.stringify(summary.body)).toContain('48000');
    const mine = summary.body.tenants.find((x: { tenant_id: string }) => x.tenant_id === customer.id);
    expect(mine).toBeTruthy();

    const dash = await mspStaff.get('/api/v1/partner/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.body.tiles.customers).toBe(1);
    expect(dash.body.tiles.receivables).toEqual([expect.objectContaining({ currency: 'EUR', amount_cents: 48_000 })]);

    const sla = await mspStaff.get('/api/v1/partner/reports/sla');
    expect(sla.status).toBe(200);
    expect(JSON.stringify(sla.body.data)).toContain('99.2');
    const usage = await mspStaff.get('/api/v1/partner/reports/usage');
    expect(usage.status).toBe(200);
    expect(JSON.stringify(usage.body.data)).toContain('321.5');

    const tickets = await mspStaff.get('/api/v1/partner/support/tickets?limit=50');
    expect(tickets.status).toBe(200);
    expect(tickets.body.data.map((x: { subject: string }) => x.subject)).toContain('Packet loss at head office');

    const fresh = await mspStaff.get('/api/v1/partner/data-freshness');
    const from = (kind: string) => fresh.body.kinds.find((k: { kind: string }) => k.kind === kind)?.sources[0]?.source_name;
    expect([from('invoices'), from('tickets'), from('sla'), from('usage')]).toEqual([stripe.name, ndjson.name, ndjson.name, ndjson.name]);
  });

  it('the customer’s own pages are filled from them', async () => {
    const own = async (what: string) => {
      const r = await admin.get(`/api/v1/tenants/${customer.id}/self/${what}?limit=50`);
      expect(r.status, what).toBe(200);
      return r.body.data as Record<string, unknown>[];
    };
    expect((await own('invoices')).map((i) => i.number).sort()).toEqual([inv1.toUpperCase(), inv2.toUpperCase()].sort());
    expect((await own('services')).map((s) => s.name)).toEqual(['Fiber 1G head office']);
    expect((await own('orders')).map((o) => o.product_name)).toEqual(['Fiber 1G install']);
    expect((await own('tickets')).map((x) => x.subject)).toEqual(['Packet loss at head office']);
    expect((await own('usage')).map((u) => u.quantity)).toEqual([321.5]);
    expect((await own('sla')).map((s) => s.achieved_pct)).toEqual([99.2]);
    const fresh = await admin.get(`/api/v1/tenants/${customer.id}/data-freshness`);
    expect(fresh.body.kinds.map((k: { kind: string; sources: { source_name: string }[] }) => [k.kind, k.sources[0].source_name])).toEqual([
      ['billing_accounts', ndjson.name],
      ['invoices', stripe.name],
      ['services', ndjson.name],
      ['orders', ndjson.name],
      ['tickets', ndjson.name],
      ['usage', ndjson.name],
      ['sla', ndjson.name],
    ]);
  });

  it('the referral partner earns from the invoice Stripe says is paid, and sees only the limited view', async () => {
    const e = await referral.owner.get(`/api/v1/partners/${referral.p.id}/program/earnings?limit=50`);
    expect(e.status).toBe(200);
    // 10 % of the paid invoice's 400.00 before tax; the open one earns nothing yet
    expect(e.body.items).toEqual([expect.objectContaining({ kind: 'commission', amount_minor: 4_000 })]);
    // its earnings page says where that billing data comes from
    for (const who of [referral.owner, referral.staff]) {
      const from = await who.get(`/api/v1/partners/${referral.p.id}/program/data-freshness`);
      expect(from.status).toBe(200);
      expect(from.body.sources.map((x: { source_name: string }) => x.source_name)).toEqual(who === referral.owner ? [stripe.name] : []);
    }
    const s = await referral.owner.get(`/api/v1/partners/${referral.p.id}/program/summary`);
    expect(s.status).toBe(200);
    expect(s.body.funnel.paying).toBe(1);
    // referral alone grants nothing: the customer's invoices stay out of its reach
    const refused = await referral.owner.get(`/api/v1/partner/billing/invoices?tenant_id=${customer.id}`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
  });

  it('the earnings freshness refuses bad input and other partners with problem+json codes', async () => {
    // a malformed partner id reads as a missing partner
    const bad = await referral.owner.get('/api/v1/partners/not-a-partner/program/data-freshness');
    expect([bad.status, bad.body.code]).toEqual([404, 'partner_not_found']);
    const other = await referral.owner.get(`/api/v1/partners/${msp.id}/program/data-freshness`);
    expect([403, 404]).toContain(other.status);
    expect(other.headers['content-type']).toContain('application/problem+json');
    // an MSP partner has no program
    const notReferral = await mspStaff.get(`/api/v1/partners/${msp.id}/program/data-freshness`);
    expect([403, 404]).toContain(notReferral.status);
    expect(notReferral.body.code).toBeTruthy();
    const anon = await t.client().get(`/api/v1/partners/${referral.p.id}/program/data-freshness`);
    expect(anon.status).toBe(401);
  });
});
