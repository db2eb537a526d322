/**
 * What the bench scripts share. The database of a run is the test harness's (test/helpers/db.ts):
 * SQLite in a temp dir, or — when DATABASE_URL is set — a new PostgreSQL database that
 * DATABASE_URL's role migrates and the app uses as `partnergate_app`, the role production runs
 * as (docs/operators/install.md, "The second wall"), so the figures include row-level security. The bench's own
 * set-up calls act as the system.
 */
import { createServer } from 'node:net';
import { createTestDb, type TestDb } from '../test/helpers/db.ts';

export interface BenchDb extends TestDb {
  label: 'postgres' | 'sqlite';
}

export async function openBenchDatabase(poolSize = 10): Promise<BenchDb> {
  const db = await createTestDb({ poolSize });
  return { ...db, label: db.db.dialect };
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
