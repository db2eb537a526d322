/**
 * Step limits: per credential (an access token's grant, an API token, a session) × route class, and per partner across
 * all its credentials — with the quotas (quota.ts) one atomic decision (one Lua script with
 * Redis): admitted only when every counter admits, and a refusal by one uses up nothing of the
 * others. Memory limiters answer without a promise. Sets out.rateHeaders (the RateLimit headers)
 * or answers 429 rate_limited / quota_exceeded, or 503 rate_limiter_unavailable.
 */
import { AppError } from '../../../platform/errors/app-error.ts';
import { platformErrors } from '../../../platform/errors/platform.errors.ts';
import { RateLimitStoreError, classLimit, rateLimitHeaders, type RateLimitDecision, type RateLimitRequest, type RatePolicy } from '../../../platform/ratelimit/index.ts';
import type { PartnerLimits } from '../../authz/index.ts';
import type { Caller, GatewayCore, Refusal } from './core.ts';
import { partnerLimits } from './partner-policy.ts';
import { quotaName, quotaRefusal, quotas } from './quota.ts';

/** A route class's per-minute limit: the partner's configuration, else RATE_LIMITS (classLimit). */
export function limitFor(g: GatewayCore, partnerId: string | null, cls: string, pl: PartnerLimits | null = null): number {
  return pl?.perMinute?.[cls] ?? classLimit(g.rateLimits, partnerId, cls);
}

export function limits(g: GatewayCore, caller: Caller, cls: string, tenantId: string | null, out: { rateHeaders: Record<string, string> | null }): Refusal | Promise<Refusal> {
  const l = caller.limits;
  const pl = caller.partnerId === null ? null : partnerLimits(g, caller);
  let reqs = l.cls === cls ? l.reqs : (l.more?.get(cls) ?? null);
  if (reqs === null) {
    reqs = [{ key: `gw:${caller.rateKey}:${cls}`, limit: limitFor(g, caller.partnerId, cls, pl), windowMs: 60_000 }];
    if (caller.partnerId !== null) reqs.push({ key: `gw:p:${caller.partnerId}`, limit: limitFor(g, caller.partnerId, 'partner', pl), windowMs: 60_000 });
    if (l.cls === null) {
      l.cls = cls;
      l.reqs = reqs;
    } else (l.more ??= new Map()).set(cls, reqs);
  }
  const all = quotas(g, caller, pl, reqs, tenantId);
  const n = reqs.length;
  const partnerId = caller.partnerId;
  const limiter = g.d.rateLimiter;
  if (limiter.consumeAllSync) {
    let ds: RateLimitDecision[];
    try {
      ds = limiter.consumeAllSync(all);
    } catch (err) {
      return limiterFailure(err);
    }
    return verdict(g, cls, all, ds, n, partnerId, out);
  }
  return limiter.consumeAll(all).then(
    (ds) => verdict(g, cls, all, ds, n, partnerId, out),
    (err: unknown) => limiterFailure(err),
  );
}

/**
 * The decision of the rolling windows (`all[0..n)`) and the quotas after them: headers when
 * admitted (the quotas' policies listed after the route class's), else 429 — `quota_exceeded`
 * with Retry-After to the quota's reset when a quota refused, `rate_limited` otherwise.
 */
function verdict(g: GatewayCore, cls: string, all: RateLimitRequest[], ds: RateLimitDecision[], n: number, partnerId: string | null, out: { rateHeaders: Record<string, string> | null }): Refusal {
  if (n !== ds.length) {
    const q = quotaRefusal(g, all, ds, n);
    if (q !== undefined) {
      noteUsage(g, partnerId, false);
      return q;
    }
  }
  const h = windowHeaders(g, cls, all, ds);
  if (h instanceof AppError) {
    noteUsage(g, partnerId, false);
    return h;
  }
  noteUsage(g, partnerId, true);
  if (n === ds.length) {
    out.rateHeaders = h;
    return undefined;
  }
  const policies = [h['ratelimit-policy']];
  const fields = [h.ratelimit];
  for (let i = n; i < ds.length; i++) {
    const r = all[i];
    const q = rateLimitHeaders({ name: quotaName(r.key), limit: r.limit, windowMs: r.windowMs }, ds[i]);
    policies.push(q['ratelimit-policy']);
    fields.push(q.ratelimit);
  }
  out.rateHeaders = { 'ratelimit-policy': policies.join(', '), ratelimit: fields.join(', ') };
  return undefined;
}

function noteUsage(g: GatewayCore, partnerId: string | null, admitted: boolean): void {
  if (partnerId !== null) g.d.usage?.note(partnerId, admitted);
}

function windowHeaders(g: GatewayCore, cls: string, reqs: RateLimitRequest[], ds: RateLimitDecision[]): Record<string, string> | AppError {
  // The refusal reported is the one that lasts longer: a request is admitted only once both admit.
  const w = reqs.length > 1 && reqs[1].fixedUntilMs === undefined; // a partner-wide window after the class's
  const refused = ds[0].allowed ? (w && !ds[1].allowed ? 1 : -1) : w && !ds[1].allowed && ds[1].retryAfterSec > ds[0].retryAfterSec ? 1 : 0;
  if (refused < 0) {
    const d = ds[0];
    let f = g.policyFields.get(cls + ':' + d.limit);
    if (f === undefined) {
      const h = rateLimitHeaders({ name: cls, limit: d.limit, windowMs: 60_000 }, d);
      f = { policy: h['ratelimit-policy'], name: h.ratelimit.slice(0, h.ratelimit.indexOf(';r=')) };
      g.policyFields.set(cls + ':' + d.limit, f);
    }
    return { 'ratelimit-policy': f.policy, ratelimit: `${f.name};r=${d.remaining};t=${Math.ceil(d.resetMs / 1000)}` };
  }
  const policy: RatePolicy = { name: refused === 0 ? cls : 'partner', limit: reqs[refused].limit, windowMs: 60_000 };
  const d = ds[refused];
  return platformErrors.rate_limited(`At most ${policy.limit} ${policy.name} requests are allowed in any 60 seconds. Try again in ${d.retryAfterSec} s.`, {
    headers: rateLimitHeaders(policy, d),
    extensions: { retry_after: d.retryAfterSec, limit: policy.limit, window_seconds: 60 },
  });
}

/** A store failure is the limiter being unavailable — never a 429; anything else is a bug, thrown as is. */
function limiterFailure(err: unknown): AppError {
  if (err instanceof RateLimitStoreError) {
    return platformErrors.rate_limiter_unavailable('The rate limiter cannot be reached, so the request was not counted or served. Try again shortly.', { headers: { 'retry-after': '1' } });
  }
  throw err;
}
