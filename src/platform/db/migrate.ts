/** Applies the migration set with Kysely's Migrator (a lock table keeps two instances from racing). */
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest(db: Db, opts: { secretKey?: string } = {}): Promise<MigrationOutcome> {
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
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
