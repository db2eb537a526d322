/**
 * One policy at every door: every route of the partner API (/api/v1/partner/…, read from the
 * OpenAPI document, so a new route is in the matrix the moment it exists) refuses a partner
 * person for each policy with the code the gateway gives the same person for the same policy —
 * suspended partner, MFA policies, the IP allow-list, the partner's per-minute limit, its quota,
 * a revoked or expired link, a just-in-time link not activated. Routes that name a customer are
 * found by their declared admission (config.admission.tenant), which the router requires of every
 * partner route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { apiRoutes, fill, type RouteSpec } from '../../helpers/access-matrix.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import { link } from '../gateway/helpers.ts';
import type { AdmissionNeeds } from '../../../src/platform/http/admission.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import * as OTPAuth from 'otpauth';

let t: TestApp;
let operator: Client;
let routes: (RouteSpec & { admission: AdmissionNeeds })[];
const clock = new ManualClock(new Date());
const codeFor = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: clock.nowMs() });

const DUMMY: Record<string, string> = {
  ticket_id: 'tkt_00000000000000000000000000',
  job_id: 'exp_00000000000000000000000000',
  alert_id: 'alr_00000000000000000000000000',
};

beforeAll(async () => {
  t = await startTestApp({ clock, config: { RATE_LIMITS: JSON.stringify({ read: 1000, write: 1000, export: 1000, partner: 5000 }) } });
  operator = await (await t.world.operator()).login();
  const doc = await apiRoutes(t.client());
  const declared = new Map(t.app.routers.filter((m) => m.router === 'partner-self').map((m) => [`${m.method} ${m.url.replace(/:(\w+)/g, '{$1}')}`, m.admission]));
  routes = doc.filter((r) => r.path.startsWith('/api/v1/partner/')).map((r) => ({ ...r, admission: declared.get(`${r.method} ${r.path}`)! }));
});
afterAll(() => t.close());

interface World {
  msp: TestPartner;
  tenant: TestTenant;
  person: Client;
}

async function world(o: { ip?: string; role?: string; banIds?: string[]; endsAt?: string } = {}): Promise<World> {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant, { role: o.role, endsAt: o.endsAt, banIds: o.banIds === undefined ? undefined : o.banIds.map((i) => tenant.bans[Number(i)].id) });
  const person = new Client(t.app);
  person.ip = o.ip ?? '10.1.2.3';
  await person.login(msp.staff.email, msp.staff.password);
  return { msp, tenant, person };
}

/** Every partner API route called by the person, naming the world's customer wherever a route may read it. */
async function everyRoute(w: World, only: (r: (typeof routes)[number]) => boolean = () => true) {
  const out: { route: string; status: number; code: string | undefined }[] = [];
  for (const r of routes.filter(only)) {
    const url = fill(r.path, { tenant_id: w.tenant.id, ...DUMMY });
    const q = r.admission.tenant?.from === 'query' ? `?${r.admission.tenant.field}=${w.tenant.id}` : '';
    const body = ['GET', 'DELETE'].includes(r.method) ? undefined : r.admission.tenant?.from === 'body' ? { [r.admission.tenant.field]: w.tenant.id } : {};
    const res = await w.person.request(r.method, url + q, body, { 'x-active-tenant-id': w.tenant.id });
    out.push({ route: `${r.method} ${r.path}`, status: res.status, code: res.body?.code });
  }
  return out;
}

/** What the gateway answers the same person on a customer's resource. */
async function atGateway(w: World, path = '/resources/v1/orders') {
  const r = await w.person.request('GET', path, undefined, { 'x-active-tenant-id': w.tenant.id });
  return { status: r.status, code: r.body?.code as string | undefined };
}

function refusedEverywhere(got: { route: string; status: number; code: string | undefined }[], status: number, code: string): string[] {
  return got.filter((g) => g.status !== status || g.code !== code).map((g) => `${g.route} → ${g.status} ${g.code}`);
}

async function configure(partnerId: string, section: string, value: unknown) {
  const r = await operator.put(`/api/v1/partners/${partnerId}/configuration/${section}`, { value });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await t.services.feed.drain();
}

describe('the partner API, route by route, against the gateway', () => {
  it('covers every partner API route, each with its declared admission', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes.filter((r) => r.admission === undefined).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(routes.filter((r) => r.admission.tenant !== undefined).length).toBeGreaterThanOrEqual(8);
  });

  it('a suspended partner: 403 partner_inactive on every route, as at the gateway', async () => {
    const w = await world();
    expect((await operator.post(`/api/v1/partners/${w.msp.id}/suspend`, { reason: 'compliance review' })).status).toBe(200);
    await t.services.feed.drain();
    expect(await atGateway(w)).toEqual({ status: 403, code: 'partner_inactive' });
    expect(refusedEverywhere(await everyRoute(w), 403, 'partner_inactive')).toEqual([]);
  });

  it("an address outside the partner's allow-list: 403 ip_not_allowed on every route, as at the gateway", async () => {
    const w = await world({ ip: '10.9.9.9' });
    await configure(w.msp.id, 'api', { ip_allow: ['203.0.113.0/24'] });
    expect(await atGateway(w)).toEqual({ status: 403, code: 'ip_not_allowed' });
    expect(refusedEverywhere(await everyRoute(w), 403, 'ip_not_allowed')).toEqual([]);
    // and on the partner's own pages (members, links, resold customers, earnings …), every one of
    // them (the operator's pages about the partner are the operator's, whose address is not the partner's)
    const failures: string[] = [];
    const partnerPlane = new Set(t.app.routers.filter((m) => m.router === 'partner' && m.operator === undefined).map((m) => `${m.method} ${m.url.replace(/:(\w+)/g, '{$1}')}`));
    const plane = (await apiRoutes(t.client())).filter((x) => partnerPlane.has(`${x.method} ${x.path}`));
    expect(plane.length).toBeGreaterThan(20);
    for (const r of plane) {
      const res = await w.person.request(r.method, fill(r.path, { partner_id: w.msp.id, tenant_id: w.tenant.id, ...DUMMY }), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 403 || res.body?.code !== 'ip_not_allowed') failures.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
    // from an allowed address the same person is let in
    w.person.ip = '203.0.113.7';
    expect((await atGateway(w)).status).toBe(200);
    expect((await w.person.get('/api/v1/partner/billing/invoices')).status).toBe(200);
  });

  it("the partner's per-minute limit used up at the gateway: 429 rate_limited on every route (one budget, whichever door)", async () => {
    const w = await world();
    await configure(w.msp.id, 'limits', { per_minute: { partner: 2 } });
    expect((await atGateway(w)).status).toBe(200);
    expect((await w.person.get('/api/v1/partner/billing/invoices')).status).toBe(200);
    expect(await atGateway(w)).toEqual({ status: 429, code: 'rate_limited' });
    expect(refusedEverywhere(await everyRoute(w), 429, 'rate_limited')).toEqual([]);
  });

  it("the partner's daily quota used up: 429 quota_exceeded on every route, counting partner API calls too", async () => {
    const w = await world();
    await configure(w.msp.id, 'limits', { daily_quota: 2 });
    // one call through the partner API and one through the gateway use the day's two
    expect((await w.person.get('/api/v1/partner/dashboard')).status).toBe(200);
    expect((await atGateway(w)).status).toBe(200);
    expect(await atGateway(w)).toEqual({ status: 429, code: 'quota_exceeded' });
    expect(refusedEverywhere(await everyRoute(w), 429, 'quota_exceeded')).toEqual([]);
  });

  it("the operator's MFA policy for the partner's people: 403 mfa_required on every route for a sign-in without a second factor", async () => {
    const w = await world();
    expect((await operator.put(`/api/v1/mfa-policies/partners/${w.msp.id}`, { required: true })).status).toBe(200);
    await t.services.feed.drain();
    expect(await atGateway(w)).toEqual({ status: 403, code: 'mfa_required' });
    expect(refusedEverywhere(await everyRoute(w), 403, 'mfa_required')).toEqual([]);
  });

  it("the customer's MFA policy for partner people: 403 mfa_required on every route that names the customer", async () => {
    const w = await world();
    const admin = await w.tenant.admin.login();
    const set = await admin.put(`/api/v1/tenants/${w.tenant.id}/mfa-policy`, { partner_people_required: true });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    await t.services.feed.drain();
    expect(await atGateway(w)).toEqual({ status: 403, code: 'mfa_required' });
    expect(refusedEverywhere(await everyRoute(w, (r) => r.admission.tenant !== undefined), 403, 'mfa_required')).toEqual([]);
    // the consolidated views leave the customer out instead of showing its figures
    const inv = await w.person.get('/api/v1/partner/billing/invoices');
    expect([inv.status, inv.body.total]).toEqual([200, 0]);
  });

  it('a revoked link: every route that names the customer refuses it as the gateway does', async () => {
    const w = await world();
    const d = (await t.services.delegations.list({ partnerId: w.msp.id, limit: 1 }))[0];
    await t.services.delegations.revoke(t.world.ctx, d.id, { side: 'partner', partnerId: w.msp.id, reason: 'done' });
    await t.services.feed.drain();
    const g = await atGateway(w);
    expect(g.status).toBe(403);
    expect(refusedEverywhere(await everyRoute(w, (r) => r.admission.tenant !== undefined), g.status, g.code!)).toEqual([]);
  });

  it("a member role without the route's permission: 403 permission_denied on that route, before any customer is looked at", async () => {
    const w = await world();
    const u: TestUser = w.msp.staff;
    await t.services.partners.setMemberRole(t.world.ctx, w.msp.id, u.id, 'partner_msp_support');
    await t.services.feed.drain();
    const got = await everyRoute(w, (r) => r.admission.permission?.startsWith('billing.') === true);
    expect(got.length).toBeGreaterThanOrEqual(4);
    expect(refusedEverywhere(got, 403, 'permission_denied')).toEqual([]);
  });

  it('a second factor proved by a step-up in the session counts at every door, as a sign-in with one does', async () => {
    const w = await world();
    const admin = await w.tenant.admin.login();
    expect((await admin.put(`/api/v1/tenants/${w.tenant.id}/mfa-policy`, { partner_people_required: true })).status).toBe(200);
    await t.services.feed.drain();
    const invoices = `/api/v1/partner/billing/invoices?tenant_id=${w.tenant.id}`;
    expect((await w.person.get(invoices)).body.code).toBe('mfa_required');
    // the person sets up an authenticator app in this session, and later confirms it is them with a code
    const start = await w.person.post('/api/v1/me/mfa/totp');
    expect((await w.person.post('/api/v1/me/mfa/totp/confirm', { code: codeFor(start.body.secret) })).status).toBe(200);
    clock.advance(60_000);
    const up = await w.person.post('/api/v1/me/step-up', { code: codeFor(start.body.secret) });
    expect([up.status, up.body.amr?.includes('mfa')]).toEqual([200, true]);
    expect((await atGateway(w)).status).toBe(200);
    const r = await w.person.get(invoices);
    expect([r.status, r.body.code]).toEqual([200, undefined]);
    expect((await w.person.get(`/api/v1/partner/customers/${w.tenant.id}`)).status).toBe(200);
    expect((await w.person.get(`/api/v1/partner/customers/${w.tenant.id}/commitments`)).status).toBe(200);
  });

  it("a link whose role does not grant the route's permission: refused on every billing route naming the customer, as the gateway refuses its invoices", async () => {
    const w = await world({ role: 'MSP_SUPPORT' });
    const g = await atGateway(w, '/resources/v1/invoices');
    expect(g).toEqual({ status: 403, code: 'permission_denied' });
    const got = await everyRoute(w, (r) => r.admission.tenant !== undefined && r.admission.permission?.startsWith('billing.') === true);
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(refusedEverywhere(got, g.status, g.code!)).toEqual([]);
    // the link's own permissions still pass: its tickets
    expect((await w.person.get(`/api/v1/partner/support/tickets?tenant_id=${w.tenant.id}`)).status).toBe(200);
  });

  it('a billing account outside the link: refused as the gateway refuses it, with or without the tenant named', async () => {
    const w = await world({ banIds: ['0'] });
    const outside = w.tenant.bans[1];
    const g = await atGateway(w, `/resources/v1/invoices?ban=${outside.id}`);
    expect(g).toEqual({ status: 403, code: 'ban_not_covered' });
    for (const url of [`/api/v1/partner/billing/invoices?tenant_id=${w.tenant.id}&ban_id=${outside.id}`, `/api/v1/partner/billing/invoices?ban_id=${outside.id}`]) {
      const r = await w.person.get(url);
      expect([url, r.status, r.body.code]).toEqual([url, 403, 'ban_not_covered']);
    }
    const opened = await w.person.post('/api/v1/partner/support/tickets', { tenant_id: w.tenant.id, ban_id: outside.id, subject: 'Line down', description: 'Since this morning' });
    expect([opened.status, opened.body.code]).toEqual([403, 'ban_not_covered']);
    // the covered account is fine
    expect((await w.person.get(`/api/v1/partner/billing/invoices?ban_id=${w.tenant.bans[0].id}`)).status).toBe(200);
  });

  it('an eligible link not activated: every route naming the customer asks for an activation, as the gateway does', async () => {
    const w = await world();
    const admin = await w.tenant.admin.login();
    const d = (await t.services.delegations.list({ partnerId: w.msp.id, limit: 1 }))[0];
    const put = await admin.put(`/api/v1/tenants/${w.tenant.id}/delegations/${d.id}/access-settings`, { eligible: true, max_activation_minutes: 60, approval_required: false });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await t.services.feed.drain();
    const g = await atGateway(w);
    expect(g).toEqual({ status: 403, code: 'activation_required' });
    expect(refusedEverywhere(await everyRoute(w, (r) => r.admission.tenant !== undefined), g.status, g.code!)).toEqual([]);
  });

  it('an expired link: every route naming the customer refuses it as the gateway does', async () => {
    const w = await world({ endsAt: new Date(clock.nowMs() + 10 * 60_000).toISOString() });
    expect((await atGateway(w)).status).toBe(200);
    clock.advance(11 * 60_000);
    const g = await atGateway(w);
    expect(g).toEqual({ status: 403, code: 'delegation_expired' });
    expect(refusedEverywhere(await everyRoute(w, (r) => r.admission.tenant !== undefined), g.status, g.code!)).toEqual([]);
  });
});
