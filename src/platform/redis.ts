/** Redis connections (ioredis). Nothing connects at import time; callers own the connection. */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisFactory = () => Redis;

export function redisFactory(url: string, base: RedisOptions = {}): RedisFactory {
  return () =>
    new Redis(url, {
      // Commands fail fast while disconnected instead of queueing: the caller decides what an
      // outage means (the gateway's limiter refuses with 503, the change feed falls back to polling).
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
      ...base,
    });
}
