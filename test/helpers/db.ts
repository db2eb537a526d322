/**
 * A fresh database per test file: a new SQLite file in a temp dir, or — when DATABASE_URL is
 * set, or `postgres: true` whatever it says (suites of several processes on one database) — a new
 * PostgreSQL database created on that server (else the local one) and dropped afterwards.
 *
 * On PostgreSQL the roles are split as in production (docs/operators/install.md, "The second wall"): DATABASE_URL's
 * role (the owner here) migrates, and the app connects as APP_ROLE — no superuser, NOBYPASSRLS,
 * owning nothing — so row-level security applies to everything the app does. Test code calling
 * services or the database directly, outside any request, acts as the system (like the CLI):
 * the app's Db has the system as its ambient context; requests and explicit withDbContext scopes
 * are enforced exactly as in production. `owner` is the owner's connection, for tests that play an
 * attacker with DDL rights.
 *
 * A migrated database is a copy of a template migrated once (./db-template.ts), not ~45 migrations per file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, SQLITE_FILE, type Db } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { SYSTEM_CONTEXT } from '../../src/platform/db/db-context.ts';
import { grantAppRole } from '../../src/platform/db/db-roles.ts';
import { APP_ROLE, copyMigratedSqlite, createMigratedPostgres, testRunId } from './db-template.ts';

export { APP_ROLE };

export interface TestDb {
  /** the app's connection: on PostgreSQL as APP_ROLE, under row-level security */
  db: Db;
  /** the schema owner's connection (SQLite: the same as db) */
  owner: Db;
  /** for servers started in other processes: the app role's URL */
  databaseUrl: string | null;
  /** for servers started in other processes: the owner's URL (DATABASE_OWNER_URL) */
  ownerUrl: string | null;
  dataDir: string;
  drop(): Promise<void>;
}

export const usingPostgres = !!process.env.DATABASE_URL;

export async function createTestDb(opts: { migrate?: boolean; postgres?: boolean; poolSize?: number } = {}): Promise<TestDb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-test-'));
  if (!usingPostgres && !opts.postgres) {
    if (opts.migrate !== false) await copyMigratedSqlite(path.join(dataDir, SQLITE_FILE));
    const db = openDatabase({ databaseUrl: null, dataDir });
    return {
      db,
      owner: db,
      databaseUrl: null,
      ownerUrl: null,
      dataDir,
      async drop() {
        await db.close().catch(() => {});
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  // A run's databases carry its name, so that its globalSetup drops what is left of them at the end.
  const name = `pgt_${testRunId() ?? Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const copied = opts.migrate !== false && (await createMigratedPostgres(base, name));
  if (!copied) {
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
  }
  const ownerUrl = new URL(base.toString());
  ownerUrl.pathname = '/' + name;
  const owner = openDatabase({ databaseUrl: ownerUrl.toString(), dataDir, poolSize: 2, ambientContext: SYSTEM_CONTEXT });
  // The role must exist before the app connects, also for a database migrated later (migrate: false);
  // a copy of the template has its grants already.
  if (opts.migrate === false) await grantAppRole(owner.kysely, APP_ROLE);
  else if (!copied) await migrateToLatest(owner, { appRole: APP_ROLE });
  const appUrl = new URL(ownerUrl.toString());
  appUrl.username = APP_ROLE;
  appUrl.password = '';
  const db = openDatabase({ databaseUrl: appUrl.toString(), dataDir, poolSize: opts.poolSize ?? 5, ambientContext: SYSTEM_CONTEXT });
  return {
    db,
    owner,
    databaseUrl: appUrl.toString(),
    ownerUrl: ownerUrl.toString(),
    dataDir,
    async drop() {
      await db.close().catch(() => {});
      await owner.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      const dropping = dropDatabase(base, name);
      // In a named run the worker goes on to its next file while the server drops this one; what a
      // worker stopped at the end of the run left, the run's globalSetup drops (db-template.ts).
      if (testRunId()) dropping.catch(() => undefined);
      else await dropping;
    },
  };
}

async function dropDatabase(base: URL, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: base.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end().catch(() => undefined);
  }
}
