import { describe, expect, it } from 'vitest';
import { limits } from './limits.ts';
import { quotaName, quotas } from './quota.ts';
import { partnerLimits } from './partner-policy.ts';
import { appCaller, stateWith, TENANT, testCore, world } from './steps.fixture.ts';

describe('step quota', () => {
  it("adds the partner's daily and monthly counters and the customer's plan counter to the same decision", () => {
    const g = testCore({}, world({ limits: { daily_quota: 5, monthly_quota: 50 } }));
    g.snapshot.setCustomerPlan(TENANT, { planName: 'Starter', requestsPerDay: 3 });
    const caller = appCaller();
    const all = quotas(g, caller, partnerLimits(g, caller), [], TENANT);
    expect(all.map((r) => quotaName(r.key))).toEqual(['daily', 'monthly', 'plan_daily']);
    expect(all.map((r) => r.limit)).toEqual([5, 50, 3]);
    // kept on the caller and the core: the same counters on the next request
    expect(quotas(g, caller, partnerLimits(g, caller), [], TENANT)[2]).toBe(all[2]);
  });

  it("refuses with quota_exceeded naming the customer's plan once its day is used up, listing every policy until then", () => {
    const g = testCore({}, world());
    g.snapshot.setCustomerPlan(TENANT, { planName: 'Starter', requestsPerDay: 1 });
    const caller = appCaller();
    const st = stateWith(caller);
    expect(limits(g, caller, 'billing', TENANT, st)).toBeUndefined();
    expect(st.rateHeaders?.['ratelimit-policy']).toContain('"plan_daily";q=1');
    const r = limits(g, caller, 'billing', TENANT, st) as { code: string; detail: string; headers: Record<string, string> };
    expect(r.code).toBe('quota_exceeded');
    expect(r.detail).toContain('(Starter) allows 1 requests a day');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });
});
