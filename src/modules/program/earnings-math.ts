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

/**
 * What of an invoice's subtotal still earns once part of its total was refunded or credited: the
 * subtotal × (total − credited) / total, rounded half up — a refund of half the total leaves half
 * the base, whatever the tax. Nothing left when all of it was credited; all of it when nothing was.
 */
export function creditedBaseMinor(subtotalMinor: number, totalMinor: number, creditedMinor: number): number {
  if (creditedMinor <= 0 || totalMinor <= 0) return subtotalMinor;
  if (creditedMinor >= totalMinor) return 0;
  const n = subtotalMinor * (totalMinor - creditedMinor);
  if (!Number.isSafeInteger(n)) throw new RangeError('amount out of range');
  const q = Math.trunc(n / totalMinor);
  return (n - q * totalMinor) * 2 >= totalMinor ? q + 1 : q;
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
