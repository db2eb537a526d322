/**
 * The one place that reads process.env (and the optional config file).
 * Validates them once against the settings schema (settings.ts: type, bounds, default and description of
 * every setting) and returns a frozen, typed Config; a bad value throws ConfigError naming the setting.
 */
import { isGatewayRoutes, REFERENCE_UPSTREAM_NAME, RESERVED_PATH_PREFIXES } from './gateway-routes-setting.ts';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { availableParallelism, hostname } from 'node:os';
import type { Static } from 'typebox';
import Value from 'typebox/value';
import { DEFAULT_RATE_LIMITS, SETTINGS, SETTING_NAMES, settingSchema, type SettingName, type SettingsSchema } from './settings.ts';
import { readSecretFiles, SecretFileError } from './secret-files.ts';

export { REFERENCE_UPSTREAM_NAME, RESERVED_PATH_PREFIXES };

export interface GatewayRouteConfig {
  /** The upstream's name: it names the upstream in logs and derives its assertion key (`partnergate gateway upstream-key <name>`). */
  name: string;
  /** Path prefix under /resources or any custom prefix, e.g. "/resources/v1/crm" (not one of Partnergate's own). */
  prefix: string;
  /** Upstream base URL; the gateway forwards `prefix + rest` to `upstream + rest`. */
  upstream: string;
  /**
   * method + path pattern → permission. Patterns are relative to prefix, `:param` segments allowed.
   * `purpose`: the purpose catalog id the rule's calls serve (purpose-bound consent); the operator
   * may set another one in the purpose catalog, which then wins.
   */
  rules: { method: string; path: string; permission: string; rate_class?: string; purpose?: string }[];
  /** true when the route acts on one tenant's data (needs tenant context). */
  tenant_scoped?: boolean;
}

/** Redis through Sentinel: where the Sentinels are, which master they watch, and the credentials of both. */
export interface RedisSentinelConfig {
  sentinels: { host: string; port: number }[];
  masterName: string;
  username: string | null;
  password: string | null;
  sentinelUsername: string | null;
  sentinelPassword: string | null;
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
  passwordResetTtlSec: number;
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
  /** CIBA's poll interval, seconds (CIBA §7.3 `interval`) */
  cibaPollIntervalSec: number;
  /** the algorithm whose key signs access tokens (ACCESS_TOKEN_SIGNING_ALG) */
  accessTokenSigningAlg: 'ES256' | 'RS256' | 'EdDSA';
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
  /** share of the traces started here that are recorded (parent-based sampling), 0..1 */
  otelSampleRatio: number;
  /** service.instance.id of the traces: the setting, else host name and process id */
  otelInstanceId: string;
  /** PostgreSQL: how long a query waits for a connection before it fails with 503 database_unavailable (ms). */
  databaseConnectTimeoutMs: number;
  /** PostgreSQL: connections per instance */
  databasePoolSize: number;
  /** PostgreSQL: how long a query waits for its answer before it fails (ms; 0 = no limit). */
  databaseQueryTimeoutMs: number;
  // ---- high availability (docs/operators/high-availability.md); see highAvailability() below
  /** Redis through Sentinel (REDIS_SENTINELS); null = REDIS_URL or no Redis */
  redisSentinel: RedisSentinelConfig | null;
  /** PostgreSQL: the statements run on every request as named prepared statements (off behind PgBouncer < 1.21 in transaction mode) */
  databasePreparedStatements: boolean;
  /** On SIGTERM: how long the instance drains (requests in flight, access events) before it exits (ms). */
  shutdownGraceMs: number;
  /** smtp(s):// URL; null = the local mail outbox */
  smtpUrl: string | null;
  mailFrom: string;
  /** webhook endpoints may be private or loopback addresses (SSRF guard off) */
  webhookAllowPrivateTargets: boolean;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookDisableAfterFailures: number;
  /** batches a data source may send to the sync API per minute */
  syncBatchesPerMinute: number;
  /** events worker period (ms); 0 = not started */
  notifyWorkerIntervalMs: number;
  lifecycleSweepIntervalMs: number;
  /** DNS server (ip or ip:port) for domain verification; null = the system resolver */
  dnsResolver: string | null;
  /** how often verified sign-in domains are re-checked (ms); 0 = never */
  domainRecheckIntervalMs: number;
  /** how often a SAML identity provider's metadata is re-read from its address (ms) */
  samlMetadataRefreshIntervalMs: number;
  /** Stripe's API base URL (a Stripe data source's backfill and customer look-ups) */
  stripeApiBase: string;
}

export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`Invalid setting ${setting}: ${problem}`);
    this.setting = setting;
  }
}

type Env = Record<string, string | undefined>;

export { DEFAULT_RATE_LIMITS, SETTINGS };

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

/** Checks a schema cannot state (a folder that can be created, a host name, route prefixes that clash), by setting; each returns the problem or null. */
const REFINEMENTS: Partial<Record<SettingName, (v: never) => string | null>> = {
  HOST: (host: string) => {
    const p = checkHost(host);
    return p && `${p}, got ${JSON.stringify(host)}`;
  },
  DATA_DIR: (dir: string) => checkDataDir(path.resolve(dir)),
  REDIS_SENTINELS: (list: string) => sentinelListProblem(list),
  RATE_LIMITS: isRateLimits,
  GATEWAY_ROUTES: isGatewayRoutes,
};

const or = (xs: readonly string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/** The text of one setting → its typed value: the type first, then the checks above, then the schema's bounds. */
function parseSetting(name: SettingName, v: string): unknown {
  const schema = settingSchema(name);
  let value: unknown = v;
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(v.trim())) throw new ConfigError(name, `must be an integer, got ${JSON.stringify(v)}`);
    value = Number(v);
  } else if (schema.type === 'number') {
    if (!/^\d+(\.\d+)?$/.test(v.trim())) throw new ConfigError(name, `must be a number, got ${JSON.stringify(v)}`);
    value = Number(v);
  } else if (schema.type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(v)) value = true;
    else if (/^(0|false|no|off)$/i.test(v)) value = false;
    else throw new ConfigError(name, `must be true or false, got ${JSON.stringify(v)}`);
  } else if (schema.type === 'object' || schema.type === 'array') {
    try {
      value = JSON.parse(v);
    } catch {
      throw new ConfigError(name, 'must be valid JSON');
    }
  } else if (schema.protocols) {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      // h1:5432,h2:5432 does not even parse as a URL
      if (/^postgres(ql)?:\/\/[^/?#]*,/.test(v)) throw new ConfigError(name, multiHostProblem(new URL('postgres://h1,h2'))!);
      throw new ConfigError(name, `must be a URL, got ${JSON.stringify(redact(v))}`);
    }
    if (!schema.protocols.includes(u.protocol)) throw new ConfigError(name, `must use ${schema.protocols.join(' or ')}, got ${u.protocol}`);
    const hosts = multiHostProblem(u);
    if (hosts) throw new ConfigError(name, hosts);
  }
  // A default is trusted as it is (SECRET_KEY's '' means "generate one").
  if (value === schema.default) return value;
  const problem = (REFINEMENTS[name] as ((x: unknown) => string | null) | undefined)?.(value);
  if (problem) throw new ConfigError(name, problem);
  if (!Value.Check(schema, value)) {
    const got = schema.secret ? '' : `, got ${JSON.stringify(value)}`;
    if (schema.type === 'integer' || schema.type === 'number') throw new ConfigError(name, `must be between ${schema.minimum} and ${schema.maximum}${got}`);
    if (schema.enum) throw new ConfigError(name, `must be ${or(schema.enum)}${got}`);
    if (schema.problem) throw new ConfigError(name, schema.problem + got);
    const first = Value.Errors(schema, value)[0];
    throw new ConfigError(name, `${first?.instancePath ? first.instancePath.slice(1) + ' ' : ''}${first?.message ?? 'is not valid'}`);
  }
  return value;
}

type Settings = { [N in SettingName]: Static<(typeof SettingsSchema.properties)[N]> };

export function loadConfig(env: Env = process.env, overrides: Partial<Record<string, string>> = {}): Readonly<Config> {
  const { configFile, given } = readSettings(env, overrides);
  /** the value given, else the schema's default (a copy: the config is frozen, the schema is shared) */
  const get = <N extends SettingName>(name: N): Settings[N] => (name in given ? given[name] : structuredClone(settingSchema(name).default)) as Settings[N];
  const opt = <N extends SettingName>(name: N): Settings[N] | null => (name in given ? (given[name] as Settings[N]) : null);
  return Object.freeze(buildConfig({ get, opt }, configFile));
}

/** The settings given, from the overrides, the environment and the settings file (in that order), each validated. */
function readSettings(env: Env, overrides: Partial<Record<string, string>>): { configFile: string | null; given: Partial<Settings> } {
  const configFile = overrides.CONFIG_FILE ?? env.CONFIG_FILE ?? null;
  const file = configFile ? readConfigFile(configFile) : {};
  const known = new Set<string>(SETTING_NAMES);
  for (const k of Object.keys(file)) {
    if (!known.has(k)) throw new ConfigError(k, `unknown setting in ${configFile}`);
  }
  const direct = (name: string): string | undefined => {
    if (overrides[name] !== undefined) return overrides[name];
    if (env[name] !== undefined && env[name] !== '') return env[name];
    const v = file[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  // Secret settings may come from files instead (DATABASE_URL_FILE …: secret-files.ts).
  let fromFiles: Map<SettingName, string>;
  try {
    fromFiles = readSecretFiles(env, (name) => direct(name) !== undefined);
  } catch (e) {
    if (e instanceof SecretFileError) throw new ConfigError(e.variable, e.message);
    throw e;
  }
  const raw = (name: SettingName): string | undefined => direct(name) ?? fromFiles.get(name);
  // Validated once, in the schema's order: the first bad value stops the process, named.
  const given: Partial<Settings> = {};
  for (const name of SETTING_NAMES) {
    const v = raw(name);
    if (v !== undefined) (given as Record<string, unknown>)[name] = parseSetting(name, v);
  }
  return { configFile, given };
}

/** A setting's value, or its default (get); a setting's value or null (opt). */
interface SettingReaders {
  get: <N extends SettingName>(name: N) => Settings[N];
  opt: <N extends SettingName>(name: N) => Settings[N] | null;
}

/** DATABASE_OWNER_URL, when set, must be another role than the one the service connects as. */
function checkDatabaseRoles(databaseUrl: string | null, databaseOwnerUrl: string | null): void {
  if (databaseOwnerUrl !== null) {
    if (databaseUrl === null) throw new ConfigError('DATABASE_OWNER_URL', 'needs DATABASE_URL (the application role the service connects as)');
    const appUser = decodeURIComponent(new URL(databaseUrl).username);
    if (appUser === '') throw new ConfigError('DATABASE_URL', 'must name its role (postgres://ROLE@host/db) when DATABASE_OWNER_URL is set: migrate grants that role what the service needs');
    if (appUser === decodeURIComponent(new URL(databaseOwnerUrl).username)) {
      throw new ConfigError('DATABASE_OWNER_URL', `must connect as another role than DATABASE_URL (both use ${appUser}): the service must not own the tables`);
    }
  }
}

/** The typed config from the settings: defaults applied, derived values worked out, cross-setting rules checked. */
function buildConfig({ get, opt }: SettingReaders, configFile: string | null): Config {
  const port = get('PORT');
  const publicUrl = (opt('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const databaseUrl = opt('DATABASE_URL');
  const databaseOwnerUrl = opt('DATABASE_OWNER_URL');
  checkDatabaseRoles(databaseUrl, databaseOwnerUrl);

  const cfg: Config = {
    port,
    host: get('HOST'),
    publicUrl,
    dataDir: path.resolve(get('DATA_DIR')),
    databaseUrl,
    databaseOwnerUrl,
    redisUrl: opt('REDIS_URL'),
    passwordResetTtlSec: get('PASSWORD_RESET_TTL'),
    logLevel: get('LOG_LEVEL'),
    secretKey: get('SECRET_KEY'),
    sessionIdleTimeoutSec: get('SESSION_IDLE_TIMEOUT'),
    sessionAbsoluteTimeoutSec: get('SESSION_ABSOLUTE_TIMEOUT'),
    cookieSecure: opt('COOKIE_SECURE') ?? publicUrl.startsWith('https:'),
    trustProxy: get('TRUST_PROXY'),
    bodyLimitBytes: get('BODY_LIMIT'),
    loginMaxAttempts: get('LOGIN_MAX_ATTEMPTS'),
    loginWindowSec: get('LOGIN_WINDOW'),
    delegationMaxDays: get('DELEGATION_MAX_DAYS'),
    accessTokenTtlSec: get('ACCESS_TOKEN_TTL'),
    cibaPollIntervalSec: get('CIBA_POLL_INTERVAL'),
    accessTokenSigningAlg: get('ACCESS_TOKEN_SIGNING_ALG'),
    refreshTokenTtlSec: get('REFRESH_TOKEN_TTL'),
    demo: get('DEMO'),
    gatewayRoutes: get('GATEWAY_ROUTES'),
    resourcesUpstreamUrl: opt('RESOURCES_UPSTREAM_URL'),
    gatewayAssertionSecret: opt('GATEWAY_ASSERTION_SECRET'),
    gatewayUpstreamTimeoutMs: get('GATEWAY_UPSTREAM_TIMEOUT_MS'),
    rateLimitRedisFailure: get('RATE_LIMIT_REDIS_FAILURE'),
    redisKeyPrefix: get('REDIS_KEY_PREFIX'),
    redisCommandTimeoutMs: get('REDIS_COMMAND_TIMEOUT_MS'),
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...get('RATE_LIMITS') },
    configFile,
    scryptCost: get('SCRYPT_COST'),
    changeFeedPollMs: get('CHANGE_FEED_POLL_MS'),
    gatewayAuditBacklog: get('GATEWAY_AUDIT_BACKLOG'),
    gatewayAuditFlushMs: get('GATEWAY_AUDIT_FLUSH_MS'),
    // One core stays the event loop's; the others may check signatures (at most 4 threads).
    gatewayVerifyThreads: opt('GATEWAY_VERIFY_THREADS') ?? Math.min(4, Math.max(0, availableParallelism() - 1)),
    metricsToken: opt('METRICS_TOKEN'),
    metricsPartnerLabels: get('METRICS_PARTNER_LABELS'),
    logFormat: get('LOG_FORMAT'),
    otelEndpoint: opt('OTEL_EXPORTER_OTLP_ENDPOINT'),
    otelSampleRatio: get('OTEL_TRACES_SAMPLER_RATIO'),
    otelInstanceId: opt('OTEL_SERVICE_INSTANCE_ID') ?? `${hostname()}-${process.pid}`,
    databaseConnectTimeoutMs: get('DATABASE_CONNECT_TIMEOUT_MS'),
    databaseQueryTimeoutMs: get('DATABASE_QUERY_TIMEOUT_MS'),
    databasePoolSize: get('DATABASE_POOL_SIZE'),
    smtpUrl: opt('SMTP_URL'),
    mailFrom: get('MAIL_FROM'),
    webhookAllowPrivateTargets: get('WEBHOOK_ALLOW_PRIVATE_TARGETS'),
    webhookTimeoutMs: get('WEBHOOK_TIMEOUT_MS'),
    webhookMaxAttempts: get('WEBHOOK_MAX_ATTEMPTS'),
    webhookDisableAfterFailures: get('WEBHOOK_DISABLE_AFTER_FAILURES'),
    syncBatchesPerMinute: get('SYNC_BATCHES_PER_MINUTE'),
    notifyWorkerIntervalMs: get('NOTIFY_WORKER_INTERVAL_MS'),
    lifecycleSweepIntervalMs: get('LIFECYCLE_SWEEP_INTERVAL_MS'),
    dnsResolver: dnsResolver(opt('DNS_RESOLVER')),
    domainRecheckIntervalMs: get('DOMAIN_RECHECK_INTERVAL_MS'),
    samlMetadataRefreshIntervalMs: get('SAML_METADATA_REFRESH_INTERVAL_MS'),
    stripeApiBase: get('STRIPE_API_BASE').replace(/\/+$/, ''),
    ...highAvailability({ get, opt }),
  };
  if (cfg.sessionIdleTimeoutSec > cfg.sessionAbsoluteTimeoutSec) {
    throw new ConfigError('SESSION_IDLE_TIMEOUT', 'must not exceed SESSION_ABSOLUTE_TIMEOUT');
  }
  return cfg;
}

/** DNS_RESOLVER as node's resolver takes it (an IP address with an optional port), checked by the resolver itself. */
function dnsResolver(v: string | null): string | null {
  if (v === null) return null;
  try {
    new Resolver().setServers([v]);
  } catch {
    throw new ConfigError('DNS_RESOLVER', `must be an IP address with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53), not ${JSON.stringify(v)}`);
  }
  return v;
}

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

function isRateLimits(x: unknown): string | null {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'must be an object of class → requests per minute';
  for (const [k, v] of Object.entries(x)) {
    // the agency embed requirement fixes agency embed tokens at 20 requests/min/token: not a setting
    if (k === 'agency' || k.endsWith(':agency')) return 'agency embed tokens are fixed at 20 requests per minute per token and cannot be changed here';
    if (!Number.isInteger(v) || (v as number) < 1) return `class ${k} must be a positive integer, got ${JSON.stringify(v)}`;
  }
  return null;
}

// ---- high availability (docs/operators/high-availability.md) ------------------------------------

/** REDIS_SENTINELS and friends, DATABASE_PREPARED_STATEMENTS, SHUTDOWN_GRACE_MS, with their cross-setting rules. */
function highAvailability({ get, opt }: SettingReaders): Pick<Config, 'redisSentinel' | 'databasePreparedStatements' | 'shutdownGraceMs'> {
  const list = opt('REDIS_SENTINELS');
  const credentials = (['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'] as const).filter((n) => opt(n) !== null);
  if (list === null && credentials.length > 0) {
    throw new ConfigError(credentials[0], 'is read with REDIS_SENTINELS only (with REDIS_URL, put the credentials in the URL: rediss://user:password@host:6379)');
  }
  if (list !== null && opt('REDIS_URL') !== null) throw new ConfigError('REDIS_SENTINELS', 'is instead of REDIS_URL: set one of them (the Sentinels name the master)');
  return {
    redisSentinel:
      list === null
        ? null
        : {
            sentinels: parseSentinels(list),
            masterName: get('REDIS_SENTINEL_MASTER'),
            username: opt('REDIS_USERNAME'),
            password: opt('REDIS_PASSWORD'),
            sentinelUsername: opt('REDIS_SENTINEL_USERNAME'),
            sentinelPassword: opt('REDIS_SENTINEL_PASSWORD'),
          },
    databasePreparedStatements: get('DATABASE_PREPARED_STATEMENTS'),
    shutdownGraceMs: get('SHUTDOWN_GRACE_MS'),
  };
}

/** `host:port,host:port` (IPv6 as [addr]:port) → addresses; throws on a malformed entry. */
function parseSentinels(list: string): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const m = /^\s*(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})\s*$/.exec(entry);
    const host = m?.[1] ?? m?.[2];
    const port = Number(m?.[3]);
    if (!m || !host || port < 1 || port > 65535 || checkHost(host) !== null) {
      throw new ConfigError('REDIS_SENTINELS', `must be a comma-separated list of host:port (e.g. 10.0.0.1:26379,10.0.0.2:26379), not ${JSON.stringify(entry.trim())}`);
    }
    return { host, port };
  });
}

function sentinelListProblem(list: string): string | null {
  try {
    parseSentinels(list);
    return null;
  } catch (e) {
    return (e as ConfigError).message.replace(/^Invalid setting REDIS_SENTINELS: /, '');
  }
}

/**
 * libpq's multi-host URLs (`postgres://h1:5432,h2:5432/db?target_session_attrs=read-write`) are
 * not understood by the PostgreSQL driver (node-postgres takes one host), which would try a host
 * named `h1,h2` forever: refused at start, pointing at the supported way.
 */
function multiHostProblem(u: URL): string | null {
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return null;
  if (!u.hostname.includes(',')) return null;
  return 'names several hosts, which the PostgreSQL driver does not support: put HAProxy with Patroni\'s health checks in front of the cluster and give its address (see docs/operators/high-availability.md)';
}
