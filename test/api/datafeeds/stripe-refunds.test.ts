/**
 * Stripe as it is today, and as it was: refunds, credit notes and disputes reach the invoice they take
 * back from, and the referral commission follows what is left of it.
 *
 * Events are built with the stripe library's own types (Stripe.Invoice, Stripe.Charge, Stripe.Refund,
 * Stripe.CreditNote, Stripe.Dispute, Stripe.InvoicePayment) in the current API version's shape (since
 * 2025-03-31 a charge names its payment intent, not an invoice, and an invoice names no charge), and in
 * the shape before it (typed here as the current type plus the fields it had then). A current refund's
 * invoice is asked of the local Stripe-shaped server's invoice payments with the source's API key.
 * The webhook's API version is checked: older or newer than the versions read is refused, and read once
 * it is one of them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';
import { readFileSync } from 'node:fs';
import { STRIPE_WEBHOOK_EVENTS } from '../../../src/modules/datafeeds/stripe.service.ts';
import { approvedAgreement, createCode, programWorld, signup, type ProgramWorld } from '../program/program-world.ts';

const SECRET = 'whsec_refunds_test_secret';
const KEY = 'rk_test_refunds_key';
const CURRENT = '2026-10-28.endive';
const BASIL = '2025-03-31.basil';
const LEGACY = '2024-06-20';
const signer = new Stripe('sk_test_signer_only');
const T0 = Math.floor(Date.now() / 1000) - 86_400;

// ---- the objects, as the library types them ----------------------------------------------------

type CurrentInvoice = Pick<Stripe.Invoice, 'id' | 'object' | 'customer' | 'number' | 'status' | 'currency' | 'created' | 'due_date' | 'subtotal' | 'total' | 'total_excluding_tax' | 'amount_paid' | 'amount_remaining' | 'status_transitions'>;
/** an invoice before 2025-03-31: it named its charge and payment intent, and said whether it was paid */
type LegacyInvoice = CurrentInvoice & { charge: string; payment_intent: string; paid: boolean };
type CurrentCharge = Pick<Stripe.Charge, 'id' | 'object' | 'amount' | 'amount_refunded' | 'refunded' | 'created' | 'currency' | 'payment_intent'>;
/** a charge before 2025-03-31 named the invoice it paid */
type LegacyCharge = CurrentCharge & { invoice: string };
type RefundObject = Pick<Stripe.Refund, 'id' | 'object' | 'amount' | 'status' | 'created' | 'currency' | 'charge' | 'payment_intent'>;
type CreditNoteObject = Pick<Stripe.CreditNote, 'id' | 'object' | 'invoice' | 'total' | 'status' | 'created' | 'voided_at' | 'out_of_band_amount' | 'refunds' | 'type' | 'currency'>;
type DisputeObject = Pick<Stripe.Dispute, 'id' | 'object' | 'amount' | 'status' | 'created' | 'currency' | 'charge' | 'payment_intent'>;
type EventOf<T> = Pick<Stripe.Event, 'id' | 'object' | 'created' | 'livemode' | 'pending_webhooks' | 'request'> & { type: Stripe.Event['type']; api_version: string; data: { object: T } };

const id = (prefix: string) => `${prefix}_${unique('x').replace(/[^A-Za-z0-9]/g, '')}`;
const event = <T>(type: Stripe.Event['type'], object: T, created: number, api_version = CURRENT): EventOf<T> => ({ id: id('evt'), object: 'event', type, api_version, created, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object } });

function paidInvoice(inv: string, customer: string, at: number): CurrentInvoice {
  return {
    id: inv,
    object: 'invoice',
    customer,
    number: inv.toUpperCase(),
    status: 'paid',
    currency: 'eur',
    created: at,
    due_date: at + 14 * 86_400,
    subtotal: 25_000,
    total_excluding_tax: 25_000,
    total: 30_000,
    amount_paid: 30_000,
    amount_remaining: 0,
    status_transitions: { finalized_at: at + 10, paid_at: at + 100, voided_at: null, marked_uncollectible_at: null },
  };
}
const charge = (ch: string, pi: string | null, refunded: number, at: number): CurrentCharge => ({ id: ch, object: 'charge', amount: 30_000, amount_refunded: refunded, refunded: refunded >= 30_000, created: at, currency: 'eur', payment_intent: pi });
function invoicePayment(inv: string, pi: string, at: number): Stripe.InvoicePayment {
  return { id: id('inpay'), object: 'invoice_payment', amount_paid: 30_000, amount_requested: 30_000, created: at, currency: 'eur', invoice: inv, is_default: true, livemode: false, payment: { type: 'payment_intent', payment_intent: pi }, status: 'paid', status_transitions: { canceled_at: null, paid_at: at } };
}

// ---- the local Stripe-shaped server: invoice payments by payment intent, invoices by id ---------

let server: Server;
const requests: { path: string; query: URLSearchParams; auth: string | undefined }[] = [];
const invoicePayments = new Map<string, Stripe.InvoicePayment>();
const invoicesById = new Map<string, CurrentInvoice>();

let t: TestApp;
let operator: Client;
let w: ProgramWorld;
let sourceId: string;
let code: string;

async function deliver(e: EventOf<unknown>) {
  const payload = JSON.stringify(e);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  const r = await t.app.inject({ method: 'POST', url: `/sync/v1/stripe/${sourceId}/webhook`, headers: { 'content-type': 'application/json', 'stripe-signature': header }, payload });
  return { status: r.statusCode, body: r.json() };
}

/** A referred customer with a billing account and a Stripe customer mapped to it. */
async function customer(): Promise<{ tenantId: string; cus: string }> {
  const c = await signup(t, code);
  const slug = (await t.services.tenants.getTenant(c.id))!.slug;
  const ban = unique('BAN').toUpperCase();
  await t.services.dataSources.applySyncLines(sourceId, [{ kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: slug, name: 'Referred', currency: 'EUR' } }]);
  const cus = id('cus');
  expect((await operator.put(`/api/v1/data-sources/${sourceId}/stripe/customers/${cus}`, { ban })).status).toBe(200);
  return { tenantId: c.id, cus };
}
async function linesOf(tenantId: string) {
  const all = (await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?limit=200`)).body.items as { id: string; tenant: { id: string }; kind: string; amount_minor: number; base_minor: number; state: string }[];
  return all.filter((l) => l.tenant.id === tenantId && l.kind !== 'bounty' && l.state !== 'reversed');
}
const invoiceRow = (number: string) => t.services.db.kysely.selectFrom('invoices').select(['status', 'credited_cents', 'balance_cents', 'total_cents']).where('number', '=', number).executeTakeFirst();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ path: url.pathname, query: url.searchParams, auth: req.headers.authorization });
    const ok = req.headers.authorization === `Bearer ${KEY}`;
    let body: unknown = { error: { type: 'invalid_request_error', message: 'No such route' } };
    if (!ok) body = { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } };
    else if (url.pathname === '/v1/invoice_payments') {
      const pi = url.searchParams.get('payment[payment_intent]');
      const found = pi ? invoicePayments.get(pi) : undefined;
      body = { object: 'list', url: url.pathname, has_more: false, data: found ? [found] : [] };
    } else if (url.pathname.startsWith('/v1/invoices/')) {
      body = invoicesById.get(url.pathname.slice('/v1/invoices/'.length)) ?? body;
    }
    res.writeHead(!ok ? 401 : 'error' in (body as object) ? 404 : 200, { 'content-type': 'application/json', 'request-id': 'req_local' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t = await startTestApp({ config: { STRIPE_API_BASE: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
  operator = await (await t.world.operator()).login();
  w = await programWorld(t);
  code = await createCode(w.owner, w.p.id);
  await approvedAgreement(w, { percent_bps: 1_000, bounty_minor: null, months: 12 });
  const src = await operator.post('/api/v1/data-sources', { name: unique('Stripe'), kinds: ['billing_accounts', 'invoices'], scope: { all: true } });
  sourceId = src.body.source.id;
  expect((await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: SECRET, api_key: KEY })).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('the current API version (charges name their payment intent, not their invoice)', () => {
  it('a partial refund finds its invoice through the invoice payments and reduces the commission in proportion; the rest, after the payout, is clawed back', async () => {
    const { tenantId, cus } = await customer();
    const inv = id('in');
    const pi = id('pi');
    const ch = id('ch');
    invoicePayments.set(pi, invoicePayment(inv, pi, T0 + 100));
    expect((await deliver(event('invoice.paid', paidInvoice(inv, cus, T0), T0 + 100))).body.outcome).toBe('applied');
    expect((await linesOf(tenantId)).map((l) => [l.kind, l.amount_minor, l.state])).toEqual([['commission', 2_500, 'pending']]);

    // half of it refunded: charge.refunded names the payment intent only
    const half = await deliver(event('charge.refunded', charge(ch, pi, 15_000, T0 + 200), T0 + 200));
    expect(half.body.outcome, JSON.stringify(half.body)).toBe('applied');
    const asked = requests.find((r) => r.path === '/v1/invoice_payments' && r.query.get('payment[payment_intent]') === pi);
    expect(asked?.query.get('payment[type]')).toBe('payment_intent');
    expect(asked?.auth).toBe(`Bearer ${KEY}`);
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'paid', credited_cents: 15_000 });
    // 10 % of what is left of the 250.00 before tax: 125.00 → 12.50
    expect((await linesOf(tenantId)).map((l) => [l.kind, l.base_minor, l.amount_minor])).toEqual([['commission', 12_500, 1_250]]);

    // the line is approved and paid out; then the rest is refunded (refund.created, and charge.refunded with the new total)
    const [line] = await linesOf(tenantId);
    expect((await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: [line.id] })).status).toBe(200);
    expect((await w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: unique('SEPA'), paid_date: '2026-11-01' })).status).toBe(201);
    // after the payout, another 75.00 refunded (refund.created, and charge.refunded with the new total): half of the rest is clawed back
    const refund: RefundObject = { id: id('re'), object: 'refund', amount: 7_500, status: 'succeeded', created: T0 + 300, currency: 'eur', charge: ch, payment_intent: pi };
    expect((await deliver(event('refund.created', refund, T0 + 300))).body.outcome).toBe('applied');
    expect((await deliver(event('charge.refunded', charge(ch, pi, 22_500, T0 + 300), T0 + 301))).body.outcome).toBe('applied');
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'paid', credited_cents: 22_500 });
    expect((await linesOf(tenantId)).map((l) => [l.kind, l.base_minor, l.amount_minor, l.state]).sort()).toEqual([['clawback', -6_250, -625, 'pending'], ['commission', 12_500, 1_250, 'paid']]);
    // and then the rest: the invoice is paid no more, and what the line still held is clawed back too
    expect((await deliver(event('charge.refunded', charge(ch, pi, 30_000, T0 + 400), T0 + 401))).body.outcome).toBe('applied');
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'void', balance_cents: 0 });
    const after = await linesOf(tenantId);
    expect(after.map((l) => [l.kind, l.amount_minor, l.state]).sort()).toEqual([['clawback', -625, 'pending'], ['clawback', -625, 'pending'], ['commission', 1_250, 'paid']]);
    expect(after.reduce((n, l) => n + l.amount_minor, 0)).toBe(0);
    // the same refund delivered again changes nothing
    expect((await deliver(event('charge.refunded', charge(ch, pi, 30_000, T0 + 400), T0 + 402))).body.results.every((r: { status: string }) => r.status === 'unchanged')).toBe(true);
    expect(await linesOf(tenantId)).toHaveLength(3);
  });

  it('a refund of an invoice never sent here reads the invoice from Stripe, then reduces it', async () => {
    const { tenantId, cus } = await customer();
    const inv = id('in');
    const pi = id('pi');
    invoicesById.set(inv, paidInvoice(inv, cus, T0));
    invoicePayments.set(pi, invoicePayment(inv, pi, T0 + 100));
    const r = await deliver(event('charge.refunded', charge(id('ch'), pi, 6_000, T0 + 200), T0 + 200, BASIL));
    expect(r.body.outcome, JSON.stringify(r.body)).toBe('applied');
    expect(requests.some((q) => q.path === `/v1/invoices/${inv}`)).toBe(true);
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'paid', credited_cents: 6_000 });
    // 250.00 × 240/300 = 200.00 → 20.00
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([2_000]);
  });

  it('credit notes: issued, they reduce the invoice (a refund they made counted once); voided, they no longer do', async () => {
    const { tenantId, cus } = await customer();
    const inv = id('in');
    const pi = id('pi');
    const ch = id('ch');
    await deliver(event('invoice.paid', paidInvoice(inv, cus, T0), T0 + 100));
    // the payment is known from invoice_payment.paid: no question to Stripe needed
    expect((await deliver(event('invoice_payment.paid', invoicePayment(inv, pi, T0 + 100), T0 + 101))).status).toBe(200);
    const refundId = id('re');
    const withRefund: CreditNoteObject = { id: id('cn'), object: 'credit_note', invoice: inv, total: 6_000, status: 'issued', created: T0 + 200, voided_at: null, out_of_band_amount: null, type: 'post_payment', currency: 'eur', refunds: [{ refund: refundId, amount_refunded: 6_000, payment_record_refund: null, type: 'refund' }] };
    expect((await deliver(event('credit_note.created', withRefund, T0 + 200))).body.outcome).toBe('applied');
    // the refund the credit note made arrives as well: it is in the credit note's total already
    expect((await deliver(event('charge.refunded', charge(ch, pi, 6_000, T0 + 200), T0 + 201))).body.outcome).toBe('applied');
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'paid', credited_cents: 6_000 });
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([2_000]);

    const toBalance: CreditNoteObject = { id: id('cn'), object: 'credit_note', invoice: inv, total: 3_000, status: 'issued', created: T0 + 300, voided_at: null, out_of_band_amount: null, type: 'post_payment', currency: 'eur', refunds: [] };
    await deliver(event('credit_note.created', toBalance, T0 + 300));
    // 250.00 × 210/300 = 175.00 → 17.50
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([1_750]);
    await deliver(event('credit_note.voided', { ...toBalance, status: 'void', voided_at: T0 + 400 }, T0 + 400));
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ credited_cents: 6_000 });
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([2_000]);
  });

  it('a dispute counts when it is closed: lost, the invoice is paid no more and its commission goes; won, nothing changes', async () => {
    const { tenantId, cus } = await customer();
    const [won, lost] = [id('in'), id('in')];
    const [piWon, piLost] = [id('pi'), id('pi')];
    for (const [inv, pi] of [[won, piWon], [lost, piLost]] as const) {
      await deliver(event('invoice.paid', paidInvoice(inv, cus, T0), T0 + 100));
      await deliver(event('invoice_payment.paid', invoicePayment(inv, pi, T0 + 100), T0 + 101));
    }
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([5_000]);
    const dispute = (pi: string, status: Stripe.Dispute.Status): DisputeObject => ({ id: id('dp'), object: 'dispute', amount: 30_000, status, created: T0 + 500, currency: 'eur', charge: id('ch'), payment_intent: pi });
    expect((await deliver(event('charge.dispute.created', dispute(piLost, 'needs_response'), T0 + 500))).body.outcome).toBe('ignored');
    expect((await deliver(event('charge.dispute.closed', dispute(piWon, 'won'), T0 + 600))).body.outcome).toBe('applied');
    expect(await invoiceRow(won.toUpperCase())).toMatchObject({ status: 'paid', credited_cents: 0 });
    expect((await deliver(event('charge.dispute.closed', dispute(piLost, 'lost'), T0 + 600))).body.outcome).toBe('applied');
    expect(await invoiceRow(lost.toUpperCase())).toMatchObject({ status: 'void' });
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([2_500]);
  });
});

describe('the shape before 2025-03-31 (an invoice names its charge, a charge its invoice)', () => {
  it('a partial refund names its invoice and reduces the commission in proportion, asking Stripe nothing', async () => {
    const { tenantId, cus } = await customer();
    const inv = id('in');
    const ch = id('ch');
    const pi = id('pi');
    const legacy: LegacyInvoice = { ...paidInvoice(inv, cus, T0), charge: ch, payment_intent: pi, paid: true };
    expect((await deliver(event('invoice.paid', legacy, T0 + 100, LEGACY))).body.outcome).toBe('applied');
    const asked = requests.length;
    const refunded: LegacyCharge = { ...charge(ch, pi, 10_000, T0 + 200), invoice: inv };
    expect((await deliver(event('charge.refunded', refunded, T0 + 200, LEGACY))).body.outcome).toBe('applied');
    expect(requests.length).toBe(asked);
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'paid', credited_cents: 10_000 });
    // 250.00 × 200/300 = 166.67 → 16.67
    expect((await linesOf(tenantId)).map((l) => [l.base_minor, l.amount_minor])).toEqual([[16_667, 1_667]]);
    // a refund.updated that failed takes it back
    const failed: RefundObject = { id: id('re'), object: 'refund', amount: 10_000, status: 'failed', created: T0 + 300, currency: 'eur', charge: ch, payment_intent: pi };
    expect((await deliver(event('refund.updated', failed, T0 + 300, LEGACY))).status).toBe(200);
    expect((await linesOf(tenantId)).map((l) => l.amount_minor)).toEqual([1_667]);
  });
});

describe('the webhook’s API version', () => {
  it('refuses an event of a version older or newer than those read, and reads it once it is one of them', async () => {
    const { cus } = await customer();
    const inv = id('in');
    const base = event('invoice.paid', paidInvoice(inv, cus, T0), T0 + 100);
    for (const v of ['2019-12-03', '2099-01-01.future']) {
      const r = await deliver({ ...base, api_version: v });
      expect([r.status, r.body.code]).toEqual([400, 'stripe_api_version_unsupported']);
      expect(r.body.detail).toContain(v);
    }
    expect(await invoiceRow(inv.toUpperCase())).toBeUndefined();
    // Stripe sends the same event again after the endpoint's version was changed: it is read, not a duplicate
    const again = await deliver({ ...base, api_version: BASIL });
    expect(again.body.outcome).toBe('applied');
    expect(await invoiceRow(inv.toUpperCase())).toMatchObject({ status: 'paid' });
  });
});

describe('what the guide tells an operator to set in Stripe', () => {
  const guide = readFileSync(new URL('../../../docs/integrators/data-sync.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

  it('is what the server reads and what the source’s page shows: the events and the API versions', async () => {
    // "for the events `invoice.finalized`, … and `customer.subscription.created|updated|deleted`, with an API version"
    const list = /for the events (.+?), with an API version/.exec(guide)?.[1] ?? '';
    const named = [...list.matchAll(/`([a-z_.|]+)`/g)].flatMap((m) => {
      const [head, ...rest] = m[1].split('|');
      const stem = head.slice(0, head.lastIndexOf('.') + 1);
      return [head, ...rest.map((r) => stem + r)];
    });
    expect(named.sort()).toEqual([...STRIPE_WEBHOOK_EVENTS].sort());
    const versions = /reads the versions from \*\*([^*]+)\*\* to the version of the Stripe library it ships with \(today \*\*([^*]+)\*\*\)/.exec(guide);
    expect(versions?.slice(1)).toEqual(['2020-08-27', Stripe.API_VERSION]);
    const page = await operator.get(`/api/v1/data-sources/${sourceId}/stripe`);
    expect(page.body).toMatchObject({ webhook_events: [...STRIPE_WEBHOOK_EVENTS], api_versions: { oldest: '2020-08-27', newest: Stripe.API_VERSION } });
  });
});
