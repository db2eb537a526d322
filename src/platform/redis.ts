/**
 * Redis connections (ioredis). Nothing connects at import time; callers own the connection.
 *
 * Every command is bounded, because a request must never wait on Redis longer than a few tens of
 * milliseconds (REDIS_COMMAND_TIMEOUT_MS, default 100):
 *  - no offline queue once connected: while the connection is down a command fails at once
 *    instead of queueing until a reconnect (which is what made requests hang for seconds). Only
 *    before the very first connection do commands wait for it, and only for one attempt (a failed
 *    attempt rejects them): a client can be used as soon as it is made;
 *  - commands in flight when the connection drops fail at once (maxRetriesPerRequest 0) and are
 *    never resent on the next connection;
 *  - the request path (the rate limiters) gives up on an answer after REDIS_COMMAND_TIMEOUT_MS and
 *    sends nothing more until the overdue answer arrives (RedisRateLimiter); the connection's own
 *    `commandTimeout` (5 × that, at least 500 ms) bounds every other command, e.g. a change-feed
 *    publish nobody waits for;
 *  - a server that holds its answers (a frozen process, a black-holed network: TCP up, nothing
 *    answered) is treated as gone after `socketTimeout` (20 × that, at least 2 s): the socket is
 *    closed and the client reconnects — to a replacement server too — while the limiters already
 *    fail at once meanwhile (see above);
 *  - connecting gives up after REDIS_CONNECT_TIMEOUT_MS and reconnects in the background forever,
 *    at most a second apart — also after ioredis itself has given up on the connection (see
 *    reconnectWhenEnded).
 * What an outage then means is the caller's policy: the limiters apply RATE_LIMIT_REDIS_FAILURE
 * (503 rate_limiter_unavailable, or per-instance counters), the change feed falls back to polling.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisFactory = () => Redis;

/** Default of REDIS_COMMAND_TIMEOUT_MS: how long a request waits for Redis before the failure policy applies. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 100;
/** How long one attempt to connect may take before it is abandoned (and retried in the background). */
export const REDIS_CONNECT_TIMEOUT_MS = 1000;

/** The connection options above for a given REDIS_COMMAND_TIMEOUT_MS. */
export function redisOptions(commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: Math.max(500, 5 * commandTimeoutMs),
    socketTimeout: Math.max(2000, 20 * commandTimeoutMs),
    retryStrategy: (times) => Math.min(50 * times, 1000),
  };
}

/** Where Redis is: one URL, or the Sentinels of a master group (REDIS_SENTINELS). */
export type RedisTarget =
  | string
  | {
      sentinels: { host: string; port: number }[];
      masterName: string;
      username: string | null;
      password: string | null;
      sentinelUsername: string | null;
      sentinelPassword: string | null;
    };

/**
 * Through Sentinel, a connection asks the Sentinels for the master's address each time it
 * connects, and checks the server it reaches is a master (ioredis). When the master dies, the
 * connection's socket closes and it reconnects on the retry strategy above — reaching the new
 * master once the Sentinels have promoted one; `failoverDetector` also listens to the Sentinels'
 * +switch-master, so a connection to a master that was demoted while still up moves at once.
 */
function sentinelOptions(t: Exclude<RedisTarget, string>): RedisOptions {
  return {
    sentinels: t.sentinels,
    name: t.masterName,
    ...(t.username !== null ? { username: t.username } : {}),
    ...(t.password !== null ? { password: t.password } : {}),
    ...(t.sentinelUsername !== null ? { sentinelUsername: t.sentinelUsername } : {}),
    ...(t.sentinelPassword !== null ? { sentinelPassword: t.sentinelPassword } : {}),
    failoverDetector: true,
    // a Sentinel that does not answer is skipped for the next one, not waited on
    sentinelCommandTimeout: REDIS_CONNECT_TIMEOUT_MS,
    sentinelRetryStrategy: (times) => Math.min(50 * times, 1000),
  };
}

/**
 * ioredis ends a connection for good (status `end`, no more reconnects) when an attempt to connect
 * is cut short by its own Sentinel failover detector: a connection that lost its master (kill -9)
 * is reconnecting, asking a Sentinel where the master is, when the Sentinels announce
 * `+switch-master`; the detector of its previous connection then closes the connector, the pending
 * attempt rejects with "Connection is closed." and ioredis gives up. An instance so left kept
 * answering 503 rate_limiter_unavailable after a Redis failover until it was replaced (the failover
 * suite: kill -9 of a Redis master). A connection that ends without its owner closing it
 * (disconnect() or quit()) is therefore connected again, on the same schedule as a reconnect —
 * asking the Sentinels afresh.
 */
function reconnectWhenEnded(client: Redis): Redis {
  let closing = false;
  const disconnect = client.disconnect.bind(client);
  client.disconnect = (reconnect = false) => {
    if (!reconnect) closing = true;
    disconnect(reconnect);
  };
  const quit = client.quit.bind(client);
  client.quit = ((...args: Parameters<typeof quit>) => {
    closing = true;
    return quit(...args);
  }) as typeof client.quit;
  let attempts = 0;
  client.on('ready', () => {
    attempts = 0;
  });
  client.on('end', () => {
    if (closing) return;
    const timer = setTimeout(() => {
      if (!closing && client.status === 'end') client.connect().catch(() => {});
    }, Math.min(50 * ++attempts, 1000));
    timer.unref();
  });
  return client;
}

export function redisFactory(target: RedisTarget, base: RedisOptions = {}, timeouts: { commandTimeoutMs?: number } = {}): RedisFactory {
  const make = (options: RedisOptions) => reconnectWhenEnded(typeof target === 'string' ? new Redis(target, options) : new Redis({ ...sentinelOptions(target), ...options }));
  return () => {
    const options = { ...redisOptions(timeouts.commandTimeoutMs), ...base };
    if (options.enableOfflineQueue !== false) return make(options);
    // Commands sent before the first connection wait for it (rejected if that attempt fails,
    // maxRetriesPerRequest 0); from the first 'ready' on, nothing queues.
    const client = make({ ...options, enableOfflineQueue: true });
    client.once('ready', () => {
      client.options.enableOfflineQueue = false;
    });
    return client;
  };
}

/**
 * Resolves true once the connection is ready, false when it is not within `ms` (or has ended).
 * For start-up only: a request never waits for a connection.
 */
export function whenReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    timer.unref();
    redis.on('ready', onReady);
    redis.on('end', onEnd);
  });
}

/**
 * An error listener that reports at most once per `everyMs`, with how many errors it folded in:
 * a Redis that is down errors on every reconnect attempt, and on every command.
 */
export function reportEvery(everyMs: number, report: (err: unknown, suppressed: number) => void, now: () => number = Date.now): (err: unknown) => void {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (err) => {
    const t = now();
    if (t - last < everyMs) {
      suppressed++;
      return;
    }
    last = t;
    const n = suppressed;
    suppressed = 0;
    report(err, n);
  };
}
