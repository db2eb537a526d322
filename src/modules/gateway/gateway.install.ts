/**
 * Puts the gateway on an app: the route table (the reference service's routes under
 * /resources/v1, then the operator's GATEWAY_ROUTES, each upstream with the assertion key of its
 * name), the proxy and forward-auth routes, and — unless RESOURCES_UPSTREAM_URL points elsewhere —
 * the reference service itself, started on a loopback port when the app is ready and stopped
 * with it.
 */
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { REFERENCE_UPSTREAM_NAME, type Config } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import { buildUpstreamApp, REFERENCE_ROUTES, type ResourcesService, type UpstreamAuthenticator } from '../resources/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { VouchersService } from '../vouchers/index.ts';
import type { OAuthService } from '../oauth/index.ts';
import type { AppsService } from '../apps/index.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import { checkBody, defaultAssertionSecret, deriveUpstreamKey, verifyAssertion } from './assertion.ts';
import { AccessTokenVerifier } from './access-token.ts';
import { AppStatusIndex } from './app-index.ts';
import { GatewayService, type GatewayDeps, type LiveTokenState } from './gateway.service.ts';
import { SignaturePool } from './signature-pool.ts';
import { registerGatewayRoutes, type RuleDocs } from './gateway.routes.ts';
import { forwardAuthFront } from './forward-auth.http.ts';
import { installFront } from '../../platform/http/front-handler.ts';
import { UpstreamPools } from './proxy.ts';
import { joinPath, RouteTable, type GatewayRule, type UpstreamTarget } from './route-table.ts';
import { providerForwarder, type ProviderForwarder } from './provider-writes.ts';
import type { PurposeCatalog } from '../purposes/index.ts';

export const RESOURCES_PREFIX = '/resources/v1';
/** the access-event spool's folder in DATA_DIR (see audit/access-spool.ts) */
export const ACCESS_SPOOL_DIR = 'access-spool';

export interface InstallGatewayDeps {
  config: Config;
  clock: Clock;
  gateway: GatewayService;
  resources: ResourcesService;
  tenants: Pick<TenantsService, 'listBillingAccounts'>;
  vouchers: Pick<VouchersService, 'list' | 'lookupByCode' | 'issue'>;
  /**
   * Answer the forward-auth check before Fastify (forward-auth.http.ts), but for the requests
   * `declines` names; null: through Fastify only (tracing's request spans, debug request logs).
   */
  front: { declines: (req: IncomingMessage) => boolean } | null;
  /** the purpose catalog: the purpose each route requires, copied onto the rules whenever the operator changes one */
  purposes?: Pick<PurposeCatalog, 'listRoutesFrom' | 'requiredFor' | 'onRoutesChanged'> | null;
}

/**
 * The gateway service with its token verifier on the authorization server's key store (the
 * JWKS, reloaded when a rotation reaches this instance through the feed, or once per interval
 * for an unknown kid) and the live token state: the authorization server's in-memory set of
 * revoked access tokens (by jti) and grants (by the token's gid), then the live app index — all
 * O(1), no database read; and the "last use" recorder of delegations (a Map.set per admitted
 * request, flushed in batches).
 */
export function createGatewayService(
  d: Omit<GatewayDeps, 'tokens' | 'live'> & { feed: ChangeFeed; oauth: Pick<OAuthService, 'keys' | 'issuer' | 'audience' | 'revocations' | 'lastUse'>; apps: Pick<AppsService, 'findClientRecord'> },
): GatewayService {
  const { oauth } = d;
  const pool = d.config.gatewayVerifyThreads > 0 ? new SignaturePool({ threads: d.config.gatewayVerifyThreads, onError: (e) => d.onError?.(e, 'gateway signature worker') }) : null;
  const tokens = new AccessTokenVerifier({
    issuer: oauth.issuer,
    audience: oauth.audience,
    jwks: async () => {
      await oauth.keys.reload();
      return oauth.keys.publicJwks();
    },
    now: () => d.clock.nowMs(),
    pool,
    onError: (e) => d.onError?.(e, 'gateway key reload'),
  });
  oauth.keys.onChange(() => void tokens.reloadKeys());
  const appIndex = new AppStatusIndex(async (clientId) => {
    const r = await d.apps.findClientRecord(clientId);
    return r ? { status: r.app.status, partnerId: r.app.partner_id } : undefined;
  }, d.feed);
  const revoked = oauth.revocations;
  const live: LiveTokenState = {
    check: (claims) => {
      if (claims.jti !== undefined && revoked.has(claims.jti)) return 'The access token was revoked.';
      if (claims.gid !== undefined && revoked.hasGrant(claims.gid)) return 'The grant this access token was issued from was revoked.';
      return appIndex.check(claims);
    },
  };
  return new GatewayService({ ...d, tokens, live, lastUse: oauth.lastUse, signaturePool: pool });
}

/**
 * The purpose each route requires lives on the rule itself (the purpose step reads one field):
 * the operator's choice in the catalog, else what the route table declares — set from the
 * catalog now and again whenever it reloads (a change on any instance reaches every one through
 * the change feed).
 */
function followRoutePurposes(table: RouteTable, purposes: NonNullable<InstallGatewayDeps['purposes']>): void {
  purposes.listRoutesFrom(() => table.rules.map((r) => ({ method: r.method, pattern: r.pattern, permission: r.permission, upstream: r.upstream.name, declared: r.declaredPurpose })));
  const apply = () => {
    for (const r of table.rules) r.purpose = purposes.requiredFor(r.method, r.pattern) ?? r.declaredPurpose;
  };
  apply();
  purposes.onRoutesChanged(apply);
}

/** GATEWAY_ASSERTION_SECRET, or its default derived from SECRET_KEY (which must be resolved by then). */
export function assertionSecretOf(config: Pick<Config, 'gatewayAssertionSecret' | 'secretKey'>): string {
  if (config.gatewayAssertionSecret) return config.gatewayAssertionSecret;
  if (!config.secretKey) throw new Error('SECRET_KEY is not resolved yet: the upstream keys derive from it');
  return defaultAssertionSecret(config.secretKey);
}

/** The key of one upstream (by its name): what `partnergate gateway upstream-key <name>` prints. */
export function upstreamKeyFor(config: Pick<Config, 'gatewayAssertionSecret' | 'secretKey'>, upstreamName: string): Buffer {
  return deriveUpstreamKey(assertionSecretOf(config), upstreamName);
}

/** The upstream's side of the assertion: verify it with this upstream's own key. */
export function upstreamAuthenticator(key: Buffer, clock: Clock): UpstreamAuthenticator {
  return (headers, method, url) => verifyAssertion(key, headers, method, url, clock.nowMs());
}

/**
 * The reference service's body check. It takes UNSIGNED-PAYLOAD (an assertion whose signer did
 * not see the body: a forward-auth proxy in front of it, whose client sent no Content-Digest);
 * a signed digest must match the body byte for byte.
 */
export const referenceBodyCheck = (content: string, body: Buffer | null): string | null => checkBody(content, body, { acceptUnsigned: true });

export function buildRouteTable(config: Config, reference: UpstreamTarget): { table: RouteTable; docs: Map<GatewayRule, RuleDocs> } {
  const table = new RouteTable();
  const docs = new Map<GatewayRule, RuleDocs>();
  for (const spec of REFERENCE_ROUTES) {
    const rule: GatewayRule = {
      method: spec.method,
      pattern: joinPath(RESOURCES_PREFIX, spec.path),
      permission: spec.permission,
      rateClass: spec.rateClass,
      upstream: reference,
      prefix: RESOURCES_PREFIX,
      tenantScoped: true,
      purpose: null,
      declaredPurpose: null,
    };
    table.add(rule);
    docs.set(rule, { summary: spec.summary, schema: spec.schema, tags: ['resources'] });
  }
  const secret = assertionSecretOf(config);
  for (const r of config.gatewayRoutes) table.addConfigured(r, deriveUpstreamKey(secret, r.name));
  return { table, docs };
}

export async function installGateway(app: FastifyInstance, d: InstallGatewayDeps): Promise<{ table: RouteTable; reference: UpstreamTarget; providerWrites: ProviderForwarder }> {
  const reference: UpstreamTarget = { name: REFERENCE_UPSTREAM_NAME, baseUrl: d.config.resourcesUpstreamUrl, assertionKey: upstreamKeyFor(d.config, REFERENCE_UPSTREAM_NAME) };
  const { table, docs } = buildRouteTable(d.config, reference);
  if (d.purposes) followRoutePurposes(table, d.purposes);
  const pools = new UpstreamPools({ headersTimeoutMs: d.config.gatewayUpstreamTimeoutMs, bodyTimeoutMs: d.config.gatewayUpstreamTimeoutMs });
  const check = await registerGatewayRoutes(app, {
    gateway: d.gateway,
    table,
    pools,
    // Every upstream's own key is rule.upstream.assertionKey (what the routes sign with); this is
    // the reference service's.
    assertionKey: reference.assertionKey,
    clock: d.clock,
    bodyLimit: d.config.bodyLimitBytes,
    trustProxy: d.config.trustProxy,
    docs: (rule) => docs.get(rule) ?? null,
  });

  if (d.front !== null) installFront(app, forwardAuthFront(check, { trustProxy: d.config.trustProxy, declines: d.front.declines }));

  let upstream: FastifyInstance | null = null;
  app.addHook('onReady', async () => {
    // access events durable on this machine before they are answered; what a dead instance left is replayed now
    await d.gateway.auditBuffer.start(path.join(d.config.dataDir, ACCESS_SPOOL_DIR));
    if (reference.baseUrl !== null) return;
    upstream = await buildUpstreamApp({
      resources: d.resources,
      tenants: d.tenants,
      vouchers: d.vouchers,
      authenticate: upstreamAuthenticator(reference.assertionKey, d.clock),
      checkBody: referenceBodyCheck,
      bodyLimit: d.config.bodyLimitBytes,
    });
    await upstream.listen({ port: 0, host: '127.0.0.1' });
    const addr = upstream.server.address();
    reference.baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1`;
  });
  app.addHook('onClose', async () => {
    await pools.close();
    if (upstream) await upstream.close();
    await d.gateway.close();
  });
  // Writes to the provider's system of record go out through the same table, pools and signing (provider-writes.ts).
  const providerWrites = providerForwarder({ table, pools, clock: d.clock, prefixes: new Map(d.config.gatewayRoutes.map((r) => [r.name, r.prefix.replace(/\/+$/, '')])) });
  return { table, reference, providerWrites };
}
