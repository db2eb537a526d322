/**
 * vitest globalSetup (vitest.config.ts), run once per `vitest run` in the main process: it names the
 * run, so the PostgreSQL databases that test files make (test/helpers/db.ts) carry the run's name —
 * the migrated template they are cloned from, and each file's own copy — and, when the run ends,
 * drops whatever of them is left (a file's database is dropped in the background when the file
 * ends; a worker stopped at the end of the run may not have finished). Other runs on the same
 * server, other people's, are never touched: only this run's names are dropped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { postgresBaseUrls, runDatabasePattern } from './db-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** this run's name: a prefix of every PostgreSQL database its files make */
    testRunId: string;
  }
}

/** Set once for the whole run: the projects (api, e2e) share it. */
const runId = (globalThis as { __partnergateTestRunId?: string }).__partnergateTestRunId ?? randomBytes(3).toString('hex');
(globalThis as { __partnergateTestRunId?: string }).__partnergateTestRunId = runId;

export default function setup(project: TestProject): () => Promise<void> {
  project.provide('testRunId', runId);
  return async () => {
    for (const base of postgresBaseUrls()) await dropRunDatabases(base, runId);
  };
}

async function dropRunDatabases(base: string, id: string): Promise<void> {
  const c = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } catch {
    return; // no PostgreSQL here: a SQLite-only run made none
  }
  try {
    const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [runDatabasePattern(id)]);
    // the clones first, the template they were made from last
    rows.sort((a, b) => Number(a.datname.includes('_tmpl')) - Number(b.datname.includes('_tmpl')));
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
  } finally {
    await c.end().catch(() => undefined);
  }
}
