import { describe, expect, it } from 'vitest';
import type { Allowed } from '../../authz/index.ts';
import { organizationStatus } from './organization-status.ts';
import { appCaller, stateWith, TENANT, testCore, world } from './steps.fixture.ts';

describe('step organizationStatus', () => {
  it("refuses whoever acts for a customer whose subscription is suspended, and admits once it is resumed", () => {
    const g = testCore({}, world());
    const st = stateWith(appCaller());
    st.allowed = { allow: true, via: 'delegation', tenantId: TENANT, delegationId: 'dlg_a', bans: null } as unknown as Allowed;
    expect(organizationStatus(g, st)).toBeUndefined();
    g.snapshot.setSubscriptionSuspended(TENANT, true);
    expect(organizationStatus(g, st)?.code).toBe('subscription_suspended');
    g.snapshot.setSubscriptionSuspended(TENANT, false);
    expect(organizationStatus(g, st)).toBeUndefined();
  });

  it('holds nothing against a partner-level request (no tenant decided)', () => {
    expect(organizationStatus(testCore({}, world()), stateWith(appCaller()))).toBeUndefined();
  });
});
