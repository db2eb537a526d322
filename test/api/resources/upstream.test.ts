/**
 * The reference resource service as the gateway's upstream: its own HTTP app that trusts only
 * identity headers signed by the gateway, and the rules of its resources (which BAN is ordered
 * for and which is billed, tickets, vouchers), called over real HTTP with signed identities.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { TEST_SECRET } from '../../helpers/config.ts';
import { buildUpstreamApp } from '../../../src/modules/resources/index.ts';
import {
  ASSERTION_HEADER,
  CONTENT_SHA256_HEADER,
  UNSIGNED_PAYLOAD,
  contentSha256,
  deriveAssertionKey,
  identityHeaderValues,
  referenceBodyCheck,
  signAssertion,
  upstreamAuthenticator,
  upstreamKeyFor,
  type GatewayIdentity,
} from '../../../src/modules/gateway/index.ts';
import { apiToken, gw, link } from '../gateway/helpers.ts';

let t: TestApp;
let upstream: FastifyInstance;
let base: string;
let tenant: TestTenant;
/** the reference service's own key (as `partnergate gateway upstream-key reference-resources` prints it) */
const key = upstreamKeyFor({ gatewayAssertionSecret: null, secretKey: TEST_SECRET }, 'reference-resources');

function identity(over: Partial<GatewayIdentity> = {}): GatewayIdentity {
  return {
    requestId: 'req_test',
    partnerId: 'ptr_01jd9x0a8q4m7w2k3v5b6c8d9e',
    userId: null,
    clientId: 'app_01jd9x0a8q4m7w2k3v5b6c8d9e',
    tenantId: tenant.id,
    ban: null,
    bans: null,
    billTo: null,
    delegationId: null,
    scopes: null,
    persona: 'partner',
    permission: null,
    ...over,
  };
}

async function call(
  method: string,
  path: string,
  id: GatewayIdentity | null,
  opts: { body?: unknown; at?: number; signAs?: { method?: string; path?: string; key?: Buffer; body?: string | null; content?: string }; extra?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.extra };
  const body = opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
  if (id) {
    Object.assign(headers, identityHeaderValues(id));
    // as the gateway signs it: the SHA-256 of the body it forwards
    const signedBody = opts.signAs?.body !== undefined ? opts.signAs.body : body;
    const content = opts.signAs?.content ?? (signedBody ? contentSha256(signedBody) : '');
    if (content) headers[CONTENT_SHA256_HEADER] = content;
    headers[ASSERTION_HEADER] = signAssertion(opts.signAs?.key ?? key, id, opts.signAs?.method ?? method, opts.signAs?.path ?? `/v1${path}`, opts.at ?? Date.now(), content);
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${base}${path}`, { method, headers, body });
  const text = await r.text();
  return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text, headers: r.headers };
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.world.tenant({ bans: 3 });
  const s = t.services;
  upstream = await buildUpstreamApp({ resources: s.resources, tenants: s.tenants, vouchers: s.vouchers, authenticate: upstreamAuthenticator(key, s.clock), checkBody: referenceBodyCheck });
  await upstream.listen({ port: 0, host: '127.0.0.1' });
  const addr = upstream.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1`;
});
afterAll(async () => {
  await upstream?.close();
  await t.close();
});

describe('trusts only the gateway', () => {
  it('serves a request signed by the gateway', async () => {
    const r = await call('GET', '/context', identity({ bans: [tenant.bans[0].id] }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tenant_id: tenant.id, bans: [tenant.bans[0].id], persona: 'partner' });
  });

  it.each([
    ['unsigned identity headers', async () => fetch(`${base}/orders`, { headers: identityHeaderValues(identity()) })],
    ['a forged signature (another secret)', () => call('GET', '/orders', identity(), { signAs: { key: deriveAssertionKey('someone-elses-secret-that-is-long-enough!!') } })],
    ["another upstream's key (an operator upstream named crm, same installation)", () => call('GET', '/orders', identity(), { signAs: { key: upstreamKeyFor({ gatewayAssertionSecret: null, secretKey: TEST_SECRET }, 'crm') } })],
    ['the key of the old single-key scheme (derived from the master secret)', () => call('GET', '/orders', identity(), { signAs: { key: deriveAssertionKey(TEST_SECRET) } })],
    [
      'a tampered body (signed for 1 × FIBER-1G, sent with 40 × FIBER-10G)',
      () => call('POST', '/orders', identity({ bans: [tenant.bans[0].id] }), { body: { product_code: 'FIBER-10G', quantity: 40 }, signAs: { body: JSON.stringify({ product_code: 'FIBER-1G', quantity: 1 }) } }),
    ],
    ['a body where the assertion signed none', () => call('POST', '/orders', identity({ bans: [tenant.bans[0].id] }), { body: { product_code: 'FIBER-1G' }, signAs: { body: null } })],
    ['a signed body that never arrived', () => call('POST', '/orders/ord_01jd9x0a8q4m7w2k3v5b6c8d9e/cancel', identity({ bans: [tenant.bans[0].id] }), { signAs: { body: '{"x":1}' } })],
    ['an expired assertion (2 minutes old)', () => call('GET', '/orders', identity(), { at: Date.now() - 120_000 })],
    ['an assertion for another path', () => call('GET', '/orders', identity(), { signAs: { path: '/v1/context' } })],
    ['an assertion for another method', () => call('POST', '/orders', identity(), { signAs: { method: 'GET' }, body: { product_code: 'FIBER-1G' } })],
    [
      'a signed identity with a header changed afterwards',
      () => {
        const id = identity({ bans: [tenant.bans[0].id] });
        const sig = signAssertion(key, id, 'GET', '/v1/orders', Date.now());
        return fetch(`${base}/orders`, { headers: { ...identityHeaderValues(id), [ASSERTION_HEADER]: sig, 'x-partnergate-bans': '*' } });
      },
    ],
  ])('refuses %s with 401 gateway_assertion_invalid', async (_n, send) => {
    const r = (await send()) as Response | { status: number; body: { code: string } };
    const body = r instanceof Response ? ((await r.json()) as { code: string }) : r.body;
    expect([r.status, body.code]).toEqual([401, 'gateway_assertion_invalid']);
  });
});

describe('the body bound to the assertion', () => {
  it('serves a body whose SHA-256 the assertion signed', async () => {
    const r = await call('POST', '/orders', identity({ bans: [tenant.bans[0].id] }), { body: { product_code: 'STATIC-IP-29' } });
    expect(r.status).toBe(201);
  });

  it("takes UNSIGNED-PAYLOAD (a forward-auth proxy's request: the signer never saw the body)", async () => {
    const r = await call('POST', '/orders', identity({ bans: [tenant.bans[0].id] }), { body: { product_code: 'STATIC-IP-29' }, signAs: { content: UNSIGNED_PAYLOAD } });
    expect(r.status).toBe(201);
  });
});

describe('orders', () => {
  it('needs the BAN named when the access covers several, picks the only one otherwise', async () => {
    const several = await call('POST', '/orders', identity({ bans: [tenant.bans[0].id, tenant.bans[1].id] }), { body: { product_code: 'FIBER-1G' } });
    expect([several.status, several.body.code]).toEqual([400, 'ban_required']);
    const one = await call('POST', '/orders', identity({ bans: [tenant.bans[1].id] }), { body: { product_code: 'FIBER-1G' } });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ ban_id: tenant.bans[1].id, bill_to_ban_id: tenant.bans[1].id });
    const named = await call('POST', '/orders', identity({ bans: null }), { body: { product_code: 'FIBER-10G', ban_id: tenant.bans[2].account_number, quantity: 2 } });
    expect(named.body).toMatchObject({ ban_id: tenant.bans[2].id, total_cents: 2 * 650_000 });
  });

  it('refuses a closed account and another tenant’s account with ban_not_covered', async () => {
    const other = await t.world.tenant();
    const r = await call('POST', '/orders', identity(), { body: { product_code: 'FIBER-1G', ban_id: other.bans[0].id } });
    expect([r.status, r.body.code]).toEqual([403, 'ban_not_covered']);
    const closing = await t.world.tenant();
    await t.services.db.kysely.updateTable('billing_accounts').set({ status: 'closed' }).where('id', '=', closing.bans[0].id).execute();
    const c = await call('POST', '/orders', identity({ tenantId: closing.id }), { body: { product_code: 'FIBER-1G', ban_id: closing.bans[0].id } });
    expect([c.status, c.body.code]).toEqual([403, 'ban_not_covered']);
  });

  it('bills the wholesaler: the bill-to it was given, else its wholesale delegation’s account, never the customer', async () => {
    const wholesaler = await t.world.tenant();
    const viaHeader = await call('POST', '/orders', identity({ persona: 'wholesaler', billTo: wholesaler.bans[0].id, delegationId: 'dlg_01jd9x0a8q4m7w2k3v5b6c8d9e' }), { body: { product_code: 'FIBER-1G', ban_id: tenant.bans[0].id } });
    expect(viaHeader.body).toMatchObject({ ban_id: tenant.bans[0].id, bill_to_ban_id: wholesaler.bans[0].id, persona: 'wholesaler' });
    const p = await t.world.partner({ capabilities: ['wholesale'] });
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'wholesale', role: 'WHOLESALE', billToBanId: wholesaler.bans[1].id, endsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const viaDelegation = await call('POST', '/orders', identity({ persona: 'wholesaler', delegationId: d.id, partnerId: p.id }), { body: { product_code: 'FIBER-1G', ban_id: tenant.bans[0].id } });
    expect(viaDelegation.body.bill_to_ban_id).toBe(wholesaler.bans[1].id);
    const none = await t.services.delegations.create(t.world.ctx, { partnerId: (await t.world.partner({ capabilities: ['wholesale'] })).id, tenantId: tenant.id, origin: 'wholesale', role: 'WHOLESALE', endsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const missing = await call('POST', '/orders', identity({ persona: 'wholesaler', delegationId: none.id }), { body: { product_code: 'FIBER-1G', ban_id: tenant.bans[0].id } });
    expect([missing.status, missing.body.code]).toEqual([403, 'bill_to_missing']);
  });

  it("scopes an Idempotency-Key to the tenant and the caller: one party's key never returns another party's order", async () => {
    const key = { 'idempotency-key': 'order-1' };
    const order = { product_code: 'SIP-TRUNK-20', ban_id: tenant.bans[0].id };
    const partnerA = identity({ partnerId: 'ptr_01jd9x0a8q4m7w2k3v5b6c8aaa', clientId: 'app_01jd9x0a8q4m7w2k3v5b6c8aaa' });
    const a = await call('POST', '/orders', partnerA, { body: order, extra: key });
    expect(a.status).toBe(201);
    // the same caller retries: the same order
    const retry = await call('POST', '/orders', partnerA, { body: order, extra: key });
    expect([retry.status, retry.body.id]).toEqual([200, a.body.id]);
    // the same key from other parties of the same tenant: each gets an order of its own
    const others = [
      identity({ partnerId: 'ptr_01jd9x0a8q4m7w2k3v5b6c8bbb', clientId: 'app_01jd9x0a8q4m7w2k3v5b6c8bbb' }), // another partner
      identity({ partnerId: 'ptr_01jd9x0a8q4m7w2k3v5b6c8aaa', clientId: 'app_01jd9x0a8q4m7w2k3v5b6c8ccc' }), // another app of the same partner
      identity({ partnerId: 'ptr_01jd9x0a8q4m7w2k3v5b6c8aaa', clientId: null, userId: tenant.user.id }), // a user of the partner
      identity({ partnerId: null, clientId: null, userId: tenant.admin.id, persona: 'customer' }), // the customer's own admin
    ];
    const ids = new Set([a.body.id]);
    for (const who of others) {
      const r = await call('POST', '/orders', who, { body: { ...order, quantity: 2 }, extra: key });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.quantity).toBe(2);
      ids.add(r.body.id);
    }
    expect(ids.size).toBe(5);
    // a different order under a key this caller used: still refused
    const mismatch = await call('POST', '/orders', partnerA, { body: { ...order, quantity: 3 }, extra: key });
    expect([mismatch.status, mismatch.body.code]).toEqual([409, 'idempotency_key_reused']);
  });

  it('validates its input (unknown product, unknown field, wrong type) as 400 problems', async () => {
    for (const body of [{ product_code: 'NOPE' }, { product_code: 'FIBER-1G', price_cents: 1 }, { product_code: 'FIBER-1G', quantity: '2' }]) {
      const r = await call('POST', '/orders', identity(), { body });
      expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
    }
    const q = await call('GET', '/orders?status=bogus', identity());
    expect([q.status, q.body.code]).toEqual([400, 'validation_failed']);
    const id = await call('GET', '/orders/not-an-id', identity());
    expect([id.status, id.body.code]).toEqual([400, 'invalid_id']);
  });

  it('answers another tenant’s order like a missing one', async () => {
    const mine = await call('POST', '/orders', identity({ bans: [tenant.bans[0].id] }), { body: { product_code: 'STATIC-IP-29' } });
    const other = await t.world.tenant();
    const r = await call('GET', `/orders/${mine.body.id}`, identity({ tenantId: other.id }));
    expect([r.status, r.body.code]).toEqual([404, 'order_not_found']);
    const narrow = await call('GET', `/orders/${mine.body.id}`, identity({ bans: [tenant.bans[1].id] }));
    expect([narrow.status, narrow.body.code]).toEqual([404, 'order_not_found']);
  });
});

describe('tickets', () => {
  it('opens, updates and closes; a closed ticket stays closed', async () => {
    const open = await call('POST', '/tickets', identity(), { body: { subject: 'No dial tone', description: 'Since 8:00', category: 'technical', priority: 'high' } });
    expect(open.status).toBe(201);
    expect(open.body.number).toMatch(/^TCK-[0-9A-Z]{8}$/);
    const upd = await call('PATCH', `/tickets/${open.body.id}`, identity(), { body: { status: 'resolved', assignee: 'noc-tier2', comment: 'Line card replaced.' } });
    expect(upd.body).toMatchObject({ status: 'resolved', assignee: 'noc-tier2' });
    expect(upd.body.resolved_at).toBeTruthy();
    expect((await call('PATCH', `/tickets/${open.body.id}`, identity(), { body: { status: 'closed' } })).status).toBe(200);
    const reopen = await call('PATCH', `/tickets/${open.body.id}`, identity(), { body: { comment: 'again?' } });
    expect([reopen.status, reopen.body.code]).toEqual([409, 'invalid_ticket_transition']);
  });

  it('needs a covered BAN when the access covers only some accounts', async () => {
    const r = await call('POST', '/tickets', identity({ bans: [tenant.bans[0].id] }), { body: { subject: 's', description: 'd' } });
    expect([r.status, r.body.code]).toEqual([400, 'ban_required']);
    const ok = await call('POST', '/tickets', identity({ bans: [tenant.bans[0].id] }), { body: { subject: 's', description: 'd', ban_id: tenant.bans[0].id } });
    expect(ok.status).toBe(201);
  });
});

describe('vouchers (the vouchers module behind the gateway)', () => {
  it('issues on a covered account, lists and looks up — another account’s voucher is not found', async () => {
    const narrow = identity({ bans: [tenant.bans[0].id] });
    const issued = await call('POST', '/vouchers', narrow, { body: { type: 'credit_25', recipient_email: 'Pat@Example.test' } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ billing_account_id: tenant.bans[0].id, amount: 2500, status: 'issued', issued_by: { type: 'app' } });
    const list = await call('GET', '/vouchers', narrow);
    expect(list.body.data.map((v: { id: string }) => v.id)).toContain(issued.body.id);
    const found = await call('GET', `/vouchers/lookup?code=${encodeURIComponent(issued.body.code.toLowerCase())}`, narrow);
    expect(found.body.id).toBe(issued.body.id);
    const elsewhere = await call('GET', `/vouchers/lookup?code=${encodeURIComponent(issued.body.code)}`, identity({ bans: [tenant.bans[1].id] }));
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'voucher_not_found']);
    const unknown = await call('POST', '/vouchers', narrow, { body: { type: 'gold_bar' } });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'voucher_type_unknown']);
  });
});

describe('through the gateway', () => {
  it('serves the vouchers resource to an MSP user with vouchers permissions', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, tenant, { role: 'MSP_PROVISIONING', banIds: [tenant.bans[2].id] });
    const pat = await apiToken(t, msp.staff);
    const h = { 'x-active-tenant-id': tenant.id };
    const issued = await gw(t, 'POST', '/resources/v1/vouchers', { token: pat, headers: h, body: { type: 'free_installation' } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ billing_account_id: tenant.bans[2].id, issued_by: { type: 'user', user_id: msp.staff.id, partner_id: msp.id } });
    const list = await gw(t, 'GET', '/resources/v1/vouchers', { token: pat, headers: h });
    expect(list.body.data.every((v: { billing_account_id: string }) => v.billing_account_id === tenant.bans[2].id)).toBe(true);
  });
});
