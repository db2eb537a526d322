/**
 * The provider's records fire domain events, the same whatever brought them: a synced paid invoice
 * and a CSV-imported ticket each reach a tenant's webhook endpoint (a real HTTP receiver, the
 * signature checked with the standardwebhooks verifier); a payment that pays an invoice fires
 * invoice.paid; a replayed batch fires nothing new; a line rolled back (its ticket number is taken)
 * leaves no event while the rest of its batch fires theirs.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let receiver: Server;
let url: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/provider-records`;
});
afterAll(() => {
  receiver.closeAllConnections();
  receiver.close();
});

let t: TestApp;
let operator: Client;
let A: TestTenant;
let secret: string;
let token: string;
let sourceId: string;
let ban: string;

const TYPES = ['invoice.finalized', 'invoice.paid', 'invoice.voided', 'invoice.overdue', 'ticket.opened', 'ticket.updated', 'ticket.closed', 'order.placed', 'order.changed'];

beforeAll(async () => {
  t = await startTestApp({ config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  operator = await (await t.world.operator()).login();
  A = await t.world.tenant();
  const admin = await A.admin.login();
  const r = await admin.post(`/api/v1/tenants/${A.id}/webhooks`, { url, description: 'Our finance system', event_types: TYPES });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  secret = r.body.secret;
  const src = await operator.post('/api/v1/data-sources', { name: unique('Billing system'), kinds: ['billing_accounts', 'invoices', 'orders', 'tickets'], scope: { all: true } });
  expect(src.status).toBe(201);
  ({ token } = src.body);
  sourceId = src.body.source.id;
  ban = unique('BAN').toUpperCase();
});
afterAll(() => t?.close());

async function push(lines: unknown[]) {
  const r = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { applied: number; unchanged: number; rejected: number; results: { status: string }[] };
}

/** Fan out and deliver until the receiver holds `n` events, or fail after a generous deadline. */
async function deliveredAtLeast(n: number): Promise<{ type: string; data: Record<string, any> }[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await t.services.notifications.worker.tick();
    if (received.length >= n || Date.now() > deadline) break;
    await new Promise((r) => setImmediate(r));
  }
  return received.map((x) => new Webhook(secret).verify(x.body, x.headers as Record<string, string>) as { type: string; data: Record<string, any> });
}

const eventsOf = async (type: string) => Number((await t.services.db.kysely.selectFrom('domain_events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', type).where('tenant_id', '=', A.id).executeTakeFirstOrThrow()).n);

const period = new Date().toISOString().slice(0, 7);
const invoice = (ext: string, v: number, over: Record<string, unknown> = {}) => ({
  kind: 'invoice',
  external_id: ext,
  version: v,
  data: { ban, number: ext, period, issued_at: `${period}-01T00:00:00Z`, due_at: `${period}-20T00:00:00Z`, currency: 'EUR', subtotal_cents: 10_000, tax_cents: 0, total_cents: 10_000, balance_cents: 0, status: 'paid', paid_at: `${period}-10T00:00:00Z`, ...over },
});

describe('events of the provider’s records', () => {
  let batch: unknown[];

  it('a synced paid invoice reaches the tenant’s endpoint as invoice.paid, signed', async () => {
    batch = [{ kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: A.slug, name: 'Main account', currency: 'EUR' } }, invoice(`INV-${ban}-1`, 1)];
    const r = await push(batch);
    expect(r).toMatchObject({ applied: 2, rejected: 0 });
    const got = await deliveredAtLeast(1);
    const paid = got.find((e) => e.type === 'invoice.paid');
    expect(paid?.data).toMatchObject({
      invoice: { number: `INV-${ban}-1`, status: 'paid', previous_status: null, total_cents: 10_000, balance_cents: 0 },
      tenant: { id: A.id, name: A.name },
      billing_account: { account_number: ban },
      source: { id: sourceId },
    });
  });

  it('a replayed batch fires nothing new', async () => {
    const before = await eventsOf('invoice.paid');
    const r = await push(batch);
    expect(r).toMatchObject({ applied: 0, unchanged: 2 });
    // a newer version with the same content only moves the version: no event either
    const moved = await push([invoice(`INV-${ban}-1`, 2)]);
    expect(moved).toMatchObject({ unchanged: 1 });
    await t.services.notifications.worker.tick();
    expect(await eventsOf('invoice.paid')).toBe(before);
    expect(received.filter((x) => x.body.includes(`INV-${ban}-1`))).toHaveLength(1);
  });

  it('an open invoice is finalized, and the payment that settles it fires invoice.paid', async () => {
    const ext = `INV-${ban}-2`;
    await push([invoice(ext, 1, { status: 'open', balance_cents: 10_000, paid_at: null })]);
    const src = await t.services.dataSources.require(sourceId);
    const res = await t.services.dataSources.applySyncLines(src, [{ kind: 'payment', external_id: `PAY-${ban}`, version: 1, data: { invoice_external_id: ext, amount_cents: 10_000, paid_at: new Date().toISOString() } }]);
    expect(res[0].status).toBe('applied');
    const got = await deliveredAtLeast(3);
    const mine = got.filter((e) => e.data.invoice?.number === ext).map((e) => [e.type, e.data.invoice.previous_status]);
    expect(mine.sort()).toEqual([
      ['invoice.finalized', null],
      ['invoice.paid', 'open'],
    ]);
  });

  it('a line rolled back leaves no event; the rest of its batch fires theirs', async () => {
    const taken = `TCK-${ban}-TAKEN`;
    const ticket = (ext: string, number: string) => ({ kind: 'ticket', external_id: ext, version: 1, data: { ban, number, subject: `Ticket ${ext}`, description: 'From the help desk', category: 'technical', priority: 'high', status: 'open', opened_at: new Date().toISOString() } });
    const before = await eventsOf('ticket.opened');
    const r = await push([ticket(`T1-${ban}`, taken), ticket(`T2-${ban}`, taken), ticket(`T3-${ban}`, `TCK-${ban}-3`)]);
    expect(r.results.map((x) => x.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(await eventsOf('ticket.opened')).toBe(before + 2);
  });

  it('a CSV-imported ticket reaches the endpoint as ticket.opened; closing it fires ticket.closed', async () => {
    const n = received.length;
    const csv = (status: string) => ['external_id,ban,subject,description,category,priority,status,opened_at,version', `HD-${ban},${ban},Packet loss at the branch,Since this morning,technical,high,${status},2026-11-12T07:55:00Z,${status === 'open' ? 1 : 2}`].join('\n') + '\n';
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'ticket', csv: csv('open'), confirm: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ applied: 1, rejected: 0 });
    const closed = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'ticket', csv: csv('closed'), confirm: true });
    expect(closed.body).toMatchObject({ applied: 1 });
    const got = (await deliveredAtLeast(n + 2)).slice(n).filter((e) => e.data.ticket?.subject === 'Packet loss at the branch');
    // delivered side by side: in either order
    expect(got.map((e) => [e.type, e.data.ticket.status, e.data.ticket.previous_status]).sort()).toEqual([
      ['ticket.closed', 'closed', 'open'],
      ['ticket.opened', 'open', null],
    ]);
    expect(got[0].data).toMatchObject({ tenant: { id: A.id }, billing_account: { account_number: ban } });
  });

  it('a customer no endpoint listens for gets no event rows; once its endpoint subscribes, its next records fire', async () => {
    const B = await t.world.tenant();
    const banB = unique('BAN').toUpperCase();
    const inv = (ext: string) => ({ ...invoice(ext, 1), data: { ...invoice(ext, 1).data, ban: banB, number: ext } });
    const rowsOfB = async () => Number((await t.services.db.kysely.selectFrom('domain_events').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', B.id).executeTakeFirstOrThrow()).n);
    const aBefore = await eventsOf('invoice.paid');
    // one batch for both customers: A's endpoint hears of A's invoice, nobody listens for B's
    expect(await push([{ kind: 'billing_account', external_id: `acct-${banB}`, version: 1, data: { account_number: banB, tenant_ref: B.slug, name: 'Main account', currency: 'EUR' } }, inv(`INV-${banB}-1`), invoice(`INV-${ban}-9`, 1)])).toMatchObject({ applied: 3, rejected: 0 });
    expect(await rowsOfB()).toBe(0);
    expect(await eventsOf('invoice.paid')).toBe(aBefore + 1);
    // an endpoint of B subscribed to another type only: still nothing
    const adminB = await B.admin.login();
    expect((await adminB.post(`/api/v1/tenants/${B.id}/webhooks`, { url, description: 'Tickets only', event_types: ['ticket.opened'] })).status).toBe(201);
    await push([inv(`INV-${banB}-2`)]);
    expect(await rowsOfB()).toBe(0);
    // subscribed to invoices: the next paid invoice is an event again
    expect((await adminB.post(`/api/v1/tenants/${B.id}/webhooks`, { url, description: 'Finance', event_types: ['invoice.paid'] })).status).toBe(201);
    await push([inv(`INV-${banB}-3`)]);
    expect(await rowsOfB()).toBe(1);
  });

  it('an endpoint of the platform hears every customer’s records, those of customers with no endpoint of their own too', async () => {
    const C = await t.world.tenant();
    const banC = unique('BAN').toUpperCase();
    const rowsOfC = async () => Number((await t.services.db.kysely.selectFrom('domain_events').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', C.id).where('type', '=', 'invoice.paid').executeTakeFirstOrThrow()).n);
    const inv = (ext: string) => ({ ...invoice(ext, 1), data: { ...invoice(ext, 1).data, ban: banC, number: ext } });
    await push([{ kind: 'billing_account', external_id: `acct-${banC}`, version: 1, data: { account_number: banC, tenant_ref: C.slug, name: 'Main account', currency: 'EUR' } }, inv(`INV-${banC}-1`)]);
    expect(await rowsOfC()).toBe(0);
    const r = await operator.post('/api/v1/webhooks', { url, description: 'Provider finance', event_types: ['invoice.paid'] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await push([inv(`INV-${banC}-2`), inv(`INV-${banC}-3`)]);
    expect(await rowsOfC()).toBe(2);
  });
});
