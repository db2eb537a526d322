/**
 * What the access-spool tests share: a test database with its audit log, made before the file's
 * tests and dropped after them, temporary spool folders, and the files a dead instance leaves.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { AuditLog } from '../../../src/modules/audit/index.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';

export function spoolBed(prefix: string) {
  let testDb: TestDb | undefined;
  let log: AuditLog | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    testDb = await createTestDb();
    log = new AuditLog(testDb.db, systemClock);
  });
  afterAll(async () => {
    await testDb?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    get testDb(): TestDb {
      if (!testDb) throw new Error('the test database is made in beforeAll');
      return testDb;
    },
    get log(): AuditLog {
      if (!log) throw new Error('the audit log is made in beforeAll');
      return log;
    },
    tempDir(): string {
      const d = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
  };
}

/** The segment files of a spool folder copied to `to` as a dead instance leaves them (no lock). */
export function copySegments(from: string, to: string): string[] {
  mkdirSync(to, { recursive: true });
  const files = readdirSync(from).filter((f) => f.endsWith('.spool'));
  for (const f of files) copyFileSync(path.join(from, f), path.join(to, f.replace(/^[^.]+~/, 'deadhost~')));
  return readdirSync(to).filter((f) => f.endsWith('.spool'));
}
