/**
 * Demo seeding never leaves half a world behind: each tenant and each partner is created in one
 * transaction, so a run that stops half-way leaves nothing the next run would skip; a link that
 * was requested but not yet approved is approved by the next run. Re-running prints the same world.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { seedDemo, type DemoWorld } from '../../../src/demo/demo.seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** An account that already holds a demo email makes the run fail right there. */
async function block(email: string): Promise<() => Promise<void>> {
  const id = await mutate(t.services.db, (trx) => t.services.identity.createUser(trx, { email, name: 'Blocker', password: null }));
  return async () => {
    await t.services.db.kysely.deleteFrom('users').where('id', '=', id).execute();
  };
}

async function canLogIn(c: { email: string; password: string }) {
  return (await new Client(t.app).post('/api/v1/auth/login', c)).status === 200;
}

describe('seed demo', () => {
  let world: DemoWorld;

  it('a run that stops inside a tenant leaves no part of it; the next run creates it whole', async () => {
    const unblock = await block('tom@acme-fiber.demo');
    await expect(seedDemo(t.services)).rejects.toBeTruthy();
    expect(await t.services.tenants.findBySlug('acme-fiber')).toBeUndefined();
    expect(await t.services.identity.findUserByEmail('alice@acme-fiber.demo')).toBeUndefined();
    await unblock();

    world = await seedDemo(t.services);
    const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
    expect(acme.bans.map((b) => b.account_number)).toEqual(['BAN-1000000001', 'BAN-1000000002']);
    const members = await t.services.tenants.listMembers(acme.id);
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual([
      ['alice@acme-fiber.demo', 'TENANT_ADMIN'],
      ['tom@acme-fiber.demo', 'TENANT_USER'],
    ]);
    expect(await canLogIn(acme.admin)).toBe(true);
    expect(await canLogIn(acme.user)).toBe(true);
    // Fabrikam MSP is in the beta of PDF invoice export, no other demo partner is
    await t.services.feed.drain();
    const pdf = world.partners.map((p) => [p.slug, t.services.authz.snapshot.featureEnabled(p.id, 'exports.pdf')]);
    expect(pdf.filter(([, on]) => on).map(([slug]) => slug)).toEqual(['fabrikam-msp']);
  });

  it('a run that stops inside a partner leaves no part of it; the next run creates it approved with its staff', async () => {
    // A second installation's worth of partner: take one away and block its staff email.
    const fresh = await startTestApp();
    try {
      const id = await mutate(fresh.services.db, (trx) => fresh.services.identity.createUser(trx, { email: 'sam@northwind.demo', name: 'Blocker', password: null }));
      await expect(seedDemo(fresh.services)).rejects.toBeTruthy();
      expect(await fresh.services.partners.findBySlug('northwind-apps')).toBeUndefined();
      expect(await fresh.services.identity.findUserByEmail('olivia@northwind.demo')).toBeUndefined();
      await fresh.services.db.kysely.deleteFrom('users').where('id', '=', id).execute();
      const w = await seedDemo(fresh.services);
      const northwind = w.partners.find((p) => p.slug === 'northwind-apps')!;
      expect(northwind.capabilities).toEqual(['delegated']);
      expect((await fresh.services.partners.getPartner(northwind.id))?.status).toBe('active');
      const members = await fresh.services.partners.listMembers(northwind.id);
      expect(members.map((m) => [m.email, m.role, m.member_status]).sort()).toEqual([
        ['olivia@northwind.demo', 'PARTNER_OWNER', 'active'],
        ['sam@northwind.demo', 'PARTNER_STAFF', 'active'],
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('a link requested but not yet approved when a run stopped is approved by the next run', async () => {
    const link = (world.delegations as { id: string; partner: string; tenant: string; status: string }[]).find((d) => d.partner === 'fabrikam-msp' && d.tenant === 'acme-fiber')!;
    expect(link.status).toBe('active');
    // The state a run leaves when it stops between the request and the approval.
    await t.services.db.kysely.updateTable('delegations').set({ status: 'requested', decided_by: null, decided_at: null }).where('id', '=', link.id).execute();
    const again = await seedDemo(t.services);
    expect((await t.services.delegations.get(link.id))?.status).toBe('active');
    expect(again).toEqual(world);
  });

  it('prints the same world on every run and changes nothing', async () => {
    const before = await t.services.audit.count();
    expect(await seedDemo(t.services)).toEqual(world);
    expect(await t.services.audit.count()).toBe(before);
  });
});
