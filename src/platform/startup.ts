/**
 * What starting a Partnergate process needs whoever starts it (the CLI, a module's own command):
 * the installation secret and startup failures that name the setting to fix.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.ts';

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

/**
 * The installation's secret for a command that must not make one up: SECRET_KEY, else an existing
 * DATA_DIR/secret.key. A new secret would derive keys that match nothing the installation issued.
 */
export function existingSecret(config: Config): Config {
  if (!config.secretKey && !existsSync(path.join(config.dataDir, 'secret.key'))) {
    throw new StartupError('SECRET_KEY', `no installation secret: SECRET_KEY is not set and DATA_DIR ${config.dataDir} has no secret.key (set DATA_DIR to the installation's directory, or SECRET_KEY)`);
  }
  return withSecret(config);
}

/**
 * Starting failed for a reason one setting explains (the database does not answer, the port is
 * taken): the CLI prints the message as one line, which names the setting.
 */
export class StartupError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
    this.setting = setting;
  }
}

/** A listen failure the settings explain (PORT taken or privileged, HOST not this machine's), else null. */
export function listenProblem(err: unknown, config: Pick<Config, 'port' | 'host'>): StartupError | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const at = `PORT ${config.port} on HOST ${config.host}`;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError('PORT', `cannot listen on ${at}: the port is already in use (set PORT to a free one)`, { cause: err });
    case 'EACCES':
      return new StartupError('PORT', `cannot listen on ${at}: permission denied (ports below 1024 need privileges; set PORT to a higher one)`, { cause: err });
    case 'EADDRNOTAVAIL':
      return new StartupError('HOST', `cannot listen on ${at}: ${config.host} is not an address of this machine (set HOST, e.g. 127.0.0.1 or 0.0.0.0)`, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new StartupError('HOST', `cannot listen on ${at}: the name ${config.host} does not resolve (${code}; set HOST to an address of this machine)`, { cause: err });
    default:
      return null;
  }
}
