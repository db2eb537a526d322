/** The audit log: every mutation recorded with who/where/when, hash-chained, scoped views. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';

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

describe('hash chain', () => {
  it('verifies, and detects an event altered in the database', async () => {
    await t.world.tenant();
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
    const victim = (await t.services.audit.list({ limit: 1, action: 'tenant.created' })).data[0];
    await sql`update audit_events set details = ${'{"tampered":true}'} where id = ${victim.id}`.execute(t.services.db.kysely);
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.brokenAtSeq).toBe(Number(victim.seq));
    await sql`update audit_events set details = ${victim.details} where id = ${victim.id}`.execute(t.services.db.kysely);
    expect((await t.services.audit.verify()).ok).toBe(true);
  });

  it('detects a deleted event', async () => {
    await t.world.tenant();
    const victim = (await t.services.audit.list({ limit: 3 })).data[2];
    await sql`delete from audit_events where id = ${victim.id}`.execute(t.services.db.kysely);
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
  });
});
