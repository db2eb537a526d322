/**
 * The database of a bench run: SQLite in a temp dir, or — when DATABASE_URL is set — a new
 * PostgreSQL database on that server, migrated by DATABASE_URL's role (the owner) and served to
 * the app as `partnergate_app`, the role production runs as (README, "The second wall"): the
 * figures include row-level security. The bench's own set-up calls act as the system.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { SYSTEM_CONTEXT } from '../src/platform/db/db-context.ts';

export const BENCH_APP_ROLE = 'partnergate_app';

export interface BenchDb {
  db: Db;
  dataDir: string;
  /** the app role's URL (DATABASE_URL for the app), null on SQLite */
  databaseUrl: string | null;
  label: 'postgres' | 'sqlite';
  drop(): Promise<void>;
}

export async function openBenchDatabase(name: string, poolSize = 10): Promise<BenchDb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `partnergate-bench-${name}-`));
  if (!process.env.DATABASE_URL) {
    const db = openDatabase({ databaseUrl: null, dataDir });
    await migrateToLatest(db);
    return { db, dataDir, databaseUrl: null, label: 'sqlite', drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const base = new URL(process.env.DATABASE_URL);
  const dbName = `bench_${name}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const ownerUrl = new URL(base.toString());
  ownerUrl.pathname = '/' + dbName;
  const owner = openDatabase({ databaseUrl: ownerUrl.toString(), dataDir, poolSize: 1 });
  await migrateToLatest(owner, { appRole: BENCH_APP_ROLE });
  await owner.close();
  const appUrl = new URL(ownerUrl.toString());
  appUrl.username = BENCH_APP_ROLE;
  appUrl.password = '';
  const db = openDatabase({ databaseUrl: appUrl.toString(), dataDir, poolSize, ambientContext: SYSTEM_CONTEXT });
  return {
    db,
    dataDir,
    databaseUrl: appUrl.toString(),
    label: 'postgres',
    async drop() {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
