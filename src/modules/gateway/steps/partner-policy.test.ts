import { describe, expect, it } from 'vitest';
import { partnerAddress, partnerPolicy } from './partner-policy.ts';
import { appCaller, testCore, world } from './steps.fixture.ts';

describe('step partnerPolicy (route classes, IP)', () => {
  const g = testCore({}, world({ api: { route_classes: ['billing'], ip_allow: ['203.0.113.0/24'] } }));

  it('admits an allowed route class from an allowed address', () => {
    expect(partnerPolicy(g, appCaller(), '203.0.113.7', 'billing')).toBeUndefined();
  });

  it('refuses a route class the partner may not call', () => {
    expect(partnerPolicy(g, appCaller(), '203.0.113.7', 'orders')?.code).toBe('route_class_not_allowed');
  });

  it('refuses an address outside the allow-list, here and on the partner pages', () => {
    expect(partnerPolicy(g, appCaller(), '198.51.100.1', 'billing')?.code).toBe('ip_not_allowed');
    expect(partnerAddress(g.snapshot, 'ptr_a', '198.51.100.1')?.code).toBe('ip_not_allowed');
    expect(partnerAddress(g.snapshot, 'ptr_a', '203.0.113.9')).toBeUndefined();
  });

  it('holds nothing against a caller of no partner', () => {
    expect(partnerPolicy(g, appCaller(null), '198.51.100.1', 'orders')).toBeUndefined();
  });
});
