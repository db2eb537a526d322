/**
 * The gateway writes access events in batches, off the response path. When the database stops
 * taking them, the events wait in memory — up to GATEWAY_AUDIT_BACKLOG; past it the gateway
 * refuses (503 audit_backlog_full) rather than serve requests nobody will see in the access log,
 * and serves again once the backlog is written.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { consentClaims, consentedApp, gw, mintToken } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  // Flushed by the test only: a timer flush between the requests below (a busy machine) would
  // split the waiting group in two and make the count this test reads depend on timing.
  t = await startTestApp({ config: { GATEWAY_AUDIT_BACKLOG: '3', GATEWAY_AUDIT_FLUSH_MS: '600000' } });
});
afterAll(() => t.close());

describe('audit backlog', () => {
  it('fails closed when access events cannot be written, and recovers when they can', async () => {
    const tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant });
    const token = await mintToken(t, consentClaims(a, tenant));
    const db = t.testDb.owner.kysely; // DDL: the schema owner's
    // Without the events table every batch fails and is kept (on PostgreSQL an append reads no
    // chain head any more: the sealer chains events after they are written).
    await sql`alter table audit_events rename to audit_events_away`.execute(db);
    try {
      for (let i = 0; i < 3; i++) expect((await gw(t, 'GET', '/resources/v1/orders', { token })).status).toBe(200);
      await t.services.gateway.auditBuffer.flush();
      expect(t.services.gateway.auditBuffer.pending).toBe(3);
      const refused = await gw(t, 'GET', '/resources/v1/orders', { token });
      expect([refused.status, refused.body.code]).toEqual([503, 'audit_backlog_full']);
      expect(refused.headers['retry-after']).toBe('5');
    } finally {
      await sql`alter table audit_events_away rename to audit_events`.execute(db);
    }
    await t.services.gateway.auditBuffer.flush();
    expect(t.services.gateway.auditBuffer.pending).toBe(0);
    expect((await gw(t, 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    await t.services.gateway.auditBuffer.flush();
    const events = await t.services.audit.list({ tenantId: tenant.id, action: 'gateway.request', limit: 10 });
    // the three requests that waited are one grouped event; the one after recovery another
    expect(events.data.map((e) => [e.outcome, JSON.parse(e.details).count])).toEqual([
      ['success', 1],
      ['success', 3],
    ]);
    expect((await t.services.audit.verify()).ok).toBe(true);
  });
});
