/** Pure money and calendar arithmetic of the earnings computation (integer minor units only). */

/** `percentBps` basis points of `baseMinor`, rounded half up to the minor unit (integers throughout, never floats). */
export function commissionMinor(baseMinor: number, percentBps: number): number {
  const n = baseMinor * percentBps;
  if (!Number.isSafeInteger(n)) throw new RangeError('amount out of range');
  const q = Math.trunc(n / 10_000);
  const r = n - q * 10_000;
  if (n >= 0) return r * 2 >= 10_000 ? q + 1 : q;
  return -r * 2 >= 10_000 ? q - 1 : q;
}

/** Whole months from `from` to `to` ('YYYY-MM'). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm);
}

/** 'YYYY-MM' of a date (UTC). */
export function periodOf(d: Date): string {
  return d.toISOString().slice(0, 7);
}
