/**
 * A link request and a revocation, as the partner and the tenant see them, now that they travel in
 * fewer round trips on PostgreSQL: reads that do not depend on each other go out together, a write
 * whose result nobody reads goes with the statement after it, and the answer is read with the
 * COMMIT. What a person sees must not change: the answer names both parties, a request that loses
 * the race for the one open link is told the link exists (409, never a 500), and nothing of the
 * refused request is kept. On SQLite the same steps run one after the other.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { newId } from '../../../src/platform/ids.ts';
import { inDays } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const requested = async (partnerId: string, tenantId: string) =>
  (await t.testDb.owner.kysely.selectFrom('audit_events').select('target_id').where('action', '=', 'delegation.requested').where('partner_id', '=', partnerId).where('tenant_id', '=', tenantId).execute()).map((r) => r.target_id);
const links = async (partnerId: string, tenantId: string) =>
  (await t.testDb.owner.kysely.selectFrom('delegations').select(['id', 'status']).where('partner_id', '=', partnerId).where('tenant_id', '=', tenantId).execute());

describe('a link request', () => {
  it('is answered with both parties named, and the revocation with the link as it ended', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const [owner, admin] = [await partner.owner.login(), await tenant.admin.login()];
    const r = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'MSP_SUPPORT', justification: 'support contract', ends_at: inDays(30) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'requested', role: 'MSP_SUPPORT', partner: { id: partner.id, name: partner.name }, tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug } });
    expect(await requested(partner.id, tenant.id)).toEqual([r.body.id]);

    // the tenant admin sees the request waiting, then turns it down by revoking it
    const waiting = await admin.get(`/api/v1/tenants/${tenant.id}/delegations?status=requested`);
    expect(waiting.body.data.map((d: { id: string }) => d.id)).toEqual([r.body.id]);
    const revoked = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${r.body.id}/revoke`, { reason: 'not now' });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ id: r.body.id, status: 'revoked', revoke_reason: 'not now', partner: { name: partner.name }, tenant: { name: tenant.name } });
    // another tenant's admin learns nothing: the same answer as for a tenant that does not exist
    const other = await (await t.world.tenant()).admin.login();
    const foreign = await other.post(`/api/v1/tenants/${tenant.id}/delegations/${r.body.id}/revoke`, { reason: 'x' });
    const nowhere = await other.post(`/api/v1/tenants/tnt_${'0'.repeat(26)}/delegations/${r.body.id}/revoke`, { reason: 'x' });
    expect([foreign.status, foreign.body.code]).toEqual([nowhere.status, nowhere.body.code]);
    expect(foreign.status).toBe(404);
  });

  it('that loses the race for the one open link is told the link exists, and leaves nothing behind', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const body = { tenant_slug: tenant.slug, role: 'MSP_SUPPORT', justification: 'support contract', ends_at: inDays(30) };
    const db = t.testDb.owner.kysely;
    let rival: string | null = null;
    let answer: Awaited<ReturnType<typeof owner.post<Record<string, unknown>>>>;
    if (t.testDb.db.dialect === 'postgres') {
      // Another writer's open link, not yet committed: the request's check cannot see it, so its
      // insert waits on the unique index and is refused once the rival commits — the refusal
      // reported by the statement the insert travelled with.
      const conn = await db.connection().execute(async (c) => {
        await sql`begin`.execute(c);
        rival = newId('dlg');
        const now = new Date().toISOString();
        await c.insertInto('delegations').values({ id: rival, partner_id: partner.id, tenant_id: tenant.id, origin: 'link', role: 'MSP_SUPPORT', overrides: '{"grant":[],"deny":[]}', status: 'requested', justification: 'rival', starts_at: now, ends_at: inDays(30), requested_at: now, created_at: now, updated_at: now, distributor_access: 0 }).execute();
        const pending = owner.post(`/api/v1/partners/${partner.id}/delegations`, body);
        // the request waits on the rival's row lock (polled, bounded by the test's timeout)
        await vi.waitFor(async () => {
          const w = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into "delegations"%'`.execute(db);
          expect(w.rows[0]!.n).toBeGreaterThan(0);
        }, { timeout: 20_000, interval: 20 });
        await sql`commit`.execute(c);
        return pending;
      });
      answer = await conn;
    } else {
      const first = await owner.post(`/api/v1/partners/${partner.id}/delegations`, body);
      expect(first.status).toBe(201);
      rival = first.body.id;
      answer = await owner.post(`/api/v1/partners/${partner.id}/delegations`, body);
    }
    expect([answer.status, answer.body.code]).toEqual([409, 'delegation_exists']);
    expect(String(answer.headers['content-type'])).toContain('application/problem+json');
    expect(JSON.stringify(answer.body)).not.toMatch(/stack|insert into|duplicate key/i);
    // only the rival's link; no audit row, event or notice for the refused one
    expect(await links(partner.id, tenant.id)).toEqual([{ id: rival, status: 'requested' }]);
    expect((await requested(partner.id, tenant.id)).filter((id) => id !== rival)).toEqual([]);
  });
});
