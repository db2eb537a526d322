/** Route matching: method + pattern under a prefix; anything else under a prefix is refused. */
import { describe, expect, it } from 'vitest';
import { RouteTable, type UpstreamTarget } from './route-table.ts';

const up: UpstreamTarget = { name: 'u', baseUrl: 'http://127.0.0.1:1/v1', assertionKey: Buffer.alloc(32, 1) };
const t = new RouteTable();
for (const [method, pattern, permission] of [
  ['GET', '/resources/v1/orders', 'orders.read'],
  ['POST', '/resources/v1/orders', 'orders.create'],
  ['GET', '/resources/v1/orders/:order_id', 'orders.read'],
  ['POST', '/resources/v1/orders/:order_id/cancel', 'orders.cancel'],
] as const) {
  t.add({ method, pattern, permission, rateClass: method === 'GET' ? 'read' : 'write', upstream: up, prefix: '/resources/v1', tenantScoped: true, purpose: null, declaredPurpose: null });
}
t.addConfigured({ name: 'crm', prefix: '/crm/', upstream: 'http://crm.internal:9000/api', rules: [{ method: 'get', path: '/contacts', permission: 'support.tickets.read' }] }, Buffer.alloc(32, 2));

describe('RouteTable', () => {
  it.each([
    ['GET', '/resources/v1/orders', 'rule', 'orders.read'],
    ['HEAD', '/resources/v1/orders', 'rule', 'orders.read'],
    ['POST', '/resources/v1/orders', 'rule', 'orders.create'],
    ['GET', '/resources/v1/orders/ord_1', 'rule', 'orders.read'],
    ['POST', '/resources/v1/orders/ord_1/cancel', 'rule', 'orders.cancel'],
    ['DELETE', '/resources/v1/orders/ord_1', 'method_not_allowed', null],
    ['GET', '/resources/v1/orders/ord_1/lines', 'unknown_path', null],
    ['GET', '/resources/v1', 'unknown_path', null],
    ['GET', '/resources/v10/orders', 'no_prefix', null],
    ['GET', '/crm/contacts', 'rule', 'support.tickets.read'],
  ] as const)('%s %s → %s', (method, path, kind, permission) => {
    const m = t.match(method, path);
    expect(m.kind).toBe(kind);
    if (m.kind === 'rule') expect(m.rule.permission).toBe(permission);
  });

  it('defaults the rate class of configured rules from the method', () => {
    const m = t.match('GET', '/crm/contacts');
    expect(m.kind === 'rule' && m.rule.rateClass).toBe('read');
    expect(m.kind === 'rule' && m.rule.upstream.baseUrl).toBe('http://crm.internal:9000/api');
    expect(m.kind === 'rule' && m.rule.upstream.name).toBe('crm');
  });
});
