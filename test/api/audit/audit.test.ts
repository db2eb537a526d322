/** The audit log: every mutation recorded with who/where/when, hash-chained, scoped views. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem, Schemas } from '../../helpers/http.ts';
import { unique, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { activeLink } from '../delegations/helpers.ts';
import { toAuditEventDto } from '../../../src/modules/audit/index.ts';

/** as the API documents it (packages/client's generated types) */
type AuditEvent = Schemas['AuditEvent'];

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

describe('audit events', () => {
  it('record actor, tenant, action, target, request id, IP and user agent', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    admin.ip = '203.0.113.7';
    const r = await admin.post<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Audited' }, { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-1' });
    expect(r.status).toBe(201);
    await t.services.audit.seal({ wait: true }); // what the sealer does within a moment (PostgreSQL)
    const ev = await admin.get<'/api/v1/tenants/{tenant_id}/audit-events'>(`/api/v1/tenants/${tenant.id}/audit-events?action=billing_account.created&target_id=${r.body.id}`);
    expect(ev.body.data).toHaveLength(1);
    expect(ev.body.data[0]).toMatchObject({
      action: 'billing_account.created',
      outcome: 'success',
      actor: { type: 'user', user_id: tenant.admin.id },
      tenant_id: tenant.id,
      ban: r.body.account_number,
      target: { type: 'billing_account', id: r.body.id },
      request_id: 'req-audit-1',
      ip: '203.0.113.7',
      user_agent: 'audit-test/1.0',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('a partner owner sees the events about its partner; staff and tenant users may not read their logs', async () => {
    const p = await t.world.partner();
    const owner = await p.owner.login();
    await owner.patch<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${p.id}`, { description: 'Audited change' });
    const ev = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${p.id}/audit-events`);
    expect(ev.status).toBe(200);
    expect(ev.body.data.map((e: AuditEvent) => e.action)).toContain('partner.updated');
    for (const e of ev.body.data) expect([e.partner_id, e.actor.partner_id]).toContain(p.id);
    const staff = await (await p.staff.login()).get<Problem>(`/api/v1/partners/${p.id}/audit-events`);
    expect([staff.status, staff.body.code]).toEqual([403, 'permission_denied']);
    const tenant = await t.world.tenant();
    const user = await (await tenant.user.login()).get<Problem>(`/api/v1/tenants/${tenant.id}/audit-events`);
    expect([user.status, user.body.code]).toEqual([403, 'permission_denied']);
    const notOperator = await owner.get<Problem>('/api/v1/audit-events');
    expect([notOperator.status, notOperator.body.code]).toEqual([403, 'permission_denied']);
  });

  describe('the operator filters', () => {
    const list = async (query: string): Promise<AuditEvent[]> => {
      const r = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?limit=200&${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.data;
    };

    it('by action prefix and tenant, newest first, with a cursor', async () => {
      const tenant = await t.world.tenant({ bans: 3 });
      const all = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?tenant_id=${tenant.id}&action=billing_account.*&limit=2`);
      expect(all.body.data).toHaveLength(2);
      expect(all.body.data[0].seq).toBeGreaterThan(all.body.data[1].seq);
      const next = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?tenant_id=${tenant.id}&action=billing_account.*&limit=2&cursor=${all.body.next_cursor}`);
      expect(next.body.data).toHaveLength(1);
      expect(next.body.next_cursor).toBeNull();
      expect(next.body.data[0].seq).toBeLessThan(all.body.data[1].seq);
      const byTenant = await list(`tenant_id=${tenant.id}`);
      expect(byTenant.map((e) => e.action).sort()).toEqual(['billing_account.created', 'billing_account.created', 'billing_account.created', 'tenant.created']);
      for (const e of byTenant) expect(e.tenant_id).toBe(tenant.id);
    });

    it('by partner', async () => {
      const p = await t.world.partner();
      await t.world.partner(); // another partner's events stay out
      const events = await list(`partner_id=${p.id}`);
      expect(events.map((e) => e.action)).toEqual(['partner.approved', 'partner.user_added', 'partner.created']);
      for (const e of events) expect(e.partner_id).toBe(p.id);
    });

    it('by actor and by target', async () => {
      const tenant = await t.world.tenant();
      const admin = await tenant.admin.login();
      const ban = await admin.post<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'By actor' });
      await operator.patch<'/api/v1/tenants/{tenant_id}/billing-accounts/{ban_id}'>(`/api/v1/tenants/${tenant.id}/billing-accounts/${ban.body.id}`, { name: 'Renamed by the operator' });
      const byActor = await list(`actor_user_id=${tenant.admin.id}`);
      expect(byActor.map((e) => e.action)).toEqual(['billing_account.created', 'user.logged_in']);
      for (const e of byActor) expect(e.actor.user_id).toBe(tenant.admin.id);
      const byTarget = await list(`target_id=${ban.body.id}`);
      expect(byTarget.map((e) => [e.action, e.actor.user_id])).toEqual([
        ['billing_account.updated', expect.not.stringMatching(tenant.admin.id)],
        ['billing_account.created', tenant.admin.id],
      ]);
    });

    it('by outcome', async () => {
      const email = `${unique('failing')}@example.test`;
      expect((await t.client().post<'/api/v1/auth/login'>('/api/v1/auth/login', { email, password: 'not a password' })).status).toBe(401);
      const failed = await list('outcome=failure');
      expect(failed.length).toBeGreaterThan(0);
      for (const e of failed) expect(e.outcome).toBe('failure');
      expect(failed.map((e) => (e as unknown as { details: { email?: string } }).details.email)).toContain(email);
      for (const e of await list('outcome=success&action=user.*')) expect(e.outcome).toBe('success');
      expect(await list('outcome=denied&action=user.login_failed')).toEqual([]);
    });

    it('by time: since is inclusive, until exclusive, and together they split the log', async () => {
      const tenant = await t.world.tenant({ bans: 4 });
      const events = await list(`tenant_id=${tenant.id}`);
      expect(events).toHaveLength(5);
      const cut = events[2].occurred_at;
      const since = await list(`tenant_id=${tenant.id}&since=${encodeURIComponent(cut)}`);
      const until = await list(`tenant_id=${tenant.id}&until=${encodeURIComponent(cut)}`);
      for (const e of since) expect(e.occurred_at >= cut).toBe(true);
      for (const e of until) expect(e.occurred_at < cut).toBe(true);
      expect(since.map((e) => e.seq)).toContain(events[2].seq);
      expect([...since, ...until].map((e) => e.seq).sort()).toEqual(events.map((e) => e.seq).sort());
      expect(await list(`tenant_id=${tenant.id}&since=2999-01-01T00:00:00Z`)).toEqual([]);
      expect(await list(`tenant_id=${tenant.id}&until=2000-01-01T00:00:00Z`)).toEqual([]);
    });
  });

  describe('every mutation through the API leaves exactly its events, and reads leave none', () => {
    let tenant: TestTenant;
    let partner: TestPartner;
    let admin: Client;
    let owner: Client;
    beforeAll(async () => {
      tenant = await t.world.tenant();
      partner = await t.world.partner();
      admin = await tenant.admin.login();
      owner = await partner.owner.login();
    });

    /** The actions of the events a step wrote, oldest first. */
    async function eventsOf(step: () => Promise<{ status: number; body?: unknown }>, ok: number) {
      // the newest event before the step (not the chain's head: on PostgreSQL events wait a moment to be sealed)
      const before = await t.services.db.kysely.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirstOrThrow();
      const r = await step();
      expect(r.status, JSON.stringify(r.body)).toBe(ok);
      const rows = await t.services.db.kysely.selectFrom('audit_events').select('action').where('seq', '>', Number(before.max ?? 0)).orderBy('seq').execute();
      return rows.map((x) => x.action);
    }

    const ids: Record<string, string> = {};
    const cases: [string, () => Promise<{ status: number; body?: any }>, number, string[]][] = [
      ['POST /tenants', async () => { const r = await operator.post<'/api/v1/tenants'>('/api/v1/tenants', { name: 'Counted', slug: unique('count') }); ids.tenant = r.body.tenant?.id; return r; }, 201, ['tenant.created']],
      ['POST /tenants with a first admin', () => operator.post<'/api/v1/tenants'>('/api/v1/tenants', { name: 'Counted', slug: unique('count'), admin: { email: `${unique('a')}@example.test` } }), 201, ['tenant.created', 'tenant.member_invited']],
      ['PATCH /tenants/{id} name', () => admin.patch<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`, { name: 'Renamed tenant' }), 200, ['tenant.updated']],
      ['PATCH /tenants/{id} status', () => operator.patch<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${ids.tenant}`, { status: 'suspended' }), 200, ['tenant.suspended']],
      ['POST billing account', async () => { const r = await admin.post<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Counted' }); ids.ban = r.body.id; return r; }, 201, ['billing_account.created']],
      ['PATCH billing account name', () => admin.patch<'/api/v1/tenants/{tenant_id}/billing-accounts/{ban_id}'>(`/api/v1/tenants/${tenant.id}/billing-accounts/${ids.ban}`, { name: 'Counted 2' }), 200, ['billing_account.updated']],
      ['PATCH billing account close', () => admin.patch<'/api/v1/tenants/{tenant_id}/billing-accounts/{ban_id}'>(`/api/v1/tenants/${tenant.id}/billing-accounts/${ids.ban}`, { status: 'closed' }), 200, ['billing_account.closed']],
      ['POST tenant member (invite)', async () => { const r = await admin.post<'/api/v1/tenants/{tenant_id}/members'>(`/api/v1/tenants/${tenant.id}/members`, { email: `${unique('inv')}@example.test`, role: 'TENANT_USER' }); ids.inv = r.body.invitation?.id; ids.token = r.body.invitation?.url.split('/invite/')[1]; return r; }, 201, ['tenant.member_invited']],
      ['accept through the link', () => t.client().post<'/api/v1/invitations/accept'>('/api/v1/invitations/accept', { token: ids.token, name: 'Newcomer', password: 'a long enough passphrase' }), 200, ['tenant.member_added', 'invitation.accepted']],
      ['DELETE tenant invitation', async () => { const r = await admin.post<'/api/v1/tenants/{tenant_id}/members'>(`/api/v1/tenants/${tenant.id}/members`, { email: `${unique('inv')}@example.test`, role: 'TENANT_USER' }); return admin.delete<'/api/v1/tenants/{tenant_id}/invitations/{invitation_id}'>(`/api/v1/tenants/${tenant.id}/invitations/${r.body.invitation.id}`); }, 204, ['tenant.member_invited', 'tenant.invitation_revoked']],
      ['PATCH tenant member role', () => admin.patch<'/api/v1/tenants/{tenant_id}/members/{user_id}'>(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' }), 204, ['tenant.member_role_changed']],
      ['DELETE tenant member', () => admin.delete<'/api/v1/tenants/{tenant_id}/members/{user_id}'>(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`), 204, ['tenant.member_removed']],
      ['PATCH partner profile', () => owner.patch<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${partner.id}`, { description: 'Counted' }), 200, ['partner.updated']],
      ['POST partner member (invite)', () => owner.post<'/api/v1/partners/{partner_id}/members'>(`/api/v1/partners/${partner.id}/members`, { email: `${unique('inv')}@example.test`, role: 'PARTNER_STAFF' }), 201, ['partner.user_invited']],
      ['PATCH partner member role', () => owner.patch<'/api/v1/partners/{partner_id}/members/{user_id}'>(`/api/v1/partners/${partner.id}/members/${partner.staff.id}`, { role: 'PARTNER_OWNER' }), 204, ['partner.user_role_changed']],
      ['PATCH partner member role and status', () => owner.patch<'/api/v1/partners/{partner_id}/members/{user_id}'>(`/api/v1/partners/${partner.id}/members/${partner.staff.id}`, { role: 'PARTNER_STAFF', status: 'inactive' }), 204, ['partner.user_role_changed', 'partner.user_deactivated']],
      ['PATCH partner member, no change', () => owner.patch<'/api/v1/partners/{partner_id}/members/{user_id}'>(`/api/v1/partners/${partner.id}/members/${partner.staff.id}`, { status: 'inactive' }), 204, []],
      ['PUT capabilities', () => operator.put<'/api/v1/partners/{partner_id}/capabilities'>(`/api/v1/partners/${partner.id}/capabilities`, { capabilities: ['referral', 'delegated'] }), 200, ['partner.capabilities_changed']],
      ['PATCH feature toggles', () => operator.patch<'/api/v1/partners/{partner_id}/feature-toggles'>(`/api/v1/partners/${partner.id}/feature-toggles`, { feature_toggles: { orders: true } }), 200, ['partner.features_changed']],
      ['POST suspend', () => operator.post<'/api/v1/partners/{partner_id}/suspend'>(`/api/v1/partners/${partner.id}/suspend`, { reason: 'counted' }), 200, ['partner.suspended']],
      ['POST reactivate', () => operator.post<'/api/v1/partners/{partner_id}/reactivate'>(`/api/v1/partners/${partner.id}/reactivate`), 200, ['partner.reactivated']],
      ['POST partner application', () => t.client().post<'/api/v1/partner-applications'>('/api/v1/partner-applications', { name: 'Counted Partner', contact_email: 'c@example.test', owner: { name: 'O', email: `${unique('o')}@example.test`, password: 'owner passphrase 1' } }), 201, ['partner.created', 'partner.user_added']],
      ['POST users/{id}/disable', () => operator.post<'/api/v1/users/{user_id}/disable'>(`/api/v1/users/${tenant.user.id}/disable`), 200, ['user.disabled']],
      ['POST users/{id}/enable', () => operator.post<'/api/v1/users/{user_id}/enable'>(`/api/v1/users/${tenant.user.id}/enable`), 200, ['user.enabled']],
      ['POST /me/api-tokens', async () => { const r = await admin.post<'/api/v1/me/api-tokens'>('/api/v1/me/api-tokens', { name: 'counted' }); ids.pat = r.body.api_token?.id; return r; }, 201, ['api_token.created']],
      ['DELETE /me/api-tokens/{id}', () => admin.delete<'/api/v1/me/api-tokens/{token_id}'>(`/api/v1/me/api-tokens/${ids.pat}`), 204, ['api_token.revoked']],
      ['PATCH /me', () => admin.patch<'/api/v1/me'>('/api/v1/me', { name: 'Counted Admin' }), 200, ['user.updated']],
      ['POST /me/password', () => admin.post<'/api/v1/me/password'>('/api/v1/me/password', { current_password: tenant.admin.password, new_password: tenant.admin.password + '!' }), 204, ['user.password_changed']],
      ['POST /auth/login (wrong password)', () => t.client().post<'/api/v1/auth/login'>('/api/v1/auth/login', { email: tenant.user.email, password: 'wrong' }), 401, ['user.login_failed']],
      ['POST /auth/login', async () => { const c = t.client(); const r = await c.post<'/api/v1/auth/login'>('/api/v1/auth/login', { email: tenant.user.email, password: tenant.user.password }); ids.cookie = c.cookie ?? ''; ids.csrf = r.body.csrf_token; return r; }, 200, ['user.logged_in']],
      ['POST /auth/logout', () => { const c = t.client(); c.cookie = ids.cookie; c.csrf = ids.csrf; return c.post<'/api/v1/auth/logout'>('/api/v1/auth/logout'); }, 204, ['user.logged_out']],
      ['a refused mutation (400)', () => admin.post<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: '' }), 400, []],
      ['a refused mutation (403)', () => admin.post<'/api/v1/tenants'>('/api/v1/tenants', { name: 'No', slug: unique('no') }), 403, []],
      ['GET reads', async () => { for (const u of ['/api/v1/tenants', '/api/v1/audit-events', `/api/v1/tenants/${tenant.id}/members`, '/api/v1/users', `/api/v1/partners/${partner.id}`]) expect((await operator.get(u)).status).toBe(200); return { status: 200 }; }, 200, []],
    ];

    it.each(cases)('%s', async (_name, step, ok, expected) => {
      expect(await eventsOf(step, ok)).toEqual(expected);
    });
  });
});

describe("a partner's audit view: events about the partner or done acting as it", () => {
  it('does not show what a partner member did as a tenant admin', async () => {
    const tenant = await t.world.tenant();
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    // The tenant's admin is also on the partner's staff.
    await t.world.joinPartner(p.id, tenant.admin.id, 'PARTNER_STAFF');
    const dual = await tenant.admin.login();
    expect((await dual.patch<'/api/v1/tenants/{tenant_id}/members/{user_id}'>(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' })).status).toBe(204);
    expect((await dual.post<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Dual role' })).status).toBe(201);
    expect((await dual.patch<'/api/v1/me'>('/api/v1/me', { name: 'Dual Role' })).status).toBe(200);

    const mine = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?actor_user_id=${tenant.admin.id}&limit=50`);
    const asTenantAdmin = mine.body.data.filter((e: AuditEvent) => ['tenant.member_role_changed', 'billing_account.created', 'user.updated'].includes(e.action));
    expect(asTenantAdmin).toHaveLength(3);
    for (const e of asTenantAdmin) expect(e.actor.partner_id).toBeNull();

    const view = await (await p.owner.login()).get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${p.id}/audit-events?limit=200`);
    expect(view.status).toBe(200);
    const actions = view.body.data.map((e: AuditEvent) => e.action);
    expect(actions).not.toContain('tenant.member_role_changed');
    expect(actions).not.toContain('billing_account.created');
    expect(actions).not.toContain('user.updated');
    for (const e of view.body.data as AuditEvent[]) {
      expect(e.tenant_id).not.toBe(tenant.id);
      expect([e.partner_id, e.actor.partner_id]).toContain(p.id);
    }
  });

  it("still shows what was done as the partner: profile, team, delegation requests, apps and the partner API's reads", async () => {
    const tenant = await t.world.tenant();
    const p = await t.world.partner({ capabilities: ['managed_services', 'delegated'] });
    const owner = await p.owner.login();
    const staff = await p.staff.login();
    expect((await owner.patch<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${p.id}`, { description: 'Audited change' })).status).toBe(200);
    expect((await owner.patch<'/api/v1/partners/{partner_id}/members/{user_id}'>(`/api/v1/partners/${p.id}/members/${p.staff.id}`, { role: 'PARTNER_OWNER' })).status).toBe(204);
    expect((await owner.patch<'/api/v1/partners/{partner_id}/members/{user_id}'>(`/api/v1/partners/${p.id}/members/${p.staff.id}`, { role: 'PARTNER_STAFF' })).status).toBe(204);
    const link = await owner.post<'/api/v1/partners/{partner_id}/delegations'>(`/api/v1/partners/${p.id}/delegations`, {
      tenant_slug: tenant.slug,
      role: 'MSP_FULL',
      justification: 'managed services contract',
      ends_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    const app = await owner.post<'/api/v1/partners/{partner_id}/apps'>(`/api/v1/partners/${p.id}/apps`, { name: 'Ordering', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://partner.example/callback'], scopes: ['orders.read'] });
    expect(app.status, JSON.stringify(app.body)).toBe(201);
    // The partner API reads the tenants it has an active delegation for.
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: (await t.world.tenant()).id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), status: 'active' });
    await t.services.feed.drain();
    expect((await staff.get<'/api/v1/partner/billing/summary'>('/api/v1/partner/billing/summary')).status).toBe(200);
    await t.services.gateway.auditBuffer.flush();

    const view = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${p.id}/audit-events?limit=200`);
    const actions = view.body.data.map((e: AuditEvent) => e.action);
    for (const a of ['partner.updated', 'partner.user_role_changed', 'delegation.requested', 'app.created', 'partner.consolidated_read']) expect(actions).toContain(a);
    for (const e of view.body.data as AuditEvent[]) expect([e.partner_id, e.actor.partner_id]).toContain(p.id);
    // Done acting as the partner: the actor partner is recorded.
    const updated = view.body.data.find((e: AuditEvent) => e.action === 'partner.updated');
    expect(updated?.actor).toMatchObject({ user_id: p.owner.id, partner_id: p.id });
  });
});

describe('LIKE patterns match user text literally', () => {
  it('the action prefix treats _ as a character, not a wildcard', async () => {
    const ctx = t.world.ctx;
    await mutate(t.services.db, async (trx) => {
      await t.services.audit.record(trx, ctx, { action: 'like_test.done' });
      await t.services.audit.record(trx, ctx, { action: 'likeXtest.done' });
    });
    const r = await operator.get<'/api/v1/audit-events'>('/api/v1/audit-events?action=like_test.*');
    expect(r.body.data.map((e: AuditEvent) => e.action)).toEqual(['like_test.done']);
  });

  it('the partner capability filter matches managed_services literally', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const lookalike = await t.world.partner({ capabilities: ['referral'] });
    await mutate(t.services.db, (trx) => trx.updateTable('partners').set({ capabilities: '["managedXservices"]' }).where('id', '=', lookalike.id).execute());
    const r = await operator.get<'/api/v1/partners'>('/api/v1/partners?capability=managed_services&limit=200');
    const ids = r.body.data.map((x: { id: string }) => x.id);
    expect(ids).toContain(msp.id);
    expect(ids).not.toContain(lookalike.id);
  });
});

describe("each event names its target for the reader, and only names the reader may know", () => {
  it('a link by the other party, an agency and a tenant by their names; the operator sees both parties', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const admin = await tenant.admin.login();
    const owner = await partner.owner.login();
    const link = await activeLink(owner, admin, partner.id, tenant);
    const agency = await admin.post<'/api/v1/tenants/{tenant_id}/agencies'>(`/api/v1/tenants/${tenant.id}/agencies`, { name: 'Corner Shop Agency' });
    expect(agency.status).toBe(201);

    const tenantView = await admin.get<'/api/v1/tenants/{tenant_id}/audit-events'>(`/api/v1/tenants/${tenant.id}/audit-events`);
    const target = (events: AuditEvent[], action: string) => events.find((e) => e.action === action)?.target;
    expect(target(tenantView.body.data, 'delegation.approved')).toEqual({ type: 'delegation', id: link, name: partner.name });
    expect(target(tenantView.body.data, 'agency.created')).toEqual({ type: 'agency', id: agency.body.id, name: 'Corner Shop Agency' });

    // an invitation by the address it went to, in the tenant's own log; the partner cannot read it
    const invited = await admin.post<'/api/v1/tenants/{tenant_id}/members'>(`/api/v1/tenants/${tenant.id}/members`, { email: 'nina.newcomer@example.test', role: 'TENANT_USER' });
    expect(invited.status).toBe(201);
    const withInvite = await admin.get<'/api/v1/tenants/{tenant_id}/audit-events'>(`/api/v1/tenants/${tenant.id}/audit-events?action=tenant.member_invited`);
    expect(withInvite.body.data[0].target).toEqual({ type: 'invitation', id: invited.body.invitation?.id, name: 'nina.newcomer@example.test' });
    const invitationRow = { target_type: 'invitation', target_id: invited.body.invitation?.id } as Parameters<typeof t.services.audit.targetNames>[0][number];
    expect((await t.services.audit.targetNames([invitationRow], { kind: 'partner', partnerId: partner.id })).size).toBe(0);

    const partnerView = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${partner.id}/audit-events`);
    expect(target(partnerView.body.data, 'delegation.requested')).toEqual({ type: 'delegation', id: link, name: tenant.name });
    // the tenant admin who approved is "someone at" the tenant for the partner, never named
    const approved = partnerView.body.data.find((e: AuditEvent) => e.action === 'delegation.approved');
    expect(approved).toMatchObject({ tenant_name: tenant.name, actor_org: { kind: 'tenant', name: tenant.name } });
    expect(JSON.stringify(approved)).not.toContain(tenant.admin.email);
    // the partner's own people are its own to name: no organisation for them
    expect(partnerView.body.data.find((e: AuditEvent) => e.action === 'delegation.requested')?.actor_org).toBeNull();
    // an operator's break-glass revocation is the platform's, for the partner
    expect((await operator.post('/api/v1/delegations/break-glass', { partner_id: partner.id, reason: 'partner compromised' })).status).toBe(200);
    const revoked = (await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${partner.id}/audit-events?action=delegation.revoked`)).body.data;
    expect(revoked.map((e: AuditEvent) => e.actor_org)).toEqual([{ kind: 'platform', name: null }]);

    const operatorView = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?target_id=${link}`);
    expect(operatorView.body.data.length).toBeGreaterThan(0);
    for (const e of operatorView.body.data) expect(e.target.name).toBe(`${partner.name} → ${tenant.name}`);
  });

  it('names nothing of a tenant, partner, app or agency the reader has no relationship with', async () => {
    const tenant = await t.world.tenant();
    const stranger = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const otherPartner = await t.world.partner({ capabilities: ['delegated'] });
    const admin = await tenant.admin.login();
    const strangerAgency = await (await stranger.admin.login()).post<'/api/v1/tenants/{tenant_id}/agencies'>(`/api/v1/tenants/${stranger.id}/agencies`, { name: 'Not Yours Agency' });
    const otherApp = await (await otherPartner.owner.login()).post<'/api/v1/partners/{partner_id}/apps'>(`/api/v1/partners/${otherPartner.id}/apps`, {
      name: 'Not Yours App',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://not-yours.example/callback'],
      scopes: ['orders.read'],
    });
    expect([strangerAgency.status, otherApp.status]).toEqual([201, 201]);
    await activeLink(await partner.owner.login(), admin, partner.id, tenant);
    // events as the log holds them, pointing at things of every kind
    const row = (type: string, id: string) => ({ target_type: type, target_id: id }) as Parameters<typeof t.services.audit.targetNames>[0][number];
    const rows = [row('tenant', tenant.id), row('tenant', stranger.id), row('partner', partner.id), row('partner', otherPartner.id), row('agency', strangerAgency.body.id), row('app', otherApp.body.app.id)];

    const asTenant = await t.services.audit.targetNames(rows, { kind: 'tenant', tenantId: tenant.id });
    expect(Object.fromEntries(asTenant)).toEqual({ [tenant.id]: tenant.name, [partner.id]: partner.name });
    const asPartner = await t.services.audit.targetNames(rows, { kind: 'partner', partnerId: partner.id });
    expect(Object.fromEntries(asPartner)).toEqual({ [tenant.id]: tenant.name, [partner.id]: partner.name });
    // the partner's view of a person of a tenant it has no relationship with: nothing about them
    const strangerAdmin = stranger.admin.id;
    const acted = { ...row('tenant', stranger.id), id: 'evt_x', actor_user_id: strangerAdmin, actor_partner_id: null, tenant_id: stranger.id };
    const namesForPartner = await t.services.audit.targetNames([acted], { kind: 'partner', partnerId: partner.id });
    expect(namesForPartner.size).toBe(0);
    expect((await t.services.audit.actorOrgs([acted], partner.id, namesForPartner)).size).toBe(0);
    const asOperator = await t.services.audit.targetNames(rows, { kind: 'operator' });
    expect(asOperator.size).toBe(6);
    expect(asOperator.get(otherApp.body.app.id)).toBe('Not Yours App');
    // an app that acted (its token): named for its own partner and the operator, not for another partner
    const byApp = { ...row('tenant', tenant.id), id: 'evt_y', actor_type: 'app', actor_client_id: otherApp.body.app.id, actor_partner_id: otherPartner.id, partner_agency_id: null } as Parameters<typeof toAuditEventDto>[0];
    const actorFor = async (view: Parameters<typeof t.services.audit.targetNames>[1]) => toAuditEventDto(byApp, await t.services.audit.targetNames([byApp], view)).actor.name;
    expect(await actorFor({ kind: 'partner', partnerId: otherPartner.id })).toBe('Not Yours App');
    expect(await actorFor({ kind: 'operator' })).toBe('Not Yours App');
    expect(await actorFor({ kind: 'partner', partnerId: partner.id })).toBeNull();
  });
});
