/**
 * Stripe as a billing source: signed webhook events (Stripe's own library signs them) drive an
 * invoice from finalized to paid and the referring partner's earning appears; a bad signature is
 * refused; a replayed or older event leaves the newest state; a customer without a billing account
 * waits until the operator maps it; the backfill pages through a local Stripe-shaped HTTP server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { approvedAgreement, createCode, programWorld, signup, type ProgramWorld } from '../program/program-world.ts';

const SECRET = 'whsec_test_partnergate_secret';
const signer = new Stripe('sk_test_signer_only');
let t: TestApp;
let operator: Client;
let w: ProgramWorld;
let sourceId: string;
let ban: string;
let customerId: string;
let slug: string;

async function deliver(event: Record<string, unknown>, secret = SECRET) {
  const payload = JSON.stringify(event);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret });
  const r = await t.app.inject({ method: 'POST', url: `/sync/v1/stripe/${sourceId}/webhook`, headers: { 'content-type': 'application/json', 'stripe-signature': header }, payload });
  return { status: r.statusCode, body: r.json() };
}

const T0 = Math.floor(Date.now() / 1000) - 3600;
function invoice(id: string, status: string, over: Record<string, unknown> = {}) {
  return {
    id,
    object: 'invoice',
    customer: customerId,
    number: id.toUpperCase(),
    status,
    currency: 'eur',
    created: T0,
    due_date: T0 + 14 * 86_400,
    subtotal: 25_000,
    total_excluding_tax: 25_000,
    total: 30_000,
    amount_paid: status === 'paid' ? 30_000 : 0,
    amount_remaining: status === 'paid' ? 0 : 30_000,
    payment_intent: `pi_${id}`,
    status_transitions: { finalized_at: T0 + 10, paid_at: status === 'paid' ? T0 + 100 : null, voided_at: null, marked_uncollectible_at: null },
    ...over,
  };
}
const event = (type: string, object: unknown, created: number) => ({ id: unique('evt'), object: 'event', type, created, api_version: '2026-10-28', data: { object } });

async function earnings() {
  return (await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?limit=200`)).body.items as { kind: string; amount_minor: number; state: string }[];
}
async function theInvoice(number: string) {
  return t.services.db.kysely.selectFrom('invoices').selectAll().where('number', '=', number).executeTakeFirst();
}

// the local Stripe-shaped server the backfill pages through: the app's STRIPE_API_BASE points at it
let server: Server;
const requests: string[] = [];
const custPages: Record<string, unknown>[] = [];
const invs: Record<string, unknown>[] = [];
const pageOf = (all: Record<string, unknown>[], url: URL) => {
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 3);
  const after = url.searchParams.get('starting_after');
  const start = after ? all.findIndex((x) => x.id === after) + 1 : 0;
  const data = all.slice(start, start + limit);
  return { object: 'list', url: url.pathname, has_more: start + limit < all.length, data };
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const ok = req.headers.authorization === 'Bearer sk_test_backfill_key';
    const body = !ok ? { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } : url.pathname === '/v1/customers' ? pageOf(custPages, url) : url.pathname === '/v1/invoices' ? pageOf(invs, url) : url.pathname === '/v1/subscriptions' ? pageOf([], url) : { error: { type: 'invalid_request_error', message: 'No such route' } };
    res.writeHead(!ok ? 401 : 'error' in body ? 404 : 200, { 'content-type': 'application/json', 'request-id': 'req_local' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t = await startTestApp({ config: { STRIPE_API_BASE: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
  operator = await (await t.world.operator()).login();
  w = await programWorld(t);
  const customer = await signup(t, await createCode(w.owner, w.p.id));
  await approvedAgreement(w, { percent_bps: 1_000, bounty_minor: null, months: 12 });
  slug = (await t.services.tenants.getTenant(customer.id))!.slug;
  ban = unique('BAN').toUpperCase();
  customerId = `cus_${unique('c').replace(/[^A-Za-z0-9]/g, '')}`;
  const src = await operator.post('/api/v1/data-sources', { name: unique('Stripe billing'), kinds: ['billing_accounts', 'invoices', 'services'], scope: { all: true } });
  expect(src.status).toBe(201);
  sourceId = src.body.source.id;
  // the billing account the Stripe customer's invoices go to
  await t.services.dataSources.applySyncLines(sourceId, [{ kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: slug, name: 'Referred', currency: 'EUR' } }]);
  const put = await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: SECRET });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ configured: true, has_api_key: false, webhook_path: `/sync/v1/stripe/${sourceId}/webhook`, webhook_url: `http://localhost:8080/sync/v1/stripe/${sourceId}/webhook` });
  expect(JSON.stringify(put.body)).not.toContain(SECRET);
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('webhooks', () => {
  it('refuses a bad signature with 400 and a problem code', async () => {
    const r = await deliver(event('invoice.finalized', invoice('in_bad1', 'open'), T0), 'whsec_someone_else');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('stripe_signature_invalid');
    const none = await t.app.inject({ method: 'POST', url: `/sync/v1/stripe/${sourceId}/webhook`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('stripe_signature_invalid');
  });

  it('drives an invoice from finalized to paid, and the referral earning appears', async () => {
    await operator.put(`/api/v1/data-sources/${sourceId}/stripe/customers/${customerId}`, { ban });
    const id = `in_${unique('a').replace(/[^A-Za-z0-9]/g, '')}`;
    const fin = await deliver(event('invoice.finalized', invoice(id, 'open'), T0 + 10));
    expect(fin.status).toBe(200);
    expect(fin.body.outcome).toBe('applied');
    expect(fin.body.results[0]).toMatchObject({ kind: 'invoice', status: 'applied' });
    expect(await theInvoice(id.toUpperCase())).toMatchObject({ status: 'open', total_cents: 30_000, subtotal_cents: 25_000, tax_cents: 5_000, balance_cents: 30_000 });
    expect(await earnings()).toEqual([]);

    const paid = await deliver(event('invoice.paid', invoice(id, 'paid'), T0 + 100));
    expect(paid.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    expect(await theInvoice(id.toUpperCase())).toMatchObject({ status: 'paid', balance_cents: 0 });
    const e = await earnings();
    expect(e).toHaveLength(1);
    // 10 % of the 250.00 before tax
    expect(e[0]).toMatchObject({ kind: 'commission', amount_minor: 2_500 });

    // the same event again, and the older finalized event after it: the invoice stays paid
    const again = await deliver(event('invoice.paid', invoice(id, 'paid'), T0 + 100));
    expect(again.body.results.every((r: { status: string }) => r.status === 'unchanged')).toBe(true);
    const late = await deliver(event('invoice.finalized', invoice(id, 'open'), T0 + 10));
    expect(late.body.results[0]).toMatchObject({ status: 'unchanged', reason: expect.stringContaining('newer version') });
    expect(await theInvoice(id.toUpperCase())).toMatchObject({ status: 'paid', balance_cents: 0 });

    // a full refund: the invoice is no longer paid
    const refund = await deliver(event('charge.refunded', { id: 'ch_x', object: 'charge', amount: 30_000, amount_refunded: 30_000, refunded: true, created: T0 + 50, payment_intent: `pi_${id}` }, T0 + 500));
    expect(refund.body.outcome).toBe('applied');
    expect(await theInvoice(id.toUpperCase())).toMatchObject({ status: 'void' });
  });

  it('a redelivered event id is answered as a duplicate', async () => {
    const ev = event('invoice.finalized', invoice(`in_dup${Date.now()}`, 'open'), T0);
    expect((await deliver(ev)).body.outcome).toBe('applied');
    expect((await deliver(ev)).body.outcome).toBe('duplicate');
  });

  it('an invoice of an unmapped customer waits, and is applied once the operator maps it', async () => {
    const other = `cus_unmapped${Date.now()}`;
    const id = `in_wait${Date.now()}`;
    const r = await deliver(event('invoice.finalized', { ...invoice(id, 'open'), customer: other }, T0));
    expect(r.body.outcome).toBe('waiting');
    expect(await theInvoice(id.toUpperCase())).toBeUndefined();
    const list = await operator.get(`/api/v1/data-sources/${sourceId}/stripe/customers`);
    expect(list.body.data.find((c: { customer_id: string }) => c.customer_id === other)).toMatchObject({ ban: null, waiting: 1 });
    const map = await operator.put(`/api/v1/data-sources/${sourceId}/stripe/customers/${other}`, { ban });
    expect(map.status).toBe(200);
    expect(map.body.results[0]).toMatchObject({ status: 'applied' });
    expect(await theInvoice(id.toUpperCase())).toMatchObject({ status: 'open' });
  });

  it('a customer’s metadata.ban maps it; a subscription becomes a service', async () => {
    const cus = `cus_meta${Date.now()}`;
    expect((await deliver(event('customer.created', { id: cus, object: 'customer', name: 'Meta', email: 'm@example.test', metadata: { ban } }, T0))).status).toBe(200);
    const sub = { id: `sub_${Date.now()}`, object: 'subscription', customer: cus, status: 'active', currency: 'eur', created: T0, start_date: T0, items: { data: [{ id: 'si_1', quantity: 2, price: { id: 'price_1', nickname: 'Fiber 1G', unit_amount: 12_000, product: 'prod_fiber', recurring: { interval: 'year', interval_count: 1 } } }] } };
    const r = await deliver(event('customer.subscription.created', sub, T0 + 5));
    expect(r.body.results[0]).toMatchObject({ kind: 'service', status: 'applied' });
    const svc = await t.services.db.kysely.selectFrom('provisioned_services').selectAll().where('id', '=', r.body.results[0].record_id).executeTakeFirst();
    expect(svc).toMatchObject({ name: 'Fiber 1G', status: 'active', monthly_price_cents: 2_000, currency: 'EUR' });
    const cancel = await deliver(event('customer.subscription.deleted', { ...sub, status: 'canceled', canceled_at: T0 + 60 }, T0 + 60));
    expect(cancel.body.results[0]).toMatchObject({ status: 'applied' });
  });
});

describe('backfill against a Stripe-shaped server', () => {
  const N = 7;

  beforeAll(async () => {
    const bfBan = unique('BAN').toUpperCase();
    await t.services.dataSources.applySyncLines(sourceId, [{ kind: 'billing_account', external_id: `acct-${bfBan}`, version: 1, data: { account_number: bfBan, tenant_ref: slug, name: 'Backfilled', currency: 'EUR' } }]);
    for (let i = 0; i < 3; i++) custPages.push({ id: `cus_bf${i}x${Date.now()}`, object: 'customer', name: `BF ${i}`, metadata: { ban: bfBan } });
    for (let i = 0; i < N; i++) invs.push({ ...invoice(`in_bf${i}x${Date.now()}`, i % 2 ? 'paid' : 'open'), customer: custPages[i % 3].id });
  });

  it('loads every page of customers and invoices; a second run changes nothing', async () => {
    const noKey = await operator.post(`/api/v1/data-sources/${sourceId}/stripe/backfill`);
    expect(noKey.status).toBe(409);
    expect(noKey.body.code).toBe('stripe_api_key_missing');
    expect((await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: SECRET, api_key: 'sk_test_backfill_key' })).body.has_api_key).toBe(true);
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/stripe/backfill`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ customers: 3, invoices: N, waiting: 0, rejected: 0, held: 0 });
    // 3 customers in pages of 3 → 1 page... the server serves 3 a page: 1 + 3 invoice pages + 1 subscription page
    expect(requests.filter((q) => q.startsWith('GET /v1/invoices'))).toHaveLength(Math.ceil(N / 3));
    expect(requests.some((q) => q.includes('starting_after='))).toBe(true);
    expect(r.body.applied).toBe(N + Math.floor(N / 2)); // each invoice, and a payment for each paid one
    for (const inv of invs) expect(await theInvoice(String(inv.number))).toBeTruthy();
    const again = await operator.post(`/api/v1/data-sources/${sourceId}/stripe/backfill`);
    expect(again.body).toMatchObject({ applied: 0, unchanged: N + Math.floor(N / 2) });
    const bad = await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: SECRET, api_key: 'sk_test_wrong_key_1' });
    expect(bad.status).toBe(200);
    const refused = await operator.post(`/api/v1/data-sources/${sourceId}/stripe/backfill`);
    expect(refused.status).toBe(502);
    expect(refused.body.code).toBe('stripe_api_failed');
  });
});

describe('the operator’s Stripe routes refuse bad input with problem+json codes', () => {
  it('a bad secret or key, an API base (a setting now), an unknown or unconfigured source, a bad customer', async () => {
    const badSecret = await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: 'not-a-whsec-secret' });
    expect(badSecret.status).toBe(400);
    expect(badSecret.body.code).toBe('validation_failed');
    expect(JSON.stringify(badSecret.body)).not.toContain('not-a-whsec-secret');
    const badKey = await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: SECRET, api_key: 'pk_live_publishable' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.code).toBe('validation_failed');
    const base = await operator.put(`/api/v1/data-sources/${sourceId}/stripe`, { webhook_secret: SECRET, api_base: 'http://127.0.0.1:1' });
    expect(base.status).toBe(400);
    expect(base.body.code).toBe('validation_failed');
    const unknown = await operator.get('/api/v1/data-sources/dsrc_00000000000000000000000000/stripe/customers');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    const plain = await operator.post('/api/v1/data-sources', { name: unique('Plain'), kinds: ['tickets'], scope: { all: true } });
    const notStripe = await operator.get(`/api/v1/data-sources/${plain.body.source.id}/stripe/customers`);
    expect(notStripe.status).toBe(409);
    expect(notStripe.body.code).toBe('stripe_not_configured');
    expect((await operator.get(`/api/v1/data-sources/${plain.body.source.id}/stripe`)).body).toMatchObject({ configured: false });
    const badCustomer = await operator.put(`/api/v1/data-sources/${sourceId}/stripe/customers/not-a-customer`, { ban });
    expect(badCustomer.status).toBe(400);
    expect(badCustomer.body.code).toBe('invalid_id');
    const emptyBan = await operator.put(`/api/v1/data-sources/${sourceId}/stripe/customers/${customerId}`, { ban: '' });
    expect(emptyBan.status).toBe(400);
    // a partner person is refused the operator's routes
    const partner = await w.owner.get(`/api/v1/data-sources/${sourceId}/stripe`);
    expect([403, 404]).toContain(partner.status);
  });
});
