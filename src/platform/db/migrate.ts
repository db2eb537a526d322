/** Applies the migration set with Kysely's Migrator (a lock table keeps two instances from racing). */
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { grantAppRole } from './db-roles.ts';
import { asSystem } from './db-context.ts';

export interface MigrationOutcome {
  applied: string[];
}

export interface MigrateOptions {
  /** the master secret, for migrations that key stored values with it (0009) */
  secretKey?: string;
  /**
   * PostgreSQL: the application role (DATABASE_URL's, when the owner migrates through
   * DATABASE_OWNER_URL) to create if missing and grant what the application needs, after the
   * migrations; every run re-grants, so tables added since are covered.
   */
  appRole?: string | null;
}

export async function migrateToLatest(db: Db, opts: MigrateOptions = {}): Promise<MigrationOutcome> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of MIGRATIONS) {
        out[name] = { up: (kdb) => m.up({ db: kdb, dialect: db.dialect, secretKey: opts.secretKey }) };
      }
      return out;
    },
  };
  // Migration numbers are handed out to work done in parallel, so a database may have applied
  // 0007 before 0006 existed: pending migrations run in name order wherever they fall.
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    allowUnorderedMigrations: true,
  });
  // Data steps of a migration see every row, also as a table owner under FORCE ROW LEVEL SECURITY.
  const { error, results } = await asSystem(() => migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message}`, { cause: error });
  }
  if (opts.appRole && db.dialect === 'postgres') await grantAppRole(db.kysely, opts.appRole);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
