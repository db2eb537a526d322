/**
 * A fresh database per test file: a new SQLite file in a temp dir, or — when DATABASE_URL is
 * set, or `postgres: true` whatever it says (suites of several processes on one database) — a new
 * PostgreSQL database created on that server (else the local one) and dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

export interface TestDb {
  db: Db;
  /** for servers started in other processes */
  databaseUrl: string | null;
  dataDir: string;
  drop(): Promise<void>;
}

export const usingPostgres = !!process.env.DATABASE_URL;

export async function createTestDb(opts: { migrate?: boolean; postgres?: boolean; poolSize?: number } = {}): Promise<TestDb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-test-'));
  if (!usingPostgres && !opts.postgres) {
    const db = openDatabase({ databaseUrl: null, dataDir });
    if (opts.migrate !== false) await migrateToLatest(db);
    return {
      db,
      databaseUrl: null,
      dataDir,
      async drop() {
        await db.close().catch(() => {});
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `pgt_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = '/' + name;
  const db = openDatabase({ databaseUrl: url.toString(), dataDir, poolSize: opts.poolSize ?? 5 });
  if (opts.migrate !== false) await migrateToLatest(db);
  return {
    db,
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      await db.close().catch(() => {});
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
