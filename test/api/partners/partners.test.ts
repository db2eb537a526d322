/** Partner registry and the partner API's authorization rules 1–5 and permission matrix. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

function application(slug = unique('ptr')) {
  return {
    name: `Partner ${slug}`,
    slug,
    website: 'https://partner.example',
    contact_email: `${slug}@example.test`,
    description: 'We resell fibre.',
    requested_capabilities: ['delegated', 'wholesale'],
    owner: { name: 'Owner', email: `${slug}-owner@example.test`, password: 'owner passphrase 1' },
  };
}

describe('partner lifecycle', () => {
  it('applies publicly, waits for review, is approved with capabilities, suspended, reactivated, terminated — all audited', async () => {
    const app = application();
    const r = await new Client(t.app).post('/api/v1/partner-applications', app);
    expect(r.status).toBe(201);
    expect(r.body.partner).toMatchObject({ status: 'applied', capabilities: [], requested_capabilities: ['delegated', 'wholesale'] });
    const id = r.body.partner.id;

    const owner = await new Client(t.app).login(app.owner.email, app.owner.password);
    expect((await owner.get('/api/v1/me')).body.partner).toMatchObject({ partner_id: id, role: 'PARTNER_OWNER', partner_status: 'applied' });
    expect((await owner.get(`/api/v1/partners/${id}`)).body.status).toBe('applied');
    const early = await owner.get(`/api/v1/partners/${id}/members`);
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('partner_inactive');

    const noCaps = await operator.post(`/api/v1/partners/${id}/approve`, { capabilities: [] });
    expect(noCaps.status).toBe(400);
    const approved = await operator.post(`/api/v1/partners/${id}/approve`, { capabilities: ['delegated'] });
    expect(approved.body).toMatchObject({ status: 'active', capabilities: ['delegated'] });
    expect((await owner.get(`/api/v1/partners/${id}/members`)).status).toBe(200);

    const again = await operator.post(`/api/v1/partners/${id}/approve`, { capabilities: ['delegated'] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_partner_transition');

    expect((await operator.post(`/api/v1/partners/${id}/suspend`, { reason: 'unpaid invoices' })).body.status).toBe('suspended');
    const suspended = await owner.get(`/api/v1/partners/${id}/members`);
    expect(suspended.status).toBe(403);
    expect(suspended.body.code).toBe('partner_inactive');
    expect((await operator.post(`/api/v1/partners/${id}/reactivate`, {})).body.status).toBe('active');
    expect((await operator.post(`/api/v1/partners/${id}/terminate`, { reason: 'contract ended' })).body.status).toBe('terminated');
    const dead = await operator.post(`/api/v1/partners/${id}/reactivate`, {});
    expect(dead.body.code).toBe('invalid_partner_transition');

    const ev = await operator.get(`/api/v1/audit-events?partner_id=${id}&limit=50`);
    expect(ev.body.data.map((e: { action: string }) => e.action)).toEqual([
      'partner.terminated',
      'partner.reactivated',
      'partner.suspended',
      'partner.approved',
      'partner.user_added',
      'partner.created',
    ]);
    expect(ev.body.data[2].details).toMatchObject({ reason: 'unpaid invoices', from: 'active', to: 'suspended' });
  });

  it('rejects an application with a taken slug or a weak password, and does not tell a taken email', async () => {
    const app = application();
    expect((await new Client(t.app).post('/api/v1/partner-applications', app)).status).toBe(201);
    const slug = await new Client(t.app).post('/api/v1/partner-applications', { ...application(), slug: app.slug });
    expect(slug.status).toBe(409);
    expect(slug.body.code).toBe('partner_slug_taken');
    // an address that has an account is answered as a new one (it is not told apart), and nothing is created for it
    const email = await new Client(t.app).post('/api/v1/partner-applications', { ...application(), owner: app.owner });
    expect(email.status).toBe(201);
    expect(await t.services.partners.getPartner(email.body.partner.id)).toBeUndefined();
    const weak = await new Client(t.app).post('/api/v1/partner-applications', { ...application(), owner: { ...app.owner, email: 'w' + app.owner.email, password: 'weak' } });
    expect(weak.body.code).toBe('password_too_weak');
    expect(weak.body.errors[0].pointer).toBe('/body/owner/password');
  });

  it('only the operator changes status, capabilities and feature toggles', async () => {
    const p = await t.world.partner();
    const owner = await p.owner.login();
    for (const r of [
      await owner.post(`/api/v1/partners/${p.id}/suspend`, { reason: 'x' }),
      await owner.put(`/api/v1/partners/${p.id}/capabilities`, { capabilities: ['wholesale'] }),
      await owner.patch(`/api/v1/partners/${p.id}/feature-toggles`, { feature_toggles: { beta: true } }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('permission_denied');
    }
    const caps = await operator.put(`/api/v1/partners/${p.id}/capabilities`, { capabilities: ['wholesale', 'delegated'] });
    expect(caps.body.capabilities).toEqual(['wholesale', 'delegated']);
    const ft = await operator.patch(`/api/v1/partners/${p.id}/feature-toggles`, { feature_toggles: { 'reports.usage': true } });
    expect(ft.body.feature_toggles).toEqual({ 'reports.usage': true });
  });

  it('validates feature toggle names like permission names: a malformed or unknown one is 400 invalid_permission, never silently ignored', async () => {
    const p = await t.world.partner();
    const toggles = () => operator.patch(`/api/v1/partners/${p.id}/feature-toggles`, { feature_toggles: { orders: false, 'billing.invoices.export': false } });
    for (const [name, detail] of [
      ['Billing..X!', 'malformed permission'],
      ['billing..invoices', 'malformed permission'],
      ['billing.*', 'malformed permission'],
      ['*', 'malformed permission'],
      ['.orders', 'malformed permission'],
      ['', 'malformed permission'],
      ['x'.repeat(129), 'malformed permission'],
      ['ordres', 'unknown permission'],
      ['billing.invoice', 'unknown permission'],
      ['billing.invoices.read.x', 'unknown permission'],
      ['beta', 'unknown permission'],
    ] as const) {
      for (const on of [false, true]) {
        const r = await operator.patch(`/api/v1/partners/${p.id}/feature-toggles`, { feature_toggles: { orders: false, [name]: on } });
        expect([r.status, r.body.code], name).toEqual([400, 'invalid_permission']);
        expect(r.body.errors, name).toEqual([{ pointer: `/body/feature_toggles/${name}`, detail }]);
      }
    }
    // a refused request changes nothing (not even its valid keys), and writes no audit event
    expect((await operator.get(`/api/v1/partners/${p.id}`)).body.feature_toggles).toEqual({});
    const events = await operator.get(`/api/v1/audit-events?action=partner.features_changed&target_id=${p.id}`);
    expect(events.status).toBe(200);
    expect(events.body.data).toEqual([]);
    // a value must be a boolean whatever the key looks like
    const notBool = await operator.patch(`/api/v1/partners/${p.id}/feature-toggles`, { feature_toggles: { 'Billing..X!': 'off' } });
    expect([notBool.status, notBool.body.code]).toEqual([400, 'validation_failed']);

    // valid names (a permission, or a prefix of known ones) are stored, and a switched-off one is enforced
    const ok = await toggles();
    expect(ok.status).toBe(200);
    expect(ok.body.feature_toggles).toEqual({ orders: false, 'billing.invoices.export': false });
    const back = await operator.patch(`/api/v1/partners/${p.id}/feature-toggles`, { feature_toggles: { orders: true } });
    expect(back.body.feature_toggles).toEqual({ orders: true, 'billing.invoices.export': false });
    await t.services.feed.drain();
    expect(t.services.authz.snapshot.partners.get(p.id)?.disabled).toEqual(['billing.invoices.export']);
  });
});

describe('partner permission matrix', () => {
  let p: TestPartner;
  let owner: Client;
  let staff: Client;
  beforeAll(async () => {
    p = await t.world.partner({ capabilities: ['referral'] });
    owner = await p.owner.login();
    staff = await p.staff.login();
  });

  it.each([
    ['canViewPartner', 'GET', '', 200, 200],
    ['canEditPartner', 'PATCH', '', 200, 403],
    ['view users', 'GET', '/members', 200, 403],
    ['canManagePartnerUsers (add)', 'POST', '/members', 201, 403],
    ['audit', 'GET', '/audit-events', 200, 403],
  ] as const)('%s: owner %#', async (_name, method, suffix, ownerStatus, staffStatus) => {
    const body = method === 'PATCH' ? { description: 'Updated ' + Date.now() } : method === 'POST' ? { email: `${unique('inv')}@example.test`, role: 'PARTNER_STAFF' } : undefined;
    const o = await owner.request(method, `/api/v1/partners/${p.id}${suffix}`, body);
    expect(o.status).toBe(ownerStatus);
    const s = await staff.request(method, `/api/v1/partners/${p.id}${suffix}`, method === 'POST' ? { email: `${unique('inv')}@example.test`, role: 'PARTNER_STAFF' } : body);
    expect(s.status).toBe(staffStatus);
    if (staffStatus === 403) expect(s.body.code).toBe('permission_denied');
  });

  it('staff cannot change roles or remove members; the owner can, but keeps one owner', async () => {
    const member = await t.world.user();
    const invited = await owner.post(`/api/v1/partners/${p.id}/members`, { email: member.email, role: 'PARTNER_STAFF' });
    expect(invited.status).toBe(201);
    expect((await (await member.login()).post(`/api/v1/me/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
    const s1 = await staff.patch(`/api/v1/partners/${p.id}/members/${member.id}`, { role: 'PARTNER_OWNER' });
    expect(s1.body.code).toBe('permission_denied');
    const s2 = await staff.delete(`/api/v1/partners/${p.id}/members/${member.id}`);
    expect(s2.body.code).toBe('permission_denied');
    expect((await owner.patch(`/api/v1/partners/${p.id}/members/${member.id}`, { role: 'PARTNER_OWNER' })).status).toBe(204);
    expect((await owner.patch(`/api/v1/partners/${p.id}/members/${member.id}`, { role: 'PARTNER_STAFF' })).status).toBe(204);
    const last = await owner.patch(`/api/v1/partners/${p.id}/members/${p.owner.id}`, { role: 'PARTNER_STAFF' });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last_partner_owner');
    expect((await owner.delete(`/api/v1/partners/${p.id}/members/${member.id}`)).status).toBe(204);
    const actions = (await owner.get(`/api/v1/partners/${p.id}/audit-events?target_id=${member.id}`)).body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['partner.user_removed', 'partner.user_role_changed', 'partner.user_role_changed', 'invitation.accepted', 'partner.user_added']);
  });

  it('a user can belong to one partner organization only — which only they learn, when they accept', async () => {
    const other = await t.world.partner();
    const r = await owner.post(`/api/v1/partners/${p.id}/members`, { email: other.staff.email, role: 'PARTNER_STAFF' });
    // The inviter learns nothing about the invitee's other memberships.
    expect(r.status).toBe(201);
    const accept = await (await other.staff.login()).post(`/api/v1/me/invitations/${r.body.invitation.id}/accept`);
    expect([accept.status, accept.body.code]).toEqual([409, 'already_partner_member']);
    expect((await owner.get(`/api/v1/partners/${p.id}/members`)).body.data.map((m: { user_id: string }) => m.user_id)).not.toContain(other.staff.id);
    // Someone already on the team (whom the owner sees) is refused at once.
    const again = await owner.post(`/api/v1/partners/${p.id}/members`, { email: p.staff.email, role: 'PARTNER_STAFF' });
    expect([again.status, again.body.code]).toEqual([409, 'already_partner_member']);
  });
});

describe('partner API authorization rules, each with its own refusal', () => {
  it('rule 1: unauthenticated → 401 authentication_required', async () => {
    const p = await t.world.partner();
    const r = await new Client(t.app).get(`/api/v1/partners/${p.id}`);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('authentication_required');
  });

  it('rule 2a: a disabled user → 403 user_inactive (API token)', async () => {
    const p = await t.world.partner();
    const staff = await p.staff.login();
    const token = (await staff.post('/api/v1/me/api-tokens', { name: 'x' })).body.token;
    await operator.post(`/api/v1/users/${p.staff.id}/disable`);
    const api = new Client(t.app);
    api.bearer = token;
    const r = await api.get(`/api/v1/partners/${p.id}`);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('user_inactive');
  });

  it('rule 2b: not a partner user → 403 not_partner_member', async () => {
    const p = await t.world.partner();
    const tenant = await t.world.tenant();
    const r = await (await tenant.admin.login()).get(`/api/v1/partners/${p.id}`);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('not_partner_member');
  });

  it('rule 2c: a deactivated membership → 403 partner_membership_inactive', async () => {
    const p = await t.world.partner();
    const owner = await p.owner.login();
    const staff = await p.staff.login();
    expect((await owner.patch(`/api/v1/partners/${p.id}/members/${p.staff.id}`, { status: 'inactive' })).status).toBe(204);
    const r = await staff.get(`/api/v1/partners/${p.id}`);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('partner_membership_inactive');
  });

  it('rule 2d: a partner that is not active → 403 partner_inactive, on the very next request', async () => {
    const p = await t.world.partner();
    const staff = await p.staff.login();
    expect((await staff.get(`/api/v1/partners/${p.id}`)).status).toBe(200);
    await operator.post(`/api/v1/partners/${p.id}/suspend`, { reason: 'review' });
    const r = await staff.get(`/api/v1/partners/${p.id}`);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('partner_inactive');
  });

  it("rule 3: another partner's data → 404 partner_not_found, like a partner that does not exist", async () => {
    const a = await t.world.partner();
    const b = await t.world.partner();
    const owner = await a.owner.login();
    const attempts = [
      await owner.get(`/api/v1/partners/${b.id}`),
      await owner.patch(`/api/v1/partners/${b.id}`, { name: 'Hijacked' }),
      await owner.get(`/api/v1/partners/${b.id}/members`),
      await owner.post(`/api/v1/partners/${b.id}/members`, { email: 'spy@example.test', role: 'PARTNER_OWNER' }),
      await owner.delete(`/api/v1/partners/${b.id}/members/${b.staff.id}`),
      await owner.get(`/api/v1/partners/${b.id}/audit-events`),
    ];
    const missing = await owner.get('/api/v1/partners/ptr_01jd9x0a8q4m7w2k3v5b6c8d9e');
    for (const r of attempts) {
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('partner_not_found');
      expect(r.body.detail).toBe(missing.body.detail);
    }
    expect((await t.services.partners.getPartner(b.id))?.name).toBe(b.name);
    const list = await owner.get('/api/v1/partners');
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([a.id]);
  });

  describe("rules run in their fixed order: each caller asking for ANOTHER partner gets the first rule it fails", () => {
    it.each([
      ['rule 1 before 3: no credentials', 'anonymous', 401, 'authentication_required'],
      ['rule 2 before 3: disabled user (API token)', 'disabled', 403, 'user_inactive'],
      ['rule 2 before 3: in no partner', 'outsider', 403, 'not_partner_member'],
      ['rule 2 before 3: deactivated membership', 'deactivated', 403, 'partner_membership_inactive'],
      ['rule 2 before 3: member of a suspended partner', 'suspended', 403, 'partner_inactive'],
      ['rule 3 before 4: active staff asking for an owner-only action', 'staff', 404, 'partner_not_found'],
    ] as const)('%s → %s %s', async (_name, who, status, code) => {
      const own = await t.world.partner();
      const other = await t.world.partner();
      let caller: Client;
      if (who === 'anonymous') caller = new Client(t.app);
      else if (who === 'outsider') caller = await (await t.world.tenant()).admin.login();
      else if (who === 'disabled') {
        const token = (await (await own.staff.login()).post('/api/v1/me/api-tokens', { name: 'x' })).body.token;
        expect((await operator.post(`/api/v1/users/${own.staff.id}/disable`)).status).toBe(200);
        caller = new Client(t.app);
        caller.bearer = token;
      } else if (who === 'deactivated') {
        caller = await own.staff.login();
        expect((await (await own.owner.login()).patch(`/api/v1/partners/${own.id}/members/${own.staff.id}`, { status: 'inactive' })).status).toBe(204);
      } else if (who === 'suspended') {
        caller = await own.staff.login();
        expect((await operator.post(`/api/v1/partners/${own.id}/suspend`, { reason: 'review' })).status).toBe(200);
      } else caller = await own.staff.login();
      for (const r of [
        await caller.get(`/api/v1/partners/${other.id}`),
        await caller.get(`/api/v1/partners/${other.id}/members`),
        await caller.patch(`/api/v1/partners/${other.id}/members/${other.staff.id}`, { role: 'PARTNER_OWNER' }),
        await caller.get(`/api/v1/partners/${other.id}/audit-events`),
      ]) {
        expect([r.status, r.body.code]).toEqual([status, code]);
      }
    });
  });

  it('rule 4: the role must allow the action → 403 permission_denied', async () => {
    const p = await t.world.partner();
    const r = await (await p.staff.login()).patch(`/api/v1/partners/${p.id}`, { name: 'Staff rename' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('permission_denied');
  });

  it('the operator can access any partner', async () => {
    const p = await t.world.partner();
    expect((await operator.get(`/api/v1/partners/${p.id}/members`)).status).toBe(200);
    expect((await operator.patch(`/api/v1/partners/${p.id}`, { description: 'Operator note' })).status).toBe(200);
  });
});
