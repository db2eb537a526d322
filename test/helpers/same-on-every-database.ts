/**
 * Test files that do the same whatever DATABASE_URL and REDIS_URL say: each makes its own PostgreSQL
 * database (createTestDb({ postgres: true }), startInstancePair) or cluster (startOwnPostgres) on the local
 * server, or needs none (the CLI's flags), and hands every setting to what it starts; none uses the
 * environment's database. (Their Redis is
 * REDIS_URL's, or the same local server when it is unset: the same one in both of CI's runs.)
 *
 * `npm test` runs them on every database. CI's second run of the API tests, on PostgreSQL + Redis, leaves
 * them out (vitest.config.ts, TEST_RUN_ON_SECOND_DATABASE=1 in .ci/run): its first run, on SQLite, has run
 * them against the same server in the same way, and running them again cost ~2 of CI's minutes. A file
 * that starts to use the suite's database (startTestApp, startOAuthApp, startPortal, createTestDb() without
 * `postgres: true`, process.env) leaves this list; test/api/platform/same-on-every-database.test.ts checks it.
 */
export const SAME_ON_EVERY_DATABASE = [
  'test/api/agencies/new-token-instances.test.ts',
  'test/api/agencies/rate-limit-instances.test.ts',
  'test/api/agencies/two-instances.test.ts',
  'test/api/delegations/two-instances.test.ts',
  'test/api/gateway/access-spool-crash.test.ts',
  'test/api/gateway/db-restart.test.ts',
  'test/api/gateway/multi-instance.test.ts',
  'test/api/gateway/user-revocation-instances.test.ts',
  'test/api/identity/login-instance-death.test.ts',
  'test/api/identity/new-credentials-instances.test.ts',
  'test/api/notifications/two-instances.test.ts',
  'test/api/oauth/client-cache-instances.test.ts',
  'test/api/oauth/grant-revocation-instances.test.ts',
  'test/api/oauth/revocation-instances.test.ts',
  'test/api/partners/features-instances.test.ts',
  'test/api/partners/partner-limits-instances.test.ts',
  'test/api/plans/two-instances.test.ts',
  'test/api/platform/cli-version-flags.test.ts',
  'test/api/platform/concurrent-writes.test.ts',
  'test/api/platform/db-outage.test.ts',
  'test/api/platform/migrate-wait.test.ts',
  'test/api/platform/pgbouncer.test.ts',
  'test/api/platform/redis-planned-failover.test.ts',
  'test/api/platform/redis-sentinel-reconnect.test.ts',
  'test/api/platform/restore-drill.test.ts',
  'test/api/platform/failover.test.ts',
  'test/api/platform/rls.test.ts',
  'test/api/platform/rolling-upgrade.test.ts',
  'test/api/platform/shared-instance-state.test.ts',
  'test/api/platform/write-invariants.test.ts',
  'test/api/scim/scim-tenant-two-instances.test.ts',
  'test/api/scim/scim-two-instances.test.ts',
];
