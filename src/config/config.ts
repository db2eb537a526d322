/**
 * The one place that reads process.env (and the optional config file).
 * Returns a frozen, typed Config; a bad value throws ConfigError naming the setting.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { availableParallelism } from 'node:os';

export interface GatewayRouteConfig {
  /** The upstream's name: it names the upstream in logs and derives its assertion key (`partnergate gateway upstream-key <name>`). */
  name: string;
  /** Path prefix under /resources or any custom prefix, e.g. "/resources/v1/crm" (not one of Partnergate's own). */
  prefix: string;
  /** Upstream base URL; the gateway forwards `prefix + rest` to `upstream + rest`. */
  upstream: string;
  /** method + path pattern → permission. Patterns are relative to prefix, `:param` segments allowed. */
  rules: { method: string; path: string; permission: string; rate_class?: string }[];
  /** true when the route acts on one tenant's data (needs tenant context). */
  tenant_scoped?: boolean;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  /** PostgreSQL: the schema owner's URL; migrations run with it, the service with databaseUrl (a role under row-level security). */
  databaseOwnerUrl: string | null;
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Master secret: encrypts signing keys at rest and keys HMACs of stored secrets. */
  secretKey: string;
  sessionIdleTimeoutSec: number;
  sessionAbsoluteTimeoutSec: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  bodyLimitBytes: number;
  loginMaxAttempts: number;
  loginWindowSec: number;
  delegationMaxDays: number;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  /** Seed the demo world when the database is empty. */
  demo: boolean;
  gatewayRoutes: GatewayRouteConfig[];
  /** Base URL of the reference resource service when it runs on its own; null = inside this process. */
  resourcesUpstreamUrl: string | null;
  /** Secret each upstream's assertion key is derived from; null = derived from secretKey. */
  gatewayAssertionSecret: string | null;
  /** How long the gateway waits for an upstream's response headers (and between body chunks) before 504. */
  gatewayUpstreamTimeoutMs: number;
  /** When Redis is configured but unreachable: refuse (503) or fall back to per-instance counters. */
  rateLimitRedisFailure: 'refuse' | 'local';
  /** prefix of every Redis key and channel this installation uses */
  redisKeyPrefix: string;
  /** How long a request waits for a Redis answer before the failure policy applies (see platform/redis.ts). */
  redisCommandTimeoutMs: number;
  /** Per route class limits, requests per minute. */
  rateLimits: Record<string, number>;
  configFile: string | null;
  /** log2 of scrypt's N for new password hashes (17 in production; test suites lower it). */
  scryptCost: number;
  /** How often each instance re-reads the change feed's outbox when no nudge arrived (the safety net under Redis pub/sub). */
  changeFeedPollMs: number;
  /** Gateway access events waiting for the database beyond which the gateway refuses requests (fails closed). */
  gatewayAuditBacklog: number;
  /** How often the gateway writes its batched access events (ms). */
  gatewayAuditFlushMs: number;
  /** Worker threads that check access-token signatures for the gateway (0: its own thread does). */
  gatewayVerifyThreads: number;
  /** Bearer token a Prometheus scrape of /metrics must send; null = metrics off (not collected, /metrics 404). */
  metricsToken: string | null;
  /** Partners with a label of their own in the gateway metrics (the rest count as `other`). */
  metricsPartnerLabels: number;
  /** Log lines as JSON, or human-readable (pino-pretty); auto = pretty when stdout is a terminal. */
  logFormat: 'auto' | 'pretty' | 'json';
  /** OTLP/HTTP collector base URL; null = tracing off. */
  otelEndpoint: string | null;
  /** PostgreSQL: how long a query waits for a connection before it fails with 503 database_unavailable (ms). */
  databaseConnectTimeoutMs: number;
  /** PostgreSQL: connections per instance */
  databasePoolSize: number;
  /** PostgreSQL: how long a query waits for its answer before it fails (ms; 0 = no limit). */
  databaseQueryTimeoutMs: number;
}

export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`Invalid setting ${setting}: ${problem}`);
    this.setting = setting;
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** File settings use the same names as the environment variables (e.g. {"PORT": 8080}) plus GATEWAY_ROUTES / RATE_LIMITS as JSON values. */
function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError('CONFIG_FILE', `file ${JSON.stringify(file)} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    // Not the parser's message: it quotes the text around the error, which may be a secret.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new ConfigError('CONFIG_FILE', `${file} is not valid JSON${at ? ` (at character ${at})` : ''}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('CONFIG_FILE', `${file} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

export const DEFAULT_RATE_LIMITS: Record<string, number> = {
  // seed 001: 100–500 requests/min depending on the endpoint class
  read: 500,
  write: 100,
  export: 100,
  default: 300,
  partner: 5000,
};

export function loadConfig(env: Env = process.env, overrides: Partial<Record<string, string>> = {}): Readonly<Config> {
  const configFile = overrides.CONFIG_FILE ?? env.CONFIG_FILE ?? null;
  const file = configFile ? readConfigFile(configFile) : {};
  const known = new Set(Object.keys(SETTINGS));
  for (const k of Object.keys(file)) {
    if (!known.has(k)) throw new ConfigError(k, `unknown setting in ${configFile}`);
  }
  const raw = (name: string): string | undefined => {
    if (overrides[name] !== undefined) return overrides[name];
    if (env[name] !== undefined && env[name] !== '') return env[name];
    const v = file[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };

  const int = (name: string, def: number, min: number, max: number): number => {
    const v = raw(name);
    if (v === undefined) return def;
    if (!/^-?\d+$/.test(v.trim())) throw new ConfigError(name, `must be an integer, got ${JSON.stringify(v)}`);
    const n = Number(v);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const v = raw(name);
    if (v === undefined) return def;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    throw new ConfigError(name, `must be true or false, got ${JSON.stringify(v)}`);
  };
  const url = (name: string, protocols: string[]): string | null => {
    const v = raw(name);
    if (v === undefined) return null;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ConfigError(name, `must be a URL, got ${JSON.stringify(redact(v))}`);
    }
    if (!protocols.includes(u.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${u.protocol}`);
    }
    return v;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = raw('HOST') ?? '127.0.0.1';
  const hostProblem = checkHost(host);
  if (hostProblem) throw new ConfigError('HOST', `${hostProblem}, got ${JSON.stringify(host)}`);
  const publicUrlRaw = url('PUBLIC_URL', ['http:', 'https:']);
  const publicUrl = (publicUrlRaw ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const dataDir = path.resolve(raw('DATA_DIR') ?? './data');
  const dataDirProblem = checkDataDir(dataDir);
  if (dataDirProblem) throw new ConfigError('DATA_DIR', dataDirProblem);
  const logLevel = (raw('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  const secretKey = raw('SECRET_KEY') ?? '';
  if (secretKey && secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters (e.g. `openssl rand -base64 48`)');
  }
  const rateLimitRedisFailure = (raw('RATE_LIMIT_REDIS_FAILURE') ?? 'refuse') as Config['rateLimitRedisFailure'];
  if (!['refuse', 'local'].includes(rateLimitRedisFailure)) {
    throw new ConfigError('RATE_LIMIT_REDIS_FAILURE', `must be refuse or local, got ${JSON.stringify(rateLimitRedisFailure)}`);
  }
  const redisKeyPrefix = raw('REDIS_KEY_PREFIX') ?? 'pg:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix)) {
    throw new ConfigError('REDIS_KEY_PREFIX', `must be 1-64 letters, digits or :_.-, got ${JSON.stringify(redisKeyPrefix)}`);
  }
  const gatewayAssertionSecret = raw('GATEWAY_ASSERTION_SECRET') ?? null;
  if (gatewayAssertionSecret !== null && gatewayAssertionSecret.length < 32) {
    throw new ConfigError('GATEWAY_ASSERTION_SECRET', 'must be at least 32 characters (e.g. `openssl rand -base64 48`)');
  }
  const metricsToken = raw('METRICS_TOKEN') ?? null;
  if (metricsToken !== null && (metricsToken.length < 16 || !/^[\x21-\x7e]+$/.test(metricsToken))) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 printable characters without spaces (e.g. `openssl rand -base64 32`)');
  }
  const logFormat = (raw('LOG_FORMAT') ?? 'auto') as Config['logFormat'];
  if (!['auto', 'pretty', 'json'].includes(logFormat)) {
    throw new ConfigError('LOG_FORMAT', `must be auto, pretty or json, got ${JSON.stringify(logFormat)}`);
  }
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...jsonSetting<Record<string, number>>(raw('RATE_LIMITS'), 'RATE_LIMITS', isRateLimits) };
  const gatewayRoutes = jsonSetting<GatewayRouteConfig[]>(raw('GATEWAY_ROUTES'), 'GATEWAY_ROUTES', isGatewayRoutes) ?? [];

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseOwnerUrl = url('DATABASE_OWNER_URL', ['postgres:', 'postgresql:']);
  if (databaseOwnerUrl !== null) {
    if (databaseUrl === null) throw new ConfigError('DATABASE_OWNER_URL', 'needs DATABASE_URL (the application role the service connects as)');
    const appUser = decodeURIComponent(new URL(databaseUrl).username);
    if (appUser === '') throw new ConfigError('DATABASE_URL', 'must name its role (postgres://ROLE@host/db) when DATABASE_OWNER_URL is set: migrate grants that role what the service needs');
    if (appUser === decodeURIComponent(new URL(databaseOwnerUrl).username)) {
      throw new ConfigError('DATABASE_OWNER_URL', `must connect as another role than DATABASE_URL (both use ${appUser}): the service must not own the tables`);
    }
  }

  const cfg: Config = {
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl,
    databaseOwnerUrl,
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    logLevel,
    secretKey,
    sessionIdleTimeoutSec: int('SESSION_IDLE_TIMEOUT', 30 * 60, 60, 7 * 86400),
    sessionAbsoluteTimeoutSec: int('SESSION_ABSOLUTE_TIMEOUT', 12 * 3600, 300, 30 * 86400),
    cookieSecure: bool('COOKIE_SECURE', publicUrl.startsWith('https:')),
    trustProxy: bool('TRUST_PROXY', false),
    bodyLimitBytes: int('BODY_LIMIT', 1024 * 1024, 1024, 50 * 1024 * 1024),
    loginMaxAttempts: int('LOGIN_MAX_ATTEMPTS', 5, 1, 1000),
    loginWindowSec: int('LOGIN_WINDOW', 15 * 60, 1, 86400),
    delegationMaxDays: int('DELEGATION_MAX_DAYS', 730, 1, 3650),
    accessTokenTtlSec: int('ACCESS_TOKEN_TTL', 600, 30, 86400),
    refreshTokenTtlSec: int('REFRESH_TOKEN_TTL', 30 * 86400, 300, 365 * 86400),
    demo: bool('DEMO', false),
    gatewayRoutes,
    resourcesUpstreamUrl: url('RESOURCES_UPSTREAM_URL', ['http:', 'https:']),
    gatewayAssertionSecret,
    gatewayUpstreamTimeoutMs: int('GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
    rateLimitRedisFailure,
    redisKeyPrefix,
    redisCommandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', 100, 5, 10_000),
    rateLimits,
    configFile,
    scryptCost: int('SCRYPT_COST', 17, 10, 20),
    changeFeedPollMs: int('CHANGE_FEED_POLL_MS', 1000, 10, 3_600_000),
    gatewayAuditBacklog: int('GATEWAY_AUDIT_BACKLOG', 100_000, 1, 100_000_000),
    gatewayAuditFlushMs: int('GATEWAY_AUDIT_FLUSH_MS', 250, 10, 600_000),
    // One core stays the event loop's; the others may check signatures (at most 4 threads).
    gatewayVerifyThreads: int('GATEWAY_VERIFY_THREADS', Math.min(4, Math.max(0, availableParallelism() - 1)), 0, 64),
    metricsToken,
    metricsPartnerLabels: int('METRICS_PARTNER_LABELS', 50, 0, 10_000),
    logFormat,
    otelEndpoint: url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
    databaseConnectTimeoutMs: int('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    databasePoolSize: int('DATABASE_POOL_SIZE', 10, 1, 1000),
    databaseQueryTimeoutMs: int('DATABASE_QUERY_TIMEOUT_MS', 30_000, 0, 3_600_000),
  };
  if (cfg.sessionIdleTimeoutSec > cfg.sessionAbsoluteTimeoutSec) {
    throw new ConfigError('SESSION_IDLE_TIMEOUT', 'must not exceed SESSION_ABSOLUTE_TIMEOUT');
  }
  return Object.freeze(cfg);
}

/** Every setting, with its documentation; the README table is written from this list. */
export const SETTINGS: Record<string, string> = {
  PORT: 'TCP port to listen on (default 8080).',
  HOST: 'Interface to bind (default 127.0.0.1; use 0.0.0.0 in containers).',
  PUBLIC_URL: 'External base URL, used for the OAuth issuer, redirects and cookies (default http://localhost:PORT).',
  DATA_DIR: 'Folder for the embedded SQLite database and generated secrets (default ./data).',
  DATABASE_URL: 'postgres:// URL; when set, PostgreSQL is used instead of SQLite. With DATABASE_OWNER_URL, the application role the service connects as (not a superuser, NOBYPASSRLS, owning no table: row-level security applies to it).',
  DATABASE_OWNER_URL: 'postgres:// URL of the role that owns the schema: `migrate` (and `serve`, before it starts) applies migrations with it and grants DATABASE_URL\'s role what the service needs. Unset: DATABASE_URL\'s role migrates and serves (it then owns the tables; `partnergate db check` says what that costs).',
  REDIS_URL: 'redis:// URL; when set, rate-limit counters and the change feed are shared through Redis.',
  REDIS_KEY_PREFIX: 'Prefix of every Redis key and pub/sub channel (default pg:); give each installation sharing one Redis its own.',
  LOG_LEVEL: 'fatal | error | warn | info | debug | trace | silent (default info).',
  SECRET_KEY: 'Master secret (≥ 32 chars) that encrypts signing keys and keys secret hashes. Generated into DATA_DIR/secret.key when unset.',
  SESSION_IDLE_TIMEOUT: 'Seconds of inactivity after which a portal session ends (default 1800).',
  SESSION_ABSOLUTE_TIMEOUT: 'Seconds after login after which a portal session ends regardless of use (default 43200).',
  COOKIE_SECURE: 'Mark cookies Secure (default: true when PUBLIC_URL is https).',
  TRUST_PROXY: 'Trust X-Forwarded-For from a reverse proxy for client IPs (default false).',
  BODY_LIMIT: 'Largest accepted request body in bytes (default 1048576).',
  LOGIN_MAX_ATTEMPTS: 'Failed logins allowed per email and per IP within LOGIN_WINDOW (default 5).',
  LOGIN_WINDOW: 'Seconds over which failed logins are counted (default 900).',
  DELEGATION_MAX_DAYS: 'Longest allowed delegation, in days (default 730, like GDAP).',
  ACCESS_TOKEN_TTL: 'OAuth access token lifetime in seconds (default 600).',
  REFRESH_TOKEN_TTL: 'OAuth refresh token lifetime in seconds (default 2592000).',
  DEMO: 'Seed the demo world on an empty database at start (npm start sets it).',
  GATEWAY_ROUTES: 'JSON list of extra upstream routes for the gateway (config file recommended): each {name, prefix, upstream, rules, tenant_scoped}; a prefix may not overlap Partnergate\'s own paths.',
  GATEWAY_ASSERTION_SECRET: 'Secret (≥ 32 chars) from which each upstream\'s key for the signed gateway assertion is derived, per upstream name (`partnergate gateway upstream-key <name>` prints one). Default: derived from SECRET_KEY.',
  GATEWAY_UPSTREAM_TIMEOUT_MS: 'Milliseconds the gateway waits for an upstream to start answering (and between body chunks) before 504 upstream_timeout (default 30000).',
  RESOURCES_UPSTREAM_URL: 'Base URL of the reference resource service when it runs as its own process (`partnergate upstream serve`), e.g. http://10.0.0.5:8090/v1; unset = it runs inside this process on a loopback port.',
  RATE_LIMITS: 'JSON object of requests/minute per route class, merged over the defaults; a key `<partner_id>:<class>` sets one partner\'s limit. (Agency embed tokens are fixed at 20/min per token.)',
  RATE_LIMIT_REDIS_FAILURE: 'refuse (503 rate_limiter_unavailable, default) or local (fall back to per-instance counters) when Redis is down or does not answer within REDIS_COMMAND_TIMEOUT_MS. Applies to every limit: gateway, agency tokens, logins, OAuth client authentication, partner applications.',
  REDIS_COMMAND_TIMEOUT_MS: 'Milliseconds a request waits for a Redis answer before RATE_LIMIT_REDIS_FAILURE applies (default 100); nothing waits for a reconnect. See "Running on PostgreSQL and Redis".',
  SCRYPT_COST: 'log2 of the scrypt N parameter for new password hashes (default 17, OWASP minimum; lower only in tests).',
  CHANGE_FEED_POLL_MS: 'Milliseconds between re-reads of the change-feed outbox when no Redis nudge arrived (default 1000). Changes normally arrive at once by pub/sub (REDIS_URL) or in-process; the poll only bounds how late a lost message can be.',
  GATEWAY_AUDIT_FLUSH_MS: 'Milliseconds between writes of the gateway\'s batched access events (default 250): how long an event waits for the database (in memory and in the spool in DATA_DIR, so a crash loses none), and the window in which identical requests become one event.',
  GATEWAY_VERIFY_THREADS: 'Worker threads that check the signatures of access tokens the gateway has not seen yet, in batches, so a stream of new tokens uses more than one core (default: CPU cores − 1, at most 4; 0 = the gateway\'s own thread checks them).',
  GATEWAY_AUDIT_BACKLOG: 'Gateway access events waiting to be written beyond which the gateway answers 503 audit_backlog_full instead of serving unaudited requests (default 100000; reached only when the database refuses writes for a while).',
  METRICS_TOKEN: 'Turns metrics on: Prometheus text at /metrics for scrapes sending `Authorization: Bearer <METRICS_TOKEN>` (≥ 16 characters). Unset (default): nothing is collected and /metrics answers 404.',
  METRICS_PARTNER_LABELS: 'Partners that get a label of their own in the gateway decision metrics, in the order this instance first sees them; the rest count as `other` (default 50).',
  LOG_FORMAT: 'auto (default: human-readable when stdout is a terminal, JSON otherwise) | pretty | json.',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318): turns OpenTelemetry tracing on, spans exported to <url>/v1/traces. Unset (default): no tracing.',
  DATABASE_POOL_SIZE: 'PostgreSQL: connections each instance keeps to the database (default 10). Writers no longer queue on one lock, so concurrent requests are bounded by this pool and by what the database can take: raise it with the concurrency an instance serves.',
  DATABASE_CONNECT_TIMEOUT_MS: 'PostgreSQL: milliseconds a request waits for a database connection (a new one, or a free one of the pool) before it answers 503 database_unavailable (default 5000).',
  DATABASE_QUERY_TIMEOUT_MS: 'PostgreSQL: milliseconds a query waits for its answer before it fails and its connection is dropped — what a frozen database server costs a request (default 30000; 0 = no limit).',
  CONFIG_FILE: 'Path of an optional JSON file holding any of these settings; environment variables win.',
};

const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** An IP literal (v4 or v6, no brackets) or a hostname (RFC 1123 labels, _ allowed as resolvers do; not all-numeric: 999.1.1.1 is no host). */
function checkHost(host: string): string | null {
  if (isIP(host)) return null;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = name.split('.');
  if (name.length === 0 || name.length > 253 || !labels.every((l) => HOST_LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    return 'must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) or a hostname';
  }
  return null;
}

/** DATA_DIR, if it exists, is a folder; if not, the nearest existing parent is one (it is created on start). */
function checkDataDir(dir: string): string | null {
  for (let p = dir; ; p = path.dirname(p)) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && path.dirname(p) !== p) continue;
      if (code === 'ENOTDIR') continue;
      return `cannot check ${dir} (${code ?? (e as Error).message})`;
    }
    if (st.isDirectory()) return null;
    return p === dir ? `${dir} exists and is not a folder` : `${dir} cannot be created: ${p} is not a folder`;
  }
}

function redact(v: string): string {
  return v.replace(/\/\/([^@/]*)@/, '//***@');
}

function jsonSetting<T>(v: string | undefined, name: string, guard: (x: unknown) => string | null): T | undefined {
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new ConfigError(name, 'must be valid JSON');
  }
  const problem = guard(parsed);
  if (problem) throw new ConfigError(name, problem);
  return parsed as T;
}

function isRateLimits(x: unknown): string | null {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'must be an object of class → requests per minute';
  for (const [k, v] of Object.entries(x)) {
    // seed 004 locks agency embed tokens at 20 requests/min/token: not a setting
    if (k === 'agency' || k.endsWith(':agency')) return 'agency embed tokens are fixed at 20 requests per minute per token and cannot be changed here';
    if (!Number.isInteger(v) || (v as number) < 1) return `class ${k} must be a positive integer, got ${JSON.stringify(v)}`;
  }
  return null;
}

/**
 * Paths Partnergate serves itself. An operator route may not sit on, above or below one of them
 * (`/` is the portal root, so it clashes with everything); under /resources it may add its own
 * prefix beside or below the reference service's /resources/v1 (e.g. /resources/v1/crm).
 */
export const RESERVED_PATH_PREFIXES = ['/api', '/oauth', '/embed', '/authz', '/docs', '/.well-known', '/assets', '/healthz', '/readyz', '/openapi.json', '/metrics'] as const;
const REFERENCE_PREFIX = '/resources/v1';
/** The reference resource service's upstream name (its assertion key derives from it). */
export const REFERENCE_UPSTREAM_NAME = 'reference-resources';
const UPSTREAM_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function prefixClash(prefix: string): string | null {
  const p = prefix.replace(/\/+$/, '');
  if (p === '') return "the portal root (/): a route prefix must name a path of its own, e.g. /resources/v1/crm";
  const under = (a: string, b: string) => a === b || a.startsWith(b + '/');
  for (const r of RESERVED_PATH_PREFIXES) {
    if (under(p, r) || under(r, p)) return `Partnergate's own ${r} paths`;
  }
  if (p === REFERENCE_PREFIX || under(REFERENCE_PREFIX, p)) return `the reference resource service's ${REFERENCE_PREFIX} (use a prefix of its own, e.g. ${REFERENCE_PREFIX}/crm)`;
  return null;
}

function isGatewayRoutes(x: unknown): string | null {
  if (!Array.isArray(x)) return 'must be a list of routes';
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const [i, r] of x.entries()) {
    if (!r || typeof r !== 'object') return `route ${i} must be an object`;
    const route = r as Record<string, unknown>;
    if (typeof route.name !== 'string' || !UPSTREAM_NAME.test(route.name)) return `route ${i}: name must be 1-63 lowercase letters, digits or ._- (it derives the upstream's assertion key)`;
    if (route.name === REFERENCE_UPSTREAM_NAME) return `route ${i}: the name ${REFERENCE_UPSTREAM_NAME} belongs to the reference resource service`;
    if (names.has(route.name)) return `route ${i}: the name ${route.name} is used twice`;
    names.add(route.name);
    if (typeof route.prefix !== 'string' || !route.prefix.startsWith('/')) return `route ${i} (${route.name}): prefix must start with /`;
    const clash = prefixClash(route.prefix);
    if (clash) return `route ${i} (${route.name}): prefix ${route.prefix} clashes with ${clash}`;
    const norm = route.prefix.replace(/\/+$/, '');
    if (prefixes.has(norm)) return `route ${i} (${route.name}): prefix ${route.prefix} is used by another route`;
    prefixes.add(norm);
    try {
      const u = new URL(String(route.upstream));
      if (!['http:', 'https:'].includes(u.protocol)) return `route ${i} (${route.name}): upstream must be http(s)`;
    } catch {
      return `route ${i} (${route.name}): upstream must be a URL`;
    }
    if (!Array.isArray(route.rules) || route.rules.length === 0) return `route ${i} (${route.name}): rules must be a non-empty list`;
    for (const [j, rule] of (route.rules as Record<string, unknown>[]).entries()) {
      if (typeof rule?.method !== 'string' || typeof rule?.path !== 'string' || typeof rule?.permission !== 'string') {
        return `route ${i} (${route.name}) rule ${j}: needs method, path and permission`;
      }
    }
  }
  return null;
}
