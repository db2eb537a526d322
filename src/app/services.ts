/**
 * Wires the services together, explicitly, from what buildApp was given. Nothing here reads
 * process.env or connects on import.
 */
import type { Config } from '../config/config.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { SecretHasher } from '../platform/crypto.ts';
import { ChangeFeed } from '../platform/events/change-feed.ts';
import { REDIS_CONNECT_TIMEOUT_MS, reportEvery, whenReady, type RedisFactory } from '../platform/redis.ts';
import { createRateLimiter, type RateLimiter } from '../platform/ratelimit/index.ts';
import { AuditLog } from '../modules/audit/index.ts';
import { Access, AuthzService, RoleCatalog, partnerLimits, partnersOf } from '../modules/authz/index.ts';
import { IdentityService } from '../modules/identity/index.ts';
import { TenantsService, tenantErrors } from '../modules/tenants/index.ts';
import { FeatureCatalogService, PartnerCreation, PartnerUsage, PartnersService, partnerErrors } from '../modules/partners/index.ts';
import { DelegationPurposeIndex, DelegationsService } from '../modules/delegations/index.ts';
import { PurposeCatalog } from '../modules/purposes/index.ts';
import { VouchersService } from '../modules/vouchers/index.ts';
import { AgenciesService } from '../modules/agencies/index.ts';
import { InvoiceExportService, MspViewsService, ResourcesService } from '../modules/resources/index.ts';
import { AlertScheduler, AlertsService, createNotifier } from '../modules/alerts/index.ts';
import path from 'node:path';
import { createGatewayService, RedisDpopReplayCache, type GatewayService } from '../modules/gateway/index.ts';
import { AppsService, ResoldTenantsService } from '../modules/apps/index.ts';
import { OAuthService } from '../modules/oauth/index.ts';
import { SsfService } from '../modules/ssf/index.ts';
import { AuditStreamService } from '../modules/auditstream/index.ts';
import { LanguagesService } from '../modules/languages/index.ts';
import { TokenLifetimes } from '../modules/tokenpolicy/index.ts';
import { AccessRequestsService } from '../modules/accessrequests/index.ts';
import { ProgramService, signupAudience } from '../modules/program/index.ts';
import { DataSourcesService, WriteRoutesService, recordEventSink } from '../modules/datasources/index.ts';
import { MailOutboxStore, NotificationsService } from '../modules/notifications/index.ts';
import { ActivationsService, LifecycleSweep } from '../modules/delegations/index.ts';
import { Mailer } from '../platform/mail/mailer.ts';
import { PlansService } from '../modules/plans/index.ts';
import { BrandingService } from '../modules/branding/index.ts';
import { DnsTxtChecker, DomainsService } from '../modules/domains/index.ts';
import type { Redis } from 'ioredis';
import type { Metrics } from '../platform/observability/metrics.ts';

export interface ServiceDeps {
  config: Config;
  db: Db;
  clock: Clock;
  redis: RedisFactory | null;
  onError: (err: unknown, what: string) => void;
  /** the app's Prometheus metrics (NO_METRICS when off) */
  metrics?: Metrics;
  /** something an operator should act on, though nothing failed (default: onError) */
  onWarning?: (message: string) => void;
}

export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  hasher: SecretHasher;
  feed: ChangeFeed;
  audit: AuditLog;
  roles: RoleCatalog;
  access: Access;
  identity: IdentityService;
  /** the operator's own words per language on the sign-in and consent pages */
  languages: LanguagesService;
  /** e-mail out (SMTP_URL, or the outbox) */
  mailer: Mailer;
  tenants: TenantsService;
  partners: PartnersService;
  featureCatalog: FeatureCatalogService;
  partnerUsage: PartnerUsage;
  delegations: DelegationsService;
  /** the purpose catalog and the purpose each gateway route requires (purpose-bound consent), from memory */
  purposes: PurposeCatalog;
  /** each open delegation's current purposes, kept from the change feed (the gateway's purpose step) */
  delegationPurposes: DelegationPurposeIndex;
  /** the decision engine over its feed-fed snapshot (decide, explain, context resolution) */
  authz: AuthzService;
  /** exact rolling-window limiter for every route class (Redis-shared when REDIS_URL is set); see platform/ratelimit */
  rateLimiter: RateLimiter;
  /** vouchers: issue, look up, list (agency embed API, tenant portal, the gateway's vouchers resource) */
  vouchers: VouchersService;
  /** agencies, their form tokens and the in-memory token index the embed API verifies against */
  agencies: AgenciesService;
  /** the reference resource service (the gateway's default upstream, the MSP consolidated views) */
  resources: ResourcesService;
  /** the consolidated MSP views over the resources */
  msp: MspViewsService;
  /** invoice exports (CSV, PDF; jobs for large sets) of the MSP workspace */
  invoiceExports: InvoiceExportService;
  /** per-link commitments and the alerts inbox */
  alerts: AlertsService;
  /** evaluates alerts every minute (started when the app is ready) */
  alertScheduler: AlertScheduler;
  /** the gateway's enforcement pipeline */
  gateway: GatewayService;
  /** partner OAuth apps (clients) */
  apps: AppsService;
  /** end-customer tenants a wholesaler resells */
  resold: ResoldTenantsService;
  /** plan catalog, partner offers, customer segments and KYC, subscriptions */
  plans: PlansService;
  /** partners the operator makes (one, or a file of them), through the approval path */
  partnerCreation: PartnerCreation;
  /** partners' brands, shown to their people and (where allowed) their customers */
  branding: BrandingService;
  /** the authorization server: provider, signing keys (oauth.keys), token verification, consent */
  oauth: OAuthService;
  /** the partner program: referral codes, attributed sign-ups, agreements, earnings, payouts */
  program: ProgramService;
  /** the provider's data sources and the sync API's applier (modules/datasources) */
  dataSources: DataSourcesService;
  /** where order and ticket writes go: the reference service, or the provider's system through the gateway */
  writeRoutes: WriteRoutesService;
  /** the e-mail domains partners and tenants prove they own (DNS TXT through DNS_RESOLVER) */
  domains: DomainsService;
  /** events out: the outbox, webhooks, e-mail queue and the notification center */
  notifications: NotificationsService;
  /** OpenID Shared Signals: partner apps' event streams and the CAEP events pushed to them */
  ssf: SsfService;
  /** each organization's audit events streamed to its security tools, exported with the chain proof, kept as long as it says */
  auditStream: AuditStreamService;
  /** how long tokens acting across tenants live: per partner (operator) and per customer */
  tokenLifetimes: TokenLifetimes;
  /** access templates, partners' access requests and the tenants' approval policies (approval creates the delegation) */
  accessRequests: AccessRequestsService;
  activations: ActivationsService;
  lifecycle: LifecycleSweep;
  /** Redis connections the services opened (closed with the app). */
  redisClients: Redis[];
}

type Core = Pick<Services, 'config' | 'db' | 'clock' | 'hasher' | 'feed' | 'audit' | 'mailer' | 'notifications' | 'roles' | 'access' | 'languages' | 'redisClients'>;
type People = Pick<Services, 'identity' | 'tenants' | 'partners' | 'featureCatalog' | 'delegations' | 'purposes' | 'delegationPurposes' | 'activations' | 'lifecycle' | 'authz'>;
type Records = Pick<Services, 'program' | 'domains' | 'vouchers' | 'agencies' | 'writeRoutes' | 'resources' | 'apps' | 'resold' | 'plans' | 'partnerCreation' | 'branding' | 'tokenLifetimes'>;
type Edge = Pick<Services, 'oauth' | 'partnerUsage' | 'gateway' | 'ssf' | 'auditStream'>;
type Views = Pick<Services, 'msp' | 'invoiceExports' | 'alerts' | 'alertScheduler' | 'dataSources'>;
/** the one limiter and the Redis connection it (and the DPoP replay cache) share */
interface Limiting { rateLimiter: RateLimiter; rateLimitRedis: Redis | null }

export async function createServices(d: ServiceDeps): Promise<Services> {
  const core = await createCore(d);
  const limiting = await createRateLimiting(d, core.redisClients);
  const people = createPeople(d, { ...core, ...limiting });
  const records = createRecords(d, { ...core, ...people });
  const edge = createEdge(d, { ...core, ...limiting, ...people, ...records });
  const views = createViews(d, { ...core, ...people, ...records, ...edge });
  const accessRequests = createAccessRequests(d, { ...core, ...people });
  return { ...core, rateLimiter: limiting.rateLimiter, ...people, ...records, ...edge, ...views, accessRequests };
}

/** the platform's parts every module uses: secrets, the change feed, the audit log, mail, the event outbox, roles */
async function createCore(d: ServiceDeps): Promise<Core> {
  const { config, db, clock } = d;
  const hasher = new SecretHasher(config.secretKey);
  const feed = new ChangeFeed({ db, redis: d.redis, channel: `${config.redisKeyPrefix}changes`, pollIntervalMs: config.changeFeedPollMs, onError: (e) => d.onError(e, 'change feed') });
  const audit = new AuditLog(db, clock);
  // E-mail out: SMTP when SMTP_URL is set, else the outbox in the database, shared by every instance (notices, invitations, alerts, password-reset links)
  const mailer = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: path.join(config.dataDir, 'mail-outbox'), outboxStore: new MailOutboxStore({ db, clock, secretKey: config.secretKey }) });
  // registered first: its audit hook writes each reported change's event in the change's transaction
  const notifications = new NotificationsService({
    db,
    clock,
    audit,
    mailer,
    secretKey: config.secretKey,
    publicUrl: config.publicUrl,
    allowPrivateTargets: config.webhookAllowPrivateTargets,
    timeoutMs: config.webhookTimeoutMs,
    maxAttempts: config.webhookMaxAttempts,
    disableAfterFailures: config.webhookDisableAfterFailures,
    onError: d.onError,
    metrics: d.metrics,
  });
  const roles = await RoleCatalog.load(db);
  const access = new Access(roles, { tenant: () => tenantErrors.tenant_not_found(), partner: () => partnerErrors.partner_not_found() });
  const languages = new LanguagesService({ db, clock, audit });
  return { config, db, clock, hasher, feed, audit, mailer, notifications, roles, access, languages, redisClients: [] };
}

/**
 * One limiter (one Redis connection, one failure policy) for every limit: gateway, agency tokens,
 * partner applications, and the failure budgets of logins and client authentication.
 */
async function createRateLimiting(d: ServiceDeps, redisClients: Redis[]): Promise<Limiting> {
  const { config, clock } = d;
  let rateLimitRedis: Redis | null = null;
  if (d.redis) {
    rateLimitRedis = d.redis();
    redisClients.push(rateLimitRedis);
    rateLimitRedis.on('error', reportEvery(10_000, (e, n) => d.onError(e, `redis (${n} more errors since the last report)`)));
    // Start-up waits (boundedly) for the connection, so the first requests are not refused for it.
    await whenReady(rateLimitRedis, REDIS_CONNECT_TIMEOUT_MS);
  }
  const rateLimiter = createRateLimiter({
    clock,
    redis: rateLimitRedis,
    prefix: `${config.redisKeyPrefix}rl:`,
    failurePolicy: config.rateLimitRedisFailure,
    timeoutMs: config.redisCommandTimeoutMs,
    onError: (e, info) => d.onError(e, `rate limiter (policy ${info.policy}, ${info.suppressed} more failures since the last report)`),
    onReset: (info) => (d.onWarning ?? ((m) => d.onError(new Error(m), 'rate limiter')))(`Redis was reset (restarted without persistence, flushed, or keys evicted): this instance wrote back ${info.entries} rate-limit entries under ${info.keys} keys. Give Redis persistence and maxmemory-policy noeviction.`),
  });
  return { rateLimiter, rateLimitRedis };
}

/** people, customers, partners, their delegations and the decision engine over them */
function createPeople(d: ServiceDeps, c: Core & Limiting): People {
  const { config, db, clock, audit, feed, hasher, mailer, roles, notifications } = c;
  const identity = new IdentityService({
    db,
    audit,
    feed,
    clock,
    hasher,
    loginLimiter: c.rateLimiter,
    loginMaxAttempts: config.loginMaxAttempts,
    loginWindowSec: config.loginWindowSec,
    sessionIdleTimeoutSec: config.sessionIdleTimeoutSec,
    sessionAbsoluteTimeoutSec: config.sessionAbsoluteTimeoutSec,
    scryptCost: config.scryptCost,
    publicUrl: config.publicUrl,
    secretKey: config.secretKey,
    mailer,
    passwordResetTtlSec: config.passwordResetTtlSec,
    onMailError: (e) => d.onError(e, 'password reset mail'),
    onLimiterError: (e) => d.onError(e, 'login limiter'),
    onIndexError: (e) => d.onError(e, 'API token lookup'),
  });
  identity.onInvitationSent((trx, inv) =>
    notifications.queueInvitation(trx, { email: inv.email, role: inv.role, url: inv.url, expiresAt: inv.expires_at, scopeType: inv.scopeType, scopeId: inv.scopeId, invitedBy: inv.invitedBy, acceptLanguage: inv.acceptLanguage }),
  );
  const tenants = new TenantsService({ db, audit, feed, clock, identity });
  const partners = new PartnersService({ db, audit, feed, clock, identity, platformSession: { idleSec: config.sessionIdleTimeoutSec, absoluteSec: config.sessionAbsoluteTimeoutSec }, mailer, publicUrl: config.publicUrl, onMailError: (e) => d.onError(e, 'partner application mail') });
  const featureCatalog = new FeatureCatalogService({ db, audit, feed, clock });
  const purposes = new PurposeCatalog({ db, clock, audit, feed });
  const delegationPurposes = new DelegationPurposeIndex(db, feed);
  const delegations = new DelegationsService({ db, audit, feed, clock, roles, maxDays: config.delegationMaxDays, purposes, onError: (e) => d.onError(e, 'delegation expiry') });
  // eligible (just-in-time) access, auto-extend and expiry notices: events through the outbox, step-up through MFA
  const jitDeps = { db, audit, feed, clock, roles, maxDays: config.delegationMaxDays, events: notifications.outbox, mfa: identity.mfa, onError: (e: unknown) => d.onError(e, 'delegation lifecycle') };
  const activations = new ActivationsService(jitDeps);
  const lifecycle = new LifecycleSweep(jitDeps);
  const authz = new AuthzService({ db, feed, clock, roles, metrics: d.metrics });
  // the snapshot's re-read of a changed delegation carries its purposes: one read per link write, not two
  delegationPurposes.follow((fn) => authz.onDelegationsReread(fn));
  // a partner's members' session policy (its configuration), read from the snapshot on every session check
  identity.sessions.policy = (userId) => {
    const p = authz.snapshot.users.get(userId)?.partner;
    return p ? partnerLimits(p.config).session : null;
  };
  partners.onStatusChange(async (trx, ctx, partner, to) => {
    if (to === 'terminated') await delegations.revokeAllOfPartner(trx, ctx, partner.id, 'partner terminated');
  });
  return { identity, tenants, partners, featureCatalog, delegations, purposes, delegationPurposes, activations, lifecycle, authz };
}

/** the program, domains, vouchers, agencies, the provider's records, apps and plans */
function createRecords(d: ServiceDeps, c: Core & People): Records {
  const { config, db, clock, audit, feed, hasher, mailer, roles, identity, tenants, partners, delegations } = c;
  const program = new ProgramService({ db, audit, feed, clock, identity, tenants, partners, onError: (e) => d.onError(e, 'partner program earnings'), mailer, publicUrl: config.publicUrl, onMailError: (e) => d.onError(e, 'sign-up mail') });
  const domains = new DomainsService({ db, audit, clock, dns: new DnsTxtChecker(config.dnsResolver) });
  const vouchers = new VouchersService({ db, audit, feed, clock });
  const agencies = new AgenciesService({ db, audit, feed, clock, hasher, onError: d.onError });

  // the gateway attaches its forwarding to the provider's routes once its route table exists (build-app)
  const writeRoutes = new WriteRoutesService({ db, audit, clock, routes: config.gatewayRoutes });
  const resources = new ResourcesService({
    db,
    audit,
    clock,
    tenants,
    delegationBillTo: async (id) => (await delegations.get(id).catch(() => null))?.bill_to_ban_id ?? null,
    writes: writeRoutes,
  });

  const apps = new AppsService({ db, audit, feed, clock, hasher, roles, delegations, tenants, partners });
  const resold = new ResoldTenantsService({ db, audit, feed, clock, apps, delegations, identity, tenants });
  const plans = new PlansService({ db, audit, feed, clock, secretKey: config.secretKey, onError: d.onError });
  // a customer's plan limits who may join it: tenants asks plans, without importing it
  tenants.setMemberLimit((trx, tenantId) => plans.memberLimit(trx, tenantId));
  // an operator-made partner's initial plans are allowed by plans, in the partner's transaction
  const partnerCreation = new PartnerCreation(partners.deps, partners);
  partnerCreation.setInitialPlans((trx, ctx, partnerId, offers, pointer) => plans.allowInitialPlans(trx, ctx, partnerId, offers, pointer));
  const branding = new BrandingService({ db, audit, clock, providerName: 'Partnergate' });
  // invitations in a partner's brand: its own people's, and its customers' (where the operator allows it)
  c.notifications.setMailBrand(async (trx, scopeType, scopeId) => {
    const b = scopeType === 'tenant' ? await branding.brandForTenant(scopeId, trx) : await branding.ownBrand(scopeId, trx);
    return b && { name: b.name, color: b.primary_color, logoUrl: b.logo_url && config.publicUrl.replace(/\/+$/, '') + b.logo_url, poweredBy: b.powered_by };
  });
  const tokenLifetimes = new TokenLifetimes({ db, clock, audit, feed, defaults: { access: config.accessTokenTtlSec, refresh: config.refreshTokenTtlSec } });
  return { program, domains, vouchers, agencies, writeRoutes, resources, apps, resold, plans, partnerCreation, branding, tokenLifetimes };
}

/** what faces partner apps: the authorization server, the gateway and the shared signals streams */
function createEdge(d: ServiceDeps, c: Core & Limiting & People & Records): Edge {
  const { config, db, clock, audit, feed, hasher, roles, identity, apps, delegations, authz, rateLimiter, rateLimitRedis, tokenLifetimes, purposes } = c;
  const oauth = new OAuthService({ config, db, clock, audit, feed, hasher, roles, identity, apps, delegations, authz, rateLimiter, onError: d.onError, metrics: d.metrics, crossTenantTtl: (kind, parties, fallback) => tokenLifetimes.ttl(kind, parties, fallback), purposes });
  // partners' requests by day: counted in memory by the gateway, added to partner_usage in batches
  const partnerUsage = new PartnerUsage({ db, clock, onError: (e) => d.onError(e, 'partner usage') });
  // seen DPoP proof ids in Redis when there is one (a proof replayed through another instance is refused), else in memory
  const dpopReplay = rateLimitRedis ? new RedisDpopReplayCache({ redis: rateLimitRedis, prefix: config.redisKeyPrefix, timeoutMs: config.redisCommandTimeoutMs, onError: reportEvery(10_000, (e, n) => d.onError(e, `DPoP replay check (${n} more failures since the last report)`)) }) : null;
  const gateway = createGatewayService({ config, clock, authz, identity, rateLimiter, audit, feed, oauth, apps, usage: partnerUsage, onError: d.onError, metrics: d.metrics, dpopReplay, purposes: { of: (id) => c.delegationPurposes.of(id), nameOf: (id) => purposes.get(id)?.name } });
  // revocations pushed to partner apps (CAEP over RFC 8935): the audited changes become signed SETs in their transaction
  const ssf = new SsfService({
    db,
    clock,
    audit,
    feed,
    keys: () => oauth.keys,
    issuer: config.publicUrl.replace(/\/+$/, ''),
    lookups: {
      oauthIssuer: oauth.issuer,
      partnerOfUser: (userId) => authz.snapshot.users.get(userId)?.partner?.id ?? null,
      tenantsOfUser: (userId) => [...(authz.snapshot.users.get(userId)?.tenants?.keys() ?? [])],
      // every partner that reaches the customer, a distributor through its reseller included: the access reviews' answer
      partnersOfTenant: (tenantId) => partnersOf(authz.snapshot, tenantId),
    },
    secretKey: config.secretKey,
    allowPrivateTargets: config.webhookAllowPrivateTargets,
    timeoutMs: config.webhookTimeoutMs,
    onError: d.onError,
  });
  // audit streaming: the same address rules and time limit as webhooks; syslog's HOSTNAME is the public host
  const auditStream = new AuditStreamService({ db, clock, audit, secretKey: config.secretKey, allowPrivateTargets: config.webhookAllowPrivateTargets, timeoutMs: config.webhookTimeoutMs, hostname: new URL(config.publicUrl).hostname, onError: d.onError });
  return { oauth, partnerUsage, gateway, ssf, auditStream };
}

/** the MSP views, invoice exports, alerts and the provider's data sources, over everything above */
function createViews(d: ServiceDeps, c: Core & People & Records & Edge): Views {
  const { config, db, clock, audit, hasher, mailer, notifications, resources, authz, tenants, partners, gateway, program } = c;
  // Their access events go through the gateway's batched, spooled buffer, grouped like the
  // gateway's: the same person reading the same view of the same tenant within one flush is one
  // event listing each request (a consolidated read touches every managed tenant — a thousand
  // events a request, one row each, cost more than the read itself).
  const msp = new MspViewsService({
    resources,
    authz,
    tenants,
    // what the customers page shows of each row's link, for one page of customers (the owner reads its table)
    links: async (partnerId, ids) => {
      const rows = ids.length === 0 ? [] : await c.delegations.list({ ids, limit: ids.length });
      const through = (v: (typeof rows)[number]) => (v.partner_id === partnerId ? null : { id: v.partner_id, name: v.partner_name });
      return new Map(rows.map((v) => [v.id, { delegation_id: v.id, role: v.role, status: v.status, ends_at: v.ends_at, renewal_ends_at: v.renewal_ends_at, through_reseller: through(v), tenant_slug: v.tenant_slug }]));
    },
    // the alert views compute what the inbox computes (alerts is built below; called per request)
    alerts: { currentAlerts: (links, w) => alerts.currentAlerts(links, w) },
    clock,
    recordAccess: (ctx, e) => {
      const key = `pc\u0000${e.action}\u0000${ctx.actor.userId ?? ''}\u0000${ctx.actor.partnerId ?? ''}\u0000${e.tenantId ?? ''}\u0000${e.targetId ?? ''}\u0000${ctx.ip ?? ''}\u0000${ctx.userAgent ?? ''}\u0000${JSON.stringify(e.details ?? {})}`;
      const at = clock.nowMs();
      if (gateway.auditBuffer.addToGroup(key, at, ctx.requestId, e.targetId ?? '', ctx.ip)) return;
      gateway.auditBuffer.pushGrouped(key, { at, request_id: ctx.requestId, path: e.targetId ?? '', ip: ctx.ip }, () => ({ ctx, entry: e }));
    },
    // A read across many customers: one event per customer, held as one group for the fan-out
    // window (the same view reloaded is one more request of the same events, not ten thousand
    // more rows).
    recordAccesses: (ctx, entries) => {
      if (entries.length === 0) return;
      const first = entries[0];
      const key = `fo\u0000${first.action}\u0000${ctx.actor.userId ?? ''}\u0000${ctx.actor.partnerId ?? ''}\u0000${first.targetId ?? ''}\u0000${ctx.ip ?? ''}\u0000${ctx.userAgent ?? ''}`;
      gateway.auditBuffer.pushFanOut(key, { at: clock.nowMs(), request_id: ctx.requestId, path: first.targetId ?? '', ip: ctx.ip }, ctx, entries);
    },
  });
  const invoiceExports = new InvoiceExportService({ db, clock, msp, secretKey: config.secretKey, onError: (e) => d.onError(e, 'invoice export') });
  // e-mail of alerts: the local outbox (in the database) until the platform's SMTP settings land
  const alerts = new AlertsService({ db, clock, audit, authz, notifier: createNotifier({
      mailer,
      // the alert as a catalog event (alert.raised, alert.resolved): webhooks and the notification center tell the partner's people
      publish: (n) => notifications.publishAlert({ type: n.event === 'alert.resolved' ? 'alert.resolved' : 'alert.raised', alertId: n.subjectId, tenantId: n.tenantId, partnerId: n.partnerId, kind: n.kind, severity: n.severity, title: n.title, detail: n.body, facts: n.facts ?? null }),
      onError: (e) => d.onError(e, 'alert e-mail'),
    }), onError: (e) => d.onError(e, 'alerts') });
  const dataSources = new DataSourcesService({
    db,
    audit,
    clock,
    hasher,
    partnerTenants: (partnerId) => authz.partnerTenantsInReach(partnerId),
    // the referring partners only: a batch names thousands of customers, few of them referred
    referrersOf: (ids) => tenants.referrersOf(ids),
    // the provider's records fire the same events whatever their source (sync API, Stripe, CSV)
    emitEvents: recordEventSink(
      async (trx, events) => void (await notifications.outbox.emitToListeners(trx, events)),
      (trx, types, tenantIds) => notifications.outbox.listeningTenants(trx, types, tenantIds),
    ),
    computeEarnings: (ctx, partnerId) => program.computeEarnings(ctx, { partnerId }),
    tenantNames: (ids) => tenants.tenantNames(ids),
    partnerNames: async (ids) => new Map(ids.length === 0 ? [] : (await partners.listPartners({ ids, limit: ids.length })).map((p) => [p.id, p.name])),
  });
  const alertScheduler = new AlertScheduler(alerts, (e) => d.onError(e, 'alert evaluation'));
  // who on the partner's side hears of an alert, and what each reads: decided per recipient by the alerts module
  for (const type of ['alert.raised', 'alert.resolved']) notifications.setAudiencePolicy(type, (trx, e, members) => alerts.alertAudience(trx, e, members));
  // a sign-up through a referral code: the partner's owners and the code's own staff member (staff see only their codes' referrals)
  notifications.setAudiencePolicy('referral.signed_up', signupAudience);
  return { msp, invoiceExports, alerts, alertScheduler, dataSources };
}

/** Access templates and requests: approval creates the delegation through the delegations service; reminders go out through the e-mail queue; the bell counts the requests each admin may answer. */
function createAccessRequests(d: ServiceDeps, c: Core & People): AccessRequestsService {
  const { db, clock, audit, feed, roles, delegations, notifications, authz } = c;
  const accessRequests = new AccessRequestsService({ db, clock, audit, feed, roles, delegations, mail: notifications, onError: (e) => d.onError(e, 'access request sweep') });
  notifications.addWaitingCounter(async (userId) => {
    const tenants = authz.snapshot.users.get(userId)?.tenants;
    const adminOf = [...(tenants?.entries() ?? [])].filter(([, role]) => role === 'TENANT_ADMIN').map(([id]) => id);
    return (await accessRequests.waitingFor(userId, adminOf)).map((w) => ({
      kind: 'access_requests' as const,
      label: `${w.count} access request${w.count === 1 ? '' : 's'} wait${w.count === 1 ? 's' : ''} for your answer at ${w.tenant_name}`,
      count: w.count,
      tenant_id: w.tenant_id,
      link: `/tenant/${w.tenant_id}/access-requests`,
    }));
  });
  return accessRequests;
}
