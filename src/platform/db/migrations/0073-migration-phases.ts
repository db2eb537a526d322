/**
 * Which phase each applied migration ran in (expand or contract, migration-helpers.ts), so that a
 * release can tell how far ahead of it a database is: an older instance that starts on a database
 * a newer release has expanded serves it (it only has more than the older code reads); one that a
 * newer release has contracted is refused, naming the migration. `migrate` writes a row for every
 * migration it knows to be applied; the migrator's own table (schema_migrations) stays as Kysely
 * keeps it, so the release before this one still reads it.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('schema_migration_phases')
      .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('phase', 'text', (c) => c.notNull().check(sql`phase in ('expand', 'contract')`))
      .execute();
  },
};
