/**
 * Single use of what a SAML identity provider sends (SAML profiles §4.1.4.5: the SP must not accept
 * a bearer assertion twice): each assertion id is remembered until its NotOnOrAfter (plus the clock
 * skew it was judged with), each AuthnRequest id once its answer is accepted.
 *
 * The same policy as the gateway's DPoP proof ids (gateway/dpop.ts): with Redis configured, one
 * `SET key 1 NX PX ttl` shared by every instance, after a check of this instance's memory; without
 * Redis, or while it does not answer, this instance's memory alone (the failure is reported). The
 * difference is the lifetime, which here is each assertion's own rather than one fixed window.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface SamlReplayStore {
  /** true the first time `key` is presented before `untilMs`; false while it is remembered */
  firstUse(key: string, untilMs: number, now: number): boolean | Promise<boolean>;
}

/** Keys remembered in this process, oldest dropped first beyond `max`. */
export class MemorySamlReplayStore implements SamlReplayStore {
  readonly #until = new Map<string, number>();
  readonly max: number;
  constructor(max = 100_000) {
    this.max = max;
  }

  firstUse(key: string, untilMs: number, now: number): boolean {
    const known = this.#until.get(key);
    if (known !== undefined && known > now) return false;
    this.#until.delete(key);
    if (this.#until.size >= this.max) {
      for (const [k, t] of this.#until) if (t <= now) this.#until.delete(k);
      while (this.#until.size >= this.max) this.#until.delete(this.#until.keys().next().value as string);
    }
    this.#until.set(key, untilMs);
    return true;
  }
}

export interface RedisReplayOptions {
  redis: Redis;
  /** REDIS_KEY_PREFIX */
  prefix: string;
  /** REDIS_COMMAND_TIMEOUT_MS: how long a sign-in waits for Redis before judging on this instance alone */
  timeoutMs: number;
  onError?: (err: unknown) => void;
}

/** Keys remembered in Redis for every instance (and in this instance's memory, which answers a repeat here at once). */
export class RedisSamlReplayStore implements SamlReplayStore {
  readonly #memory = new MemorySamlReplayStore();
  readonly o: RedisReplayOptions;
  constructor(o: RedisReplayOptions) {
    this.o = o;
  }

  async firstUse(key: string, untilMs: number, now: number): Promise<boolean> {
    if (!this.#memory.firstUse(key, untilMs, now)) return false;
    const { redis, prefix, timeoutMs, onError } = this.o;
    if (redis.status !== 'ready') {
      onError?.(new Error(`Redis is ${redis.status}: SAML assertion ids are checked on this instance only`));
      return true;
    }
    const redisKey = `${prefix}saml:${createHash('sha256').update(key).digest('base64url')}`;
    const ttl = Math.max(1, Math.ceil(untilMs - now));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    try {
      const answer = await Promise.race([redis.set(redisKey, '1', 'PX', ttl, 'NX'), late]);
      if (answer === 'late') {
        onError?.(new Error(`Redis did not answer within ${timeoutMs} ms: SAML assertion id checked on this instance only`));
        return true;
      }
      return answer === 'OK';
    } catch (e) {
      onError?.(e);
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Redis-backed when the installation has Redis (REDIS_URL), else this process's memory. */
export function samlReplayStore(redis: RedisReplayOptions | null): SamlReplayStore {
  return redis ? new RedisSamlReplayStore(redis) : new MemorySamlReplayStore();
}
