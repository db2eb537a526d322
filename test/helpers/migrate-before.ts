/**
 * For upgrade tests: migrate a test database up to the migration before `name`, as an install made
 * before that migration would be; the test then adds rows and runs migrateToLatest.
 */
import type { Db } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/platform/db/migrations/index.ts';

export async function migrateBefore(db: Db, name: string): Promise<void> {
  const at = MIGRATIONS.findIndex(([n]) => n === name);
  if (at < 0) throw new Error(`no migration ${name}`);
  const later = MIGRATIONS.splice(at);
  try {
    await migrateToLatest(db);
  } finally {
    MIGRATIONS.push(...later);
  }
}
