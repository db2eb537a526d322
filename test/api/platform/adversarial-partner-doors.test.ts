/**
 * The partner's doors to a customer's data other than the gateway — the partner API
 * (/api/v1/partner/…), the partner's own pages (/api/v1/partners/{partner_id}/…), exports and
 * their download links — probed as an attacker and as an ordinary member would: figures a member
 * may not read, another partner's or another tenant's records by id, fields that would change
 * ownership, app tokens where a person is expected, and refusals that would tell whether another
 * organization's record exists. Each probe that holds is kept here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { consentClaims, consentedApp, link, loginAs, mintToken } from '../gateway/helpers.ts';

let t: TestApp;
/** msp: links A (MSP_FULL) and B (MSP_SUPPORT); rival: links C (MSP_FULL) */
let msp: TestPartner, rival: TestPartner;
let A: TestTenant, B: TestTenant, C: TestTenant;
let staff: Client, owner: Client, rivalStaff: Client;

const MISSING = { tkt: 'tkt_00000000000000000000000000', exp: 'exp_00000000000000000000000000', dlg: 'dlg_00000000000000000000000000', tnt: 'tnt_00000000000000000000000000' };

async function seed(x: TestTenant) {
  await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
}

async function ticketOf(tenantId: string): Promise<string> {
  const r = await t.services.db.kysely.selectFrom('support_tickets').select('id').where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return r.id;
}

beforeAll(async () => {
  t = await startTestApp({ config: { RATE_LIMITS: JSON.stringify({ read: 1000, write: 1000, export: 1000, partner: 5000 }) } });
  [msp, rival] = await Promise.all([t.world.partner({ capabilities: ['managed_services'] }), t.world.partner({ capabilities: ['managed_services'] })]);
  [A, B, C] = await Promise.all([t.world.tenant(), t.world.tenant(), t.world.tenant()]);
  for (const x of [A, B, C]) await seed(x);
  await link(t, msp, A, { role: 'MSP_FULL' });
  await link(t, msp, B, { role: 'MSP_SUPPORT' });
  await link(t, rival, C, { role: 'MSP_FULL' });
  staff = await loginAs(t, msp.staff);
  owner = await loginAs(t, msp.owner);
  rivalStaff = await loginAs(t, rival.staff);
});
afterAll(() => t.close());

const code = (r: { status: number; body: { code?: string } }) => [r.status, r.body?.code];

describe('figures a member may not read', () => {
  it('the customers’ figures show no amount of a customer whose link role grants no billing (MSP_SUPPORT)', async () => {
    const r = await staff.get('/api/v1/partner/customers/figures');
    expect(r.status).toBe(200);
    const b = r.body.data.find((c: { tenant_id: string }) => c.tenant_id === B.id);
    expect(b).toMatchObject({ currency: null, outstanding_cents: null, overdue_cents: null });
    expect(typeof b.open_tickets).toBe('number');
    const a = r.body.data.find((c: { tenant_id: string }) => c.tenant_id === A.id);
    expect(typeof a.outstanding_cents).toBe('number');
  });

  it('a member role without billing sees no amount anywhere on the dashboard, and no billing list or export', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const x = await t.world.tenant();
    await seed(x);
    await link(t, p, x, { role: 'MSP_FULL' });
    await t.services.partners.setMemberRole(t.world.ctx, p.id, p.staff.id, 'partner_msp_support');
    await t.services.feed.drain();
    const c = await loginAs(t, p.staff);
    const r = await c.get('/api/v1/partner/dashboard');
    expect(r.status).toBe(200);
    expect(r.body.tiles.receivables).toEqual([]);
    expect(r.body.tiles.overdue).toEqual([]);
    expect(r.body.revenue_by_month).toEqual([]);
    const figures = await c.get('/api/v1/partner/customers/figures');
    expect(figures.body.data).toHaveLength(1);
    expect(figures.body.data[0]).toMatchObject({ tenant_id: x.id, currency: null, outstanding_cents: null, overdue_cents: null });
    // nor in the customers that need attention
    for (const a of r.body.attention) expect(a).toMatchObject({ outstanding_cents: null, overdue_cents: null });
    for (const [m, u] of [
      ['GET', '/api/v1/partner/billing/summary'],
      ['GET', '/api/v1/partner/billing/invoices'],
      ['POST', '/api/v1/partner/billing/invoices/export'],
      ['GET', '/api/v1/partner/exports'],
    ] as const) {
      const res = await c.request(m, u, m === 'POST' ? {} : undefined);
      expect([u, ...code(res)]).toEqual([u, 403, 'permission_denied']);
    }
    // the billing alerts view carries no figure for this member
    const al = await c.get('/api/v1/partner/alerts/billing?threshold_cents=0');
    if (al.status === 200) for (const a of al.body.data) expect([a.amount_cents, a.currency]).toEqual([null, null]);
    else expect(code(al)).toEqual([403, 'permission_denied']);
  });
});

describe("another partner's or another tenant's records by id", () => {
  it("another partner's ticket answers exactly as a ticket that does not exist, at every ticket route", async () => {
    const theirs = await ticketOf(C.id);
    const before = await t.services.db.kysely.selectFrom('support_tickets').selectAll().where('id', '=', theirs).executeTakeFirstOrThrow();
    for (const id of [theirs, MISSING.tkt]) {
      const got = [
        await staff.get(`/api/v1/partner/support/tickets/${id}`),
        await staff.patch(`/api/v1/partner/support/tickets/${id}`, { priority: 'low' }),
        await staff.post(`/api/v1/partner/support/tickets/${id}/comments`, { text: 'hello' }),
        await staff.post(`/api/v1/partner/support/tickets/${id}/assign`, { assignee_user_id: null }),
      ];
      expect([id, got.map(code)]).toEqual([id, got.map(() => [404, 'ticket_not_found'])]);
    }
    // and the rival's ticket is unchanged
    expect(await t.services.db.kysely.selectFrom('support_tickets').selectAll().where('id', '=', theirs).executeTakeFirstOrThrow()).toEqual(before);
  });

  it("another member's or another partner's export job is not found, with or without its download token", async () => {
    const r = await staff.post('/api/v1/partner/billing/invoices/export', { mode: 'job', tenant_id: A.id });
    expect(r.status).toBe(202);
    await t.services.invoiceExports.settle();
    const job = await staff.get(`/api/v1/partner/exports/${r.body.job.id}`);
    expect(job.body.status).toBe('done');
    const url: string = job.body.download_url;
    for (const [who, c] of [
      ['owner of the same partner', owner],
      ['rival staff', rivalStaff],
    ] as const) {
      expect([who, ...code(await c.get(`/api/v1/partner/exports/${r.body.job.id}`))]).toEqual([who, 404, 'export_not_found']);
      expect([who, ...code(await c.get(url))]).toEqual([who, 404, 'export_not_found']);
      expect([who, (await c.get('/api/v1/partner/exports')).body.data.map((j: { id: string }) => j.id)]).not.toContainEqual(r.body.job.id);
    }
    expect(code(await staff.get(`/api/v1/partner/exports/${MISSING.exp}`))).toEqual([404, 'export_not_found']);
  });

  it("another partner's customer reads as a tenant that does not exist (customer record, context, commitments)", async () => {
    for (const id of [C.id, MISSING.tnt]) {
      const one = await staff.get(`/api/v1/partner/customers/${id}`);
      const ctx = await staff.request('GET', '/api/v1/partner/context', undefined, { 'x-active-tenant-id': id });
      const com = await staff.get(`/api/v1/partner/customers/${id}/commitments`);
      expect([id, code(one), code(ctx), code(com)]).toEqual([id, [404, 'delegation_not_found'], [404, 'delegation_not_found'], [404, 'delegation_not_found']]);
    }
    // naming it as the filter of a consolidated view or as the customer of a new ticket
    for (const id of [C.id, MISSING.tnt]) {
      const inv = await staff.get(`/api/v1/partner/billing/invoices?tenant_id=${id}`);
      const tk = await staff.post('/api/v1/partner/support/tickets', { tenant_id: id, subject: 'x', description: 'y' });
      const ex = await staff.post('/api/v1/partner/billing/invoices/export', { tenant_id: id });
      expect([id, code(inv), code(tk), code(ex)]).toEqual([id, [404, 'delegation_not_found'], [404, 'delegation_not_found'], [404, 'delegation_not_found']]);
    }
  });

  it("another partner's delegation, by id, on the partner's own pages: not found, as a missing one", async () => {
    const theirs = (await t.services.delegations.list({ partnerId: rival.id, limit: 1 }))[0].id;
    const probe = async (id: string) => [
      code(await owner.get(`/api/v1/partners/${msp.id}/delegations/${id}`)),
      code(await owner.post(`/api/v1/partners/${msp.id}/delegations/${id}/renew`, { ends_at: new Date(Date.now() + 100 * 86_400_000).toISOString() })),
      code(await owner.post(`/api/v1/partners/${msp.id}/delegations/${id}/relinquish`, { reason: 'mine now' })),
      // (activation asks for a recent second factor before it looks at the id: the same answer)
      code(await owner.post(`/api/v1/partners/${msp.id}/delegations/${id}/activate`, { justification: 'on call tonight', minutes: 30 })),
    ];
    const got = await probe(theirs);
    expect(got.slice(0, 3).map((g) => g[0])).toEqual([404, 404, 404]);
    expect(got).toEqual(await probe(MISSING.dlg));
    const d = await t.services.delegations.get(theirs);
    expect(d.status).toBe('active');
  });

  it("another partner's pages, named by its id, answer 404 to a member of this one", async () => {
    for (const path of ['', '/delegations', '/activations', '/kyc-cases', '/subscriptions', '/apps', '/resold-tenants', '/members', '/audit-events', '/eligible-access', '/usage']) {
      const r = await owner.get(`/api/v1/partners/${rival.id}${path}`);
      expect([path, r.status]).toEqual([path, 404]);
    }
  });
});

describe('fields that would change ownership', () => {
  it('a ticket update naming a tenant, a partner or an opener is refused, not applied', async () => {
    const id = await ticketOf(A.id);
    for (const extra of [{ tenant_id: C.id }, { partner_id: rival.id }, { opened_by: rival.staff.id }, { ban_id: C.bans[0].id }]) {
      const r = await staff.patch(`/api/v1/partner/support/tickets/${id}`, { priority: 'low', ...extra });
      expect([Object.keys(extra)[0], r.status]).toEqual([Object.keys(extra)[0], 400]);
    }
    const row = await t.services.db.kysely.selectFrom('support_tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.tenant_id).toBe(A.id);
  });

  it("a partner's own profile, member and app edits refuse status, capability, partner and role fields", async () => {
    const app = await owner.post(`/api/v1/partners/${msp.id}/apps`, { name: 'Probe app', grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scopes: ['orders.read'] });
    expect(app.status, JSON.stringify(app.body)).toBe(201);
    const appId = app.body.app?.id ?? app.body.id;
    const probes: [string, string, unknown][] = [
      ['PATCH', `/api/v1/partners/${msp.id}`, { status: 'active', capabilities: ['delegated', 'reseller'] }],
      ['PATCH', `/api/v1/partners/${msp.id}`, { name: 'Renamed', status: 'active' }],
      ['PATCH', `/api/v1/partners/${msp.id}/apps/${appId}`, { name: 'x', partner_id: rival.id }],
      ['PATCH', `/api/v1/partners/${msp.id}/apps/${appId}`, { name: 'x', status: 'active', client_id: 'stolen' }],
    ];
    for (const [m, u, body] of probes) {
      const r = await owner.request(m, u, body);
      expect([u, body, r.status]).toEqual([u, body, 400]);
    }
    const row = await t.services.db.kysely.selectFrom('partners').select(['status', 'capabilities']).where('id', '=', msp.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    expect(JSON.parse(row.capabilities)).toEqual(['managed_services']);
  });
});

describe("an app's token where a partner person is expected", () => {
  it("a partner app's access token reaches neither the partner API nor the partner's own pages", async () => {
    const a = await consentedApp(t, { tenant: A });
    const token = await mintToken(t, consentClaims(a, A));
    const c = new Client(t.app);
    c.bearer = token;
    for (const u of ['/api/v1/partner/customers', '/api/v1/partner/dashboard', '/api/v1/partner/billing/invoices', `/api/v1/partner/customers/${A.id}`, `/api/v1/partners/${a.partner.id}/delegations`, `/api/v1/partners/${a.partner.id}/audit-events`, `/api/v1/tenants/${A.id}`, '/api/v1/me']) {
      const r = await c.get(u);
      expect([u, r.status]).toEqual([u, 401]);
    }
  });
});


describe("people of another organization on a customer's ticket", () => {
  it("a partner sharing a customer with another partner reads none of the other partner's people, its name, id or link on the customer's tickets", async () => {
    const [p, q] = await Promise.all([t.world.partner(), t.world.partner()]);
    const x = await t.world.tenant();
    await link(t, p, x, { role: 'MSP_FULL' });
    const qLink = await link(t, q, x, { role: 'MSP_FULL' });
    const [ps, qs] = await Promise.all([loginAs(t, p.staff), loginAs(t, q.staff)]);
    const opened = await qs.post('/api/v1/partner/support/tickets', { tenant_id: x.id, subject: 'Line down', description: 'since noon' });
    expect(opened.status).toBe(201);
    const id: string = opened.body.id;
    expect((await qs.post(`/api/v1/partner/support/tickets/${id}/comments`, { text: 'looking into it' })).status).toBe(201);
    expect((await ps.post(`/api/v1/partner/support/tickets/${id}/comments`, { text: 'we see it too' })).status).toBe(201);
    const qName = q.staff.email.split('@')[0];
    const outsiders = [q.staff.email, qName, q.staff.id, q.name, q.id, qLink.id];
    const one = await ps.get(`/api/v1/partner/support/tickets/${id}`);
    const list = await ps.get(`/api/v1/partner/support/tickets?tenant_id=${x.id}`);
    expect([one.status, list.status]).toEqual([200, 200]);
    for (const [what, body] of [
      ['ticket', one.body],
      ['list', list.body.data.find((r: { id: string }) => r.id === id)],
    ] as const) {
      const text = JSON.stringify(body);
      expect([what, outsiders.filter((s) => text.includes(s))]).toEqual([what, []]);
      expect(body.opened_by_person).toBeNull();
      // the reader's own comment stays named to it, the other partner's is there without its author
      expect(body.comments.map((c: { text: string; by_name?: string }) => [c.text, c.by_name ?? null])).toEqual([
        ['looking into it', null],
        ['we see it too', p.staff.email.split('@')[0]],
      ]);
    }
    // the other partner still reads its own people named
    const theirs = await qs.get(`/api/v1/partner/support/tickets/${id}`);
    expect(theirs.body.opened_by_person).toMatchObject({ user_id: q.staff.id, email: q.staff.email, partner_id: q.id });
    expect(theirs.body.delegation_id).toBe(qLink.id);
  });
});

describe('refusals that would tell whether another organization has the record', () => {
  it("another customer's billing account answers as an account that does not exist, alone, with the tenant, and on a new ticket", async () => {
    const answers = async (ban: string) => [
      code(await staff.get(`/api/v1/partner/billing/invoices?ban_id=${ban}`)),
      code(await staff.get(`/api/v1/partner/billing/invoices?tenant_id=${A.id}&ban_id=${ban}`)),
      code(await staff.post('/api/v1/partner/support/tickets', { tenant_id: A.id, ban_id: ban, subject: 'Line down', description: 'since noon' })),
    ];
    const missing = await answers('ban_00000000000000000000000000');
    expect(missing).toEqual([
      [404, 'delegation_not_found'],
      [403, 'ban_not_covered'],
      [403, 'ban_not_covered'],
    ]);
    for (const ban of [C.bans[0].id, C.bans[0].account_number]) expect([ban, await answers(ban)]).toEqual([ban, missing]);
  });

  it("another partner's app and member, named on this partner's pages, answer as missing ones, and staff cannot raise themselves", async () => {
    const made = await (await loginAs(t, rival.owner)).post(`/api/v1/partners/${rival.id}/apps`, { name: 'Rival app', grant_types: ['authorization_code'], redirect_uris: ['https://rival.example/cb'], scopes: ['orders.read'] });
    expect(made.status).toBe(201);
    const theirs: string = made.body.app?.id ?? made.body.id;
    const appProbe = async (id: string) => [
      code(await owner.get(`/api/v1/partners/${msp.id}/apps/${id}`)),
      code(await owner.patch(`/api/v1/partners/${msp.id}/apps/${id}`, { name: 'mine now' })),
      code(await owner.post(`/api/v1/partners/${msp.id}/apps/${id}/rotate-secret`, {})),
      code(await owner.delete(`/api/v1/partners/${msp.id}/apps/${id}`)),
    ];
    const apps = await appProbe(theirs);
    expect(apps).toEqual(apps.map(() => [404, 'app_not_found']));
    expect(await appProbe('app_00000000000000000000000000')).toEqual(apps);
    const memberProbe = async (userId: string) => [
      code(await owner.patch(`/api/v1/partners/${msp.id}/members/${userId}`, { role: 'PARTNER_STAFF' })),
      code(await owner.put(`/api/v1/partners/${msp.id}/members/${userId}/member-role`, { member_role: 'partner_msp_support' })),
      code(await owner.delete(`/api/v1/partners/${msp.id}/members/${userId}`)),
    ];
    const members = await memberProbe(rival.staff.id);
    expect(members).toEqual(members.map(() => [404, 'partner_member_not_found']));
    expect(await memberProbe('usr_00000000000000000000000000')).toEqual(members);
    expect(code(await staff.patch(`/api/v1/partners/${msp.id}/members/${msp.staff.id}`, { role: 'PARTNER_OWNER' }))).toEqual([403, 'permission_denied']);
    expect(code(await staff.put(`/api/v1/partners/${msp.id}/members/${msp.staff.id}/member-role`, { member_role: 'partner_msp_support' }))).toEqual([403, 'permission_denied']);
  });
});

describe('a customer the member may not reach now, left out of every consolidated view', () => {
  const views = ['/api/v1/partner/dashboard', '/api/v1/partner/billing/summary', '/api/v1/partner/billing/invoices', '/api/v1/partner/support/tickets', '/api/v1/partner/reports/usage', '/api/v1/partner/reports/sla', '/api/v1/partner/alerts/sla?period_from=2000-01', '/api/v1/partner/alerts/billing?threshold_cents=0', '/api/v1/partner/alerts'];

  async function shared(kind: 'eligible' | 'mfa' | 'revoked' | 'not started') {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const [seen, hidden] = await Promise.all([t.world.tenant(), t.world.tenant()]);
    for (const x of [seen, hidden]) await seed(x);
    await link(t, p, seen, { role: 'MSP_FULL' });
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const d = await link(t, p, hidden, { role: 'MSP_FULL', ...(kind === 'not started' ? { startsAt: soon } : {}) });
    const admin = await loginAs(t, hidden.admin);
    if (kind === 'eligible') expect((await admin.put(`/api/v1/tenants/${hidden.id}/delegations/${d.id}/access-settings`, { eligible: true, max_activation_minutes: 60, approval_required: false })).status).toBe(200);
    if (kind === 'mfa') expect((await admin.put(`/api/v1/tenants/${hidden.id}/mfa-policy`, { partner_people_required: true })).status).toBe(200);
    if (kind === 'revoked') await t.services.delegations.revoke(t.world.ctx, d.id, { side: 'tenant', tenantId: hidden.id, reason: 'ended' });
    await t.services.feed.drain();
    return { p, seen, hidden, c: await loginAs(t, p.staff) };
  }

  for (const kind of ['eligible', 'mfa', 'revoked', 'not started'] as const) {
    it(`${kind}: no view, no export names the customer`, async () => {
      const w = await shared(kind);
      const leaks: string[] = [];
      for (const u of views) {
        const r = await w.c.get(u);
        expect([u, r.status]).toEqual([u, 200]);
        if (JSON.stringify(r.body).includes(w.hidden.id)) leaks.push(u);
      }
      const csv = await w.c.post('/api/v1/partner/billing/invoices/export', { format: 'csv' });
      expect(csv.status).toBe(200);
      // the files name customers in words (no ids): the customer in reach is in it, the other one is not
      expect(String(csv.body)).toContain(w.seen.name);
      if (String(csv.body).includes(w.hidden.id) || String(csv.body).includes(w.hidden.name)) leaks.push('export');
      const job = await w.c.post('/api/v1/partner/billing/invoices/export', { mode: 'job' });
      await t.services.invoiceExports.settle();
      const done = await w.c.get(`/api/v1/partner/exports/${job.body.job.id}`);
      const file = await w.c.get(done.body.download_url);
      expect(String(file.body)).toContain(w.seen.name);
      if (String(file.body).includes(w.hidden.id) || String(file.body).includes(w.hidden.name)) leaks.push('export job');
      expect(leaks).toEqual([]);
    });
  }
});

describe("the partner's audit log", () => {
  it("tells who acted on the partner's link from the customer's side or the platform's only as that organization: no user id, address or browser", async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const x = await t.world.tenant();
    const d = await link(t, p, x, { role: 'MSP_FULL' });
    const [admin, op] = await Promise.all([loginAs(t, x.admin), t.world.operator().then((u) => loginAs(t, u))]);
    const settings = (minutes: number) => ({ eligible: false, max_activation_minutes: minutes, approval_required: false });
    expect((await admin.request('PUT', `/api/v1/tenants/${x.id}/delegations/${d.id}/access-settings`, settings(60), { 'user-agent': 'Customer-Admin-Browser/1.0' })).status).toBe(200);
    expect((await op.request('PUT', `/api/v1/tenants/${x.id}/delegations/${d.id}/access-settings`, settings(90), { 'user-agent': 'Operator-Console/2.0' })).status).toBe(200);
    const view = await (await loginAs(t, p.owner)).get(`/api/v1/partners/${p.id}/audit-events?action=delegation.access_settings_changed`);
    expect(view.status).toBe(200);
    expect(view.body.data.map((e: { actor_org: unknown }) => e.actor_org)).toEqual([
      { kind: 'platform', name: null },
      { kind: 'tenant', name: x.name },
    ]);
    const text = JSON.stringify(view.body);
    const theirs = [x.admin.id, x.admin.email, admin.ip, op.ip, 'Customer-Admin-Browser', 'Operator-Console'];
    expect(theirs.filter((s) => text.includes(s))).toEqual([]);
    // the customer's own log still says who, from where
    const own = await admin.get(`/api/v1/tenants/${x.id}/audit-events?action=delegation.access_settings_changed`);
    expect(own.body.data.map((e: { ip: string }) => e.ip)).toEqual([op.ip, admin.ip]);
  });
});

describe('a person who has left the partner', () => {
  it('reaches nothing through the session or the personal token they kept, their export link included', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const x = await t.world.tenant();
    await seed(x);
    await link(t, p, x, { role: 'MSP_FULL' });
    const c = await loginAs(t, p.staff);
    const pat = (await c.post('/api/v1/me/api-tokens', { name: 'kept' })).body.token as string;
    const job = await c.post('/api/v1/partner/billing/invoices/export', { mode: 'job' });
    await t.services.invoiceExports.settle();
    const url: string = (await c.get(`/api/v1/partner/exports/${job.body.job.id}`)).body.download_url;
    expect((await c.get(url)).status).toBe(200);
    await t.services.partners.removeMember(t.world.ctx, p.id, p.staff.id);
    await t.services.feed.drain();
    const byToken = new Client(t.app);
    byToken.bearer = pat;
    const got: string[] = [];
    for (const who of [c, byToken]) {
      for (const u of [url, '/api/v1/partner/customers', '/api/v1/partner/dashboard', `/api/v1/partner/customers/${x.id}`, `/api/v1/partners/${p.id}/delegations`]) {
        const r = await who.get(u);
        if (r.status < 400 || JSON.stringify(r.body ?? '').includes(x.id)) got.push(`${who === c ? 'session' : 'token'} ${u} → ${r.status}`);
      }
    }
    expect(got).toEqual([]);
  });
});
