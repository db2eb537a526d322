/**
 * Small pure pieces of the consolidated MSP views (msp-views.service.ts): which decision a customer
 * was read through, the month window, the links a member watches, and a resource call's caller.
 */
import type { WatchedLink } from '../alerts/index.ts';
import type { Allowed } from '../authz/index.ts';
import type { ResourceCaller } from './resources.service.ts';

/** The partner member asking, as the HTTP edge verified them. */
export interface MspCaller {
  userId: string;
  partnerId: string;
  /** the credential proved a second factor (sign-in or step-up): the tenants' MFA policies read it */
  mfa?: boolean;
}

/** The decision each customer was read through: the last of the views that covers it. */
export function mergedDecisions(parts: readonly { decisions: Map<string, Allowed> }[]): Map<string, Allowed> {
  const out = new Map(parts[0]?.decisions);
  for (const p of parts.slice(1)) for (const [t, a] of p.decisions) out.set(t, a);
  return out;
}

/** YYYY-MM of the month `n` months before `now`'s. */
export function monthsBack(now: Date, n: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
}

/** The links a member's decisions reach each tenant through, with the accounts each covers. */
export function watchedLinks(decisions: Map<string, Allowed>): WatchedLink[] {
  return [...decisions].flatMap(([tenantId, a]) => (a.delegationId ? [{ delegationId: a.delegationId, tenantId, bans: a.bans }] : []));
}

export function caller(who: MspCaller, tenantId: string, a: Allowed): ResourceCaller {
  return { tenantId, bans: a.bans, partnerId: who.partnerId, userId: who.userId, clientId: null, delegationId: a.delegationId, persona: 'msp', billTo: null };
}
