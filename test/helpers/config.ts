import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/config.ts';

export const TEST_SECRET = 'test-secret-key-for-partnergate-suites-0123456789';

/** Settings for tests: fast password hashing, quiet logs, a fixed secret. */
export function testConfig(overrides: Record<string, string> = {}, dataDir = '/tmp/partnergate-test'): Config {
  return loadConfig(
    {},
    {
      DATA_DIR: dataDir,
      SECRET_KEY: TEST_SECRET,
      LOG_LEVEL: 'silent',
      SCRYPT_COST: '10',
      PUBLIC_URL: 'http://localhost:8080',
      // Test apps share one Redis (and one client IP): each gets its own key space, so one
      // file's failed logins or applications never throttle another file, or the next run.
      REDIS_KEY_PREFIX: `pgt:${randomUUID().slice(0, 8)}:`,
      // The shared Redis answers in well under a millisecond, but on a machine at load average 8+ a
      // worker can be descheduled for longer than the production bound (100 ms) and a test would
      // see 503 rate_limiter_unavailable. Outage tests set their own bound (redis-outage.test.ts).
      REDIS_COMMAND_TIMEOUT_MS: '2000',
      // the events worker runs only when a test drives it (services.notifications.worker.tick())
      NOTIFY_WORKER_INTERVAL_MS: '0',
      // the lifecycle sweep too (services.lifecycle.autoExtend / sendExpiryNotices): links auto-extend by
      // default, and a timer firing between a test's clock step and its check would renew the link it expires
      LIFECYCLE_SWEEP_INTERVAL_MS: '0',
      ...overrides,
    },
  );
}
