import { describe, expect, it } from 'vitest';
import type { Caller } from './core.ts';
import { decision, keepAdmission, reuseAdmission, STALE_REFUSALS } from './decision.ts';
import { appCaller, request, rule, stateWith, TENANT, OTHER_TENANT, testCore, world } from './steps.fixture.ts';

function delegated(): Caller {
  const c = appCaller();
  if (c.kind === 'app') c.principal = { ...c.principal, delegationId: 'dlg_a', tenantId: TENANT };
  return c;
}

describe('step decision', () => {
  it('admits through the delegation and records what the access event needs', () => {
    const g = testCore({}, world());
    const st = stateWith(delegated());
    st.target = { tenantId: TENANT, ban: null };
    st.tenantId = TENANT;
    expect(decision(g, rule(), st)).toBeUndefined();
    expect(st.allowed?.delegationId).toBe('dlg_a');
    expect([st.tenantId, st.delegationId, st.crossTenant]).toEqual([TENANT, 'dlg_a', true]);
  });

  it("refuses a tenant with no delegation, audited in that tenant's log", () => {
    const g = testCore({}, world());
    const st = stateWith(appCaller());
    st.target = { tenantId: OTHER_TENANT, ban: null };
    st.tenantId = OTHER_TENANT;
    const r = decision(g, rule(), st);
    expect(r?.status).toBe(404);
    expect(st.refusal).toBe(r?.code);
    expect(st.crossTenant).toBe(true);
    expect(STALE_REFUSALS.has(r!.code)).toBe(true);
  });

  it("refuses on a partner-level route a permission the token's scopes lack, with an insufficient_scope challenge", () => {
    const g = testCore({}, world());
    const st = stateWith(appCaller());
    st.permission = 'orders.write';
    const r = decision(g, rule({ tenantScoped: false, permission: 'orders.write' }), st);
    expect(r?.code).toBe('scope_insufficient');
    expect(r?.headers?.['www-authenticate']).toContain('scope="orders.write"');
    expect(STALE_REFUSALS.has('scope_insufficient')).toBe(false);
  });

  it("keeps a token's admission from its second request on and reuses it while the snapshot is unchanged", () => {
    const g = testCore({}, world());
    const caller = delegated();
    const rl = rule();
    const req = request();
    const v = g.snapshot.version;
    for (let i = 0; i < 2; i++) {
      const st = stateWith(caller);
      st.target = { tenantId: TENANT, ban: null };
      decision(g, rl, st);
      st.billing = { persona: 'msp', billTo: null };
      keepAdmission(g, req, rl, st, v);
    }
    expect(caller.admission).not.toBeNull();
    const st = stateWith(caller);
    expect(reuseAdmission(g, req, rl, st, v)).toBe(true);
    expect(st.delegationId).toBe('dlg_a');
    expect(reuseAdmission(g, req, rl, stateWith(caller), v + 1)).toBe(false);
    expect(reuseAdmission(g, request({ query: 'ban=ban_a1' }), rl, stateWith(caller), v)).toBe(false);
  });
});
