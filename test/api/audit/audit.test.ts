/** The audit log: every mutation recorded with who/where/when, hash-chained, scoped views. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';
import { mutate } from '../../../src/platform/db/database.ts';

interface AuditEvent {
  seq: number;
  action: string;
  outcome: string;
  occurred_at: string;
  tenant_id: string | null;
  partner_id: string | null;
  actor: { type: string; user_id: string | null; partner_id: string | null };
  target: { type: string | null; id: string | null };
}

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
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Audited' }, { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-1' });
    expect(r.status).toBe(201);
    const ev = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=billing_account.created&target_id=${r.body.id}`);
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

  it('a partner owner sees the events about its partner; staff may not read the log', async () => {
    const p = await t.world.partner();
    const owner = await p.owner.login();
    await owner.patch(`/api/v1/partners/${p.id}`, { description: 'Audited change' });
    const ev = await owner.get(`/api/v1/partners/${p.id}/audit-events`);
    expect(ev.status).toBe(200);
    expect(ev.body.data.map((e: { action: string }) => e.action)).toContain('partner.updated');
    for (const e of ev.body.data) expect([e.partner_id, e.actor.partner_id]).toContain(p.id);
    const staff = await (await p.staff.login()).get(`/api/v1/partners/${p.id}/audit-events`);
    expect(staff.status).toBe(403);
  });

  it('the operator filters by action prefix, tenant, partner, actor, outcome and time, newest first, with a cursor', async () => {
    const tenant = await t.world.tenant({ bans: 3 });
    const all = await operator.get(`/api/v1/audit-events?tenant_id=${tenant.id}&action=billing_account.*&limit=2`);
    expect(all.body.data).toHaveLength(2);
    expect(all.body.data[0].seq).toBeGreaterThan(all.body.data[1].seq);
    const next = await operator.get(`/api/v1/audit-events?tenant_id=${tenant.id}&action=billing_account.*&limit=2&cursor=${all.body.next_cursor}`);
    expect(next.body.data).toHaveLength(1);
    expect(next.body.next_cursor).toBeNull();
    const future = await operator.get(`/api/v1/audit-events?tenant_id=${tenant.id}&since=2999-01-01T00:00:00Z`);
    expect(future.body.data).toHaveLength(0);
    const failed = await operator.get('/api/v1/audit-events?outcome=failure&action=user.login_failed');
    expect(failed.status).toBe(200);
  });

  it('every mutation through the API leaves exactly one event per change', async () => {
    const before = await t.services.audit.count();
    const slug = unique('count');
    await operator.post('/api/v1/tenants', { name: 'Counted', slug });
    expect(await t.services.audit.count()).toBe(before + 1);
    // reads write nothing
    await operator.get('/api/v1/tenants');
    await operator.get('/api/v1/audit-events');
    expect(await t.services.audit.count()).toBe(before + 1);
  });
});

describe("a partner's audit view: events about the partner or done acting as it", () => {
  it('does not show what a partner member did as a tenant admin', async () => {
    const tenant = await t.world.tenant();
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    // The tenant's admin is also on the partner's staff.
    await t.world.joinPartner(p.id, tenant.admin.id, 'PARTNER_STAFF');
    const dual = await tenant.admin.login();
    expect((await dual.patch(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' })).status).toBe(204);
    expect((await dual.post(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Dual role' })).status).toBe(201);
    expect((await dual.patch('/api/v1/me', { name: 'Dual Role' })).status).toBe(200);

    const mine = await operator.get(`/api/v1/audit-events?actor_user_id=${tenant.admin.id}&limit=50`);
    const asTenantAdmin = mine.body.data.filter((e: AuditEvent) => ['tenant.member_role_changed', 'billing_account.created', 'user.updated'].includes(e.action));
    expect(asTenantAdmin).toHaveLength(3);
    for (const e of asTenantAdmin) expect(e.actor.partner_id).toBeNull();

    const view = await (await p.owner.login()).get(`/api/v1/partners/${p.id}/audit-events?limit=200`);
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
    expect((await owner.patch(`/api/v1/partners/${p.id}`, { description: 'Audited change' })).status).toBe(200);
    expect((await owner.patch(`/api/v1/partners/${p.id}/members/${p.staff.id}`, { role: 'PARTNER_OWNER' })).status).toBe(204);
    expect((await owner.patch(`/api/v1/partners/${p.id}/members/${p.staff.id}`, { role: 'PARTNER_STAFF' })).status).toBe(204);
    const link = await owner.post(`/api/v1/partners/${p.id}/delegations`, {
      tenant_slug: tenant.slug,
      role: 'MSP_FULL',
      justification: 'managed services contract',
      ends_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    const app = await owner.post(`/api/v1/partners/${p.id}/apps`, { name: 'Ordering', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://partner.example/callback'], scopes: ['orders.read'] });
    expect(app.status, JSON.stringify(app.body)).toBe(201);
    // The partner API (seed 001) reads the tenants it has an active delegation for.
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: (await t.world.tenant()).id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), status: 'active' });
    await t.services.feed.drain();
    expect((await staff.get('/api/v1/partner/billing/summary')).status).toBe(200);
    await t.services.gateway.auditBuffer.flush();

    const view = await owner.get(`/api/v1/partners/${p.id}/audit-events?limit=200`);
    const actions = view.body.data.map((e: AuditEvent) => e.action);
    for (const a of ['partner.updated', 'partner.user_role_changed', 'delegation.requested', 'app.created', 'partner.consolidated_read']) expect(actions).toContain(a);
    for (const e of view.body.data as AuditEvent[]) expect([e.partner_id, e.actor.partner_id]).toContain(p.id);
    // Done acting as the partner: the actor partner is recorded.
    const updated = view.body.data.find((e: AuditEvent) => e.action === 'partner.updated');
    expect(updated.actor).toMatchObject({ user_id: p.owner.id, partner_id: p.id });
  });
});

describe('LIKE patterns match user text literally', () => {
  it('the action prefix treats _ as a character, not a wildcard', async () => {
    const ctx = t.world.ctx;
    await mutate(t.services.db, async (trx) => {
      await t.services.audit.record(trx, ctx, { action: 'like_test.done' });
      await t.services.audit.record(trx, ctx, { action: 'likeXtest.done' });
    });
    const r = await operator.get('/api/v1/audit-events?action=like_test.*');
    expect(r.body.data.map((e: AuditEvent) => e.action)).toEqual(['like_test.done']);
  });

  it('the partner capability filter matches managed_services literally', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const lookalike = await t.world.partner({ capabilities: ['referral'] });
    await mutate(t.services.db, (trx) => trx.updateTable('partners').set({ capabilities: '["managedXservices"]' }).where('id', '=', lookalike.id).execute());
    const r = await operator.get('/api/v1/partners?capability=managed_services&limit=200');
    const ids = r.body.data.map((x: { id: string }) => x.id);
    expect(ids).toContain(msp.id);
    expect(ids).not.toContain(lookalike.id);
  });
});
