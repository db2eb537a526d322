import { describe, expect, it } from 'vitest';
import { appCaller, OTHER_TENANT, request, stateWith, TENANT } from './steps.fixture.ts';
import { target } from './target.ts';

describe('step target', () => {
  it('takes the tenant from X-Active-Tenant-Id and the account from the query', () => {
    const st = stateWith(appCaller());
    expect(target(request({ headers: { 'x-active-tenant-id': TENANT }, query: 'ban=ban_a1' }), st)).toBeUndefined();
    expect(st.target).toEqual({ tenantId: TENANT, ban: 'ban_a1' });
    expect([st.tenantId, st.ban]).toEqual([TENANT, 'ban_a1']);
  });

  it("falls back to the token's tenant", () => {
    const st = stateWith(appCaller('ptr_a', OTHER_TENANT));
    target(request(), st);
    expect(st.target?.tenantId).toBe(OTHER_TENANT);
  });

  it('answers a malformed tenant id like a tenant without delegation', () => {
    expect(target(request({ headers: { 'x-active-tenant-id': 'tnt_nope' } }), stateWith(appCaller()))?.code).toBe('delegation_not_found');
  });

  it('refuses two billing accounts, however the second is spelled', () => {
    expect(target(request({ query: 'ban=ban_a1&%62an=ban_a2' }), stateWith(appCaller()))?.code).toBe('ban_ambiguous');
  });
});
