/**
 * Operator routes that are not about one tenant (`tenant_scoped: false`, e.g. a product catalog):
 * an active partner's caller passes when its token's scopes cover the route's permission —
 * a partner app's token or a partner user's app token alike; a personal API token carries no
 * scopes to cut by. A suspended partner is refused there too.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner } from '../../helpers/world.ts';
import { apiToken, gw, mintToken } from './helpers.ts';

let t: TestApp;
let upstream: Server;
let msp: TestPartner;
let clientId: string;

beforeAll(async () => {
  upstream = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"products":[]}');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  t = await startTestApp({
    config: {
      GATEWAY_ROUTES: JSON.stringify([
        { name: 'catalog', prefix: '/resources/v1/catalog', upstream: `http://127.0.0.1:${port}/api`, tenant_scoped: false, rules: [{ method: 'GET', path: '/products', permission: 'orders.read', rate_class: 'read' }] },
      ]),
    },
  });
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: msp.id } };
  const { app } = await t.services.apps.create(ctx, msp.id, { name: 'MSP Console', grant_types: ['authorization_code'], redirect_uris: ['https://console.example/cb'], scopes: ['orders.read', 'billing.invoices.read'] });
  clientId = app.id;
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => upstream.close(r));
});

/** An MSP user's token from the partner's own app (the claims the authorization server issues). */
const userToken = (scope: string) =>
  mintToken(t, { sub: msp.staff.id, client_id: clientId, partner_id: msp.id, persona: 'msp', scope, act: { sub: msp.id, client_id: clientId } });

describe('partner-level operator routes', () => {
  it("a partner user's app token: its scopes must cover the route's permission", async () => {
    expect((await gw(t, 'GET', '/resources/v1/catalog/products', { token: await userToken('orders.read') })).status).toBe(200);
    const cut = await gw(t, 'GET', '/resources/v1/catalog/products', { token: await userToken('billing.invoices.read') });
    expect([cut.status, cut.body.code]).toEqual([403, 'scope_insufficient']);
    expect(String(cut.headers['www-authenticate'])).toContain('error="insufficient_scope"');
  });

  it('a personal API token has no scopes to cut by; a suspended partner is refused', async () => {
    const pat = await apiToken(t, msp.staff);
    expect((await gw(t, 'GET', '/resources/v1/catalog/products', { token: pat })).status).toBe(200);
    await t.services.partners.transition(t.world.ctx, msp.id, 'suspend', { reason: 'test' });
    await t.services.feed.drain();
    const r = await gw(t, 'GET', '/resources/v1/catalog/products', { token: await userToken('orders.read') });
    expect([r.status, r.body.code]).toEqual([403, 'partner_inactive']);
  });
});
