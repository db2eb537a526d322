/**
 * Every operation of the OpenAPI document has an operationId, and no two share one: generated clients name
 * their methods and types by it. Ids are derived where the document is produced (src/app/openapi-operations.ts)
 * unless a route declares its own. A body the server does not need is not demanded of a typed client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../scripts/openapi-document.ts';
import { deriveOperationId } from '../../../src/app/openapi-operations.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { loginAs } from '../gateway/helpers.ts';
import { createPartnergateClient } from '../../../packages/client/src/index.ts';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('operationId', () => {
  let ops: { method: string; url: string; op: Json }[] = [];
  beforeAll(async () => {
    const doc = await buildOpenApiDocument();
    ops = Object.entries(doc.paths as Record<string, Json>).flatMap(([url, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, url, op: item[method] as Json })),
    );
  }, 120_000);

  it('is on every operation, camelCase, and unique across the document', () => {
    expect(ops.length).toBeGreaterThan(250);
    const ids = ops.map((o) => o.op.operationId);
    expect(ops.filter((o) => typeof o.op.operationId !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(o.op.operationId)).map((o) => `${o.method} ${o.url}`)).toEqual([]);
    const seen = new Map<unknown, string>();
    const dupes: string[] = [];
    for (const o of ops) {
      const where = `${o.method.toUpperCase()} ${o.url}`;
      if (seen.has(o.op.operationId)) dupes.push(`${String(o.op.operationId)}: ${seen.get(o.op.operationId)} and ${where}`);
      else seen.set(o.op.operationId, where);
    }
    expect(dupes).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads as the method and the path', () => {
    const id = (method: string, url: string) => ops.find((o) => o.method === method && o.url === url)?.op.operationId;
    expect(id('get', '/api/v1/partner/billing/invoices')).toBe('getPartnerBillingInvoices');
    expect(id('get', '/api/v1/tenants/{tenant_id}')).toBe('getTenantsByTenantId');
    expect(id('delete', '/api/v1/tenants/{tenant_id}/members/{user_id}')).toBe('deleteTenantsMembersByUserId');
    expect(id('post', '/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/approve')).toBe('postTenantsDelegationsApprove');
    expect(id('get', '/resources/v1/orders')).toBe('getResourcesOrders');
    // the OAuth endpoints oidc-provider serves have ids too
    expect(id('post', '/oauth/token')).toBe('postOauthToken');
  });

  it('takes the long form for names that would clash, so neither depends on registration order', () => {
    expect(deriveOperationId('get', '/api/v1/tenants/{tenant_id}/audit-events')).toBe('getTenantsAuditEvents');
    expect(deriveOperationId('get', '/api/v1/tenants/{tenant_id}/audit-events', true)).toBe('getApiV1TenantsByTenantIdAuditEvents');
  });

  it('no operation demands a body that may be absent', () => {
    const demanded = ops.filter((o) => {
      const body = o.op.requestBody as Json | undefined;
      if (!body || body.required !== true) return false;
      return Object.values((body.content ?? {}) as Record<string, { schema?: Json }>).some((m) => {
        const type = m.schema?.type;
        return type === 'null' || (Array.isArray(type) && type.includes('null'));
      });
    });
    expect(demanded.map((o) => `${o.method.toUpperCase()} ${o.url}`)).toEqual([]);
  });
});

describe('a bodyless operation through the typed client', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true });
  });
  afterAll(() => t?.close());

  it('revokes a personal API token with no body sent, and the token stops working', async () => {
    const tenant = await t.world.tenant();
    const c = await loginAs(t, tenant.admin);
    const made = await c.post<'/api/v1/me/api-tokens'>('/api/v1/me/api-tokens', { name: 'revoked without a body' });
    expect(made.status).toBe(201);
    const pg = createPartnergateClient({ baseUrl: t.url!, token: made.body.token });
    expect((await pg.GET('/api/v1/me')).response.status).toBe(200);

    const revoked = await pg.DELETE('/api/v1/me/api-tokens/{token_id}', { params: { path: { token_id: made.body.api_token.id } } });
    expect(revoked.response.status).toBeLessThan(300);
    const after = await pg.GET('/api/v1/me');
    expect([after.response.status, after.error?.code]).toEqual([401, expect.any(String)]);
  });
});
