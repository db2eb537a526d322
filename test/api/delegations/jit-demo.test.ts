/**
 * The demo world shows every state of time-limited access at once: an eligible link
 * with an open activation (Cedar Telecom), one waiting for the tenant's approval (Delta
 * Broadband), links 30, 7 and 1 days from their end with their notices sent, and a link
 * auto-extended once (Foxtrot Cable) — all administered by Acme's demo admin, so no new login.
 * Running the seed again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWorld, seedDemo, type DemoWorld } from '../../../src/demo/demo.seed.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
let world: DemoWorld;

beforeAll(async () => {
  t = await startTestApp();
  world = await seedDemo(t.services);
}, 180_000);
afterAll(() => t?.close());

const linkOf = async (slug: string) => {
  const tenant = (await t.services.tenants.findBySlug(slug))!;
  const d = await t.services.db.kysely.selectFrom('delegations').selectAll().where('tenant_id', '=', tenant.id).where('origin', '=', 'link').executeTakeFirstOrThrow();
  return { tenant, d };
};

describe('seed demo: time-limited access', () => {
  it('has each state at once', { timeout: 60_000 }, async () => {
    const fabrikam = world.partners.find((p) => p.slug === 'fabrikam-msp')!;
    const stella = (await t.services.identity.findUserByEmail(fabrikam.staff.email))!;
    const owen = (await t.services.identity.findUserByEmail(fabrikam.owner.email))!;
    const alice = (await t.services.identity.findUserByEmail(world.tenants.find((x) => x.slug === 'acme-fiber')!.admin.email))!;
    await t.services.feed.drain();

    // Cedar: support always on; billing on request, on now for stella only
    const cedar = await linkOf('cedar-telecom');
    const can = (userId: string, action: string) => t.services.authz.memberAccess(userId, fabrikam.id, cedar.tenant.id, action);
    expect(can(stella.id, 'billing.invoices.read')).toMatchObject({ allow: true });
    expect(can(owen.id, 'billing.invoices.read')).toMatchObject({ allow: false, code: 'activation_required' });
    expect(can(owen.id, 'support.tickets.read')).toMatchObject({ allow: true });

    // Delta: owen's request waits for the tenant admin, who is Acme's demo admin
    const delta = await linkOf('delta-broadband');
    const waiting = await t.services.activations.list({ tenantId: delta.tenant.id, status: 'pending' });
    expect(waiting.map((a) => a.user_id)).toEqual([owen.id]);
    const admins = await t.services.db.kysely.selectFrom('tenant_members').select(['user_id', 'role']).where('tenant_id', '=', delta.tenant.id).execute();
    expect(admins).toEqual([{ user_id: alice.id, role: 'TENANT_ADMIN' }]);

    // 30/7/1-day notices, one each
    for (const [slug, days] of [['cedar-telecom', 30], ['delta-broadband', 7], ['echo-mobile', 1]] as const) {
      const { d } = await linkOf(slug);
      const n = await t.services.db.kysely.selectFrom('delegation_notices').select('threshold_days').where('delegation_id', '=', d.id).execute();
      expect(n.map((x) => x.threshold_days), slug).toEqual([days]);
    }
    expect((await t.services.activations.settings((await linkOf('echo-mobile')).d.id)).auto_extend).toBe(false);

    // Foxtrot: renewed once by auto-extend, still active
    const fox = await linkOf('foxtrot-cable');
    expect(fox.d.status).toBe('active');
    expect(Date.parse(fox.d.ends_at) - Date.now()).toBeGreaterThan(179 * 86_400_000);
    const ext = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', fox.d.id).where('action', '=', 'delegation.auto_extended').execute();
    expect(ext).toHaveLength(1);

    // no new login printed: the summary names the same people as before
    expect(describeWorld(world)).not.toMatch(/cedar|delta|echo|foxtrot/i);
  });

  it('adds nothing when run again', { timeout: 120_000 }, async () => {
    const count = async () => (await t.services.db.kysely.selectFrom('delegation_activations').select('id').execute()).length + (await t.services.db.kysely.selectFrom('delegation_notices').select('delegation_id').execute()).length;
    const before = await count();
    await seedDemo(t.services);
    expect(await count()).toBe(before);
  });
});
