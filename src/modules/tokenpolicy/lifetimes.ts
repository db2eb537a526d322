/**
 * The lifetime of a token that acts across tenants (a partner app on a customer's delegation):
 * the shortest of the operator's default, the partner's policy and the customer's policy. Pure.
 */
export interface LifetimePolicy {
  access_ttl_sec: number | null;
  refresh_ttl_sec: number | null;
}

export type TokenKind = 'access' | 'refresh';

export function effectiveLifetime(kind: TokenKind, defaultSec: number, partner: LifetimePolicy | undefined, tenant: LifetimePolicy | undefined): number {
  const field = kind === 'access' ? 'access_ttl_sec' : 'refresh_ttl_sec';
  let sec = defaultSec;
  for (const p of [partner, tenant]) {
    const v = p?.[field];
    if (typeof v === 'number' && v > 0 && v < sec) sec = v;
  }
  return sec;
}

/** A lifetime in words: "15 minutes", "8 hours", "30 days". */
export function lifetimeWords(sec: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (sec % 86400 === 0) return unit(sec / 86400, 'day');
  if (sec % 3600 === 0) return unit(sec / 3600, 'hour');
  if (sec % 60 === 0) return unit(sec / 60, 'minute');
  return unit(sec, 'second');
}
