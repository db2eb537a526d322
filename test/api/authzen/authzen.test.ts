/**
 * The AuthZEN 1.0 decision API as a policy enforcement point meets it: the PDP metadata, a
 * partner app's client-credentials token with the authzen.evaluate scope from the real token
 * endpoint, the specification's evaluation / evaluations / search examples adapted to a
 * Partnergate world (a managed-service partner linked to a customer for one of its two billing
 * accounts), answered from memory; callers without the token or the scope refused; every class
 * of bad input answered with problem+json and a stable code; no answer about another
 * organisation. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { link, mintToken, withoutTables } from '../gateway/helpers.ts';
import { Client, type Problem } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let pdp: RegisteredApp;
let token: string;
let tenant: TestTenant;
let other: TestTenant;
let stranger: TestPartner;

const asTestApp = () => t as unknown as TestApp;

function caller(bearer: string | null = token): Client {
  const c = new Client(t.app);
  c.bearer = bearer;
  return c;
}

const partner = () => ({ type: 'partner', id: pdp.partner.id });
const tenantRes = (x: TestTenant = tenant) => ({ type: 'tenant', id: x.id });
const ban = (i: number, x: TestTenant = tenant) => ({ type: 'ban', id: x.bans[i].id, properties: { tenant_id: x.id } });

beforeAll(async () => {
  t = await startOAuthApp();
  pdp = await partnerWithApp(t, { capabilities: ['managed_services', 'wholesale'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
  const r = await tokenRequest(t, pdp, { grant_type: 'client_credentials', scope: 'authzen.evaluate' });
  expect(r.status).toBe(200);
  token = String(r.body.access_token);
  tenant = await t.world.tenant({ bans: 2 });
  other = await t.world.tenant({ bans: 1 });
  stranger = await t.world.partner({ capabilities: ['managed_services'] });
  await link(asTestApp(), pdp.partner, tenant, { role: 'MSP_FULL', banIds: [tenant.bans[0].id] });
  await link(asTestApp(), stranger, other, { role: 'MSP_FULL' });
  await t.services.feed.drain();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('PDP metadata (§11)', () => {
  it('names every endpoint under the policy decision point identifier, without credentials', async () => {
    const r = await new Client(t.app).get('/.well-known/authzen-configuration');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      policy_decision_point: t.url,
      access_evaluation_endpoint: `${t.url}/access/v1/evaluation`,
      access_evaluations_endpoint: `${t.url}/access/v1/evaluations`,
      search_subject_endpoint: `${t.url}/access/v1/search/subject`,
      search_resource_endpoint: `${t.url}/access/v1/search/resource`,
      search_action_endpoint: `${t.url}/access/v1/search/action`,
    });
  });
});

describe('access evaluation (§6)', () => {
  it('permits the linked partner on the customer and on the covered account; denies the other account with the reason', async () => {
    const c = caller();
    const yes = await c.post('/access/v1/evaluation', { subject: partner(), action: { name: 'billing.invoices.read' }, resource: tenantRes(), context: { time: '2026-05-31T15:22-07:00' } });
    expect([yes.status, yes.body]).toEqual([200, { decision: true }]);
    expect((await c.post('/access/v1/evaluation', { subject: partner(), action: { name: 'billing.invoices.read' }, resource: ban(0) })).body).toEqual({ decision: true });
    const no = await c.post('/access/v1/evaluation', { subject: partner(), action: { name: 'billing.invoices.read' }, resource: ban(1) });
    expect(no.status).toBe(200);
    expect(no.body).toEqual({ decision: false, context: { code: 'ban_not_covered', reason: 'The billing account is not covered' } });
  });

  it("decides the partner's people bound to the partner, and echoes X-Request-ID", async () => {
    const r = await caller().post('/access/v1/evaluation', { subject: { type: 'user', id: pdp.partner.staff.id }, action: { name: 'orders.read' }, resource: tenantRes() }, { 'x-request-id': 'bfe9eb29-ab87-4ca3-be83-a1d5d8305716' });
    expect(r.body).toEqual({ decision: true });
    expect(r.headers['x-request-id']).toBe('bfe9eb29-ab87-4ca3-be83-a1d5d8305716');
  });

  it('answers from memory: with the delegation, partner, tenant and user tables away it still decides', async () => {
    const r = await withoutTables(asTestApp(), ['delegations', 'partners', 'tenants', 'users'], () =>
      caller().post('/access/v1/evaluation', { subject: partner(), action: { name: 'orders.read' }, resource: tenantRes() }),
    );
    expect([r.status, r.body]).toEqual([200, { decision: true }]);
  });

  it('says nothing about another organisation: its partner answers like one that does not exist, its people like strangers', async () => {
    const c = caller();
    const theirs = await c.post('/access/v1/evaluation', { subject: { type: 'partner', id: stranger.id }, action: { name: 'orders.read' }, resource: tenantRes(other) });
    const nobody = await c.post('/access/v1/evaluation', { subject: { type: 'partner', id: 'ptr_01jd9x0a8q4m7w2k3v5b6c8d9e' }, action: { name: 'orders.read' }, resource: tenantRes(other) });
    expect(theirs.body).toEqual({ decision: false, context: { code: 'partner_inactive', reason: 'The partner is not active' } });
    expect(theirs.body).toEqual(nobody.body);
    const person = await c.post('/access/v1/evaluation', { subject: { type: 'user', id: stranger.staff.id }, action: { name: 'orders.read' }, resource: tenantRes(other) });
    const ghost = await c.post('/access/v1/evaluation', { subject: { type: 'user', id: 'usr_01jd9x0a8q4m7w2k3v5b6c8d9e' }, action: { name: 'orders.read' }, resource: tenantRes(other) });
    expect(person.body).toEqual({ decision: false, context: { code: 'user_inactive', reason: 'The user account is not active' } });
    expect(person.body).toEqual(ghost.body);
  });
});

describe('access evaluations (§7)', () => {
  // the specification's example: one subject and action by default, the third evaluation overriding the action
  const body = (semantic?: string) => ({
    subject: partner(),
    action: { name: 'billing.invoices.read' },
    context: { time: '2026-05-31T15:22-07:00' },
    ...(semantic ? { options: { evaluations_semantic: semantic } } : {}),
    evaluations: [{ resource: ban(0) }, { resource: ban(1) }, { action: { name: 'orders.create' }, resource: tenantRes() }],
  });
  const denied = { decision: false, context: { code: 'ban_not_covered', reason: 'The billing account is not covered' } };

  it('execute_all (the default) answers every evaluation in order', async () => {
    const c = caller();
    const all = await c.post('/access/v1/evaluations', body());
    expect([all.status, all.body]).toEqual([200, { evaluations: [{ decision: true }, denied, { decision: true }] }]);
    expect((await c.post('/access/v1/evaluations', body('execute_all'))).body).toEqual(all.body);
  });

  it('deny_on_first_deny stops after the first denial; permit_on_first_permit after the first permit', async () => {
    const c = caller();
    expect((await c.post('/access/v1/evaluations', body('deny_on_first_deny'))).body).toEqual({ evaluations: [{ decision: true }, denied] });
    expect((await c.post('/access/v1/evaluations', body('permit_on_first_permit'))).body).toEqual({ evaluations: [{ decision: true }] });
  });

  it('without an evaluations array, the top level is the one evaluation', async () => {
    const r = await caller().post('/access/v1/evaluations', { subject: partner(), action: { name: 'orders.read' }, resource: tenantRes() });
    expect(r.body).toEqual({ evaluations: [{ decision: true }] });
  });
});

describe('search (§8–10)', () => {
  it('resource search: the tenants and the billing accounts the partner reaches, for an action or for anything', async () => {
    const c = caller();
    const tenants = await c.post('/access/v1/search/resource', { subject: partner(), action: { name: 'billing.invoices.read' }, resource: { type: 'tenant' } });
    expect([tenants.status, tenants.body]).toEqual([200, { results: [{ type: 'tenant', id: tenant.id }], page: { next_token: '', count: 1, total: 1 } }]);
    const bans = await c.post('/access/v1/search/resource', { subject: partner(), resource: { type: 'ban' } });
    expect(bans.body.results).toEqual([{ type: 'ban', id: tenant.bans[0].id, properties: { tenant_id: tenant.id } }]);
    const none = await c.post('/access/v1/search/resource', { subject: partner(), action: { name: 'platform.tenants.manage' }, resource: { type: 'tenant' } });
    expect(none.body).toEqual({ results: [], page: { next_token: '', count: 0, total: 0 } });
  });

  it("subject search: the partner and its people who reach the tenant, paged with page.limit and page.token", async () => {
    const c = caller();
    const partners = await c.post('/access/v1/search/subject', { subject: { type: 'partner' }, action: { name: 'orders.read' }, resource: tenantRes() });
    expect(partners.body.results).toEqual([{ type: 'partner', id: pdp.partner.id }]);
    const people = [pdp.partner.owner.id, pdp.partner.staff.id].sort();
    const first = await c.post('/access/v1/search/subject', { subject: { type: 'user' }, action: { name: 'orders.read' }, resource: tenantRes(), page: { limit: 1 } });
    expect(first.body.results).toEqual([{ type: 'user', id: people[0] }]);
    expect(first.body.page.count).toBe(1);
    expect(first.body.page.total).toBe(2);
    expect(first.body.page.next_token).not.toBe('');
    const second = await c.post('/access/v1/search/subject', { subject: { type: 'user' }, action: { name: 'orders.read' }, resource: tenantRes(), page: { limit: 1, token: first.body.page.next_token } });
    expect(second.body).toEqual({ results: [{ type: 'user', id: people[1] }], page: { next_token: '', count: 1, total: 2 } });
    // nobody of the partner reaches the other customer
    expect((await c.post('/access/v1/search/subject', { subject: { type: 'user' }, resource: tenantRes(other) })).body.results).toEqual([]);
  });

  it('action search: what the partner may do on the customer, each answer an allowed evaluation', async () => {
    const c = caller();
    const r = await c.post('/access/v1/search/action', { subject: partner(), resource: tenantRes(), context: { time: '2026-10-26T01:22-07:00' }, page: { limit: 1000 } });
    expect(r.status).toBe(200);
    const names = (r.body.results as { name: string }[]).map((a) => a.name);
    expect(names).toContain('billing.invoices.read');
    expect(names).toContain('orders.create');
    expect(names.some((n) => n.startsWith('platform.'))).toBe(false);
    const check = await c.post('/access/v1/evaluations', { subject: partner(), resource: tenantRes(), evaluations: names.map((name) => ({ action: { name } })) });
    expect((check.body.evaluations as { decision: boolean }[]).every((e) => e.decision)).toBe(true);
  });
});

describe('callers', () => {
  const ask = { subject: { type: 'partner', id: 'ptr_01jd9x0a8q4m7w2k3v5b6c8d9e' }, action: { name: 'orders.read' }, resource: { type: 'tenant', id: 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9e' } };
  const paths = ['/access/v1/evaluation', '/access/v1/evaluations', '/access/v1/search/action'];

  it('without a token: 401 with a Bearer challenge naming the scope, on every endpoint', async () => {
    for (const path of [...paths, '/access/v1/search/resource', '/access/v1/search/subject']) {
      const r = await caller(null).post<Problem>(path, ask);
      expect([path, r.status, r.body.code]).toEqual([path, 401, 'authzen_token_required']);
      expect(String(r.headers['content-type'])).toContain('application/problem+json');
      expect(r.headers['www-authenticate']).toBe('Bearer scope="authzen.evaluate"');
    }
  });

  it('a forged or expired token: 401 invalid_token', async () => {
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const r = await caller(forged).post<Problem>('/access/v1/evaluation', ask);
    expect([r.status, r.body.code]).toEqual([401, 'authzen_token_invalid']);
    const expired = await mintToken(asTestApp(), { client_id: pdp.clientId, partner_id: pdp.partner.id, sub: pdp.clientId, scope: 'authzen.evaluate' }, { issuedAtSec: Math.floor(Date.now() / 1000) - 3600, expiresInSec: 60 });
    expect((await caller(expired).post<Problem>('/access/v1/evaluation', ask)).body.code).toBe('authzen_token_invalid');
  });

  it("a managed-services partner's decision point (no wholesale capability) asks about itself; its token reaches no resource through the gateway", async () => {
    const msp = await partnerWithApp(t, { capabilities: ['managed_services'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
    const r0 = await tokenRequest(t, msp, { grant_type: 'client_credentials', scope: 'authzen.evaluate' });
    expect(r0.status, JSON.stringify(r0.body)).toBe(200);
    const bearer = String(r0.body.access_token);
    await link(asTestApp(), msp.partner, other, { role: 'MSP_BILLING' });
    const asks = (name: string) => caller(bearer).post<{ decision: boolean }>('/access/v1/evaluation', { subject: { type: 'partner', id: msp.partner.id }, action: { name }, resource: tenantRes(other) });
    expect((await asks('billing.invoices.read')).body.decision).toBe(true);
    expect((await asks('orders.create')).body.decision).toBe(false);
    const through = await caller(bearer).get<Problem>(`/resources/billing/invoices`);
    expect(through.status).toBeGreaterThanOrEqual(400);
    expect(through.status).toBeLessThan(500);
  });

  it('the token of an app deleted a moment ago: refused on the very next request', async () => {
    const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
    const r0 = await tokenRequest(t, app, { grant_type: 'client_credentials', scope: 'authzen.evaluate' });
    const own = { ...ask, subject: { type: 'partner', id: app.partner.id } };
    expect((await caller(String(r0.body.access_token)).post('/access/v1/evaluation', own)).status).toBe(200);
    const owner = await app.partner.owner.login();
    expect((await owner.delete(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`)).status).toBe(204);
    const r = await caller(String(r0.body.access_token)).post<Problem>('/access/v1/evaluation', own);
    expect([r.status, r.body.code]).toEqual([401, 'authzen_token_invalid']);
  });

  it('a token without the authzen.evaluate scope: 403 authzen_scope_required', async () => {
    const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const r0 = await tokenRequest(t, app, { grant_type: 'client_credentials', scope: 'orders.read' });
    const r = await caller(String(r0.body.access_token)).post<Problem>('/access/v1/evaluation', ask);
    expect([r.status, r.body.code]).toEqual([403, 'authzen_scope_required']);
    expect(r.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="authzen.evaluate"');
  });

  it("a person's token or a customer delegation's token, even with the scope: 403 authzen_caller_not_app", async () => {
    const person = await mintToken(asTestApp(), { client_id: pdp.clientId, partner_id: pdp.partner.id, sub: pdp.partner.staff.id, persona: 'msp', scope: 'authzen.evaluate' });
    expect((await caller(person).post<Problem>('/access/v1/evaluation', ask)).body.code).toBe('authzen_caller_not_app');
    const delegated = await mintToken(asTestApp(), { client_id: pdp.clientId, partner_id: pdp.partner.id, sub: tenant.admin.id, dlg: 'dlg_01jd9x0a8q4m7w2k3v5b6c8d9e', scope: 'authzen.evaluate' });
    expect((await caller(delegated).post<Problem>('/access/v1/evaluation', ask)).status).toBe(403);
  });
});

describe('bad input: 400 problem+json with a stable code, never a 500', () => {
  const cases: [string, string, unknown, string, string?][] = [
    ['unknown subject type', '/access/v1/evaluation', { subject: { type: 'group', id: 'g1' }, action: { name: 'orders.read' }, resource: { type: 'tenant', id: 't' } }, 'authzen_subject_type_unsupported', '/body/subject/type'],
    ['unknown resource type', '/access/v1/evaluation', { subject: { type: 'partner', id: 'p' }, action: { name: 'orders.read' }, resource: { type: 'document', id: 'd' } }, 'authzen_resource_type_unsupported', '/body/resource/type'],
    ['an action that is no permission name', '/access/v1/evaluation', { subject: { type: 'partner', id: 'p' }, action: { name: 'can_read*' }, resource: { type: 'tenant', id: 't' } }, 'authzen_action_invalid', '/body/action/name'],
    ['a subject without id', '/access/v1/evaluation', { subject: { type: 'partner' }, action: { name: 'orders.read' }, resource: { type: 'tenant', id: 't' } }, 'authzen_id_required', '/body/subject/id'],
    ['a resource search for a resource without type', '/access/v1/search/resource', { subject: { type: 'partner', id: 'p' }, resource: {} }, 'validation_failed'],
    ['an evaluation with no action and no default', '/access/v1/evaluations', { subject: { type: 'partner', id: 'p' }, evaluations: [{ resource: { type: 'tenant', id: 't' } }] }, 'authzen_evaluation_incomplete', '/body/evaluations/0'],
    ['an unknown evaluations semantic', '/access/v1/evaluations', { options: { evaluations_semantic: 'first_wins' }, evaluations: [] }, 'validation_failed'],
    ['a bad item in a batch that would have stopped before it', '/access/v1/evaluations', { subject: { type: 'partner', id: 'p' }, action: { name: 'orders.read' }, options: { evaluations_semantic: 'deny_on_first_deny' }, evaluations: [{ resource: { type: 'tenant', id: 't' } }, { resource: { type: 'folder', id: 'f' } }] }, 'authzen_resource_type_unsupported', '/body/evaluations/1/resource/type'],
    ['a page token of another search', '/access/v1/search/action', { subject: { type: 'partner', id: 'p' }, resource: { type: 'tenant', id: 't' }, page: { token: 'bm90IGEgdG9rZW4' } }, 'authzen_page_token_invalid', '/body/page/token'],
    ['a page limit of 0', '/access/v1/search/action', { subject: { type: 'partner', id: 'p' }, resource: { type: 'tenant', id: 't' }, page: { limit: 0 } }, 'validation_failed'],
    ['an unknown member', '/access/v1/evaluation', { subject: { type: 'partner', id: 'p' }, action: { name: 'orders.read' }, resource: { type: 'tenant', id: 't' }, decision: true }, 'validation_failed'],
  ];

  it.each(cases)('%s', async (_what, path, body, code, pointer) => {
    const r = await caller().post<Problem>(path, body);
    expect([r.status, r.body.code]).toEqual([400, code]);
    expect(String(r.headers['content-type'])).toContain('application/problem+json');
    if (pointer) expect(r.body.errors?.map((e) => e.pointer)).toContain(pointer);
  });

  it('a body that is not JSON', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/access/v1/evaluation', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"subject":' });
    expect(r.statusCode).toBe(400);
    expect(String(r.headers['content-type'])).toContain('application/problem+json');
  });

  it('a page token of one search is refused by another', async () => {
    const c = caller();
    const people = await c.post('/access/v1/search/subject', { subject: { type: 'user' }, action: { name: 'orders.read' }, resource: tenantRes(), page: { limit: 1 } });
    const r = await c.post<Problem>('/access/v1/search/subject', { subject: { type: 'user' }, action: { name: 'orders.create' }, resource: tenantRes(), page: { token: people.body.page.next_token } });
    expect([r.status, r.body.code]).toEqual([400, 'authzen_page_token_invalid']);
  });
});
