/**
 * SAML 2.0 service provider for single sign-on per organization (see saml-adapter.ts): plugged into the
 * organization-level flow as its 'saml' adapter, with its assertion consumer service and metadata routes.
 * Owns no table: connections are the sso module's; assertion and request ids live in Redis (or memory).
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { reportEvery, type RedisFactory } from '../../../platform/redis.ts';
import type { SsoBrowserFlow } from '../sso-browser.routes.ts';
import type { SsoService } from '../sso.service.ts';
import type { IdpMetadataRefresh } from './idp-metadata-refresh.ts';
import { samlReplayStore } from './saml-replay.ts';
import { createSamlAdapter, registerSamlRoutes } from './saml.routes.ts';

export { fetchIdpMetadata, parseIdpMetadata, IdpMetadataError, type IdpMetadata } from './idp-metadata.ts';
export { finishSamlSignIn, startSamlSignIn, spMetadataXml } from './saml-adapter.ts';
export { newSpCredentials, type SpCredentials } from './sp-credentials.ts';
export { IdpMetadataRefresh, signingFingerprints } from './idp-metadata-refresh.ts';
export { createSamlAdapter, registerSamlRoutes, SAML_REQUEST_ID } from './saml.routes.ts';

export interface InstallSamlDeps {
  sso: SsoService;
  flow: SsoBrowserFlow;
  /** "Check now" on the connection page re-reads the provider's metadata through it */
  metadataRefresh?: IdpMetadataRefresh;
  redis: RedisFactory | null;
  redisKeyPrefix: string;
  redisCommandTimeoutMs: number;
  /** Redis clients the app disconnects on close */
  redisClients: Redis[];
  onError: (err: unknown, what: string) => void;
}

/** Registers the SAML adapter with the sso service and mounts its routes. */
export async function installSaml(app: FastifyInstance, d: InstallSamlDeps): Promise<void> {
  let redis: Redis | null = null;
  if (d.redis) {
    redis = d.redis();
    redis.on('error', reportEvery(10_000, (e, n) => d.onError(e, `SAML assertion ids in redis (${n} more errors since the last report)`)));
    d.redisClients.push(redis);
  }
  const onError = reportEvery(10_000, (e, n) => d.onError(e, `SAML replay check (${n} more failures since the last report)`));
  const replay = samlReplayStore(redis ? { redis, prefix: d.redisKeyPrefix, timeoutMs: d.redisCommandTimeoutMs, onError } : null);
  d.sso.registerAdapter('saml', createSamlAdapter(d.metadataRefresh));
  await registerSamlRoutes(app, { sso: d.sso, flow: d.flow, replay });
}
