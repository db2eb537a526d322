/**
 * Where a webhook may be sent (server-side request forgery): with private targets not allowed, a
 * URL whose host is this machine or any special-purpose address — in whatever spelling — is
 * refused when an endpoint is registered or changed (400 webhook_url_not_allowed, pointing at the
 * url), and a delivery is refused in the connection when the name resolves to such an address or
 * the stored URL names one. With private targets allowed, the same URLs are taken.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { isBlockedAddress } from '../../../src/platform/outbound/outbound-http.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let receiver: Server;
let port: number;
const heard: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    heard.push(req.url ?? '/');
    res.writeHead(204).end();
  });
  // every address of this machine, IPv4 and IPv6: a delivery that got through would be heard
  await new Promise<void>((r) => receiver.listen(0, '::', r));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => {
  receiver.closeAllConnections();
  receiver.close();
});

const clock = new ManualClock(Date.now());
let guarded: TestApp;
let open: TestApp;
beforeAll(async () => {
  guarded = await startTestApp({ clock, config: { WEBHOOK_TIMEOUT_MS: '1000' } });
  open = await startTestApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await guarded?.close();
  await open?.close();
});

const REFUSED = ['http://[::127.0.0.1]/', 'http://[::ffff:127.0.0.1]/', 'http://localhost./', 'http://LOCALHOST/', 'http://127.1/', 'http://0x7f000001/', 'http://[64:ff9b::10.0.0.1]/'];

describe('registering an endpoint', () => {
  it.each(REFUSED)('%s is refused: 400 webhook_url_not_allowed at /url', async (url) => {
    const tenant = await guarded.world.tenant();
    const admin = await tenant.admin.login();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url, event_types: ['*'] });
    expect([r.status, r.body.code], url).toEqual([400, 'webhook_url_not_allowed']);
    expect(r.body.errors).toEqual([expect.objectContaining({ pointer: '/url' })]);
    const list = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks`);
    expect(list.body.data).toHaveLength(0);
  });

  it('changing an endpoint’s URL to such an address is refused the same way, and the URL stays', async () => {
    const tenant = await guarded.world.tenant();
    const admin = await tenant.admin.login();
    const made = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: 'https://hooks.example.com/in', event_types: ['*'] });
    expect(made.status).toBe(201);
    for (const url of ['http://[::127.0.0.1]:8080/x', 'http://Localhost.:9000/']) {
      const r = await admin.patch(`/api/v1/tenants/${tenant.id}/webhooks/${made.body.endpoint.id}`, { url });
      expect([r.status, r.body.code], url).toEqual([400, 'webhook_url_not_allowed']);
      expect(r.body.errors[0].pointer).toBe('/url');
    }
    const one = await admin.get(`/api/v1/tenants/${tenant.id}/webhooks/${made.body.endpoint.id}`);
    expect(one.body.url).toBe('https://hooks.example.com/in');
  });

  it('with private targets allowed by the operator, the same URLs are taken', async () => {
    const tenant = await open.world.tenant();
    const admin = await tenant.admin.login();
    for (const url of REFUSED) {
      const r = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url, event_types: ['*'] });
      expect(r.status, url).toBe(201);
    }
  });
});

describe('delivering', () => {
  it('a name that looks public but resolves to this machine is refused when dialled, and nothing is sent', async () => {
    const name = hostname();
    const { address } = await lookup(name);
    expect(isBlockedAddress(address), `${name} → ${address}`).toBe(true);
    const tenant = await guarded.world.tenant();
    const admin = await tenant.admin.login();
    const made = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `http://${name}:${port}/rebind`, event_types: ['*'] });
    expect(made.status).toBe(201); // the name passes registration: only its address tells
    const ping = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${made.body.endpoint.id}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body.delivery).toMatchObject({ attempts: 1, last_status_code: null });
    expect(ping.body.delivery.last_error).toMatch(/^address_not_allowed: .*loopback/);
    expect(heard.filter((p) => p === '/rebind')).toHaveLength(0);
  });

  it('a stored URL naming an IPv4-compatible or IPv4-mapped loopback address is refused at delivery, not dialled', async () => {
    const tenant = await guarded.world.tenant();
    const admin = await tenant.admin.login();
    const made = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: 'https://hooks.example.com/in', event_types: ['*'] });
    expect(made.status).toBe(201);
    for (const url of [`http://[::127.0.0.1]:${port}/compat`, `http://[::ffff:127.0.0.1]:${port}/mapped`]) {
      // as if registered under an earlier, looser rule
      await asSystem(() => guarded.services.db.kysely.updateTable('webhook_endpoints').set({ url }).where('id', '=', made.body.endpoint.id).execute());
      const ping = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${made.body.endpoint.id}/ping`);
      expect(ping.status).toBe(200);
      expect(ping.body.delivery.last_error, url).toMatch(/^address_not_allowed: /);
    }
    expect(heard.filter((p) => p === '/compat' || p === '/mapped')).toHaveLength(0);
  });

  it('with private targets allowed, the name that resolves to this machine is called', async () => {
    const tenant = await open.world.tenant();
    const admin = await tenant.admin.login();
    const made = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `http://${hostname()}:${port}/allowed`, event_types: ['*'] });
    const ping = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${made.body.endpoint.id}/ping`);
    expect(ping.body.delivery).toMatchObject({ status: 'succeeded', last_status_code: 204 });
    expect(heard.filter((p) => p === '/allowed')).toHaveLength(1);
  });
});
