/**
 * Audit streaming beyond one tenant: a partner's stream carries its own events and names a
 * customer's person only as the customer (no user id, address or browser; the links still verify);
 * the operator streams the whole platform; two instances sending for the same destinations at
 * once deliver each event once and in order (the lease); a backlog drains in bounded batches while
 * the audit writer keeps writing. Real syslog-over-TLS receiver on loopback. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate } from '../../../src/platform/db/database.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { AUDIT_STREAM_BATCH, AuditStreamService, verifyExport, type WireEvent } from '../../../src/modules/auditstream/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { SyslogTlsReceiver } from './receivers.ts';

let t: TestApp;
let tenant: TestTenant;
let partner: TestPartner;
let syslog: SyslogTlsReceiver;

const wire = (from: number) => syslog.messages.slice(from).map((m) => JSON.parse(m.msg) as WireEvent);

async function deliver(svc: AuditStreamService = t.services.auditStream): Promise<void> {
  await t.services.audit.seal({ wait: true });
  await svc.worker.tick();
}

beforeAll(async () => {
  t = await startTestApp({ config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '5000' } });
  tenant = await t.world.tenant();
  partner = await t.world.partner();
  syslog = await new SyslogTlsReceiver().start();
}, 120_000);
afterAll(async () => {
  await syslog?.stop();
  await t?.close();
});

describe('a partner and the operator', () => {
  it('a partner owner streams the partner’s events; a customer’s person acting on it is the customer only', async () => {
    const owner = await partner.owner.login();
    const r = await owner.post(`/api/v1/partners/${partner.id}/audit-streams`, { kind: 'syslog', name: 'Partner SIEM', address: syslog.address, ca_pem: syslog.credentials.cert });
    expect(r.status).toBe(201);
    const from = syslog.messages.length;
    // a customer's admin does something about the partner (as when approving its access)
    const customer = systemContext('customer-action', { type: 'user', userId: tenant.admin.id });
    await mutate(t.services.db, (trx) => t.services.audit.record(trx, { ...customer, ip: '198.51.100.23', userAgent: 'CustomerBrowser/1' }, { action: 'delegation.approved', tenantId: tenant.id, partnerId: partner.id, targetType: 'delegation', targetId: 'dlg_x' }));
    // and something of another partner's, which must not arrive
    const other = await t.world.partner();
    await mutate(t.services.db, (trx) => t.services.audit.record(trx, systemContext('other'), { action: 'partner.updated', partnerId: other.id }));
    await deliver();
    const got = wire(from);
    expect(got.every((e) => e.partner_id === partner.id || e.actor_partner_id === partner.id)).toBe(true);
    const approved = got.find((e) => e.action === 'delegation.approved')!;
    expect(approved).toMatchObject({ redacted: true, actor_user_id: null, ip: null, user_agent: null });
    expect(JSON.stringify(got)).not.toContain('198.51.100.23');
    expect(verifyExport({ prev_hash: got[0].org_prev_hash, events: got }).ok).toBe(true);
    // the partner's staff may not manage streaming; another partner's owner sees no such partner
    expect((await (await partner.staff.login()).get(`/api/v1/partners/${partner.id}/audit-streams`)).status).toBe(403);
  });

  it('the operator streams the whole platform', async () => {
    const op = await (await t.world.operator()).login();
    const r = await op.post('/api/v1/audit-streams', { kind: 'syslog', name: 'Platform SIEM', address: syslog.address, ca_pem: syslog.credentials.cert });
    expect(r.status).toBe(201);
    const before = syslog.messages.length;
    await t.services.tenants.createBillingAccount(systemContext('op-test'), tenant.id, { name: 'Seen by the operator' });
    await deliver();
    const platform = syslog.messages.slice(before).filter((m) => m.sd['audit@32473']?.org === 'platform');
    expect(platform.some((m) => m.msgId === 'billing_account.created')).toBe(true);
    expect((await (await tenant.admin.login()).get('/api/v1/audit-streams')).status).toBe(403);
    expect((await op.delete(`/api/v1/audit-streams/${r.body.destination.id}`)).status).toBe(204);
  });
});

describe('two instances, and a backlog', () => {
  it('two instances sending at once deliver each event once, in order, in batches of at most the bound', async () => {
    const admin = await tenant.admin.login();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/audit-streams`, { kind: 'syslog', name: 'Busy', address: syslog.address, ca_pem: syslog.credentials.cert });
    const id = r.body.destination.id as string;
    const other = new AuditStreamService({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, secretKey: t.services.config.secretKey, allowPrivateTargets: true, timeoutMs: 5000, hostname: 'second-instance', onError: (e) => { throw e; } });
    const fromBatch = syslog.batches.length;
    const from = syslog.messages.length;
    const n = AUDIT_STREAM_BATCH * 2 + 50;
    // the writer keeps writing while both instances send
    const ctx = systemContext('backlog');
    const writing = (async () => {
      for (let i = 0; i < n; i += 50) {
        await t.services.audit.recordMany(Array.from({ length: 50 }, (_, k) => ({ ctx, entry: { action: 'test.backlog', tenantId: tenant.id, details: { i: i + k } }, at: new Date() })));
        await Promise.all([deliver(), deliver(other)]);
      }
    })();
    await writing;
    for (let i = 0; i < 5; i++) await Promise.all([deliver(), deliver(other)]);
    const mine = wire(from).filter((e) => e.tenant_id === tenant.id && e.action === 'test.backlog');
    // each once, though both instances sent for the destination
    const ids = mine.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids).size).toBe(n);
    const status = await admin.get(`/api/v1/tenants/${tenant.id}/audit-streams/${id}`);
    expect(status.body).toMatchObject({ backlog: 0, last_error: null });
    expect(Math.max(...syslog.batches.slice(fromBatch))).toBeLessThanOrEqual(AUDIT_STREAM_BATCH);
    // in order and linked one to the next: this is the only destination of the tenant on this receiver
    const stream = syslog.messages.slice(from).filter((m) => m.sd['audit@32473']?.org === `tenant:${tenant.id}`).map((m) => JSON.parse(m.msg) as WireEvent);
    for (let i = 1; i < stream.length; i++) {
      expect(stream[i].org_prev_hash).toBe(stream[i - 1].hash);
      expect(stream[i].chain_seq).toBeGreaterThan(stream[i - 1].chain_seq);
    }
    await other.stop();
  }, 120_000);
});
