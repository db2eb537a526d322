/**
 * Step quota: the partner's daily and monthly quotas and the customer's plan quota, counted in
 * the same atomic decision as the rate limits (limits.ts: one Lua script with Redis, no extra
 * round trip). quotas() adds their counters to the limits' requests; quotaRefusal() answers
 * `quota_exceeded` when one of them refused.
 */
import type { AppError } from '../../../platform/errors/app-error.ts';
import { rateLimitHeaders, type RateLimitDecision, type RateLimitRequest, type RatePolicy } from '../../../platform/ratelimit/index.ts';
import { quotaPeriods, type PartnerLimits } from '../../authz/index.ts';
import { gatewayErrors as E } from '../gateway.errors.ts';
import type { Caller, GatewayCore } from './core.ts';

/**
 * The windows' requests followed by the quota counters that apply: the partner's (kept on the
 * caller until the day ends) and the customer's plan's. The same array when none apply.
 */
export function quotas(g: GatewayCore, caller: Caller, pl: PartnerLimits | null, reqs: RateLimitRequest[], tenantId: string | null): RateLimitRequest[] {
  let all = reqs;
  if (pl !== null && (pl.dailyQuota !== null || pl.monthlyQuota !== null)) {
    const l = caller.limits;
    const now = g.d.clock.nowMs();
    if (l.quota === null || now >= l.quotaUntilMs) {
      const p = quotaPeriods(now);
      const q: RateLimitRequest[] = [];
      if (pl.dailyQuota !== null) q.push({ key: `q:d:${caller.partnerId}:${p.day}`, limit: pl.dailyQuota, windowMs: 86_400_000, fixedUntilMs: p.dayEndMs });
      if (pl.monthlyQuota !== null) q.push({ key: `q:m:${caller.partnerId}:${p.month}`, limit: pl.monthlyQuota, windowMs: p.monthEndMs - Date.parse(p.month + '-01T00:00:00Z'), fixedUntilMs: p.monthEndMs });
      l.quota = q;
      l.quotaUntilMs = p.dayEndMs;
    }
    all = reqs.concat(l.quota);
  }
  // The customer's plan quota (plan limits apply), for everyone acting for the customer.
  const cp = tenantId === null ? undefined : g.d.authz.snapshot.customerPlans.get(tenantId);
  if (cp !== undefined && cp.requestsPerDay !== null) all = all.concat(planQuota(g, tenantId!, cp.requestsPerDay));
  return all;
}

/** A customer's plan quota counter for today, made once a day per customer (not per request). */
function planQuota(g: GatewayCore, tenantId: string, limit: number): RateLimitRequest {
  const now = g.d.clock.nowMs();
  let q = g.planQuotas.get(tenantId);
  if (q === undefined || now >= q.untilMs || q.req.limit !== limit) {
    const p = quotaPeriods(now);
    q = { req: { key: `q:c:${tenantId}:${p.day}`, limit, windowMs: 86_400_000, fixedUntilMs: p.dayEndMs }, untilMs: p.dayEndMs };
    g.planQuotas.set(tenantId, q);
  }
  return q.req;
}

/** The quota (after the n windows) that refused for longest, as 429 quota_exceeded with its reset; undefined when none refused. */
export function quotaRefusal(g: GatewayCore, all: RateLimitRequest[], ds: RateLimitDecision[], n: number): AppError | undefined {
  let quota = -1;
  for (let i = n; i < ds.length; i++) if (!ds[i].allowed && (quota < 0 || ds[i].retryAfterSec > ds[quota].retryAfterSec)) quota = i;
  if (quota < 0) return undefined;
  const r = all[quota];
  const d = ds[quota];
  const name = quotaName(r.key);
  const policy: RatePolicy = { name, limit: r.limit, windowMs: r.windowMs };
  const h = rateLimitHeaders(policy, d);
  const plan = name === 'plan_daily' ? g.d.authz.snapshot.customerPlans.get(r.key.slice(4, r.key.lastIndexOf(':'))) : undefined;
  const detail =
    name === 'plan_daily'
      ? `The customer's plan${plan ? ` (${plan.planName})` : ''} allows ${r.limit} requests a day by the partners acting for it, and today's are used up. They start again in ${d.retryAfterSec} s.`
      : `This partner's ${name} quota of ${r.limit} requests is used up. It starts again in ${d.retryAfterSec} s.`;
  return E.quota_exceeded(detail, {
    headers: h,
    extensions: { retry_after: d.retryAfterSec },
  });
}

/** The policy name a quota counter's key stands for: the partner's daily or monthly quota, or the customer's plan's. */
export function quotaName(key: string): 'daily' | 'monthly' | 'plan_daily' {
  return key.startsWith('q:d:') ? 'daily' : key.startsWith('q:c:') ? 'plan_daily' : 'monthly';
}
