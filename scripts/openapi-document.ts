/**
 * The server's OpenAPI document, produced in-process: the app is built on a throwaway SQLite
 * database and asked for `app.swagger()` — no running server, no network. The document is the
 * input of `npm run generate:client` and of the drift check in test/api/platform/api-reference.test.ts.
 *
 *   node scripts/openapi-document.ts            # prints the document (JSON) on stdout
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app/build-app.ts';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

/** A fixed public URL, so the document (and the client generated from it) does not depend on who builds it. */
export const DOCUMENT_PUBLIC_URL = 'http://localhost:8080';

export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-openapi-'));
  const db = openDatabase({ databaseUrl: null, dataDir });
  try {
    await migrateToLatest(db);
    const config = loadConfig(
      {},
      { DATA_DIR: dataDir, SECRET_KEY: 'openapi-document-throwaway-secret-0123456789abcdef', LOG_LEVEL: 'silent', PUBLIC_URL: DOCUMENT_PUBLIC_URL },
    );
    const app = await buildApp({ config, db, logger: false });
    try {
      await app.ready();
      // a deep copy: the live document is shared with /openapi.json
      return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await db.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const doc = await buildOpenApiDocument();
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}
