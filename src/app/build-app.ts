/**
 * Builds the Fastify application from what it is given: config, database, clock, Redis.
 * Registration order is explicit: request decoration → error handling → parsers →
 * OpenAPI → authentication → module routes → portal.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { RESERVED_PATH_PREFIXES, type Config } from '../config/config.ts';
import type { Clock } from '../platform/clock.ts';
import { systemClock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import type { RedisFactory } from '../platform/redis.ts';
import { requestIdOf, SECURITY_HEADERS } from '../platform/http/request-basics.ts';
import { asSystem, openRequestDbScope } from '../platform/db/db-context.ts';
import { frameworkErrorHandler, installErrorHandler, sendProblem } from '../platform/http/error-handler.ts';
import { validatorCompiler } from '../platform/http/validation.ts';
import { LazySchemas } from '../platform/http/lazy-schemas.ts';
import { installStrictInputs } from '../platform/http/strict-inputs.ts';
import { secureLoggerOptions } from '../platform/http/log-redaction.ts';
import { installJsonBodyParser } from '../platform/http/json-depth.ts';
import { ProblemSchema, Type } from '../platform/http/schemas.ts';
import { platformErrors } from '../platform/errors/platform.errors.ts';
import { backgroundErrorLog } from '../platform/store-errors.ts';
import { ANONYMOUS, systemContext, type RequestContext } from '../platform/http/request-context.ts';
import type { App } from '../platform/http/app-types.ts';
import '../platform/http/fastify-augment.ts';
import { createServices, type Services } from './services.ts';
import { Metrics } from '../platform/observability/metrics.ts';
import { installMetrics } from '../platform/observability/metrics.routes.ts';
import { installRequestLog, loggerFor, requestLoggerFactory } from '../platform/observability/logging.ts';
import { QueryTracingPlugin, startTracing, traceLogFields, type Tracing } from '../platform/observability/tracing.ts';
import { registerApiReference, transformDocument, transformRoute } from './api-reference.ts';
import { actingPartnerId, authGuards } from '../modules/identity/index.ts';
import { OAUTH_MOUNT, oauthRoutes, oauthTokenFront } from '../modules/oauth/index.ts';
import { installFront } from '../platform/http/front-handler.ts';
import { StartupGate } from './startup-gate.ts';
import { installAgencyTokenGuard, AGENCY_TOKEN_PREFIX } from '../modules/agencies/index.ts';
import { installGateway, partnerAdmission, partnerPlaneAdmission } from '../modules/gateway/index.ts';
import { AuthzenService, registerAuthzenRoutes } from '../modules/authzen/index.ts';
import { registerSsfRoutes } from '../modules/ssf/index.ts';
import { createScim, registerScimRoutes } from '../modules/scim/index.ts';
import { registerSyncRoutes } from '../modules/datasources/index.ts';
import { dataFeeds, registerStripeWebhook } from '../modules/datafeeds/index.ts';
import { registerLogoFiles } from '../modules/branding/index.ts';
import { createSso, registerSsoBrowserRoutes, type SsoBrowserFlow } from '../modules/sso/index.ts';
import { installSaml } from '../modules/sso/saml/index.ts';
import { registerRouters, routerTable, type MountedRoute } from './routers.ts';
import { accessAndCommerceRouters, organizationRouters } from './api-routers.ts';
import { installSamplePartnerApp } from '../demo/sample-partner-app.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  clock?: Clock;
  redis?: RedisFactory | null;
  /** pino options or false; defaults from config.logLevel */
  logger?: boolean | Record<string, unknown>;
  /**
   * `serve`: ready() (and listen()) do not wait for the snapshots; the caller listens, then calls
   * app.startup.start(), and the probes answer meanwhile (startup-gate.ts). Default: ready() loads them.
   */
  deferStart?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    /** every route of the audience routers, with the router that took it (routers.ts) */
    routers: readonly MountedRoute[];
    /** the route schemas, compiled on first use (platform/http/lazy-schemas.ts) */
    schemas: LazySchemas;
    /** loading the snapshots, indexes and timers; ready once done (startup-gate.ts) */
    startup: StartupGate;
  }
}

/** package.json's version: the traces' service.version */
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  // Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT): every query of the services gets a span.
  const tracing = config.otelEndpoint
    ? startTracing({ endpoint: config.otelEndpoint, instanceId: config.otelInstanceId, version: PACKAGE_VERSION, sampleRatio: config.otelSampleRatio })
    : null;
  const db = tracing ? { ...deps.db, kysely: deps.db.kysely.withPlugin(new QueryTracingPlugin(deps.db.dialect)) } : deps.db;
  const clock = deps.clock ?? systemClock;
  const { app, schemas } = createFastify(config, deps.logger, tracing);

  // before any route: @fastify/otel wraps each route as it is added
  if (tracing) await tracing.instrument(app as unknown as FastifyInstance);
  app.setValidatorCompiler(schemas.validators(validatorCompiler()));
  app.decorate('schemas', schemas);
  installErrorHandler(app);
  const startup = new StartupGate();
  startup.install(app as unknown as FastifyInstance);
  app.decorate('startup', startup);
  installRequestLog(app as unknown as FastifyInstance);
  installStrictInputs(app);
  installJsonBodyParser(app);

  const { services, metrics, onBackgroundError } = await createInstrumentedServices(app, { config, db, clock, redis: deps.redis ?? null });
  decorateRequests(app);
  await app.register(cookie);
  await registerOpenApi(app, config);
  registerHealth(app, db, startup);

  // ---- API ---------------------------------------------------------------------------------
  const outside = { app, config, clock, services, redis: deps.redis ?? null, onBackgroundError };
  // Agency tokens reach only the routes that take them (the embed API's): checked before any router runs.
  installAgencyTokenGuard(app);
  // The hot endpoints (forward auth, the token endpoint) are answered before Fastify
  // (platform/http/front-handler.ts), unless each request is to be traced or logged.
  const fronts = !tracing && app.log.level !== 'debug' && app.log.level !== 'trace';
  const { authzen, scim } = await installMachineEndpoints(outside, fronts);
  const sso = await installSingleSignOn(outside);
  const guards = authGuards(
    services.identity,
    services.access,
    (userId, kind, credential) => services.authz.principalOf(userId, kind, credential),
    (partnerId) => services.authz.partnerTenantsInReach(partnerId),
    partnerAdmission({ access: services.access, authz: services.authz, gateway: services.gateway, metrics }),
    partnerPlaneAdmission({ gateway: services.gateway }),
    async (slug) => (await services.partners.findBySlug(slug))?.id ?? null,
  );
  const oauth = oauthRoutes({
    oauth: services.oauth,
    identity: services.identity,
    apps: services.apps,
    access: services.access,
    config,
    // the consent screen in the app's partner's brand: its customers see it where the operator allows it, its own people always
    brandOf: async (partnerId, forCustomers) => {
      const b = forCustomers ? await services.branding.customerBrandOfPartner(partnerId) : await services.branding.ownBrand(partnerId);
      return b && { name: b.name, primaryColor: b.primary_color, accentColor: b.accent_color, logoUrl: b.logo_url, poweredBy: b.powered_by };
    },
    // the operator's product name, support address and legal links on the sign-in and consent pages, per language
    textsFor: (locale) => services.languages.textsFor(locale),
  });
  const routes = { config, clock, services, authzen, scim, sso: sso.service };
  const table = routerTable([...organizationRouters(routes), ...accessAndCommerceRouters(routes, oauth.tenant)], { oauth: [oauth.oauth] });
  app.decorate('routers', await registerRouters(app, table, guards));
  // the token endpoint before Fastify, as the forward-auth check
  if (fronts) {
    const response = metrics.enabled ? (route: string, status: number) => metrics.response(route, undefined, status) : null;
    installFront(app, oauthTokenFront({ oauth: services.oauth, trustProxy: config.trustProxy, log: app.log, response }));
  }
  // the demo's sample partner app (/demo/partner-app): public pages of their own, outside the API routers
  await installSamplePartnerApp(app as unknown as FastifyInstance, { config, apps: services.apps, issuer: services.oauth.issuer });

  await installPortal(app);
  startAndStopWithApp(app, { config, services, sso, tracing, onBackgroundError, startup, deferStart: deps.deferStart === true });
  return app as unknown as FastifyInstance;
}

/** The Fastify instance with its logger, lazy schemas and server options. */
function createFastify(config: Config, loggerOption: AppDeps['logger'], tracing: Tracing | null): { app: App; schemas: LazySchemas } {
  // Whatever logger the caller asks for, it is built with the redaction of log-redaction.ts.
  // Tracing on: every line written inside a traced request carries its trace_id and span_id.
  const loggerSetting = loggerOption ?? loggerFor(config);
  const logger = secureLoggerOptions(tracing && loggerSetting ? { ...(loggerSetting === true ? {} : loggerSetting), mixin: traceLogFields } : loggerSetting);

  // validators and serializers compile on a route's first request, not all ~300 at start
  const schemas = new LazySchemas();
  const app = Fastify({
    logger,
    schemaController: { compilersFactory: { buildSerializer: schemas.serializers() } },
    // no line per request at info: see platform/observability/logging.ts
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // a closing app refuses in the problem+json envelope with Retry-After (app/startup-gate.ts)
    return503OnClosing: false,
    // onReady loads the snapshots: at a million delegations on a busy machine that takes longer than
    // Fastify's default 10 s, which would end the start; a start hanging on its database still fails
    pluginTimeout: 300_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // bad percent-encoding and overlong path parameters answer in the problem+json envelope too
    frameworkErrors: frameworkErrorHandler,
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    // a request's child logger is made when it writes its first line, not for every request
    childLoggerFactory: requestLoggerFactory,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  return { app, schemas };
}

/** The services, decorated on the app, with the metrics that watch them. */
async function createInstrumentedServices(app: App, d: { config: Config; db: Db; clock: Clock; redis: RedisFactory | null }) {
  const { config, db } = d;
  const metrics = new Metrics({ enabled: config.metricsToken !== null, partnerLabels: config.metricsPartnerLabels, version: PACKAGE_VERSION });
  const onBackgroundError = backgroundErrorLog(app.log);
  const services = await createServices({
    config,
    db,
    clock: d.clock,
    redis: d.redis,
    // a database or Redis outage: one line per kind of work and 10 s, not one per failed flush or poll
    onError: onBackgroundError,
    metrics,
    onWarning: (message) => app.log.warn(message),
  });
  app.decorate('services', services);
  metrics.gauge('partnergate_audit_backlog', 'Gateway access events waiting to be written', () => services.gateway.auditBuffer.pending);
  metrics.gauge('partnergate_change_feed_lag_events', 'Change-feed rows committed that this instance has not applied yet', () => services.feed.lag());
  const pool = db.pool;
  if (pool !== undefined) {
    metrics.gauge('partnergate_db_pool_connections', 'PostgreSQL connections this instance holds (busy and idle)', () => pool.totalCount);
    metrics.gauge('partnergate_db_pool_idle_connections', 'PostgreSQL connections of the pool not in use', () => pool.idleCount);
    metrics.gauge('partnergate_db_pool_waiting_requests', 'Queries waiting for a connection of the pool', () => pool.waitingCount);
  }
  if (metrics.enabled) for (const c of services.redisClients) c.on('error', () => metrics.redisError());
  installMetrics(app as unknown as FastifyInstance, metrics, config.metricsToken);
  return { services, metrics, onBackgroundError };
}

/** Each request's principal, request context, request id and security headers. */
function decorateRequests(app: App): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  app.decorateRequest('ctx', function (this: FastifyRequest): RequestContext {
    const p = this.principal;
    const ua = this.headers['user-agent'];
    return {
      requestId: String(this.id),
      ip: this.ip ?? null,
      userAgent: typeof ua === 'string' ? ua : null,
      acceptLanguage: this.headers['accept-language'] ?? null,
      actor: p
        ? { type: p.kind === 'api_token' ? 'api_token' : 'user', userId: p.userId, partnerId: actingPartnerId(this, p), clientId: null, agencyId: null }
        : ANONYMOUS,
    };
  });

  // Hooks on every request are callback-style: an async hook costs a promise and a microtask on
  // the gateway's hot path for nothing.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    for (let i = 0; i < SECURITY_HEADERS.length; i += 2) reply.header(SECURITY_HEADERS[i], SECURITY_HEADERS[i + 1]);
    // The request's row-level-security context starts empty; the auth hook fills it in.
    openRequestDbScope(done);
  });
}

/** The OpenAPI document (/openapi.json) and its reference page. */
async function registerOpenApi(app: App, config: Config): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Partnergate API',
        version: '1.0.0',
        description:
          'Partner access platform: identities, tenants, partners, delegations, OAuth, gateway and audit. ' +
          'Errors are RFC 9457 problem+json documents with a stable `code`. Cookie-authenticated mutations need the `x-csrf-token` header; ' +
          'personal API tokens go in `Authorization: Bearer`.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'partnergate_session' },
          apiToken: { type: 'http', scheme: 'bearer', description: 'personal API token (pgpat_…)' },
          agencyToken: { type: 'http', scheme: 'bearer', description: 'agency embed token (pgagt_…): /embed/v1 only' },
          accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'OAuth access token (RFC 9068 JWT) from /oauth/token — the gateway routes' },
          syncToken: { type: 'http', scheme: 'bearer', description: "a data source's token (pgsync_…): /sync/v1 only" },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) || `def-${i}` },
    // audience tags, no lock on public routes, named responses, examples, the OAuth endpoints (api-reference.ts)
    transform: transformRoute as never,
    transformObject: transformDocument(OAUTH_MOUNT) as never,
  });
  registerApiReference(app as unknown as FastifyInstance);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/** Liveness (/healthz) and readiness (/readyz). */
function registerHealth(app: App, db: Db, startup: StartupGate): void {
  const Health = (status: string) => ({ 200: Type.Object({ status: Type.Literal(status) }, { title: status === 'ok' ? 'Health' : 'Readiness' }), 503: { $ref: 'Problem#' } });
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up', response: Health('ok') } }, async () => ({ status: 'ok' }));
  // Liveness stays 200 through a database outage (restarting the process would not bring the
  // database back, and the gateway still serves from memory); readiness says not ready.
  app.get('/readyz', { schema: { tags: ['health'], summary: 'The snapshots are loaded and the database answers', response: Health('ready') } }, async (req, reply) => {
    if (!startup.ready) return sendProblem(reply, req, platformErrors.service_unavailable('Not ready: starting, the authorization data is still loading.', { headers: { 'retry-after': '2' } }));
    if (await db.ping()) return { status: 'ready' };
    return sendProblem(reply, req, platformErrors.service_unavailable('Not ready: the database does not answer.', { headers: { 'retry-after': '5' } }));
  });
}

/** What the endpoints outside the /api routers are built from. */
interface OutsideDeps {
  app: App;
  config: Config;
  clock: Clock;
  services: Services;
  redis: RedisFactory | null;
  onBackgroundError: ReturnType<typeof backgroundErrorLog>;
}

/**
 * The machine-facing endpoints outside the /api routers, each with its own credential: the
 * gateway, AuthZEN, SCIM, the push sync API and Stripe's webhooks.
 */
async function installMachineEndpoints({ app, config, clock, services }: OutsideDeps, fronts: boolean) {
  const gateway = await installGateway(app as unknown as FastifyInstance, {
    config,
    clock,
    gateway: services.gateway,
    resources: services.resources,
    tenants: services.tenants,
    vouchers: services.vouchers,
    purposes: services.purposes,
    // a possible agency token goes to Fastify's guard
    front: fronts ? { declines: (req) => req.headers.authorization?.includes(AGENCY_TOKEN_PREFIX) === true } : null,
  });
  // writes routed to the provider's system go out through the gateway's table, pools and signing
  services.writeRoutes.attach(gateway.providerWrites);
  // OpenID AuthZEN 1.0: the decision engine for any policy enforcement point, outside the /api routers like the gateway
  const authzen = new AuthzenService({
    snapshot: services.authz.snapshot,
    roles: services.roles,
    now: () => services.authz.now(),
    purposes: { of: (id) => services.delegationPurposes.of(id), nameOf: (id) => services.purposes.get(id)?.name },
  });
  registerAuthzenRoutes(app, {
    authzen,
    snapshot: services.authz.snapshot,
    verify: (token) => services.gateway.verifyBearer(token),
    publicUrl: config.publicUrl,
  });
  // OpenID Shared Signals 1.0: a partner app's stream of CAEP events, managed with its own client-credentials token
  registerSsfRoutes(app, { ssf: services.ssf, snapshot: services.authz.snapshot, verify: (token) => services.gateway.verifyBearer(token), jwksUri: `${services.oauth.issuer}/jwks` });
  // SCIM 2.0 provisioning (/scim/v2): an organization's identity provider, with the organization's token, outside the /api routers
  const scim = createScim({
    ...services,
    partnerOf: (userId) => services.authz.snapshot.users.get(userId)?.partner?.id ?? null,
    tenantsOf: async (userId) => services.authz.snapshot.users.get(userId)?.tenants ?? new Map(),
    endActivations: async (ctx, partnerId, userId) => {
      for (const status of ['active', 'pending'] as const) {
        for (const a of await services.activations.list({ partnerId, status }, 1000)) if (a.user_id === userId) await services.activations.end(ctx, { partnerId, userId }, a.id);
      }
    },
  });
  await registerScimRoutes(app as unknown as FastifyInstance, { ...scim, publicUrl: config.publicUrl, partnerTenants: (partnerId) => services.authz.partnerTenantsInReach(partnerId) });
  // the push sync API (/sync/v1): a data source, with its own token, outside the /api routers
  await registerSyncRoutes(app as unknown as FastifyInstance, { dataSources: services.dataSources, limiter: services.rateLimiter, batchesPerMinute: config.syncBatchesPerMinute });
  // Stripe's webhooks for a Stripe data source (/sync/v1/stripe/…), signed over the raw body
  await registerStripeWebhook(app as unknown as FastifyInstance, { stripe: dataFeeds(services).stripe });
  // partners' logos (/brand/logos/<sha256>.<ext>): public and content-addressed, for the portal, the consent page and e-mail
  await registerLogoFiles(app as unknown as FastifyInstance, { branding: services.branding });
  return { authzen, scim };
}

/** Single sign-on per organization: the browser flow (/sso/…) and SAML, outside the /api routers like SCIM. */
async function installSingleSignOn({ app, config, services, redis, onBackgroundError }: OutsideDeps) {
  const sso = createSso({
    ...services,
    outbox: services.notifications.outbox,
    secretKey: config.secretKey,
    publicUrl: config.publicUrl,
    allowPrivateTargets: config.webhookAllowPrivateTargets,
    redis,
    redisKeyPrefix: config.redisKeyPrefix,
    domainRecheckIntervalMs: config.domainRecheckIntervalMs,
    samlMetadataRefreshIntervalMs: config.samlMetadataRefreshIntervalMs,
    partnerOf: (userId) => services.authz.snapshot.users.get(userId)?.partner?.id ?? null,
    tenantsOf: (userId) => services.authz.snapshot.users.get(userId)?.tenants ?? new Map(),
    onError: onBackgroundError,
  });
  app.decorate('sso', sso.service);
  app.decorate(
    'ssoBrowser',
    registerSsoBrowserRoutes(app as unknown as FastifyInstance, {
      sso: sso.service,
      cookieSecure: config.cookieSecure,
      sessionAbsoluteTimeoutSec: config.sessionAbsoluteTimeoutSec,
      secretKey: config.secretKey,
      readerLocale: (userId, acceptLanguage) => services.identity.readerLocale(userId, acceptLanguage),
      sessionUserId: async (token) => {
        const r = await services.identity.authenticateSession(token);
        return r.ok ? r.principal.userId : null;
      },
    }),
  );
  // SAML 2.0 connections (modules/sso/saml): the adapter, its assertion consumer service and our metadata
  await installSaml(app as unknown as FastifyInstance, {
    sso: sso.service,
    flow: app.getDecorator<SsoBrowserFlow>('ssoBrowser'),
    metadataRefresh: sso.metadataRefresh,
    redis,
    redisKeyPrefix: config.redisKeyPrefix,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    redisClients: services.redisClients,
    onError: onBackgroundError,
  });
  return sso;
}

/** The built portal (web/dist) and the not-found answer: problem+json for Partnergate's own paths. */
async function installPortal(app: App): Promise<void> {
  const hasWeb = existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: false, cacheControl: false });
  }
  app.setNotFoundHandler((req, reply) => {
    // Partnergate's own paths (and the gateway's) answer problem+json, never the portal's HTML.
    const isApi = /^\/(api|oauth|resources|embed|authz|access)\b/.test(req.url) || RESERVED_PATH_PREFIXES.some((p) => p !== '/assets' && (req.url === p || req.url.startsWith(p + '/') || req.url.startsWith(p + '?')));
    if (!isApi && (req.method === 'GET' || req.method === 'HEAD') && hasWeb) {
      if (req.url.startsWith('/assets/')) return sendProblem(reply, req, platformErrors.not_found('No such file.'));
      reply.header('cache-control', 'no-cache');
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
      );
      return (reply as unknown as { sendFile: (f: string) => unknown }).sendFile('index.html');
    }
    return sendProblem(reply, req, platformErrors.not_found(`No route for ${req.method} ${req.url.split('?')[0]}.`));
  });
}

/** The snapshots, indexes and timers: started when the app is ready, stopped when it closes. */
function startAndStopWithApp(
  app: App,
  { config, services, sso, tracing, onBackgroundError, startup, deferStart }: { config: Config; services: Services; sso: ReturnType<typeof createSso>; tracing: Tracing | null; onBackgroundError: OutsideDeps['onBackgroundError']; startup: StartupGate; deferStart: boolean },
): void {
  // ready() loads everything, unless serve starts it after listening (AppDeps.deferStart)
  app.addHook('onReady', async () => {
    if (!deferStart) await startup.start();
  });
  // Snapshots, indexes and sweeps are cross-tenant by nature: they (and the timers they start) act as the system.
  startup.onStart(() => asSystem(async () => {
    // Snapshots load between head() and start(head): what commits while they load is replayed.
    const head = await services.feed.head();
    await services.authz.load();
    await services.agencies.load();
    await services.identity.loadIndexes();
    await services.tokenLifetimes.load();
    await services.purposes.load();
    await services.delegationPurposes.load();
    await services.oauth.start();
    await services.feed.start(head);
    // auto-extend, then expire what is left lapsed, then the 30/7/1-day notices (each once across instances)
    services.lifecycle.start(config.lifecycleSweepIntervalMs, (ctx) => services.delegations.expireLapsed(ctx));
    services.accessRequests.sweep.start(config.lifecycleSweepIntervalMs);
    services.program.startSchedule();
    services.partnerUsage.start(5_000);
    services.alertScheduler.start();
    services.notifications.worker.start(config.notifyWorkerIntervalMs);
    services.ssf.start(config.notifyWorkerIntervalMs);
    services.auditStream.start(config.notifyWorkerIntervalMs);
    services.plans.startNonPaymentSweep(systemContext('plans-sweep'));
    services.audit.startSealer((e) => onBackgroundError(e, 'audit sealer'));
    sso.recheck.start();
    sso.metadataRefresh.start();
    sso.spCertificateCleanup.start();
  }));
  app.addHook('onClose', () => asSystem(async () => {
    services.delegations.stopExpirySweep();
    services.program.stopSchedule();
    await services.partnerUsage.stop();
    services.alertScheduler.stop();
    services.lifecycle.stop();
    services.accessRequests.sweep.stop();
    await services.notifications.close();
    await services.ssf.stop();
    await services.auditStream.stop();
    services.plans.stopNonPaymentSweep();
    await services.audit.stopSealer();
    await sso.recheck.stop();
    await sso.metadataRefresh.stop();
    await sso.spCertificateCleanup.stop();
    services.authz.stop();
    await services.oauth.stop();
    services.tokenLifetimes.stop();
    services.purposes.stop();
    services.delegationPurposes.stop();
    await services.agencies.stop();
    await services.identity.stopIndexes();
    await services.feed.stop();
    for (const c of services.redisClients) c.disconnect();
    await tracing?.shutdown();
  }));
}
