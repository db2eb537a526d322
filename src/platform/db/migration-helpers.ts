/** Column helpers so one migration set reads the same on SQLite and PostgreSQL. */
import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from './database.ts';

/** An autoincrementing integer primary key. */
export function autoIncrementPk<T extends string, C extends string>(
  builder: CreateTableBuilder<T, C>,
  dialect: Dialect,
  column: string,
): CreateTableBuilder<T, C> {
  return dialect === 'postgres'
    ? builder.addColumn(column, 'bigserial', (c) => c.primaryKey())
    : builder.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
}

export interface MigrationContext {
  db: Kysely<any>;
  dialect: Dialect;
  /** the installation's SECRET_KEY, for a migration that must hash or encrypt existing rows (absent in tests on a fresh database) */
  secretKey?: string;
}

export interface PartnergateMigration {
  up(ctx: MigrationContext): Promise<void>;
}
