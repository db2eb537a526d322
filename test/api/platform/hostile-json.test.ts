/**
 * Hostile bodies answer 4xx with a stable code, never 500: JSON nested tens of thousands of levels
 * deep (which overflowed the stack and answered 500 internal_error), deep bracket keys in form
 * bodies, prototype-pollution keys, huge numbers of keys, very long strings — on the JSON API, the
 * embed API, the OAuth endpoints (oidc-provider parses its own bodies), the interaction pages,
 * forward-auth and the gateway proxy (which forwards bodies unparsed to the upstream, which parses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { agencyWithToken, type TestAgency } from '../agencies/helpers.ts';
import { apiToken, link } from '../gateway/helpers.ts';
import { MAX_JSON_DEPTH } from '../../../src/platform/http/json-depth.ts';

const DEEP = 50_000;
const BODIES = {
  'deep array': { body: '['.repeat(DEEP) + ']'.repeat(DEEP), type: 'application/json' },
  'deep object': { body: '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP), type: 'application/json' },
  // 2 000 levels of brackets stays under the form parsers' size limits (16 KiB, oidc-provider's 56 KiB)
  'deep form': { body: 'a' + '[a]'.repeat(2_000) + '=1', type: 'application/x-www-form-urlencoded' },
} as const;
type Kind = keyof typeof BODIES;

let t: TestApp;
let operator: Client;
let tenant: TestTenant;
let admin: Client;
let partner: TestPartner;
let agency: TestAgency;
let gatewayToken: string;
let mspTenant: TestTenant;
let oauthClient: { id: string; secret: string };

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  tenant = await t.world.tenant();
  admin = await tenant.admin.login();
  partner = await t.world.partner({ capabilities: ['managed_services'] });
  agency = await agencyWithToken(t, { tenant, admin });
  mspTenant = await t.world.tenant();
  await link(t, partner, mspTenant);
  gatewayToken = await apiToken(t, partner.staff);
  const wholesaler = await t.world.partner({ capabilities: ['wholesale'] });
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: wholesaler.id } };
  const created = await t.services.apps.create(ctx, wholesaler.id, { name: 'Hostile', grant_types: ['client_credentials'], scopes: ['orders.read'] });
  oauthClient = { id: created.app.id, secret: created.secret! };
}, 60_000);
afterAll(() => t.close());

interface Call {
  who: () => Client | null;
  method: string;
  url: () => string;
  headers?: () => Record<string, string>;
}

async function send(c: Call, body: string, type: string) {
  const headers: Record<string, string> = { 'content-type': type, ...c.headers?.() };
  const who = c.who();
  if (who) return who.request(c.method, c.url(), body, headers);
  const r = await t.app.inject({ method: c.method as 'POST', url: c.url(), headers, payload: body });
  const ct = String(r.headers['content-type'] ?? '');
  return { status: r.statusCode, body: ct.includes('json') && r.body ? JSON.parse(r.body) : r.body, headers: r.headers };
}

const basic = () => ({ authorization: `Basic ${Buffer.from(`${oauthClient.id}:${oauthClient.secret}`).toString('base64')}` });
const bearer = () => ({ authorization: `Bearer ${gatewayToken}`, 'x-active-tenant-id': mspTenant.id });

/** The JSON routes (problem+json): deep JSON → 400 json_too_deep; a form body → 415 (they take JSON only). */
const JSON_ROUTES: [string, Call][] = [
  ['POST /api/v1/auth/login', { who: () => t.client(), method: 'POST', url: () => '/api/v1/auth/login' }],
  ['PATCH /api/v1/me', { who: () => admin, method: 'PATCH', url: () => '/api/v1/me' }],
  ['POST /api/v1/tenants', { who: () => operator, method: 'POST', url: () => '/api/v1/tenants' }],
  ['POST billing accounts', { who: () => admin, method: 'POST', url: () => `/api/v1/tenants/${tenant.id}/billing-accounts` }],
  ['PATCH feature toggles', { who: () => operator, method: 'PATCH', url: () => `/api/v1/partners/${partner.id}/feature-toggles` }],
  ['POST /api/v1/me/api-tokens', { who: () => admin, method: 'POST', url: () => '/api/v1/me/api-tokens' }],
  ['POST /api/v1/partner-applications', { who: () => t.client(), method: 'POST', url: () => '/api/v1/partner-applications' }],
  ['POST /api/v1/invitations/accept', { who: () => t.client(), method: 'POST', url: () => '/api/v1/invitations/accept' }],
  ['POST /embed/v1/vouchers', { who: () => agency.embed, method: 'POST', url: () => '/embed/v1/vouchers' }],
  ['POST /resources/v1/orders (gateway → upstream)', { who: () => null, method: 'POST', url: () => '/resources/v1/orders', headers: bearer }],
];

describe('deeply nested JSON and form bodies', () => {
  const cases = JSON_ROUTES.flatMap(([name, call]) => (Object.keys(BODIES) as Kind[]).map((kind) => [name, kind, call] as const));
  it.each(cases)('%s, %s → 4xx with a code', async (_name, kind, call) => {
    const r = await send(call, BODIES[kind].body, BODIES[kind].type);
    const [status, code] = kind === 'deep form' ? [415, 'unsupported_media_type'] : [400, 'json_too_deep'];
    expect([r.status, r.body?.code], JSON.stringify(r.body).slice(0, 300)).toEqual([status, code]);
    expect(String(r.headers['content-type'])).toContain('application/problem+json');
  });

  it.each([
    ['token', '/oauth/token'],
    ['pushed authorization request', '/oauth/request'],
    ['introspection', '/oauth/token/introspection'],
    ['revocation', '/oauth/token/revocation'],
  ])('the OAuth %s endpoint answers 400 invalid_request to each (RFC 6749 error shape)', async (_name, url) => {
    for (const kind of Object.keys(BODIES) as Kind[]) {
      const r = await send({ who: () => null, method: 'POST', url: () => url, headers: basic }, BODIES[kind].body, BODIES[kind].type);
      expect([kind, r.status, r.body?.error], JSON.stringify(r.body)).toEqual([kind, 400, 'invalid_request']);
    }
  });

  it('the sign-in page refuses deep JSON with 400 json_too_deep and takes a deep form key as one flat, unknown key', async () => {
    for (const kind of ['deep array', 'deep object'] as const) {
      const r = await send({ who: () => t.client(), method: 'POST', url: () => '/oauth/interaction/nope/login' }, BODIES[kind].body, BODIES[kind].type);
      expect([r.status, r.body?.code]).toEqual([400, 'json_too_deep']);
    }
    const form = await send({ who: () => t.client(), method: 'POST', url: () => '/oauth/interaction/nope/login' }, BODIES['deep form'].body, BODIES['deep form'].type);
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
  });

  it('forward-auth never parses the body: it answers the decision on the original request', async () => {
    for (const kind of Object.keys(BODIES) as Kind[]) {
      const r = await send(
        { who: () => null, method: 'POST', url: () => '/authz/forward-auth', headers: () => ({ ...bearer(), 'x-forwarded-method': 'POST', 'x-forwarded-uri': '/resources/v1/orders' }) },
        BODIES[kind].body,
        BODIES[kind].type,
      );
      expect([kind, r.status]).toEqual([kind, 200]);
    }
  });

  it(`${MAX_JSON_DEPTH} levels pass the depth check (and meet validation), ${MAX_JSON_DEPTH + 1} do not`, async () => {
    const nest = (n: number) => '{"name":' + '['.repeat(n - 1) + ']'.repeat(n - 1) + '}';
    const ok = await admin.request('PATCH', '/api/v1/me', nest(MAX_JSON_DEPTH), { 'content-type': 'application/json' });
    expect([ok.status, ok.body.code]).toEqual([400, 'validation_failed']);
    const deep = await admin.request('PATCH', '/api/v1/me', nest(MAX_JSON_DEPTH + 1), { 'content-type': 'application/json' });
    expect([deep.status, deep.body.code]).toEqual([400, 'json_too_deep']);
  });

  it('normal bodies still work on each kind of route', async () => {
    expect((await admin.patch('/api/v1/me', { name: 'Renamed Admin' })).status).toBe(200);
    expect((await admin.request('PATCH', '/api/v1/me', JSON.stringify({ name: 'Charset Admin' }), { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Nested [ok] {yes}' })).status).toBe(201);
    expect((await agency.embed.post('/embed/v1/vouchers', { type: 'credit_10', recipient_name: 'Ada' })).status).toBe(201);
    const order = await send({ who: () => null, method: 'POST', url: () => '/resources/v1/orders', headers: bearer }, JSON.stringify({ product_code: 'SDWAN-BRANCH', quantity: 1, ban_id: mspTenant.bans[0].id }), 'application/json');
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const token = await send({ who: () => null, method: 'POST', url: () => '/oauth/token', headers: basic }, 'grant_type=client_credentials&scope=orders.read', 'application/x-www-form-urlencoded');
    expect(token.status, JSON.stringify(token.body)).toBe(200);
  });
});

describe('the same class: keys and sizes a parser or validator could choke on', () => {
  it.each([
    ['{"__proto__":{"is_admin":true}}'],
    ['{"name":"x","__proto__":{"polluted":1}}'],
    ['{"constructor":{"prototype":{"polluted":1}}}'],
    ['[{"a":{"__proto__":{}}}]'],
  ])('a prototype-pollution key %s → 400 malformed_json saying why, on the API, the embed and through the gateway', async (body) => {
    const calls: Call[] = [
      { who: () => admin, method: 'PATCH', url: () => '/api/v1/me' },
      { who: () => t.client(), method: 'POST', url: () => '/api/v1/auth/login' },
      { who: () => agency.embed, method: 'POST', url: () => '/embed/v1/vouchers' },
      { who: () => null, method: 'POST', url: () => '/resources/v1/orders', headers: bearer },
    ];
    for (const c of calls) {
      const r = await send(c, body, 'application/json');
      expect([c.url(), r.status, r.body?.code]).toEqual([c.url(), 400, 'malformed_json']);
      expect(r.body.detail).toContain('reserved property name');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a plain "constructor" key is only an unknown field (400 validation_failed)', async () => {
    const r = await admin.request('PATCH', '/api/v1/me', '{"constructor":"x"}', { 'content-type': 'application/json' });
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
  });

  it('50 000 keys → 400 validation_failed (an object schema) or 400 (a map of toggles), quickly refused', async () => {
    const many = '{' + Array.from({ length: 50_000 }, (_, i) => `"k${i}":true`).join(',') + '}';
    const me = await admin.request('PATCH', '/api/v1/me', many, { 'content-type': 'application/json' });
    expect([me.status, me.body.code]).toEqual([400, 'validation_failed']);
    const toggles = await operator.request('PATCH', `/api/v1/partners/${partner.id}/feature-toggles`, `{"feature_toggles":${many}}`, { 'content-type': 'application/json' });
    expect(toggles.status).toBeGreaterThanOrEqual(400);
    expect(toggles.status).toBeLessThan(500);
    expect(toggles.body.code).toEqual(expect.any(String));
    const upstream = await send({ who: () => null, method: 'POST', url: () => '/resources/v1/orders', headers: bearer }, many, 'application/json');
    expect([upstream.status, upstream.body.code]).toEqual([400, 'validation_failed']);
  });

  it('very long strings → 400 validation_failed under the body limit, 413 body_too_large over it', async () => {
    const long = 'x'.repeat(900_000);
    const login = await t.client().post('/api/v1/auth/login', { email: 'a@example.test', password: long });
    expect([login.status, login.body.code]).toEqual([400, 'validation_failed']);
    const tooBig = await t.client().post('/api/v1/auth/login', { email: 'a@example.test', password: long + long });
    expect([tooBig.status, tooBig.body.code]).toEqual([413, 'body_too_large']);
    const proxied = await send({ who: () => null, method: 'POST', url: () => '/resources/v1/orders', headers: bearer }, JSON.stringify({ product_code: long + long }), 'application/json');
    expect([proxied.status, proxied.body.code]).toEqual([413, 'body_too_large']);
    const form = await send({ who: () => null, method: 'POST', url: () => '/oauth/token', headers: basic }, `grant_type=client_credentials&scope=${'x'.repeat(100_000)}`, 'application/x-www-form-urlencoded');
    expect([form.status, form.body.error]).toEqual([400, 'invalid_request']);
  });

  it('nothing was written by any refused body', async () => {
    await t.services.gateway.auditBuffer.flush(); // the gateway's access events of earlier tests
    const before = await t.services.audit.count();
    await admin.request('PATCH', '/api/v1/me', BODIES['deep object'].body, { 'content-type': 'application/json' });
    await admin.request('POST', `/api/v1/tenants/${tenant.id}/billing-accounts`, '{"name":"x","__proto__":{}}', { 'content-type': 'application/json' });
    expect(await t.services.audit.count()).toBe(before);
  });
});
