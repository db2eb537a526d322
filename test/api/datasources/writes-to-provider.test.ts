/**
 * Writes go to the system of record: the operator routes tickets and orders to a gateway route of the
 * provider's system (played here by a real HTTP server on loopback that checks the gateway's signed
 * identity). A customer's new ticket and reply, an MSP's answer, a partner app's order and its
 * cancellation are sent there with an Idempotency-Key and kept as provisional ("waiting"); when the
 * provider's data source pushes the same record back through the sync API it is confirmed, the
 * same record. A provider refusing (4xx) or down answers problem+json and leaves nothing; a retry
 * with the same Idempotency-Key sends and keeps one; a record not back in time is "overdue" (the
 * clock is the test's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { apiToken, gw, link, loginAs } from '../gateway/helpers.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { upstreamKeyFor } from '../../../src/modules/gateway/index.ts';
import { closedPort, providerRoute, startProviderSystem, type ProviderSystem } from '../../helpers/provider-system.ts';

let t: TestApp;
let clock: ManualClock;
let provider: ProviderSystem;
let operator: Client;
let A: TestTenant;
let P: TestPartner;
let customer: Client;
let mspStaff: Client;
let partnerToken: string;
let source: { id: string; token: string; name: string };

const self = (rest: string) => `/api/v1/tenants/${A.id}/self/${rest}`;

async function push(lines: unknown[]) {
  const r = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/x-ndjson' }, payload: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
}

async function route(kind: 'orders' | 'tickets', body: Record<string, unknown>) {
  return operator.put(`/api/v1/data-sources/write-routes/${kind}`, body);
}

beforeAll(async () => {
  clock = new ManualClock();
  provider = await startProviderSystem({ key: () => upstreamKeyFor(t.services.config, 'acme-desk'), nowMs: () => clock.nowMs() });
  const down = await closedPort();
  const partial = { ...providerRoute('acme-partial', '/resources/acme-partial', provider.url), rules: [{ method: 'POST', path: '/tickets', permission: 'support.tickets.create' }] };
  const routes = [providerRoute('acme-desk', '/resources/acme', provider.url), providerRoute('acme-down', '/resources/acme-down', `http://127.0.0.1:${down}/api`), partial];
  t = await startTestApp({ clock, config: { GATEWAY_ROUTES: JSON.stringify(routes) } });
  operator = await (await t.world.operator()).login();
  A = await t.world.tenant();
  P = await t.world.partner({ capabilities: ['managed_services'] });
  await link(t, P, A);
  await t.services.feed.drain();
  [customer, mspStaff] = [await loginAs(t, A.admin), await loginAs(t, P.staff)];
  partnerToken = await apiToken(t, P.staff);
  const name = unique('Acme help desk');
  const r = await operator.post('/api/v1/data-sources', { name, kinds: ['orders', 'tickets'], scope: { all: true } });
  expect(r.status).toBe(201);
  source = { id: r.body.source.id, token: r.body.token, name };
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

describe('the operator routes writes', () => {
  it('starts at the reference service, lists the configured routes with what each lacks, and refuses a route or source that cannot take the kind', async () => {
    const v = await operator.get('/api/v1/data-sources/write-routes');
    expect(v.status).toBe(200);
    expect(v.body.kinds.map((k: { kind: string; goes_to: string }) => [k.kind, k.goes_to])).toEqual([
      ['orders', 'reference_service'],
      ['tickets', 'reference_service'],
    ]);
    const partial = v.body.routes.find((r: { name: string }) => r.name === 'acme-partial');
    expect(partial.missing).toEqual({ orders: ['POST /orders', 'POST /orders/:order_id/cancel'], tickets: ['PATCH /tickets/:ticket_id'] });
    expect(v.body.sources.map((s: { name: string }) => s.name)).toContain(source.name);

    const unknownRoute = await route('tickets', { goes_to: 'provider', route_name: 'nope', source_id: source.id });
    expect(unknownRoute.status).toBe(400);
    expect(unknownRoute.headers['content-type']).toMatch(/problem\+json/);
    expect(unknownRoute.body.code).toBe('write_route_unknown');
    const lacking = await route('tickets', { goes_to: 'provider', route_name: 'acme-partial', source_id: source.id });
    expect(lacking.body.code).toBe('write_route_unknown');
    expect(lacking.body.detail).toContain('PATCH /tickets/:ticket_id');
    const demo = await route('tickets', { goes_to: 'provider', route_name: 'acme-desk', source_id: 'dsrc_00000000000000000000000dem' });
    expect(demo.body.code).toBe('write_source_unfit');
    // a customer's admin is not the operator
    expect((await customer.put('/api/v1/data-sources/write-routes/tickets', { goes_to: 'reference_service' })).status).toBe(403);
  });
});

describe('tickets routed to the provider', () => {
  let ticketId: string;
  let externalId: string;

  beforeAll(async () => {
    const r = await route('tickets', { goes_to: 'provider', route_name: 'acme-desk', source_id: source.id, confirm_within_minutes: 30 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.kinds.find((k: { kind: string }) => k.kind === 'tickets')).toMatchObject({ goes_to: 'provider', route_name: 'acme-desk', source: { name: source.name }, confirm_within_minutes: 30 });
  });

  it('a customer’s new ticket is sent through the gateway with its identity and an Idempotency-Key, kept as waiting; a retry with the same key keeps one', async () => {
    const before = provider.calls.length;
    const body = { subject: 'Router keeps rebooting', description: 'Since this morning, every ten minutes.' };
    const r = await customer.post(self('tickets'), body, { 'idempotency-key': 'new-ticket-1' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.confirmation).toMatchObject({ state: 'waiting', provider_name: source.name });
    ticketId = r.body.id;
    const call = provider.calls[before];
    expect(call.verdict).toBe('ok');
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/api/tickets');
    expect(call.identity).toMatchObject({ tenantId: A.id, userId: A.admin.id, partnerId: null, permission: 'support.tickets.create' });
    expect(call.headers['x-partnergate-tenant-id']).toBe(A.id);
    expect(call.headers['idempotency-key']).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(call.body).toMatchObject({ subject: body.subject, description: body.description, category: 'technical', priority: 'normal' });
    externalId = call.externalId!;

    const again = await customer.post(self('tickets'), body, { 'idempotency-key': 'new-ticket-1' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(ticketId);
    expect(provider.calls.length).toBe(before + 1);
    const list = await customer.get(self('tickets?limit=50'));
    expect(list.body.data.filter((x: { subject: string }) => x.subject === body.subject)).toHaveLength(1);
    // audited, with where it went
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', ticketId).execute();
    expect(audit.map((a) => a.action)).toEqual(['ticket.opened']);
    expect(JSON.parse(String(audit[0].details))).toMatchObject({ sent_to: 'acme-desk', external_id: externalId });
  });

  it('is confirmed when the provider’s source pushes the same record back: the same ticket, its words', async () => {
    const res = await push([{ kind: 'ticket', external_id: externalId, version: 1, data: { tenant_ref: A.slug, subject: 'Router keeps rebooting', description: 'Since this morning, every ten minutes.', category: 'technical', priority: 'high', status: 'in_progress', opened_at: clock.now().toISOString() } }]);
    expect(res.results[0]).toMatchObject({ status: 'applied', record_id: ticketId });
    const r = await customer.get(self(`tickets/${ticketId}`));
    expect(r.body).toMatchObject({ id: ticketId, status: 'in_progress', priority: 'high', confirmation: { state: 'confirmed', provider_name: source.name } });
    const list = await customer.get(self('tickets?limit=50'));
    expect(list.body.data.filter((x: { subject: string }) => x.subject === 'Router keeps rebooting')).toHaveLength(1);
  });

  it('a reply and an MSP’s answer go to the provider’s ticket by its id; each waits again until the source sends it back', async () => {
    const before = provider.calls.length;
    const reply = await customer.post(self(`tickets/${ticketId}/comments`), { text: 'It happened again at 11:02.' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.confirmation.state).toBe('waiting');
    expect(reply.body.comments.at(-1).text).toBe('It happened again at 11:02.');
    expect(provider.calls[before]).toMatchObject({ method: 'PATCH', url: `/api/tickets/${encodeURIComponent(externalId)}`, verdict: 'ok', body: { comment: 'It happened again at 11:02.', by_customer: true } });

    const answer = await mspStaff.post(`/api/v1/partner/support/tickets/${ticketId}/comments`, { text: 'We are on it.' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(provider.calls[before + 1]).toMatchObject({ method: 'PATCH', verdict: 'ok', body: { comment: 'We are on it.', by_customer: false } });
    expect(provider.calls[before + 1].identity).toMatchObject({ partnerId: P.id, userId: P.staff.id, tenantId: A.id });

    await push([{ kind: 'ticket', external_id: externalId, version: 2, data: { tenant_ref: A.slug, subject: 'Router keeps rebooting', description: 'Since this morning, every ten minutes.', category: 'technical', priority: 'high', status: 'in_progress', opened_at: clock.now().toISOString() } }]);
    const r = await customer.get(self(`tickets/${ticketId}`));
    expect(r.body.confirmation.state).toBe('confirmed');
    // the conversation written here stays
    expect(r.body.comments.map((c: { text: string }) => c.text)).toEqual(['It happened again at 11:02.', 'We are on it.']);
  });

  it('a refusal by the provider answers problem+json in its words and keeps nothing', async () => {
    provider.mode = 'refuse';
    try {
      const r = await customer.post(self('tickets'), { subject: 'Refused one', description: 'x' }, { 'idempotency-key': 'refused-1' });
      expect(r.status).toBe(422);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body).toMatchObject({ code: 'provider_refused' });
      expect(r.body.detail).toContain('Billing account is on hold in our system.');
      expect(r.body.detail).toContain(source.name);
    } finally {
      provider.mode = 'accept';
    }
    const list = await customer.get(self('tickets?limit=50'));
    expect(list.body.data.filter((x: { subject: string }) => x.subject === 'Refused one')).toHaveLength(0);
    // the failure is audited: who, what kind of record, where it went, and what went wrong in the same words
    const failed = await t.services.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', 'record_writes.send_failed').where('tenant_id', '=', A.id).execute();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ outcome: 'failure', actor_user_id: A.admin.id, target_type: 'ticket' });
    expect(JSON.parse(failed[0].details)).toMatchObject({ kind: 'ticket', provider: source.name, route_name: 'acme-desk', method: 'POST', path: '/tickets', code: 'provider_refused', failure: expect.stringContaining('Billing account is on hold in our system.') });
    // the retry once the provider takes it goes through, once
    const ok = await customer.post(self('tickets'), { subject: 'Refused one', description: 'x' }, { 'idempotency-key': 'refused-1' });
    expect(ok.status).toBe(201);
  });

  it('a provider that is down answers 502 problem+json and keeps nothing', async () => {
    expect((await route('tickets', { goes_to: 'provider', route_name: 'acme-down', source_id: source.id })).status).toBe(200);
    try {
      const r = await customer.post(self('tickets'), { subject: 'Nobody home', description: 'x' });
      expect(r.status).toBe(502);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.code).toBe('upstream_unavailable');
      const list = await customer.get(self('tickets?limit=50'));
      expect(list.body.data.filter((x: { subject: string }) => x.subject === 'Nobody home')).toHaveLength(0);
      const failed = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'record_writes.send_failed').where('tenant_id', '=', A.id).execute();
      expect(failed.map((f) => JSON.parse(f.details).code)).toContain('upstream_unavailable');
      expect(failed.map((f) => JSON.parse(f.details).failure)).toContain(`${source.name} could not be reached; nothing was saved. Try again.`);
    } finally {
      await route('tickets', { goes_to: 'provider', route_name: 'acme-desk', source_id: source.id, confirm_within_minutes: 30 });
    }
  });
});

describe('orders routed to the provider', () => {
  it('a partner app’s order through the gateway is sent on with the partner’s identity, kept as waiting, replayed by its key, confirmed by the sync; its cancellation goes there too', async () => {
    expect((await route('orders', { goes_to: 'provider', route_name: 'acme-desk', source_id: source.id })).status).toBe(200);
    const headers = { 'x-active-tenant-id': A.id, 'idempotency-key': 'order-1' };
    const body = { product_code: 'FIBER-1G', ban_id: A.bans[0].id, quantity: 1 };
    const before = provider.calls.length;
    const r = await gw(t, 'POST', '/resources/v1/orders', { token: partnerToken, headers, body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.confirmation).toMatchObject({ state: 'waiting', provider_name: source.name });
    const call = provider.calls[before];
    expect(call).toMatchObject({ method: 'POST', url: '/api/orders', verdict: 'ok', body: { ban: A.bans[0].account_number, product_code: 'FIBER-1G', quantity: 1 } });
    expect(call.identity).toMatchObject({ tenantId: A.id, partnerId: P.id, permission: 'orders.create' });
    expect(call.headers['idempotency-key']).toBeTruthy();

    const again = await gw(t, 'POST', '/resources/v1/orders', { token: partnerToken, headers, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(r.body.id);
    expect(provider.calls.length).toBe(before + 1);

    await push([{ kind: 'order', external_id: call.externalId, version: 1, data: { ban: A.bans[0].account_number, product_code: 'FIBER-1G', product_name: 'Fiber 1G', quantity: 1, unit_price_cents: 120_000, total_cents: 120_000, currency: 'EUR', status: 'in_progress', placed_at: clock.now().toISOString() } }]);
    const mine = await customer.get(self('orders?limit=50'));
    const order = mine.body.data.find((o: { id: string }) => o.id === r.body.id);
    expect(order).toMatchObject({ status: 'in_progress', confirmation: { state: 'confirmed' } });
    expect(mine.body.data.filter((o: { product_name: string }) => o.product_name === 'Fiber 1G')).toHaveLength(1);

    const cancel = await gw(t, 'POST', `/resources/v1/orders/${r.body.id}/cancel`, { token: partnerToken, headers: { 'x-active-tenant-id': A.id } });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'cancelled', confirmation: { state: 'waiting' } });
    expect(provider.calls[before + 1]).toMatchObject({ method: 'POST', url: `/api/orders/${encodeURIComponent(call.externalId!)}/cancel`, verdict: 'ok' });
  });

  it('a customer places an order from its portal: sent to the provider, waiting until the source sends it back; its cancellation goes there too', async () => {
    const before = provider.calls.length;
    const r = await customer.post(self('orders'), { product_code: 'SIP-TRUNK-20', ban_id: A.bans[0].id, quantity: 2 }, { 'idempotency-key': 'portal-order-1' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'submitted', quantity: 2, persona: 'customer', confirmation: { state: 'waiting', provider_name: source.name } });
    const call = provider.calls[before];
    expect(call).toMatchObject({ method: 'POST', url: '/api/orders', verdict: 'ok', body: { ban: A.bans[0].account_number, product_code: 'SIP-TRUNK-20', quantity: 2 } });
    expect(call.identity).toMatchObject({ tenantId: A.id, userId: A.admin.id, permission: 'orders.create' });
    // the same key again: the same order, sent once
    const again = await customer.post(self('orders'), { product_code: 'SIP-TRUNK-20', ban_id: A.bans[0].id, quantity: 2 }, { 'idempotency-key': 'portal-order-1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(r.body.id);
    expect(provider.calls.length).toBe(before + 1);

    await push([{ kind: 'order', external_id: call.externalId, version: 1, data: { ban: A.bans[0].account_number, product_code: 'SIP-TRUNK-20', product_name: 'SIP trunk, 20 channels', quantity: 2, unit_price_cents: 9_900, total_cents: 19_800, currency: 'EUR', status: 'submitted', placed_at: clock.now().toISOString() } }]);
    const cancel = await customer.post(self(`orders/${r.body.id}/cancel`), {});
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toMatchObject({ id: r.body.id, status: 'cancelled', confirmation: { state: 'waiting', provider_name: source.name } });
    expect(provider.calls[before + 1]).toMatchObject({ method: 'POST', url: `/api/orders/${encodeURIComponent(call.externalId!)}/cancel`, verdict: 'ok' });
    // another tenant's order looks missing
    const B = await t.world.tenant();
    const other = await (await loginAs(t, B.admin)).post(`/api/v1/tenants/${B.id}/self/orders/${r.body.id}/cancel`, {});
    expect(other.status).toBe(404);
  });

  it('back at the reference service, an order lands at once as before (no confirmation line)', async () => {
    expect((await route('orders', { goes_to: 'reference_service' })).status).toBe(200);
    const before = provider.calls.length;
    const r = await gw(t, 'POST', '/resources/v1/orders', { token: partnerToken, headers: { 'x-active-tenant-id': A.id }, body: { product_code: 'STATIC-IP-29', ban_id: A.bans[0].id } });
    expect(r.status).toBe(201);
    expect(r.body.confirmation).toBeNull();
    expect(provider.calls.length).toBe(before);
  });
});

describe('a record that does not come back', () => {
  it('is "overdue" past the operator’s time limit (the clock moves, nothing sleeps)', async () => {
    expect((await route('tickets', { goes_to: 'provider', route_name: 'acme-desk', source_id: source.id, confirm_within_minutes: 1 })).status).toBe(200);
    const r = await customer.post(self('tickets'), { subject: 'Never comes back', description: 'x' });
    expect(r.body.confirmation.state).toBe('waiting');
    clock.advance(30_000);
    expect((await customer.get(self(`tickets/${r.body.id}`))).body.confirmation.state).toBe('waiting');
    clock.advance(61_000);
    const later = await customer.get(self(`tickets/${r.body.id}`));
    expect(later.body.confirmation).toMatchObject({ state: 'overdue', provider_name: source.name });
  });
});
