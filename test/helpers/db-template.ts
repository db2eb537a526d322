/**
 * Migrated templates, so that a test file's fresh database costs a copy instead of the ~45
 * migrations (docs/contributors/tests.md, "Fast database set-up").
 *
 *  - SQLite: each worker process migrates one database file once, in a temp dir, and every
 *    database it hands out after that is a copy of that file.
 *  - PostgreSQL: the first file of a run that needs PostgreSQL on a server migrates
 *    `pgt_<run>_tmpl` there (the others wait for it on an advisory lock), and each file's database
 *    is `CREATE DATABASE … TEMPLATE pgt_<run>_tmpl`. The template is migrated exactly as a file's
 *    database was (DATABASE_URL's role migrates and grants the app role), and a copy carries its
 *    tables, rows, policies, grants and default privileges. The run's name comes from the
 *    globalSetup (test/helpers/global-setup.ts), which drops the run's databases when it ends.
 *
 * A copy is the same database as a fresh migration, so what a test sees does not change; tests that
 * migrate themselves (`createTestDb({ migrate: false })`) still get an empty database.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, SQLITE_FILE } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { SYSTEM_CONTEXT } from '../../src/platform/db/db-context.ts';

/** The application role the test apps connect as (cluster-wide; created by the first migration that needs it). */
export const APP_ROLE = 'partnergate_app';

/** This run's name (global-setup.ts), or null outside a vitest run that has it (then nothing is cached). */
export function testRunId(): string | null {
  try {
    const id = inject('testRunId');
    return typeof id === 'string' && /^[a-z0-9]+$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** The servers test files make PostgreSQL databases on: DATABASE_URL's, and the local one (`postgres: true`). */
export function postgresBaseUrls(): string[] {
  const urls = new Set([process.env.DATABASE_URL ?? '', 'postgres://postgres@127.0.0.1:5432/postgres']);
  urls.delete('');
  return [...urls];
}

/** A LIKE pattern for every database of one run. */
export function runDatabasePattern(runId: string): string {
  return `pgt\\_${runId}\\_%`;
}

let sqliteTemplate: Promise<string> | null = null;

/** Writes a migrated SQLite database to `file` (a copy of this process's template). */
export async function copyMigratedSqlite(file: string): Promise<void> {
  sqliteTemplate ??= migrateSqliteTemplate().catch((e: unknown) => {
    sqliteTemplate = null;
    throw e;
  });
  copyFileSync(await sqliteTemplate, file);
}

async function migrateSqliteTemplate(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'partnergate-template-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase({ databaseUrl: null, dataDir: dir });
  try {
    await migrateToLatest(db);
  } finally {
    // closing the last connection checkpoints the WAL into the file and removes it: one file to copy
    await db.close();
  }
  return path.join(dir, SQLITE_FILE);
}

const pgTemplates = new Map<string, Promise<string>>();

/**
 * Creates database `name` on `base`'s server as a copy of this run's migrated template (made on
 * first use). Returns false when there is no run to cache for: the caller then migrates it itself.
 */
export async function createMigratedPostgres(base: URL, name: string): Promise<boolean> {
  const runId = testRunId();
  if (!runId) return false;
  let template = pgTemplates.get(base.host);
  if (!template) {
    template = ensurePgTemplate(base, `pgt_${runId}_tmpl`).catch((e: unknown) => {
      pgTemplates.delete(base.host);
      throw e;
    });
    pgTemplates.set(base.host, template);
  }
  const tmpl = await template;
  await withAdmin(base, async (admin) => {
    // A copy needs the template to have no session; the one that migrated it may take a moment
    // to go (the server itself waits up to 5 s) — try again rather than fail the file.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tmpl}`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt >= 5) throw e;
      }
    }
  });
  return true;
}

async function ensurePgTemplate(base: URL, name: string): Promise<string> {
  await withAdmin(base, async (admin) => {
    // Workers make their first database at the same moment: one migrates, the others wait for it.
    await admin.query('select pg_advisory_lock(hashtext($1))', [name]);
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (rowCount) return;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(base.toString());
      url.pathname = '/' + name;
      const owner = openDatabase({ databaseUrl: url.toString(), dataDir: tmpdir(), poolSize: 1, ambientContext: SYSTEM_CONTEXT });
      try {
        await migrateToLatest(owner, { appRole: APP_ROLE });
      } catch (e) {
        await owner.close().catch(() => undefined);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        throw e;
      }
      await owner.close();
    } finally {
      await admin.query('select pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    }
  });
  return name;
}

async function withAdmin<T>(base: URL, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
