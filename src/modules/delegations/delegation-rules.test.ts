import { describe, expect, it } from 'vitest';
import { RoleCatalog } from '../authz/index.ts';
import { capabilityProblem, isOpen, parseOverrides, validateOverrides, validateRole, validateScopes, validateWindow } from './delegation-rules.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;

const roles = new RoleCatalog(
  [
    { id: 'MSP_FULL', catalog: 'delegation', name: 'MSP full', description: '', grants: ['billing.*', 'orders.*'] },
    { id: 'WHOLESALE', catalog: 'delegation', name: 'Wholesale', description: '', grants: ['orders.*'] },
    { id: 'TENANT_ADMIN', catalog: 'tenant', name: 'Tenant admin', description: '', grants: ['*'] },
  ],
  new Map([
    ['billing.invoices.read', ''],
    ['orders.read', ''],
    ['tenants.members.manage', ''],
  ]),
);

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('delegation rules', () => {
  it('a window ends after its start, in the future, within the maximum', () => {
    expect(validateWindow(null, new Date(NOW.getTime() + 10 * DAY).toISOString(), NOW, 30)).toEqual({ starts: NOW.toISOString(), ends: new Date(NOW.getTime() + 10 * DAY).toISOString() });
    expect(codeOf(() => validateWindow(null, new Date(NOW.getTime() - 1).toISOString(), NOW, 30))).toBe('delegation_window_invalid');
    expect(codeOf(() => validateWindow(new Date(NOW.getTime() + 5 * DAY).toISOString(), new Date(NOW.getTime() + 4 * DAY).toISOString(), NOW, 30))).toBe('delegation_window_invalid');
    expect(codeOf(() => validateWindow(null, 'not a date', NOW, 30))).toBe('delegation_window_invalid');
    expect(codeOf(() => validateWindow(null, new Date(NOW.getTime() + 31 * DAY).toISOString(), NOW, 30))).toBe('delegation_too_long');
  });

  it('a role is one of the delegation catalog, and WHOLESALE only for wholesale', () => {
    expect(codeOf(() => validateRole(roles, 'MSP_FULL', 'link'))).toBeUndefined();
    expect(codeOf(() => validateRole(roles, 'WHOLESALE', 'wholesale'))).toBeUndefined();
    expect(codeOf(() => validateRole(roles, 'WHOLESALE', 'link'))).toBe('delegation_role_invalid');
    expect(codeOf(() => validateRole(roles, 'TENANT_ADMIN', 'link'))).toBe('delegation_role_invalid');
    expect(codeOf(() => validateRole(roles, 'NOPE', 'consent'))).toBe('delegation_role_invalid');
  });

  it('overrides name known permissions, and a grant reaches only the resource APIs', () => {
    expect(validateOverrides(roles, { grant: ['orders.read', 'orders.read'], deny: ['billing.*'] })).toEqual({ grant: ['orders.read'], deny: ['billing.*'] });
    expect(validateOverrides(roles, null)).toEqual({ grant: [], deny: [] });
    expect(codeOf(() => validateOverrides(roles, { grant: ['Orders Read'] }))).toBe('invalid_permission');
    expect(codeOf(() => validateOverrides(roles, { deny: ['ordrs.read'] }))).toBe('invalid_permission');
    expect(codeOf(() => validateOverrides(roles, { grant: ['tenants.members.manage'] }))).toBe('invalid_permission');
    expect(codeOf(() => validateOverrides(roles, { grant: ['*'] }))).toBe('invalid_permission');
  });

  it('scopes are permission grants, deduplicated', () => {
    expect(validateScopes(undefined)).toBeNull();
    expect(validateScopes(['orders.read', 'orders.read', 'billing.*'])).toEqual(['orders.read', 'billing.*']);
    expect(codeOf(() => validateScopes(['orders read']))).toBe('invalid_permission');
  });

  it('each origin needs its partner capability', () => {
    expect(capabilityProblem(['managed_services'], 'link')).toBeNull();
    expect(capabilityProblem(['delegated'], 'link')).toBe('A link delegation needs the partner capability managed_services.');
    expect(capabilityProblem(['wholesale'], 'wholesale')).toBeNull();
    expect(capabilityProblem([], 'consent')).toBe('A consent delegation needs the partner capability delegated.');
  });

  it('only requested and active delegations are open', () => {
    expect(['requested', 'active', 'expired', 'revoked', 'rejected'].filter((s) => isOpen(s as never))).toEqual(['requested', 'active']);
  });

  it('stored overrides parse forgivingly', () => {
    expect(parseOverrides('{"grant":["orders.read"]}')).toEqual({ grant: ['orders.read'], deny: [] });
    expect(parseOverrides('not json')).toEqual({ grant: [], deny: [] });
  });
});
