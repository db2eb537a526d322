/**
 * The module routes of the /api routers, in registration order, and what each is built from
 * (build-app.ts sorts them into the routers' table).
 */
import type { Config } from '../config/config.ts';
import type { Clock } from '../platform/clock.ts';
import type { AudienceRoutes } from '../platform/http/app-types.ts';
import type { Services } from './services.ts';
import { identityRoutes, mfaRoutes } from '../modules/identity/index.ts';
import { tenantRoutes } from '../modules/tenants/index.ts';
import { featureCatalogRoutes, PartnerImport, partnerConfigRoutes, partnerRoutes, partnerUsageRoutes, resellerRoutes } from '../modules/partners/index.ts';
import { auditRoutes } from '../modules/audit/index.ts';
import { authzCheckRoutes, catalogRoutes } from '../modules/authz/index.ts';
import { activationRoutes, delegationRoutes, DistributorAccess, distributorAccessRoutes, LinkLimitsService, linkLimitsRoutes } from '../modules/delegations/index.ts';
import { appRoutes } from '../modules/apps/index.ts';
import { securityEventRoutes } from '../modules/ssf/index.ts';
import { tokenLifetimeRoutes } from '../modules/tokenpolicy/index.ts';
import { purposeRoutes } from '../modules/purposes/index.ts';
import { languageRoutes } from '../modules/languages/index.ts';
import { accessRequestRoutes } from '../modules/accessrequests/index.ts';
import { planRoutes } from '../modules/plans/index.ts';
import { brandingRoutes } from '../modules/branding/index.ts';
import { agencyRoutes, registerEmbedRoutes } from '../modules/agencies/index.ts';
import { notificationRoutes } from '../modules/notifications/index.ts';
import { auditStreamRoutes } from '../modules/auditstream/index.ts';
import { voucherRoutes } from '../modules/vouchers/index.ts';
import { programRoutes } from '../modules/program/index.ts';
import { type AuthzenService, reachRoutes } from '../modules/authzen/index.ts';
import { type createScim, scimAdminRoutes } from '../modules/scim/index.ts';
import { dataSourceRoutes, writeRouteRoutes } from '../modules/datasources/index.ts';
import { dataFeedRoutes, dataFeeds } from '../modules/datafeeds/index.ts';
import { partnerConsolidatedRoutes, tenantSelfRoutes } from '../modules/resources/index.ts';
import { alertRoutes } from '../modules/alerts/index.ts';
import { domainRoutes } from '../modules/domains/index.ts';
import { type createSso, ssoRoutes } from '../modules/sso/index.ts';
import { OverviewService, overviewRoutes, PartnerHomeService, partnerHomeRoutes } from '../modules/overview/index.ts';

/** What the /api routers' module routes are built from. */
export interface RouterDeps {
  config: Config;
  clock: Clock;
  services: Services;
  authzen: AuthzenService;
  scim: ReturnType<typeof createScim>;
  sso: ReturnType<typeof createSso>['service'];
}

/** Names of tenants and partners by id, for pages that show names, not ids. */
function nameLookups(services: Services) {
  return {
    tenantNames: (ids: string[]) => services.tenants.tenantNames(ids),
    partnerNames: async (ids: string[]) => new Map(ids.length === 0 ? [] : (await services.partners.listPartners({ ids, limit: ids.length })).map((p) => [p.id, p.name])),
  };
}

/** The /api routes of identities and organizations: people, tenants, partners, audit, resources, data. */
export function organizationRouters({ config, clock, services, scim }: RouterDeps): AudienceRoutes[] {
  const { access } = services;
  return [
    identityRoutes({
      identity: services.identity,
      access,
      cookieSecure: config.cookieSecure,
      sessionAbsoluteTimeoutSec: config.sessionAbsoluteTimeoutSec,
      managedTenantIds: (userId, partnerId) => services.authz.managedTenantIds(userId, partnerId),
      memberRoleOf: (userId) => services.authz.memberRoleOf(userId),
      memberRoleGrants: (userId, permission) => services.authz.memberRoleGrants(userId, permission),
    }),
    mfaRoutes({
      identity: services.identity,
      access,
      partnerRequiresMfa: (partnerId) => ({ platform: services.authz.snapshot.mfa.platform, partner: services.authz.snapshot.mfa.partners.has(partnerId) }),
      nowMs: () => clock.nowMs(),
    }),
    tenantRoutes({ tenants: services.tenants, access }),
    partnerRoutes({ partners: services.partners, access, limiter: services.rateLimiter, creation: services.partnerCreation, imports: new PartnerImport(services.partnerCreation) }),
    partnerConfigRoutes({ partners: services.partners, access }),
    featureCatalogRoutes({ catalog: services.featureCatalog, partners: services.partners, access, featureEnabled: (p, k) => services.authz.snapshot.featureEnabled(p, k) }),
    partnerUsageRoutes({ partners: services.partners, usage: services.partnerUsage, access }),
    brandingRoutes({ branding: services.branding, access }),
    resellerRoutes({ resellers: services.partners.resellers, access, customersOf: (id) => services.authz.customersServed(id) }),
    scimAdminRoutes({ connections: scim.connections, access, publicUrl: config.publicUrl }),
    auditRoutes({ audit: services.audit, access }),
    catalogRoutes({ access }),
    partnerConsolidatedRoutes({
      msp: services.msp,
      exports: services.invoiceExports,
      members: (partnerId) => services.partners.listMembers(partnerId),
      isActiveMember: (userId, partnerId) => {
        const u = services.authz.snapshot.users.get(userId);
        return !!u && u.active && u.partner?.id === partnerId && u.partnerMemberActive;
      },
      memberRoleGrants: (userId, permission) => services.authz.memberRoleGrants(userId, permission),
      featureEnabled: (partnerId, key) => services.authz.snapshot.featureEnabled(partnerId, key),
      resellersOf: (partnerId) => services.partners.resellers.listResellers(partnerId),
      readerLocale: (userId, acceptLanguage) => services.identity.readerLocale(userId, acceptLanguage),
    }),
    tenantSelfRoutes({
      resources: services.resources,
      access,
      // a customer's PDF invoice in its partner's brand, where the operator allows it
      invoiceBrand: async (tenantId) => {
        const b = await services.branding.brandForTenant(tenantId);
        if (!b) return null;
        const logo = b.logo_sha256 ? await services.branding.logoBytes(b.logo_sha256) : null;
        return { name: b.name, color: b.primary_color, logo: logo && logo.content_type !== 'image/webp' ? logo.data : null };
      },
      // the PDF in the reader's language
      readerLocale: (userId, acceptLanguage) => services.identity.readerLocale(userId, acceptLanguage),
    }),
    dataSourceRoutes({ dataSources: services.dataSources, access, partnerTenants: (partnerId) => services.authz.partnerTenantsInReach(partnerId) }),
    writeRouteRoutes({ writeRoutes: services.writeRoutes, access, sources: () => services.dataSources.list() }),
    dataFeedRoutes({ ...dataFeeds(services), access }),
    alertRoutes({ alerts: services.alerts, authz: services.authz, access }),
  ];
}

/**
 * The /api routes of access and commerce: authorization checks, delegations, apps, plans, OAuth
 * clients, agencies, vouchers, the program, notifications, single sign-on, domains, overviews, embed.
 */
export function accessAndCommerceRouters({ clock, services, authzen, sso, config }: RouterDeps, oauthTenant: AudienceRoutes['tenant']): AudienceRoutes[] {
  const { access } = services;
  return [
    authzCheckRoutes({ authz: services.authz, access }),
    delegationRoutes({ delegations: services.delegations, authz: services.authz, access }),
    reachRoutes({ authzen, snapshot: services.authz.snapshot, access, ...nameLookups(services), people: (partnerId) => services.partners.listMembers(partnerId),
      appNames: async (partnerId) => new Map((await services.apps.list(partnerId)).map((a) => [a.id, a.name])),
    }),
    purposeRoutes({ purposes: services.purposes, access }),
    languageRoutes({ languages: services.languages, access }),
    activationRoutes({ activations: services.activations, delegations: services.delegations, authz: services.authz, access, nowMs: () => services.clock.now().getTime() }),
    // two-tier partners: the customer's switch for a reseller's distributor
    distributorAccessRoutes({
      access,
      distributorAccess: new DistributorAccess({ db: services.db, audit: services.audit, feed: services.feed, clock: services.clock, chainsOf: (ids) => services.partners.resellers.chainsOf(ids) }),
    }),
    // the customer's own limits on a partner's link (addresses, hours, end)
    linkLimitsRoutes({ access, linkLimits: new LinkLimitsService({ db: services.db, audit: services.audit, feed: services.feed, clock: services.clock }) }),
    appRoutes({ apps: services.apps, resold: services.resold, access, keySet: (uri) => services.oauth.keySets.view(uri) }),
    tokenLifetimeRoutes({ lifetimes: services.tokenLifetimes, access, partnerExists: async (id) => (await services.partners.getPartner(id)) !== undefined }),
    accessRequestRoutes({ accessRequests: services.accessRequests, access }),
    securityEventRoutes({
      ssf: services.ssf,
      access,
      requireApp: (partnerId, appId) => services.apps.get(partnerId, appId),
      tenantNames: (ids) => services.tenants.tenantNames(ids),
      userNames: async (ids) => new Map((await Promise.all(ids.map((id) => services.identity.findUserById(id)))).flatMap((u) => (u ? [[u.id, u.name] as [string, string]] : []))),
    }),
    planRoutes({ plans: services.plans, access }),
    { tenant: oauthTenant },
    agencyRoutes({ agencies: services.agencies, tenants: services.tenants, access }),
    voucherRoutes({ vouchers: services.vouchers, access, clock }),
    programRoutes({ program: services.program, access, limiter: services.rateLimiter }),
    notificationRoutes({ notifications: services.notifications, access }),
    auditStreamRoutes({ auditStream: services.auditStream, access }),
    ssoRoutes({
      sso,
      domains: services.domains,
      access,
      publicUrl: config.publicUrl,
      samlMetadataRefreshIntervalMs: config.samlMetadataRefreshIntervalMs,
      readerLocale: (userId, acceptLanguage) => services.identity.readerLocale(userId, acceptLanguage),
    }),
    domainRoutes({ domains: services.domains, access, ...nameLookups(services) }),
    overviewRoutes({
      access,
      overview: new OverviewService({
        ...services,
        feedLag: async () => (services.feed.started ? services.feed.lag() : null),
        auditBacklog: () => ({ pending: services.gateway.auditBuffer.pending, spool_broken: services.gateway.auditBuffer.spoolBroken }),
      }),
    }),
    partnerHomeRoutes({ access, home: new PartnerHomeService(services), memberRoleGrants: (userId, permission) => services.authz.memberRoleGrants(userId, permission) }),
    { embed: (r) => registerEmbedRoutes(r, { agencies: services.agencies, vouchers: services.vouchers, limiter: services.rateLimiter, clock }) },
  ];
}
