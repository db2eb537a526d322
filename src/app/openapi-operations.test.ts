import { describe, expect, it } from 'vitest';
import { completeOperations, deriveOperationId } from './openapi-operations.ts';

describe('deriveOperationId', () => {
  it.each([
    ['get', '/api/v1/partner/billing/invoices', 'getPartnerBillingInvoices'],
    ['get', '/api/v1/tenants/{tenant_id}', 'getTenantsByTenantId'],
    ['delete', '/api/v1/tenants/{tenant_id}/members/{user_id}', 'deleteTenantsMembersByUserId'],
    ['post', '/api/v1/partners/{partner_id}/apps/{app_id}/rotate-secret', 'postPartnersAppsRotateSecret'],
    ['get', '/resources/v1/orders/{order_id}', 'getResourcesOrdersByOrderId'],
    ['get', '/.well-known/openid-configuration', 'getWellKnownOpenidConfiguration'],
    ['get', '/healthz', 'getHealthz'],
  ])('%s %s → %s', (method, url, id) => {
    expect(deriveOperationId(method, url)).toBe(id);
  });

  it('has a long form that keeps /api, the version and every parameter', () => {
    expect(deriveOperationId('get', '/api/v1/tenants/{tenant_id}/audit-events', true)).toBe('getApiV1TenantsByTenantIdAuditEvents');
  });
});

describe('completeOperations', () => {
  const op = (extra: Record<string, unknown> = {}) => ({ responses: { 200: { description: 'OK' } }, ...extra });

  it('keeps a declared id, derives the rest, and gives both clashing operations the long form', () => {
    const doc = {
      paths: {
        '/api/v1/things': { get: op(), post: op({ operationId: 'makeThing' }) },
        '/api/v2/things': { get: op() },
        '/api/v1/widgets': { get: op({ operationId: 'getGadgets' }) },
        '/api/v1/gadgets': { get: op() },
      },
    };
    completeOperations(doc);
    const ids = Object.entries(doc.paths).flatMap(([url, item]) => Object.entries(item).map(([m, o]) => `${m} ${url} ${(o as unknown as { operationId: string }).operationId}`));
    expect(ids).toEqual([
      'get /api/v1/things getApiV1Things',
      'post /api/v1/things makeThing',
      'get /api/v2/things getApiV2Things',
      'get /api/v1/widgets getGadgets',
      'get /api/v1/gadgets getApiV1Gadgets',
    ]);
  });

  it('makes a body that admits null optional, and leaves a needed body required', () => {
    const nullable = { required: true, content: { 'application/json': { schema: { type: ['object', 'null'], properties: {} } } } };
    const needed = { required: true, content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } } } } };
    const doc = { paths: { '/a': { post: op({ requestBody: nullable }) }, '/b': { post: op({ requestBody: needed }) } } };
    completeOperations(doc);
    expect([nullable.required, needed.required]).toEqual([false, true]);
  });
});
