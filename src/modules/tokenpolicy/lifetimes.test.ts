import { describe, expect, it } from 'vitest';
import { effectiveLifetime, lifetimeWords, type LifetimePolicy } from './lifetimes.ts';

const p = (access: number | null, refresh: number | null): LifetimePolicy => ({ access_ttl_sec: access, refresh_ttl_sec: refresh });

describe('effectiveLifetime: the shortest of default, partner and customer', () => {
  const CASES: [string, 'access' | 'refresh', number, LifetimePolicy | undefined, LifetimePolicy | undefined, number][] = [
    ['no policy: the default', 'access', 600, undefined, undefined, 600],
    ['partner shorter', 'access', 600, p(300, null), undefined, 300],
    ['customer shorter than partner', 'access', 600, p(300, null), p(120, null), 120],
    ['a policy longer than the default does not lengthen it', 'access', 600, p(3600, null), undefined, 600],
    ['refresh: the customer', 'refresh', 2_592_000, p(null, null), p(null, 86_400), 86_400],
    ['refresh: unset fields ignored', 'refresh', 2_592_000, p(60, null), p(60, null), 2_592_000],
  ];
  it.each(CASES)('%s', (_n, kind, def, partner, tenant, want) => expect(effectiveLifetime(kind, def, partner, tenant)).toBe(want));
});

describe('lifetimeWords', () => {
  it.each([
    [900, '15 minutes'],
    [3600, '1 hour'],
    [28_800, '8 hours'],
    [2_592_000, '30 days'],
    [90, '90 seconds'],
  ])('%i s → %s', (sec, words) => expect(lifetimeWords(sec)).toBe(words));
});
