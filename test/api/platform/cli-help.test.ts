/**
 * The CLI's help and its refusal to invent an installation:
 *  - `partnergate help`, `help <command>` and `<command> --help` print that command's own usage,
 *    options and examples (not the global list); an unknown command is a usage error;
 *  - commands that read an existing installation (`audit verify`, `keys list`, …) refuse a
 *    DATA_DIR without a database — or, on PostgreSQL, a database without Partnergate's schema —
 *    with one line naming the setting and a non-zero exit, and create nothing.
 * Mostly in-process (runCli) to keep process spawns few; one spawn checks the exit code and the
 * single line a user sees. Both databases.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/cli/cli.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import { openDatabase } from '../../../src/platform/db/database.ts';
import { createTestDb, usingPostgres, type TestDb } from '../../helpers/db.ts';
import { TEST_SECRET } from '../../helpers/config.ts';
import { runCli as spawnCli } from '../../helpers/server-process.ts';

/** runCli in this process, with its output (and stdout/stderr) captured and the given settings in the environment. */
async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; out: string; err: string; thrown: Error | null }> {
  const saved = { ...process.env };
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    // The CLI writes to the io it is given; extension commands write to the process's streams (spied above).
    const io = { env: process.env, out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) } };
    return { code: await runCli(args, io), out, err, thrown: null };
  } catch (x) {
    return { code: null, out, err, thrown: x as Error };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('help', () => {
  it('help lists every command; help <command> and <command> --help print that command’s usage, options and examples', async () => {
    const all = await cli(['help']);
    expect(all.code).toBe(0);
    for (const c of ['serve', 'migrate', 'admin create', 'seed demo', 'audit verify', 'keys rotate', 'keys list', 'apps reset-demo-secret', 'help [command]']) expect(all.out).toContain(c);

    for (const args of [['help', 'keys'], ['keys', '--help'], ['keys', 'list', '-h']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: partnergate keys rotate\n {7}partnergate keys list\n/);
      expect(r.out).toContain('Examples:\n  partnergate keys list');
      expect(r.out).toContain('--help, -h');
      // the command's own help, not the global list
      expect(r.out).not.toContain('seed demo');
    }

    const seed = await cli(['seed', '--help']);
    expect(seed.out).toMatch(/^Usage: partnergate seed demo \[--json\]/);
    expect(seed.out).toMatch(/--json +print the world as JSON/);
    const admin = await cli(['help', 'admin']);
    expect(admin.out).toMatch(/--email E +the operator/);
    expect(admin.out).toContain('partnergate admin create --email ops@example.com');
  });

  it('help works whatever the settings say, and an unknown command is a usage error', async () => {
    const broken = await cli(['audit', '--help'], { PORT: 'not a port' });
    expect(broken.code).toBe(0);
    expect(broken.out).toMatch(/^Usage: partnergate audit verify/);
    const unknown = await cli(['help', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^partnergate: unknown command nope/);
  });
});

describe('commands that read an existing installation', () => {
  let db: TestDb;
  beforeAll(async () => {
    // No migrations: a DATA_DIR without a database, or a PostgreSQL database without the schema.
    db = await createTestDb({ migrate: false });
  });
  afterAll(() => db?.drop());

  // SQLite: a directory holding no database file (createTestDb's own holds an empty one, refused too).
  const dataDir = () => (usingPostgres ? db.dataDir : path.join(db.dataDir, 'install'));
  const settings = () => ({ DATA_DIR: dataDir(), DATABASE_URL: db.databaseUrl ?? undefined, SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent', REDIS_URL: undefined });
  const setting = usingPostgres ? 'DATABASE_URL' : 'DATA_DIR';

  it('refuse where there is no installation, name the setting and create nothing; work once there is one', async () => {
    for (const args of [['audit', 'verify'], ['keys', 'list'], ['keys', 'rotate'], ['apps', 'reset-demo-secret'], ['upstream', 'serve']]) {
      const r = await cli(args, settings());
      expect(r.thrown?.message, args.join(' ')).toMatch(new RegExp(`^no Partnergate (database in|installation in the database at) ${setting} `));
      expect(r.out).toBe('');
    }
    expect(existsSync(dataDir())).toBe(usingPostgres);
    if (!usingPostgres) {
      // an empty database file is no installation either
      const r = await cli(['keys', 'list'], { ...settings(), DATA_DIR: db.dataDir });
      expect(r.thrown?.message).toMatch(/^no Partnergate database in DATA_DIR .*has no Partnergate schema/);
    }
    const tables = await db.db.kysely.introspection.getTables();
    expect(tables).toEqual([]);

    const installed = usingPostgres ? db.owner : openDatabase({ databaseUrl: null, dataDir: dataDir() });
    await migrateToLatest(installed);
    if (!usingPostgres) await installed.close();
    const ok = await cli(['audit', 'verify'], settings());
    expect(ok.thrown).toBeNull();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit chain intact/);
  });

  it('as a process: one line naming DATA_DIR, a non-zero exit, and no database created', () => {
    const missing = path.join(db.dataDir, 'mistyped');
    const r = spawnCli(['audit', 'verify'], { DATA_DIR: missing });
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^partnergate: no Partnergate database in DATA_DIR .*mistyped/);
    expect(existsSync(missing)).toBe(false);
  });
});
