/**
 * Single sign-on per organization: a partner or a tenant signs its people in with its own company's
 * identity provider (OpenID Connect here, SAML 2.0 through the adapter in ./saml/). Owns
 * sso_connections, sso_role_mappings, sso_identities and sso_flows (migration 0034).
 *
 * For a protocol adapter (the SAML one) the entry points are:
 *   - SsoService.registerAdapter('saml', adapter)             start(connection, state) → redirect URL
 *   - SsoBrowserFlow.finish(req, reply, { state, connectionId, identify })   the assertion consumer
 *       service's whole answer: takes the flow once, calls identify(flow, connection) → UpstreamIdentity
 *       (or throws SsoProtocolError), then SsoService.completeUpstreamSignIn (or the test result, or the
 *       refusal page in words)
 *   - SsoService.completeUpstreamSignIn(ctx, connectionId, identity)   the organization-level sign-in
 *       itself (person found / linked / created just in time, role from groups, session), for any caller
 * See sso.types.ts for the contract.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { reportEvery, type RedisFactory } from '../../platform/redis.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { PartnersService } from '../partners/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { DomainsService } from '../domains/index.ts';
import type { EventOutbox } from '../notifications/index.ts';
import { createFlowStore } from './sso-flows.ts';
import { SsoService, SSO_FLOW_TTL_MS } from './sso.service.ts';
import { DomainRecheck } from './domain-recheck.ts';
import { IdpMetadataRefresh } from './saml/idp-metadata-refresh.ts';
import { SpPreviousCleanup } from './sso-sp-rotation.ts';

export { SsoService, OIDC_CALLBACK_PATH, type SignedIn, type SignInPreview, type ConnectionInput } from './sso.service.ts';
export { SsoBrowserFlow, registerSsoBrowserRoutes } from './sso-browser.routes.ts';
export { ssoRoutes } from './sso.routes.ts';
export { ssoErrors } from './sso.errors.ts';
export { DomainRecheck } from './domain-recheck.ts';
export { SSO_ROLES } from './sso-mapping.ts';
export * from './sso.types.ts';

export interface CreateSsoDeps {
  db: Db;
  /** let an OIDC provider be on a private or loopback address (WEBHOOK_ALLOW_PRIVATE_TARGETS: a test bench) */
  allowPrivateTargets?: boolean;
  audit: AuditLog;
  clock: Clock;
  identity: IdentityService;
  partners: PartnersService;
  tenants: TenantsService;
  domains: DomainsService;
  outbox: EventOutbox;
  secretKey: string;
  publicUrl: string;
  redis: RedisFactory | null;
  redisKeyPrefix: string;
  /** Redis clients the app disconnects on close */
  redisClients: Redis[];
  domainRecheckIntervalMs: number;
  /** how often a SAML provider's metadata is re-read from its address (SAML_METADATA_REFRESH_INTERVAL_MS) */
  samlMetadataRefreshIntervalMs: number;
  partnerOf: (userId: string) => string | null;
  /** the customers a person is a member of now (tenant id → role; the decision snapshot) */
  tenantsOf: (userId: string) => ReadonlyMap<string, string>;
  onError: (err: unknown, what: string) => void;
}

/** The module's services, built from the app's; the identity module's password gate is set here. */
export function createSso(d: CreateSsoDeps) {
  let redis: Redis | null = null;
  if (d.redis) {
    redis = d.redis();
    redis.on('error', reportEvery(10_000, (e, n) => d.onError(e, `single sign-on flows in redis (${n} more errors since the last report)`)));
    d.redisClients.push(redis);
  }
  const flows = createFlowStore({ db: d.db, clock: d.clock, secretKey: d.secretKey, ttlMs: SSO_FLOW_TTL_MS, redis, redisPrefix: d.redisKeyPrefix });
  const service = new SsoService({ ...d, flows });
  d.identity.setPasswordGate((email, userId) => service.passwordGate(email, userId));
  d.identity.setSignOutHandoff((sessionId) => service.logout.signOutHandoff(sessionId));
  const recheck = new DomainRecheck({ db: d.db, clock: d.clock, domains: d.domains, outbox: d.outbox, intervalMs: d.domainRecheckIntervalMs, onError: (e) => d.onError(e, 'domain re-check') });
  const metadataRefresh = new IdpMetadataRefresh({
    db: d.db,
    clock: d.clock,
    audit: d.audit,
    allowPrivateTargets: d.allowPrivateTargets ?? false,
    intervalMs: d.samlMetadataRefreshIntervalMs,
    onError: (e) => d.onError(e, 'SAML metadata refresh'),
  });
  const spCertificateCleanup = new SpPreviousCleanup({ db: d.db, clock: d.clock, audit: d.audit, onError: (e) => d.onError(e, 'SAML certificate clean-up') });
  return { service, recheck, metadataRefresh, spCertificateCleanup };
}
