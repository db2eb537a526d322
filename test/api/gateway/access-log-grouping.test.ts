/**
 * The tenant's access log records every cross-tenant request. Requests that differ only in time,
 * request id, path and address (same party, tenant, billing account, route, decision, status)
 * within one flush interval are one event that lists each of them — so a busy partner costs one
 * row per interval, not one per request, and no request goes unrecorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { AuditBuffer, MAX_GROUPED_REQUESTS } from '../../../src/modules/audit/audit.service.ts';
import { consentClaims, consentedApp, gw, mintToken } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { GATEWAY_AUDIT_FLUSH_MS: '600000' } }); // flushed by the test only
});
afterAll(() => t.close());

async function accessLog(tenantId: string) {
  await t.services.gateway.auditBuffer.flush();
  const r = await t.services.audit.list({ tenantId, action: 'gateway.request', limit: 100 });
  return r.data.map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, any> }));
}

describe('grouped access events', () => {
  it('lists every request of a group, and keeps different routes, decisions and statuses apart', async () => {
    const tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant, scopes: ['orders.read'] });
    const token = await mintToken(t, consentClaims(a, tenant));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-request-id': `req-group-${i}` } });
      expect(r.status).toBe(200);
      ids.push(`req-group-${i}`);
    }
    expect((await gw(t, 'GET', '/resources/v1/invoices', { token })).status).toBe(403); // scope: a denial, its own event
    expect((await gw(t, 'GET', '/resources/v1/orders/ord_00000000000000000000000000', { token })).status).toBe(404);

    const log = await accessLog(tenant.id);
    expect(log).toHaveLength(3);
    const orders = log.find((e) => e.target_id === 'GET /resources/v1/orders')!;
    expect(orders).toMatchObject({ outcome: 'success', request_id: 'req-group-0', partner_id: a.partner.id });
    expect(orders.details).toMatchObject({ count: 5, status: 200, decision: 'allowed', delegation_id: a.delegationId });
    expect(orders.details.requests.map((r: { request_id: string }) => r.request_id)).toEqual(ids);
    expect(orders.details.requests[0]).toMatchObject({ path: '/resources/v1/orders' });
    expect(Date.parse(orders.details.last_at)).toBeGreaterThanOrEqual(Date.parse(orders.details.first_at));
    const denied = log.find((e) => e.target_id === 'GET /resources/v1/invoices')!;
    expect(denied).toMatchObject({ outcome: 'denied' });
    expect(denied.details).toMatchObject({ count: 1, status: 403, decision: 'permission_denied' });
    const missing = log.find((e) => e.target_id === 'GET /resources/v1/orders/:order_id')!;
    expect(missing.details).toMatchObject({ count: 1, status: 404, requests: [{ path: '/resources/v1/orders/ord_00000000000000000000000000' }] });
    expect((await t.services.audit.verify()).ok).toBe(true);
  });

  it('says which billing accounts each access covered, and keeps tokens for other accounts apart', async () => {
    const tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant, scopes: ['orders.read'] });
    const first = await mintToken(t, consentClaims(a, tenant));
    expect((await gw(t, 'GET', '/resources/v1/orders', { token: first })).status).toBe(200);
    expect((await gw(t, 'GET', `/resources/v1/orders?ban=${tenant.bans[0].account_number}`, { token: first })).status).toBe(200);
    const log = await accessLog(tenant.id);
    expect(log).toHaveLength(2);
    // no account named: the event records the one the consent covers, as its billing account too
    const unnamed = log.find((e) => e.details.requests[0].path === '/resources/v1/orders' && e.details.count === 1 && e.ban === tenant.bans[0].id)!;
    expect(unnamed.details.bans).toEqual([tenant.bans[0].id]);
    const named = log.find((e) => e !== unnamed)!;
    expect(named).toMatchObject({ ban: tenant.bans[0].account_number });
    expect(named.details.bans).toEqual([tenant.bans[0].id]);
  });

  it(`starts a new event after ${MAX_GROUPED_REQUESTS} requests of one group`, async () => {
    const tenant = await t.world.tenant();
    // a buffer of its own that flushes only when told (the app's flushes every 250 ms)
    const buffer = new AuditBuffer(t.services.audit, t.services.clock, { flushIntervalMs: 3_600_000, maxBatch: 10_000 });
    const n = MAX_GROUPED_REQUESTS + 3;
    const ctx = { requestId: 'req-cap-0', ip: '10.0.0.1', userAgent: 'test', actor: { type: 'app' as const, userId: null, partnerId: null, clientId: 'app_x', agencyId: null } };
    for (let i = 0; i < n; i++) {
      buffer.pushGrouped('same', { at: Date.now(), request_id: `req-cap-${i}`, path: '/resources/v1/context', ip: '10.0.0.1' }, () => ({
        ctx,
        entry: { action: 'gateway.request', tenantId: tenant.id, targetType: 'route', targetId: 'GET /resources/v1/context', details: { status: 200 } },
      }));
    }
    expect(buffer.pending).toBe(n);
    await buffer.close();
    expect(buffer.pending).toBe(0);
    const log = await accessLog(tenant.id);
    expect(log.map((e) => e.details.count).sort((x, y) => x - y)).toEqual([3, MAX_GROUPED_REQUESTS]);
    expect(new Set(log.flatMap((e) => e.details.requests.map((r: { request_id: string }) => r.request_id))).size).toBe(n);
  });
});
