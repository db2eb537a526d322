/**
 * Two real server processes on one PostgreSQL and one Redis: a link revoked through instance 1
 * is refused by instance 2 within 1 second (the change feed's outbox + Redis fan-out), and by
 * instance 1 on the very next request. Every instance polls the outbox only every 30 s
 * (CHANGE_FEED_POLL_MS), so within the test's 1 s only the Redis fan-out can deliver a change.
 * A third, in-process instance then loses its feed subscriber's Redis connection (CLIENT KILL from
 * another connection) while a change commits: the change reaches its snapshot from the outbox as
 * soon as the subscriber reconnects, not at the next poll. Always runs on PostgreSQL + Redis:
 * without DATABASE_URL it creates a fresh database on the local server anyway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase } from '../../../src/platform/db/database.ts';
import { Redis } from 'ioredis';
import { redisFactory } from '../../../src/platform/redis.ts';
import { testConfig } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { startInstancePair, type InstancePair, until } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { inDays } from './helpers.ts';

/** far above the 1 s the tests allow: a change seen within it came through Redis, not a poll */
const POLL_MS = '30000';

let pair: InstancePair;
let one: ServerProcess;
let two: ServerProcess;
let tenant: TestTenant;
let partner: TestPartner;

beforeAll(async () => {
  pair = await startInstancePair({
    name: 'dl',
    env: { CHANGE_FEED_POLL_MS: POLL_MS },
    before: async (world) => {
      tenant = await world.tenant();
      partner = await world.partner({ capabilities: ['managed_services'] });
    },
  });
  ({ one, two } = pair);
}, 120_000);

afterAll(() => pair?.close());

describe('two instances on one PostgreSQL and one Redis', () => {
  it('refuses on instance 2 within 1 s a link revoked on instance 1', async () => {
    const owner1 = await new HttpClient(one.base).login(partner.owner.email, partner.owner.password);
    const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const admin2 = await new HttpClient(two.base).login(tenant.admin.email, tenant.admin.password);
    const staff1 = await new HttpClient(one.base).login(partner.staff.email, partner.staff.password);
    const staff2 = await new HttpClient(two.base).login(partner.staff.email, partner.staff.password);
    const context = (c: HttpClient) => c.req('GET', '/api/v1/partner/context', undefined, { 'x-active-tenant-id': tenant.id });

    // request on 1, approve on 2: the approval reaches instance 2's own snapshot and, through the feed, instance 1's
    const req = await owner1.req('POST', `/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'two instances', ends_at: inDays(30) });
    expect(req.status).toBe(201);
    const approve = await admin2.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/approve`, {});
    expect(approve.status).toBe(200);
    expect((await context(staff2)).status).toBe(200);
    const seen = await until(() => context(staff1), (r) => r.status === 200, 1000);
    expect(seen.value.status).toBe(200);
    console.log(`approval on instance 2 visible on instance 1 after ${seen.elapsed.toFixed(1)} ms`);
    expect(seen.elapsed).toBeLessThan(1000);

    // revoke on 1; instance 2 must refuse within 1 s
    const revoke = await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/revoke`, { reason: 'two-instance test' });
    expect(revoke.status).toBe(200);
    const refused = await until(() => context(staff2), (r) => r.status === 403, 1000);
    console.log(`revoke on instance 1 refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toMatchObject({ status: 403, body: { code: 'delegation_revoked' } });
    expect(refused.elapsed).toBeLessThan(1000);
    // and on instance 1, the very next request
    expect((await context(staff1)).body.code).toBe('delegation_revoked');
  });

  it('refuses on instance 2 within 1 s after a tenant admin breaks glass on instance 1', async () => {
    const owner = await new HttpClient(two.base).login(partner.owner.email, partner.owner.password);
    const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const staff2 = await new HttpClient(two.base).login(partner.staff.email, partner.staff.password);
    const req = await owner.req('POST', `/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'AUDITOR', justification: 'again', ends_at: inDays(30) });
    expect((await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/approve`, {})).status).toBe(200);
    const check = () => staff2.req('POST', '/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id });
    const allowed = await until(check, (r) => r.body.allow === true, 1000);
    expect(allowed.value.body.allow).toBe(true);
    expect(allowed.elapsed).toBeLessThan(1000);

    const bg = await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/break-glass`, { partner_id: partner.id, reason: 'incident' });
    expect(bg.body.revoked).toEqual([req.body.id]);
    const refused = await until(check, (r) => r.body.allow === false, 1000);
    console.log(`break-glass on instance 1 refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value.body).toMatchObject({ allow: false, code: 'delegation_revoked' });
    expect(refused.elapsed).toBeLessThan(1000);
  });

  it('recovers a change missed while the feed subscriber was disconnected, from the outbox, on reconnect', async () => {
    // A third instance, in this process, whose Redis connections carry a name (to find the
    // subscriber in CLIENT LIST) and reconnect only after 1.5 s, so a change can commit meanwhile.
    const name = `pgt-feed-${process.pid}-${Date.now()}`;
    const db3 = openDatabase({ databaseUrl: pair.database.databaseUrl, dataDir: pair.database.dataDir, poolSize: 2 });
    const three = await buildApp({
      config: testConfig(pair.shared, pair.database.dataDir),
      db: db3,
      redis: redisFactory(REDIS_URL, { connectionName: name, retryStrategy: () => 1500 }),
      logger: false,
    });
    await three.ready();
    const admin = new Redis(REDIS_URL);
    try {
      const owner = await new HttpClient(one.base).login(partner.owner.email, partner.owner.password);
      const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
      const req = await owner.req('POST', `/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'AUDITOR', justification: 'reconnect', ends_at: inDays(30) });
      expect((await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/approve`, {})).status).toBe(200);
      const decision = async () => three.services.authz.decide({ type: 'user', userId: partner.staff.id }, 'billing.invoices.read', { tenantId: tenant.id });
      const approved = await until(decision, (d) => d.allow, 1000);
      expect(approved.value.allow).toBe(true);

      // kill the subscriber connection of instance 3 from another connection
      const clients = ((await admin.call('CLIENT', 'LIST')) as string).split('\n').filter((l) => l.includes(`name=${name}`));
      const sub = clients.find((l) => / sub=[1-9]/.test(l));
      expect(sub, clients.join('\n')).toBeDefined();
      const id = / id=(\d+)/.exec(' ' + sub!)![1];
      const killedAt = performance.now();
      expect(await admin.call('CLIENT', 'KILL', 'ID', id)).toBe(1);

      // meanwhile, instance 1 revokes: its nudge goes out while instance 3 is not listening
      const revoke = await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/revoke`, { reason: 'reconnect test' });
      expect(revoke.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect((await decision()).allow, 'the nudge was missed while disconnected').toBe(true);

      // the subscriber reconnects (after 1.5 s) and drains the outbox: far sooner than the 30 s poll
      const refused = await until(decision, (d) => !d.allow, 10_000);
      const sinceKill = performance.now() - killedAt;
      console.log(`change missed during the outage reached instance 3 ${sinceKill.toFixed(0)} ms after the kill (reconnect after 1500 ms, poll every ${POLL_MS} ms)`);
      expect(refused.value).toMatchObject({ allow: false, code: 'delegation_revoked' });
      expect(sinceKill).toBeGreaterThanOrEqual(1400);
      expect(sinceKill).toBeLessThan(5000);
    } finally {
      admin.disconnect();
      await three.close();
      await db3.close();
    }
  });
});
