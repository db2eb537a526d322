/**
 * Webhooks end to end: a tenant admin registers an endpoint (secret shown once), a partner asks
 * for access, and a real HTTP receiver gets the event signed per Standard Webhooks (checked with
 * the standardwebhooks verifier); failures (500s, timeouts) are retried with exponential backoff
 * on a manual clock; redelivery and the test ping; an endpoint that keeps failing is turned off
 * and its owners are told; private addresses are refused unless the operator allows them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../../src/platform/clock.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { requestLink } from '../delegations/helpers.ts';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let receiver: Server;
let base: string;
const received: Received[] = [];
/** per path: answers to give, in order (then 204); 'hang' never answers */
const script = new Map<string, (number | 'hang')[]>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = script.get(path)?.shift() ?? 204;
      if (next === 'hang') return;
      res.writeHead(next).end(next >= 300 ? 'not now' : '');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => {
  receiver.closeAllConnections();
  receiver.close();
});

// real time to start with: the standardwebhooks verifier checks the signed timestamp against its own clock (±5 min)
const clock = new ManualClock(Date.now());
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_DISABLE_AFTER_FAILURES: '3' } });
});
afterAll(async () => {
  await t?.close();
});

const at = (p: string) => received.filter((r) => r.path === p);

async function setup(path: string, types = ['delegation.requested']) {
  const tenant = await t.world.tenant();
  const partner = await t.world.partner({ capabilities: ['managed_services'] });
  const admin = await tenant.admin.login();
  const r = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `${base}${path}`, description: 'Our ticketing system', event_types: types });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { tenant, partner, admin, endpoint: r.body.endpoint as { id: string }, secret: r.body.secret as string };
}

describe('delivering an event', () => {
  it('a link request reaches the tenant’s endpoint signed (verified with standardwebhooks), logged, and the admin’s bell counts it', async () => {
    const { tenant, partner, admin, endpoint, secret } = await setup('/ok');
    expect(secret).toMatch(/^whsec_/);
    // the secret is shown once: never in a list or a read
    const list = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks`);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.data[0]).toMatchObject({ description: 'Our ticketing system', event_types: ['delegation.requested'], status: 'active' });

    const owner = await partner.owner.login();
    const d = await requestLink(owner, partner.id, { tenant_slug: tenant.slug, justification: 'we run your network' });
    await t.services.notifications.worker.tick();

    const got = at('/ok');
    expect(got).toHaveLength(1);
    const payload = new Webhook(secret).verify(got[0].body, got[0].headers as Record<string, string>) as { type: string; version: number; data: Record<string, any> };
    expect(payload.type).toBe('delegation.requested');
    expect(payload.version).toBe(1);
    expect(payload.data.delegation).toMatchObject({ id: d.id, status: 'requested', role: 'MSP_FULL' });
    expect(payload.data.partner.name).toBe(partner.name);
    expect(payload.data.tenant.name).toBe(tenant.name);
    expect(payload.data.reason).toBe('we run your network');
    expect(got[0].headers['webhook-id']).toMatch(/^msg_/);
    // another secret does not verify it
    expect(() => new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(got[0].body, got[0].headers as Record<string, string>)).toThrow();

    const log = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/deliveries`);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({ event_type: 'delegation.requested', status: 'succeeded', attempts: 1, last_status_code: 204, kind: 'event' });
    expect(log.body.data[0].last_latency_ms).toBeGreaterThanOrEqual(0);

    // the bell: one unread notice, and one link request waiting at this tenant
    const counts = await admin.get('/api/v1/me/notifications/counts');
    expect(counts.body.unread).toBe(1);
    expect(counts.body.waiting).toEqual([expect.objectContaining({ kind: 'link_requests', count: 1, tenant_id: tenant.id, link: `/tenant/${tenant.id}/partners` })]);
    expect(counts.body.waiting[0].label).toContain(tenant.name);
    const notes = await admin.get('/api/v1/me/notifications');
    expect(notes.body.data[0].title).toBe(`${partner.name} asks for access to ${tenant.name}`);
    const read = await admin.post('/api/v1/me/notifications/read', { ids: [notes.body.data[0].id] });
    expect(read.body.marked).toBe(1);
    expect((await admin.get('/api/v1/me/notifications/counts')).body.unread).toBe(0);

    // the partner side is not told about its own request, and cannot see the tenant's endpoints
    const theirs = (await owner.get('/api/v1/me/notifications')).body.data as { type: string }[];
    expect(theirs.map((n) => n.type)).not.toContain('delegation.requested');
    expect((await owner.get(`/api/v1/tenants/${tenant.id}/webhooks`)).status).toBe(404);
    // a tenant user (not an admin) may not manage webhooks
    const user = await tenant.user.login();
    expect((await user.get(`/api/v1/tenants/${tenant.id}/webhooks`)).status).toBe(403);

    // a second tick sends nothing again
    await t.services.notifications.worker.tick();
    expect(at('/ok')).toHaveLength(1);
  });

  it('a 500 and a timeout are retried with exponential backoff (30 s, then 2 min), until the endpoint answers', async () => {
    script.set('/flaky', [500, 'hang']);
    const { tenant, admin, endpoint, secret } = await setup('/flaky', ['*']);
    const ping = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body.delivery).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'answered 500' });
    expect(at('/flaky')).toHaveLength(1);
    expect(ping.body.delivery.next_attempt_at).toBe(new Date(clock.nowMs() + 30_000).toISOString());

    clock.advance(29_000);
    await t.services.notifications.worker.tick();
    expect(at('/flaky')).toHaveLength(1); // not due yet
    clock.advance(1_000);
    await t.services.notifications.worker.tick(); // second attempt: no answer within the timeout
    expect(at('/flaky')).toHaveLength(2);
    const id = ping.body.delivery.id as string;
    let one = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/deliveries/${id}`);
    expect(one.body.delivery).toMatchObject({ status: 'pending', attempts: 2, last_status_code: null });
    expect(one.body.delivery.last_error).toMatch(/^timeout/);
    expect(one.body.delivery.next_attempt_at).toBe(new Date(clock.nowMs() + 120_000).toISOString());

    clock.advance(119_000);
    await t.services.notifications.worker.tick();
    expect(at('/flaky')).toHaveLength(2);
    clock.advance(1_000);
    await t.services.notifications.worker.tick();
    expect(at('/flaky')).toHaveLength(3);
    one = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/deliveries/${id}`);
    expect(one.body.delivery).toMatchObject({ status: 'succeeded', attempts: 3, last_status_code: 204, next_attempt_at: null });
    expect(one.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'failed', 'succeeded']);
    // every attempt carries the same webhook-id, freshly signed
    const ids = new Set(at('/flaky').map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of at('/flaky')) expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    expect((JSON.parse(at('/flaky')[2].body) as { type: string }).type).toBe('webhook.test');
  });

  it('redelivery sends the same message again (same webhook-id) as a new entry of the log', async () => {
    const { tenant, admin, endpoint } = await setup('/again');
    const ping = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/ping`);
    expect(ping.body.delivery.status).toBe('succeeded');
    const again = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/deliveries/${ping.body.delivery.id}/redeliver`);
    expect(again.status).toBe(200);
    expect(again.body.delivery).toMatchObject({ kind: 'redelivery', status: 'succeeded', attempts: 1 });
    expect(at('/again')).toHaveLength(2);
    expect(at('/again')[0].headers['webhook-id']).toBe(at('/again')[1].headers['webhook-id']);
    const log = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/deliveries`);
    expect(log.body.data.map((d: { kind: string }) => d.kind)).toEqual(['redelivery', 'ping']);
    // another tenant's delivery id answers like a missing one
    const other = await setup('/other');
    const cross = await other.admin.post(`/api/v1/tenants/${other.tenant.id}/webhooks/${other.endpoint.id}/deliveries/${ping.body.delivery.id}/redeliver`);
    expect(cross.status).toBe(404);
    expect(cross.body.code).toBe('webhook_delivery_not_found');
  });

  it('an endpoint failing 3 times in a row is turned off, its owners are told, and it can be turned back on', async () => {
    script.set('/down', [500, 500, 500, 500]);
    const { tenant, admin, endpoint } = await setup('/down', ['*']);
    await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/ping`);
    clock.advance(30_000);
    await t.services.notifications.worker.tick();
    clock.advance(120_000);
    await t.services.notifications.worker.tick();
    expect(at('/down')).toHaveLength(3);
    const ep = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}`);
    expect(ep.body).toMatchObject({ status: 'disabled', consecutive_failures: 3 });
    expect(ep.body.disabled_reason).toContain('failed 3 times in a row');
    // nothing more is sent while it is off
    clock.advance(600_000);
    await t.services.notifications.worker.tick();
    expect(at('/down')).toHaveLength(3);
    const notes = await admin.get('/api/v1/me/notifications');
    expect(notes.body.data[0]).toMatchObject({ type: 'webhook.endpoint_disabled', title: 'A webhook endpoint was turned off' });
    expect(notes.body.data[0].body).toContain('Our ticketing system');
    const ping = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}/ping`);
    expect(ping.status).toBe(409);
    expect(ping.body.code).toBe('webhook_endpoint_disabled');
    // turned back on: the waiting delivery goes out
    const on = await admin.patch(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}`, { status: 'active' });
    expect(on.body).toMatchObject({ status: 'active', consecutive_failures: 0, disabled_reason: null });
    await t.services.notifications.worker.tick();
    expect(at('/down')).toHaveLength(4);
    // every change is in the tenant's audit log, without the secret
    const audit = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?limit=200`);
    const actions = (audit.body.data as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['webhook_endpoint.created', 'webhook_endpoint.pinged', 'webhook_endpoint.disabled', 'webhook_endpoint.updated']));
    expect(JSON.stringify(audit.body)).not.toContain('whsec_');
  });

  it('bad input answers problem+json with a stable code', async () => {
    const { tenant, admin, endpoint } = await setup('/x');
    const unknown = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `${base}/x`, event_types: ['delegation.exploded'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('webhook_event_type_unknown');
    const ftp = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: 'ftp://example.com/x', event_types: ['*'] });
    expect(ftp.body.code).toBe('webhook_url_not_allowed');
    const extra = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `${base}/x`, event_types: ['*'], secret: 'mine' });
    expect(extra.body.code).toBe('validation_failed');
    const missing = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/whk_01jd9x0a8q4m7w2k3v5b6c8d9e`);
    expect(missing.status).toBe(404);
    const del = await admin.delete(`/api/v1/tenants/${tenant.id}/webhooks/${endpoint.id}`);
    expect(del.status).toBe(204);
  });
});

describe('the job mechanism', () => {
  it('workers running at once send each due delivery exactly once, and fan each event out once', async () => {
    const { tenant } = await setup('/many', ['invitation.sent']);
    const s = t.services;
    await asSystem(() =>
      mutate(s.db, async (trx) => {
        for (let i = 0; i < 30; i++) {
          await s.notifications.outbox.emit(trx, {
            type: 'invitation.sent',
            tenantId: tenant.id,
            data: { invitation: { id: `inv_${i}`, email: `p${i}@example.com`, role: 'TENANT_USER' }, organization: { type: 'tenant', id: tenant.id, name: tenant.name }, actor: { user_id: null, name: null } },
          });
        }
      }),
    );
    await Promise.all([s.notifications.worker.tick(), s.notifications.worker.tick(), s.notifications.worker.tick()]);
    await s.notifications.worker.tick();
    const got = at('/many');
    expect(got).toHaveLength(30);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(30);
  });

  it('a delivery claimed by an instance that died is sent once its claim lapses (the queue survives a restart)', async () => {
    const { tenant, admin, endpoint } = await setup('/orphan', ['invitation.sent']);
    await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: `orphan-${Date.now()}@example.com`, role: 'TENANT_USER' });
    // fan out, then claim as a crashed instance would: a lease, no send
    await t.services.notifications.worker.dispatchEvents();
    const lease = new Date(clock.nowMs() + 60_000).toISOString();
    await asSystem(() => t.services.db.kysely.updateTable('webhook_deliveries').set({ locked_until: lease }).where('endpoint_id', '=', endpoint.id).execute());
    await t.services.notifications.worker.tick();
    expect(at('/orphan')).toHaveLength(0);
    clock.advance(60_000);
    await t.services.notifications.worker.tick();
    expect(at('/orphan')).toHaveLength(1);
  });
});

describe('SSRF', () => {
  let guarded: TestApp;
  beforeAll(async () => {
    guarded = await startTestApp({ clock });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it('without the operator’s permission, private, loopback and reserved addresses are refused', async () => {
    const tenant = await guarded.world.tenant();
    const admin = await tenant.admin.login();
    for (const url of [`${base}/ok`, 'http://localhost:9000/hook', 'http://10.1.2.3/hook', 'http://[::1]:8080/x', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]/x']) {
      const r = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url, event_types: ['*'] });
      expect(r.status, url).toBe(400);
      expect(r.body.code, url).toBe('webhook_url_not_allowed');
    }
    expect(received.filter((r) => r.path === '/ok')).toHaveLength(1); // only the first test's delivery
  });
});
