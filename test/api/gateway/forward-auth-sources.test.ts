/**
 * Forward-auth decides on the request the proxy forwards, never on one a client names: NGINX
 * auth_request and Traefik ForwardAuth pass the client's headers on to the check, so a client can
 * add the other proxy's header pair (or repeat one, or ask the upstream for another method). The
 * check reads only the pair its proxy owns — `/authz/forward-auth/nginx`, `/authz/forward-auth/traefik`,
 * or exactly one form at the plain endpoint — and refuses the rest with 403
 * `forward_auth_request_conflict` (NGINX passes a 403 on), signing nothing.
 *
 * The caller is an MSP with a read-only (AUDITOR) link: it may read orders, not place them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { ASSERTION_HEADER, upstreamAuthenticator, upstreamKeyFor } from '../../../src/modules/gateway/index.ts';
import { apiToken, link } from './helpers.ts';

let t: TestApp;
let tenant: TestTenant;
let token: string;

beforeAll(async () => {
  t = await startTestApp();
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  tenant = await t.world.tenant();
  await link(t, msp, tenant, { role: 'AUDITOR' });
  token = await apiToken(t, msp.staff);
}, 60_000);
afterAll(() => t?.close());

/** The check as the proxy sends it: a header given as a list is sent once per value. */
async function check(url: string, headers: Record<string, string | string[]>, method = 'GET') {
  const r = await t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenant.id, ...headers } });
  const body = String(r.headers['content-type'] ?? '').includes('json') && r.body ? JSON.parse(r.body) : null;
  return { status: r.statusCode, code: body?.code as string | undefined, headers: r.headers };
}

const proxyPost = { 'x-original-method': 'POST', 'x-original-uri': '/resources/v1/orders' };
const clientGet = { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/orders' };

describe('a client naming another request than the one the proxy forwards', () => {
  it('is refused at the plain endpoint when NGINX’s pair and a client’s Traefik pair are both present, and nothing is signed', async () => {
    const r = await check('/authz/forward-auth', { ...proxyPost, ...clientGet });
    expect([r.status, r.code]).toEqual([403, 'forward_auth_request_conflict']);
    expect(r.headers[ASSERTION_HEADER]).toBeUndefined();
    expect(r.headers['x-partnergate-permission']).toBeUndefined();
  });

  it('is refused when Envoy’s path names the request and a client’s pair names another', async () => {
    const r = await check('/authz/forward-auth/resources/v1/orders', { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/invoices' }, 'POST');
    expect([r.status, r.code]).toEqual([403, 'forward_auth_request_conflict']);
  });

  it('the NGINX endpoint reads only X-Original-*: the POST it forwards is decided (and refused to a read-only link)', async () => {
    const post = await check('/authz/forward-auth/nginx', proxyPost, 'POST');
    expect([post.status, post.code]).toEqual([403, 'permission_denied']);
    const smuggled = await check('/authz/forward-auth/nginx', { ...proxyPost, ...clientGet }, 'POST');
    expect([smuggled.status, smuggled.code]).toEqual([403, 'forward_auth_request_conflict']);
    // a client's pair alone (NGINX not configured to set its own) is never taken instead
    const alone = await check('/authz/forward-auth/nginx', clientGet);
    expect([alone.status, alone.code]).toEqual([403, 'forward_auth_request_conflict']);
    const read = await check('/authz/forward-auth/nginx', { 'x-original-method': 'GET', 'x-original-uri': '/resources/v1/orders?limit=2' });
    expect([read.status, read.headers['x-partnergate-permission']]).toEqual([200, 'orders.read']);
  });

  it('the Traefik endpoint reads only X-Forwarded-Method/-Uri, and its assertion signs exactly that request', async () => {
    const ok = await check('/authz/forward-auth/traefik', { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/orders?limit=2' });
    expect(ok.status).toBe(200);
    const verify = upstreamAuthenticator(upstreamKeyFor(t.services.config, 'reference-resources'), t.services.clock);
    const h = ok.headers as Record<string, string>;
    expect(verify(h, 'GET', '/resources/v1/orders?limit=2').ok).toBe(true);
    expect(verify(h, 'POST', '/resources/v1/orders').ok).toBe(false);
    const smuggled = await check('/authz/forward-auth/traefik', { 'x-forwarded-method': 'POST', 'x-forwarded-uri': '/resources/v1/orders', 'x-original-method': 'GET', 'x-original-uri': '/resources/v1/orders' });
    expect([smuggled.status, smuggled.code]).toEqual([403, 'forward_auth_request_conflict']);
    const none = await check('/authz/forward-auth/traefik', {});
    expect([none.status, none.code]).toEqual([400, 'forward_auth_request_invalid']);
  });

  it('refuses a repeated header the decision reads: the method, the URI, the credential, the tenant, the host', async () => {
    const repeated: Record<string, string | string[]>[] = [
      { 'x-original-method': ['GET', 'POST'], 'x-original-uri': '/resources/v1/orders' },
      { 'x-original-method': 'GET', 'x-original-uri': ['/resources/v1/orders', '/resources/v1/invoices'] },
      { ...proxyPost, authorization: [`Bearer ${token}`, 'Bearer someone-else'] },
      { ...proxyPost, 'x-active-tenant-id': [tenant.id, tenant.id] },
      { ...proxyPost, 'x-forwarded-host': ['api.example.com', 'evil.example'] },
    ];
    for (const extra of repeated) {
      const r = await check('/authz/forward-auth', extra);
      expect([r.status, r.code], JSON.stringify(extra)).toEqual([403, 'forward_auth_request_conflict']);
    }
  });

  it('refuses headers that make an upstream take another method or URL than the one checked', async () => {
    const read = { 'x-original-method': 'GET', 'x-original-uri': '/resources/v1/orders' };
    const overrides: Record<string, string>[] = [{ 'x-http-method-override': 'DELETE' }, { 'x-method-override': 'POST' }, { x_http_method_override: 'DELETE' }, { 'x-original-url': '/resources/v1/orders/ord_1' }, { 'x-rewrite-url': '/admin' }];
    for (const extra of overrides) {
      const r = await check('/authz/forward-auth/nginx', { ...read, ...extra });
      expect([r.status, r.code], JSON.stringify(extra)).toEqual([403, 'forward_auth_request_conflict']);
    }
    // one that names the checked method is no override
    expect((await check('/authz/forward-auth/nginx', { ...read, 'x-http-method-override': 'GET' })).status).toBe(200);
  });

  it('refuses an X-Forwarded-Host that is not one host (the URL a DPoP proof is checked against)', async () => {
    const r = await check('/authz/forward-auth/nginx', { ...proxyPost, 'x-forwarded-host': 'api.example.com/evil' });
    expect([r.status, r.code]).toEqual([400, 'forward_auth_request_invalid']);
  });
});
