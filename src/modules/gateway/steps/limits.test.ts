import { describe, expect, it } from 'vitest';
import { RateLimitStoreError } from '../../../platform/ratelimit/index.ts';
import { limitFor, limits } from './limits.ts';
import { appCaller, stateWith, testCore, world } from './steps.fixture.ts';

describe('step limits', () => {
  it("counts the credential's class window and the partner's, and answers their RateLimit headers", () => {
    const g = testCore({}, world({ limits: { per_minute: { billing: 2, partner: 10 } } }));
    const caller = appCaller();
    expect(limitFor(g, 'ptr_a', 'billing', null)).toBeGreaterThan(0);
    const st = stateWith(caller);
    expect(limits(g, caller, 'billing', null, st)).toBeUndefined();
    expect(st.rateHeaders?.['ratelimit-policy']).toContain('"billing";q=2;w=60');
    expect(limits(g, caller, 'billing', null, st)).toBeUndefined();
    const r = limits(g, caller, 'billing', null, st);
    expect(r instanceof Promise).toBe(false);
    expect((r as { code: string }).code).toBe('rate_limited');
  });

  it('reports the partner-wide window when that one refuses', () => {
    const g = testCore({}, world({ limits: { per_minute: { billing: 100, partner: 1 } } }));
    const caller = appCaller();
    const st = stateWith(caller);
    limits(g, caller, 'billing', null, st);
    const r = limits(g, caller, 'billing', null, st) as { code: string; detail: string };
    expect(r.code).toBe('rate_limited');
    expect(r.detail).toContain('1 partner requests');
  });

  it('answers rate_limiter_unavailable when the store cannot be reached, and lets a bug through as it is', () => {
    const failing = (e: Error) => testCore({ rateLimiter: { consumeAllSync: () => { throw e; } } as never });
    const caller = appCaller(null);
    const r = limits(failing(new RateLimitStoreError('down')), caller, 'billing', null, stateWith(caller)) as { code: string; headers: Record<string, string> };
    expect(r.code).toBe('rate_limiter_unavailable');
    expect(r.headers['retry-after']).toBe('1');
    expect(() => limits(failing(new TypeError('bug')), caller, 'billing', null, stateWith(caller))).toThrow(TypeError);
  });
});
