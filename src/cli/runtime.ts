/** What every CLI command needs: config with a master secret, an open, migrated database. */
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import type { Config } from '../config/config.ts';
import { openDatabase, SQLITE_FILE, type Db } from '../platform/db/database.ts';
import { migrateToLatest, type MigrationOutcome, type PhaseToApply } from '../platform/db/migrate.ts';
import { inspectRole, roleOfUrl, wallProblems } from '../platform/db/db-roles.ts';
import { redisFactory, type RedisFactory } from '../platform/redis.ts';
import { StartupError, listenProblem, withSecret, existingSecret } from '../platform/startup.ts';

export { StartupError, listenProblem, withSecret, existingSecret };


/**
 * A command that works on an existing installation refuses a DATA_DIR without its database (or
 * a PostgreSQL database without Partnergate's schema) instead of creating an empty one — which
 * would then, say, report an intact audit log of nothing.
 */
export async function requireInstallation(config: Config): Promise<void> {
  if (config.databaseUrl) {
    const migrated = await checkDatabase(config.databaseUrl);
    if (!migrated) {
      throw new StartupError('DATABASE_URL', `no Partnergate installation in the database at DATABASE_URL ${urlWithoutPassword(config.databaseUrl)} (it has no schema_migrations table); check DATABASE_URL, or run \`partnergate migrate\` to create one`);
    }
    return;
  }
  const file = path.join(config.dataDir, SQLITE_FILE);
  const problem = !existsSync(file) ? `${SQLITE_FILE} is missing` : sqliteMigrated(file) ? null : `${SQLITE_FILE} has no Partnergate schema`;
  if (problem) {
    throw new StartupError('DATA_DIR', `no Partnergate database in DATA_DIR ${config.dataDir} (${problem}); set DATA_DIR to the installation's directory, or run \`partnergate migrate\` to create one`);
  }
}

/** Read-only look for the migrations table: an empty or foreign file is no installation. */
function sqliteMigrated(file: string): boolean {
  let db: DatabaseSync | null = null;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    return db.prepare("select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'").get() !== undefined;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

export interface Runtime {
  config: Config;
  db: Db;
  redis: RedisFactory | null;
}

/**
 * `createSecret: false` for a command that must not make up the installation secret (migrate,
 * db check, audit verify): SECRET_KEY or an existing DATA_DIR/secret.key when there is one, else
 * none — nothing is written. Only the commands that run or fill the service (serve, seed, admin)
 * create it.
 */
export async function openRuntime(config: Config, opts: { migrate?: boolean; createSecret?: boolean } = {}): Promise<Runtime> {
  if (config.databaseOwnerUrl) await checkDatabase(config.databaseOwnerUrl, 'DATABASE_OWNER_URL');
  if (config.databaseUrl) await checkDatabase(config.databaseUrl);
  let cfg: Config;
  let db: Db;
  try {
    cfg = opts.createSecret === false && !config.secretKey && !existsSync(path.join(config.dataDir, 'secret.key')) ? config : withSecret(config);
    db = openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: cfg.databasePoolSize, connectTimeoutMs: cfg.databaseConnectTimeoutMs, queryTimeoutMs: cfg.databaseQueryTimeoutMs, preparedStatements: cfg.databasePreparedStatements });
  } catch (e) {
    throw new StartupError('DATA_DIR', `cannot use DATA_DIR ${config.dataDir} (${errorText(e)})`, { cause: e });
  }
  if (opts.migrate !== false) {
    try {
      await migrateAsOwner(cfg, db);
    } catch (e) {
      await db.close().catch(() => {});
      throw e;
    }
  }
  const redisTarget = cfg.redisSentinel ?? cfg.redisUrl;
  return { config: cfg, db, redis: redisTarget ? redisFactory(redisTarget, {}, { commandTimeoutMs: cfg.redisCommandTimeoutMs }) : null };
}

/**
 * Applies the migrations of a phase (default `auto`: expand only on a PostgreSQL database that has
 * some already, where the release before may still be serving; see platform/db/migrate.ts): through DATABASE_OWNER_URL when set (then grants DATABASE_URL's role
 * what the service needs), else through the database the service uses. On PostgreSQL always on a
 * connection of their own, without DATABASE_QUERY_TIMEOUT_MS: an index built over a large table
 * may take longer than any request should wait. (SQLite has no query timeout.)
 */
export async function migrateAsOwner(config: Config, serviceDb: Db, phase: PhaseToApply = 'auto'): Promise<MigrationOutcome> {
  const url = config.databaseOwnerUrl ?? (serviceDb.dialect === 'postgres' ? config.databaseUrl : null);
  const own = url ? openDatabase({ databaseUrl: url, dataDir: config.dataDir, poolSize: 1, connectTimeoutMs: config.databaseConnectTimeoutMs, queryTimeoutMs: 0 }) : null;
  try {
    return await migrateToLatest(own ?? serviceDb, { phase, secretKey: config.secretKey, appRole: config.databaseOwnerUrl && config.databaseUrl ? roleOfUrl(config.databaseUrl) : null });
  } catch (e) {
    // The application role may read the migration table but not change the schema.
    if ((e as { cause?: { code?: string } }).cause?.code === '42501' && !config.databaseOwnerUrl) {
      throw new StartupError('DATABASE_OWNER_URL', `migrations are pending and DATABASE_URL's role may not apply them: set DATABASE_OWNER_URL to the schema owner (or run \`partnergate migrate\` with it) (${errorText(e)})`, { cause: e });
    }
    throw e;
  } finally {
    await own?.close().catch(() => {});
  }
}

/**
 * Why row-level security does not hold for the service's connection (PostgreSQL; empty when it
 * does): a superuser or BYPASSRLS role, a role owning the tables, a tenant table without RLS.
 */
export async function wallReport(db: Db): Promise<string[]> {
  if (db.dialect !== 'postgres') return [];
  return wallProblems(await inspectRole(db.kysely));
}


const DB_CHECK_TIMEOUT_MS = 10_000;

/**
 * Waits up to `seconds` for the PostgreSQL servers of DATABASE_OWNER_URL and DATABASE_URL to answer,
 * trying again every second (a database container still starting: `migrate --wait`), so that
 * nothing before it has to wait on a health check — podman runs none on a host without systemd.
 * SQLite: nothing to wait for. The last failure is thrown once the time is up.
 */
export async function waitForDatabase(config: Config, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const urls: [string, string][] = [];
  if (config.databaseOwnerUrl) urls.push([config.databaseOwnerUrl, 'DATABASE_OWNER_URL']);
  if (config.databaseUrl) urls.push([config.databaseUrl, 'DATABASE_URL']);
  for (const [url, setting] of urls) {
    for (;;) {
      try {
        await checkDatabase(url, setting);
        break;
      } catch (e) {
        if (!(e instanceof StartupError) || Date.now() + 1000 > deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

/**
 * One connection and a query before anything else, so a database that does not answer is named
 * as such (by `setting`). Returns whether Partnergate's migrations table is there.
 */
async function checkDatabase(url: string, setting = 'DATABASE_URL'): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: DB_CHECK_TIMEOUT_MS, query_timeout: DB_CHECK_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    const r = await client.query<{ migrated: boolean }>("select to_regclass('schema_migrations') is not null as migrated");
    return r.rows[0]?.migrated === true;
  } catch (e) {
    throw new StartupError(setting, `cannot reach PostgreSQL at ${setting} ${urlWithoutPassword(url)} (${errorText(e)})`, { cause: e });
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL as it may be printed: the password replaced by ***. */
export function urlWithoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^@/]*)@/, '//***@');
  }
}

/** One line about an error, also for the AggregateError a connect to several addresses rejects with. */
function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { errors?: unknown[] };
  const text = err?.message || (Array.isArray(err?.errors) ? err.errors.map((x) => (x as Error)?.message).filter(Boolean).join('; ') : '') || err?.code || String(e);
  return text.split('\n')[0];
}


/**
 * Bind PORT on HOST for a moment before the app is built: a port in use or a HOST that is not
 * this machine's is named (listenProblem) in a fraction of a second rather than after the whole
 * app was built. The real listen still reports what happens to change in between.
 */
export async function checkListen(config: Pick<Config, 'port' | 'host'>): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port: config.port, host: config.host, exclusive: true }, resolve);
    });
  } catch (e) {
    throw listenProblem(e, config) ?? e;
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve));
  }
}
