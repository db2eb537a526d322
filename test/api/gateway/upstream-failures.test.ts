/**
 * When the upstream fails, after the pipeline admitted the request: 502 upstream_unavailable when
 * nothing answers on its address, 504 upstream_timeout when it takes the request and never
 * answers (GATEWAY_UPSTREAM_TIMEOUT_MS) — both problem+json, both in the tenant's access log.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { apiToken, gw, link } from './helpers.ts';

const apps: TestApp[] = [];
const servers: net.Server[] = [];
afterAll(async () => {
  for (const t of apps) await t.close();
  for (const s of servers) await new Promise((r) => s.close(r));
});

function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** A port nothing listens on (opened, then closed again). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
}

async function mspCalling(t: TestApp) {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  const token = await apiToken(t, msp.staff);
  return { tenant, msp, call: () => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': tenant.id } }) };
}

async function accessLog(t: TestApp, tenantId: string) {
  await t.services.gateway.auditBuffer.flush();
  return t.services.db.kysely.selectFrom('audit_events').select(['details', 'outcome']).where('tenant_id', '=', tenantId).where('action', '=', 'gateway.request').execute();
}

describe('the upstream fails after the gateway admitted the request', () => {
  it('502 upstream_unavailable when nothing answers at the upstream address', async () => {
    const t = await startTestApp({ config: { RESOURCES_UPSTREAM_URL: `http://127.0.0.1:${await deadPort()}/v1` } });
    apps.push(t);
    const w = await mspCalling(t);
    const r = await w.call();
    expect([r.status, r.body.code]).toEqual([502, 'upstream_unavailable']);
    expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toBe('The upstream service could not be reached.');
    const log = await accessLog(t, w.tenant.id);
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0].details)).toMatchObject({ status: 502, decision: 'upstream_unavailable' });
    expect(log[0].outcome).toBe('failure'); // the upstream failed; nobody was refused
  });

  it('504 upstream_timeout when the upstream takes the request and never answers (GATEWAY_UPSTREAM_TIMEOUT_MS)', async () => {
    const held: net.Socket[] = [];
    const port = await listen((socket) => {
      held.push(socket); // reads the request, never writes a byte
      socket.on('error', () => {});
    });
    const t = await startTestApp({ config: { RESOURCES_UPSTREAM_URL: `http://127.0.0.1:${port}/v1`, GATEWAY_UPSTREAM_TIMEOUT_MS: '400' } });
    apps.push(t);
    const w = await mspCalling(t);
    const t0 = Date.now();
    const r = await w.call();
    const took = Date.now() - t0;
    expect([r.status, r.body.code]).toEqual([504, 'upstream_timeout']);
    expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(5000);
    expect(held.length).toBeGreaterThan(0);
    const log = await accessLog(t, w.tenant.id);
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0].details)).toMatchObject({ status: 504, decision: 'upstream_timeout' });
    for (const s of held) s.destroy();
  });
});
