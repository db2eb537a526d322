import { describe, expect, it } from 'vitest';
import type { Allowed } from '../../authz/index.ts';
import { assertion } from './assertion.ts';
import { appCaller, request, rule, stateWith, TENANT, testCore } from './steps.fixture.ts';

describe('step assertion', () => {
  it('forwards who acts, for which tenant, account and persona, and notes the delegation used', () => {
    const used: string[] = [];
    const g = testCore({ lastUse: { note: (id) => used.push(id) } });
    const st = stateWith(appCaller());
    st.target = { tenantId: TENANT, ban: 'ban_a1' };
    st.allowed = { allow: true, via: 'delegation', tenantId: TENANT, delegationId: 'dlg_a', bans: ['ban_a1'] } as unknown as Allowed;
    st.billing = { persona: 'msp', billTo: 'ban_a1' };
    st.rateHeaders = { ratelimit: 'x' };
    const a = assertion(g, request(), rule(), st);
    expect(a.identity).toMatchObject({ requestId: 'req_1', partnerId: 'ptr_a', clientId: 'cli_1', tenantId: TENANT, ban: 'ban_a1', bans: ['ban_a1'], billTo: 'ban_a1', delegationId: 'dlg_a', persona: 'msp', permission: 'billing.invoices.read' });
    expect(a.rateHeaders).toBe(st.rateHeaders);
    expect(a.parts).toBeDefined();
    expect(used).toEqual(['dlg_a']);
  });
});
