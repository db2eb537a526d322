import { describe, expect, it } from 'vitest';
import { billing } from './billing.ts';
import { appCaller, appToken, stateWith, TENANT, testCore, world } from './steps.fixture.ts';
import type { Allowed } from '../../authz/index.ts';

const viaLink = { allow: true, via: 'delegation', tenantId: TENANT, delegationId: 'dlg_a', bans: null } as unknown as Allowed;

describe('step billing', () => {
  const g = testCore({}, world());

  it('bills the named account of the customer as an MSP through a link', () => {
    const st = stateWith(appCaller());
    st.allowed = viaLink;
    st.target = { tenantId: TENANT, ban: 'ban_a1' };
    expect(billing(g, st)).toBeUndefined();
    expect(st.billing).toEqual({ persona: 'msp', billTo: 'ban_a1' });
  });

  it('a partner-level route bills nobody', () => {
    const st = stateWith(appCaller());
    expect(billing(g, st)).toBeUndefined();
    expect(st.billing).toEqual({ persona: 'partner', billTo: null });
  });

  it('refuses a bill_to claim naming an account the customer does not have', () => {
    const c = appCaller();
    if (c.kind === 'app') c.token = appToken({ bill_to: 'ban_elsewhere' });
    const st = stateWith(c);
    st.allowed = viaLink;
    st.target = { tenantId: TENANT, ban: null };
    expect(billing(g, st)?.code).toBe('bill_to_invalid');
  });
});
