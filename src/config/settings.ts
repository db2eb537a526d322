/**
 * Every setting Partnergate reads, as one TypeBox schema: its type, bounds, default and description.
 * config.ts validates the environment and the config file against it once, at start; the configuration reference's
 * settings table is written from it (`npm run generate:settings`, src/config/settings-table.ts).
 *
 * Annotations beyond JSON Schema, read by the loader and the table:
 *   defaultText  the default in words, for a default the loader works out (from PORT, the CPU count …)
 *   allowed      what the table's "allowed" column says when the type alone does not say it
 *   problem      the refusal's wording when the value fails the schema ("must be …")
 *   secret       never quote the value in a refusal
 *   protocols    a URL setting's accepted schemes
 */
import Type, { type TSchema, type TSchemaOptions } from 'typebox';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULT_RATE_LIMITS: Record<string, number> = {
  // the MSP API: 100–500 requests/min depending on the endpoint class
  read: 500,
  write: 100,
  export: 100,
  default: 300,
  partner: 5000,
};

interface Doc extends TSchemaOptions {
  description: string;
  default?: unknown;
  defaultText?: string;
  allowed?: string;
  problem?: string;
  secret?: boolean;
}

const int = (min: number, max: number, doc: Doc) => Type.Integer({ minimum: min, maximum: max, ...doc });
const bool = (doc: Doc) => Type.Boolean(doc);
const text = (doc: Doc & { minLength?: number; pattern?: string }) => Type.String(doc);
const choice = <const T extends string[]>(values: [...T], doc: Doc) => Type.Enum<T>(values, doc);
const url = (protocols: string[], doc: Doc) =>
  Type.String({ protocols, allowed: `${protocols.map((p) => p + '//').join(' or ')} URL`, secret: true, defaultText: 'unset', ...doc });

const SECRET_HINT = '(e.g. `openssl rand -base64 48`)';

/** A gateway upstream route in GATEWAY_ROUTES (config.ts checks what a schema cannot: names, clashes). */
export const GatewayRouteSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' }),
  prefix: Type.String({ pattern: '^/' }),
  upstream: Type.String(),
  rules: Type.Array(
    Type.Object({ method: Type.String(), path: Type.String(), permission: Type.String(), rate_class: Type.Optional(Type.String()), purpose: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' })) }),
    { minItems: 1 },
  ),
  tenant_scoped: Type.Optional(Type.Boolean()),
});

/** Keys are the environment variables' names (and the config file's keys); the order is the configuration reference's. */
export const SettingsSchema = Type.Object({
  PORT: int(0, 65535, { default: 8080, description: 'TCP port to listen on.' }),
  HOST: text({ default: '127.0.0.1', allowed: 'IP address or hostname', description: 'Interface to bind (use 0.0.0.0 in containers).' }),
  PUBLIC_URL: url(['http:', 'https:'], { defaultText: 'http://localhost:PORT', secret: false, description: 'External base URL, used for the OAuth issuer, redirects and cookies.' }),
  DATA_DIR: text({ default: './data', allowed: 'folder path (created on start)', description: 'Folder for the embedded SQLite database and generated secrets.' }),
  DATABASE_URL: url(['postgres:', 'postgresql:'], {
    defaultText: 'unset (SQLite in DATA_DIR)',
    description:
      'When set, PostgreSQL is used instead of SQLite. With `DATABASE_OWNER_URL`, the application role the service connects as (not a superuser, `NOBYPASSRLS`, owning no table: row-level security applies to it).',
  }),
  DATABASE_OWNER_URL: url(['postgres:', 'postgresql:'], {
    description:
      "The role that owns the schema: `migrate` (and `serve`, before it starts) applies migrations with it and grants `DATABASE_URL`'s role what the service needs. Unset: `DATABASE_URL`'s role migrates and serves (it then owns the tables; `partnergate db check` says what that costs).",
  }),
  REDIS_URL: url(['redis:', 'rediss:'], { description: 'When set, rate-limit counters and the change feed are shared through Redis.' }),
  PASSWORD_RESET_TTL: int(300, 86_400, { default: 1800, description: 'Seconds a password-reset link works (it works once).' }),
  REDIS_KEY_PREFIX: text({
    default: 'pg:',
    pattern: '^[A-Za-z0-9:_.-]{1,64}$',
    allowed: '1-64 letters, digits or `:_.-`',
    problem: 'must be 1-64 letters, digits or :_.-',
    description: 'Prefix of every Redis key and pub/sub channel; give each installation sharing one Redis its own.',
  }),
  LOG_LEVEL: choice([...LOG_LEVELS], { default: 'info', description: 'How much the service logs.' }),
  SECRET_KEY: text({
    default: '',
    defaultText: 'generated into DATA_DIR/secret.key',
    minLength: 32,
    allowed: '≥ 32 characters',
    problem: `must be at least 32 characters ${SECRET_HINT}`,
    secret: true,
    description: 'Master secret that encrypts signing keys and keys secret hashes.',
  }),
  SESSION_IDLE_TIMEOUT: int(60, 7 * 86400, { default: 30 * 60, description: 'Seconds of inactivity after which a portal session ends (at most `SESSION_ABSOLUTE_TIMEOUT`).' }),
  SESSION_ABSOLUTE_TIMEOUT: int(300, 30 * 86400, { default: 12 * 3600, description: 'Seconds after login after which a portal session ends regardless of use.' }),
  COOKIE_SECURE: bool({ defaultText: 'true when PUBLIC_URL is https', description: 'Mark cookies Secure.' }),
  TRUST_PROXY: bool({ default: false, description: 'Trust X-Forwarded-For from a reverse proxy for client IPs.' }),
  BODY_LIMIT: int(1024, 50 * 1024 * 1024, { default: 1024 * 1024, description: 'Largest accepted request body in bytes.' }),
  LOGIN_MAX_ATTEMPTS: int(1, 1000, { default: 5, description: 'Failed logins allowed per email and per IP within `LOGIN_WINDOW`.' }),
  LOGIN_WINDOW: int(1, 86400, { default: 15 * 60, description: 'Seconds over which failed logins are counted.' }),
  DELEGATION_MAX_DAYS: int(1, 3650, { default: 730, description: 'Longest allowed delegation, in days (730 is GDAP’s limit too).' }),
  ACCESS_TOKEN_TTL: int(30, 86400, { default: 600, description: 'OAuth access token lifetime in seconds.' }),
  ACCESS_TOKEN_SIGNING_ALG: choice(['ES256', 'RS256', 'EdDSA'], {
    default: 'ES256',
    description:
      'Algorithm of the key that signs OAuth access tokens. An ES256, an RS256 and an EdDSA (Ed25519) key are always published in the JWKS; ID tokens are RS256, OpenID Connect\'s default. Cost per token on the reference machine (the performance guide, signature algorithms): ES256 signs in ~62 µs and is verified in ~46 µs; RS256 signs in ~264 µs and is verified in ~17 µs, with tokens 256 characters longer; EdDSA signs in ~65 µs and is verified in ~65 µs. Every client library verifies RS256, nearly every one ES256; EdDSA needs a client (and any proxy that checks tokens) that supports it. ES256 costs an installation least when it issues the tokens its gateway checks; RS256 suits gateways sized apart from the token endpoint.',
  }),
  CIBA_POLL_INTERVAL: int(1, 60, { default: 5, description: 'Seconds a CIBA app waits between two polls of one request (`interval`); a poll sooner is answered `slow_down`.' }),
  REFRESH_TOKEN_TTL: int(300, 365 * 86400, { default: 30 * 86400, description: 'OAuth refresh token lifetime in seconds.' }),
  DEMO: bool({ default: false, description: 'Seed the demo world on an empty database at start (npm start sets it).' }),
  GATEWAY_ROUTES: Type.Array(GatewayRouteSchema, {
    default: [],
    allowed: 'JSON list',
    description:
      "Extra upstream routes for the gateway (config file recommended): each `{name, prefix, upstream, rules, tenant_scoped}`, each rule `{method, path, permission, rate_class?, purpose?}`; a prefix may not overlap Partnergate's own paths. A rule's `purpose` (a purpose catalog id, e.g. billing_management) is what its calls serve: a partner is admitted only when the customer granted its access for it, and a request naming another purpose (X-Purpose) is refused.",
  }),
  RESOURCES_UPSTREAM_URL: url(['http:', 'https:'], {
    defaultText: 'unset (inside this process)',
    secret: false,
    description: 'Base URL of the reference resource service when it runs as its own process (`partnergate upstream serve`), e.g. http://10.0.0.5:8090/v1; unset = it runs inside this process on a loopback port.',
  }),
  GATEWAY_ASSERTION_SECRET: text({
    defaultText: 'derived from `SECRET_KEY`',
    minLength: 32,
    allowed: '≥ 32 characters',
    problem: `must be at least 32 characters ${SECRET_HINT}`,
    secret: true,
    description: "Secret from which each upstream's key for the signed gateway assertion is derived, per upstream name (`partnergate gateway upstream-key <name>` prints one).",
  }),
  GATEWAY_UPSTREAM_TIMEOUT_MS: int(100, 600_000, { default: 30_000, description: 'Milliseconds the gateway waits for an upstream to start answering (and between body chunks) before 504 `upstream_timeout`.' }),
  RATE_LIMITS: Type.Record(Type.String(), Type.Integer({ minimum: 1 }), {
    default: DEFAULT_RATE_LIMITS,
    allowed: 'JSON object',
    description: "Requests/minute per route class and credential (an app's access tokens count per grant: a refreshed token starts no new budget), merged over the defaults; a key `<partner_id>:<class>` sets one partner's limit. (Agency embed tokens are fixed at 20/min per token.)",
  }),
  RATE_LIMIT_REDIS_FAILURE: choice(['refuse', 'local'], {
    default: 'refuse',
    description:
      'When Redis is down or does not answer within `REDIS_COMMAND_TIMEOUT_MS`: refuse (503 `rate_limiter_unavailable`) or local (fall back to per-instance counters). Applies to every limit: gateway, agency tokens, logins, OAuth client authentication, partner applications.',
  }),
  REDIS_COMMAND_TIMEOUT_MS: int(5, 10_000, { default: 100, description: 'Milliseconds a request waits for a Redis answer before `RATE_LIMIT_REDIS_FAILURE` applies; nothing waits for a reconnect. See the scale-out guide for operators (docs/operators/scale-out.md).' }),
  SCRYPT_COST: int(10, 20, { default: 17, description: 'log2 of the scrypt N parameter for new password hashes (17 is the OWASP minimum; lower only in tests).' }),
  CHANGE_FEED_POLL_MS: int(10, 3_600_000, {
    default: 1000,
    description: 'Milliseconds between re-reads of the change-feed outbox when no Redis nudge arrived. Changes normally arrive at once by pub/sub (`REDIS_URL`) or in-process; the poll only bounds how late a lost message can be.',
  }),
  GATEWAY_AUDIT_FLUSH_MS: int(10, 600_000, {
    default: 250,
    description: "Milliseconds between writes of the gateway's batched access events: how long an event waits for the database (in memory and in the spool in DATA_DIR, so a crash loses none), and the window in which identical requests become one event.",
  }),
  GATEWAY_VERIFY_THREADS: int(0, 64, {
    defaultText: 'CPU cores − 1, at most 4',
    description: "Worker threads that check the signatures of access tokens the gateway has not seen yet, in batches, so a stream of new tokens uses more than one core (0 = the gateway's own thread checks them).",
  }),
  GATEWAY_AUDIT_BACKLOG: int(1, 100_000_000, {
    default: 100_000,
    description: 'Gateway access events waiting to be written beyond which the gateway answers 503 `audit_backlog_full` instead of serving unaudited requests (reached only when the database refuses writes for a while).',
  }),
  METRICS_TOKEN: text({
    defaultText: 'unset (metrics off)',
    minLength: 16,
    pattern: '^[\\x21-\\x7e]+$',
    allowed: '≥ 16 printable characters, no spaces',
    problem: 'must be at least 16 printable characters without spaces (e.g. `openssl rand -base64 32`)',
    secret: true,
    description: 'Turns metrics on: Prometheus text at `/metrics` for scrapes sending `Authorization: Bearer <METRICS_TOKEN>`. Unset: nothing is collected and `/metrics` answers 404.',
  }),
  METRICS_PARTNER_LABELS: int(0, 10_000, { default: 50, description: 'Partners that get a label of their own in the gateway decision metrics, in the order this instance first sees them; the rest count as `other`.' }),
  LOG_FORMAT: choice(['auto', 'pretty', 'json'], { default: 'auto', description: 'Log lines as JSON or human-readable; auto = human-readable when stdout is a terminal, JSON otherwise.' }),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:'], {
    defaultText: 'unset (no tracing)',
    secret: false,
    description: 'OTLP/HTTP collector base URL (e.g. `http://127.0.0.1:4318`): turns OpenTelemetry tracing on, spans exported to `<url>/v1/traces`.',
  }),
  OTEL_TRACES_SAMPLER_RATIO: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 1,
    allowed: '0 – 1',
    description: 'Share of the requests that start a trace (no sampled `traceparent` of their own) that are traced; a request whose caller sent a sampled `traceparent` is always traced, one sent unsampled never (parent-based).',
  }),
  OTEL_SERVICE_INSTANCE_ID: text({
    defaultText: 'host name and process id',
    minLength: 1,
    pattern: '^[\\x21-\\x7e]{1,128}$',
    allowed: '1 – 128 printable characters, no spaces',
    problem: 'must be 1 to 128 printable characters without spaces',
    description: 'The `service.instance.id` of this instance\'s traces (the pod name, say), so a trace tells which instance served it.',
  }),
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 600_000, {
    default: 5000,
    description: 'PostgreSQL: milliseconds a request waits for a database connection (a new one, or a free one of the pool) before it answers 503 `database_unavailable`.',
  }),
  DATABASE_QUERY_TIMEOUT_MS: int(0, 3_600_000, {
    default: 30_000,
    description: 'PostgreSQL: milliseconds a query waits for its answer before it fails and its connection is dropped — what a frozen database server costs a request (0 = no limit).',
  }),
  DATABASE_POOL_SIZE: int(1, 1000, {
    default: 10,
    description: 'PostgreSQL: connections each instance keeps to the database. Writers no longer queue on one lock, so concurrent requests are bounded by this pool and by what the database can take: raise it with the concurrency an instance serves.',
  }),
  // ---- high availability: Redis Sentinel, connection poolers, draining on SIGTERM (docs/operators/high-availability.md)
  REDIS_SENTINELS: text({
    defaultText: 'unset (REDIS_URL, or no Redis)',
    allowed: 'comma-separated host:port list',
    description:
      'Redis through Sentinel: the Sentinels to ask for the current master of `REDIS_SENTINEL_MASTER`, e.g. `10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379`. After a failover every connection finds the new master by itself. Instead of `REDIS_URL`, not with it.',
  }),
  REDIS_SENTINEL_MASTER: text({
    default: 'mymaster',
    pattern: '^[A-Za-z0-9._-]{1,128}$',
    allowed: '1-128 letters, digits or `._-`',
    problem: 'must be 1-128 letters, digits or ._-',
    description: 'The master group name the Sentinels watch (`sentinel monitor <name> …`); with `REDIS_SENTINELS`.',
  }),
  REDIS_USERNAME: text({ defaultText: 'unset (default user)', minLength: 1, allowed: 'ACL user name', description: 'With `REDIS_SENTINELS`: the ACL user of the Redis master and replicas (with `REDIS_URL` the URL carries it).' }),
  REDIS_PASSWORD: text({ defaultText: 'unset', minLength: 1, allowed: 'text', secret: true, description: 'With `REDIS_SENTINELS`: the password of the Redis master and replicas (`requirepass`, or the ACL user\'s).' }),
  REDIS_SENTINEL_USERNAME: text({ defaultText: 'unset', minLength: 1, allowed: 'ACL user name', description: 'With `REDIS_SENTINELS`: the ACL user of the Sentinels themselves, when they require one.' }),
  REDIS_SENTINEL_PASSWORD: text({ defaultText: 'unset', minLength: 1, allowed: 'text', secret: true, description: 'With `REDIS_SENTINELS`: the password of the Sentinels themselves (their `requirepass`), when they require one.' }),
  DATABASE_PREPARED_STATEMENTS: bool({
    default: true,
    description:
      'PostgreSQL: send the statements run on every request as named prepared statements (parsed and planned once per connection). Turn off behind PgBouncer in transaction mode older than 1.21 or without `max_prepared_statements`, where a prepared statement belongs to a server connection the next transaction may not get.',
  }),
  SHUTDOWN_GRACE_MS: int(1000, 600_000, {
    default: 25_000,
    description:
      'On SIGTERM: milliseconds the instance has to finish the requests in flight and write the access events it holds before it exits — keep it under the orchestrator\'s grace period (Kubernetes: 30 s). While the database is away it retries until then, and hands what is left to Redis for another instance to write.',
  }),
  SMTP_URL: url(['smtp:', 'smtps:'], {
    defaultText: 'unset (mail goes to the outbox in the database)',
    description: 'SMTP server for e-mail (invitations, link requests waiting, expiry notices, alerts, password-reset links), e.g. `smtp://user:pass@mail.example.com:587`; unset: messages are written to a local outbox the operator reads in the portal.',
  }),
  MAIL_FROM: text({ default: 'Partnergate <no-reply@localhost>', allowed: 'e-mail address, optionally with a name', description: 'The From address of every message Partnergate sends.' }),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool({
    default: false,
    description: 'Let outbound calls reach private, loopback or reserved addresses: webhook endpoints, and the identity providers of single sign-on (OpenID Connect discovery, token, keys and userinfo; SAML metadata) — a test bench, an internal integration. Off: such addresses are refused when saved and when called (SSRF).',
  }),
  WEBHOOK_TIMEOUT_MS: int(100, 60_000, { default: 10_000, description: 'Milliseconds a webhook endpoint has to answer a delivery (connection, headers and body) before the attempt counts as failed.' }),
  WEBHOOK_MAX_ATTEMPTS: int(1, 20, { default: 8, description: 'Attempts per webhook delivery before it is marked failed; retries back off exponentially (30 s, 2 min, 8 min, 32 min … at most 10 h apart).' }),
  WEBHOOK_DISABLE_AFTER_FAILURES: int(1, 10_000, { default: 20, description: 'Failed attempts in a row after which a webhook endpoint is disabled (its owners are told); one success resets the count.' }),
  SYNC_BATCHES_PER_MINUTE: int(1, 100_000, { default: 60, description: 'Batches each data source may send to the sync API per minute (429 with Retry-After beyond); a batch holds at most 10,000 lines, so the default lets one source bring 10,000 records a second.' }),
  DNS_RESOLVER: text({
    defaultText: 'unset (the system resolver)',
    allowed: 'IP address, optionally with :port (IPv6 as [addr]:port)',
    description: 'DNS server that checks the TXT records organizations publish to prove they own an e-mail domain, e.g. `192.0.2.53:53`; unset: the resolvers of the operating system.',
  }),
  DOMAIN_RECHECK_INTERVAL_MS: int(0, 2_592_000_000, {
    default: 86_400_000,
    description:
      "Milliseconds between re-checks of each verified sign-in domain's DNS TXT record (default a day); a domain whose record is gone loses its verification, stops routing its people to the company sign-in, and its owners are told. 0 = never re-checked.",
  }),
  SAML_METADATA_REFRESH_INTERVAL_MS: int(300_000, 604_800_000, {
    default: 86_400_000,
    description:
      "Milliseconds between re-reads of each SAML identity provider's metadata from its address, for connections set up by metadata address (default a day); a new signing certificate is taken and its owners see it, a failed read keeps the last good metadata. The owner's Check now reads it at once.",
  }),
  LIFECYCLE_SWEEP_INTERVAL_MS: int(0, 3_600_000, { default: 60_000, description: 'Milliseconds between runs of the delegation lifecycle sweep (auto-extend, expiry, the 30/7/1-day notices); 0 = not started (tests drive it).' }),
  NOTIFY_WORKER_INTERVAL_MS: int(0, 3_600_000, { default: 1000, description: 'Milliseconds between runs of the events worker (fan-out of new events, due webhook deliveries, e-mail); 0 = not started (tests drive it).' }),
  STRIPE_API_BASE: url(['http:', 'https:'], {
    default: 'https://api.stripe.com',
    defaultText: 'https://api.stripe.com',
    secret: false,
    description: "Base URL of Stripe's API, which a Stripe data source's backfill (and customer look-ups) call with the source's key. Stripe's own unless a proxy or a Stripe-shaped test server stands in.",
  }),
  CONFIG_FILE: text({ defaultText: 'unset', allowed: 'path of a JSON file', description: 'An optional JSON file holding any of these settings under the same names; environment variables win.' }),
});

export type SettingName = keyof typeof SettingsSchema.properties;

export const SETTING_NAMES = Object.keys(SettingsSchema.properties) as SettingName[];

/** One setting's schema, with the annotations above. */
export type SettingSchema = TSchema & Doc & { minimum?: number; maximum?: number; minLength?: number; pattern?: string; enum?: string[]; type?: string; protocols?: string[] };

export function settingSchema(name: SettingName): SettingSchema {
  return SettingsSchema.properties[name] as unknown as SettingSchema;
}

/** Every setting with its description (the configuration reference's table and `partnergate help` read these). */
export const SETTINGS: Record<string, string> = Object.fromEntries(SETTING_NAMES.map((n) => [n, settingSchema(n).description]));
