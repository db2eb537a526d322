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

/**
 * When a migration may run during a rolling upgrade (docs/operators/upgrades.md), while instances of
 * the release before it still serve the same database:
 *  - `expand`: adds what the new release needs and leaves working everything the release before it
 *    reads and writes (a new table, a nullable column or one with a default, an index built
 *    concurrently, a wider check). `partnergate migrate --phase expand` runs it before the new
 *    instances start, and every `serve` on PostgreSQL applies the pending ones.
 *  - `contract`: removes or tightens what only the release before used (drops a column, a table or
 *    a trigger the old code relies on, a NOT NULL the old code would break). Run by
 *    `partnergate migrate --phase contract` once no instance of the release before serves.
 * A change that is neither (a rename, a rewrite of stored values) is split into an expand migration,
 * code that works with both shapes, and a contract migration a release later.
 */
export type MigrationPhase = 'expand' | 'contract';

export interface PartnergateMigration {
  phase: MigrationPhase;
  up(ctx: MigrationContext): Promise<void>;
}
