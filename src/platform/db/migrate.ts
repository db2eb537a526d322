/**
 * Applies the migration set with Kysely's Migrator (a lock table keeps two instances from racing),
 * by phase (migration-helpers.ts, docs/operators/upgrades.md): `expand` applies what is safe while
 * the release before still serves, `contract` the rest once it no longer does, `all` both (an
 * installation whose instances are all stopped, SQLite, tests).
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import type { MigrationPhase, PartnergateMigration } from './migration-helpers.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { grantAppRole } from './db-roles.ts';
import { asSystem } from './db-context.ts';
import { withMigrationLock } from './pg-migration-lock.ts';

export interface MigrationOutcome {
  applied: string[];
  /** the phase that ran (`auto` resolved) */
  phase: Exclude<PhaseToApply, 'auto'>;
  /** contract migrations still pending after the run */
  contractPending: string[];
}

/**
 * Which migrations a run applies: one phase, every pending one, or `auto` — every pending one on
 * SQLite (one process serves a file: nothing else runs during its upgrade) and on a PostgreSQL
 * database that has none yet, else expand only (instances of the release before may be serving).
 */
export type PhaseToApply = MigrationPhase | 'all' | 'auto';
export const PHASES_TO_APPLY: readonly PhaseToApply[] = ['expand', 'contract', 'all', 'auto'];

export interface MigrateOptions {
  /** the master secret, for migrations that key stored values with it (0009) */
  secretKey?: string;
  /**
   * PostgreSQL: the application role (DATABASE_URL's, when the owner migrates through
   * DATABASE_OWNER_URL) to create if missing and grant what the application needs, after the
   * migrations; every run re-grants, so tables added since are covered.
   */
  appRole?: string | null;
  /** default `all` */
  phase?: PhaseToApply;
  /** the migration set (default: this release's); a test stands in an older or newer release's */
  migrations?: readonly [string, PartnergateMigration][];
}

/** Where a database stands against a release's migration set. */
export interface MigrationStatus {
  /** migrations of this release that the database has */
  applied: string[];
  /** migrations of this release it lacks, with their phase */
  pending: { name: string; phase: MigrationPhase }[];
  /**
   * migrations the database has that this release does not know — applied by a newer release —
   * with the phase that release recorded (null: none recorded)
   */
  newer: { name: string; phase: MigrationPhase | null }[];
}

/** Refused: what the database holds or lacks does not let this run (or this release) go on. */
export class MigrationRefused extends Error {}

const MIGRATION_TABLE = 'schema_migrations';
/** The migrator's tables are not the application's (schema.ts does not type them). */
const untyped = (db: Db) => db.kysely as unknown as Kysely<any>;
const PHASE_TABLE = 'schema_migration_phases';

async function tableExists(db: Db, table: string): Promise<boolean> {
  const r =
    db.dialect === 'postgres'
      ? await sql<{ found: boolean }>`select to_regclass(${table}) is not null as found`.execute(db.kysely)
      : await sql<{ found: number }>`select count(*) as found from sqlite_master where type = 'table' and name = ${table}`.execute(db.kysely);
  return Boolean(r.rows[0]?.found);
}

/** The database's applied migrations against a migration set (a database never migrated has none). */
export async function migrationStatus(db: Db, migrations: readonly [string, PartnergateMigration][] = MIGRATIONS): Promise<MigrationStatus> {
  return asSystem(async () => {
    const kdb = untyped(db);
    const executed = (await tableExists(db, MIGRATION_TABLE)) ? (await kdb.selectFrom(MIGRATION_TABLE).select('name').execute()).map((r) => String(r.name)) : [];
    const recorded = new Map<string, MigrationPhase>();
    if (await tableExists(db, PHASE_TABLE)) {
      for (const r of await kdb.selectFrom(PHASE_TABLE).select(['name', 'phase']).execute()) recorded.set(String(r.name), r.phase as MigrationPhase);
    }
    const known = new Map(migrations.map(([name, m]) => [name, m.phase]));
    const done = new Set(executed);
    return {
      applied: migrations.map(([name]) => name).filter((n) => done.has(n)),
      pending: migrations.filter(([name]) => !done.has(name)).map(([name, m]) => ({ name, phase: m.phase })),
      newer: executed
        .filter((n) => !known.has(n))
        .sort()
        .map((name) => ({ name, phase: recorded.get(name) ?? null })),
    };
  });
}

/**
 * Why this release must not serve (or migrate) a database a newer release has migrated, or null
 * when it may: the newer migrations were all expand ones, so everything this release reads and
 * writes is still there.
 */
export function newerReleaseProblem(status: MigrationStatus): string | null {
  const blocking = status.newer.filter((m) => m.phase !== 'expand');
  if (blocking.length === 0) return null;
  const list = blocking.map((m) => `${m.name} (${m.phase ?? 'phase not recorded'})`).join(', ');
  return (
    `the database was migrated by a newer release past what this release can serve: ${list}. ` +
    'Run the newer release, or restore the backup taken before its contract step (docs/operators/upgrades.md)'
  );
}

export async function migrateToLatest(db: Db, opts: MigrateOptions = {}): Promise<MigrationOutcome> {
  const set = opts.migrations ?? MIGRATIONS;
  const status = await migrationStatus(db, set);
  const asked = opts.phase ?? 'all';
  const phase = asked !== 'auto' ? asked : db.dialect === 'sqlite' || (status.applied.length === 0 && status.newer.length === 0) ? 'all' : 'expand';
  const problem = newerReleaseProblem(status);
  if (problem) throw new MigrationRefused(problem);
  if (phase === 'contract') {
    const expand = status.pending.filter((m) => m.phase === 'expand').map((m) => m.name);
    if (expand.length) {
      throw new MigrationRefused(`expand migrations are pending (${expand.join(', ')}): run \`partnergate migrate --phase expand\`, roll the new release out, then contract`);
    }
  }
  const pendingNames = new Set(status.pending.map((m) => m.name));
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of set) {
        // an expand run leaves the pending contract migrations out: the migrator never sees them
        if (phase === 'expand' && m.phase === 'contract' && pendingNames.has(name)) continue;
        out[name] = { up: (kdb) => m.up({ db: kdb, dialect: db.dialect, secretKey: opts.secretKey }) };
      }
      // A newer release's expand migrations stay applied: the migrator only has to know their names.
      for (const { name } of status.newer) out[name] = { up: async () => {} };
      return out;
    },
  };
  // Migration numbers are handed out to work done in parallel, so a database may have applied
  // 0007 before 0006 existed: pending migrations run in name order wherever they fall.
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'schema_migrations_lock',
    allowUnorderedMigrations: true,
  });
  // Data steps of a migration see every row, also as a table owner under FORCE ROW LEVEL SECURITY.
  // The migration lock is held by the migration transaction itself, through any pooler (pg-migration-lock.ts).
  const { error, results } = await asSystem(() => withMigrationLock(() => migrator.migrateToLatest()));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message}`, { cause: error });
  }
  await asSystem(() => recordPhases(db, set));
  if (opts.appRole && db.dialect === 'postgres') await grantAppRole(db.kysely, opts.appRole);
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const ran = new Set(applied);
  return { applied, phase, contractPending: status.pending.filter((m) => m.phase === 'contract' && !ran.has(m.name)).map((m) => m.name) };
}

/** Writes the phase of every applied migration of the set the phase table lacks (it exists from 0073 on). */
async function recordPhases(db: Db, set: readonly [string, PartnergateMigration][]): Promise<void> {
  if (!(await tableExists(db, PHASE_TABLE))) return;
  const applied = new Set((await untyped(db).selectFrom(MIGRATION_TABLE).select('name').execute()).map((r) => String(r.name)));
  const recorded = new Set((await untyped(db).selectFrom(PHASE_TABLE).select('name').execute()).map((r) => String(r.name)));
  // only what is missing: the service's role, which may read these tables but not write them, runs this too
  const rows = set.filter(([name]) => applied.has(name) && !recorded.has(name)).map(([name, m]) => ({ name, phase: m.phase }));
  if (rows.length === 0) return;
  await untyped(db)
    .insertInto(PHASE_TABLE)
    .values(rows)
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** How many migrations of this release are pending, by phase (what `serve` says it left for later). */
export function pendingByPhase(status: MigrationStatus): Record<MigrationPhase, string[]> {
  return {
    expand: status.pending.filter((m) => m.phase === 'expand').map((m) => m.name),
    contract: status.pending.filter((m) => m.phase === 'contract').map((m) => m.name),
  };
}
