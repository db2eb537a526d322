/** What every CLI command needs: config with a master secret, an open, migrated database. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { openDatabase, type Db } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { redisFactory, type RedisFactory } from '../platform/redis.ts';

/** SECRET_KEY from config, else DATA_DIR/secret.key (created once, mode 0600). */
export function withSecret(config: Config): Config {
  if (config.secretKey) return config;
  const file = path.join(config.dataDir, 'secret.key');
  let secret: string;
  if (existsSync(file)) {
    secret = readFileSync(file, 'utf8').trim();
  } else {
    if (config.databaseUrl) {
      // Instances sharing PostgreSQL must share the secret: a per-instance file would split them.
      process.stderr.write('warning: SECRET_KEY is not set; generating one in DATA_DIR. Set SECRET_KEY on every instance that shares the database.\n');
    }
    mkdirSync(config.dataDir, { recursive: true });
    secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret + '\n', { mode: 0o600 });
  }
  return Object.freeze({ ...config, secretKey: secret });
}

export interface Runtime {
  config: Config;
  db: Db;
  redis: RedisFactory | null;
}

export async function openRuntime(config: Config, opts: { migrate?: boolean } = {}): Promise<Runtime> {
  const cfg = withSecret(config);
  const db = openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
  if (opts.migrate !== false) await migrateToLatest(db);
  return { config: cfg, db, redis: cfg.redisUrl ? redisFactory(cfg.redisUrl) : null };
}
