/**
 * The files CI runs on one database only (test/helpers/same-on-every-database.ts) really are the same on
 * every database: none uses the suite's database or reads the environment, and those that need a database
 * make their own PostgreSQL. A file that starts to use the suite's would otherwise lose its PostgreSQL +
 * Redis run in CI unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SAME_ON_EVERY_DATABASE } from '../../helpers/same-on-every-database.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const OWN_POSTGRES = /startInstancePair\(|startDeafPair\(|createTestDb\(\{[^}]*postgres: true|startOwnPostgres\(/;
const SUITE_DATABASE = /startTestApp\(|startOAuthApp\(|startPortal\(|usingPostgres|process\.env|createTestDb\((?!\{[^}]*postgres: true)/;

describe('files run on one database only in CI', () => {
  it.each(SAME_ON_EVERY_DATABASE)('%s never uses the suite’s database', (file) => {
    expect(existsSync(path.join(ROOT, file)), `${file} is gone: take it off the list`).toBe(true);
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    expect(source.match(SUITE_DATABASE)?.[0] ?? null).toBeNull();
    // a database, when it needs one, of its own: none of the CLI runs here is given a DATABASE_URL
    if (!OWN_POSTGRES.test(source)) expect(source).not.toMatch(/DATABASE_URL|REDIS_URL|startServer\(/);
  });
});
