/** Who calls a resource operation, as the gateway verified it, and what follows from it alone. */
import type * as repo from './resources.repo.ts';

/** The caller of a resource operation, as verified by the gateway (or by the portal API). */
export interface ResourceCaller {
  requestId?: string;
  tenantId: string;
  /** billing account ids the access covers; null = all of the tenant's */
  bans: readonly string[] | null;
  /** the BAN the request named (e.g. ?ban=), if any */
  ban?: string | null;
  partnerId: string | null;
  userId: string | null;
  clientId: string | null;
  delegationId: string | null;
  persona: string | null;
  /** the BAN to charge, when the credential says so (wholesaler) */
  billTo: string | null;
}

/** The one scope of a caller through the gateway. */
export function callerScope(c: Pick<ResourceCaller, 'tenantId' | 'bans'>): repo.TenantScope[] {
  return [{ tenantId: c.tenantId, bans: c.bans }];
}

/**
 * An Idempotency-Key belongs to the party that sent it, not to the whole tenant: two partners (or
 * a partner and the customer's own staff) choosing the same key get their own orders, and one
 * never receives the other's. Stored as `<partner>/<app>/<user> <key>` under the tenant's unique
 * (tenant_id, idempotency_key) index.
 */
export function idempotencyScope(c: Pick<ResourceCaller, 'partnerId' | 'clientId' | 'userId'>, key: string): string {
  return `${c.partnerId ?? '-'}/${c.clientId ?? '-'}/${c.userId ?? '-'} ${key}`;
}
