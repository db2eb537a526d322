/**
 * The HTTP edge of rate limiting: the RateLimit / RateLimit-Policy fields of the IETF draft
 * (draft-ietf-httpapi-ratelimit-headers-10 §4–5: `RateLimit-Policy: "agency";q=20;w=60`,
 * `RateLimit: "agency";r=3;t=41`) on every limited response, and Retry-After (RFC 9110 §10.2.3)
 * with a 429 `rate_limited` problem when refused. A store failure becomes 503
 * `rate_limiter_unavailable` — a client must never be told it sent too much when we could not
 * count.
 */
import type { FastifyReply } from 'fastify';
import { platformErrors } from '../errors/platform.errors.ts';
import { RateLimitStoreError, type RateLimiter, type RateLimitDecision } from './limiter.ts';

export interface RatePolicy {
  /** the policy identifier clients see in the headers, e.g. "agency" or "read" */
  name: string;
  limit: number;
  windowMs: number;
}

function sfString(s: string): string {
  return '"' + s.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&') + '"';
}

export function rateLimitHeaders(policy: RatePolicy, d: RateLimitDecision): Record<string, string> {
  const name = sfString(policy.name);
  const t = d.allowed ? Math.ceil(d.resetMs / 1000) : d.retryAfterSec;
  const h: Record<string, string> = {
    'ratelimit-policy': `${name};q=${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`,
    ratelimit: `${name};r=${d.remaining};t=${t}`,
  };
  if (!d.allowed) h['retry-after'] = String(d.retryAfterSec);
  return h;
}

/**
 * Count one request for `key` under `policy`; set the headers on `reply`; throw 429
 * `rate_limited` (with Retry-After) when refused, 503 `rate_limiter_unavailable` when the limiter
 * could not decide. Returns the decision when admitted.
 */
export async function enforceRateLimit(
  reply: FastifyReply,
  limiter: RateLimiter,
  key: string,
  policy: RatePolicy,
  detail?: (retryAfterSec: number) => string,
  /** what a client is told when the limiter cannot decide (503) */
  unavailableDetail = 'The rate limiter cannot be reached, so the request was not counted or served. Try again shortly.',
): Promise<RateLimitDecision> {
  let d: RateLimitDecision;
  try {
    d = await limiter.consume(key, policy.limit, policy.windowMs);
  } catch (err) {
    if (err instanceof RateLimitStoreError) {
      throw platformErrors.rate_limiter_unavailable(unavailableDetail, {
        headers: { 'retry-after': '1' },
      });
    }
    throw err;
  }
  const headers = rateLimitHeaders(policy, d);
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  if (!d.allowed) {
    throw platformErrors.rate_limited(
      detail?.(d.retryAfterSec) ??
        `At most ${policy.limit} requests are allowed in any ${Math.round(policy.windowMs / 1000)} seconds. Try again in ${d.retryAfterSec} second${d.retryAfterSec === 1 ? '' : 's'}.`,
      { headers, extensions: { retry_after: d.retryAfterSec } },
    );
  }
  return d;
}
