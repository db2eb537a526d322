/**
 * Opens the database: PostgreSQL when DATABASE_URL is set, else embedded SQLite in DATA_DIR.
 * Nothing connects at import time.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDialect } from './sqlite-dialect.ts';

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
}

export function openDatabase(opts: OpenDatabaseOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process.
    pool.on('error', () => {});
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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

/** Arbitrary constant: the advisory lock that orders all mutating transactions (PostgreSQL). */
const WRITE_LOCK = 727_001;

/**
 * Run `fn` in a transaction that writes. On PostgreSQL it first takes one transaction-scoped
 * advisory lock, so mutations commit in the order they were assigned sequence numbers: the
 * audit hash chain has a single head and the change feed, tailed by id, never skips a row
 * that commits late. SQLite already has a single writer.
 */
export async function mutate<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
    return fn(trx);
  });
}
