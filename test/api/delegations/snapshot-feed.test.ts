/**
 * The decision snapshot follows the database through the change feed, for every entity kind it
 * holds (user, partner, tenant, billing_account, delegation), and a change committed after the
 * snapshot loaded but before the feed started is replayed, not lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { ChangeFeed } from '../../../src/platform/events/change-feed.ts';
import { AuthzService } from '../../../src/modules/authz/index.ts';
import { activeLink, inDays } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const decideOf = (userId: string, action: string, tenantId: string, ban?: string) => t.services.authz.decide({ type: 'user', userId }, action, { tenantId, ban });

describe('the snapshot follows every entity kind', () => {
  it('user: a disabled account is refused, a re-enabled one allowed', async () => {
    const tenant = await t.world.tenant();
    const op = await (await t.world.operator()).login();
    expect(decideOf(tenant.user.id, 'billing.invoices.read', tenant.id).allow).toBe(true);
    expect((await op.post(`/api/v1/users/${tenant.user.id}/disable`)).status).toBe(200);
    await t.services.feed.drain();
    expect(decideOf(tenant.user.id, 'billing.invoices.read', tenant.id).code).toBe('user_inactive');
    expect((await op.post(`/api/v1/users/${tenant.user.id}/enable`)).status).toBe(200);
    await t.services.feed.drain();
    expect(decideOf(tenant.user.id, 'billing.invoices.read', tenant.id).allow).toBe(true);
  });

  it('user: tenant membership and role changes, partner membership deactivation', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner();
    const admin = await tenant.admin.login();
    const owner = await partner.owner.login();
    await activeLink(owner, admin, partner.id, tenant);
    expect(decideOf(tenant.user.id, 'tenant.members.manage', tenant.id).code).toBe('permission_denied');
    await admin.patch(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' });
    await t.services.feed.drain();
    expect(decideOf(tenant.user.id, 'tenant.members.manage', tenant.id).allow).toBe(true);

    expect(decideOf(partner.staff.id, 'orders.read', tenant.id).allow).toBe(true);
    expect((await owner.patch(`/api/v1/partners/${partner.id}/members/${partner.staff.id}`, { status: 'inactive' })).status).toBe(204);
    await t.services.feed.drain();
    expect(decideOf(partner.staff.id, 'orders.read', tenant.id).code).toBe('partner_membership_inactive');
  });

  it('partner: capabilities and feature toggles', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services', 'referral'] });
    await activeLink(await partner.owner.login(), await tenant.admin.login(), partner.id, tenant);
    const op = await (await t.world.operator()).login();
    expect((await op.patch(`/api/v1/partners/${partner.id}/feature-toggles`, { feature_toggles: { orders: false } })).status).toBe(200);
    await t.services.feed.drain();
    expect(decideOf(partner.staff.id, 'orders.create', tenant.id).code).toBe('feature_disabled');
    expect(decideOf(partner.staff.id, 'billing.invoices.read', tenant.id).allow).toBe(true);
    expect((await op.put(`/api/v1/partners/${partner.id}/capabilities`, { capabilities: ['referral'] })).status).toBe(200);
    await t.services.feed.drain();
    expect(decideOf(partner.staff.id, 'billing.invoices.read', tenant.id).code).toBe('partner_capability_missing');
  });

  it('tenant and billing_account: a suspended tenant, a new BAN', async () => {
    const tenant = await t.world.tenant({ bans: 1 });
    const admin = await tenant.admin.login();
    const ban = await admin.post(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'New one', account_number: `BAN-NEW-${Date.now()}` });
    expect(ban.status).toBe(201);
    await t.services.feed.drain();
    expect(decideOf(tenant.admin.id, 'billing.invoices.read', tenant.id, ban.body.account_number).allow).toBe(true);
    const op = await (await t.world.operator()).login();
    await op.patch(`/api/v1/tenants/${tenant.id}`, { status: 'suspended' });
    await t.services.feed.drain();
    expect(decideOf(tenant.admin.id, 'billing.invoices.read', tenant.id).code).toBe('tenant_inactive');
  });
});

describe('loading the snapshot and starting the feed', () => {
  it('replays what committed after the load and before the feed started', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner();
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', endsAt: inDays(30), status: 'active' });

    // a second instance on the same database: read the head, load, (a change commits), start
    const feed = new ChangeFeed({ db: t.services.db, pollIntervalMs: 60_000 });
    const authz = new AuthzService({ db: t.services.db, feed, clock: t.services.clock, roles: t.services.roles });
    const head = await feed.head();
    await authz.load();
    const principal = { type: 'user' as const, userId: partner.staff.id };
    expect(authz.decide(principal, 'orders.read', { tenantId: tenant.id }).allow).toBe(true);
    await mutate(t.services.db, async (trx) => {
      await trx.updateTable('delegations').set({ status: 'revoked' }).where('id', '=', d.id).execute();
      await t.services.feed.record(trx, 'delegation', d.id);
    });
    await feed.start(head);
    try {
      expect(authz.decide(principal, 'orders.read', { tenantId: tenant.id }).code).toBe('delegation_revoked');
    } finally {
      authz.stop();
      await feed.stop();
    }
  });

  it('expires lapsed delegations in the database (audited), which the engine already refused by time', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner();
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', endsAt: inDays(1), status: 'active' });
    const later = Date.now() + 2 * 86_400_000;
    expect(t.services.authz.decide({ type: 'user', userId: partner.staff.id }, 'orders.read', { tenantId: tenant.id }, later).code).toBe('delegation_expired');
    // move the stored end into the past, as time would
    await mutate(t.services.db, async (trx) => {
      await trx.updateTable('delegations').set({ ends_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', d.id).execute();
    });
    expect(await t.services.delegations.expireLapsed(t.world.ctx)).toBeGreaterThanOrEqual(1);
    expect((await t.services.delegations.get(d.id)).status).toBe('expired');
    const events = await t.services.audit.list({ action: 'delegation.expired', targetId: d.id, limit: 5 });
    expect(events.data).toHaveLength(1);
    expect(events.data[0]).toMatchObject({ tenant_id: tenant.id, partner_id: partner.id });
    expect(t.services.authz.decide({ type: 'user', userId: partner.staff.id }, 'orders.read', { tenantId: tenant.id }).code).toBe('delegation_expired');
  });
});

describe('a writer waits for its own change, not for the feed to go idle', () => {
  it('a kick settles once a pass that began after it has run, while later writers still queue passes', async () => {
    const feed = new ChangeFeed({ db: t.services.db });
    const seen: string[] = [];
    // each pass holds in the handler until the test lets it go, like a slow re-read under load
    const gates: (() => void)[] = [];
    const entered: (() => void)[] = [];
    const enteredPass = (n: number) => new Promise<void>((res) => (entered[n] = res));
    const passEntered = [enteredPass(0), enteredPass(1), enteredPass(2)];
    let pass = 0;
    feed.subscribe(async (events) => {
      const n = pass++;
      seen.push(...events.map((e) => e.entityId));
      entered[n]?.();
      await new Promise<void>((res) => (gates[n] = res));
    });
    const write = (id: string) => mutate(t.services.db, (trx) => feed.record(trx, 'probe', id));
    await feed.start();
    try {
      await write('a');
      const first = feed.kick();
      await passEntered[0];
      await write('b');
      const second = feed.kick();
      await write('c');
      expect(feed.kick()).toBe(second); // not started yet: both writers share the next pass
      gates[0]();
      await first;
      await passEntered[1];
      expect(seen).toEqual(['a', 'b', 'c']);
      // a writer that commits during the second pass queues a third one…
      await write('d');
      const third = feed.kick();
      gates[1]();
      // …and the second pass's writers are answered without waiting for it
      const settled = await Promise.race([second.then(() => 'second settled'), passEntered[2].then(() => 'third pass ran first')]);
      expect(settled).toBe('second settled');
      await passEntered[2];
      gates[2]();
      await third;
      expect(seen).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      for (const g of gates) g?.();
      await feed.stop();
    }
  });
});

describe('the consumers of a pass', () => {
  // only this test's own changes count (the app's background jobs may record others meanwhile)
  const probes = (events: { entity: string; entityId: string }[]) => events.filter((e) => e.entity === 'probe').map((e) => e.entityId);
  it('re-read side by side: a slow one does not hold the others, and the pass ends when the last has its batch', async () => {
    // no poll: only the kicks below run passes
    const feed = new ChangeFeed({ db: t.services.db, pollIntervalMs: 3_600_000 });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    let quickGot!: () => void;
    const quick = new Promise<void>((res) => (quickGot = res));
    feed.subscribe(async (events) => {
      if (probes(events).length === 0) return;
      order.push(`slow got ${probes(events).join()}`);
      await held;
      order.push('slow done');
    });
    feed.subscribe((events) => {
      if (probes(events).length === 0) return;
      order.push(`quick got ${probes(events).join()}`);
      quickGot();
    });
    await feed.start();
    try {
      await mutate(t.services.db, (trx) => feed.record(trx, 'probe', 'side-by-side'));
      const kicked = feed.kick();
      await quick;
      // the quick consumer has the batch while the slow one is still reading its own
      expect(order).toEqual(['slow got side-by-side', 'quick got side-by-side']);
      expect(await Promise.race([kicked.then(() => 'settled'), Promise.resolve('waiting')])).toBe('waiting');
      release();
      await kicked;
      expect(order.at(-1)).toBe('slow done');
    } finally {
      release();
      await feed.stop();
    }
  });

  it('a consumer that fails gets the batch again on the next pass, and so does every other', async () => {
    const errors: unknown[] = [];
    const feed = new ChangeFeed({ db: t.services.db, pollIntervalMs: 3_600_000, onError: (e) => errors.push(e) });
    const failing: string[] = [];
    const other: string[] = [];
    let fail = true;
    feed.subscribe(async (events) => {
      if (probes(events).length === 0) return;
      failing.push(...probes(events));
      if (fail) {
        fail = false;
        throw new Error('the database went away mid-read');
      }
    });
    feed.subscribe(async (events) => {
      other.push(...probes(events));
    });
    await feed.start();
    try {
      await mutate(t.services.db, (trx) => feed.record(trx, 'probe', 'again'));
      await feed.kick();
      expect(errors).toHaveLength(1);
      await feed.drain();
      expect(failing).toEqual(['again', 'again']);
      expect(other).toEqual(['again', 'again']);
      await feed.drain();
      expect(other).toEqual(['again', 'again']);
    } finally {
      await feed.stop();
    }
  });
});
