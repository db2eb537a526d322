/**
 * The migration lock on PostgreSQL, held by the migration's own transaction.
 *
 * Kysely's Migrator (0.28) takes a session-level advisory lock (`pg_advisory_lock`) in a statement of
 * its own, runs the migrations in a transaction, and unlocks in a third statement. Behind PgBouncer
 * in transaction mode those three can reach three different server connections: the unlock then
 * finds no lock on its connection, and the lock stays held by a server connection back in the pool
 * — the next instance to start waits on it for Kysely's hour-long lock timeout (two instances started
 * together through a two-connection pool did so within a dozen starts).
 *
 * Here the lock is `pg_advisory_xact_lock` on the same key, sent in the migration transaction's
 * BEGIN message (pg-context-dialect.ts): it is held by whichever server connection runs the
 * transaction and released by its COMMIT or ROLLBACK, through any pooler. The key is Kysely's, so
 * a release that still takes the session lock and this one exclude each other during an upgrade.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { PostgresAdapter } from 'kysely';

/** Kysely's migration lock key (its PostgresAdapter's LOCK_ID). */
const MIGRATION_LOCK_KEY = '3853314791062309107';

const migrating = new AsyncLocalStorage<true>();

/** Runs `fn` (a Migrator run) so that every transaction it begins on PostgreSQL holds the migration lock. */
export function withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
  return migrating.run(true, fn);
}

/** The statement a transaction's BEGIN carries inside withMigrationLock, else null. */
export function migrationLockStatement(): string | null {
  return migrating.getStore() === true ? `select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})` : null;
}

/** Kysely's PostgreSQL adapter without its session-level migration lock: the transaction takes it (above). */
export class TransactionLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}
