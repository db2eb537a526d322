/**
 * Two-tier partners, the distributor's billing roll-up: per reseller, what the customers it reaches
 * through that reseller's links were billed for a period, what they paid, what they still owe and
 * what of it is overdue — with totals, per currency.
 *
 * Which customers count is decide()'s answer for the member asking (AuthzService.resellerReach):
 * only resellers of this distributor, only customers whose admin let the distributor act through
 * the reseller's link and whose link is in force, only where the link ∩ the member role grants
 * billing.summary.read, and only the billing accounts the link covers. Everything else is left
 * out, never shown as zero of someone else's. Each customer drawn on gets an access event in its
 * own log, naming the reseller (MspViewsService's access events).
 */
import type { Allowed, ResellerReach } from '../authz/index.ts';
import type { BillingTotals } from './resources.repo.ts';
import type { TenantScope } from './resources.service.ts';

export const ROLLUP_PERMISSION = 'billing.summary.read';

/** A reseller of the distributor, as the partners module lists it. */
export interface ResellerOfDistributor {
  id: string;
  name: string;
  status: string;
}

export interface RollupQuery {
  period_from?: string;
  period_to?: string;
}

/** Money of one currency: billed (not cancelled), paid, still owed, overdue; how many customers. */
export interface RollupMoney {
  currency: string;
  invoiced_cents: number;
  paid_cents: number;
  outstanding_cents: number;
  overdue_cents: number;
  customers: number;
}

export interface ResellerRollup {
  id: string;
  name: string;
  status: string;
  /** customers whose billing the figures hold (reached through this reseller, billing readable) */
  customers: number;
  currencies: RollupMoney[];
}

export interface RollupDeps {
  reach: (who: { userId: string; partnerId: string; mfa: boolean }) => ResellerReach[];
  billingTotals: (scopes: TenantScope[], f: { periodFrom?: string; periodTo?: string }) => Promise<BillingTotals[]>;
  /** one access event per tenant drawn on (the MSP views' batched events) */
  audit: (tenantIds: Iterable<string>, decisions: Map<string, Allowed>) => void;
}

function add(into: Map<string, RollupMoney>, r: BillingTotals): void {
  const m = into.get(r.currency) ?? { currency: r.currency, invoiced_cents: 0, paid_cents: 0, outstanding_cents: 0, overdue_cents: 0, customers: 0 };
  m.invoiced_cents += r.invoiced_cents;
  m.paid_cents += r.paid_cents;
  m.outstanding_cents += r.outstanding_cents;
  m.overdue_cents += r.overdue_cents;
  m.customers++;
  into.set(r.currency, m);
}

const byCurrency = (m: Map<string, RollupMoney>) => [...m.values()].sort((a, b) => a.currency.localeCompare(b.currency));

/** The roll-up for one distributor member: every reseller of the distributor, by name, and the totals. */
export async function resellerBillingRollup(d: RollupDeps, who: { userId: string; partnerId: string; mfa: boolean }, resellers: readonly ResellerOfDistributor[], q: RollupQuery) {
  const mine = new Set(resellers.map((r) => r.id));
  // the decision's reach, kept to this distributor's own resellers (the chain holds no other's)
  const reach = d.reach(who).filter((r) => mine.has(r.resellerId));
  const resellerOf = new Map(reach.map((r) => [r.tenantId, r.resellerId]));
  const scopes = reach.map((r) => ({ tenantId: r.tenantId, bans: r.bans }));
  const rows = scopes.length === 0 ? [] : await d.billingTotals(scopes, { periodFrom: q.period_from, periodTo: q.period_to });
  d.audit(
    reach.map((r) => r.tenantId),
    new Map(reach.map((r) => [r.tenantId, r.decision])),
  );
  const per = new Map<string, Map<string, RollupMoney>>();
  const totals = new Map<string, RollupMoney>();
  for (const r of rows) {
    const rid = resellerOf.get(r.tenant_id);
    if (rid === undefined) continue;
    const m = per.get(rid) ?? new Map<string, RollupMoney>();
    add(m, r);
    per.set(rid, m);
    add(totals, r);
  }
  const counted = new Map<string, number>();
  for (const r of reach) counted.set(r.resellerId, (counted.get(r.resellerId) ?? 0) + 1);
  const out: ResellerRollup[] = resellers
    .map((r) => ({ id: r.id, name: r.name, status: r.status, customers: counted.get(r.id) ?? 0, currencies: byCurrency(per.get(r.id) ?? new Map()) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { period_from: q.period_from ?? null, period_to: q.period_to ?? null, resellers: out, totals: byCurrency(totals), customers: reach.length };
}
