/**
 * Opens the database: PostgreSQL when DATABASE_URL is set, else embedded SQLite in DATA_DIR.
 * Nothing connects at import time.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDialect } from './sqlite-dialect.ts';
import { ContextPostgresDialect, WRITE_LOCK, withWriteLockRequest } from './pg-context-dialect.ts';
import { contextSql, currentDbContext, tenantContext, type DbContext } from './db-context.ts';

/** The SQLite database's file name inside DATA_DIR. */
export const SQLITE_FILE = 'partnergate.db';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** true when a trivial query answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type Tx = Transaction<Database>;
export type Executor = Kysely<Database> | Tx;

// bigint (int8) and numeric as JS numbers: counts and sequences stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface OpenDatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** SQLite file name inside dataDir (default partnergate.db); ':memory:' allowed. */
  sqliteFile?: string;
  poolSize?: number;
  /**
   * PostgreSQL: the row-level-security context of statements sent outside any scope (no request,
   * no withDbContext). None in production — they see no tenant row; a test harness may give its
   * own direct calls the system's.
   */
  ambientContext?: DbContext | null;
}

export function openDatabase(opts: OpenDatabaseOptions): Db {
  if (opts.databaseUrl) {
    // pipeline: a statement outside a transaction is written together with the BEGIN that sets
    // its row-level-security context and its COMMIT (pg-context-dialect.ts): one round trip.
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, pipeline: true });
    // An idle client's error (server restart) must not crash the process.
    pool.on('error', () => {});
    const kysely = new Kysely<Database>({ dialect: new ContextPostgresDialect(pool, opts.ambientContext ?? null) });
    return {
      kysely,
      dialect: 'postgres',
      ping: () => ping(kysely),
      close: () => kysely.destroy(),
    };
  }
  const file = opts.sqliteFile ?? SQLITE_FILE;
  let location = file;
  if (file !== ':memory:') {
    mkdirSync(opts.dataDir, { recursive: true });
    location = path.join(opts.dataDir, file);
  }
  const { dialect } = nodeSqliteDialect(location);
  const kysely = new Kysely<Database>({ dialect });
  return {
    kysely,
    dialect: 'sqlite',
    ping: () => ping(kysely),
    close: () => kysely.destroy(),
  };
}

async function ping(kysely: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(kysely);
    return true;
  } catch {
    return false;
  }
}

/**
 * Run `fn` in a transaction that writes. On PostgreSQL it first takes one transaction-scoped
 * advisory lock, so mutations commit in the order they were assigned sequence numbers: the
 * audit hash chain has a single head and the change feed, tailed by id, never skips a row
 * that commits late. SQLite already has a single writer. The driver takes the lock in the
 * BEGIN message itself (pg-context-dialect.ts), so it costs no round trip of its own.
 */
export async function mutate<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return db.kysely.transaction().execute(fn);
  return withWriteLockRequest((taken) =>
    db.kysely.transaction().execute(async (trx) => {
      if (!taken()) await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
      return fn(trx);
    }),
  );
}

/**
 * Switch the rest of this transaction to `ctx` (PostgreSQL; one statement). For a service step
 * that has just proved the right to act for an organization the request's context does not name
 * (an invitation's token, a tenant it is creating), so the rows it writes pass the wall.
 */
export async function enterDbContext(db: Db, trx: Tx, ctx: DbContext): Promise<void> {
  if (db.dialect === 'postgres') await sql.raw(contextSql(ctx)).execute(trx);
}

/**
 * The rest of this transaction may also touch `tenantId`: a tenant the service has just created
 * (a wholesaler's home or resold tenant). A partner's context keeps what it had and gains the
 * tenant; any other narrow context becomes the tenant's; system and operator see it already.
 */
export async function includeTenant(db: Db, trx: Tx, tenantId: string): Promise<void> {
  const cur = currentDbContext();
  if (cur?.kind === 'system' || cur?.kind === 'operator') return;
  const next: DbContext = cur?.kind === 'partner' ? { kind: 'partner', partnerId: cur.partnerId, tenantIds: [...cur.tenantIds, tenantId] } : tenantContext(tenantId);
  await enterDbContext(db, trx, next);
}
